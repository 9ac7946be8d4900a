"""The scaling, big-stack and process-memory benchmarks run and report; no timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import scaling
from bench.big_stack import Phase, Size
from bench.processes import PeakMemory, role


@pytest.mark.parametrize("step", sorted({**scaling.STUDIO_STEPS, **scaling.ROUTING_STEPS}))
def test_every_step_runs_at_a_small_size(step: str) -> None:
    make = {**scaling.STUDIO_STEPS, **scaling.ROUTING_STEPS}[step]
    make(19)()  # one trigger and two segments, or 19 filters


def test_the_scaling_table_has_a_row_per_step_with_its_worst_ratio() -> None:
    results = [scaling.StepScaling("studio", "build", ((250, 4.1), (500, 4.9)), 0.01, (4.0, 4.7)),
               scaling.StepScaling("routing", "lint", ((250, 3.9),), 0.02, (4.01,))]
    text = scaling.table(results)
    assert "| studio | build | 4.00 / 4.1 | 4.70 / 4.9 |  |  | 4.70 **over** | 10.0 ms at 2,000 widgets |" in text
    assert "| routing | lint | 4.01 / 3.9 |  |  |  | 4.01 ok | 20.0 ms at 1,000 filters |" in text


def test_calls_are_counted_exactly() -> None:
    def work(times: int) -> None:
        for _ in range(times):
            len("x")

    assert scaling.calls(lambda: work(20)) - scaling.calls(lambda: work(10)) == 10  # ten more calls of len


def test_the_default_big_stack_has_two_thousand_resources() -> None:
    assert Size().resources == 2000
    row = Phase("first up", 12.5, 9, 1998, "7 lists + 1998 writes", {"cli": 200.0, "provider": 90.4}).row(2000)
    assert row == "| first up | 12.5 s | 9 | 1998 | 7 lists + 1998 writes | 1.00 | cli 200, provider 90 |"


def test_processes_are_told_apart_by_role() -> None:
    assert role(["/x/.venv/bin/python", "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"]) == "provider"
    assert role(["/x/bin/pulumi", "up"]) == "cli"
    assert role(["/x/.venv/bin/python", "/x/bin/pulumi-language-python-exec"]) == "program"


def test_peak_memory_sees_a_child_process() -> None:
    memory = PeakMemory()
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        memory.sample(os.getpid())
    finally:
        assert child.stdin is not None
        child.stdin.close()  # the child reads to the end of its input, then exits
        child.wait(timeout=30)
    assert child.pid in memory.peaks
    assert memory.peaks[child.pid][1] > 0
