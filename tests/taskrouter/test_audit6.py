"""Sixth real-world audit: twelve deployed workflow templates not covered before, filled in as their template tool
fills them, linted and routed; the shapes they brought (a zero timeout, skip_if to move on, order_by, known-worker
routing, Terraform expressions in filters); and rejection mutations of those shapes that must stay errors.

Provenance of each stored file: SOURCES below (repository, path, commit). Each file is the template as its
repository holds it; ``render`` fills its ``${...}`` placeholders the way its tool does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from taskrouter import (
    Workflow,
    configuration_problems,
    lint_configuration,
    route,
)
from taskrouter.routing import Worker

AUDIT = Path(__file__).parent / "audit6"
TECHMATTERS = "techmatters/flex-plugins"
HELPLINES = "twilio-iac/helplines"

# file -> (repository, path, commit). techmatters' templates are rendered by Terraform's templatefile in its
# taskRouter module (twilio-iac/terraform-modules/taskRouter/v1/main.tf @ 18e7eaad); the plugin's by a JavaScript
# template literal (the function createWorkflowConfiguration in that file; the file here is the literal's body).
SOURCES: dict[str, tuple[str, str, str]] = {
    "techmatters_flex-plugins_clhs-master.json": (
        TECHMATTERS, f"{HELPLINES}/clhs/templates/workflows/master.tftpl", "430487a9b5bcf0bb61f102051ea86d9d619bd8fb"),
    "techmatters_flex-plugins_nzba-master.json": (
        TECHMATTERS, f"{HELPLINES}/nzba/templates/workflows/master.tftpl", "507769fe975afad4349cfd8445ad86247065d011"),
    "techmatters_flex-plugins_nzba-templates-master.json": (
        TECHMATTERS, f"{HELPLINES}/nzba/templates/master.tftpl", "62d2b595ebec0c7b11da66a96c909b147aff3141"),
    "techmatters_flex-plugins_ph-master.json": (
        TECHMATTERS, f"{HELPLINES}/ph/templates/workflows/master.tftpl", "6ce3f0e460982b771470c64acd1f0ef7b9162d29"),
    "techmatters_flex-plugins_master-workflow.json": (
        TECHMATTERS, f"{HELPLINES}/templates/master-workflow.tftpl", "0295c2743d20fed1db8202bb2cb79ec866f13404"),
    "techmatters_flex-plugins_nz-master.json": (
        TECHMATTERS, f"{HELPLINES}/nz/templates/workflows/master.tftpl", "31378cc82f0a4683b7b5b08ae1fbd4d0f241e904"),
    "techmatters_flex-plugins_nz-master-calls.tftpl": (
        TECHMATTERS, f"{HELPLINES}/nz/templates/workflows/master_calls.tftpl",
        "10c46a033241547f144d1304cb977cefceaa2c86"),
    "techmatters_flex-plugins_mt-master.tftpl": (
        TECHMATTERS, f"{HELPLINES}/mt/templates/workflows/master.tftpl", "0495bd24f9d84e420f0ed7fab0cce5589b8e7cdb"),
    "techmatters_flex-plugins_mw-master.json": (
        TECHMATTERS, f"{HELPLINES}/mw/templates/workflows/master.tftpl", "5e0a94d11856e8cb1e8ea000e18516e66730b843"),
    # Deployed: ca's Terraform (backend key twilio/ca/terraform.tfstate) names it as the master workflow's templatefile.
    "techmatters_flex-plugins_ca-master-workflow.json": (
        TECHMATTERS, f"{HELPLINES}/ca/templates/master-workflow.tftpl", "5bfeede2ac1d11a610da7db24c01f209d2866b69"),
    "techmatters_flex-plugins_ca-master.tftpl": (
        TECHMATTERS, f"{HELPLINES}/ca/templates/workflows/master.tftpl", "025ed5cd091021f532b2fb3390049b3d2cbdb878"),
    "twilio-labs_plugin-queued-callbacks-and-voicemail_workflow.json": (
        "twilio-labs/plugin-queued-callbacks-and-voicemail", "provision/helpers/taskrouter.js",
        "f3ce17e4fc64cae001f372001b8770592bc7076e"),
}


class _Sids(dict[str, str]):
    """task_queues as the module passes it (queue key -> SID): a stable fake SID for every key."""

    def __missing__(self, key: str) -> str:
        return "WQ" + (key.encode().hex() + "0" * 32)[:32]


SIDS = _Sids()
# What the module passes to templatefile, with a helpline's values. task_routing_filter_expression is the module's
# default with helplines set, but with 'web' single-quoted: the default's "web" in double quotes would be written
# unescaped into the JSON string (see test_the_modules_default_filter_expression_breaks_the_json).
VARIABLES: dict[str, object] = {
    "task_queues": SIDS, "helpline": "Kellimni", "helplines": ["Kellimni"],
    "task_routing_filter_expression": "helpline IN ['Kellimni'] OR channelType =='web' OR isContactlessTask == true",
    "phone_numbers": {"youthline": ["+6480037633"], "988_camh": ["+19880000001"], "988_ns": ["+19880000002"],
                      "khp": ["+15878407089"], "g2ton": ["+18664925"], "g2ttr": ["+18664926"], "g2tns": ["+18664927"],
                      "ab211": ["+17802111"], "hc": ["+18885551"], "training": ["+15550000"]},
    "workflow_vars": {"helpline_webchat_location": "Malta", "ecpm_webchat_location": "ECPM"},
    # the plugin's function arguments
    "callbackandVoicemailQueueSid": "WQ" + "c" * 32, "everyoneTaskQueue": "WQ" + "e" * 32,
}
_PLACEHOLDER = re.compile(r'\$\{((?:[^{}"]|"[^"]*")*)\}')
_REFERENCE = re.compile(r'(\w+)((?:\.\w+|\["\w+"\])*)')
_QUOTED_LIST = re.compile(r"""join\(", ", formatlist\("'%s'", (.+)\)\)""")


def _lookup(text: str, variables: Mapping[str, object]) -> object:
    match = _REFERENCE.fullmatch(text)
    assert match, f"not a reference: {text}"
    value: object = variables[match.group(1)]
    for key in re.findall(r'\.(\w+)|\["(\w+)"\]', match.group(2)):
        assert isinstance(value, Mapping)
        value = value[key[0] or key[1]]
    return value


def render(text: str, variables: Mapping[str, object] = VARIABLES) -> str:
    """Fill ${...} as templatefile (or a JS template literal) does: the value's text, unescaped."""

    def fill(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        quoted = _QUOTED_LIST.fullmatch(inner)
        if quoted:
            values = _lookup(quoted.group(1), variables)
            assert isinstance(values, list)
            return ", ".join(f"'{value}'" for value in values)
        return str(_lookup(inner, variables))

    return _PLACEHOLDER.sub(fill, text)


def rendered(name: str) -> str:
    return render((AUDIT / name).read_text())


def load(name: str) -> Workflow:
    return Workflow.from_configuration(rendered(name), friendly_name=name[:64])


def errors(data: object) -> list[str]:
    return [problem.path for problem in configuration_problems(data) if problem.severity == "error"]


def codes(data: object) -> set[str]:
    return {finding.code for finding in lint_configuration(data)}


def test_every_audited_file_has_its_provenance() -> None:
    assert sorted(path.name for path in AUDIT.iterdir()) == sorted(SOURCES)


# --- as stored: only what the template tool fills is refused ---------------------------------------

# Files that are JSON before rendering, and the expressions that are only a placeholder until then.
AS_STORED = {
    "techmatters_flex-plugins_master-workflow.json": ["task_routing.filters[0].expression"],
    "techmatters_flex-plugins_mw-master.json": [f"task_routing.filters[{index}].expression" for index in (1, 2, 3)],
}


@pytest.mark.parametrize("name", sorted(name for name in SOURCES if name.endswith(".json")))
def test_a_stored_json_template_has_no_error_but_its_placeholder_expressions(name: str) -> None:
    assert errors((AUDIT / name).read_text()) == AS_STORED.get(name, [])


@pytest.mark.parametrize("name", sorted(name for name in SOURCES if name.endswith(".tftpl")))
def test_a_template_with_quotes_inside_its_placeholders_is_no_json_until_rendered(name: str) -> None:
    (problem,) = configuration_problems((AUDIT / name).read_text())
    assert "is not valid JSON" in problem.message


def test_a_placeholder_left_in_an_expression_says_to_lint_what_the_template_tool_writes() -> None:
    stored = (AUDIT / "techmatters_flex-plugins_master-workflow.json").read_text()
    (problem,) = [problem for problem in configuration_problems(stored) if problem.severity == "error"]
    assert "lint the configuration it writes" in problem.message


# --- rendered: no error, and the findings each one earns ---------------------------------------------

FINDINGS: dict[str, set[str]] = {
    "techmatters_flex-plugins_clhs-master.json": set(),
    "techmatters_flex-plugins_nzba-master.json": set(),
    # its filters read task.preEngagementData: a task attribute named 'task' (its later version dropped the prefix)
    "techmatters_flex-plugins_nzba-templates-master.json": {"prefixed-key"},
    "techmatters_flex-plugins_ph-master.json": set(),
    "techmatters_flex-plugins_master-workflow.json": set(),
    "techmatters_flex-plugins_nz-master.json": set(),
    "techmatters_flex-plugins_nz-master-calls.tftpl": set(),
    "techmatters_flex-plugins_mt-master.tftpl": set(),
    # three filters share ${task_routing_filter_expression}: rendered, the first keeps every task the others want
    "techmatters_flex-plugins_mw-master.json": {"unreachable-filter"},
    # to="+1..." (single =), en-CA values, a target mixing AND and OR unparenthesised, the zero timeout
    "techmatters_flex-plugins_ca-master-workflow.json": {"single-equals", "hyphen-in-value", "mixed-and-or",
                                                          "zero-timeout"},
    # 'Offline Contacts' has a second target after one that keeps the task
    "techmatters_flex-plugins_ca-master.tftpl": {"hyphen-in-value", "unreachable-target"},
    "twilio-labs_plugin-queued-callbacks-and-voicemail_workflow.json": set(),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_rendered_configuration_has_no_error(name: str) -> None:
    assert errors(rendered(name)) == []


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_rendered_configuration_earns_exactly_its_findings(name: str) -> None:
    assert codes(rendered(name)) == FINDINGS[name]


def test_the_modules_default_filter_expression_breaks_the_json() -> None:
    # taskRouter/v1/main.tf's default: "${local.helplines_filter} OR channelType ==\"web\" OR ..." is HCL for a
    # value holding bare double quotes, which templatefile writes into the JSON string as they are.
    expression = '1==1 OR channelType =="web" OR isContactlessTask == true'
    default = {**VARIABLES, "task_routing_filter_expression": expression}
    (problem,) = configuration_problems(render((AUDIT / "techmatters_flex-plugins_master-workflow.json").read_text(),
                                               default))
    assert (problem.severity, problem.message.startswith("is not valid JSON")) == ("error", True)
    assert "line 6" in problem.message


# --- routed ---------------------------------------------------------------------------------------

ROUTES: list[tuple[str, dict[str, object], list[str], str]] = [
    ("techmatters_flex-plugins_clhs-master.json",
     {"channelType": "web", "preEngagementData": {"reason": "emergency"}, "transferTargetType": ""}, ["priority"],
     "waiting"),
    ("techmatters_flex-plugins_nzba-master.json", {"channelType": "web", "preEngagementData": {"firstTime": "No"}},
     ["returning_client"], "waiting"),
    ("techmatters_flex-plugins_nzba-templates-master.json",
     {"channelType": "web", "preEngagementData": {"firstTime": "no"}}, [], "unrouted"),
    ("techmatters_flex-plugins_ph-master.json", {"channelType": "messenger", "taskQueue": "Non Counselling"},
     ["non_counselling"], "waiting"),
    ("techmatters_flex-plugins_master-workflow.json", {"channelType": "web"}, ["master"], "waiting"),
    ("techmatters_flex-plugins_nz-master.json", {"channelType": "sms", "isRepeatedCaller": True}, ["messaging"],
     "waiting"),
    ("techmatters_flex-plugins_nz-master-calls.tftpl", {"targetSid": SIDS["clinical"]}, ["clinical"], "waiting"),
    ("techmatters_flex-plugins_mt-master.tftpl", {"channelType": "web", "preEngagementData": {"location": "ECPM"}},
     ["ecpm"], "waiting"),
    ("techmatters_flex-plugins_mw-master.json", {"channelType": "voice", "helpline": "Kellimni"}, ["tithandizane"],
     "waiting"),
    ("techmatters_flex-plugins_ca-master.tftpl", {"to": "+18664926"}, ["g2t_int"], "waiting"),
    ("techmatters_flex-plugins_ca-master-workflow.json", {"to": "+15878407089", "language": "en-CA"}, ["khp_en"],
     "waiting"),
]


@pytest.mark.parametrize(("name", "task", "queues", "outcome"), ROUTES, ids=[route[0] for route in ROUTES])
def test_a_sample_task_lands_where_the_helpline_meant(name: str, task: dict[str, object], queues: list[str],
                                                      outcome: str) -> None:
    result = route(load(name), task)
    assert (list(result.queues), result.outcome) == ([SIDS[queue] for queue in queues], outcome)


def test_callback_retries_wait_longer_in_the_callback_queue_each_attempt() -> None:
    workflow = load("twilio-labs_plugin-queued-callbacks-and-voicemail_workflow.json")
    waits = [route(workflow, {"taskType": "callback", "placeCallRetry": attempt}).steps[1].starts_after
             for attempt in (1, 2, 3)]
    assert waits == [10, 20, 30]


def test_the_ca_zero_timeout_fallback_cancels_a_french_task_after_twenty_seconds() -> None:
    # Read as written, the deployed {"timeout": 0} fallback lets the task fall out of the filter, and no later
    # filter takes a French KHP call: the zero-timeout warning exists to show this.
    result = route(load("techmatters_flex-plugins_ca-master-workflow.json"), {"to": "+15878407089",
                                                                              "language": "fr-CA"})
    assert (result.outcome, result.ends_after, [step.timeout for step in result.steps]) == ("canceled", 20, [20, 0])


def test_the_zero_timeout_warning_says_it_is_unverified_and_how_to_keep_the_task() -> None:
    (warning,) = [problem for problem in configuration_problems(rendered("techmatters_flex-plugins_ca-master-workflow"
                                                                          ".json")) if problem.code == "zero-timeout"]
    assert warning.path == "task_routing.filters[2].targets[1].timeout"
    assert "unverified" in warning.message
    assert "remove timeout" in warning.message


def test_a_zero_timeout_on_default_filter_is_the_ignored_key_warning_not_a_second_one() -> None:
    data = {"task_routing": {"filters": [], "default_filter": {"queue": "WQ1", "timeout": 0}}}
    assert [problem.code for problem in configuration_problems(data)] == ["ignored-key"]


NZ_WORKERS = [Worker(friendly_name="Ana", sid="WKana", attributes={"roles": ["agent"]}, activity_name="Offline"),
              Worker(friendly_name="Sue", sid="WKsue", attributes={"roles": ["supervisor"]})]
YOUTHLINE_CALL = {"channelType": "voice", "transferTargetType": ""}


def test_nz_skips_to_supervisors_when_no_agent_is_free() -> None:
    result = route(load("techmatters_flex-plugins_nz-master-calls.tftpl"), YOUTHLINE_CALL, workers=NZ_WORKERS)
    assert [step.exit for step in result.steps] == ["skipped", "stays"]
    assert result.first_reservation is not None
    assert result.first_reservation[1].friendly_name == "Sue"


def test_without_a_pool_route_says_skip_if_was_not_evaluated() -> None:
    text = route(load("techmatters_flex-plugins_nz-master-calls.tftpl"), YOUTHLINE_CALL).render()
    assert "stays until a worker accepts (skip_if not evaluated: it needs a worker pool" in text


def test_nz_priority_queue_offers_workers_by_routing_priority() -> None:
    pool = [Worker(friendly_name=name, sid=f"WK{name}", attributes={"routing": {"levels": {"routingPriority": rank}}})
            for name, rank in (("c", 3), ("a", 1), ("b", 2))]
    result = route(load("techmatters_flex-plugins_nz-master-calls.tftpl"), {"targetSid": SIDS["priority"]},
                   workers=pool)
    assert [worker.friendly_name for worker in result.steps[0].eligible or ()] == ["a", "b", "c"]


def test_nzba_direct_transfer_offers_only_the_known_worker() -> None:
    pool = [Worker(friendly_name="Ana", sid="WKana"), Worker(friendly_name="Bo", sid="WKbo")]
    task = {"transferTargetType": "worker", "targetSid": "WKbo", "channelType": "web"}
    result = route(load("techmatters_flex-plugins_nzba-master.json"), task, workers=pool)
    assert ([worker.friendly_name for worker in result.steps[0].eligible or ()], result.steps[0].priority) == (
        ["Bo"], 150)


# --- rejection mutations: the shapes these files use, broken as TaskRouter would refuse them -----------

Mutation = Callable[[dict[str, Any]], None]


def _target(filter_index: int, target_index: int = 0) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def get(data: dict[str, Any]) -> dict[str, Any]:
        target: dict[str, Any] = data["task_routing"]["filters"][filter_index]["targets"][target_index]
        return target
    return get


def _set(name: str, filter_index: int, target_index: int, key: str, value: object) -> tuple[str, Mutation]:
    return name, lambda data: _target(filter_index, target_index)(data).__setitem__(key, value)


def _set_filter(name: str, filter_index: int, key: str, value: object) -> tuple[str, Mutation]:
    return name, lambda data: data["task_routing"]["filters"][filter_index].__setitem__(key, value)


def _set_routing(name: str, key: str, value: object) -> tuple[str, Mutation]:
    return name, lambda data: data["task_routing"].__setitem__(key, value)


CA = "techmatters_flex-plugins_ca-master-workflow.json"
NZ_CALLS = "techmatters_flex-plugins_nz-master-calls.tftpl"
NZBA = "techmatters_flex-plugins_nzba-master.json"

# (file, mutation, path of the error, text the error must hold: what is wrong or the fix)
REJECTIONS: list[tuple[str, tuple[str, Mutation], str, str]] = [
    (CA, _set("negative timeout", 2, 1, "timeout", -1), "task_routing.filters[2].targets[1].timeout",
     "must be an integer from 0 to"),
    (CA, _set("timeout in words", 2, 0, "timeout", "twenty"), "task_routing.filters[2].targets[0].timeout",
     "must be an integer"),
    (CA, _set("timeout with a fraction", 2, 0, "timeout", 20.5), "task_routing.filters[2].targets[0].timeout",
     "not 20.5"),
    (CA, _set("priority past 32 bits", 2, 1, "priority", 2**31), "task_routing.filters[2].targets[1].priority",
     "use a smaller number"),
    (CA, _set("skip_if unfinished", 4, 0, "skip_if", "1==1 AND"), "task_routing.filters[4].targets[0].skip_if",
     "fix:"),
    (CA, _set("skip_if as a boolean", 4, 0, "skip_if", True), "task_routing.filters[4].targets[0].skip_if",
     "must be a string holding a skip_if expression"),
    (NZ_CALLS, _set("order_by without direction", 2, 0, "order_by", "worker.routing.levels.routingPriority"),
     "task_routing.filters[2].targets[0].order_by", "worker.routing.levels.routingPriority ASC"),
    (NZ_CALLS, _set("order_by with && ", 2, 0, "order_by", "worker.a ASC && worker.b ASC"),
     "task_routing.filters[2].targets[0].order_by", "fix:"),
    (NZ_CALLS, _set("target expression with a hyphenated key", 0, 0, "expression", "worker.routing.skill-level > 1"),
     "task_routing.filters[0].targets[0].expression", "skill_level"),
    (NZ_CALLS, _set("target expression with &&", 0, 1, "expression", "worker.roles HAS 'agent' && 1==1"),
     "task_routing.filters[0].targets[1].expression", "fix:"),
    (NZBA, _set("known worker as an expression", 0, 0, "known_worker_sid", "task.targetSid == worker.sid"),
     "task_routing.filters[0].targets[0].known_worker_sid", "write just task.targetSid"),
    (NZBA, _set("known worker read from the worker", 0, 0, "known_worker_sid", "worker.sid"),
     "task_routing.filters[0].targets[0].known_worker_sid", "task.<attribute>"),
    (NZBA, _set("known worker by both keys", 0, 0, "known_worker_friendly_name", "task.targetName"),
     "task_routing.filters[0].targets[0].known_worker_friendly_name", "either known_worker_sid or"),
    (NZBA, _set("known worker without task.", 0, 0, "known_worker_sid", "targetSid"),
     "task_routing.filters[0].targets[0].known_worker_sid", "write task.targetSid"),
    (NZBA, ("first target without a queue", lambda data: _target(1)(data).pop("queue")),
     "task_routing.filters[1].targets[0].queue", "is required on a filter's first target"),
    (NZBA, _set_filter("filter without targets", 2, "targets", []), "task_routing.filters[2].targets",
     "non-empty array"),
    (NZBA, _set_filter("a filter with NOT", 0, "expression", "NOT isContactlessTask == true"),
     "task_routing.filters[0].expression", "fix:"),
    (NZBA, _set_filter("an unrendered Terraform list", 1, "expression",
                       "to IN [${join(\", \", formatlist(\"'%s'\", phone_numbers.khp))}]"),
     "task_routing.filters[1].expression", "lint the configuration it writes"),
    (NZBA, _set_routing("default_filter as a list", "default_filter", [{"queue": SIDS["master"]}]),
     "task_routing.default_filter", "must be a JSON object"),
    (NZBA, _set_routing("default_filter without a queue", "default_filter", {"priority": 1}),
     "task_routing.default_filter.queue", "is required"),
]


@pytest.mark.parametrize(("name", "mutation", "path", "text"), REJECTIONS,
                         ids=[rejection[1][0] for rejection in REJECTIONS])
def test_a_broken_shape_is_an_error_naming_its_key_and_fix(name: str, mutation: tuple[str, Mutation], path: str,
                                                           text: str) -> None:
    data = json.loads(rendered(name))
    mutation[1](data)
    problems = [problem for problem in configuration_problems(data) if problem.severity == "error"]
    assert [problem.path for problem in problems] == [path]
    assert text in problems[0].message


# Forms these shapes invite that TaskRouter may take: warned about with a fix that fits, never refused.

def test_an_order_by_on_the_task_is_warned_with_the_worker_key_as_fix() -> None:
    data = json.loads(rendered(NZ_CALLS))
    _target(2)(data)["order_by"] = "task.routingPriority ASC"
    (finding,) = [finding for finding in lint_configuration(data) if finding.code == "missing-prefix"]
    assert "fix: write worker.routingPriority ASC" in finding.message


def test_a_skip_if_on_default_filter_is_warned_as_ignored() -> None:
    data = json.loads(rendered(NZBA))
    data["task_routing"]["default_filter"] = {"queue": SIDS["master"], "skip_if": "workers.available == 0"}
    assert [(problem.path, problem.code) for problem in configuration_problems(data)] == [
        ("task_routing.default_filter.skip_if", "ignored-key")]
    assert route(Workflow.from_configuration(data, friendly_name="w"), {"channelType": "sms"}).outcome == "waiting"
