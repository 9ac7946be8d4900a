"""Whole lifecycles of the lifecycle program on the real Pulumi engine, against the emulator.

Each assertion reads the emulator's request log and the stack's exported state.
"""

from __future__ import annotations

import base64
import json

import pytest

from components.providers.base import canonical
from flexctl.engine import EngineError
from tests.lifecycle.conftest import Stack

FLEX_DEFAULTS = {"flex-workspace", "everyone", "voice", "offline", "assign-to-anyone"}
CREATED = {"lunch", "callback", "support", "support-workflow", "ivr", "main-number", "sms-address"}


def test_first_up_creates_everything_and_adopts_flex_defaults_then_an_unchanged_program_is_a_no_op(
    stack: Stack,
) -> None:
    stack.emulator.inject_fault(status=429, count=2, retry_after="0")  # rate limits, retried through the stack

    outcome = stack.engine.up()

    assert outcome.changed() == dict.fromkeys(FLEX_DEFAULTS | CREATED, "create")
    assert [r["status"] for r in stack.emulator.requests()][:2] == [429, 429]
    adopted = {name for name in FLEX_DEFAULTS | CREATED if stack.outputs(name).get("adopted")}
    assert adopted == FLEX_DEFAULTS
    tr = stack.client.taskrouter.v1
    assert [w.friendly_name for w in tr.workspaces.list()].count("Flex Task Assignment") == 1
    workspace = stack.sid("flex-workspace")
    assert [q.friendly_name for q in tr.workspaces(workspace).task_queues.list()].count("Everyone") == 1
    assert [c.unique_name for c in tr.workspaces(workspace).task_channels.list()].count("voice") == 1

    # No credential in any resource or provider blob; a blob names its provider class by module path.
    token = stack.emulator.auth_token
    resources = stack.engine.resources()
    assert token not in json.dumps(resources)
    blobs = {r["outputs"]["__provider"] for r in resources}
    assert blobs
    for blob in blobs:
        assert token.encode() not in base64.b64decode(blob)
    support_blob = base64.b64decode(stack.outputs("support")["__provider"])
    assert b"components.providers.taskrouter" in support_blob
    assert b"TaskQueueProvider" in support_blob
    assert len(support_blob) < 200

    # The program unchanged: preview and up are no-ops.
    flow = stack.sid("ivr")
    stack.emulator.reset_log()

    preview = stack.engine.preview(expect_no_changes=True)
    assert stack.calls() == []  # a preview makes no Twilio call at all
    up = stack.engine.up(expect_no_changes=True)

    assert preview.changed() == {}
    assert up.changed() == {}
    assert stack.writes() == []
    assert stack.client.studio.v2.flows(flow).fetch().revision == 1


@pytest.mark.parametrize(
    ("knob", "value", "resource", "path"),
    [
        ("greeting", "Hello from the new greeting.", "ivr", "/studio/v2/Flows/"),
        ("supportMaxReserved", "3", "support", "/TaskQueues/"),
        ("eventCallbackUrl", "https://example.com/events", "flex-workspace", "/taskrouter/v1/Workspaces/"),
    ],
)
def test_one_change_previews_exactly_the_steps_up_runs_even_protected(
    stack: Stack, knob: str, value: str, resource: str, path: str
) -> None:
    # Protection turns any previewed replacement into a failed `up`, so this also proves there is none.
    stack.set(protect="true")
    stack.engine.up()
    sid = stack.sid(resource)
    stack.set(**{knob: value})
    stack.emulator.reset_log()

    preview = stack.engine.preview()
    assert stack.calls() == []
    up = stack.engine.up()

    assert preview.changed() == up.changed() == {resource: "update"}
    writes = stack.writes()
    assert len(writes) == 1
    assert path in writes[0]["path"]
    assert sid in writes[0]["path"]
    if resource == "ivr":  # a changed widget is one new flow revision
        live = stack.client.studio.v2.flows(sid).fetch()
        assert live.revision == 2
        assert any(s.get("properties", {}).get("say") == value for s in live.definition["states"])


def test_preview_from_empty_with_sids_made_in_the_same_run_plans_every_create(stack: Stack) -> None:
    stack.emulator.reset_log()

    outcome = stack.engine.preview()

    assert outcome.changed() == dict.fromkeys(FLEX_DEFAULTS | CREATED, "create")
    assert stack.calls() == []
    assert stack.engine.resources() == []


