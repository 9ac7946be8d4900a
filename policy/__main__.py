"""The policy pack Pulumi runs with `pulumi preview --policy-pack policy` (and `up`): the project's safety rules.

Each rule is a function of ``flex_policies``; this file only adapts what pulumi-policy hands over. Settings go
in a file given with `--policy-pack-config` (see README "Policy as code").
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # the toolkits (studio/) come from the project itself, as Pulumi.yaml's program does

from pulumi_policy import (  # noqa: E402
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    proxy,
)

from policy.flex_policies import (  # noqa: E402
    UNKNOWN,
    Removal,
    Resource,
    deployed_resources,
    invalid_flow,
    removals,
    sid_literals,
    stack_of,
    unprotected,
)

# pulumi-policy hands over inputs behind proxies that raise on a value a preview cannot know; the rules want
# plain data with one marker for "unknown", so they can skip what they cannot judge yet.
_SENTINELS = {value for name, value in vars(proxy).items() if name.startswith("UNKNOWN_") and name.endswith("_VALUE")}


def _plain(value: Any) -> Any:
    if isinstance(value, proxy._DictProxy | proxy._ListProxy):
        value = value["__target"]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return UNKNOWN if isinstance(value, str) and value in _SENTINELS else value


def _resource(source: Any) -> Resource:
    dependencies = getattr(source, "property_dependencies", None)
    return Resource(
        urn=source.urn,
        type=source.resource_type,
        props=_plain(source.props),
        protect=bool(source.opts.protect),
        dependencies=None if dependencies is None else {k: [r.urn for r in v] for k, v in dependencies.items()},
    )


def _protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    stacks = args.get_config().get("stacks", ["prod"])
    if message := unprotected(_resource(args), stack_of(args.urn), stacks):
        report(message, args.urn)


def _valid_flows(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for message in invalid_flow(_resource(args)):
        report(message, args.urn)


def _inputs() -> dict[str, frozenset[str]]:
    """Each Twilio resource type's inputs: a stack policy sees outputs too (account_sid, default activities)."""
    from components.resources import TwilioResource

    found, classes = {}, list(TwilioResource.__subclasses__())
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if "provider" in vars(cls):
            found["pulumi-python:" + cls._resource_type_name] = frozenset(cls.provider.fields)
    return found


def _no_sid_literals(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = [_resource(r) for r in args.resources]
    managed = {str(r.props.get("sid")) for r in resources if r.props.get("sid")}
    inputs = _inputs()
    for resource in resources:
        declared = inputs.get(resource.type, frozenset())
        judged = replace(resource, props={k: v for k, v in resource.props.items() if k in declared})
        for message in sid_literals(judged, managed):
            report(message, resource.urn)


def _removals(args: StackValidationArgs) -> list[Removal]:
    declared = [_resource(r) for r in args.resources]
    if not declared:
        return []
    return removals(deployed_resources(stack_of(declared[0].urn), PROJECT), declared)


def _refuse_removals(args: StackValidationArgs, report: ReportViolation) -> None:
    allowed = set(args.get_config().get("allowed", []))
    for removal in _removals(args):
        if not removal.keys & allowed:
            report(removal.refused(), removal.urn)


def _log_removals(args: StackValidationArgs, report: ReportViolation) -> None:
    for removal in _removals(args):
        report(removal.logged(), removal.urn)


def _strings(key: str, description: str, default: list[str]) -> PolicyConfigSchema:
    return PolicyConfigSchema(
        properties={key: {"type": "array", "items": {"type": "string"}, "default": default, "description": description}}
    )


PolicyPack(
    name="flex-pre-agent",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="protected-stack",
            description="In a protected stack (prod), every Twilio resource is protected.",
            validate=_protected,
            config_schema=_strings("stacks", "Stacks whose resources must all be protected.", ["prod"]),
        ),
        ResourceValidationPolicy(
            name="valid-studio-flow",
            description="No Studio flow whose definition fails the validator (what Studio would reject).",
            validate=_valid_flows,
        ),
        StackValidationPolicy(
            name="no-sid-literals",
            description="SIDs reach inputs as outputs of the stack's resources, never as literals.",
            validate=_no_sid_literals,
        ),
        StackValidationPolicy(
            name="allow-removals",
            description="No number binding removed and no adopted Flex default deleted without an override.",
            validate=_refuse_removals,
            config_schema=_strings("allowed", "Numbers, names or URNs this run may remove.", []),
        ),
        StackValidationPolicy(
            name="removals-logged",
            description="Reports every number binding or adopted Flex default an update removes (advisory).",
            enforcement_level=EnforcementLevel.ADVISORY,
            validate=_log_removals,
        ),
    ],
)
