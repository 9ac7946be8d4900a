"""The policy pack's rules as functions: what each refuses, and what it leaves alone."""

from __future__ import annotations

import json

from policy.flex_policies import (
    BINDING,
    FLOW,
    TYPE_PREFIX,
    UNKNOWN,
    Resource,
    invalid_flow,
    removals,
    sid_literals,
    stack_of,
    unprotected,
)
from studio.keyed import keyed_definition

QUEUE = TYPE_PREFIX + "TaskQueue"
WS, WW = "WS" + "a" * 32, "WW" + "b" * 32


def _urn(name: str, type_: str = QUEUE, stack: str = "prod") -> str:
    return f"urn:pulumi:{stack}::flex-pre-agent::{type_}::{name}"


def _flow(definition: object, **kwargs: object) -> Resource:
    return Resource(urn=_urn("ivr", FLOW), type=FLOW, props={"definition": definition}, **kwargs)  # type: ignore[arg-type]


def _definition(initial: str = "Trigger", workflow: str = WW) -> dict[str, object]:
    return {
        "description": "IVR",
        "initial_state": initial,
        "flags": {"allow_concurrent_calls": True},
        "states": [
            {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "to_flex"}],
             "properties": {"offset": {"x": 0, "y": 0}}},
            {"name": "to_flex", "type": "send-to-flex", "transitions": [],
             "properties": {"workflow": workflow, "channel": "TC" + "c" * 32, "offset": {"x": 0, "y": 200}}},
        ],
    }


def test_the_stack_is_read_from_the_urn() -> None:
    assert stack_of(_urn("x", stack="dev")) == "dev"


def test_a_protected_stack_refuses_an_unprotected_resource_and_names_the_fix() -> None:
    queue = Resource(urn=_urn("vip"), type=QUEUE, props={})

    message = unprotected(queue, "prod", ["prod"])

    assert message is not None
    assert "TaskQueue 'vip' is not protected in stack 'prod'" in message
    assert "protect: true" in message
    assert unprotected(queue, "dev", ["prod"]) is None
    assert unprotected(Resource(urn=_urn("vip"), type=QUEUE, props={}, protect=True), "prod", ["prod"]) is None


def test_a_flow_that_cannot_run_is_refused_by_widget_and_an_unknown_one_waits() -> None:
    assert invalid_flow(_flow(json.dumps(_definition()))) == []
    assert invalid_flow(_flow(keyed_definition(_definition()))) == []  # as the StudioFlow resource carries it
    through_grpc = json.loads(json.dumps(_definition()).replace('"x": 0', '"x": 0.0'))  # every number a float
    assert invalid_flow(_flow(keyed_definition(through_grpc))) == []
    problems = invalid_flow(_flow(_definition(initial="nowhere")))
    assert problems
    assert all("StudioFlow 'ivr'" in p for p in problems)
    assert any("initial_state" in p for p in problems)
    assert invalid_flow(_flow(UNKNOWN)) == []


def test_a_sid_typed_into_an_input_is_refused_but_an_output_or_adopt_sid_is_not() -> None:
    literal = Resource(urn=_urn("q"), type=QUEUE, props={"workspace_sid": WS, "adopt_sid": "WQ" + "d" * 32},
                       dependencies={})
    wired = Resource(urn=_urn("q"), type=QUEUE, props={"workspace_sid": WS}, dependencies={"workspace_sid": ["ws"]})

    [message] = sid_literals(literal, set())

    assert f"workspace_sid is the literal '{WS}'" in message
    assert sid_literals(wired, set()) == []


def test_a_flow_may_name_only_sids_of_the_stack() -> None:
    flow = _flow(json.dumps(_definition()), dependencies={"definition": ["wf"]})

    assert sid_literals(flow, {WW, "TC" + "c" * 32}) == []
    [message] = sid_literals(flow, {"TC" + "c" * 32})
    assert WW in message
    assert "studio.Parameter" in message


def test_removing_a_binding_or_an_adopted_default_is_a_removal_and_others_are_not() -> None:
    binding = Resource(urn=_urn("main", BINDING), type=BINDING, props={"phone_number": "+15005550006"})
    everyone = Resource(urn=_urn("everyone"), type=QUEUE, props={"adopted": True})
    created = Resource(urn=_urn("vip"), type=QUEUE, props={"adopted": False})

    found = removals([binding, everyone, created], [])

    assert [r.urn for r in found] == [binding.urn, everyone.urn]
    assert "+15005550006" in found[0].keys
    assert "--policy-pack-config" in found[0].refused()
    assert removals([binding], [binding]) == []
