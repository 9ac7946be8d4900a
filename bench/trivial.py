"""The SDK floor: the most trivial dynamic resource there is, to compare our resources' synthesis with.

Its provider does nothing and pickles by reference, like ours; what registering it costs is what Pulumi's SDK
costs per dynamic resource whatever the provider does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic


class TrivialProvider(pulumi.dynamic.ResourceProvider):
    """Creates nothing anywhere: the id is the name it is given."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(str(props["name"]), dict(props))


class Echo(pulumi.runtime.Mocks):
    """Pulumi's mocks answering each resource with its inputs (the floor's engine, and the ceiling tests')."""

    def __init__(self) -> None:
        super().__init__()
        self.types: list[str] = []  # appended from the SDK's threads: one atomic step each

    @property
    def dynamic(self) -> int:
        """How many dynamic resources it answered."""
        return sum(kind.startswith("pulumi-python:dynamic") for kind in self.types)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.types.append(args.typ)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class Trivial(pulumi.dynamic.Resource, module="bench", name="Trivial"):
    """One dynamic resource with one input, its name (or with ``inputs`` as well: another resource's, replayed)."""

    def __init__(self, name: str, inputs: Mapping[str, Any] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TrivialProvider(), name, {**(inputs or {}), "name": name}, opts)
