"""Thousands of dynamic resources in one process: the SDK's pickler leak and its quadratic wait for outputs are
worked around (components/pulumi_sdk)."""

from __future__ import annotations

import asyncio
import gc
import inspect
import pickle
import subprocess
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic.dynamic as sdk_dynamic
import pulumi.runtime.stack as sdk_stack
import pytest
from pulumi.runtime.settings import SETTINGS

from bench.trivial import Echo, Trivial, TrivialProvider
from components import pulumi_sdk

COUNT = 3_000
T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


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
    """They register (§1), and Python's full garbage collections do not keep walking the growing heap (§3)."""
    pulumi_sdk.install()
    full_collections = gc.get_stats()[2]["collections"]
    resources = [Trivial(f"r{index}") for index in range(COUNT)]

    def check(ids: list[str]) -> None:
        assert ids == [f"r{index}-id" for index in range(COUNT)]
        assert gc.get_stats()[2]["collections"] - full_collections <= 1

    return pulumi.Output.all(*[resource.id for resource in resources]).apply(check)


_PROBE = (
    "import gc, sys; {first}import components, components.plan; "
    "print(gc.get_threshold()[2], 'pulumi' in sys.modules, 'components.pulumi_sdk' in sys.modules)"
)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("import pulumi; ", f"{pulumi_sdk.FULL_COLLECTION_EVERY} True True"),  # the program: installed at once
        ("", "10 False False"),  # flexctl: neither the SDK nor its workarounds
    ],
)
def test_components_installs_the_workarounds_first_only_where_pulumi_runs(first: str, expected: str) -> None:
    """Before the program's own imports (§3: they would pay a full collection first), and never in flexctl."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(first=first)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == expected.split()


# ---- the wait for outstanding outputs (components/pulumi_sdk.py §2) -------------------------------------------


def test_the_sdk_still_waits_output_by_output() -> None:
    """When this fails, upstream changed `wait_for_rpcs`' loop: see whether components/pulumi_sdk.py §2 can go."""
    source = inspect.getsource(sdk_stack.wait_for_rpcs)
    assert "asyncio.wait(" in source
    assert "FIRST_COMPLETED" in source
    assert "SETTINGS.outputs" in source


def _stack_asyncio() -> Any:
    """`asyncio` as `pulumi.runtime.stack` sees it."""
    return vars(sdk_stack)["asyncio"]


def _outputs_completing_one_per_turn(count: int, failing: int | None = None) -> tuple[int, BaseException | None]:
    """Run `wait_for_rpcs` over `count` pending outputs that complete one per event-loop turn (as an `up`'s
    do, resource by resource); the turns its loop took and what it raised."""
    turns = 0
    stack_asyncio = _stack_asyncio()
    wait = stack_asyncio.wait

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal turns
        turns += 1
        return await wait(*args, **kwargs)

    async def scenario() -> BaseException | None:
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[int]] = [loop.create_future() for _ in range(count)]

        async def output(future: asyncio.Future[int]) -> int:
            return await future

        for future in futures:
            task = asyncio.ensure_future(output(future))
            SETTINGS.outputs.add(task)
            task.add_done_callback(SETTINGS.outputs.discard)

        async def engine() -> None:
            for index, future in enumerate(futures):
                if index == failing:
                    future.set_exception(ValueError(f"output {index} failed"))
                    return
                future.set_result(index)
                await asyncio.sleep(0)

        driver = asyncio.ensure_future(engine())
        try:
            await sdk_stack.wait_for_rpcs()
            return None
        except ValueError as error:
            return error
        finally:
            await driver
            for task in list(SETTINGS.outputs):
                task.cancel()
            SETTINGS.outputs.clear()

    stack_asyncio.wait = counted
    try:
        raised = _run(scenario())
    finally:
        del stack_asyncio.wait
    return turns, raised


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, except that the thread's event loop is left alone: `asyncio.run` unsets it when done, and the
    next Pulumi mocks test in this process would then fail with "There is no current event loop"."""
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:  # with a factory, it sets no loop
        return runner.run(coroutine)


def test_waiting_for_thousands_of_outputs_takes_a_few_turns_not_one_per_output() -> None:
    pulumi_sdk.install()
    turns, raised = _outputs_completing_one_per_turn(4_000)
    assert raised is None
    # One turn per eighth of what is left: about 8 x ln(4000) = 66, where the SDK's own loop takes ~4,000.
    assert turns <= 100


def test_a_failed_output_still_ends_the_wait_at_once() -> None:
    pulumi_sdk.install()
    turns, raised = _outputs_completing_one_per_turn(4_000, failing=10)
    assert isinstance(raised, ValueError)
    assert str(raised) == "output 10 failed"
    assert turns <= 2


def test_other_waits_are_asyncios_own() -> None:
    pulumi_sdk.install()

    async def scenario() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        ready, never = loop.create_future(), loop.create_future()
        ready.set_result(1)
        done, pending = await _stack_asyncio().wait({ready, never}, timeout=0.01)
        return len(done), len(pending)

    assert _run(scenario()) == (1, 1)
    assert _stack_asyncio().sleep is asyncio.sleep


def test_running_a_scenario_leaves_the_event_loop_the_next_mocks_test_needs() -> None:
    asyncio.set_event_loop(asyncio.new_event_loop())  # where pytest leaves the main thread between tests
    _run(asyncio.sleep(0))
    pulumi.runtime.set_mocks(Echo(), project="flex-pre-agent", stack="ceiling", preview=False)  # asyncio.run: raises
