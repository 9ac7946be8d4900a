"""The project's safety rules as plain functions over what a policy pack sees; ``__main__.py`` wires them.

Pure apart from :func:`deployed_resources`, which reads the stack's last deployment: a policy pack sees only
the resources the program declares now, never the ones an update is about to delete, so the rules about
removals compare the program with the stack's state (`pulumi stack export`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.providers.base import canonical
from studio import validate_definition
from studio.keyed import studio_definition

TYPE_PREFIX = "pulumi-python:dynamic/twilio:"
FLOW, BINDING = TYPE_PREFIX + "StudioFlow", TYPE_PREFIX + "PhoneNumberBinding"
# SID inputs that name an object by design, not a reference to a resource of the stack.
ADOPT_INPUTS = frozenset({"adopt_sid"})
# SIDs of objects a stack manages itself: in a flow definition each must be one of the stack's resources.
MANAGED_SID = re.compile(r"\b(?:WW|TC|WQ|WS|WA|FW)[0-9a-f]{32}\b")
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's marker for a value a preview cannot know yet
OVERRIDE_HELP = (
    "If it is intended, allow it for this run: pulumi preview/up --policy-pack policy "
    "--policy-pack-config <file> with {{\"allow-removals\": {{\"allowed\": [\"{key}\"]}}}}; the override is "
    "reported in the output of that run."
)


@dataclass(frozen=True)
class Resource:
    """What the rules need of one resource: where it is, what it is, its inputs and their dependencies."""

    urn: str
    type: str
    props: Mapping[str, Any]
    protect: bool = False
    dependencies: Mapping[str, Sequence[str]] | None = None  # input -> URNs it was computed from

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def kind(self) -> str:
        return self.type.removeprefix(TYPE_PREFIX)


def stack_of(urn: str) -> str:
    """The stack a URN belongs to: ``urn:pulumi:<stack>::<project>::...``."""
    return urn.split(":", 3)[2].split("::", 1)[0]


def unprotected(resource: Resource, stack: str, protected_stacks: Iterable[str]) -> str | None:
    """In a protected stack (prod), every Twilio resource carries ``protect``."""
    if stack not in set(protected_stacks) or not resource.type.startswith(TYPE_PREFIX) or resource.protect:
        return None
    return (
        f"{resource.kind} {resource.name!r} is not protected in stack {stack!r}: every resource of a protected "
        "stack must be. Fix: keep `protect: true` in the stack file (PreAgentWorkflow protects its children), "
        "and give any resource made outside it opts=pulumi.ResourceOptions(protect=True)."
    )


def invalid_flow(resource: Resource) -> list[str]:
    """Studio would refuse the flow (or it cannot run): each error, by widget."""
    definition = resource.props.get("definition")
    if resource.type != FLOW or definition is None or UNKNOWN in str(definition):
        return []
    # As the provider reads it: JSON text parsed, and the integral floats gRPC makes of every number as ints.
    definition = canonical(definition, as_json=True)
    if isinstance(definition, str):
        return [f"StudioFlow {resource.name!r}: its definition is not JSON"]
    definition = studio_definition(definition)  # the resource carries its states keyed by widget name
    return [
        f"StudioFlow {resource.name!r}: {problem}. Fix the flow's code, then `python -m flexctl render` shows it."
        for problem in validate_definition(definition)
        if problem.severity == "error"
    ]


def sid_literals(resource: Resource, managed_ids: set[str]) -> list[str]:
    """SIDs typed into inputs where the output of a resource of the stack belongs.

    A ``*_sid`` input with no dependency was written as a literal. Inside a flow definition, whose SIDs come
    from `Parameter`s filled from outputs, a SID of a kind the stack manages must be one of its resources.
    """
    if not resource.type.startswith(TYPE_PREFIX) or resource.dependencies is None:
        return []
    found = []
    for key, value in sorted(resource.props.items()):
        literal = isinstance(value, str) and value not in ("", UNKNOWN) and not resource.dependencies.get(key)
        if literal and key.endswith("_sid") and key not in ADOPT_INPUTS:
            found.append(
                f"{resource.kind} {resource.name!r}: {key} is the literal {value!r}. Fix: pass the output of "
                "the resource it names (e.g. workspace_sid=workspace.id), so every stack and account gets "
                "its own; per-environment values belong in stack config."
            )
    if resource.type == FLOW:
        text = resource.props.get("definition")
        text = text if isinstance(text, str) else json.dumps(text)
        sids = set() if UNKNOWN in (text or "") else set(MANAGED_SID.findall(text or ""))
        for sid in sorted(sids - managed_ids):
            found.append(
                f"StudioFlow {resource.name!r}: its definition names {sid}, which is no resource of this stack. "
                "Fix: use a studio.Parameter and let the stack fill it from the resource's output."
            )
    return found


@dataclass(frozen=True)
class Removal:
    """A number binding or an adopted Flex object the update would delete."""

    what: str
    urn: str
    keys: frozenset[str]  # what an override may name: the resource's name, its URN, a binding's number

    def refused(self) -> str:
        key = min(self.keys - {self.urn}, key=len)
        return (
            f"This update removes {self.what} (URN {self.urn}): numbers keep answering calls and Flex keeps "
            f"its defaults only while the stack manages them. {OVERRIDE_HELP.format(key=key)}"
        )

    def logged(self) -> str:
        return f"This update removes {self.what} (URN {self.urn})."


def removals(deployed: Iterable[Resource], declared: Iterable[Resource]) -> list[Removal]:
    """Number bindings and adopted Flex objects in the last deployment that the program no longer declares."""
    keep = {resource.urn for resource in declared}
    found = []
    for resource in deployed:
        if resource.urn in keep:
            continue
        keys = {resource.name, resource.urn}
        if resource.type == BINDING:
            number = str(resource.props.get("phone_number"))
            found.append(Removal(f"the binding of {number}", resource.urn, frozenset({*keys, number})))
        elif resource.type.startswith(TYPE_PREFIX) and resource.props.get("adopted") is True:
            found.append(Removal(f"the adopted {resource.kind} {resource.name!r}", resource.urn, frozenset(keys)))
    return found


def deployed_resources(stack: str, project_dir: Path) -> list[Resource]:
    """The stack's resources as last deployed (empty for a new stack), read with the CLI that runs us."""
    done = subprocess.run(
        ["pulumi", "stack", "export", "--stack", stack, "--non-interactive"],
        cwd=project_dir, capture_output=True, text=True, check=False, env=os.environ.copy(),
    )
    if done.returncode:
        return []
    resources = json.loads(done.stdout or "{}").get("deployment", {}).get("resources") or []
    return [
        Resource(urn=r["urn"], type=r["type"], props={**r.get("inputs", {}), **r.get("outputs", {})})
        for r in resources
        if not r.get("delete")
    ]
