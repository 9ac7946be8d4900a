"""Split Based On's condition types, against Twilio's documented examples and the choices table."""

from __future__ import annotations

import ast
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from studio.conditions import CHOICES, PREDICATES, UnknownConditionError, holds
from studio.simulate import Contact, simulate
from studio.spec import CONDITION_TYPES

NEW_YORK = ZoneInfo("America/New_York")

# (type, subject, value, holds): the docs' examples ("YES" replies, pressing "1", "contains sales",
# HH:MM times, YYYY-MM-DD dates, comma lists) and their negations.
DOCUMENTED = [
    ("equal_to", "YES", "YES", True),
    ("equal_to", "1", "2", False),
    ("not_equal_to", "1", "2", True),
    ("not_equal_to", "YES", "YES", False),
    ("matches_any_of", "2", "1, 2, 3", True),
    ("matches_any_of", "4", "1, 2, 3", False),
    ("does_not_match_any_of", "4", "1, 2, 3", True),
    ("does_not_match_any_of", "2", "1,2,3", False),
    ("is_blank", "", "Is Blank", True),
    ("is_blank", "x", "Is Blank", False),
    ("is_not_blank", "x", "Is Not Blank", True),
    ("is_not_blank", "", "Is Not Blank", False),
    ("regex", "order 12345", r"\d{5}", True),
    ("regex", "order", r"\d{5}", False),
    ("contains", "I want sales please", "sales", True),
    ("contains", "support", "sales", False),
    ("does_not_contain", "support", "sales", True),
    ("does_not_contain", "sales", "sales", False),
    ("starts_with", "STOP now", "stop", True),
    ("starts_with", "now STOP", "stop", False),
    ("does_not_start_with", "now STOP", "stop", True),
    ("does_not_start_with", "stop", "stop", False),
    ("less_than", "3", "5", True),
    ("less_than", "7", "5", False),
    ("greater_than", "7", "5", True),
    ("greater_than", "3", "5", False),
    ("is_before_time", "07:59", "08:00", True),
    ("is_before_time", "18:30", "18:00", False),
    ("is_after_time", "08:01", "08:00", True),
    ("is_after_time", "07:00", "08:00", False),
    ("is_before_date", "2026-12-03", "2026-12-04", True),
    ("is_before_date", "2026-12-05", "2026-12-04", False),
    ("is_after_date", "2026-12-05", "2026-12-04", True),
    ("is_after_date", "2026-12-03", "2026-12-04", False),
]


def test_every_condition_type_has_a_predicate_and_documented_examples_both_ways() -> None:
    assert tuple(PREDICATES) == CONDITION_TYPES
    covered = {(kind, expected) for kind, _, _, expected in DOCUMENTED}
    assert covered == {(kind, expected) for kind in CONDITION_TYPES for expected in (True, False)}


@pytest.mark.parametrize(("kind", "subject", "value", "expected"), DOCUMENTED)
def test_documented_example(kind: str, subject: str, value: str, expected: bool) -> None:
    assert holds(kind, subject, value, NEW_YORK) is expected


def test_an_unknown_condition_type_is_named() -> None:
    with pytest.raises(UnknownConditionError, match="'equals'"):
        holds("equals", "a", "a")


# -- the choices table: each row names the test that pins it ---------------------------------------------


def test_every_choice_names_a_test_that_exists() -> None:
    names = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        names |= {node.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)}
    assert {choice.test for choice in CHOICES} <= names
    assert all(choice.source and choice.choice for choice in CHOICES)


def test_text_comparisons_ignore_case_and_surrounding_spaces() -> None:
    assert holds("equal_to", "  Yes ", "YES")
    assert holds("contains", "Need SALES", " sales ")


def test_matches_any_of_splits_on_commas_and_trims_items() -> None:
    assert holds("matches_any_of", "Fri", "Mon, Tue,Wed ,  Thu,Fri,")
    assert not holds("matches_any_of", "", "Mon,,Tue")


def test_blank_means_empty_after_trimming() -> None:
    assert holds("is_blank", "   ", "")
    assert not holds("is_not_blank", "\n", "")


def test_regex_searches_unanchored_and_a_bad_pattern_never_matches() -> None:
    assert holds("regex", "my code is 42", r"\d+")
    assert not holds("regex", "ABC", "abc")
    assert not holds("regex", "anything", "(unclosed")


def test_numeric_comparisons_need_two_numbers() -> None:
    assert holds("less_than", " 2.5 ", "10")
    assert not holds("less_than", "two", "10")
    assert not holds("greater_than", "two", "1")


def test_time_predicates_are_strict_and_read_in_the_flow_zone() -> None:
    assert not holds("is_after_time", "08:00", "08:00")
    assert holds("is_before_time", "2026-12-04T23:30:00+00:00", "18:59", NEW_YORK)  # 18:30 in New York


def test_date_predicates_are_strict() -> None:
    assert not holds("is_after_date", "2026-12-04", "2026-12-04")
    assert holds("is_before_date", "2026-12-05T02:00:00+00:00", "2026-12-05", NEW_YORK)  # still the 4th there


def test_an_unreadable_time_never_matches() -> None:
    assert not holds("is_before_time", "soon", "08:00")
    assert not holds("is_after_date", "2026-12-04", "tomorrow")


def split_flow(*conditions: dict[str, object], second: dict[str, object] | None = None) -> dict[str, object]:
    transitions: list[dict[str, object]] = [{"event": "noMatch", "next": "no"},
                                            {"event": "match", "next": "first", "conditions": list(conditions)}]
    if second is not None:
        transitions.append({"event": "match", "next": "second", "conditions": [second]})
    say = [{"name": name, "type": "say-play", "transitions": [{"event": "audioComplete"}],
            "properties": {"say": name}} for name in ("no", "first", "second")]
    return {"initial_state": "Trigger", "states": [
        {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "split"}],
         "properties": {}},
        {"name": "split", "type": "split-based-on", "transitions": transitions,
         "properties": {"input": "{{trigger.call.From}}"}}, *say]}


def condition(kind: str, value: str, argument: str = "{{trigger.call.From}}") -> dict[str, object]:
    return {"friendly_name": "c", "arguments": [argument], "type": kind, "value": value}


def test_the_condition_subject_is_its_first_argument() -> None:
    flow = split_flow(condition("equal_to", "+15005550001", argument="{{trigger.call.To}}"))
    assert simulate(flow, Contact()).widgets[-1] == "first"


def test_a_branch_needs_all_its_conditions_and_the_first_branch_wins() -> None:
    flow = split_flow(condition("starts_with", "+1"), condition("contains", "999"),
                      second=condition("starts_with", "+1"))
    assert simulate(flow, Contact()).widgets[-1] == "second"
    flow = split_flow(condition("starts_with", "+1"), second=condition("starts_with", "+1"))
    assert simulate(flow, Contact()).widgets[-1] == "first"
