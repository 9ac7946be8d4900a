"""The dynamic-provider contract on the real engine, for every resource kind, through outputs that go unknown.

The lifecycle program wires every dependent by ``.id``, which a preview keeps known. This program (written
into the project copy by the test) wires them by *outputs* instead (``workspace.sid``, ``queue.sid``,
``flow.sid``, ``flow.webhook_url``), which the real engine leaves unknown in the preview of an update of the
resource they come from. So it proves, on the engine itself: a value that is merely unknown is previewed as at
most an update (never a replacement, even of a ``workspace_sid`` or ``phone_number``-style input that does
replace when it really changes), the ``up`` that follows writes only the changed object, and an unchanged
program is a no-op. And for each kind: a console edit shows on ``refresh`` as drift of exactly that resource,
and one ``up`` puts the program's value back with one write; no update or read drops an output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from components.providers.base import canonical
from flexctl.engine import EngineError
from tests.emulator.support import EmulatorHandle
from tests.lifecycle.conftest import Stack, copy_project, local_stack

PROGRAM = '''
import pulumi

import studio
from components.resources import (
    Activity, ConversationsAddress, PhoneNumberBinding, StudioFlow, TaskChannel, TaskQueue, TaskRouterWorkflow,
    Workspace,
)

config = pulumi.Config("lifecycle")
numbers = config.require_object("phoneNumbers")

workspace = Workspace("ws", friendly_name="Contract workspace", event_callback_url=config.get("callbackUrl"))
activity = Activity("act", workspace_sid=workspace.sid, friendly_name="Contract", available=True)
channel = TaskChannel("chan", workspace_sid=workspace.sid, unique_name="contract", friendly_name="Contract")
queue = TaskQueue(
    "queue", workspace_sid=workspace.sid, friendly_name="Contract", reservation_activity_sid=activity.sid,
    max_reserved_workers=config.get_int("maxReserved") or 1,
)
workflow = TaskRouterWorkflow(
    "workflow", workspace_sid=workspace.sid, friendly_name="Contract routing",
    configuration=queue.sid.apply(lambda sid: {"task_routing": {"filters": [], "default_filter": {"queue": sid}}}),
)

WORKFLOW, CHANNEL = studio.Parameter("WORKFLOW"), studio.Parameter("CHANNEL")
with studio.Flow("Contract IVR") as ivr:
    trigger = studio.Trigger()
    greet = studio.SayPlay("greet", say=config.get("greeting") or "Hello.", loop=1)
    to_agent = studio.SendToFlex("to_agent", workflow=WORKFLOW, channel=CHANNEL, attributes='{"type": "inbound"}')
    trigger.on_incoming_call >> greet >> to_agent
    trigger.on("incomingMessage") >> to_agent
flow = StudioFlow(
    "flow", friendly_name="Contract IVR",
    definition=pulumi.Output.all(WORKFLOW=workflow.sid, CHANNEL=channel.sid).apply(ivr.to_json),
)
PhoneNumberBinding("number", phone_number=numbers[0], webhook_url=flow.webhook_url, voice=True)
ConversationsAddress("address", address=numbers[1], flow_sid=flow.sid, friendly_name="Contract", retry_count=1)
'''
ALL = {"ws", "act", "chan", "queue", "workflow", "flow", "number", "address"}


@pytest.fixture
def stack(emulator: EmulatorHandle, tmp_path: Path) -> Stack:
    project = copy_project(tmp_path / "project", None)
    (project / "__main__.py").write_text(PROGRAM)
    return Stack(local_stack(project, tmp_path / "state", emulator), emulator)


def outputs_of_all(stack: Stack) -> dict[str, set[str]]:
    """Each resource's output names (those with a value), from the stack's state."""
    return {name: {key for key, value in stack.outputs(name).items() if value is not None} for name in ALL}


def assert_no_op(stack: Stack) -> None:
    stack.emulator.reset_log()
    assert stack.engine.preview(expect_no_changes=True).changed() == {}
    assert stack.engine.up(expect_no_changes=True).changed() == {}
    assert stack.writes() == []


@pytest.mark.parametrize(
    ("knob", "value", "changed", "path", "unknown"),
    [
        # The workspace is updated: every child's workspace_sid (a replacing input) is unknown in the preview.
        ("callbackUrl", "https://example.com/events", "ws", "/taskrouter/v1/Workspaces/", ALL - {"ws"}),
        # The queue is updated: the workflow's configuration, then the flow's definition, are unknown.
        ("maxReserved", "3", "queue", "/TaskQueues/", {"workflow", "flow", "number", "address"}),
        # The flow is updated: the number's webhook and the address's flow are unknown.
        ("greeting", "Hello again.", "flow", "/studio/v2/Flows/", {"number", "address"}),
    ],
)
def test_an_input_unknown_in_a_preview_is_at_most_an_update_and_up_writes_only_the_change(
    stack: Stack, knob: str, value: str, changed: str, path: str, unknown: set[str]
) -> None:
    stack.engine.up()
    created = outputs_of_all(stack)
    sids = {name: stack.sid(name) for name in ALL}
    assert_no_op(stack)
    stack.set(**{knob: value})
    stack.emulator.reset_log()

    preview = stack.engine.preview()
    assert stack.calls() == []  # a preview asks Twilio nothing
    up = stack.engine.up()

    # The dependents whose inputs are unknown in the preview: updates at most, never replacements.
    assert preview.changed() == dict.fromkeys(unknown | {changed}, "update")
    assert up.changed() == {changed: "update"}  # once known, they did not change
    writes = stack.writes()
    assert [(w["method"], path in w["path"]) for w in writes] == [("POST", True)]
    assert {name: stack.sid(name) for name in ALL} == sids
    expected = {**created, "ws": created["ws"] | {"event_callback_url"}} if changed == "ws" else created
    assert outputs_of_all(stack) == expected  # an update drops no output
    assert_no_op(stack)


def console_edits(stack: Stack) -> None:
    """One edit outside Pulumi to each kind, as a person would make in the Twilio console."""
    twilio = stack.client
    workspace = twilio.taskrouter.v1.workspaces(stack.sid("ws"))
    workspace.update(friendly_name="Console workspace")
    workspace.activities(stack.sid("act")).update(friendly_name="Console activity")
    workspace.task_channels(stack.sid("chan")).update(friendly_name="Console channel")
    workspace.task_queues(stack.sid("queue")).update(max_reserved_workers=7)
    workspace.workflows(stack.sid("workflow")).update(friendly_name="Console routing")
    twilio.studio.v2.flows(stack.sid("flow")).update(status="published", friendly_name="Console IVR")
    numbers = twilio.api.v2010.accounts(stack.emulator.account_sid).incoming_phone_numbers
    numbers(stack.sid("number")).update(voice_url="https://example.com/elsewhere")
    twilio.conversations.v1.address_configurations(stack.sid("address")).update(friendly_name="Console address")


def test_a_console_edit_to_each_kind_is_drift_on_refresh_and_one_up_puts_it_back(stack: Stack) -> None:
    stack.engine.up()
    created = outputs_of_all(stack)
    stack.emulator.reset_log()
    assert stack.engine.refresh(preview_only=True, expect_no_changes=True).changed() == {}  # clean: no drift
    assert stack.writes() == []
    console_edits(stack)

    with pytest.raises(EngineError):
        stack.engine.refresh(preview_only=True, expect_no_changes=True)
    refreshed = stack.engine.refresh()

    assert refreshed.changed() == dict.fromkeys(ALL, "drift")
    assert stack.outputs("queue")["max_reserved_workers"] == 7
    assert stack.outputs("number")["voice"] is False
    assert outputs_of_all(stack) == created  # a read drops no output
    stack.emulator.reset_log()
    up = stack.engine.up()
    assert up.changed() == dict.fromkeys(ALL, "update")
    assert len(stack.writes()) == len(ALL)  # one write each puts the program's value back
    workspace = stack.client.taskrouter.v1.workspaces(stack.sid("ws"))
    assert workspace.fetch().friendly_name == "Contract workspace"
    assert workspace.task_queues(stack.sid("queue")).fetch().max_reserved_workers == 1
    number = stack.client.api.v2010.accounts(stack.emulator.account_sid).incoming_phone_numbers(stack.sid("number"))
    assert number.fetch().voice_url == stack.outputs("flow")["webhook_url"]
    assert canonical(outputs_of_all(stack)) == canonical(created)
    stack.engine.refresh(preview_only=True, expect_no_changes=True)
    assert_no_op(stack)


def test_a_callback_removed_from_the_program_is_cleared_in_twilio_and_stays_a_no_op(stack: Stack) -> None:
    stack.set(callbackUrl="https://example.com/events")
    stack.engine.up()
    stack.engine.stack.remove_config("lifecycle:callbackUrl")  # the line is deleted from the program's config
    stack.emulator.reset_log()

    assert stack.engine.up().changed() == {"ws": "update"}

    assert len(stack.writes()) == 1
    assert not stack.client.taskrouter.v1.workspaces(stack.sid("ws")).fetch().event_callback_url
    stack.engine.refresh(preview_only=True, expect_no_changes=True)  # the state says what Twilio holds
    assert_no_op(stack)
