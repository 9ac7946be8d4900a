"""The dynamic-provider contract, clause by clause, for every resource kind, against the emulator.

One table (``KINDS``) says, for each kind, what the program asks for, one change the program makes and one
change made outside Pulumi (the console). Each test then holds a clause for every kind alike:

* create, read and update give one set of outputs (a refresh of a clean object shows nothing; an update
  drops no output, and what it returns is what Twilio holds, as a read then says);
* read really reads: a console change comes back as the live value, and diff calls it a change, not a
  replacement;
* a provider that has made calls (credentials configured, listings kept) still pickles to the same
  reference-only blob, with no credential in it;
* a delete whose answer was lost is sent again without harm (the account stays as the first left it);
* check never fails on one unknown input among known ones;
* one provider instance takes the server's four concurrent calls (creates, reads, updates, deletes).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from components.providers.base import CHANGED, TwilioProvider, canonical
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from tests.emulator.support import MINIMAL_FLOW, EmulatorHandle
from tests.providers.support import client, connected, fault_first, flex_workspace_sid, through_the_wire

UNKNOWN = Unknown()  # type: ignore[no-untyped-call]
HOOK = "https://webhooks.twilio.com/v1/Accounts/AC1/Flows/FW1"


@dataclass(frozen=True)
class Kind:
    """One resource kind: its provider, its inputs on a fresh account, a change by the program, one outside."""

    provider: type[TwilioProvider]
    inputs: Callable[[EmulatorHandle], dict[str, Any]]
    change: dict[str, Any]  # the program's next inputs differ by these
    console: Callable[[Any, str, dict[str, Any]], None]  # (client, sid, inputs): an edit outside Pulumi
    drifted: dict[str, Any]  # the inputs a read then gives back for it


def _everyone(emulator: EmulatorHandle) -> str:
    queues = client(emulator).taskrouter.v1.workspaces(flex_workspace_sid(emulator)).task_queues.list()
    return str(next(q.sid for q in queues if q.friendly_name == "Everyone"))


def _flow(emulator: EmulatorHandle) -> str:
    flows = client(emulator).studio.v2.flows
    return str(flows.create(friendly_name="Target", status="published", definition=MINIMAL_FLOW).sid)


def _routing(queue: str) -> dict[str, Any]:
    return {"task_routing": {"filters": [], "default_filter": {"queue": queue}}}


def _in_workspace(twilio: Any, sid: str, inputs: dict[str, Any], collection: str) -> Any:
    return getattr(twilio.taskrouter.v1.workspaces(inputs["workspace_sid"]), collection)(sid)

KINDS: dict[str, Kind] = {
    "StudioFlow": Kind(
        StudioFlowProvider,
        lambda e: {"friendly_name": "Contract flow", "definition": MINIMAL_FLOW, "status": "published",
                   "commit_message": "first"},
        {"friendly_name": "Contract flow, renamed"},
        lambda c, sid, i: c.studio.v2.flows(sid).update(status="published", friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
    "Workspace": Kind(
        WorkspaceProvider,
        lambda e: {"friendly_name": "Contract workspace"},
        {"event_callback_url": "https://example.com/events"},
        lambda c, sid, i: c.taskrouter.v1.workspaces(sid).update(friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
    "Activity": Kind(
        ActivityProvider,
        lambda e: {"workspace_sid": flex_workspace_sid(e), "friendly_name": "Contract", "available": True},
        {"friendly_name": "Contract, renamed"},
        lambda c, sid, i: _in_workspace(c, sid, i, "activities").update(friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
    "TaskChannel": Kind(
        TaskChannelProvider,
        lambda e: {"workspace_sid": flex_workspace_sid(e), "unique_name": "contract", "friendly_name": "Contract"},
        {"friendly_name": "Contract renamed"},
        lambda c, sid, i: _in_workspace(c, sid, i, "task_channels").update(friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
    "TaskQueue": Kind(
        TaskQueueProvider,
        lambda e: {"workspace_sid": flex_workspace_sid(e), "friendly_name": "Contract", "max_reserved_workers": 1},
        {"max_reserved_workers": 2},
        lambda c, sid, i: _in_workspace(c, sid, i, "task_queues").update(max_reserved_workers=5),
        {"max_reserved_workers": 5},
    ),
    "Workflow": Kind(
        WorkflowProvider,
        lambda e: {"workspace_sid": flex_workspace_sid(e), "friendly_name": "Contract",
                   "configuration": _routing(_everyone(e)), "task_reservation_timeout": 120},
        {"task_reservation_timeout": 60},
        lambda c, sid, i: _in_workspace(c, sid, i, "workflows").update(friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
    "PhoneNumberBinding": Kind(
        PhoneNumberBindingProvider,
        lambda e: {"phone_number": e.phone_numbers[0], "webhook_url": HOOK, "voice": True, "messaging": False},
        {"messaging": True},
        lambda c, sid, i: c.api.v2010.accounts(c.account_sid).incoming_phone_numbers(sid).update(
            voice_url="https://example.com/elsewhere"),
        {"voice": False},
    ),
    "ConversationsAddress": Kind(
        ConversationsAddressProvider,
        lambda e: {"address": e.phone_numbers[1], "address_type": "sms", "flow_sid": _flow(e),
                   "friendly_name": "Contract", "retry_count": 1},
        {"retry_count": 2},
        lambda c, sid, i: c.conversations.v1.address_configurations(sid).update(friendly_name="Console name"),
        {"friendly_name": "Console name"},
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest, emulator: EmulatorHandle) -> tuple[Kind, dict[str, Any]]:
    chosen = KINDS[request.param]
    return chosen, chosen.inputs(emulator)


def as_state(props: dict[str, Any] | None) -> dict[str, Any]:
    """Outputs as the engine stores them: through a protobuf Struct, with None values left out."""
    return {key: value for key, value in through_the_wire(props or {}).items() if value is not None}


def test_create_read_and_update_give_one_set_of_outputs(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle
) -> None:
    spec, inputs = kind
    provider = connected(spec.provider(), emulator)
    created = provider.create(inputs)
    state = as_state(created.outs)

    # A refresh of a clean object (the next command: a new provider process) finds nothing to change.
    read = connected(spec.provider(), emulator).read(created.id, state)
    assert read.id == created.id
    assert canonical(as_state(read.outs)) == canonical(state)
    assert connected(spec.provider(), emulator).diff(created.id, as_state(read.outs), inputs).changes is False

    # An update returns every output (none shows as removed) and what it returns is what Twilio holds.
    news = {**inputs, **spec.change}
    diff = provider.diff(created.id, state, news)
    assert (diff.changes, diff.replaces) == (CHANGED, [])
    updated = as_state(provider.update(created.id, state, news).outs)
    assert set(state) <= set(updated) <= set(state) | set(spec.change)
    assert all(canonical(updated[key]) == canonical(value) for key, value in spec.change.items())
    after = connected(spec.provider(), emulator).read(created.id, updated)
    assert canonical(as_state(after.outs)) == canonical(updated)
    assert connected(spec.provider(), emulator).diff(created.id, updated, news).changes is False


def test_read_really_reads_a_change_made_outside_pulumi(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle
) -> None:
    spec, inputs = kind
    created = connected(spec.provider(), emulator).create(inputs)
    spec.console(client(emulator), created.id, inputs)

    refresh = connected(spec.provider(), emulator)  # the next command: a new provider process
    read = refresh.read(created.id, as_state(created.outs))

    live = {key: (read.inputs or {})[key] for key in spec.drifted}
    assert canonical(live) == canonical(spec.drifted)
    assert all(canonical((read.outs or {})[key]) == canonical(value) for key, value in spec.drifted.items())
    diff = refresh.diff(created.id, as_state(read.outs), inputs)  # the next up puts the program's value back
    assert (diff.changes, diff.replaces) == (CHANGED, [])


def test_a_provider_that_made_calls_pickles_as_a_fresh_one_without_credentials(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle
) -> None:
    spec, inputs = kind
    provider = connected(spec.provider(), emulator)
    created = provider.create(inputs)
    provider.read(created.id, as_state(created.outs))

    blob = serialize_provider(provider)

    assert blob == serialize_provider(spec.provider())
    assert emulator.auth_token.encode() not in base64.b64decode(blob)


def test_a_delete_sent_again_after_a_lost_answer_is_harmless(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle
) -> None:
    spec, inputs = kind
    provider = connected(spec.provider(), emulator)
    created = provider.create(inputs)
    state = as_state(created.outs)
    provider.delete(created.id, state)
    account = emulator.state(comparable=True)

    connected(spec.provider(), emulator).delete(created.id, state)  # the engine's retry, in a new process

    assert emulator.state(comparable=True) == account


def test_check_never_fails_on_one_unknown_input_among_known_ones(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle
) -> None:
    spec, inputs = kind
    provider = connected(spec.provider(), emulator)
    emulator.reset_log()
    for key in provider.fields:
        news = {**inputs, key: UNKNOWN}
        assert (key, provider.check({}, news).failures) == (key, [])
        assert provider.diff("XX1", {**inputs, "account_sid": emulator.account_sid}, news).replaces == []
    assert emulator.requests() == []  # offline


@pytest.mark.parametrize(
    ("provider", "make", "key"),
    [
        (WorkspaceProvider, lambda e: {"friendly_name": "Contract workspace"}, "event_callback_url"),
        (WorkspaceProvider, lambda e: {"friendly_name": "Contract workspace"}, "events_filter"),
        (WorkflowProvider, lambda e: {"workspace_sid": flex_workspace_sid(e), "friendly_name": "Contract",
                                      "configuration": _routing(_everyone(e))}, "assignment_callback_url"),
        (WorkflowProvider, lambda e: {"workspace_sid": flex_workspace_sid(e), "friendly_name": "Contract",
                                      "configuration": _routing(_everyone(e))}, "fallback_assignment_callback_url"),
        (ConversationsAddressProvider, lambda e: {"address": e.phone_numbers[1], "address_type": "sms",
                                                  "flow_sid": _flow(e)}, "friendly_name"),
    ],
)
def test_a_callback_or_name_the_program_stops_setting_is_cleared_so_the_state_is_what_twilio_holds(
    provider: type[TwilioProvider], make: Callable[[EmulatorHandle], dict[str, Any]], key: str,
    emulator: EmulatorHandle,
) -> None:
    inputs = make(emulator)
    value = "workspace.activity.update" if key == "events_filter" else "https://example.com/callback"
    created = connected(provider(), emulator).create({**inputs, key: value})
    state = as_state(created.outs)

    updated = connected(provider(), emulator).update(created.id, state, inputs)  # the program no longer sets it

    read = connected(provider(), emulator).read(created.id, as_state(updated.outs))
    live = client(emulator).taskrouter.v1.workspaces
    instance = (live(created.id) if provider is WorkspaceProvider
                else client(emulator).conversations.v1.address_configurations(created.id)
                if provider is ConversationsAddressProvider
                else live(inputs["workspace_sid"]).workflows(created.id)).fetch()
    assert getattr(instance, key) in (None, "")  # Twilio no longer calls (or filters by) the old value
    assert canonical((updated.outs or {}).get(key)) in (None, "")
    assert connected(provider(), emulator).diff(created.id, as_state(read.outs), inputs).changes is False


# The kinds of which a program makes many, each with a distinct name (numbers and addresses: test_api_economy).
MANY = ("StudioFlow", "Workspace", "Activity", "TaskChannel", "TaskQueue", "Workflow")


@pytest.mark.parametrize("name", MANY)
def test_one_provider_takes_four_concurrent_calls_of_every_kind(name: str, emulator: EmulatorHandle) -> None:
    spec = KINDS[name]
    base = spec.inputs(emulator)
    label = "unique_name" if name == "TaskChannel" else "friendly_name"
    many = [{**base, label: f"{base[label]}_{n}"} for n in range(8)]
    provider = connected(spec.provider(), emulator)  # one instance, as the server caches it per blob
    with ThreadPoolExecutor(max_workers=4) as pool:  # the provider server's four workers
        created = list(pool.map(provider.create, many))
        states = [as_state(c.outs) for c in created]
        # Names stay distinct (TaskRouter keeps an activity's name unique in its workspace).
        changed = [{**inputs, **{key: f"{value}_{n}" if isinstance(value, str) else value
                                 for key, value in spec.change.items()}} for n, inputs in enumerate(many)]
        updated = list(pool.map(lambda c, s, n: provider.update(c.id, s, n), created, states, changed))
        reads = list(pool.map(lambda c, u: provider.read(c.id, as_state(u.outs)), created, updated))

    assert len({c.id for c in created}) == len(many)
    assert [canonical(as_state(r.outs)) for r in reads] == [canonical(as_state(u.outs)) for u in updated]
    assert all(provider.diff(c.id, as_state(r.outs), n).changes is False
               for c, r, n in zip(created, reads, changed, strict=True))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda c, u: provider.delete(c.id, as_state(u.outs)), created, updated))
    gone = connected(spec.provider(), emulator)
    assert all(gone.read(c.id, as_state(u.outs)).id is None for c, u in zip(created, updated, strict=True))


# Where each kind's create and update are sent (the emulator's fault paths, regular expressions).
WRITES = {
    "StudioFlow": (r"/Flows$", r"/Flows/FW[0-9a-f]+$"),
    "Workspace": (r"/Workspaces$", r"/Workspaces/WS[0-9a-f]+$"),
    "Activity": (r"/Activities$", r"/Activities/WA[0-9a-f]+$"),
    "TaskChannel": (r"/TaskChannels$", r"/TaskChannels/TC[0-9a-f]+$"),
    "TaskQueue": (r"/TaskQueues$", r"/TaskQueues/WQ[0-9a-f]+$"),
    "Workflow": (r"/Workflows$", r"/Workflows/WW[0-9a-f]+$"),
    "PhoneNumberBinding": (r"/IncomingPhoneNumbers/PN[0-9a-f]+\.json$", r"/IncomingPhoneNumbers/PN[0-9a-f]+\.json$"),
    "ConversationsAddress": (r"/Configuration/Addresses$", r"/Configuration/Addresses/IG[0-9a-f]+$"),
}


@pytest.mark.parametrize("fault", ["applied-drop", "drop"])
def test_a_create_and_an_update_whose_answers_were_lost_leave_one_object_and_the_account_as_before(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle, fault: str, request: pytest.FixtureRequest
) -> None:
    spec, inputs = kind
    create_path, update_path = WRITES[request.node.callspec.params["kind"]]
    before = emulator.state(comparable=True)

    fault_first(emulator, fault, "POST", create_path)
    created = connected(spec.provider(), emulator).create(inputs)
    state = as_state(created.outs)
    emulator.clear_faults()
    fault_first(emulator, fault, "POST", update_path)
    news = {**inputs, **spec.change}
    updated = as_state(connected(spec.provider(), emulator).update(created.id, state, news).outs)
    emulator.clear_faults()
    assert [r["fault"] for r in emulator.requests() if r["fault"]] == [fault, fault]  # both answers were lost

    read = connected(spec.provider(), emulator).read(created.id, updated)
    assert canonical(as_state(read.outs)) == canonical(updated)  # the update landed once, and state says so
    if "revision" in updated:
        assert updated["revision"] == 2  # a lost Studio update is not sent again: one more revision, not two
    connected(spec.provider(), emulator).delete(created.id, updated)
    assert emulator.state(comparable=True) == before  # no second object was made, none is left behind


def _console_delete(twilio: Any, name: str, sid: str, inputs: dict[str, Any]) -> None:
    """The object deleted in the console (a number released)."""
    if name == "StudioFlow":
        twilio.studio.v2.flows(sid).delete()
    elif name == "Workspace":
        twilio.taskrouter.v1.workspaces(sid).delete()
    elif name == "PhoneNumberBinding":
        twilio.api.v2010.accounts(twilio.account_sid).incoming_phone_numbers(sid).delete()
    elif name == "ConversationsAddress":
        twilio.conversations.v1.address_configurations(sid).delete()
    else:
        collection = {"Activity": "activities", "TaskChannel": "task_channels", "TaskQueue": "task_queues",
                      "Workflow": "workflows"}[name]
        _in_workspace(twilio, sid, inputs, collection).delete()


def test_an_object_deleted_outside_pulumi_reads_as_gone(
    kind: tuple[Kind, dict[str, Any]], emulator: EmulatorHandle, request: pytest.FixtureRequest
) -> None:
    spec, inputs = kind
    created = connected(spec.provider(), emulator).create(inputs)
    _console_delete(client(emulator), request.node.callspec.params["kind"], created.id, inputs)

    read = connected(spec.provider(), emulator).read(created.id, as_state(created.outs))

    assert (read.id, read.outs) == (None, {})  # refresh drops it from the state; the next up creates it again
