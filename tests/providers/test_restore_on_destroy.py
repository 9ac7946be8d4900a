"""Destroy leaves adopted objects as the program found them; objects it created are deleted."""

from typing import Any

from components.providers import ledger
from components.providers.base import TwilioProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import client, connected, flex_workspace_sid, through_the_wire


def adopt_then_destroy(provider: TwilioProvider, emulator: EmulatorHandle, inputs: dict[str, Any]) -> dict[str, Any]:
    """Create (adopting), then delete with the outputs as state gives them back; returns the outputs."""
    provider = connected(provider, emulator)
    created = provider.create(inputs)
    outs = created.outs or {}
    assert outs["adopted"] is True
    provider.delete(created.id, through_the_wire(outs))
    return outs


def test_an_adopted_workspace_gets_its_settings_back(emulator: EmulatorHandle) -> None:
    workspaces = client(emulator).taskrouter.v1.workspaces
    sid = flex_workspace_sid(emulator)
    before = workspaces(sid).fetch()
    adopt_then_destroy(WorkspaceProvider(), emulator, {
        "friendly_name": "Flex Task Assignment", "event_callback_url": "https://example.com/events",
        "prioritize_queue_order": "LIFO",
    })
    after = workspaces(sid).fetch()
    assert (after.event_callback_url or None, after.prioritize_queue_order) == (
        before.event_callback_url or None, before.prioritize_queue_order)


