"""A small program that uses every Twilio resource type, for the lifecycle tests on the real engine.

Its knobs live in the ``lifecycle:`` config namespace, apart from the project's own config, so that a
test changes exactly one thing: ``greeting`` (one widget), ``supportMaxReserved`` (one queue),
``eventCallbackUrl`` (one workspace field), ``lunchAvailable`` (an activity's immutable availability),
``smsAddressType`` (an address's immutable type), ``supportName`` (the queue's resource name, a rename
without an alias), ``supportTargets`` (a field under ``replace_on_changes``), ``supportFriendlyName`` (the
queue's name in Twilio, which Twilio keeps unique in a workspace), ``protect``,
``retainSupport`` (retain_on_delete), ``importSupport`` (the import_ option), ``extraQueues`` (many
creates at once), ``unknownInputs`` (a number and a name known only after apply), and for the policy
pack ``startAtGreeting`` (a flow that cannot run), ``unbindMainNumber`` and ``literalWorkspaceSid``. Dependents are
wired by ``.id``, which stays known in a preview of an update. Flows and routing are built with the
studio and taskrouter toolkits.
"""

import json
import sys

import pulumi

import studio
import taskrouter
from components.errors import quiet_when_cancelled
from components.resources import (
    Activity,
    ConversationsAddress,
    PhoneNumberBinding,
    StudioFlow,
    TaskChannel,
    TaskQueue,
    TaskRouterWorkflow,
    Workspace,
)

quiet_when_cancelled()
config = pulumi.Config("lifecycle")
account_sid = pulumi.Config("flex-pre-agent").require("accountSid")
phone_numbers: list[str] = config.require_object("phoneNumbers")
greeting = config.get("greeting") or "Thanks for calling. Connecting you to an agent."
support_max_reserved = config.get_int("supportMaxReserved") or 1
lunch_available = config.get_bool("lunchAvailable") or False
protect = config.get_bool("protect") or False


def opts(**options: object) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(protect=protect, **options)  # type: ignore[arg-type]


# Routing, as data: queues are referenced by model, SIDs are filled in below.
everyone_model = taskrouter.TaskQueue(key="everyone", friendly_name="Everyone", target_workers="1==1")
support_model = taskrouter.TaskQueue(
    key="support",
    friendly_name=config.get("supportFriendlyName") or "Support",
    target_workers=config.get("supportTargets") or "routing.skills HAS 'support'",
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

# Flex defaults: adopted, never duplicated, never deleted; destroy gives back what they had.
workspace = Workspace(
    "flex-workspace",
    friendly_name="Flex Task Assignment",
    event_callback_url=config.get("eventCallbackUrl"),
    opts=opts(),
)
everyone = TaskQueue(
    "everyone",
    workspace_sid=workspace.id,
    friendly_name=everyone_model.friendly_name,
    target_workers=everyone_model.target_workers,
    max_reserved_workers=2,
    opts=opts(),
)
voice = TaskChannel("voice", workspace_sid=workspace.id, unique_name="voice", friendly_name="Voice", opts=opts())
offline = Activity("offline", workspace_sid=workspace.id, friendly_name="Offline", available=False, opts=opts())
assign_to_anyone = TaskRouterWorkflow(
    "assign-to-anyone",
    workspace_sid=workspace.id,
    friendly_name="Assign to Anyone",
    configuration=everyone.id.apply(lambda sid: assign_model.to_json({everyone_model.key: sid})),
    opts=opts(),
)

# Created by the program.
lunch = Activity("lunch", workspace_sid=workspace.id, friendly_name="Lunch", available=lunch_available, opts=opts())
callback = TaskChannel(
    "callback", workspace_sid=workspace.id, unique_name="callback", friendly_name="Callback", opts=opts()
)
support = TaskQueue(
    config.get("supportName") or "support",
    workspace_sid=workspace.id,
    friendly_name=support_model.friendly_name,
    target_workers=support_model.target_workers,
    max_reserved_workers=support_max_reserved,  # straight to the provider, whose check must catch a bad value
    task_order=support_model.task_order,
    reservation_activity_sid=lunch.id,
    opts=opts(
        import_=config.get("importSupport"),
        replace_on_changes=["target_workers"],
        retain_on_delete=config.get_bool("retainSupport") or False,
    ),
)
workflow = TaskRouterWorkflow(
    "support-workflow",
    workspace_sid=workspace.id,
    friendly_name=support_routing.friendly_name,
    configuration=pulumi.Output.all(support=support.id, everyone=everyone.id).apply(support_routing.to_json),
    opts=opts(),
)


def ivr_definition(values: dict[str, str]) -> str:
    """The IVR's JSON; with ``startAtGreeting`` it starts past its trigger (Studio takes it; it cannot run)."""
    text = ivr.to_json(values)
    return json.dumps({**json.loads(text), "initial_state": "greet"}) if config.get_bool("startAtGreeting") else text


flow = StudioFlow(
    "ivr",
    friendly_name="Lifecycle IVR",
    definition=pulumi.Output.all(WORKFLOW_SID=workflow.id, VOICE_CHANNEL_SID=voice.id).apply(ivr_definition),
    commit_message="Deployed by flex-pre-agent",
    opts=opts(),
)
webhook_url = flow.id.apply(lambda sid: f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{sid}")

# Triggers. With unknownInputs, the number and a name are known only once `lunch` exists.
unknown = config.get_bool("unknownInputs") or False
main_number = lunch.id.apply(lambda _: phone_numbers[0]) if unknown else phone_numbers[0]
address_name = lunch.id.apply(lambda _: "SMS entry") if unknown else "SMS entry"
if not config.get_bool("unbindMainNumber"):
    PhoneNumberBinding("main-number", phone_number=main_number, webhook_url=webhook_url, voice=True, opts=opts())
ConversationsAddress(
    "sms-address",
    address=phone_numbers[1],
    address_type=config.get("smsAddressType") or "sms",
    friendly_name=address_name,
    flow_sid=flow.id,
    retry_count=3,
    opts=opts(),
)

# Many creates at once, as the engine runs them (parallel calls into one provider process).
for index in range(config.get_int("extraQueues") or 0):
    TaskQueue(f"extra-{index}", workspace_sid=workspace.id, friendly_name=f"Extra {index}", opts=opts())

# A queue whose workspace SID is typed in, not taken from the workspace's output (the policy pack refuses it).
if literal_workspace := config.get("literalWorkspaceSid"):
    TaskQueue("literal-queue", workspace_sid=literal_workspace, friendly_name="Literal", opts=opts())

pulumi.export("flowSid", flow.id)
pulumi.export("webhookUrl", webhook_url)
pulumi.export("supportSid", support.id)
pulumi.export("python", sys.prefix)  # which virtualenv ran the program
