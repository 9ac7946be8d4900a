"""TaskRouter's uniqueness rules, through the official SDK, as the live API applies them.

A TaskQueue's friendly name is unique within its workspace: Twilio answers 400, code 20001,
"Queue named <name> already exists for workspace <WS> for account <AC>" (a live answer quoted in
nash-md/twilio-contact-center#23). Workflows and Activities are held to the same rule with the same
code (an activity is routed on by name: `worker.activity_name`); their exact wording is unverified
(twilio_emulator/README.md, "Choices").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.conftest import checked_client
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, EmulatorHandle, saved_state
from twilio_emulator.server import Emulator


@pytest.fixture
def workspace(client: Any) -> Any:
    return client.taskrouter.v1.workspaces.create(friendly_name="Support")


@pytest.fixture
def ws(client: Any, workspace: Any) -> Any:
    return client.taskrouter.v1.workspaces(workspace.sid)


def default_to(queue_sid: str) -> str:
    return json.dumps({"task_routing": {"filters": [], "default_filter": {"queue": queue_sid}}})


def test_a_second_queue_with_the_same_name_is_400_20001_naming_workspace_and_account(
    ws: Any, workspace: Any, emulator: Any
) -> None:
    ws.task_queues.create(friendly_name="Sales")
    with pytest.raises(TwilioRestException) as caught:
        ws.task_queues.create(friendly_name="Sales")
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert caught.value.msg.endswith(
        f"Queue named Sales already exists for workspace {workspace.sid} for account {emulator.account_sid}"
    )
    assert [q.friendly_name for q in ws.task_queues.list()] == ["Sales"]


def test_renaming_a_queue_to_another_queues_name_is_refused_and_changes_nothing(ws: Any) -> None:
    ws.task_queues.create(friendly_name="Sales")
    support = ws.task_queues.create(friendly_name="Support", target_workers="1==1")
    with pytest.raises(TwilioRestException) as caught:
        ws.task_queues(support.sid).update(friendly_name="Sales", target_workers="skills HAS 'x'")
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert ws.task_queues(support.sid).fetch().target_workers == "1==1"


def test_a_queue_keeps_its_own_name_on_update(ws: Any) -> None:
    sales = ws.task_queues.create(friendly_name="Sales")
    assert ws.task_queues(sales.sid).update(friendly_name="Sales", task_order="LIFO").task_order == "LIFO"


def test_the_same_queue_name_in_two_workspaces_is_allowed(client: Any, ws: Any) -> None:
    other = client.taskrouter.v1.workspaces.create(friendly_name="Other")
    ws.task_queues.create(friendly_name="Sales")
    assert client.taskrouter.v1.workspaces(other.sid).task_queues.create(friendly_name="Sales").sid.startswith("WQ")


def test_a_deleted_queues_name_can_be_used_again(ws: Any) -> None:
    sales = ws.task_queues.create(friendly_name="Sales")
    ws.task_queues(sales.sid).delete()
    assert ws.task_queues.create(friendly_name="Sales").sid != sales.sid


def test_a_second_workflow_with_the_same_name_is_400_20001(ws: Any, workspace: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Sales")
    ws.workflows.create(friendly_name="Routing", configuration=default_to(queue.sid))
    with pytest.raises(TwilioRestException) as caught:
        ws.workflows.create(friendly_name="Routing", configuration=default_to(queue.sid))
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert f"Workflow named Routing already exists for workspace {workspace.sid}" in caught.value.msg
    assert len(ws.workflows.list(friendly_name="Routing")) == 1


def test_renaming_a_workflow_to_another_workflows_name_is_refused(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Sales")
    ws.workflows.create(friendly_name="Routing", configuration=default_to(queue.sid))
    other = ws.workflows.create(friendly_name="Night routing", configuration=default_to(queue.sid))
    with pytest.raises(TwilioRestException) as caught:
        ws.workflows(other.sid).update(friendly_name="Routing")
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert ws.workflows(other.sid).fetch().friendly_name == "Night routing"


def test_a_second_activity_with_the_same_name_is_400_20001(ws: Any, workspace: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        ws.activities.create(friendly_name="Offline", available=False)  # every new workspace has it
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert f"Activity named Offline already exists for workspace {workspace.sid}" in caught.value.msg
    assert len(ws.activities.list(friendly_name="Offline")) == 1


def test_renaming_an_activity_to_another_activitys_name_is_refused(ws: Any) -> None:
    lunch = ws.activities.create(friendly_name="Lunch", available=False)
    with pytest.raises(TwilioRestException) as caught:
        ws.activities(lunch.sid).update(friendly_name="Available")
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert ws.activities(lunch.sid).fetch().friendly_name == "Lunch"


def test_refused_duplicates_leave_the_state_file_as_the_account_and_hold_after_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, state_file=state_file) as running:
        sdk = checked_client(EmulatorHandle(base_url=running.base_url))
        ws = sdk.taskrouter.v1.workspaces(sdk.taskrouter.v1.workspaces.list()[0].sid)
        ws.task_queues.create(friendly_name="Sales")
        support = ws.task_queues.create(friendly_name="Support")
        with pytest.raises(TwilioRestException):
            ws.task_queues.create(friendly_name="Sales")
        with pytest.raises(TwilioRestException):
            ws.task_queues(support.sid).update(friendly_name="Sales")
        assert saved_state(state_file) == running.api.state_data()
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, state_file=state_file) as restarted:
        sdk = checked_client(EmulatorHandle(base_url=restarted.base_url))
        ws = sdk.taskrouter.v1.workspaces(sdk.taskrouter.v1.workspaces.list()[0].sid)
        assert sorted(q.friendly_name for q in ws.task_queues.list()) == ["Everyone", "Sales", "Support"]
        with pytest.raises(TwilioRestException) as caught:
            ws.task_queues.create(friendly_name="Support")
        assert caught.value.code == 20001
