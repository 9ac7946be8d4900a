"""Benchmark: synthesis of the prod program under Pulumi's mocks against the SDK's own floor.

The floor is the same count of trivial dynamic resources (``bench.trivial``) registered in one process: what
Pulumi's SDK costs whatever the program does. Each side runs in a fresh interpreter (as the engine starts the
program), timed inside it from its first import to the last registration, in alternating runs; the medians
are compared. The program gets its stack's config as the engine hands it (values as JSON, read from the stack
file before the clock starts) and runs as the engine runs it (``runpy``). Target: at most 1.5x. The same
comparison for the 2,000-resource stack's program (``bench/big_stack``, :func:`run_big`) shows what each
resource costs once fixed costs (imports) no longer count.
The floor runs Pulumi's SDK as it comes, with CPython's default garbage collection; our program also gets
``components.pulumi_sdk``'s workarounds, which is what they are for.

Both sides run with compiled bytecode, as a program does from its second run on. The subprocesses write it to
``build/pycache`` (``PYTHONPYCACHEPREFIX``) after one discarded run each, even where ``PYTHONDONTWRITEBYTECODE``
is set (as on this project's CI machine, where it would add a tenth of a second of compiling to the program
side only: pip compiled the SDK when it installed it).

Where the prod program's time goes beyond the floor is measured in the same alternating runs, by two more sides
that run none of the program's code: its own registrations (types, names and inputs, recorded from one run
under the mocks) replayed with the floor's do-nothing provider, which is what the SDK costs for this program's
resources whatever the program does; and the same with pydantic imported and one model built first, the least
that validating the stack's config with pydantic costs. Against the floor, that second side is the least the
program's ratio can be while it validates with pydantic and registers these resources.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import big_stack
from bench.big_stack import Size

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5

_PROGRAM = """
import json, runpy, sys, time
started = time.perf_counter()
import pulumi
from bench.trivial import Echo
path, stack, config = sys.argv[1:4]
mocks = Echo()
pulumi.runtime.set_mocks(mocks, project="flex-pre-agent", stack=stack, preview=False)
pulumi.runtime.set_all_config(json.loads(config))
pulumi.runtime.test(lambda: runpy.run_path(path, run_name="__main__"))()
print(mocks.dynamic, time.perf_counter() - started)
"""
_FLOOR = """
import sys, time
started = time.perf_counter()
import pulumi
from bench.trivial import Echo, Trivial
pulumi.runtime.set_mocks(Echo(), project="flex-pre-agent", stack="floor", preview=False)
count = int(sys.argv[1])
pulumi.runtime.test(lambda: [Trivial(f"r{n}") for n in range(count)])()
print(count, time.perf_counter() - started)
"""
_CAPTURE = """
import json, runpy, sys
import pulumi
from bench.trivial import Echo
path, stack, config, out = sys.argv[1:5]
rows = []
class Recording(Echo):
    def new_resource(self, args):
        inputs = {key: value for key, value in args.inputs.items() if key != "__provider"}
        rows.append([args.typ, args.name, inputs])
        return super().new_resource(args)
pulumi.runtime.set_mocks(Recording(), project="flex-pre-agent", stack=stack, preview=False)
pulumi.runtime.set_all_config(json.loads(config))
pulumi.runtime.test(lambda: runpy.run_path(path, run_name="__main__"))()
with open(out, "w") as file:
    json.dump(rows, file)
print(len(rows), 0)
"""
_REPLAY = """
import json, sys, time
rows = json.load(open(sys.argv[1]))
started = time.perf_counter()
import pulumi
from bench.trivial import Echo, Trivial
if sys.argv[2] == "pydantic":
    import pydantic
    class Settings(pydantic.BaseModel):
        name: str
    Settings(name="prod")
pulumi.runtime.set_mocks(Echo(), project="flex-pre-agent", stack="floor", preview=False)
dynamic = []
def program():
    for kind, name, inputs in rows:
        if kind.startswith("pulumi-python:dynamic/"):
            dynamic.append(Trivial(name, inputs))
        elif not kind.startswith("pulumi:"):
            pulumi.ComponentResource(kind, name)
pulumi.runtime.test(program)()
print(len(dynamic), time.perf_counter() - started)
"""


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(ROOT / "build" / "pycache")}


def _timed(code: str, *args: str) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=_environment(), capture_output=True, text=True, check=True
    )
    count, seconds = out.stdout.split()[-2:]
    return int(count), float(seconds)


@dataclass(frozen=True)
class SynthesisResult:
    resources: int
    program: float
    floor: float
    name: str = "prod program"
    same_resources: float | None = None  # its registrations replayed with a do-nothing provider
    same_resources_pydantic: float | None = None  # the same, with pydantic imported and one model built

    @property
    def ratio(self) -> float:
        return self.program / self.floor

    def summary(self) -> str:
        line = (f"{self.name} under mocks / SDK floor = {self.ratio:.2f}x (target <= {TARGET}x); "
                f"{self.resources} dynamic resources: {self.program:.2f} s vs {self.floor:.2f} s "
                f"(first import to last registration, medians)")
        if self.same_resources is None or self.same_resources_pydantic is None:
            return line
        return (f"{line}; its own resources with a do-nothing provider: {self.same_resources / self.floor:.2f}x "
                f"({self.same_resources:.2f} s), and with pydantic imported: "
                f"{self.same_resources_pydantic / self.floor:.2f}x ({self.same_resources_pydantic:.2f} s)")


def program_args(stack: str = "prod") -> tuple[str, str, str]:
    """The project's program, ``stack`` and its committed config, as the engine hands it to the program (JSON)."""
    from flexctl.stack_config import load_stack_config

    return str(ROOT / "__main__.py"), stack, json.dumps(load_stack_config(ROOT, stack))


def big_program_args(size: Size) -> tuple[str, str, str]:
    """The big stack's program (``bench/big_stack``) and its config for ``size``."""
    return str(big_stack.PROGRAM), "big", json.dumps(big_stack.program_config(size))


def run(repeats: int = 5) -> SynthesisResult:
    """The prod program against the floor, and the two sides that show where its time goes beyond it."""
    return _compare("prod program", repeats, *program_args(), decompose=True)


def run_big(size: Size, repeats: int = 3) -> SynthesisResult:
    """The big stack's program against the floor: what each resource costs at scale."""
    return _compare(f"{size.resources:,}-resource program", repeats, *big_program_args(size))


def _compare(name: str, repeats: int, path: str, stack: str, config: str, *, decompose: bool = False
             ) -> SynthesisResult:
    count = _timed(_PROGRAM, path, stack, config)[0]  # discarded runs that leave bytecode in build/pycache
    _timed(_FLOOR, str(count))
    rows = ROOT / "build" / "synthesis-resources.json"
    sides = ["pulumi", "pydantic"] if decompose else []
    if decompose:
        rows.parent.mkdir(exist_ok=True)
        _timed(_CAPTURE, path, stack, config, str(rows))
    programs, floors = [], []
    replays: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(repeats):
        count, seconds = _timed(_PROGRAM, path, stack, config)
        programs.append(seconds)
        floors.append(_timed(_FLOOR, str(count))[1])
        for side in sides:
            replays[side].append(_timed(_REPLAY, str(rows), side)[1])
    medians = {side: statistics.median(times) for side, times in replays.items()}
    return SynthesisResult(count, statistics.median(programs), statistics.median(floors), name,
                           medians.get("pulumi"), medians.get("pydantic"))
