"""``PreAgentWorkflow``: everything one stack deploys, composed from Routing, flows and their triggers.

What it deploys is the stack's plan (:func:`components.plan.plan_stack`), the same one ``flexctl render``
shows; a plan with problems stops it before anything registers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.flow import FlowDeployment, FlowDeploymentArgs
from components.plan import PlannedFlow, StackPlan
from components.routing import Routing, RoutingArgs, slug
from components.triggers import (
    ConversationsAddressTrigger,
    ConversationsAddressTriggerArgs,
    PhoneNumberTrigger,
    PhoneNumberTriggerArgs,
)
from studio import Parameter

TYPE = "flex-pre-agent:pre_agent:PreAgentWorkflow"


@dataclass(frozen=True, kw_only=True)
class PreAgentWorkflowArgs:
    """The stack's plan (``components.plan.plan_stack``): its settings, routing and the flows it deploys."""

    plan: StackPlan


class PreAgentWorkflow(pulumi.ComponentResource):
    """Routing, one Studio flow per trigger type, and the numbers and addresses that start them.

    With ``settings.protect`` every resource is protected. A binding deleted anyway (protection lifted, then
    ``destroy``) puts the number back as it was, as everywhere: kept, it would point at the flow the same
    destroy deletes.
    """

    routing: Routing
    flows: dict[str, FlowDeployment]
    """By the flow's registered name."""
    phone_numbers: dict[str, PhoneNumberTrigger]
    conversations_addresses: dict[str, ConversationsAddressTrigger]
    canary_test_users: tuple[str, ...]
    """With ``canaryTestUsers``: changed flows deploy as drafts only these addresses run."""

    def __init__(self, name: str, args: PreAgentWorkflowArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        plan = args.plan
        plan.raise_if_problems()
        settings = plan.settings
        protect = pulumi.ResourceOptions(protect=settings.protect)
        super().__init__(TYPE, name, None, pulumi.ResourceOptions.merge(protect, opts))
        self.canary_test_users = settings.canary_test_users
        adopt = settings.adopt
        self.routing = Routing("routing", RoutingArgs(workspace=plan.workspace, adopt_queues=frozenset(adopt.queues),
                                                      adopt_workflows=frozenset(adopt.workflows)), self._child())
        self.flows = {}
        for planned in plan.flows:  # subflows first: a flow's parameters may take their SIDs
            self.flows[planned.name] = self._flow(planned, settings.account_sid)
        # One binding per flow a number starts; the first keeps the name a one-flow number always had.
        self.phone_numbers = {
            f"{entry.number}{'' if index == 0 else ' messaging'}": PhoneNumberTrigger(
                f"number-{entry.number.lstrip('+')}{'' if index == 0 else '-messaging'}",
                PhoneNumberTriggerArgs(
                    phone_number=entry.number,
                    webhook_url=self.flows[flow].webhook_url,
                    voice="voice" in channels,
                    messaging="messaging" in channels,
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

    def _flow(self, planned: PlannedFlow, account_sid: str) -> FlowDeployment:
        by_kind = {"workflow": self.routing.workflow_sids, "task_channel": self.routing.channel_sids,
                   "queue": self.routing.queue_sids_by_name,
                   "flow": {key: flow.sid for key, flow in self.flows.items()}}
        parameters: dict[Parameter, pulumi.Input[str]] = {
            **{Parameter(name): value for name, value in planned.values.items()},
            **{Parameter(name): by_kind[source.kind][source.name] for name, source in planned.sources.items()},
        }
        return FlowDeployment(
            f"flow-{planned.name}",
            FlowDeploymentArgs(
                flow=planned.flow,
                friendly_name=planned.friendly_name,
                parameters=parameters,
                account_sid=account_sid,
                canary_test_users=self.canary_test_users,
                formerly=[f"flow-{old}" for old in planned.entry.formerly],
            ),
            pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name=f"flow-{old}")
                                                         for old in planned.entry.formerly]),
        )

    def outputs(self) -> dict[str, object]:
        """What a user or another stack needs: every SID, webhook URL and flow definition hash."""
        return {
            "workspaceSid": self.routing.workspace_sid,
            "taskChannelSids": self.routing.channel_sids,
            "queueSids": self.routing.queue_sids_by_name,
            "workflowSids": self.routing.workflow_sids,
            "flowSids": {key: flow.sid for key, flow in self.flows.items()},
            "flowWebhookUrls": {key: flow.webhook_url for key, flow in self.flows.items()},
            "flowDefinitionHashes": {key: flow.definition_hash for key, flow in self.flows.items()},
            "phoneNumberBindingSids": {key.split()[0]: trigger.sid for key, trigger in self.phone_numbers.items()},
            "conversationsAddressSids": {address: t.sid for address, t in self.conversations_addresses.items()},
        }