def test_preview_with_an_unknown_number_and_name_passes(stack: Stack) -> None:
    stack.set(unknownInputs="true")

    outcome = stack.engine.preview()

    assert outcome.changed()["main-number"] == "create"
    assert outcome.changed()["sms-address"] == "create"
    stack.engine.up()
    assert stack.outputs("main-number")["phone_number"] == stack.emulator.phone_numbers[0]


def test_refresh_finds_no_drift_on_a_clean_stack_and_a_console_edit_otherwise(stack: Stack) -> None:
    stack.engine.up()
    stack.engine.refresh(preview_only=True, expect_no_changes=True)
    flow_sid = stack.sid("ivr")
    flows = stack.client.studio.v2.flows
    original = flows(flow_sid).fetch().definition
    edited = json.loads(json.dumps(original))
    next(state for state in edited["states"] if state["name"] == "greet")["properties"]["say"] = "Edited in the console"
    flows(flow_sid).update(status="published", definition=edited)

    with pytest.raises(EngineError):
        stack.engine.refresh(preview_only=True, expect_no_changes=True)
    refreshed = stack.engine.refresh()
    assert refreshed.changed() == {"ivr": "drift"}
    stack.emulator.reset_log()
    assert stack.engine.up().changed() == {"ivr": "update"}
    assert len(stack.writes()) == 1
    assert canonical(flows(flow_sid).fetch().definition) == canonical(original)


def test_replacements_delete_first_move_dependents_and_lose_nothing(stack: Stack) -> None:
    stack.engine.up()

    # An immutable field (an activity's availability): replaced, deleting first; the queue follows.
    old_sid = stack.sid("lunch")
    stack.set(lunchAvailable="true")
    stack.emulator.reset_log()

    preview = stack.engine.preview()
    up = stack.engine.up()

    assert preview.changed()["lunch"] == up.changed()["lunch"] == "replace"
    assert up.changed().get("support") == "update"  # the queue follows the new activity
    new_sid = stack.sid("lunch")
    assert new_sid != old_sid
    lunch_writes = [(w["method"], w["path"]) for w in stack.writes() if "/Activities" in w["path"]]
    assert [method for method, _ in lunch_writes] == ["DELETE", "POST"]
    workspace = stack.client.taskrouter.v1.workspaces(stack.sid("flex-workspace"))
    assert workspace.activities(new_sid).fetch().available is True
    assert workspace.task_queues(stack.sid("support")).fetch().reservation_activity_sid == new_sid
    assert not stack.outputs("lunch").get("adopted")

    # A field under replace_on_changes with a new queue name, and an immutable address type.
    stack.set(supportTargets="routing.skills HAS 'billing'", supportFriendlyName="Billing", smsAddressType="whatsapp")
    outcome = stack.engine.up()
    assert outcome.changed()["support"] == "replace"
    assert outcome.changed()["sms-address"] == "replace"
    stack.engine.preview(expect_no_changes=True)

    # A rename without an alias, the queue's name kept: the engine creates the replacement first, which
    # Twilio refuses (queue names are unique in a workspace); the message says to alias it, nothing is lost.
    stack.set(supportName="support-renamed")
    with pytest.raises(EngineError, match=r"aliases=\[pulumi\.Alias\(name=\\?\"<old name>\\?\"\)\]"):
        stack.engine.up()
    assert [q.friendly_name for q in workspace.task_queues.list()].count("Billing") == 1
    stack.set(supportName="support")
    stack.engine.preview(expect_no_changes=True)

    stack.engine.destroy()
    assert_account_is_back_to_flex_defaults(stack)


def test_up_replace_keeps_state_true(stack: Stack) -> None:
    stack.engine.up()

    for resource in ("sms-address", "main-number"):
        stack.engine.up(replace=[stack.engine.state_of(resource)["urn"]])

        assert not stack.outputs(resource).get("adopted"), resource
        stack.engine.preview(expect_no_changes=True)
    # A queue cannot be replaced under its own name (Twilio keeps it unique): refused, with the fix, and kept.
    support = stack.sid("support")
    with pytest.raises(EngineError, match="Twilio keeps TaskQueue names unique"):
        stack.engine.up(replace=[stack.engine.state_of("support")["urn"]])
    assert stack.sid("support") == support
    stack.engine.preview(expect_no_changes=True)
    stack.engine.destroy()
    assert_account_is_back_to_flex_defaults(stack)


