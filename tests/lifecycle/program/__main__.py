"""A small program that uses every Twilio resource type, for the lifecycle tests.

Config keys ``greeting``, ``supportMaxReserved`` and ``lunchAvailable`` let a test change exactly one
widget, one queue, or an activity's immutable availability. Flows and routing are built with the
studio and taskrouter toolkits, as the real program builds them.
"""

import pulumi

import studio
import taskrouter
from components.resources import (
    Activity,
    ConversationsAddress,
    PhoneNumberBinding,
    StudioFlow,
    TaskChannel,
    TaskQueue,
    TaskRouterWorkflow as Workflow,
    Workspace,
)
from components.settings import load_stack_settings

settings = load_stack_settings()
config = pulumi.Config()
greeting = config.get("greeting") or "Thanks for calling. Connecting you to an agent."
support_max_reserved = config.get_int("supportMaxReserved") or 1
lunch_available = config.get_bool("lunchAvailable") or False

# Routing, as data: queues are referenced by model, SIDs are filled in below.
everyone_model = taskrouter.everyone_queue()
support_model = taskrouter.TaskQueue(
    key="support",
    friendly_name="Support",
    target_workers="routing.skills HAS 'support'",
    max_reserved_workers=support_max_reserved,
)
assign_model = taskrouter.default_route(everyone_model)
support_routing = taskrouter.Workflow(
    friendly_name="Support routing",
    filters=(
        taskrouter.Filter(
            name="Support",
            expression="needs == 'support'",
            targets=(taskrouter.Target(queue=support_model, timeout=120), taskrouter.Target(queue=everyone_model)),
        ),
    ),
    default_filter=taskrouter.Target(queue=everyone_model),
)

# The IVR, as typed widgets: per-environment SIDs are parameters.
WORKFLOW_SID, VOICE_CHANNEL_SID = studio.Parameter("WORKFLOW_SID"), studio.Parameter("VOICE_CHANNEL_SID")
with studio.Flow("Lifecycle test IVR") as ivr:
    trigger = studio.Trigger()
    greet = studio.SayPlay("greet", say=greeting, loop=1)
    to_agent = studio.SendToFlex(
        "to_agent",
        workflow=WORKFLOW_SID,
        channel=VOICE_CHANNEL_SID,
        attributes='{"type": "inbound", "name": "{{trigger.call.From}}"}',
    )
    trigger.on_incoming_call >> greet >> to_agent
    trigger.on("incomingMessage") >> to_agent

# Flex defaults: adopted, never duplicated, never deleted.
workspace = Workspace("flex-workspace", friendly_name="Flex Task Assignment")
everyone = TaskQueue(
    "everyone",
    workspace_sid=workspace.sid,
    friendly_name=everyone_model.friendly_name,
    target_workers=everyone_model.target_workers,
)
voice = TaskChannel("voice", workspace_sid=workspace.sid, unique_name="voice", friendly_name="Voice")
offline = Activity("offline", workspace_sid=workspace.sid, friendly_name="Offline", available=False)
assign_to_anyone = Workflow(
    "assign-to-anyone",
    workspace_sid=workspace.sid,
    friendly_name="Assign to Anyone",
    configuration=everyone.sid.apply(lambda sid: assign_model.to_json({everyone_model.key: sid})),
)

# Created by the program.
lunch = Activity("lunch", workspace_sid=workspace.sid, friendly_name="Lunch", available=lunch_available)
callback = TaskChannel("callback", workspace_sid=workspace.sid, unique_name="callback", friendly_name="Callback")
support = TaskQueue(
    "support",
    workspace_sid=workspace.sid,
    friendly_name=support_model.friendly_name,
    target_workers=support_model.target_workers,
    max_reserved_workers=support_model.max_reserved_workers,
    task_order=support_model.task_order,
)


workflow = Workflow(
    "support-workflow",
    workspace_sid=workspace.sid,
    friendly_name=support_routing.friendly_name,
    configuration=pulumi.Output.all(support=support.sid, everyone=everyone.sid).apply(support_routing.to_json),
)


flow = StudioFlow(
    "ivr",
    friendly_name="Lifecycle IVR",
    definition=pulumi.Output.all(WORKFLOW_SID=workflow.sid, VOICE_CHANNEL_SID=voice.sid).apply(ivr.to_json),
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
