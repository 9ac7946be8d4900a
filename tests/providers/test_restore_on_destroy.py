"""Destroy leaves adopted objects as the program found them; objects it created are deleted."""

from typing import Any

from components.providers.base import TwilioProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider
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
