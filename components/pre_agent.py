"""``PreAgentWorkflow``: everything one stack deploys, composed from Routing, flows and their triggers."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.flow import FlowDeployment, FlowDeploymentArgs
from components.routing import Routing, RoutingArgs, slug
from components.settings import StackSettings
from components.triggers import (
    ConversationsAddressTrigger,
    ConversationsAddressTriggerArgs,
    PhoneNumberTrigger,
    PhoneNumberTriggerArgs,
)
from flows import ContactCenter, FlowSpec
from flows.catalog import FlowKey
from flows.parameters import TASK_CHANNEL_SID, WORKFLOW_SID
from studio import Flow, Parameter

TYPE = "flex-pre-agent:pre_agent:PreAgentWorkflow"
# The trigger event a flow must handle for each way it is started.
TRIGGER_EVENTS: dict[FlowKey, str] = {
    "voice": "incomingCall",
    "messaging": "incomingMessage",
    "conversations": "incomingConversationMessage",
}


class TriggerError(pulumi.RunError):
    """A flow nothing starts, or a number or address that starts a flow that does not handle how it is started.

    A RunError, so the engine shows the message and no traceback.
    """


def trigger_problems(settings: StackSettings, center: ContactCenter) -> list[str]:
    """Flows nothing starts, and numbers or addresses that start a flow without the matching trigger event."""
    wanted = [(f"phoneNumbers {entry.number} voice", entry.voice, TRIGGER_EVENTS["voice"])
              for entry in settings.phone_numbers if entry.voice]
    wanted += [(f"phoneNumbers {entry.number} messaging", entry.messaging, TRIGGER_EVENTS["messaging"])
               for entry in settings.phone_numbers if entry.messaging]
    wanted += [(f"conversationsAddresses {entry.address}", entry.flow, TRIGGER_EVENTS["conversations"])
               for entry in settings.conversations_addresses]
    problems = [
        f"flow {spec.key!r} is started by no number or address (phoneNumbers has {len(settings.phone_numbers)} "
        f"entries): add a phoneNumbers or conversationsAddresses entry that starts it"
        for spec in center.flows
        if spec.key not in {key for _, key, _ in wanted}
    ]
    for where, key, event in wanted:
        assert key is not None
        if event not in handled_events(center.flow(key).flow):
            problems.append(f"{where} starts flow {key!r}, whose trigger has no {event} "
                            f"transition; point it at the flow that handles {event}")
    return problems


def handled_events(flow: Flow) -> set[str]:
    """The trigger events ``flow`` handles (its trigger's transitions that lead somewhere)."""
    definition = flow.to_definition(placeholders=True)
    return {transition["event"] for state in definition["states"] if state["type"] == "trigger"
            for transition in state.get("transitions", []) if transition.get("next")}


@dataclass(frozen=True, kw_only=True)
class PreAgentWorkflowArgs:
    """The stack's settings and the contact center built from them."""

    settings: StackSettings
    contact_center: ContactCenter


class PreAgentWorkflow(pulumi.ComponentResource):
    """Routing, one Studio flow per trigger type, and the numbers and addresses that start them.

    With ``settings.protect`` every resource is protected and number bindings are kept on delete.
    """

    routing: Routing
    flows: dict[FlowKey, FlowDeployment]
    phone_numbers: dict[str, PhoneNumberTrigger]
    conversations_addresses: dict[str, ConversationsAddressTrigger]

    def __init__(self, name: str, args: PreAgentWorkflowArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        settings, center = args.settings, args.contact_center
        problems = trigger_problems(settings, center)
        if problems:
            raise TriggerError(f"Pulumi.{pulumi.get_stack()}.yaml: " + "\n".join(problems))
        protect = pulumi.ResourceOptions(protect=settings.protect)
        super().__init__(TYPE, name, None, pulumi.ResourceOptions.merge(protect, opts))
        self.routing = Routing("routing", RoutingArgs(workspace=center.workspace), self._child())
        self.flows = {spec.key: self._flow(spec, settings) for spec in center.flows}
        # One binding per flow a number starts; the first keeps the name a one-flow number always had.
        self.phone_numbers = {
            f"{entry.number}{'' if index == 0 else ' messaging'}": PhoneNumberTrigger(
                f"number-{entry.number.lstrip('+')}{'' if index == 0 else '-messaging'}",
                PhoneNumberTriggerArgs(
                    phone_number=entry.number,
                    webhook_url=self.flows[flow].webhook_url,
                    voice="voice" in channels,
                    messaging="messaging" in channels,
                    retain_on_delete=settings.protect,
                ),
                self._child(),
            )
            for entry in settings.phone_numbers
            for index, (flow, channels) in enumerate(entry.bindings.items())
        }
        self.conversations_addresses = {
            entry.address: ConversationsAddressTrigger(
                f"address-{slug(entry.type)}-{slug(entry.address)}",
                ConversationsAddressTriggerArgs(
                    address=entry.address, address_type=entry.type, flow_sid=self.flows[entry.flow].sid
                ),
                self._child(),
            )
            for entry in settings.conversations_addresses
        }
        self.register_outputs(self.outputs())

    def _child(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self)

    def _flow(self, spec: FlowSpec, settings: StackSettings) -> FlowDeployment:
        parameters: dict[Parameter, pulumi.Input[str]] = {
            **settings.flow_parameters(),
            WORKFLOW_SID: self.routing.workflow_sids[spec.workflow],
            TASK_CHANNEL_SID: self.routing.channel_sids[spec.channel],
        }
        used = set(spec.flow.parameter_names())
        return FlowDeployment(
            f"flow-{spec.key}",
            FlowDeploymentArgs(
                flow=spec.flow,
                friendly_name=spec.friendly_name,
                parameters={parameter: value for parameter, value in parameters.items() if parameter.name in used},
                account_sid=settings.account_sid,
            ),
            self._child(),
        )

    def outputs(self) -> dict[str, object]:
        """What a user or another stack needs: every SID, webhook URL and flow definition hash."""
        return {
            "workspaceSid": self.routing.workspace_sid,
            "taskChannelSids": self.routing.channel_sids,
            "queueSids": self.routing.queue_sids,
            "workflowSids": self.routing.workflow_sids,
            "flowSids": {key: flow.sid for key, flow in self.flows.items()},
            "flowWebhookUrls": {key: flow.webhook_url for key, flow in self.flows.items()},
            "flowDefinitionHashes": {key: flow.definition_hash for key, flow in self.flows.items()},
            "phoneNumberBindingSids": {key.split()[0]: trigger.sid for key, trigger in self.phone_numbers.items()},
            "conversationsAddressSids": {address: t.sid for address, t in self.conversations_addresses.items()},
        }
