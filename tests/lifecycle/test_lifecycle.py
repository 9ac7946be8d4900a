"""Whole lifecycles of the lifecycle program: the SDK's provider server against the emulator, no CLI."""

import base64
import json
from collections.abc import Sequence

import pytest

from components.providers.base import canonical
from flexctl.local_engine import EngineError, Step
from tests.lifecycle.conftest import Stack

FLEX_DEFAULTS = {"flex-workspace", "everyone", "voice", "offline", "assign-to-anyone"}
CREATED = {"lunch", "callback", "support", "support-workflow", "ivr", "main-number", "sms-address"}


def named(steps: Sequence[Step]) -> dict[str, str]:
    """Resource name -> what the engine did to it."""
    return {step.urn.rsplit("::", 1)[-1]: step.op for step in steps}


def test_first_up_creates_everything_and_adopts_flex_defaults(stack: Stack) -> None:
    steps = stack.engine.up()

    assert named(steps) == dict.fromkeys(FLEX_DEFAULTS | CREATED, "create")
    adopted = {r.name for r in stack.engine.state.values() if r.outputs.get("adopted")}
    assert adopted == FLEX_DEFAULTS
    tr = stack.client.taskrouter.v1
    assert [w.friendly_name for w in tr.workspaces.list()].count("Flex Task Assignment") == 1
    workspace = stack.output("flex-workspace", "sid")
    assert [q.friendly_name for q in tr.workspaces(workspace).task_queues.list()].count("Everyone") == 1
    assert [c.unique_name for c in tr.workspaces(workspace).task_channels.list()].count("voice") == 1


def test_second_up_with_nothing_changed_writes_nothing(stack: Stack) -> None:
    stack.engine.up()
    flow = stack.output("ivr", "sid")
    stack.emulator.reset_log()

    steps = stack.engine.up()

    assert set(named(steps).values()) == {"same"}
    assert stack.writes() == []
    assert stack.client.studio.v2.flows(flow).fetch().revision == 1


def test_one_changed_widget_is_exactly_one_flow_update(stack: Stack) -> None:
    stack.engine.up()
    flow = stack.output("ivr", "sid")
    stack.emulator.reset_log()
    stack.set("greeting", "Hello from the new greeting.")

    steps = stack.engine.up()

    assert [op for op in named(steps).values() if op != "same"] == ["update"]
    assert named(steps)["ivr"] == "update"
    assert [(w["method"], w["path"].split("?")[0]) for w in stack.writes()] == [("POST", f"/studio/v2/Flows/{flow}")]
    live = stack.client.studio.v2.flows(flow).fetch()
    assert live.revision == 2
    assert any(s.get("properties", {}).get("say") == "Hello from the new greeting." for s in live.definition["states"])


def test_one_changed_queue_is_exactly_one_queue_update(stack: Stack) -> None:
    stack.engine.up()
    queue = stack.output("support", "sid")
    stack.emulator.reset_log()
    stack.set("supportMaxReserved", "3")

    steps = stack.engine.up()

    assert {name: op for name, op in named(steps).items() if op != "same"} == {"support": "update"}
    assert len(stack.writes()) == 1
    assert stack.writes()[0]["path"].endswith(f"/TaskQueues/{queue}")
    workspace = stack.output("flex-workspace", "sid")
    assert stack.client.taskrouter.v1.workspaces(workspace).task_queues(queue).fetch().max_reserved_workers == 3


def test_console_edit_shows_on_refresh_and_next_up_puts_the_program_back(stack: Stack) -> None:
    stack.engine.up()
    flow_sid = stack.output("ivr", "sid")
    flows = stack.client.studio.v2.flows
    original = flows(flow_sid).fetch().definition
    edited = json.loads(json.dumps(original))
    next(state for state in edited["states"] if state["name"] == "greet")["properties"]["say"] = "Edited in the console"
    flows(flow_sid).update(status="published", definition=edited)

    refreshed = {s.urn.rsplit("::", 1)[-1]: s for s in stack.engine.refresh()}

    assert refreshed["ivr"].op == "drift"
    assert "definition" in refreshed["ivr"].detail
    assert {name for name, s in refreshed.items() if s.op == "drift"} == {"ivr"}
    stack.emulator.reset_log()
    steps = stack.engine.up()
    assert {name: op for name, op in named(steps).items() if op != "same"} == {"ivr": "update"}
    assert len(stack.writes()) == 1
    assert canonical(flows(flow_sid).fetch().definition) == canonical(original)


