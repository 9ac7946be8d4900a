"""TaskRouter's value semantics: NULL for missing keys, no comparison across types, array operators."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from taskrouter import parse
from taskrouter.evaluation import evaluate, filter_scope, resolve, time_variables

TASK = {
    "type": "ticket", "priority_level": 5, "rating": 4.5, "vip": True, "languages": ["en", "es"],
    "customer": {"tier": "Gold", "tags": ["loyal", "new"]}, "note": None, "count_text": "5",
}


@pytest.mark.parametrize(("text", "expected"), [
    ("type == 'ticket'", True),
    ("type != 'ticket'", False),
    ("customer.tier == 'Gold'", True),
    ("customer.tags[1] == 'new'", True),
    ("customer.tags[5] == null", True),
    ("priority_level >= 5 AND rating < 5", True),
    ("priority_level == 5.0", True),
    ("rating > 4", True),
    ("type > 'a'", True),
    ("languages HAS 'es'", True),
    ("languages HAS 'fr'", False),
    ("'es' IN languages", True),
    ("type IN ['ticket', 'lead']", True),
    ("type NOT IN ['ticket', 'lead']", False),
    ("type NOT IN ['lead']", True),
    ("type CONTAINS 'ick'", True),
    ("type CONTAINS 'ICK'", False),
    ("vip == true", True),
    ("1 == 1", True),
    ("1 == 0", False),
])
def test_condition_on_task_attributes(text: str, expected: bool) -> None:
    assert evaluate(parse(text), TASK) is expected


def test_missing_key_equals_null() -> None:
    assert evaluate(parse("missing == null"), TASK)


def test_null_attribute_equals_null() -> None:
    assert evaluate(parse("note == null"), TASK)


def test_present_key_is_not_null() -> None:
    assert evaluate(parse("type != null"), TASK)


def test_missing_key_compared_with_a_value_is_false() -> None:
    assert not evaluate(parse("missing == 'x' OR missing > 1 OR missing CONTAINS 'x'"), TASK)


def test_missing_key_is_not_equal_to_any_value() -> None:
    assert evaluate(parse("missing != 'x'"), TASK)


@pytest.mark.parametrize("text", ["count_text == 5", "count_text != 5", "vip == 1", "vip != 'true'",
                                  "priority_level == '5'", "type > 1"])
def test_values_of_different_types_never_compare(text: str) -> None:
    assert not evaluate(parse(text), TASK)


@pytest.mark.parametrize("text", ["languages == 'en'", "languages != 'fr'", "customer == 'x'",
                                  "languages CONTAINS 'en'", "languages > 1"])
def test_scalar_operators_on_arrays_or_objects_are_false(text: str) -> None:
    assert not evaluate(parse(text), TASK)


@pytest.mark.parametrize("text", ["type HAS 't'", "type IN 'ticket'", "type NOT IN 'lead'", "languages IN languages"])
def test_array_operators_without_an_array_where_expected_are_false(text: str) -> None:
    assert not evaluate(parse(text), TASK)


def test_booleans_do_not_order() -> None:
    assert not evaluate(parse("vip > false"), TASK)


def test_and_binds_tighter_than_or_when_evaluated() -> None:
    # true OR (false AND false) is true; (true OR false) AND false would be false.
    assert evaluate(parse("1 == 1 OR 1 == 0 AND 1 == 0"), {})


def test_resolve_walks_objects_and_arrays() -> None:
    assert resolve(TASK, ("customer", "tags", 0)) == "loyal"


def test_resolve_through_a_scalar_is_null() -> None:
    assert resolve(TASK, ("type", "x")) is None


def test_time_variables_follow_the_utc_clock() -> None:
    saturday_evening = datetime(2024, 5, 4, 18, 5, tzinfo=UTC)
    assert time_variables(saturday_evening) == {"currentTime": 1805, "currentHour": 18, "currentMin": 5,
                                                "dayOfWeek": "Sat"}


def test_documented_office_hours_expression_uses_the_time_variables() -> None:
    office_hours = parse("taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830")
    assert evaluate(office_hours, filter_scope({}, datetime(2024, 5, 6, 9, 0, tzinfo=UTC)))
    assert not evaluate(office_hours, filter_scope({}, datetime(2024, 5, 6, 19, 0, tzinfo=UTC)))


def test_time_variables_are_null_without_a_clock() -> None:
    assert evaluate(parse("taskrouter.dayOfWeek == null"), filter_scope({}, None))
