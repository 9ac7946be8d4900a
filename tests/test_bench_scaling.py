"""The scaling, big-stack and process-memory benchmarks run and report; no timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import reference_stack, report, scaling, studio_flow, synthesis, taskrouter_lint
from bench.big_stack import Phase, Size
from bench.processes import PeakMemory, role
from bench.timing import Ratio


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
    row = Phase("first up", 12.5, 9, 1998, "7 lists + 1998 writes", {"cli": 200.0, "provider": 90.4},
                {"cli": 10.04, "program": 3.0, "other": 1.0}).row(2000)
    assert row == ("| first up | 12.5 s | 9 | 1998 | 7 lists + 1998 writes | 1.00 | cli 200, provider 90 "
                   "| cli 10.0, program 3.0 |")


def test_processes_are_told_apart_by_role() -> None:
    assert role(["/x/.venv/bin/python", "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"]) == "provider"
    assert role(["/x/bin/pulumi", "up"]) == "cli"
    assert role(["/x/.venv/bin/python", "/x/bin/pulumi-language-python-exec"]) == "program"


def test_peak_memory_and_cpu_time_see_a_child_process() -> None:
    memory = PeakMemory()
    busy = "sum(range(5_000_000)); print('ready', flush=True); import sys; sys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", busy], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"  # it has used some CPU by now
        memory.sample(os.getpid())
    finally:
        assert child.stdin is not None
        child.stdin.close()  # the child reads to the end of its input, then exits
        child.wait(timeout=30)
    assert child.pid in memory.peaks
    assert memory.peaks[child.pid][1] > 0
    assert memory.cpu[child.pid] > 0
    assert memory.cpu_by_role[memory.peaks[child.pid][0]] >= memory.cpu[child.pid]


def _phases(seconds: float, change: str) -> list[Phase]:
    names = ["preview", "first up", "no-op up", "refresh", change, "destroy"]
    return [Phase(name, seconds + index, index, 10 * index, f"min {index}") for index, name in enumerate(names)]


def test_the_summary_table_joins_every_section_of_one_run() -> None:
    reference = reference_stack.ReferenceResult(23, _phases(1.0, "one change (a flow)"), 6.0, 3.0)
    big = {report.Latency(): _phases(10.0, "one-flow change"), report.TWILIO_LIKE: _phases(20.0, "one-flow change")}
    flow = studio_flow.FlowBenchResult(1000, 0, Ratio(0.02, 0.004))
    lint = taskrouter_lint.LintBenchResult((1000, 10000), Ratio(1.05, 0.1))
    steps = [scaling.StepScaling("studio", "render", ((250, 4.2),), 0.3, (4.09,)),
             scaling.StepScaling("routing", "lint", ((250, 4.1),), 2.0, (4.01,))]
    at_scale = synthesis.SynthesisResult(2000, 6.0, 3.0, "2,000-resource program")
    program = synthesis.SynthesisResult(22, 5.0, 4.0, same_resources=4.4, same_resources_pydantic=6.0)
    table = report.Report(flow, lint, steps, program, reference, Size(), big, at_scale)
    lines = table.summary().splitlines()
    assert lines[0] == ("| what | reference stack (23 resources) | 2,000-resource stack | physical minimum or target |")
    assert "| first up: Twilio reads + writes | 1 + 10 | 1 + 10 (minimum: min 1) | min 1 |" in lines
    assert "| one change: Twilio reads + writes | 4 + 40 | 4 + 40 (minimum: min 4) | min 4 |" in lines
    assert "| destroy: wall time, no latency | 6.0 s | 15.0 s |  |" in lines
    # destroy: 5 reads + 50 writes at 150 ms through four workers
    assert "| destroy: wall time, 150 ms ± 50 ms | not run | 25.0 s | at least 2.1 s: 4 provider workers |" in lines
    assert "| preview: wall time, 150 ms ± 50 ms | not run | 20.0 s |  |" in lines
    assert report._seconds(1 * 0.150 / 4) == "0.04 s"
    assert any(line.startswith("| no-op `pulumi up` / ") and "2.00x (6.0 s / 3.0 s)" in line for line in lines)
    assert any(line.startswith("| synthesis ") and "| 1.25x (5.00 s / 4.00 s, 22 resources) | 2.00x (6.00 s / "
               "3.00 s, 2,000 resources) | <= 1.5x |" in line for line in lines)
    assert any("/ json.dumps (canonical options) | 5.0x |" in line for line in lines)
    assert any("| 4.09 (studio render) |" in line for line in lines)
    assert any(line.startswith("| synthesis: the prod program's own resources, replayed ") and "| 1.10x (4.40 s) |"
               in line for line in lines)
    assert any(line.startswith("| synthesis: the same, with pydantic ") and "| 1.50x (6.00 s) |" in line
               for line in lines)
    assert len(lines) == 2 + 6 + 6 * 2 + 5 + 2


TINY_STACK = Size(queues=3, workflows=1, flows=1, numbers=1, addresses=1)


@pytest.mark.parametrize("side", ["program", "floor", "big"])
def test_neither_side_of_the_synthesis_ratio_loads_pytest_the_http_stack_or_liquid(side: str) -> None:
    """The floor is not inflated by pytest; the program leaves the SDK's HTTP stack to the first Twilio call, and
    python-liquid to the first template beyond the shapes studio.liquid reads itself (its flows have none)."""
    code, args = {"program": (synthesis._PROGRAM, synthesis.program_args()), "floor": (synthesis._FLOOR, ("3",)),
                  "big": (synthesis._PROGRAM, synthesis.big_program_args(TINY_STACK))}[side]
    unwanted = ("pytest", "requests", "twilio.rest", "liquid")
    probe = code + f"\nprint(sorted(name for name in {unwanted!r} if name in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", "import sys\n" + probe, *args], capture_output=True, text=True,
                         check=True, cwd=synthesis.ROOT)
    *_, timed, loaded = out.stdout.splitlines()
    assert loaded == "[]"
    registered = int(timed.split()[0])  # the dynamic resources it registered: the count the floor is given
    assert registered > 0
    if side != "program":
        assert registered == {"floor": 3, "big": TINY_STACK.resources}[side]


def test_the_decomposition_replays_the_programs_own_resources_without_its_code(tmp_path: Path) -> None:
    """The two sides that show where the program's time goes: its registrations, recorded once, replayed by a
    do-nothing provider, which loads none of the project's code (and pydantic only on the pydantic side)."""
    rows_path = tmp_path / "rows.json"
    subprocess.run([sys.executable, "-c", synthesis._CAPTURE, *synthesis.program_args(), str(rows_path)],
                   capture_output=True, text=True, check=True, cwd=synthesis.ROOT)
    rows = json.loads(rows_path.read_text())
    kinds = [kind for kind, _, _ in rows]
    assert "pulumi-python:dynamic/twilio:StudioFlow" in kinds
    assert "flex-pre-agent:pre_agent:PreAgentWorkflow" in kinds
    flow = next(inputs for kind, _, inputs in rows if kind.endswith(":StudioFlow"))
    assert flow["definition"]["states"]  # the inputs as the program gives them, not a placeholder
    ours = ("components", "studio", "taskrouter", "flows", "pydantic")
    probe = f"\nprint(sorted(name for name in {ours!r} if name in sys.modules))\n"
    for side, loaded in (("pulumi", "[]"), ("pydantic", "['pydantic']")):
        out = subprocess.run([sys.executable, "-c", "import sys\n" + synthesis._REPLAY + probe, str(rows_path), side],
                             capture_output=True, text=True, check=True, cwd=synthesis.ROOT)
        *_, timed, modules = out.stdout.splitlines()
        assert modules == loaded
        assert int(timed.split()[0]) == sum(kind.startswith("pulumi-python:dynamic/") for kind in kinds) > 0


def test_the_synthesis_summary_carries_the_decomposition_when_measured() -> None:
    plain = synthesis.SynthesisResult(22, 0.4, 0.2)
    measured = synthesis.SynthesisResult(22, 0.4, 0.2, same_resources=0.22, same_resources_pydantic=0.3)
    assert "do-nothing" not in plain.summary()
    assert measured.summary().endswith("its own resources with a do-nothing provider: 1.10x (0.22 s), "
                                       "and with pydantic imported: 1.50x (0.30 s)")
