"""Writes whose answer is lost are reconciled, never blindly sent again (emulator faults over loopback)."""

from typing import Any

import pytest

from components.providers import twilio_http
from components.providers.base import TwilioProviderError
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import TaskQueueProvider
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from components.providers.twilio_http import RetryPolicy
from tests.emulator.support import MINIMAL_FLOW, EmulatorHandle
from tests.providers.support import client, connected, fault_first, flex_workspace_sid, through_the_wire, writes

QUEUES = r"/TaskQueues$"


def support_queues(emulator: EmulatorHandle, workspace: str) -> list[Any]:
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues.list()
    return [q for q in queues if q.friendly_name == "Support"]


@pytest.mark.parametrize("kind", ["applied-error", "applied-drop"])
def test_a_create_applied_without_an_answer_is_taken_as_the_programs_own(emulator: EmulatorHandle, kind: str) -> None:
    workspace = flex_workspace_sid(emulator)
    fault_first(emulator, kind, "POST", QUEUES)
    provider = connected(TaskQueueProvider(), emulator)
    created = provider.create({"workspace_sid": workspace, "friendly_name": "Support"})
    outs = created.outs or {}
    assert [q.sid for q in support_queues(emulator, workspace)] == [created.id]
    assert len(writes(emulator)) == 1  # never sent again
    assert outs["adopted"] is False  # created by this program, so destroy deletes it
    provider.delete(created.id, through_the_wire(outs))
    assert support_queues(emulator, workspace) == []


@pytest.mark.parametrize("kind", ["drop", "500", "502", "503"])
def test_a_create_that_was_not_applied_is_sent_again_after_looking(emulator: EmulatorHandle, kind: str) -> None:
    workspace = flex_workspace_sid(emulator)
    fault_first(emulator, kind, "POST", QUEUES)
    created = connected(TaskQueueProvider(), emulator).create({"workspace_sid": workspace, "friendly_name": "Support"})
    assert [q.sid for q in support_queues(emulator, workspace)] == [created.id]
    assert len(writes(emulator)) == 2
    assert (created.outs or {})["adopted"] is False