def test_an_adopted_activity_channel_and_queue_get_their_names_and_settings_back(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    tr = client(emulator).taskrouter.v1.workspaces(workspace)
    offline = next(a for a in tr.activities.list() if a.friendly_name == "Offline")
    away = {"workspace_sid": workspace, "friendly_name": "Away", "available": False, "adopt_sid": offline.sid}
    adopt_then_destroy(ActivityProvider(), emulator, away)
    assert tr.activities(offline.sid).fetch().friendly_name == "Offline"

    voice = next(c for c in tr.task_channels.list() if c.unique_name == "voice")
    adopt_then_destroy(TaskChannelProvider(), emulator, {
        "workspace_sid": workspace, "unique_name": "voice", "friendly_name": "Phone calls",
        "channel_optimized_routing": not voice.channel_optimized_routing,
    })
    after = tr.task_channels(voice.sid).fetch()
    assert (after.friendly_name, after.channel_optimized_routing) == (
        voice.friendly_name, voice.channel_optimized_routing)

    everyone = next(q for q in tr.task_queues.list() if q.friendly_name == "Everyone")
    adopt_then_destroy(TaskQueueProvider(), emulator, {
        "workspace_sid": workspace, "friendly_name": "Everyone", "target_workers": "routing.skills HAS 'x'",
        "max_reserved_workers": 5, "task_order": "LIFO",
    })
    after_queue = tr.task_queues(everyone.sid).fetch()
    assert (after_queue.target_workers, after_queue.max_reserved_workers, after_queue.task_order) == (
        everyone.target_workers, everyone.max_reserved_workers, everyone.task_order)


def test_an_adopted_workflow_gets_its_configuration_back(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    tr = client(emulator).taskrouter.v1.workspaces(workspace)
    anyone = next(w for w in tr.workflows.list() if w.friendly_name.casefold() == "assign to anyone")
    queue = tr.task_queues.create(friendly_name="Support")
    configuration = {"task_routing": {"filters": [], "default_filter": {"queue": queue.sid}}}
    adopt_then_destroy(WorkflowProvider(), emulator, {
        "workspace_sid": workspace, "friendly_name": anyone.friendly_name, "configuration": configuration,
        "task_reservation_timeout": 300,
    })
    after = tr.workflows(anyone.sid).fetch()
    assert (after.configuration, after.task_reservation_timeout) == (
        anyone.configuration, anyone.task_reservation_timeout)


def _flow(emulator: EmulatorHandle, name: str) -> str:
    from tests.emulator.support import MINIMAL_FLOW

    flows = client(emulator).studio.v2.flows
    return str(flows.create(friendly_name=name, status="published", definition=MINIMAL_FLOW).sid)


def test_an_adopted_studio_address_points_at_its_old_flow_again_after_destroy(emulator: EmulatorHandle) -> None:
    addresses = client(emulator).conversations.v1.address_configurations
    old_flow, new_flow = _flow(emulator, "Old"), _flow(emulator, "New")
    address = addresses.create(
        type="sms", address=emulator.phone_numbers[1], friendly_name="Support SMS", auto_creation_enabled=True,
        auto_creation_type="studio", auto_creation_studio_flow_sid=old_flow, auto_creation_studio_retry_count=2,
    )
    outs = adopt_then_destroy(ConversationsAddressProvider(), emulator, {
        "address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": new_flow, "retry_count": 3,
        "friendly_name": "Pre-agent SMS",
    })
    assert outs["previous"]["auto_creation"]["studio_retry_count"] == 2
    after = addresses(address.sid).fetch()
    assert after.friendly_name == "Support SMS"
    assert (after.auto_creation["studio_flow_sid"], after.auto_creation["studio_retry_count"]) == (old_flow, 2)


def test_an_adopted_webhook_address_is_a_webhook_again_after_destroy(emulator: EmulatorHandle) -> None:
    addresses = client(emulator).conversations.v1.address_configurations
    address = addresses.create(
        type="sms", address=emulator.phone_numbers[1], auto_creation_enabled=True, auto_creation_type="webhook",
        auto_creation_webhook_url="https://example.com/hook", auto_creation_webhook_method="POST",
        auto_creation_webhook_filters=["onMessageAdded"],
    )
    adopt_then_destroy(ConversationsAddressProvider(), emulator, {
        "address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": _flow(emulator, "IVR"),
        "retry_count": 1,
    })
    auto = addresses(address.sid).fetch().auto_creation
    assert (auto["type"], auto["webhook_url"], auto["webhook_filters"]) == (
        "webhook", "https://example.com/hook", ["onMessageAdded"])


def test_an_address_the_program_created_is_deleted_on_destroy(emulator: EmulatorHandle) -> None:
    provider = connected(ConversationsAddressProvider(), emulator)
    created = provider.create({"address": emulator.phone_numbers[1], "address_type": "sms",
                               "flow_sid": _flow(emulator, "IVR"), "retry_count": 3})
    assert (created.outs or {})["adopted"] is False
    provider.delete(created.id, through_the_wire(created.outs or {}))
    assert client(emulator).conversations.v1.address_configurations.list() == []


# ---- a stale record (a destroy killed after it restored, before it deleted the record) is never used ---------


def stale_record(emulator: EmulatorHandle, name: str, data: dict[str, Any]) -> None:
    client(emulator).sync.v1.services("default").documents.create(unique_name=name, data=data)


def records(emulator: EmulatorHandle) -> dict[str, Any]:
    return {d.unique_name: d.data for d in client(emulator).sync.v1.services("default").documents.list()}


def test_a_stale_number_record_gives_way_to_what_the_number_shows_now(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="https://example.com/current")
    name = ledger.found_name("number", number.phone_number, "voice")
    stale_record(emulator, name, {"voice_url": "https://example.com/stale", "voice_method": "POST"})
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True}
    created = connected(PhoneNumberBindingProvider(), emulator).create(inputs)
    assert (created.outs or {})["previous"]["voice_url"] == "https://example.com/current"
    assert records(emulator)[name]["voice_url"] == "https://example.com/current"
    connected(PhoneNumberBindingProvider(), emulator).delete(created.id, through_the_wire(created.outs or {}))
    assert numbers(number.sid).fetch().voice_url == "https://example.com/current"
    assert records(emulator) == {}


def test_a_stale_number_record_goes_when_the_number_has_nothing_set_now(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(voice_url="")
    stale_record(emulator, ledger.found_name("number", number.phone_number, "voice"),
                 {"voice_url": "https://example.com/stale"})
    inputs = {"phone_number": number.phone_number, "webhook_url": "https://hook/flow", "voice": True}
    connected(PhoneNumberBindingProvider(), emulator).create(inputs)  # killed after its write
    assert records(emulator) == {}  # nothing to record now, and the stale record is not left to be used

    imported = connected(PhoneNumberBindingProvider(), emulator).read(number.sid, inputs)  # a recovery's import
    connected(PhoneNumberBindingProvider(), emulator).delete(number.sid, through_the_wire(imported.outs or {}))
    assert numbers(number.sid).fetch().voice_url in ("", None)


def test_a_stale_address_record_never_makes_a_new_address_look_adopted(emulator: EmulatorHandle) -> None:
    flow = _flow(emulator, "IVR")
    inputs = {"address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": flow}
    stale_record(emulator, ledger.found_name("address", "sms", emulator.phone_numbers[1]),
                 {"existed": True, "previous": {"friendly_name": "Old", "auto_creation": {"enabled": False}}})
    connected(ConversationsAddressProvider(), emulator).create(inputs)  # killed after its create
    assert records(emulator) == {}

    again = connected(ConversationsAddressProvider(), emulator).create(inputs)
    assert (again.outs or {})["adopted"] is False
    connected(ConversationsAddressProvider(), emulator).delete(again.id, through_the_wire(again.outs or {}))
    assert client(emulator).conversations.v1.address_configurations.list() == []


def test_a_stale_adoption_record_gives_way_to_what_the_object_shows_now(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    everyone = next(q for q in queues.list() if q.friendly_name == "Everyone")
    stale_record(emulator, ledger.found_name("taskqueue", everyone.sid), {"previous": {"max_reserved_workers": 9}})
    inputs = {"workspace_sid": workspace, "friendly_name": "Everyone", "max_reserved_workers": 5}
    created = connected(TaskQueueProvider(), emulator).create(inputs)
    assert (created.outs or {})["previous"]["max_reserved_workers"] == everyone.max_reserved_workers
    connected(TaskQueueProvider(), emulator).delete(created.id, through_the_wire({**inputs, **(created.outs or {})}))
    assert queues(everyone.sid).fetch().max_reserved_workers == everyone.max_reserved_workers
    assert records(emulator) == {}