def assert_account_is_back_to_flex_defaults(stack: Stack) -> None:
    tr = stack.client.taskrouter.v1
    workspaces = tr.workspaces.list()
    assert [w.friendly_name for w in workspaces] == ["Flex Task Assignment"]
    workspace = tr.workspaces(workspaces[0].sid)
    assert [q.friendly_name for q in workspace.task_queues.list()] == ["Everyone"]
    assert [w.friendly_name for w in workspace.workflows.list()] == ["Assign to Anyone"]
    assert "Lunch" not in {a.friendly_name for a in workspace.activities.list()}
    assert "callback" not in {c.unique_name for c in workspace.task_channels.list()}
    assert stack.client.studio.v2.flows.list() == []
    assert stack.client.conversations.v1.address_configurations.list() == []


def test_destroy_gives_the_account_back_as_it_was_deleting_dependents_first(stack: Stack) -> None:
    tr = stack.client.taskrouter.v1
    api = stack.client.api.v2010.accounts(stack.emulator.account_sid).incoming_phone_numbers
    numbers_before = {n.phone_number: (n.voice_url, n.voice_method, n.sms_url, n.sms_method) for n in api.list()}
    workspace_before = tr.workspaces.list()[0]
    everyone_before = next(q for q in tr.workspaces(workspace_before.sid).task_queues.list())
    stack.set(eventCallbackUrl="https://example.com/events")
    stack.engine.up()
    stack.emulator.reset_log()

    outcome = stack.engine.destroy()

    assert set(outcome.steps.values()) == {"delete"}
    deletes = [w["path"] for w in stack.writes() if w["method"] == "DELETE"]
    order = [next(kind for kind in ("Flows", "TaskQueues", "Workflows", "Activities") if kind in p) for p in deletes
             if any(kind in p for kind in ("Flows", "TaskQueues", "Workflows", "Activities"))]
    assert order.index("Flows") < order.index("Workflows") < order.index("TaskQueues") < order.index("Activities")
    assert stack.engine.resources() == []
    assert_account_is_back_to_flex_defaults(stack)
    workspace = tr.workspaces(workspace_before.sid).fetch()
    assert (workspace.event_callback_url or None) == (workspace_before.event_callback_url or None)  # unset
    everyone = tr.workspaces(workspace_before.sid).task_queues(everyone_before.sid).fetch()
    assert everyone.max_reserved_workers == everyone_before.max_reserved_workers
    numbers_after = {n.phone_number: (n.voice_url, n.voice_method, n.sms_url, n.sms_method) for n in api.list()}
    assert numbers_after == numbers_before


def test_protect_blocks_destroy_and_retain_on_delete_keeps_the_object(stack: Stack) -> None:
    stack.set(protect="true")
    stack.engine.up()
    stack.emulator.reset_log()
    with pytest.raises(EngineError, match="protected"):
        stack.engine.destroy()
    assert stack.writes() == []

    stack.set(protect="false", retainSupport="true")
    stack.engine.up()
    support = stack.sid("support")
    stack.engine.destroy()

    workspace = stack.client.taskrouter.v1.workspaces(stack.client.taskrouter.v1.workspaces.list()[0].sid)
    assert support in {q.sid for q in workspace.task_queues.list()}


def test_provider_errors_reach_the_user_with_twilios_code_and_what_to_do(stack: Stack) -> None:
    stack.engine.up()
    stack.client.studio.v2.flows(stack.sid("ivr")).delete()  # gone behind Pulumi's back
    stack.set(greeting="Nobody will hear this")

    with pytest.raises(EngineError, match=r"StudioFlow 'Lifecycle IVR': update failed: Twilio error 20404"):
        stack.engine.up()

    done = stack.engine.cli("up", "--yes", "--stack", "local")  # the CLI's output, as users read it
    assert done.returncode != 0
    assert "Twilio error 20404" in done.stdout
    assert "pulumi refresh" in done.stdout
    # what refresh does, in words: it reads, forgets what is gone, writes nothing; up then makes it again
    assert "drops the ones that are gone from the stack's state, writing nothing to Twilio" in done.stdout


def test_many_creates_at_once_all_land_exactly_once(stack: Stack) -> None:
    stack.set(extraQueues="16")

    stack.engine.up()

    workspace = stack.client.taskrouter.v1.workspaces(stack.sid("flex-workspace"))
    names = [q.friendly_name for q in workspace.task_queues.list()]
    assert sorted(n for n in names if n.startswith("Extra ")) == sorted(f"Extra {i}" for i in range(16))
