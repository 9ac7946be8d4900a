"""Every workflow in the corpus is checked, imported, linted and routed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskrouter import ConfigurationError, Workflow, check_configuration, lint_configuration, route
from tests.taskrouter.support import CORPUS_WORKFLOWS, REALWORLD_WORKFLOWS, worker

# The one corpus file that is not JSON (a trailing comma), kept as its authors published it.
NOT_JSON = "twilio-professional-services_flex-conversations-transfer_example-taskrouter-workflow.json"
EVERY_WORKFLOW = [*CORPUS_WORKFLOWS, *REALWORLD_WORKFLOWS]

# A sample task per corpus file, and the queues it should be tried in.
ROUTES: dict[str, tuple[dict[str, object], list[str]]] = {
    "fpt_template_example_assign_to_anyone.json": ({"type": "inbound"}, ["${QUEUE_SID_EVERYONE}"]),
    "fpt_template_example_callback.json": ({"callBackData": {"attempts": 1}}, ["${QUEUE_SID}", "${QUEUE_SID}"]),
    "fpt_template_example_chat_transfer.json": (
        {"transferQueueName": "Template Example Sales", "workerSidsInConversation": ["WKana"]},
        ["${QUEUE_SID_TEMPLATE_EXAMPLE_SALES}"]),
    "fpt_template_example_internal_calls.json": ({"targetWorker": "client:ana"}, ["${QUEUE_SID_INTERNAL}"]),
    "fpt_template_example_park_resume.json": (
        {"originalRouting": {"queueName": "Template Example Sales", "workerSid": "WKana"}},
        ["${QUEUE_SID_TEMPLATE_EXAMPLE_SALES}", "${QUEUE_SID_TEMPLATE_EXAMPLE_SALES}"]),
}


def test_corpus_is_present() -> None:
    assert sorted(path.name for path in CORPUS_WORKFLOWS) == sorted(ROUTES)


@pytest.mark.parametrize("path", CORPUS_WORKFLOWS, ids=lambda path: path.name)
def test_corpus_workflow_has_no_configuration_problem(path: Path) -> None:
    assert check_configuration(path.read_text()) == []


@pytest.mark.parametrize("path", CORPUS_WORKFLOWS, ids=lambda path: path.name)
def test_corpus_workflow_has_no_lint_finding(path: Path) -> None:
    assert lint_configuration(path.read_text()) == []


@pytest.mark.parametrize("path", CORPUS_WORKFLOWS, ids=lambda path: path.name)
def test_corpus_workflow_reexports_to_the_same_routing(path: Path) -> None:
    workflow = Workflow.from_configuration(path.read_text(), friendly_name=path.stem[:64])
    exported = json.loads(workflow.to_json({queue.key: queue.key for queue in workflow.queues()}))
    assert Workflow.from_configuration(exported, friendly_name=workflow.friendly_name) == workflow


@pytest.mark.parametrize("path", CORPUS_WORKFLOWS, ids=lambda path: path.name)
def test_corpus_workflow_routes_its_sample_task(path: Path) -> None:
    task, queues = ROUTES[path.name]
    workflow = Workflow.from_configuration(path.read_text(), friendly_name=path.stem[:64])
    assert list(route(workflow, task).queues) == queues


def test_callback_retry_waits_in_a_step_no_worker_can_take() -> None:
    path = next(path for path in CORPUS_WORKFLOWS if path.name == "fpt_template_example_callback.json")
    workflow = Workflow.from_configuration(path.read_text(), friendly_name="callback")
    result = route(workflow, {"callBackData": {"attempts": 2}}, workers=[worker("Ana")])
    assert [(step.starts_after, len(step.eligible or ())) for step in result.steps] == [(0, 0), (3600, 1)]


def test_chat_transfer_excludes_workers_already_in_the_conversation() -> None:
    path = next(path for path in CORPUS_WORKFLOWS if path.name == "fpt_template_example_chat_transfer.json")
    workflow = Workflow.from_configuration(path.read_text(), friendly_name="chat transfer")
    task = {"transferQueueName": "Template Example Everyone", "workerSidsInConversation": ["WKana"]}
    result = route(workflow, task, workers=[worker("Ana"), worker("Bo")])
    assert [w.friendly_name for w in result.steps[0].eligible or ()] == ["Bo"]


def test_park_resume_offers_the_parking_agent_first_then_anyone() -> None:
    path = next(path for path in CORPUS_WORKFLOWS if path.name == "fpt_template_example_park_resume.json")
    workflow = Workflow.from_configuration(path.read_text(), friendly_name="park")
    task = {"originalRouting": {"queueName": "Template Example Support", "workerSid": "WKbo"}}
    result = route(workflow, task, workers=[worker("Ana"), worker("Bo")])
    assert [[w.friendly_name for w in step.eligible or ()] for step in result.steps] == [["Bo"], ["Ana", "Bo"]]


@pytest.mark.parametrize("path", [path for path in EVERY_WORKFLOW if path.name != NOT_JSON],
                         ids=lambda path: path.name)
def test_every_corpus_workflow_imports_with_all_its_filters_and_no_invalid_configuration_finding(path: Path) -> None:
    text = path.read_text()
    workflow = Workflow.from_configuration(text, friendly_name="corpus")
    assert len(workflow.filters) == len(json.loads(text)["task_routing"].get("filters", []))
    assert "invalid-configuration" not in {finding.code for finding in lint_configuration(text)}


def test_the_corpus_file_that_is_not_json_is_refused_with_its_line_and_column() -> None:
    (path,) = [path for path in EVERY_WORKFLOW if path.name == NOT_JSON]
    with pytest.raises(ConfigurationError, match=r"is not valid JSON: Expecting value at line 35 column 5"):
        Workflow.from_configuration(path.read_text(), friendly_name="corpus")


GOLD_MARKETING = next(path for path in REALWORLD_WORKFLOWS if path.name == "twilio_twilio-python_gold-marketing.json")


def test_a_workflow_with_task_queue_sid_lints_with_only_the_legacy_key_warnings() -> None:
    assert [(finding.code, finding.path) for finding in lint_configuration(GOLD_MARKETING.read_text())] == [
        ("legacy-key", "task_routing.filters[0].targets[0].task_queue_sid"),
        ("legacy-key", "task_routing.default_filter.task_queue_sid")]


@pytest.mark.parametrize(("task", "queue"), [
    ({"customer_value": "Gold", "type": "ticket"}, "WQ0123456789abcdef0123456789abcdef"),
    ({"type": "marketing"}, "WQ2acd4c1a41ffadce5d1bac9e1ce2fa9f"),
    ({"type": "ticket"}, "WQabcdef01234567890123456789abcdef"),
])
def test_a_workflow_with_task_queue_sid_routes_to_those_queues(task: dict[str, object], queue: str) -> None:
    workflow = Workflow.from_configuration(GOLD_MARKETING.read_text(), friendly_name="gold")
    assert list(route(workflow, task).queues) == [queue]
