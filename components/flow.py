"""``FlowDeployment``: a ``studio.Flow`` with its parameters bound to Pulumi outputs, validated and deployed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

import studio
from components.drift import deploy_stamp
from components.errors import cleanly
from components.options import child_options
from components.resources import StudioFlow
from flows.registry import definition_hash
from studio.keyed import keyed_definition

TYPE = "flex-pre-agent:flow:FlowDeployment"
WEBHOOK_URL = "https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{flow_sid}"


class FlowDefinitionError(ValueError):
    """A flow that cannot be deployed: parameters without a value, or problems Studio would reject."""


@dataclass(frozen=True, kw_only=True)
class FlowDeploymentArgs:
    """A flow, the value of each of its ``Parameter``s, and where it lives."""

    flow: studio.Flow
    friendly_name: str
    parameters: Mapping[studio.Parameter, pulumi.Input[str]]
    account_sid: pulumi.Input[str]
    """The flow's account: its webhook URL is derived from it and the flow's SID."""
    commit_message: str | None = field(default_factory=deploy_stamp)
    """Every revision a deploy makes says so: ``flex-pre-agent <git sha>`` (``components.drift``)."""
    canary_test_users: Sequence[str] = ()
    """A canary: a changed definition deploys as a draft only these addresses run (Studio's test users)."""
    formerly: Sequence[str] = ()
    """Resource names this deployment had before its flow was renamed (``flow-voice``): kept as aliases, so
    the Studio flow is updated, not replaced (the component gets the same aliases in its options)."""


def check_flow(name: str, flow: studio.Flow, parameters: Mapping[studio.Parameter, object]) -> None:
    """Refuse a flow whose parameters and values disagree or that has errors, before anything registers."""
    wanted = set(flow.parameter_names())
    given = {parameter.name for parameter in parameters}
    if wanted != given:
        missing, unused = sorted(wanted - given), sorted(given - wanted)
        raise FlowDefinitionError(
            f"flow {name!r}: parameters without a value: {', '.join(missing) or 'none'}; values for parameters the "
            f"flow does not use: {', '.join(unused) or 'none'}; give exactly one value per Parameter the flow uses"
        )
    errors = [problem for problem in flow.validate() if problem.severity == "error"]
    if errors:
        raise FlowDefinitionError(f"flow {name!r} is not valid:\n" + "\n".join(f"  - {p}" for p in errors))


class FlowDeployment(pulumi.ComponentResource):
    """Deploys ``args.flow`` as a published Studio flow; its outputs are the SID and the webhook URL."""

    sid: pulumi.Output[str]
    webhook_url: pulumi.Output[str]
    definition_hash: str
    """SHA-256 of the environment-independent definition (parameters as ``${NAME}``)."""

    def __init__(self, name: str, args: FlowDeploymentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_flow(name, args.flow, args.parameters)
        super().__init__(TYPE, name, None, opts)
        values = {parameter.name: value for parameter, value in args.parameters.items()}
        resource = StudioFlow(
            f"{name}-studio",
            friendly_name=args.friendly_name,
            # States keyed by widget name: a preview shows the one widget a change touches.
            definition=pulumi.Output.all(**values).apply(
                cleanly(lambda sids: keyed_definition(args.flow.to_definition(sids)))
            ),
            commit_message=args.commit_message,
            status="draft" if args.canary_test_users else "published",
            test_users=list(args.canary_test_users) or None,
            opts=pulumi.ResourceOptions.merge(child_options(self, f"{name}-studio"), pulumi.ResourceOptions(
                aliases=[pulumi.Alias(name=f"{old}-studio") for old in args.formerly])),
        )
        self.sid = resource.id
        self.webhook_url = pulumi.Output.all(account_sid=args.account_sid, flow_sid=resource.id).apply(
            lambda ids: WEBHOOK_URL.format(**ids)
        )
        self.definition_hash = definition_hash(args.flow)
        self.register_outputs(
            {"sid": self.sid, "webhook_url": self.webhook_url, "definition_hash": self.definition_hash}
        )
