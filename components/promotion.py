"""The promotion gate: a stack deploys only flows and routing whose environment-independent definition ran in
the stack it promotes from (``promoteFrom``), read through a StackReference.

Build once, ship by hash: every stack exports ``flowDefinitionHashes`` (each flow with every parameter as
``${NAME}``) and ``routingHashes`` (each workflow's configuration with queues as ``${key}``, and the queues it
routes to). A stack with ``promoteFrom: dev`` compares its own hashes with dev's; a flow or workflow whose hash
dev never exported is refused, with the list of everything that differs, and nothing of it is sent (a queue's
settings included: they are part of every routing hash that routes to it). The
``promotionOverride`` config (a reason) lets it through for an emergency: a warning in the log and the
``promotion`` stack output say so.

The check runs when the stack is deployed (``pulumi up``); a preview does not read the other stack (which may
not exist in a fresh backend): ``flexctl promote-diff dev prod`` shows the difference beforehand. The gate is a
resource transformation on the stack's component, so it applies to every ``StudioFlow``, ``TaskRouterWorkflow`` and
``TaskQueue`` under it by friendly name, without the components knowing about promotion.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pulumi

import taskrouter
from components.resources import StudioFlow, TaskQueue, TaskRouterWorkflow

FLOW_HASHES = "flowDefinitionHashes"
QUEUE_SETTINGS = ("target_workers", "max_reserved_workers", "task_order", "reservation_activity_sid",
                  "assignment_activity_sid")
"""A queue's inputs that its model, and so every routing hash of a workflow routing to it, holds."""
ROUTING_HASHES = "routingHashes"


class PromotionRefused(pulumi.RunError):
    """What this stack would deploy never ran in the stack it promotes from; the message lists it."""


