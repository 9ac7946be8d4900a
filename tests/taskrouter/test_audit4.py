"""Fourth real-world audit: facts found in deployed workflow configurations, each in a configuration of our own."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from taskrouter import (
    ExpressionError,
    Filter,
    Target,
    TaskChannel,
    TaskQueue,
    Worker,
    Workflow,
    configuration_problems,
    eligible_workers,
    lint_configuration,
    parse,
    route,
)

EVERYONE = TaskQueue(key="everyone", friendly_name="Everyone")


def names(workers: tuple[Worker, ...]) -> list[str]:
    return [worker.friendly_name for worker in workers]


# worker.channel.<task channel>.<field>: TaskRouter's per-channel capacity (flex-project-template multi-call,
# techmatters/flex-plugins). It routed nobody: the worker's attributes have no key named channel.

IDLE_ON_VOICE = Target(queue=EVERYONE, expression="worker.channel.voice.available_capacity_percentage == 100")


def test_a_worker_given_without_channels_is_idle_on_every_channel() -> None:
    pool = [Worker(friendly_name="Ana")]
    assert names(eligible_workers(pool, IDLE_ON_VOICE, EVERYONE, {})) == ["Ana"]
    chat_free = Target(queue=EVERYONE, expression="worker.channel.chat.assigned_tasks == 0")
    assert names(eligible_workers(pool, chat_free, EVERYONE, {})) == ["Ana"]


def test_a_worker_on_a_call_is_not_idle_on_voice() -> None:
    pool = [Worker(friendly_name="Ana", channels={"voice": {"available_capacity_percentage": 0, "assigned_tasks": 1}}),
            Worker(friendly_name="Bo")]
    assert names(eligible_workers(pool, IDLE_ON_VOICE, EVERYONE, {})) == ["Bo"]


def test_channels_take_the_rest_apis_list_of_worker_channels() -> None:
    worker = Worker.model_validate({"friendly_name": "Ana", "channels": [
        {"task_channel_unique_name": "chat", "assigned_tasks": 2, "available_capacity_percentage": 33}]})
    chat_free = Target(queue=EVERYONE, expression="worker.channel.chat.assigned_tasks == 0")
    assert names(eligible_workers([worker], chat_free, EVERYONE, {})) == []


def test_a_channel_the_worker_does_not_have_is_null() -> None:
    worker = Worker(friendly_name="Ana", channels={"chat": {"assigned_tasks": 0}})
    assert names(eligible_workers([worker], IDLE_ON_VOICE, EVERYONE, {})) == []


def test_an_attribute_named_channel_is_read_as_written() -> None:
    worker = Worker(friendly_name="Ana", attributes={"channel": "voice"})
    by_attribute = Target(queue=EVERYONE, expression="worker.channel == 'voice'")
    assert names(eligible_workers([worker], by_attribute, EVERYONE, {})) == ["Ana"]


def test_a_route_offers_the_idle_worker_first() -> None:
    workflow = Workflow(friendly_name="w", filters=(Filter(expression="1==1", targets=(IDLE_ON_VOICE,)),),
                        default_filter=Target(queue=EVERYONE))
    busy = Worker(friendly_name="Ana", channels={"voice": {"available_capacity_percentage": 50}})
    result = route(workflow, {}, workers=[busy, Worker(friendly_name="Bo")])
    assert names(result.steps[0].eligible or ()) == ["Bo"]


# Null optional keys: TaskRouter answered 201 to a Workflow create with "friendly_name": null on filters and
# "expression": null on targets, and with a default_filter holding expression, priority and a string timeout.

def test_a_configuration_taskrouter_answered_201_has_no_error() -> None:
    data = {"task_routing": {
        "default_filter": {"expression": "1==1", "priority": 1, "queue": "WQ0", "timeout": "20"},
        "filters": [{"expression": "product==\"SMS\"", "friendly_name": None, "targets": [
            {"expression": None, "priority": 5, "queue": "WQ1", "timeout": 30},
            {"expression": "1==1", "priority": 1, "queue": "WQ0", "timeout": "20"}]}]}}
    problems = configuration_problems(data)
    assert [problem for problem in problems if problem.severity == "error"] == []
    assert {problem.code for problem in problems} == {"null-value", "ignored-key"}


def test_a_workflow_without_default_filter_has_no_finding_and_routes_a_stray_task_nowhere() -> None:
    data = {"task_routing": {"filters": [{"expression": "transferTargetType == 'worker'", "targets": [
        {"queue": "WQ1", "known_worker_sid": "task.transferTargetSid"}]}]}}
    assert lint_configuration(data) == []
    workflow = Workflow.from_configuration(data, friendly_name="transfer")
    assert route(workflow, {"transferTargetType": "queue"}).outcome == "unrouted"


# An expression written over several lines (a Pulumi program's template literal) is quoted on one line.

def test_a_finding_in_a_multi_line_expression_quotes_it_on_one_line() -> None:
    data = {"task_routing": {"filters": [{"expression": "\n    (taskrouter.currentTiem < 1800)\n", "targets": [
        {"queue": "WQ1"}]}], "default_filter": {"queue": "WQ1"}}}
    (finding,) = lint_configuration(data)
    assert finding.code == "unknown-variable"
    assert "\\n" not in finding.message
    assert "'     (taskrouter.currentTiem < 1800) '" in finding.message


# Keys follow Twilio's rule for property identifiers (Multitasking page, on task channel names): letters, digits,
# _ and $, not starting with a digit; "task_channel.<name>$" works, "task_channel.1<name>" is an error.

def test_a_key_may_hold_a_dollar_sign() -> None:
    expression = parse("worker.channel.sms$.assigned_tasks == 0 AND $rate > 5", "target")
    assert [reference.name for reference in expression.references()] == ["worker.channel.sms$.assigned_tasks",
                                                                          "$rate"]


def test_a_placeholder_is_still_refused_as_one() -> None:
    with pytest.raises(ExpressionError, match=r"placeholders such as \$\{NAME\}"):
        parse("queue == ${QUEUE}", "filter")


def test_a_key_starting_with_a_digit_is_refused_with_the_fix() -> None:
    with pytest.raises(ExpressionError, match="'1chat' starts with a digit") as error:
        parse("worker.channel.1chat.assigned_tasks == 0", "target")
    assert error.value.column == 16
    assert "_1chat" in error.value.hint


def test_a_numeric_segment_is_refused_with_the_array_index_as_fix() -> None:
    with pytest.raises(ExpressionError) as error:
        parse("languages.0 == 'en'", "filter")
    assert error.value.hint == "to read item 0 of an array write languages[0]"
    assert str(parse("languages[0] == 'en'", "filter")) == "languages[0] == 'en'"


def test_a_task_channel_unique_name_must_be_readable_as_a_key() -> None:
    assert TaskChannel(unique_name="preview_dialer$", friendly_name="Preview").unique_name == "preview_dialer$"
    for name, fixed in (("1chat", "_1chat"), ("web chat", "web_chat")):
        with pytest.raises(ValidationError, match=f"use '{fixed}'"):
            TaskChannel(unique_name=name, friendly_name="Chat")


# Twilio's time-of-day page shows an expression string running over several lines: not JSON as written.

def test_a_line_break_inside_a_json_string_is_refused_with_where_and_the_fix() -> None:
    text = '{"task_routing": {"filters": [{"expression": "a == 1\n AND b == 2", "targets": [{"queue": "WQ1"}]}]}}'
    (problem,) = configuration_problems(text)
    column = text.index("\n") + 1
    assert problem.message == ("is not valid JSON: a string holds a line break or other control character at line 1 "
                               f"column {column}; write it as \\n, or keep the expression on one line")


def test_other_json_errors_name_the_fault_once() -> None:
    (problem,) = configuration_problems('{"task_routing": {"filters": [],}}')
    assert problem.message.startswith("is not valid JSON: ")
    assert " at at " not in problem.message


# techmatters/flex-plugins deploys language CONTAINS "en-CA": the hyphen warning does not say TaskRouter refuses it.

def test_a_hyphen_in_a_value_is_a_warning_that_does_not_claim_a_refusal() -> None:
    (warning,) = parse('language CONTAINS "en-CA"', "filter").warnings
    assert warning.code == "hyphen-in-value"
    assert "TaskRouter accepts the expression" in warning.message
    assert warning.hint.startswith("if you choose the attribute's values")
