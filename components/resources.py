"""Twilio resources for Pulumi programs, backed by the dynamic providers in ``components.providers``.

Type tokens are ``pulumi-python:dynamic/twilio:<Name>``; the provider classes' module paths are part
of the state contract (state stores a reference to them), so moving one needs a re-export at the
old path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider

Opts = pulumi.ResourceOptions | None


def _props(inputs: Mapping[str, Any], *outputs: str) -> dict[str, Any]:
    # Outputs are seeded as None inputs so they appear as typed attributes (pulumi-notes §1.2).
    return {**inputs, **dict.fromkeys(outputs)}


_TASKROUTER_OUTPUTS = ("sid", "account_sid", "adopted")


class StudioFlow(pulumi.dynamic.Resource, module="twilio", name="StudioFlow"):
    """A Studio flow. ``definition`` is JSON text (e.g. the studio toolkit's ``to_json``) or a mapping."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    revision: pulumi.Output[int]
    webhook_url: pulumi.Output[str]
    valid: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        friendly_name: pulumi.Input[str],
        definition: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]],
        status: pulumi.Input[str] = "published",
        commit_message: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "friendly_name": friendly_name,
            "definition": definition,
            "status": status,
            "commit_message": commit_message,
        }
        super().__init__(
            StudioFlowProvider(), name, _props(inputs, "sid", "account_sid", "revision", "webhook_url", "valid"), opts
        )


class Workspace(pulumi.dynamic.Resource, module="twilio", name="Workspace"):
    """A TaskRouter workspace; an existing one of the same name (Flex Task Assignment) is adopted."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    default_activity_sid: pulumi.Output[str]
    timeout_activity_sid: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        friendly_name: pulumi.Input[str],
        event_callback_url: pulumi.Input[str] | None = None,
        events_filter: pulumi.Input[str] | None = None,
        multi_task_enabled: pulumi.Input[bool] | None = None,
        prioritize_queue_order: pulumi.Input[str] | None = None,
        adopt_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "friendly_name": friendly_name,
            "event_callback_url": event_callback_url,
            "events_filter": events_filter,
            "multi_task_enabled": multi_task_enabled,
            "prioritize_queue_order": prioritize_queue_order,
            "adopt_sid": adopt_sid,
        }
        outputs = (*_TASKROUTER_OUTPUTS, "default_activity_sid", "timeout_activity_sid")
        super().__init__(WorkspaceProvider(), name, _props(inputs, *outputs), opts)


class Activity(pulumi.dynamic.Resource, module="twilio", name="Activity"):
    """A worker activity. Changing ``available`` replaces it: Twilio cannot change it in place."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        workspace_sid: pulumi.Input[str],
        friendly_name: pulumi.Input[str],
        available: pulumi.Input[bool],
        adopt_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "workspace_sid": workspace_sid,
            "friendly_name": friendly_name,
            "available": available,
            "adopt_sid": adopt_sid,
        }
        super().__init__(ActivityProvider(), name, _props(inputs, *_TASKROUTER_OUTPUTS), opts)


class TaskChannel(pulumi.dynamic.Resource, module="twilio", name="TaskChannel"):
    """A task channel, adopted by unique name when the workspace already has it."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        workspace_sid: pulumi.Input[str],
        unique_name: pulumi.Input[str],
        friendly_name: pulumi.Input[str],
        channel_optimized_routing: pulumi.Input[bool] | None = None,
        adopt_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "workspace_sid": workspace_sid,
            "unique_name": unique_name,
            "friendly_name": friendly_name,
            "channel_optimized_routing": channel_optimized_routing,
            "adopt_sid": adopt_sid,
        }
        super().__init__(TaskChannelProvider(), name, _props(inputs, *_TASKROUTER_OUTPUTS), opts)


class TaskQueue(pulumi.dynamic.Resource, module="twilio", name="TaskQueue"):
    """A task queue; an existing queue of the same name (Everyone) is adopted."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        workspace_sid: pulumi.Input[str],
        friendly_name: pulumi.Input[str],
        target_workers: pulumi.Input[str] | None = None,
        max_reserved_workers: pulumi.Input[int] | None = None,
        task_order: pulumi.Input[str] | None = None,
        reservation_activity_sid: pulumi.Input[str] | None = None,
        assignment_activity_sid: pulumi.Input[str] | None = None,
        adopt_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "workspace_sid": workspace_sid,
            "friendly_name": friendly_name,
            "target_workers": target_workers,
            "max_reserved_workers": max_reserved_workers,
            "task_order": task_order,
            "reservation_activity_sid": reservation_activity_sid,
            "assignment_activity_sid": assignment_activity_sid,
            "adopt_sid": adopt_sid,
        }
        super().__init__(TaskQueueProvider(), name, _props(inputs, *_TASKROUTER_OUTPUTS), opts)


class Workflow(pulumi.dynamic.Resource, module="twilio", name="Workflow"):
    """A workflow; ``configuration`` is JSON text or a mapping (e.g. the taskrouter toolkit's output)."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        workspace_sid: pulumi.Input[str],
        friendly_name: pulumi.Input[str],
        configuration: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]],
        assignment_callback_url: pulumi.Input[str] | None = None,
        fallback_assignment_callback_url: pulumi.Input[str] | None = None,
        task_reservation_timeout: pulumi.Input[int] | None = None,
        adopt_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "workspace_sid": workspace_sid,
            "friendly_name": friendly_name,
            "configuration": configuration,
            "assignment_callback_url": assignment_callback_url,
            "fallback_assignment_callback_url": fallback_assignment_callback_url,
            "task_reservation_timeout": task_reservation_timeout,
            "adopt_sid": adopt_sid,
        }
        super().__init__(WorkflowProvider(), name, _props(inputs, *_TASKROUTER_OUTPUTS), opts)


class PhoneNumberBinding(pulumi.dynamic.Resource, module="twilio", name="PhoneNumberBinding"):
    """Points an existing number at a flow for voice and/or messaging; delete restores its old URLs."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    previous: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        name: str,
        *,
        phone_number: pulumi.Input[str],
        webhook_url: pulumi.Input[str],
        voice: pulumi.Input[bool] = True,
        messaging: pulumi.Input[bool] = False,
        opts: Opts = None,
    ) -> None:
        inputs = {"phone_number": phone_number, "webhook_url": webhook_url, "voice": voice, "messaging": messaging}
        super().__init__(PhoneNumberBindingProvider(), name, _props(inputs, "sid", "account_sid", "previous"), opts)


class ConversationsAddress(pulumi.dynamic.Resource, module="twilio", name="ConversationsAddress"):
    """A Conversations address whose new conversations start a Studio flow (Incoming Conversation)."""

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        *,
        address: pulumi.Input[str],
        flow_sid: pulumi.Input[str],
        address_type: pulumi.Input[str] = "sms",
        friendly_name: pulumi.Input[str] | None = None,
        retry_count: pulumi.Input[int] | None = None,
        conversation_service_sid: pulumi.Input[str] | None = None,
        opts: Opts = None,
    ) -> None:
        inputs = {
            "address": address,
            "address_type": address_type,
            "friendly_name": friendly_name,
            "flow_sid": flow_sid,
            "retry_count": retry_count,
            "conversation_service_sid": conversation_service_sid,
        }
        super().__init__(
            ConversationsAddressProvider(), name, _props(inputs, "sid", "account_sid", "adopted", "previous"), opts
        )
