"""Thousands of dynamic resources in one process: the SDK's pickler leak is worked around (components/pulumi_sdk)."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
import pulumi.dynamic.dynamic as sdk_dynamic
import pytest

from bench.trivial import Trivial, TrivialProvider
from components import pulumi_sdk

COUNT = 3_000


class Echo(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> None:
    pulumi.runtime.set_mocks(Echo(), project="flex-pre-agent", stack="ceiling", preview=False)


def test_the_sdk_still_leaks_its_pickler_patch() -> None:
    """When this fails, upstream restores the pickler itself and components/pulumi_sdk.py can go."""
    pickler: Any = pickle._Pickler
    before = vars(pickler)["_batch_setitems"]
    try:
        pulumi_sdk._sdk_serialize_provider(TrivialProvider())
        assert vars(pickler)["_batch_setitems"] is not before
    finally:
        pickler._batch_setitems = before


def test_our_serialization_leaves_the_pickler_and_the_blob_as_the_sdk_makes_it() -> None:
    pulumi_sdk.install()
    pickler: Any = pickle._Pickler
    before = vars(pickler)["_batch_setitems"]
    blob = sdk_dynamic.serialize_provider(TrivialProvider())
    assert vars(pickler)["_batch_setitems"] is before
    try:
        assert blob == pulumi_sdk._sdk_serialize_provider(TrivialProvider())
    finally:
        pickler._batch_setitems = before


@pulumi.runtime.test
def test_three_thousand_dynamic_resources_register_in_one_process(mocks: None) -> pulumi.Output[Any]:
    pulumi_sdk.install()
    resources = [Trivial(f"r{index}") for index in range(COUNT)]

    def check(ids: list[str]) -> None:
        assert ids == [f"r{index}-id" for index in range(COUNT)]

    return pulumi.Output.all(*[resource.id for resource in resources]).apply(check)
