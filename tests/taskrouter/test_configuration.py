"""check_configuration: the JSON shape and every expression, reported by path, never raising."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskrouter import (
    ConfigProblem,
    ConfigurationError,
    ExpressionKind,
    check,
    check_configuration,
    check_target_workers,
    check_workflow_configuration,
    configuration_problems,
)


def config(*filters: dict[str, Any], default: dict[str, Any] | None = None) -> dict[str, Any]:
    routing: dict[str, Any] = {"filters": list(filters)}
    if default is not None:
        routing["default_filter"] = default
    return {"task_routing": routing}


def problems(data: object) -> list[tuple[str, str]]:
    return [(problem.path, problem.message) for problem in check_configuration(data)]


def paths(data: object) -> list[str]:
    return [problem.path for problem in check_configuration(data)]


def warnings(data: object) -> list[tuple[str, str]]:
    return [(problem.code, problem.path) for problem in configuration_problems(data) if problem.severity == "warning"]


def test_flex_default_configuration_has_no_problem() -> None:
    assert check_configuration({"task_routing": {"filters": [], "default_filter": {"queue": "WQ0"}}}) == []


def test_only_a_default_filter_is_enough() -> None:
    assert check_configuration({"task_routing": {"default_filter": {"queue": "WQ0"}}}) == []


def test_every_target_key_with_valid_values_has_no_problem() -> None:
    target = {"queue": "${QUEUE_SID}", "priority": "10", "timeout": 30, "expression": "task.a == worker.b",
              "order_by": "worker.level DESC", "skip_if": "workers.available == 0", "known_worker_sid": "task.agent"}
    assert check_configuration(config({"expression": "1==1", "targets": [target, {}]})) == []


def test_json_text_is_accepted() -> None:
    assert check_configuration(json.dumps(config(default={"queue": "WQ0"}))) == []


def test_bytes_are_accepted() -> None:
    assert check_configuration(json.dumps(config(default={"queue": "WQ0"})).encode()) == []


def test_queue_values_need_not_be_sids() -> None:
    assert check_configuration(config({"expression": "1==1", "targets": [{"queue": "not a sid"}]})) == []


def test_invalid_json_text_is_one_problem_at_the_root() -> None:
    assert paths("{") == [""]


def test_non_object_is_one_problem_at_the_root() -> None:
    assert paths([]) == [""]


def test_task_routing_is_required() -> None:
    assert paths({}) == ["task_routing"]


def test_filters_at_the_root_are_told_to_go_inside_task_routing() -> None:
    # Twilio's Known Agent Routing page prints its example workflow as {"filters": [...]}, without task_routing.
    data = {"filters": [{"expression": "1==1", "targets": [{"queue": "WQ1"}]}], "default_filter": {"queue": "WQ0"}}
    assert problems(data) == [("task_routing", "is required: the configuration's root key; filters and default_filter "
                                               'must be inside it: {"task_routing": {"filters": ...}}')]


def test_unknown_root_key_is_a_warning_named_by_its_path() -> None:
    data = {"task_routing": {}, "routing": 1}
    assert (check_configuration(data), warnings(data)) == ([], [("unknown-key", "routing")])


def test_unknown_filter_key_is_a_warning_not_a_problem_taskrouter_would_reject() -> None:
    data = config({"friendlyName": "Sales", "expression": "1==1", "targets": [{"queue": "Q"}]})
    assert check_configuration(data) == []
    assert warnings(data) == [("unknown-key", "task_routing.filters[0].friendlyName")]


def test_unknown_target_key_suggests_the_close_one_and_lists_the_allowed_keys() -> None:
    (problem,) = configuration_problems(config({"expression": "1==1", "targets": [{"queue": "Q", "timout": 5}]}))
    assert (problem.severity, problem.code, problem.path) == (
        "warning", "unknown-key", "task_routing.filters[0].targets[0].timout")
    assert "did you mean 'timeout'? allowed keys: queue, priority, timeout" in problem.message


def test_task_queue_sid_is_the_legacy_spelling_of_a_targets_queue() -> None:
    data = config({"expression": "1==1", "targets": [{"task_queue_sid": "WQ1"}]}, default={"task_queue_sid": "WQ2"})
    assert check_configuration(data) == []
    assert warnings(data) == [("legacy-key", "task_routing.filters[0].targets[0].task_queue_sid"),
                              ("legacy-key", "task_routing.default_filter.task_queue_sid")]
    assert configuration_problems(data)[0].message == "task_queue_sid is the legacy spelling of queue; write queue"


def test_queue_wins_over_task_queue_sid_which_is_then_said_to_be_ignored() -> None:
    (problem,) = configuration_problems(config(default={"queue": "WQ1", "task_queue_sid": 3}))
    assert problem.message.endswith("write queue (queue is also given, so task_queue_sid is ignored)")


def test_a_task_queue_sid_that_is_not_a_string_is_a_problem_at_its_own_path() -> None:
    assert paths(config(default={"task_queue_sid": 3})) == ["task_routing.default_filter.task_queue_sid"]


def test_configuration_error_counts_its_problems_in_words() -> None:
    one, two = ConfigProblem("a", "x"), ConfigProblem("b", "y")
    assert str(ConfigurationError([one])).startswith("workflow configuration has 1 problem:\n")
    assert str(ConfigurationError([one, two])).startswith("workflow configuration has 2 problems:\n")


def test_configuration_error_lists_the_warnings_beside_the_problems_without_counting_them() -> None:
    data = config({"expression": "1==1", "targets": [{"queu": "WQ1"}]})
    error = ConfigurationError(configuration_problems(data))
    assert str(error).splitlines() == [
        "workflow configuration has 1 problem:",
        "  warning: task_routing.filters[0].targets[0].queu: unknown key in a target, which TaskRouter may ignore; "
        "did you mean 'queue'? allowed keys: queue, priority, timeout, expression, order_by, skip_if, "
        "known_worker_sid, known_worker_friendly_name",
        "  task_routing.filters[0].targets[0].queue: is required on a filter's first target (later targets inherit "
        "the queue of the target before them); set it to a TaskQueue SID"]


def test_a_timeout_on_the_default_filter_is_warned_about_as_ignored() -> None:
    # Twilio's Workflows overview: the default filter "there is no "timeout" attribute".
    data = config(default={"queue": "WQ0", "timeout": 30})
    assert check_configuration(data) == []
    assert warnings(data) == [("ignored-key", "task_routing.default_filter.timeout")]


def test_filters_must_be_an_array() -> None:
    assert paths({"task_routing": {"filters": {}}}) == ["task_routing.filters"]


def test_filter_needs_an_expression() -> None:
    assert paths(config({"targets": [{"queue": "Q"}]})) == ["task_routing.filters[0].expression"]


def test_filter_needs_targets() -> None:
    assert paths(config({"expression": "1==1"})) == ["task_routing.filters[0].targets"]


def test_filter_targets_must_not_be_empty() -> None:
    assert paths(config({"expression": "1==1", "targets": []})) == ["task_routing.filters[0].targets"]


def test_first_target_needs_a_queue() -> None:
    assert paths(config({"expression": "1==1", "targets": [{"timeout": 5}]})) == [
        "task_routing.filters[0].targets[0].queue"]


def test_later_target_inherits_the_queue() -> None:
    assert check_configuration(config({"expression": "1==1", "targets": [{"queue": "Q", "timeout": 5},
                                                                         {"priority": 2}]})) == []


def test_default_filter_needs_a_queue() -> None:
    assert paths(config(default={})) == ["task_routing.default_filter.queue"]


@pytest.mark.parametrize("value", [-1, "ten", 1.5, True, "-3"])
def test_priority_must_be_a_non_negative_integer(value: object) -> None:
    assert paths(config({"expression": "1==1", "targets": [{"queue": "Q", "priority": value}]})) == [
        "task_routing.filters[0].targets[0].priority"]


@pytest.mark.parametrize("value", [-1, "-1", -5, "soon", False])
def test_timeout_must_be_a_non_negative_integer(value: object) -> None:
    assert paths(config({"expression": "1==1", "targets": [{"queue": "Q", "timeout": value}]})) == [
        "task_routing.filters[0].targets[0].timeout"]


@pytest.mark.parametrize("key", ["priority", "timeout"])
def test_a_priority_or_timeout_above_the_32_bit_range_is_refused_and_the_largest_is_not(key: str) -> None:
    # A task's priority is 0 to 2,147,483,647 (OAI: Task Priority); twilio-java reads both keys as an Integer.
    largest = 2**31 - 1
    assert problems(config({"expression": "1==1", "targets": [{"queue": "Q", key: largest}]})) == []
    assert problems(config({"expression": "1==1", "targets": [{"queue": "Q", key: str(largest + 1)}]})) == [
        (f"task_routing.filters[0].targets[0].{key}",
         f"2,147,483,648 is more than 2,147,483,647, the largest {key} TaskRouter takes (a 32-bit integer); "
         "use a smaller number")]
    assert paths(config(default={"queue": "Q", key: 10**20})) == [f"task_routing.default_filter.{key}"]


def test_a_priority_that_is_not_an_integer_says_the_range() -> None:
    assert problems(config({"expression": "1==1", "targets": [{"queue": "Q", "priority": -1}]})) == [
        ("task_routing.filters[0].targets[0].priority",
         "must be an integer from 0 to 2,147,483,647 (or a string of digits), not -1")]


def test_null_optional_keys_are_read_as_absent_with_a_warning() -> None:
    # twilio-python 5.x's WorkflowConfig.to_json() writes "priority": null and "timeout": null, and its docs
    # create a workflow from it; techmatters' Terraform module jsonencodes unset timeout/priority/skip_if as null.
    target = dict.fromkeys(("priority", "timeout", "expression", "order_by", "skip_if", "known_worker_sid"))
    data = config({"filter_friendly_name": None, "expression": "1==1", "targets": [{"queue": "Q", **target}]},
                  default={"queue": "Q", "priority": None, "timeout": None, "expression": None})
    assert check_configuration(data) == []
    assert warnings(data) == [("null-value", "task_routing.filters[0].filter_friendly_name"),
                              *[("null-value", f"task_routing.filters[0].targets[0].{key}") for key in target],
                              *[("null-value", f"task_routing.default_filter.{key}")
                                for key in ("priority", "timeout", "expression")]]
    (first, *_) = configuration_problems(data)
    assert str(first) == ("warning: task_routing.filters[0].filter_friendly_name: filter_friendly_name is null, "
                          "which is read as if it were absent; remove the key or give it a value")


def test_a_null_queue_is_still_missing_where_a_queue_is_required() -> None:
    data = config({"expression": "1==1", "targets": [{"queue": None}]})
    assert paths(data) == ["task_routing.filters[0].targets[0].queue"]
    assert warnings(data) == [("null-value", "task_routing.filters[0].targets[0].queue")]


def test_a_null_filter_expression_is_still_refused() -> None:
    data = config({"expression": None, "targets": [{"queue": "Q"}]})
    assert paths(data) == ["task_routing.filters[0].expression"]
    assert warnings(data) == []


@pytest.mark.parametrize("value", [3, "", "  "])
def test_queue_must_be_a_non_empty_string(value: object) -> None:
    assert paths(config({"expression": "1==1", "targets": [{"queue": value}]})) == [
        "task_routing.filters[0].targets[0].queue"]


def test_known_worker_fields_are_exclusive() -> None:
    target = {"queue": "Q", "known_worker_sid": "task.a", "known_worker_friendly_name": "task.b"}
    assert paths(config({"expression": "1==1", "targets": [target]})) == [
        "task_routing.filters[0].targets[0].known_worker_friendly_name"]


def test_known_worker_must_reference_a_task_attribute() -> None:
    target = {"queue": "Q", "known_worker_sid": "WK0123"}
    assert paths(config({"expression": "1==1", "targets": [target]})) == [
        "task_routing.filters[0].targets[0].known_worker_sid"]


@pytest.mark.parametrize(("value", "message"), [
    ("{{task.transferTargetSid}}", "expected a reference to a task attribute, not '{{task.transferTargetSid}}' "
                                   "(fix: write just task.transferTargetSid)"),
    ("", "expected a reference to a task attribute, not an empty value (fix: write task.<attribute>, "
         "e.g. task.agent_sid)"),
])
def test_a_known_worker_that_is_no_reference_says_which_reference_to_write(value: str, message: str) -> None:
    # A plugin README writes the Studio-style "{{task.transferTargetSid}}"; the lexer's own message was about '{'.
    target = {"queue": "Q", "known_worker_sid": value}
    assert problems(config({"expression": "1==1", "targets": [target]})) == [
        ("task_routing.filters[0].targets[0].known_worker_sid", message)]


@pytest.mark.parametrize(("key", "value", "kind"), [
    ("expression", "worker.level DESC", "target"),
    ("order_by", "worker.level", "order_by"),
    ("skip_if", "workers.available DESC", "skip_if"),
])
def test_target_expressions_are_parsed_with_their_kind(key: str, value: str, kind: str) -> None:
    ((path, message),) = problems(config({"expression": "1==1", "targets": [{"queue": "Q", key: value}]}))
    assert path == f"task_routing.filters[0].targets[0].{key}"
    assert message.startswith(f"invalid {kind} expression")


@pytest.mark.parametrize(("key", "value", "kind", "code"), [
    ("expression", "task == 'es'", "target", "missing-prefix"),
    ("skip_if", "available == 0", "skip_if", "unknown-variable"),
    ("order_by", "level DESC", "order_by", "missing-prefix"),
])
def test_a_key_that_does_not_fit_its_kind_is_no_problem_but_a_warning(key: str, value: str, kind: ExpressionKind,
                                                                      code: str) -> None:
    assert check_configuration(config({"expression": "1==1", "targets": [{"queue": "Q", key: value}]})) == []
    assert [diagnostic.code for diagnostic in check(value, kind)] == [code]


def test_filter_expression_problem_names_its_column_and_fix() -> None:
    ((path, message),) = problems(config({"expression": "skill-level > 3", "targets": [{"queue": "Q"}]}))
    assert path == "task_routing.filters[0].expression"
    assert "column 6" in message
    assert "fix: rename the attribute to skill_level" in message


def test_target_expression_with_an_unprefixed_key_is_accepted() -> None:
    target = {"expression": "isSurveyTask==true", "queue": "Q"}
    assert check_configuration(config({"expression": "isSurveyTask==true", "targets": [target]})) == []


def test_expression_must_be_a_string() -> None:
    assert paths(config({"expression": 1, "targets": [{"queue": "Q"}]})) == ["task_routing.filters[0].expression"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    data = {"task_routing": {"filters": [{"expression": "(", "targets": [{"timeout": -1}]}, 7]}}
    assert len(check_configuration(data)) == 4


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["task_routing", "filters", "default_filter", "expression", "targets", "queue", "timeout",
                         "priority", "skip_if", "order_by", "known_worker_sid", "x"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_json_gets_a_list_of_problems_never_an_exception(data: object) -> None:
    assert all(problem.message for problem in check_configuration(data))


# ------------------------------------------------------------------- plain-line checks for providers


def test_check_workflow_configuration_gives_one_line_per_problem() -> None:
    text = json.dumps(config({"expression": "a ==", "targets": [{"queue": "WQ1"}]}))
    (line,) = check_workflow_configuration(text)
    assert line.startswith("task_routing.filters[0].expression: invalid filter expression 'a =='")


def test_check_workflow_configuration_accepts_the_flex_default() -> None:
    assert check_workflow_configuration(config(default={"queue": "WQ1"})) == []


def test_check_target_workers_renders_the_error_with_its_column() -> None:
    (line,) = check_target_workers("skills HAS")
    assert line.startswith("column 11: ")


@pytest.mark.parametrize("expression", ["1==1", "routing.skills HAS 'vip'", ""])
def test_check_target_workers_accepts_what_taskrouter_accepts(expression: str) -> None:
    assert check_target_workers(expression) == []


def test_check_target_workers_refuses_a_value_that_is_not_text() -> None:
    assert check_target_workers(42) == ["target_workers must be a string holding an expression, not a number"]


def test_check_target_workers_reports_deep_nesting_instead_of_raising() -> None:
    (line,) = check_target_workers("(" * 5000 + "a == 1" + ")" * 5000)
    assert "nested too deeply" in line


def test_an_invalid_long_expression_is_quoted_around_its_error() -> None:
    text = " AND ".join(f"skill{n} == {n}" for n in range(500)) + " AND"
    (line,) = check_workflow_configuration(config({"expression": text, "targets": [{"queue": "WQ1"}]}))
    assert line.startswith("task_routing.filters[0].expression: invalid filter expression '...")
    assert len(line) < 400
