"""Seventh real-world audit: workflow configurations from repositories no earlier audit used, linted and routed;
the forms they brought (a string glued to OR, lowercase ``and``/``not in``, expressions over several lines, ``0900``,
known-worker steps, chains of one-second steps); broken the ways TaskRouter refuses; and expressions nested too
deeply to parse, which raised Python's RecursionError from ``parse``, ``check`` and the models.

Provenance: SOURCES (repository, path, commit, how it was deployed). ``*.json`` files are the repository's file
byte for byte; ``*.sent.json`` the JSON the repository's code sends (its object literal, JSON.stringify'd, with its
environment's queue SIDs as WQ0...1/2); ``*.console.json`` what the Console writes for the README's steps;
``*.jsonc`` the README's example as written (comments and a trailing comma included).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from taskrouter import (
    ExpressionError,
    ExpressionKind,
    TaskQueue,
    Workflow,
    check,
    configuration_problems,
    lint_configuration,
    parse,
    route,
)
from taskrouter.routing import Worker

AUDIT = Path(__file__).parent / "audit7"
MVRZAN = "mvrzan/PS-template-test"
ZIPLEND = "aestellwag/Ziplendflexenhancements"
MULTI_CALL = "twilio-professional-services/flex-multi-call-handling"
TEMPLATEFILE = "Terraform templatefile in infra-as-code/terraform/modules/taskrouter/workflows.tf"

# file -> (repository, path, commit, how it reached TaskRouter)
SOURCES: dict[str, tuple[str, str, str, str]] = {
    # Forks of flex-project-template with their own workflows. mvrzan's hard-code a live queue SID (WQaa73...) in two
    # targets, as a Console export does.
    "mvrzan_PS-template-test_direct_phone_match_subject_group.json": (
        MVRZAN, "infra-as-code/terraform/taskrouter/direct_phone_match_subject_group.json",
        "512a83c2b0c0fd34336e6fed684d9582d98c5bc2", f"{TEMPLATEFILE} @ 512a83c2"),
    "mvrzan_PS-template-test_direct_sms_match_subject_group.json": (
        MVRZAN, "infra-as-code/terraform/taskrouter/direct_sms_match_subject_group.json",
        "512a83c2b0c0fd34336e6fed684d9582d98c5bc2", f"{TEMPLATEFILE} @ 512a83c2"),
    "mvrzan_PS-template-test_assign_to_anyone_prof.json": (
        MVRZAN, "infra-as-code/terraform/taskrouter/assign_to_anyone_prof.json",
        "512a83c2b0c0fd34336e6fed684d9582d98c5bc2", f"{TEMPLATEFILE} @ 512a83c2"),
    # workflows.tf names it textback_sms_match_specific_worker.json.json: that plan fails before any API call.
    "mvrzan_PS-template-test_textback_sms_match_specific_worker.json": (
        MVRZAN, "infra-as-code/terraform/taskrouter/textback_sms_match_specific_worker.json",
        "512a83c2b0c0fd34336e6fed684d9582d98c5bc2", f"{TEMPLATEFILE} @ 512a83c2 (file name typo there)"),
    "mvrzan_PS-template-test_surveys.json": (
        MVRZAN, "infra-as-code/terraform/taskrouter/surveys.json", "512a83c2b0c0fd34336e6fed684d9582d98c5bc2",
        f"{TEMPLATEFILE} @ 512a83c2"),
    "aestellwag_Ziplendflexenhancements_ziplend_homepage_workflow.json": (
        ZIPLEND, "infra-as-code/terraform/taskrouter/ziplend_homepage_workflow.json",
        "80857d6485039c29f985642937c3266126c24178", f"{TEMPLATEFILE} @ 3da5e3b5"),
    "aestellwag_Ziplendflexenhancements_incoming_live_transfers_workflow.json": (
        ZIPLEND, "infra-as-code/terraform/taskrouter/incoming_live_transfers_workflow.json",
        "a0a5a79f3ee0638e2fbeeeea97d20a0f0a05f9ed", f"{TEMPLATEFILE} @ 3da5e3b5"),
    # No workflows.tf version seen references it, and its ${QUEUE_SID_DIRECT_LINE} is in no params map.
    "aestellwag_Ziplendflexenhancements_direct_line.json": (
        ZIPLEND, "infra-as-code/terraform/taskrouter/direct_line.json", "511c207ac58d493750016c8d28428e9e5c458f6b",
        "not referenced by workflows.tf (template only)"),
    "joshuasorkin_vent-taskrouter_workflowConfigurer.sent.json": (
        "joshuasorkin/vent-taskrouter", "workflowConfigurer.js", "25b6b858034f595cb9f6764fc67976a5f3cf72a1",
        "WorkflowConfigurer.configurationJSON(), sent by the app to the Workflows API"),
    # The create handler builds the filter from a form (here: languages ja and en, skills voice and sms, 09:00 to
    # 18:00); its show handler reads the stored expression back by splitting on ' OR\n ' and ' > '.
    "twilioforkwc_twilio-taskrouter-contact-center_workflows.sent.json": (
        "twilioforkwc/twilio-taskrouter-contact-center", "routes/api/twilio/workflows.js",
        "09a5c72ecdaea198474a08e1bf69ec9d8bd04106", "router.post('/create'): client.taskrouter.v1...workflows.create"),
    "twilio-professional-services_flex-multi-call-handling_inbound-acd.console.json": (
        MULTI_CALL, "README.md", "0a0a7baa895b77df88c3bc7535577ec711aa4538",
        "Console steps of 'Create a new Workflow called \"Inbound ACD\"' (screenshots in the repository)"),
    "twilio-professional-services_flex-multi-call-handling_direct-extension.console.json": (
        MULTI_CALL, "README.md", "0a0a7baa895b77df88c3bc7535577ec711aa4538",
        "Console steps of 'Create a new Workflow called \"Direct Extension\"'"),
    "twilio-se-anz_twilio-flex-future-cc-demo_assign_to_anyone.json": (
        "twilio-se-anz/twilio-flex-future-cc-demo", "infra-as-code/terraform/taskrouter/assign_to_anyone.json",
        "b90153f024ea6faaa81f8864c2bc3198fb495537", f"{TEMPLATEFILE} @ b42802b9"),
    "zingdevlimited_actions-helpers_update-taskrouter-example.jsonc": (
        "zingdevlimited/actions-helpers", "update-taskrouter/README.md", "18f9e85ed08fccc0867e5634df5bd77b5054a286",
        "input of the update-taskrouter GitHub action, which replaces {\"friendlyName\": ...} queues by SIDs"),
}

# Queue expressions (target_workers) the same sources deploy.
QUEUE_EXPRESSIONS = ["isAcdReady == true", "1 == 1", "routing.skills HAS 'sales'"]

# Expressions a README tells its reader to type into the Console: (repository, path, commit) -> [(kind, expression)].
OUTBOUND_DIALPAD = ("twilio-labs/plugin-flex-outbound-dialpad", "README.md", "114d171eaaea73bd814210ab55032756c124a680")
DIALPAD_ADDON = ("twilio-professional-services/flex-dialpad-addon-plugin", "README.md",
                 "0e0914c85f4ed63b9caba603ced051c57f0c5582")
README_EXPRESSIONS: dict[tuple[str, str, str], list[tuple[ExpressionKind, str]]] = {
    OUTBOUND_DIALPAD: [("target", "task.targetWorker === worker.contact_uri"), ("queue", "1 === 1")],
    # "based on the work on" the outbound dialpad plugin, and writes the same two with ==
    DIALPAD_ADDON: [("target", "task.targetWorker==worker.contact_uri"), ("queue", "1==1")],
}


def load(name: str) -> Workflow:
    return Workflow.from_configuration((AUDIT / name).read_text(), friendly_name=name[:64])


def errors(data: object) -> list[str]:
    return [problem.path for problem in configuration_problems(data) if problem.severity == "error"]


def codes(data: object) -> set[str]:
    return {finding.code for finding in lint_configuration(data)}


def names(workers: tuple[Worker, ...] | None) -> list[str]:
    return [worker.friendly_name for worker in workers or ()]


def test_every_audited_file_has_its_provenance() -> None:
    assert sorted(path.name for path in AUDIT.iterdir()) == sorted(SOURCES)


WORKFLOWS = sorted(name for name in SOURCES if not name.endswith(".jsonc"))
FINDINGS: dict[str, set[str]] = {name: set() for name in WORKFLOWS}
# 'math_secondaire_1-2' and '..._3-5' are skill values with hyphens.
FINDINGS["mvrzan_PS-template-test_direct_phone_match_subject_group.json"] = {"hyphen-in-value"}
FINDINGS["mvrzan_PS-template-test_direct_sms_match_subject_group.json"] = {"hyphen-in-value"}


@pytest.mark.parametrize("name", WORKFLOWS)
def test_an_audited_configuration_has_no_error(name: str) -> None:
    assert errors((AUDIT / name).read_text()) == []


@pytest.mark.parametrize("name", WORKFLOWS)
def test_an_audited_configuration_earns_exactly_its_findings(name: str) -> None:
    assert codes((AUDIT / name).read_text()) == FINDINGS[name]


@pytest.mark.parametrize("expression", QUEUE_EXPRESSIONS)
def test_a_deployed_queue_expression_parses_without_warnings(expression: str) -> None:
    assert parse(expression, "queue").warnings == ()


@pytest.mark.parametrize(("kind", "expression"), README_EXPRESSIONS[DIALPAD_ADDON])
def test_the_dialpad_addon_expressions_are_valid(kind: ExpressionKind, expression: str) -> None:
    assert parse(expression, kind).warnings == ()


@pytest.mark.parametrize(("kind", "expression"), README_EXPRESSIONS[OUTBOUND_DIALPAD])
def test_triple_equals_stays_an_error_whose_fix_is_double_equals(kind: ExpressionKind, expression: str) -> None:
    # No Twilio page documents ===; the plugin that took these steps over (flex-dialpad-addon-plugin) writes ==, and
    # the parser refuses JavaScript spellings (&&, ||, !) with their fix rather than risk a deploy-time 400.
    with pytest.raises(ExpressionError) as error:
        parse(expression, kind)
    assert (error.value.message, error.value.hint, error.value.column) == (
        "'===' is not a TaskRouter operator", "write ==", expression.index("===") + 1)


# --- the forms they brought, read as their authors meant ---------------------------------------------

def test_a_string_glued_to_or_is_read_as_or() -> None:
    # mvrzan writes HAS "sciences_secondaire"OR ... in every multi-skill target.
    text = '(worker.routing.skills HAS "sciences_secondaire"OR worker.routing.skills HAS "physique")'
    expression = parse(text, "target")
    assert (str(expression), expression.warnings) == (
        "worker.routing.skills HAS 'sciences_secondaire' OR worker.routing.skills HAS 'physique'", ())


SCIENCE_TEACHERS = [Worker(friendly_name=name, sid=f"WK{name}", attributes={"routing": {"skills": skills}})
                    for name, skills in (("fr", ["physique", "fr"]), ("en", ["chimie", "en"]),
                                         ("math", ["math_primaire", "en"]))]


def test_a_science_task_goes_to_a_teacher_of_its_language_then_to_any_science_teacher() -> None:
    workflow = load("mvrzan_PS-template-test_direct_phone_match_subject_group.json")
    result = route(workflow, {"subject_group": "sciences", "language": "en"}, workers=SCIENCE_TEACHERS)
    assert result.queues == ("WQaa73047a7361859cba43f368057128f0",) * 2  # the second step inherits the queue
    assert [(step.timeout, names(step.eligible)) for step in result.steps] == [(10, ["en"]), (None, ["fr", "en"])]


def test_four_one_second_steps_cancel_an_unanswered_task_after_four_seconds() -> None:
    # Deployed as written: the last target has a timeout, so the task falls out of the workflow; default_filter
    # "does not count as a subsequent filter" (Workflows Overview).
    result = route(load("mvrzan_PS-template-test_assign_to_anyone_prof.json"), {"subject": "math", "language": "fr"})
    assert (result.outcome, result.ends_after, [step.timeout for step in result.steps]) == ("canceled", 4, [1] * 4)


def test_a_task_without_a_matching_filter_and_no_default_filter_is_unrouted() -> None:
    result = route(load("mvrzan_PS-template-test_direct_phone_match_subject_group.json"), {"subject_group": "art"})
    assert result.outcome == "unrouted"


def test_lowercase_and_and_not_in_are_the_operators() -> None:
    (filter_,) = load("joshuasorkin_vent-taskrouter_workflowConfigurer.sent.json").filters
    assert str(parse(filter_.targets[0].expression or "", "target")) == (
        "task.caller != worker.contact_uri AND worker.sid NOT IN task.do_not_contact")


def test_vent_offers_a_caller_to_neither_themself_nor_a_listener_they_blocked() -> None:
    pool = [Worker(friendly_name=name, sid=f"WK{name}", attributes={"contact_uri": uri})
            for name, uri in (("self", "+1555"), ("a", "+1666"), ("b", "+1777"))]
    result = route(load("joshuasorkin_vent-taskrouter_workflowConfigurer.sent.json"),
                   {"caller": "+1555", "do_not_contact": ["WKb"]}, workers=pool)
    assert names(result.steps[0].eligible) == ["a"]


def test_vent_does_not_skip_while_the_caller_is_the_only_available_listener() -> None:
    # "workers.available: The number of workers in queue that are in an Available activity state" (Skipping based on
    # Worker availability): the queue's workers, not those the target expression lets through.
    pool = [Worker(friendly_name="self", sid="WKself", attributes={"contact_uri": "+1555"})]
    result = route(load("joshuasorkin_vent-taskrouter_workflowConfigurer.sent.json"), {"caller": "+1555"},
                   workers=pool)
    assert ([step.exit for step in result.steps], names(result.steps[0].eligible)) == (["stays"], [])


@pytest.mark.parametrize(("hour", "matched"), [(8, False), (10, True), (19, False)])
def test_a_time_window_written_over_lines_with_0900_matches_from_nine_to_six(hour: int, matched: bool) -> None:
    workflow = load("twilioforkwc_twilio-taskrouter-contact-center_workflows.sent.json")
    result = route(workflow, {"selected_language": "ja"}, now=datetime(2026, 12, 7, hour, 30, tzinfo=UTC))
    assert (result.matched_filter is not None, result.used_default_filter) == (matched, not matched)


MULTI_CALL_POOL = [Worker(friendly_name="Ana", sid="WKana", attributes={"directExtension": "1234"}),
                   Worker(friendly_name="Bo", sid="WKbo", attributes={"directExtension": "9999"})]


def test_a_parked_call_picked_up_goes_back_to_the_worker_who_parked_it() -> None:
    workflow = load("twilio-professional-services_flex-multi-call-handling_inbound-acd.console.json")
    result = route(workflow, {"isParkPickup": True, "targetWorker": "WKbo"}, workers=MULTI_CALL_POOL)
    assert names(result.steps[0].eligible) == ["Bo"]


def test_a_direct_extension_call_is_offered_to_the_worker_with_that_extension() -> None:
    workflow = load("twilio-professional-services_flex-multi-call-handling_direct-extension.console.json")
    result = route(workflow, {"directExtension": "1234"}, workers=MULTI_CALL_POOL)
    assert names(result.steps[0].eligible) == ["Ana"]


def test_an_empty_filter_list_sends_every_task_to_the_default_queue() -> None:
    result = route(load("twilio-se-anz_twilio-flex-future-cc-demo_assign_to_anyone.json"), {"channelType": "web"})
    assert (result.queues, result.used_default_filter) == (("${QUEUE_SID_EVERYONE}",), True)


def test_ziplend_sends_an_unknown_target_to_everyone() -> None:
    workflow = load("aestellwag_Ziplendflexenhancements_ziplend_homepage_workflow.json")
    assert [route(workflow, {"target": target}).queues for target in ("mortgage_group", "other")] == [
        ("${QUEUE_SID_MORTGAGE_GROUP}",), ("${QUEUE_SID_EVERYONE}",)]


# --- the zing action's input: queues by name are not TaskRouter's ----------------------------------------------

ZING = AUDIT / "zingdevlimited_actions-helpers_update-taskrouter-example.jsonc"


def _zing_configuration() -> dict[str, Any]:
    text = ZING.read_text()
    text = re.sub(r",(\s*[\]}])", r"\1", re.sub(r"\s//[^\n]*", "", text))  # what the action's JSONC reader drops
    configuration: dict[str, Any] = json.loads(text)["workflows"][0]["configuration"]
    return configuration


def test_a_comment_in_json_is_named_as_one() -> None:
    (problem,) = configuration_problems(ZING.read_text())
    assert problem.message == ("is not valid JSON: Expecting ',' delimiter at line 14 column 35; that is a comment, "
                               "which JSON does not allow: remove it")


def test_a_comma_after_the_last_item_is_named_as_one() -> None:
    (problem,) = configuration_problems(re.sub(r"\s//[^\n]*", "", ZING.read_text()))
    assert problem.message.endswith("; that is a comma after the last item, which JSON does not allow: remove it")


def test_a_queue_given_as_an_object_is_an_error_at_each_such_queue() -> None:
    problems = configuration_problems(_zing_configuration())
    assert [(problem.path, problem.message) for problem in problems] == [
        ("task_routing.filters[0].targets[0].queue", "must be a TaskQueue SID string, not an object"),
        ("task_routing.default_filter.queue", "must be a TaskQueue SID string, not an object")]


def test_the_zing_configuration_with_its_queues_resolved_is_valid() -> None:
    data = _zing_configuration()
    data["task_routing"]["filters"][0]["targets"][0]["queue"] = "WQ" + "1" * 32
    data["task_routing"]["default_filter"]["queue"] = "WQ" + "2" * 32
    assert configuration_problems(data) == []


# --- rejection mutations: what TaskRouter refuses stays an error naming its path -------------------------------

Mutation = Callable[[dict[str, Any]], None]
PHONE = "mvrzan_PS-template-test_direct_phone_match_subject_group.json"
SCIENCES = ("(worker.routing.skills HAS \"sciences_secondaire\"OR worker.routing.skills HAS \"physique\"OR "
            "worker.routing.skills HAS \"chimie\") AND worker.routing.skills HAS task.language")


def _set_target(filter_index: int, target_index: int, key: str, value: object) -> Mutation:
    return lambda data: data["task_routing"]["filters"][filter_index]["targets"][target_index].__setitem__(key, value)


REJECTIONS: list[tuple[str, Mutation, str, str]] = [
    ("unknown operator", lambda data: data["task_routing"]["filters"][0].__setitem__(
        "expression", "subject_group LIKE \"primaire\""), "task_routing.filters[0].expression",
     "fix: write subject_group CONTAINS 'primaire'"),
    ("unbalanced parentheses", _set_target(4, 0, "expression", SCIENCES.replace(")", "", 1)),
     "task_routing.filters[4].targets[0].expression", "fix:"),
    ("a filter that is not an object", lambda data: data["task_routing"]["filters"].__setitem__(0, "1==1"),
     "task_routing.filters[0]", "must be a JSON object"),
    ("a second step's queue that is a number", _set_target(4, 1, "queue", 7),
     "task_routing.filters[4].targets[1].queue", "must be a TaskQueue SID string"),
]


@pytest.mark.parametrize(("name", "mutation", "path", "text"), REJECTIONS, ids=[item[0] for item in REJECTIONS])
def test_a_broken_shape_is_an_error_naming_its_path(name: str, mutation: Mutation, path: str, text: str) -> None:
    data = json.loads((AUDIT / PHONE).read_text())
    mutation(data)
    problems = [problem for problem in configuration_problems(data) if problem.severity == "error"]
    assert [problem.path for problem in problems] == [path]
    assert text in problems[0].message


def test_a_word_in_place_of_the_operator_gets_the_operator_as_fix() -> None:
    with pytest.raises(ExpressionError) as error:
        parse("worker.routing.skills IS 'primaire'", "target")
    assert (error.value.column, error.value.hint) == (23, "write worker.routing.skills == 'primaire'")


def test_a_queue_that_does_not_exist_is_reported_at_its_target() -> None:
    data = json.loads((AUDIT / "aestellwag_Ziplendflexenhancements_ziplend_homepage_workflow.json").read_text())
    defined = {f"${{QUEUE_SID_{key.upper()}}}": TaskQueue(key=key, friendly_name=key)
               for key in ("customer_service", "pl_group", "everyone")}  # no mortgage_group queue
    (finding,) = [finding for finding in lint_configuration(data, queues=defined) if finding.code == "undefined-queue"]
    assert finding.path == "task_routing.filters[2].targets[0].queue"


# --- nested thousands deep: an ExpressionError, not Python's RecursionError -----------------------------------

DEEP = "(" * 5000 + "a == 1" + ")" * 5000


def test_parse_refuses_an_expression_nested_thousands_deep_with_a_message() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply to check"):
        parse(DEEP, "filter")


def test_a_queue_model_refuses_deep_target_workers_as_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="nested too deeply to check"):
        TaskQueue(key="q", friendly_name="Q", target_workers=DEEP)


def test_a_deep_expression_in_a_configuration_is_an_error_at_its_path() -> None:
    data = {"task_routing": {"filters": [{"expression": DEEP, "targets": [{"queue": "WQ1"}]}],
                             "default_filter": {"queue": "WQ1"}}}
    assert errors(data) == ["task_routing.filters[0].expression"]


def test_check_still_raises_for_deep_nesting_so_the_command_line_reports_unusable_input() -> None:
    with pytest.raises(RecursionError):
        check(DEEP, "filter")
