"""Fifth real-world audit: TaskRouter's unverified forms (read and warned about, never refused) and new deployed
configurations, linted and routed. Provenance of each configuration: SOURCES below (repository, path, commit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskrouter import (
    ExpressionError,
    Workflow,
    configuration_problems,
    lint_configuration,
    parse,
    route,
)
from taskrouter.evaluation import compare, evaluate

AUDIT = Path(__file__).parent / "audit5"

# file -> (repository, path, commit); each file is the configuration as its repository holds it.
SOURCES: dict[str, tuple[str, str, str]] = {
    "techmatters_flex-plugins_as-master.json": (
        "techmatters/flex-plugins", "twilio-iac/helplines/as/templates/workflows/master.tftpl",
        "1d1d141f8b6a8741fc8774fa93bca95ffa9c3d94"),
    "techmatters_flex-plugins_cl-master.json": (
        "techmatters/flex-plugins", "twilio-iac/helplines/cl/templates/workflows/master.tftpl",
        "10c46a033241547f144d1304cb977cefceaa2c86"),
    "techmatters_flex-plugins_jm-master.json": (
        "techmatters/flex-plugins", "twilio-iac/helplines/jm/templates/workflows/master.tftpl",
        "865a61c2184f7e01e8111019f8262ccf59ce0462"),
    "techmatters_flex-plugins_sg-master.json": (
        "techmatters/flex-plugins", "twilio-iac/helplines/sg/templates/workflows/master.tftpl",
        "194122975a28a50e796e22c64aed3ea9dfd73e48"),
    "TwilioDevEd_task-router-laravel_workflow.json": (
        "TwilioDevEd/task-router-laravel", "resources/workflow.json", "c6d6deceb7afb12fe483bc8b4cc5e6b425cd37c2"),
}
# Terraform fills ${task_routing_filter_expression} before deploying; as stored, that filter is no expression.
TEMPLATED = {"techmatters_flex-plugins_as-master.json": ["task_routing.filters[2].expression"],
             "techmatters_flex-plugins_sg-master.json": ["task_routing.filters[1].expression"]}


def errors(data: object) -> list[str]:
    return [problem.path for problem in configuration_problems(data) if problem.severity == "error"]


def test_every_audited_file_has_its_provenance() -> None:
    assert sorted(path.name for path in AUDIT.glob("*.json")) == sorted(SOURCES)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_an_audited_configuration_has_no_error_but_its_template_placeholder(name: str) -> None:
    assert errors((AUDIT / name).read_text()) == TEMPLATED.get(name, [])


def load(name: str) -> Workflow:
    data = json.loads((AUDIT / name).read_text())
    for filter_ in data["task_routing"]["filters"]:  # what techmatters' Terraform fills in (main.tf's default)
        if filter_["expression"] == "${task_routing_filter_expression}":
            filter_["expression"] = "helpline=='Helpline' OR channelType ==\"web\" "
    return Workflow.from_configuration(data, friendly_name=name[:64])


# techmatters routes an ordinary task (no transfer attributes) to any idle counsellor: a missing
# transferTargetType, ignoreAgent and waitingOfflineContact are != the values they are compared with.

def test_jm_routes_an_ordinary_web_task_to_its_messaging_queue() -> None:
    result = route(load("techmatters_flex-plugins_jm-master.json"), {"channelType": "web"})
    assert list(result.queues) == ["${task_queues.messaging}"]


def test_cl_routes_an_emergency_web_task_with_an_empty_transfer_type_to_priority() -> None:
    task = {"channelType": "web", "preEngagementData": {"reason": "emergency"}, "transferTargetType": ""}
    assert list(route(load("techmatters_flex-plugins_cl-master.json"), task).queues) == ["${task_queues.priority}"]


def test_as_sends_a_direct_transfer_to_the_known_worker_then_the_original_counsellor() -> None:
    task = {"transferTargetType": "worker", "targetSid": "WKana", "transferMeta": {"originalCounselor": "WKbo"}}
    result = route(load("techmatters_flex-plugins_as-master.json"), task)
    assert list(result.queues) == ["${task_queues.master}", "${task_queues.master}"]


def test_sg_rendered_routes_a_supervisor_only_task_past_the_skills_filter() -> None:
    result = route(load("techmatters_flex-plugins_sg-master.json"), {"helpline": "Helpline", "channelType": "sms"})
    assert list(result.queues) == ["${task_queues.master}"]


def test_laravel_string_priority_and_timeout_read_as_integers() -> None:
    workflow = load("TwilioDevEd_task-router-laravel_workflow.json")
    fallback = workflow.filters[0].targets[1]
    assert (fallback.priority, fallback.timeout) == (1, 30)


# Configurations written in code, transcribed as the JSON the code sends.

def test_pulumi_taskrouter_contact_center_friendly_name_key_is_a_warning() -> None:
    # twilio-infra-as-code/taskrouter-contact-center index.js @ 6289e281617b9c2985f26b302d2bd5c350397192
    data = {"task_routing": {"filters": [
        {"friendlyName": "Language - Spanish", "expression": "selected_language=='es'", "targets": [{"queue": "WQes"}]},
        {"friendlyName": "Language - English", "targets": [{"queue": "WQen"}], "expression": "selected_language=='en'"},
    ]}}
    assert errors(data) == []
    assert {finding.code for finding in lint_configuration(data)} == {"unknown-key"}
    assert route(Workflow.from_configuration(data, friendly_name="w"), {"selected_language": "en"}).queues == ("WQen",)


def test_rails_tutorial_targets_with_an_env_timeout_string() -> None:
    # TwilioDevEd/task-router-rails lib/workspace_config.rb @ 0424f2d025a590656657443abdd5b61a46cc1280 (QUEUE_TIMEOUT)
    default = {"queue": "WQall", "priority": 1, "timeout": "30", "expression": "1==1"}
    data = {"task_routing": {"filters": [
        {"expression": 'selected_product=="ProgrammableVoice"', "targets": [
            {"queue": "WQvoice", "priority": 5, "timeout": "30"}, default]},
        {"expression": 'selected_product=="ProgrammableSMS"', "targets": [
            {"queue": "WQsms", "priority": 5, "timeout": "30"}, default]}], "default_filter": default}}
    assert errors(data) == []
    assert route(Workflow.from_configuration(data, friendly_name="w"), {"selected_product": "ProgrammableSMS"}
                 ).queues == ("WQsms", "WQall")


def test_internal_call_plugin_target_expression() -> None:
    # twilio/flex-plugin-library-internal-call DETAILS.md @ 1d9525daae72a79f13b6984a3cef06eca1e3e329
    assert parse("task.targetWorker==worker.contact_uri", "target").warnings == ()


# --- the unverified forms: read, warned about, not refused ---------------------------------------

def codes(text: str, kind: str = "filter") -> list[str]:
    return [warning.code for warning in parse(text, kind).warnings]  # type: ignore[arg-type]


def test_a_non_breaking_space_is_a_space_with_a_warning() -> None:
    expression = parse("language\u00a0== 'en'", "filter")
    assert str(expression) == "language == 'en'"
    assert [warning.code for warning in expression.warnings] == ["unusual-space"]
    assert "U+00A0" in expression.warnings[0].message


@pytest.mark.parametrize(("text", "value"), [("rating > .5", 0.5), ("rating > -.5", -0.5), ("n < 1e3", 1000.0),
                                             ("n < 2.5E-1", 0.25)])
def test_a_bare_fraction_or_exponent_is_the_number_with_a_warning(text: str, value: float) -> None:
    expression = parse(text, "filter")
    assert evaluate(expression, {"rating": value + 1, "n": value - 1}) is True
    assert [warning.code for warning in expression.warnings] == ["number-form"]


def test_a_backslash_is_kept_as_written_with_a_warning() -> None:
    expression = parse(r"path == 'C:\new'", "filter")
    assert evaluate(expression, {"path": "C:\\new"}) is True
    assert codes(r"path == 'C:\new'") == ["backslash-in-string"]


def test_an_escaped_quote_that_only_parses_as_an_escape_is_read_as_one() -> None:
    expression = parse(r"name == 'it\'s'", "filter")
    assert evaluate(expression, {"name": "it's"}) is True
    assert "read as an escape" in expression.warnings[0].message


def test_a_parenthesised_list_after_in_is_an_array_with_a_warning() -> None:
    expression = parse("""language IN ('en', "es")""", "filter")
    assert str(expression) == "language IN ['en', 'es']"
    assert evaluate(expression, {"language": "es"}) is True
    assert [warning.code for warning in expression.warnings] == ["parenthesised-list"]


def test_single_and_mixed_quotes_in_an_array_are_plain_strings() -> None:
    assert codes("""helpline IN ['A', "B"]""") == []


def test_a_whole_float_priority_is_the_integer_with_a_warning() -> None:
    data = {"task_routing": {"filters": [{"expression": "1==1", "targets": [{"queue": "WQ1", "priority": 10.0}]}],
                             "default_filter": {"queue": "WQ1"}}}
    (problem,) = configuration_problems(data)
    assert (problem.severity, problem.code) == ("warning", "whole-number-float")
    assert Workflow.from_configuration(data, friendly_name="w").filters[0].targets[0].priority == 10


# Missing keys (settled; see taskrouter.evaluation).

def test_two_missing_keys_are_equal_and_not_unequal() -> None:
    target = parse("task.a == task.b", "target")
    assert evaluate(target, {"task": {}, "worker": {}}) is True
    assert evaluate(parse("task.a != task.b", "target"), {"task": {}, "worker": {}}) is False


def test_a_missing_key_is_unequal_to_a_value_and_equal_to_null() -> None:
    assert compare("!=", None, "worker") is True
    assert compare("!=", None, None) is False
    assert evaluate(parse("callToQueue == null", "filter"), {}) is True


# --- rejection mutations: what stays an error ------------------------------------------------------

@pytest.mark.parametrize("text", ["a IN ('a'", "a IN ('a' 'b')", "a == 1e", "a == ('x')", r"a == 'it\'s",
                                  "a == 1e999", "a == ."])
def test_a_broken_form_is_still_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text, "filter")


@pytest.mark.parametrize("value", [10.5, "10.0", float("nan")])
def test_a_priority_with_a_fraction_is_still_refused(value: object) -> None:
    data = {"task_routing": {"filters": [{"expression": "1==1", "targets": [{"queue": "WQ1", "priority": value}]}]}}
    assert errors(data) == ["task_routing.filters[0].targets[0].priority"]