def test_destroy_removes_what_it_created_and_leaves_flex_and_numbers_as_they_were(stack: Stack) -> None:
    api = stack.client.api.v2010.accounts(stack.emulator.account_sid).incoming_phone_numbers
    before = {n.phone_number: (n.sid, n.voice_url, n.voice_method, n.sms_url) for n in api.list()}
    stack.engine.up()
    workspace = stack.output("flex-workspace", "sid")
    created = {name: stack.output(name, "sid") for name in ("lunch", "callback", "support", "support-workflow")}

    stack.engine.destroy()

    tr = stack.client.taskrouter.v1.workspaces(workspace)
    assert stack.engine.state == {}
    assert stack.client.studio.v2.flows.list() == []
    assert created["lunch"] not in {a.sid for a in tr.activities.list()}
    assert created["callback"] not in {c.sid for c in tr.task_channels.list()}
    assert [q.friendly_name for q in tr.task_queues.list()] == ["Everyone"]
    assert [w.friendly_name for w in tr.workflows.list()] == ["Assign to Anyone"]
    assert {a.friendly_name for a in tr.activities.list()} >= {"Offline", "Available", "Unavailable", "Break"}
    assert stack.client.conversations.v1.address_configurations.list() == []
    after = {n.phone_number: (n.sid, n.voice_url, n.voice_method, n.sms_url) for n in api.list()}
    assert canonical(after) == canonical(before)


def test_no_credential_in_any_serialized_provider_or_the_state(stack: Stack) -> None:
    stack.engine.up()
    token = stack.emulator.auth_token
    state = json.dumps([(r.inputs, r.outputs) for r in stack.engine.state.values()])
    assert token not in state
    blobs = {r.outputs["__provider"] for r in stack.engine.state.values()}
    assert blobs
    for blob in blobs:
        assert token.encode() not in base64.b64decode(blob)


def test_preview_from_empty_plans_every_create_without_writing(stack: Stack) -> None:
    stack.emulator.reset_log()

    steps = stack.engine.up(preview=True)

    assert named(steps) == dict.fromkeys(FLEX_DEFAULTS | CREATED, "create")
    assert stack.writes() == []
    assert stack.engine.state == {}


def test_rate_limits_and_server_errors_are_retried_through_the_whole_stack(stack: Stack) -> None:
    stack.emulator.inject_fault(status=429, count=2, retry_after="0")

    steps = stack.engine.up()

    assert set(named(steps).values()) == {"create"}
    assert [r["status"] for r in stack.emulator.requests()][:2] == [429, 429]
    stack.emulator.inject_fault(status=503, count=1, retry_after="0")
    stack.set("greeting", "After a 503")
    assert named(stack.engine.up())["ivr"] == "update"


def test_changing_an_immutable_field_replaces_the_object_deleting_it_first(stack: Stack) -> None:
    stack.engine.up()
    old_sid = stack.output("lunch", "sid")
    stack.emulator.reset_log()
    stack.set("lunchAvailable", "true")

    steps = stack.engine.up()

    assert {name: op for name, op in named(steps).items() if op != "same"} == {"lunch": "replace"}
    new_sid = stack.output("lunch", "sid")
    assert new_sid != old_sid
    methods = [r["method"] for r in stack.writes()]
    assert methods == ["DELETE", "POST"]
    workspace = stack.output("flex-workspace", "sid")
    lunch = stack.client.taskrouter.v1.workspaces(workspace).activities(new_sid).fetch()
    assert lunch.available is True


def test_bad_input_fails_with_the_reason_and_deploys_nothing(stack: Stack) -> None:
    stack.set("supportMaxReserved", "99")

    with pytest.raises(EngineError, match="max_reserved_workers"):
        stack.engine.up()

    assert stack.writes() == []
    assert stack.engine.state == {}


def test_provider_errors_reach_the_user_with_twilios_code(stack: Stack) -> None:
    stack.engine.up()
    stack.client.studio.v2.flows(stack.output("ivr", "sid")).delete()  # gone behind Pulumi's back
    stack.set("greeting", "Nobody will hear this")

    expected = r"StudioFlow 'Lifecycle IVR': update failed: Twilio error 20404(.|\n)*refresh"
    with pytest.raises(EngineError, match=expected):
        stack.engine.up()
