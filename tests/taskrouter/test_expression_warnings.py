"""Probable mistakes are warned about without failing the parse."""

from __future__ import annotations

import re

import pytest

from taskrouter import ExpressionKind, check, parse
from taskrouter.expression import EXCERPT_CONTEXT

# (expression, kind, expected (code, column) warnings)
WARNED: list[tuple[str, ExpressionKind, list[tuple[str, int]]]] = [
    ("type = 'ticket'", "filter", [("single-equals", 6)]),
    ("language == es", "filter", [("bare-word", 13)]),
    ("type != ticket", "filter", [("bare-word", 9)]),
    ("language IN [en, 'fr']", "filter", [("bare-word", 14)]),
    ("skills HAS support", "queue", [("bare-word", 12)]),
    ("vip == True", "filter", [("bare-word", 8)]),
    ("vip == NULL", "filter", [("bare-word", 8)]),
    ('"language" == "spanish"', "queue", [("quoted-key", 1)]),
    ("language == 'es-MX'", "filter", [("hyphen-in-value", 13)]),
    ("language IN ['en', 'es-MX']", "filter", [("hyphen-in-value", 20)]),
    ("task.vip == true", "filter", [("prefixed-key", 1)]),
    ("worker.skills HAS 'x'", "queue", [("prefixed-key", 1)]),
    # A TaskRouter skill document lists "skills" IN task.required_skills among worker-matching expressions.
    ("task.x == 1", "queue", [("task-in-queue", 1)]),
    ('"skills" IN task.required_skills', "queue", [("task-in-queue", 13)]),
    # A key that does not fit its kind is no syntax error ("expression validation is syntactic only").
    ("taskrouter.now > 1", "filter", [("unknown-variable", 1)]),
    ("taskrouter.currentTim > 800", "target", [("unknown-variable", 1)]),
    ("task == 1", "target", [("missing-prefix", 1)]),
    ("worker[0] == 1", "target", [("missing-prefix", 1)]),
    ("workers.busy == 0", "skip_if", [("unknown-variable", 1)]),
    ("available == 0", "skip_if", [("unknown-variable", 1)]),
    ("workers.WA123 > 0", "skip_if", [("unknown-variable", 1)]),
    ("level DESC", "order_by", [("missing-prefix", 1)]),
    ("worker.a ASC, routing.levels.es DESC", "order_by", [("missing-prefix", 15)]),
    ("language == 'es'", "target", [("missing-prefix", 1)]),
    ("isSurveyTask==true", "target", [("missing-prefix", 1)]),
    ("task.language == es", "target", [("missing-prefix", 18)]),
    ("task.language IN [en]", "target", [("missing-prefix", 19)]),
    ("a == 1 OR b == 2 AND c == 3", "filter", [("mixed-and-or", 11)]),
    ("(a == 1 AND b == 2 OR c == 3)", "filter", [("mixed-and-or", 2)]),
]


@pytest.mark.parametrize(("text", "kind", "expected"), WARNED, ids=[text for text, _, _ in WARNED])
def test_probable_mistake_is_warned_at_its_column(text: str, kind: ExpressionKind,
                                                  expected: list[tuple[str, int]]) -> None:
    assert [(warning.code, warning.column) for warning in parse(text, kind).warnings] == expected


@pytest.mark.parametrize(("text", "kind"), [
    # Regal's routing article: worker.activity_name == 'Available - Priority'; activity and worker names are no
    # attribute values, to which Twilio's "no hyphens" applies.
    ("worker.activity_name == 'Available - Priority'", "target"),
    ("worker.activity_name IN ['On-Call', 'Generally Available']", "target"),
    ("'jane-doe@example.com' == worker.friendly_name", "target"),
    ("activity_name CONTAINS 'On-Call'", "queue"),
])
def test_a_hyphen_compared_with_an_activity_or_worker_name_is_not_warned_about(text: str,
                                                                              kind: ExpressionKind) -> None:
    assert parse(text, kind).warnings == ()


def test_a_hyphen_compared_with_a_worker_attribute_is_still_warned_about() -> None:
    assert [w.code for w in parse("worker.skills HAS 'on-call'", "target").warnings] == ["hyphen-in-value"]


@pytest.mark.parametrize("text", [
    "type == 'ticket'",
    "a == b.c",
    "language IN ['en', 'es']",
    "(a == 1 AND b == 2) OR c == 3",
    "a == 1 AND (b == 2 OR c == 3)",
    "targetWorker != null",
    "1==1",
])
def test_careful_filter_expression_has_no_warning(text: str) -> None:
    assert check(text, "filter") == []


def test_unprefixed_key_in_a_target_is_warned_about_with_the_docs_rule_and_both_prefixes() -> None:
    (warning,) = check("isSurveyTask==true", "target")
    assert warning.message == ("key 'isSurveyTask' has no task. or worker. prefix: the docs say every key in a "
                               "target expression is prefixed with task. or worker.")
    assert warning.hint == "write task.isSurveyTask (the task's attribute) or worker.isSurveyTask (the worker's)"


def test_bare_word_value_in_a_target_is_warned_about_with_the_quoting_fix() -> None:
    (warning,) = check("task.language == es", "target")
    assert (warning.severity, warning.code) == ("warning", "missing-prefix")
    assert warning.hint.endswith("; if you meant the text, quote it: 'es'")


def test_warning_renders_with_caret_and_fix() -> None:
    (warning,) = check("language == es")
    assert str(warning).splitlines() == [
        "warning: column 13: 'es' is read as a key, not as the text 'es'",
        "  language == es",
        "              ^",
        "  fix: if you meant the text, quote it: 'es'",
    ]


def test_bare_true_in_capitals_suggests_the_lower_case_literal() -> None:
    (warning,) = check("vip == TRUE")
    assert warning.hint == "write true in lower case"


def test_single_equals_still_means_equality() -> None:
    assert parse("a = 1") == parse("a == 1")


# ---------------------------------------------------------------------------------- long expressions

LONG_COMPARISONS = 2000
LONG = " OR ".join(f"lang{n} == es{n}" for n in range(LONG_COMPARISONS))


def test_a_long_expression_gets_one_warning_per_mistake() -> None:
    bare_words = [match.start() + 1 for match in re.finditer(r"\bes\d+", LONG)]
    assert [(w.code, w.column) for w in check(LONG)] == [("bare-word", column) for column in bare_words]


def test_each_warning_of_a_long_expression_shows_only_the_part_around_it() -> None:
    for warning in check(LONG):
        _, excerpt, caret, _ = str(warning).splitlines()
        assert len(excerpt) <= 2 + 2 * (EXCERPT_CONTEXT + 3) + 1
        word = warning.message.split("'")[1]
        assert excerpt[caret.index("^"):].startswith(word), (excerpt, caret)


def test_the_excerpt_is_marked_where_it_is_cut() -> None:
    middle = check(LONG)[LONG_COMPARISONS // 2]
    excerpt = str(middle).splitlines()[1]
    assert (excerpt[:5], excerpt[-3:]) == ("  ...", "...")


def test_an_error_in_a_long_expression_points_into_an_excerpt() -> None:
    (error,) = check(LONG + " OR")
    _, excerpt, caret, _ = str(error).splitlines()
    assert (error.severity, excerpt.startswith("  ..."), excerpt.endswith(" OR")) == ("error", True, True)
    assert caret.index("^") == len(excerpt)  # just past the end, where the missing comparison belongs


def test_an_expression_that_fits_is_shown_whole() -> None:
    text = "a == 1 AND " * 5 + "b == es"
    (warning,) = check(text)
    assert str(warning).splitlines()[1] == f"  {text}"
