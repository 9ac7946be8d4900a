"""Benchmark: the real program's `local` stack on the real engine, phase by phase, and the engine's own floor.

Like ``bench.big_stack`` but for the program users deploy (``__main__.py`` with ``Pulumi.local.yaml``): Twilio
requests per phase beside the physical minimum (preview 0; first up one list per collection and one write per
created object; no-op 0; refresh one read per resource; a change one write per changed object; destroy one
write per created object), then a no-op ``pulumi up`` of this stack against a no-op ``pulumi up`` of an empty
program on the same engine (the engine's own floor).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.big_stack import Phase, Step, measure

if TYPE_CHECKING:
    from flexctl.engine import Engine

EMPTY_PROGRAM = "import pulumi  # the engine's floor: a program that declares nothing\n"


@dataclass(frozen=True)
class ReferenceResult:
    resources: int
    phases: list[Phase]
    noop_seconds: float
    empty_noop_seconds: float

    @property
    def noop_ratio(self) -> float:
        return self.noop_seconds / self.empty_noop_seconds


def run(say: Callable[[str], None] = print, noop_repeats: int = 3) -> ReferenceResult:
    from components.settings import read_stack_file
    from flexctl.engine import Engine
    from tests.emulator.support import AUTH_TOKEN
    from tests.lifecycle.conftest import ROOT, copy_project
    from twilio_emulator.server import Emulator

    local = read_stack_file(ROOT, "local")
    with tempfile.TemporaryDirectory() as tmp, Emulator(
        account_sid=local.account_sid, auth_token=AUTH_TOKEN, phone_numbers=local.owned_numbers, port=0
    ) as emulator:
        env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        engine = Engine(copy_project(Path(tmp) / "project", program=None), "local", Path(tmp) / "state", env=env)

        def change_one_flow() -> object:
            engine.set_config("flex-pre-agent:businessHours", {"days": ["Mon"], "open": "09:00", "close": "17:00"})
            return engine.up()

        steps: list[Step] = [
            ("preview", engine.preview, "0"),
            ("first up", engine.up, "1 list per collection + 1 write per created object"),
            ("no-op up", engine.up, "0"),
            ("refresh", engine.refresh, "1 read per resource"),
            ("one change (a flow)", change_one_flow, "1 write"),
            ("destroy", engine.destroy, "1 write per created object"),
        ]
        resources = 0

        def counted(step: Step) -> Step:
            name, command, minimum = step

            def run_and_count() -> object:
                nonlocal resources
                result = command()
                if name == "first up":
                    resources = sum(1 for r in engine.resources() if r["type"].startswith("pulumi-python:dynamic"))
                return result

            return name, run_and_count, minimum

        phases = measure(emulator, [counted(step) for step in steps], 1, lambda line: None)
        for phase in phases:
            say(phase.row(max(resources, 1)))
        engine.up()  # deployed again, for the no-op timings
        noop = _median_noop(engine, noop_repeats)
        engine.destroy()
        empty_project = Path(tmp) / "empty"
        copy_project(empty_project, program=None)
        (empty_project / "__main__.py").write_text(EMPTY_PROGRAM)
        empty = Engine(empty_project, "local", Path(tmp) / "empty-state", env=env)
        empty.up()
        empty_noop = _median_noop(empty, noop_repeats)
    return ReferenceResult(resources, phases, noop, empty_noop)


def _median_noop(engine: Engine, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        engine.up()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
