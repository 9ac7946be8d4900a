"""Probable mistakes are warned about without failing the parse."""

from __future__ import annotations

import pytest

from taskrouter import ExpressionKind, check, parse

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
    ("a == 1 OR b == 2 AND c == 3", "filter", [("mixed-and-or", 11)]),
    ("(a == 1 AND b == 2 OR c == 3)", "filter", [("mixed-and-or", 2)]),
]


@pytest.mark.parametrize(("text", "kind", "expected"), WARNED, ids=[text for text, _, _ in WARNED])
def test_probable_mistake_is_warned_at_its_column(text: str, kind: ExpressionKind,
                                                  expected: list[tuple[str, int]]) -> None:
    assert [(warning.code, warning.column) for warning in parse(text, kind).warnings] == expected


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


def test_bare_word_in_a_target_is_an_error_not_a_warning() -> None:
    assert [d.severity for d in check("task.language == es", "target")] == ["error"]


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
