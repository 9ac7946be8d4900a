"""Invalid expressions fail with the right column, a caret under the fault, and a fix."""

from __future__ import annotations

import pytest

from taskrouter import ExpressionError, ExpressionKind, check, parse

# (expression, kind, 1-based column of the fault, error code)
INVALID: list[tuple[str, ExpressionKind, int, str]] = [
    ("", "filter", 1, "empty"),
    ("   ", "filter", 1, "empty"),
    ("skill-level > 3", "filter", 6, "hyphen-in-key"),
    ("routing.skill-level > 3", "queue", 14, "hyphen-in-key"),
    ("vip ==", "filter", 7, "syntax"),
    ("vip", "filter", 4, "syntax"),
    ("a AND b", "filter", 3, "syntax"),
    ("(a == 1", "filter", 1, "syntax"),
    ("a == 1)", "filter", 7, "syntax"),
    ("a == 1 b == 2", "filter", 8, "syntax"),
    ("a == 1 == 2", "filter", 8, "syntax"),
    ("a == 'abc", "filter", 6, "syntax"),
    ('a == "abc', "filter", 6, "syntax"),
    ("a IN [1, 2", "filter", 6, "syntax"),
    ("a IN [1 2]", "filter", 9, "syntax"),
    ("a IN [1,]", "filter", 9, "syntax"),
    ("a.b. == 1", "filter", 5, "syntax"),
    ("5abc == 1", "filter", 1, "syntax"),
    ("a == 1.", "filter", 6, "syntax"),
    ("a == 1 && b == 2", "filter", 8, "syntax"),
    ("a == 1 || b == 2", "filter", 8, "syntax"),
    ("a <> 1", "filter", 3, "syntax"),
    ("a === 1", "filter", 3, "syntax"),
    ("!(a == 1)", "filter", 1, "syntax"),
    ("NOT a == 1", "filter", 1, "syntax"),
    ("a NOT HAS 'x'", "filter", 3, "syntax"),
    ("a == ${QUEUE}", "filter", 6, "syntax"),
    ("a == 1 - 2", "filter", 8, "syntax"),
    ("a == AND", "filter", 6, "syntax"),
    ("a ~ 1", "filter", 3, "syntax"),
    ("worker.level", "order_by", 13, "syntax"),
    ("worker.level UP", "order_by", 14, "syntax"),
    ("worker.a ASC worker.b DESC", "order_by", 14, "syntax"),
    ("worker.a ASC,", "order_by", 14, "syntax"),
    ("'x' DESC", "order_by", 1, "syntax"),
]


@pytest.mark.parametrize(("text", "kind", "column", "code"), INVALID, ids=[f"{k}:{t!r}" for t, k, _, _ in INVALID])
def test_invalid_expression_fails_at_its_column(text: str, kind: ExpressionKind, column: int, code: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, kind)
    assert (caught.value.column, caught.value.code) == (column, code)


@pytest.mark.parametrize(("text", "kind", "column", "code"), INVALID, ids=[f"{k}:{t!r}" for t, k, _, _ in INVALID])
def test_invalid_expression_is_reported_by_check_as_one_error(text: str, kind: ExpressionKind, column: int,
                                                              code: str) -> None:
    diagnostics = check(text, kind)
    assert [(d.severity, d.column, d.code) for d in diagnostics] == [("error", column, code)]


def test_error_text_has_message_expression_caret_and_fix() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("skill-level > 3")
    assert str(caught.value).splitlines() == [
        "column 6: 'skill-level' contains a hyphen: TaskRouter does not support hyphens in keys "
        "(it would read 'skill' minus something)",
        "  skill-level > 3",
        "       ^",
        "  fix: rename the attribute to skill_level (in the attributes and here)",
    ]


def test_a_template_placeholder_says_to_lint_what_the_template_tool_writes() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("${task_routing_filter_expression}")  # as techmatters' Terraform templates write it
    assert caught.value.column == 1
    assert caught.value.hint == ("write the value itself in the expression; if a template tool (Terraform, a "
                                 "script) fills it in, lint the configuration it writes")


@pytest.mark.parametrize(("text", "kind", "key"), [
    ("routing.skill-level == 1", "filter", "routing.skill-level"),
    ("worker.skill-level > task.level", "target", "worker.skill-level"),
    ("a-b[0].c-d == 1", "filter", "a-b[0].c-d"),
])
def test_hyphen_error_names_the_whole_key_and_its_underscored_spelling(text: str, kind: ExpressionKind,
                                                                        key: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, kind)
    assert caught.value.message.startswith(f"'{key}' contains a hyphen")
    assert caught.value.hint == f"rename the attribute to {key.replace('-', '_')} (in the attributes and here)"


@pytest.mark.parametrize(("text", "kind", "hint"), [
    # Regal's routing-expression article writes worker.routing.skillsHAS "Inbound Call".
    ('worker.routing.skillsHAS "Inbound Call" AND worker.routing.skills HAS "Support"', "target",
     "put a space before HAS: worker.routing.skills HAS 'Inbound Call'"),
    ("languageIN ['en', 'fr']", "filter", "put a space before IN: language IN ['en', 'fr']"),
    ("nameCONTAINS", "filter", "put a space before CONTAINS: name CONTAINS ..."),
    ("login 'x'", "filter", "compare it with a value, e.g. login == true"),
])
def test_a_key_glued_to_an_operator_is_told_to_put_a_space_before_it(text: str, kind: ExpressionKind,
                                                                       hint: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, kind)
    assert caught.value.hint == hint


@pytest.mark.parametrize(("text", "kind", "hint"), [
    # www.twilio.com renders the Activity Based Routing example with ’ (U+2019) around the activity names.
    ("worker.activity_name == \u2019General Avail\u2019", "target",
     "use straight quotes: worker.activity_name == 'General Avail'"),
    ("type == \u201csales\u201d", "filter", 'use straight quotes: type == "sales"'),
    ("a == \u2018x\u2019 OR\nb == 1", "filter", "replace each typographic quote with ' or \""),
])
def test_typographic_quotes_are_named_and_replaced_by_straight_ones(text: str, kind: ExpressionKind,
                                                                  hint: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, kind)
    assert caught.value.message.endswith("is a typographic quote, which does not delimit a string")
    assert caught.value.hint == hint


def test_error_keeps_message_hint_and_expression_apart() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("vip ==")
    error = caught.value
    assert (error.message, error.expression) == ("expected a value after '==', found the end of the expression",
                                                 "vip ==")
    assert "true/false/null" in error.hint


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="column 1"):
        parse("", "filter")


def test_caret_lines_up_under_a_fault_after_a_newline() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("a == 1\nAND b ==")
    lines = str(caught.value).splitlines()
    assert lines[2].index("^") - 2 == caught.value.column - 1
    assert lines[1] == "  a == 1 AND b =="


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown expression kind"):
        parse("1==1", "workflow")  # type: ignore[arg-type]