def test_a_rate_limited_create_is_retried_as_it_is(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    fault_first(emulator, "429", "POST", QUEUES)
    created = connected(TaskQueueProvider(), emulator).create({"workspace_sid": workspace, "friendly_name": "Support"})
    assert [q.sid for q in support_queues(emulator, workspace)] == [created.id]
    assert [r["status"] for r in writes(emulator)] == [429, 201]
    # Lookups: the test's, the create's own; then the POST again at once (no lookup), and the test's.
    assert [r["method"] for r in emulator.requests()] == ["GET", "GET", "POST", "POST", "GET"]


def test_a_flow_whose_create_answer_was_lost_is_created_once(emulator: EmulatorHandle) -> None:
    fault_first(emulator, "applied-drop", "POST", r"/Flows$")
    created = connected(StudioFlowProvider(), emulator).create(
        {"friendly_name": "IVR", "status": "published", "definition": MINIMAL_FLOW}
    )
    flows = [f.sid for f in client(emulator).studio.v2.flows.list() if f.friendly_name == "IVR"]
    assert flows == [created.id]
    assert (created.outs or {})["revision"] == 1


def test_an_update_and_a_delete_whose_answers_were_lost_are_sent_again(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    provider = connected(TaskQueueProvider(), emulator)
    state = {"workspace_sid": workspace, "friendly_name": "Support"}
    created = provider.create(state)
    outs = through_the_wire(created.outs or {})
    fault_first(emulator, "applied-drop", "POST", r"/TaskQueues/WQ")
    provider.update(created.id, outs, {**state, "max_reserved_workers": 3})
    assert support_queues(emulator, workspace)[0].max_reserved_workers == 3
    fault_first(emulator, "applied-drop", "DELETE", r"/TaskQueues/WQ")
    provider.delete(created.id, outs)  # the second DELETE answers 404: done
    assert support_queues(emulator, workspace) == []
    assert [r["status"] for r in writes(emulator, "DELETE")][-1] == 404


def test_a_write_that_never_gets_an_answer_fails_clearly_after_its_retries(
    emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(twilio_http, "DEFAULT_POLICY", RetryPolicy(attempts=3, base_delay=0.01))
    workspace = flex_workspace_sid(emulator)
    emulator.set_faults({"rate": 1.0, "kinds": ["drop"], "methods": ["POST"], "path": QUEUES})
    provider = connected(TaskQueueProvider(), emulator)
    with pytest.raises(TwilioProviderError, match=r"no answer .* after every retry\. Nothing was assumed"):
        provider.create({"workspace_sid": workspace, "friendly_name": "Support"})
    assert support_queues(emulator, workspace) == []
    assert len(writes(emulator)) == 3


def test_a_binding_whose_outputs_were_lost_still_restores_what_it_found(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="https://example.com/old-ivr")
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True}
    provider = connected(PhoneNumberBindingProvider(), emulator)
    fault_first(emulator, "applied-drop", "POST", r"/IncomingPhoneNumbers/PN")
    first = provider.create(inputs)
    assert (first.outs or {})["previous"]["voice_url"] == "https://example.com/old-ivr"

    # The engine never saw that answer (the CLI was killed): the number now points at the flow, and
    # only the record kept in the account before the write knows what it pointed at.
    again = provider.create(inputs)
    assert (again.outs or {})["previous"]["voice_url"] == "https://example.com/old-ivr"
    provider.delete(again.id, through_the_wire(again.outs or {}))
    assert numbers(number.sid).fetch().voice_url == "https://example.com/old-ivr"
    assert client(emulator).sync.v1.services("default").documents.list() == []  # the record goes with it


def test_a_binding_imported_by_a_recovery_reads_what_it_found_from_the_account(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="https://example.com/old-ivr")
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True}
    provider = connected(PhoneNumberBindingProvider(), emulator)
    provider.create(inputs)  # its answer never reached the state

    assert provider.find_created(provider.connection(), inputs, set()) == number.sid
    imported = provider.read(number.sid, inputs)  # what `pulumi refresh --import-pending-creates` calls
    assert (imported.outs or {})["previous"]["voice_url"] == "https://example.com/old-ivr"
    provider.delete(number.sid, through_the_wire(imported.outs or {}))
    assert numbers(number.sid).fetch().voice_url == "https://example.com/old-ivr"


def test_an_address_whose_create_answer_was_lost_is_the_programs_own(emulator: EmulatorHandle) -> None:
    flow = client(emulator).studio.v2.flows.create(friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
    fault_first(emulator, "applied-error", "POST", r"/Addresses$")
    provider = connected(ConversationsAddressProvider(), emulator)
    created = provider.create({"address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": flow.sid})
    assert (created.outs or {})["adopted"] is False
    provider.delete(created.id, through_the_wire(created.outs or {}))
    assert client(emulator).conversations.v1.address_configurations.list() == []


def test_an_address_an_earlier_try_created_is_never_taken_for_a_pre_existing_one(emulator: EmulatorHandle) -> None:
    flow = client(emulator).studio.v2.flows.create(friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
    provider = connected(ConversationsAddressProvider(), emulator)
    inputs = {"address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": flow.sid}
    provider.create(inputs)  # applied, and its answer lost for good (a killed CLI): the next try runs

    again = provider.create(inputs)
    assert (again.outs or {})["adopted"] is False
    assert (provider.read(again.id, inputs).outs or {})["adopted"] is False  # an import by a recovery says the same
    provider.delete(again.id, through_the_wire(again.outs or {}))
    assert client(emulator).conversations.v1.address_configurations.list() == []
    assert client(emulator).sync.v1.services("default").documents.list() == []


@pytest.mark.parametrize("kind", ["applied-error", "applied-drop", "drop"])
def test_a_flow_update_whose_answer_was_lost_makes_exactly_one_revision(emulator: EmulatorHandle, kind: str) -> None:
    provider = connected(StudioFlowProvider(), emulator)
    inputs = {"friendly_name": "IVR", "status": "published", "definition": MINIMAL_FLOW}
    created = provider.create(inputs)
    changed = {**inputs, "definition": {**MINIMAL_FLOW, "description": "Changed"}}
    fault_first(emulator, kind, "POST", r"/Flows/FW")
    updated = provider.update(created.id, through_the_wire(created.outs or {}), changed)
    revisions = client(emulator).studio.v2.flows(created.id).revisions.list()
    assert sorted(r.revision for r in revisions) == [1, 2]
    assert (updated.outs or {})["revision"] == 2


# ---- a try killed after its write, seen by the next command (a new provider process) ------------------------


def records(emulator: EmulatorHandle) -> list[str]:
    """The unique names of the account's records (ledger.py)."""
    return sorted(d.unique_name for d in client(emulator).sync.v1.services("default").documents.list())


def test_a_number_killed_after_its_write_gets_its_previous_webhooks_back(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="https://example.com/old-ivr", voice_method="GET", sms_url="")
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True, "messaging": True}
    connected(PhoneNumberBindingProvider(), emulator).create(inputs)  # killed: its answer never reached the state
    # Only the voice channel had something to put back; SMS had nothing set, so it has no record.
    assert records(emulator) == [f"flex-pre-agent.found.number.{number.phone_number}.voice"]

    again = connected(PhoneNumberBindingProvider(), emulator).create(inputs)
    previous = (again.outs or {})["previous"]
    assert (previous["voice_url"], previous["voice_method"], previous["sms_url"] or "") == (
        "https://example.com/old-ivr", "GET", "")
    connected(PhoneNumberBindingProvider(), emulator).delete(again.id, through_the_wire(again.outs or {}))
    after = numbers(number.sid).fetch()
    assert (after.voice_url, after.voice_method, after.sms_url or "", after.sms_method) == (
        "https://example.com/old-ivr", "GET", "", "POST")
    assert records(emulator) == []


def test_a_number_with_nothing_set_imported_by_a_recovery_is_put_back_unset(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="")
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True}
    connected(PhoneNumberBindingProvider(), emulator).create(inputs)  # killed after its write
    assert records(emulator) == []  # nothing was set: nothing recorded

    recovery = connected(PhoneNumberBindingProvider(), emulator)
    assert recovery.find_created(recovery.connection(), inputs, set()) == number.sid
    imported = recovery.read(number.sid, inputs)
    connected(PhoneNumberBindingProvider(), emulator).delete(number.sid, through_the_wire(imported.outs or {}))
    after = numbers(number.sid).fetch()
    assert (after.voice_url or "", after.voice_method) == ("", "POST")


def test_an_address_a_killed_try_created_is_deleted_on_destroy_not_restored(emulator: EmulatorHandle) -> None:
    flow = client(emulator).studio.v2.flows.create(friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
    inputs = {"address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": flow.sid}
    connected(ConversationsAddressProvider(), emulator).create(inputs)  # killed: its answer never reached the state
    assert records(emulator) == []  # a new address: no record

    recovery = connected(ConversationsAddressProvider(), emulator)
    sid = recovery.find_created(recovery.connection(), inputs, set())
    assert sid is not None
    assert (recovery.read(sid, inputs).outs or {})["adopted"] is False  # an import by a recovery: the program's own
    again = connected(ConversationsAddressProvider(), emulator).create(inputs)  # or the next `up`: the same
    assert (again.id, (again.outs or {})["adopted"]) == (sid, False)
    connected(ConversationsAddressProvider(), emulator).delete(again.id, through_the_wire(again.outs or {}))
    assert client(emulator).conversations.v1.address_configurations.list() == []
    assert records(emulator) == []


def test_an_adopted_queue_killed_after_its_write_gets_its_own_values_back(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    everyone = next(q for q in queues.list() if q.friendly_name == "Everyone")
    # The program sets one value and leaves the others (task_order...) as Flex has them.
    inputs = {"workspace_sid": workspace, "friendly_name": "Everyone", "max_reserved_workers": 5}
    connected(TaskQueueProvider(), emulator).create(inputs)  # killed after its write

    again = connected(TaskQueueProvider(), emulator).create(inputs)  # the queue already shows the program's values
    assert (again.outs or {})["previous"]["max_reserved_workers"] == everyone.max_reserved_workers
    connected(TaskQueueProvider(), emulator).delete(again.id, through_the_wire({**inputs, **(again.outs or {})}))
    assert queues(everyone.sid).fetch().max_reserved_workers == everyone.max_reserved_workers
    assert records(emulator) == []