def routing_hashes(workspace: taskrouter.Workspace) -> dict[str, str]:
    """SHA-256 of each workflow's environment-independent routing, by friendly name."""
    hashes = {}
    for workflow in workspace.workflows:
        queues = workflow.queues()
        document = {
            "configuration": workflow.to_configuration({queue.key: "${" + queue.key + "}" for queue in queues}),
            "queues": {queue.key: queue.model_dump(mode="json", exclude={"key"}) for queue in queues},
        }
        hashes[workflow.friendly_name] = hashlib.sha256(
            json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return hashes


def differences(flows: Mapping[str, str], routing: Mapping[str, str], ran: Mapping[str, Any],
                friendly_names: Mapping[str, str]) -> list[str]:
    """What this stack would deploy that the source stack never ran (``ran``: its exported outputs)."""
    ran_flows = ran.get(FLOW_HASHES) or {}
    ran_routing = ran.get(ROUTING_HASHES) or {}
    found = [f"flow {name!r} ({friendly_names.get(name, name)}): {_short(digest)} here, "
             f"{_short(ran_flows.get(name))} there" for name, digest in flows.items() if ran_flows.get(name) != digest]
    found += [f"workflow {name!r}: {_short(digest)} here, {_short(ran_routing.get(name))} there"
              for name, digest in routing.items() if ran_routing.get(name) != digest]
    return found


def queue_workflows(workspace: taskrouter.Workspace) -> dict[str, list[str]]:
    """Each queue's friendly name -> the workflows routing to it (whose routing hashes hold its settings)."""
    found: dict[str, list[str]] = {}
    for workflow in workspace.workflows:
        for queue in workflow.queues():
            found.setdefault(queue.friendly_name or queue.key, []).append(workflow.friendly_name)
    return found


def _short(digest: object) -> str:
    return str(digest)[:12] if digest else "never deployed"


class PromotionGate:
    """Wraps flow definitions and workflow configurations so that what never ran in ``source`` is refused."""

    def __init__(self, *, stack: str, source: str, override: str, flows: Mapping[str, str],
                 friendly_names: Mapping[str, str], routing: Mapping[str, str],
                 queues: Mapping[str, Sequence[str]] | None = None, protect: bool = False) -> None:
        self.stack, self.source, self.override = stack, source, override
        self.flows, self.routing = dict(flows), dict(routing)
        self.queues = {name: tuple(workflows) for name, workflows in (queues or {}).items()}
        """A queue's friendly name -> the workflows routing to it: it is refused with any of them."""
        self.by_friendly_name = {friendly: name for name, friendly in friendly_names.items()}
        self.friendly_names = dict(friendly_names)
        self.checking = not pulumi.runtime.is_dry_run()
        self.ran: Mapping[str, Any] | None = None
        """The source stack's outputs, once read."""
        self.verdict: pulumi.Output[list[str]] = pulumi.Output.from_input([])
        if self.checking:
            _require_source(stack, source)
            reference = pulumi.StackReference(f"promote-from-{source}", stack_name=source,
                                              opts=pulumi.ResourceOptions(protect=protect))  # as the stack's own
            self.verdict = reference.outputs.apply(self._judge)

    def _judge(self, outputs: Mapping[str, Any] | None) -> list[str]:
        if outputs is None:  # only Pulumi's mocks answer so; the engine gives the stack's outputs, or fails
            return []
        found = differences(self.flows, self.routing, outputs, self.friendly_names)
        self.ran = outputs
        if found and self.override:
            pulumi.log.warn(f"promotion gate overridden ({self.override!r}): deploying to {self.stack} what never "
                            f"ran in {self.source}:\n" + "\n".join(f"  - {item}" for item in found))
        return found

    def _message(self, found: list[str]) -> str:
        return (f"stack {self.stack} promotes from {self.source} (promoteFrom), and what it would deploy differs from "
                f"what ran there:\n" + "\n".join(f"  - {item}" for item in found) + "\n" + self._advice() +
                "; or in an emergency set promotionOverride to the reason (logged and exported).")

    def _advice(self) -> str:
        """Why they differ: this code never ran in the source, or the source's stack file builds them otherwise."""
        ran = self.ran or {}
        pairs = {**{f"flow {name!r}": (digest, (ran.get(FLOW_HASHES) or {}).get(name))
                    for name, digest in self.flows.items()},
                 **{f"workflow {name!r}": (digest, (ran.get(ROUTING_HASHES) or {}).get(name))
                    for name, digest in self.routing.items()}}
        differing = {key: here for key, (here, there) in pairs.items() if here != there}
        built = built_by(self.source)
        unshipped = [key for key, here in differing.items() if built is not None and built.get(key) == here]
        otherwise = [key for key in differing if key not in unshipped]
        advice = []
        if unshipped:
            them = "it" if len(unshipped) == 1 else "them"
            advice.append(f"{', '.join(unshipped)}: Pulumi.{self.source}.yaml builds {them} from this code as "
                          f"{self.stack} does, so this code has not run in {self.source} yet: deploy it there first "
                          f"(`pulumi up --stack {self.source}`)")
        if otherwise or not advice:
            advice.append(f"{', '.join(otherwise) or 'what differs'}: deploy the change to {self.source} first; if it "
                          f"ran there, the two stack files build it differently (`python -m flexctl promote-diff "
                          f"{self.source} {self.stack}` shows how)")
        return "\n".join(advice)

    def transformation(self, args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        """Make each gated resource's document wait for, and depend on, the verdict."""
        if not self.checking:
            return None
        props = dict(args.props)
        friendly = props.get("friendly_name")
        keys: tuple[str, ...]
        labels: tuple[str, ...]
        if isinstance(args.resource, StudioFlow) and friendly in self.by_friendly_name:
            keys, labels = ("definition",), (f"flow {self.by_friendly_name[str(friendly)]!r}",)
        elif isinstance(args.resource, TaskRouterWorkflow) and friendly in self.routing:
            keys, labels = ("configuration",), (f"workflow {friendly!r}",)
        elif isinstance(args.resource, TaskQueue) and friendly in self.queues:
            keys = tuple(key for key in QUEUE_SETTINGS if props.get(key) is not None)
            labels = tuple(f"workflow {name!r}" for name in self.queues[str(friendly)])
        else:
            return None

        def gated(value: Any, found: list[str]) -> Any:
            mine = any(item.startswith((label + " ", label + ":")) for item in found for label in labels)
            if mine and not self.override:
                raise PromotionRefused(self._message(found))
            return value

        # Not Output.all(verdict, document): it would lift every dict and list of the document into an Output
        # of its own (thousands for a flow); an Output returned by apply is awaited whole.
        for key in keys:
            props[key] = self.verdict.apply(partial(gated, props[key]))
        return pulumi.ResourceTransformationResult(props, args.opts)

    def outputs(self) -> pulumi.Output[dict[str, Any]]:
        """The ``promotion`` stack output: where from, whether it was checked, what differs, the override."""
        return self.verdict.apply(lambda found: {
            "from": self.source, "checked": self.checking, "differs": found, "override": self.override or None})


def _require_source(stack: str, source: str) -> None:
    """Stop an ``up`` whose ``promoteFrom`` stack is not in this backend, saying to deploy it first: the
    StackReference alone fails with the engine's bare ``unknown stack "dev"``."""
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_monitor

    if isinstance(get_monitor(), MockMonitor):
        return  # under Pulumi's mocks there is no backend to ask
    name = source if "/" in source else f"{pulumi.get_organization()}/{pulumi.get_project()}/{source}"
    try:
        pulumi.runtime.invoke("pulumi:pulumi:readStackOutputs", {"name": name})
    except Exception as error:  # the engine's answer is only a message
        if "unknown stack" not in str(error):
            return  # the StackReference says what else is wrong
        raise PromotionRefused(
            f"stack {stack} promotes from {source} (promoteFrom in Pulumi.{stack}.yaml), and this backend has no "
            f"stack {source}: {stack} deploys only what ran there. Deploy {source} first (`pulumi stack init "
            f"{source}` the first time, then `pulumi up --stack {source}`), then {stack}; no flow or routing of "
            f"{stack} was sent") from None


def built_by(stack: str) -> dict[str, str] | None:
    """What ``Pulumi.<stack>.yaml`` here builds from this code (``flow 'x'`` / ``workflow 'y'`` -> hash), or None
    when it cannot be read (another project's stack, a stack file with problems): only for a refusal's advice."""
    from pathlib import Path

    from components.plan import read_stack_plan

    if "/" in stack:
        return None
    try:
        plan = read_stack_plan(Path.cwd(), stack)
    except Exception:  # the advice falls back to naming both causes
        return None
    if plan.problems:
        return None
    return {**{f"flow {flow.name!r}": flow.definition_hash for flow in plan.flows},
            **{f"workflow {name!r}": digest for name, digest in routing_hashes(plan.workspace).items()}}


def promotion_gate(plan: Any) -> PromotionGate | None:
    """The gate of a stack's plan (``components.plan.StackPlan``), or None when it promotes from nowhere."""
    settings = plan.settings
    if not settings.promote_from:
        return None
    return PromotionGate(
        stack=plan.stack, source=settings.promote_from, override=settings.promotion_override,
        flows={flow.name: flow.definition_hash for flow in plan.flows},
        friendly_names={flow.name: flow.friendly_name for flow in plan.flows},
        routing=routing_hashes(plan.workspace), queues=queue_workflows(plan.workspace), protect=settings.protect,
    )
