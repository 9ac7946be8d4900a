"""Run the Pulumi program under the SDK's mocks and record every resource it registers."""

from __future__ import annotations

import itertools
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from flexctl.stack_config import load_stack_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "flex-pre-agent"
SID_PREFIX = {
    "Workspace": "WS",
    "Activity": "WA",
    "TaskChannel": "TC",
    "TaskQueue": "WQ",
    "Workflow": "WW",
    "StudioFlow": "FW",
    "PhoneNumberBinding": "PN",
    "ConversationsAddress": "IG",
}


@dataclass
class Registered:
    """One resource as the program declared it."""

    type: str
    name: str
    parent: str | None
    resource: pulumi.Resource
    retain_on_delete: bool | None


class Recorder(pulumi.runtime.Mocks):
    """Answers every dynamic resource with a fresh SID as its id (as the providers do)."""

    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str] = {}
        self._counter = itertools.count(1)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if not args.custom:
            return "", {}
        kind = args.typ.rsplit(":", 1)[-1]
        sid = f"{SID_PREFIX[kind]}{next(self._counter):032x}"
        self.inputs[args.name] = dict(args.inputs)
        self.ids[args.name] = sid
        return sid, {**args.inputs, "sid": sid}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@dataclass
class ProgramRun:
    """What one run of ``__main__.py`` registered."""

    mocks: Recorder
    resources: list[Registered] = field(default_factory=list)
    namespace: dict[str, Any] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[Registered]:
        """The resources whose type token ends with ``kind``."""
        return [item for item in self.resources if item.type.endswith(f":{kind}")]


def start(stack: str, config: dict[str, str] | None = None) -> ProgramRun:
    """Mocks for ``stack`` (its committed config unless ``config`` is given); call :func:`run` inside a test."""
    mocks = Recorder()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False)
    pulumi.runtime.set_all_config(load_stack_config(ROOT, stack) if config is None else config)
    return ProgramRun(mocks)


def run(program: ProgramRun) -> None:
    """Run ``__main__.py`` (inside a ``@pulumi.runtime.test``), recording each resource and its options."""

    def record(args: pulumi.ResourceTransformationArgs) -> None:
        parent = args.opts.parent.pulumi_resource_name if args.opts.parent is not None else None
        program.resources.append(Registered(args.type_, args.name, parent, args.resource, args.opts.retain_on_delete))

    pulumi.runtime.register_stack_transformation(record)
    program.namespace = runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
