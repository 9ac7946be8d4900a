"""A small program that uses every Twilio resource type, for the lifecycle tests.

Config keys ``greeting``, ``supportMaxReserved`` and ``lunchAvailable`` let a test change exactly one
widget, one queue, or an activity's immutable availability.
"""

import json
from typing import Any

import pulumi

from components.resources import (
    Activity,
    ConversationsAddress,
    PhoneNumberBinding,
    StudioFlow,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
)
from components.settings import load_stack_settings

settings = load_stack_settings()
config = pulumi.Config()
greeting = config.get("greeting") or "Thanks for calling. Connecting you to an agent."
support_max_reserved = config.get_int("supportMaxReserved") or 1
lunch_available = config.get_bool("lunchAvailable") or False

# Flex defaults: adopted, never duplicated, never deleted.
workspace = Workspace("flex-workspace", friendly_name="Flex Task Assignment")
everyone = TaskQueue("everyone", workspace_sid=workspace.sid, friendly_name="Everyone", target_workers="1==1")
voice = TaskChannel("voice", workspace_sid=workspace.sid, unique_name="voice", friendly_name="Voice")
offline = Activity("offline", workspace_sid=workspace.sid, friendly_name="Offline", available=False)
assign_to_anyone = Workflow(
    "assign-to-anyone",
    workspace_sid=workspace.sid,
    friendly_name="Assign to Anyone",
    configuration=everyone.sid.apply(
        lambda sid: json.dumps({"task_routing": {"filters": [], "default_filter": {"queue": sid}}})
    ),
)

# Created by the program.
lunch = Activity("lunch", workspace_sid=workspace.sid, friendly_name="Lunch", available=lunch_available)
callback = TaskChannel("callback", workspace_sid=workspace.sid, unique_name="callback", friendly_name="Callback")
support = TaskQueue(
    "support",
    workspace_sid=workspace.sid,
    friendly_name="Support",
    target_workers="routing.skills HAS 'support'",
    max_reserved_workers=support_max_reserved,
    task_order="FIFO",
)


def routing(sids: list[str]) -> str:
    support_sid, everyone_sid = sids
    return json.dumps(
        {
            "task_routing": {
                "filters": [
                    {
                        "filter_friendly_name": "Support",
                        "expression": "needs == 'support'",
                        "targets": [{"queue": support_sid, "timeout": 120}, {"queue": everyone_sid}],
                    }
                ],
                "default_filter": {"queue": everyone_sid},
            }
        }
    )


workflow = Workflow(
    "support-workflow",
    workspace_sid=workspace.sid,
    friendly_name="Support routing",
    configuration=pulumi.Output.all(support.sid, everyone.sid).apply(routing),
)


def ivr(sids: list[str]) -> dict[str, Any]:
    workflow_sid, channel_sid = sids
    return {
        "description": "Lifecycle test IVR",
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [
            {
                "name": "Trigger",
                "type": "trigger",
                "transitions": [
                    {"event": "incomingMessage", "next": "to_agent"},
                    {"event": "incomingCall", "next": "greet"},
                    {"event": "incomingConversationMessage", "next": "to_agent"},
                    {"event": "incomingRequest"},
                    {"event": "incomingParent"},
                ],
                "properties": {"offset": {"x": 0, "y": 0}},
            },
            {
                "name": "greet",
                "type": "say-play",
                "transitions": [{"event": "audioComplete", "next": "to_agent"}],
                "properties": {"say": greeting, "loop": 1, "offset": {"x": 0, "y": 200}},
            },
            {
                "name": "to_agent",
                "type": "send-to-flex",
                "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue"}, {"event": "callFailure"}],
                "properties": {
                    "workflow": workflow_sid,
                    "channel": channel_sid,
                    "attributes": '{"type": "inbound", "name": "{{trigger.call.From}}"}',
                    "priority": "0",
                    "timeout": "3600",
                    "offset": {"x": 0, "y": 400},
                },
            },
        ],
    }


flow = StudioFlow(
    "ivr",
    friendly_name="Lifecycle IVR",
    definition=pulumi.Output.all(workflow.sid, voice.sid).apply(lambda sids: json.dumps(ivr(sids), sort_keys=True)),
    commit_message="Deployed by flex-pre-agent",
)

# Triggers.
PhoneNumberBinding("main-number", phone_number=settings.phone_numbers[0], webhook_url=flow.webhook_url, voice=True)
ConversationsAddress("sms-address", address=settings.phone_numbers[1], flow_sid=flow.sid, retry_count=3)

pulumi.export("flowSid", flow.sid)
pulumi.export("lunchSid", lunch.sid)
pulumi.export("callbackChannelSid", callback.sid)
pulumi.export("assignToAnyoneSid", assign_to_anyone.sid)
pulumi.export("offlineSid", offline.sid)
