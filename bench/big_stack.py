"""Benchmark: a 2,000-resource stack on the real engine against the emulator, phase by phase.

The program (``bench/big_stack/__main__.py``) is a large contact center: 1,500 queues, 300 workflows, 60 flows
of 30 to 80 widgets, numbers and SMS addresses bound to the flows, Flex's workspace and voice channel adopted.
It is deployed by the real Pulumi CLI through ``flexctl.engine`` (as tests/lifecycle does) to an in-process
emulator, with no latency or with Twilio-like latency (``--latency 150ms --latency-jitter 50ms``), through
preview, first up, a no-op up, refresh, a one-flow change and destroy. For each phase: wall time, Twilio
requests (reads and writes) beside the physical minimum, requests per resource, the peak memory of the
largest process of each role (the CLI, the program, the provider server; ``bench.processes``) and the CPU time
of each role (which process the machine spent the wall time on).

``make bench`` runs it at no latency and at Twilio-like latency (``bench.report``); ``python -m bench --big``
runs one size and latency alone.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.processes import PeakMemory

PROGRAM = Path(__file__).with_name("big_stack") / "__main__.py"
ACCOUNT_SID = "AC" + "b16" * 10 + "00"
AUTH_TOKEN = "bench-token"
READS, WRITES = ("GET",), ("POST", "DELETE")


@dataclass(frozen=True)
class Size:
    """How big the stack is; the default is the issue's 2,000-resource contact center."""

    queues: int = 1500
    workflows: int = 300
    flows: int = 60
    numbers: int = 60
    addresses: int = 78

    @property
    def resources(self) -> int:
        return 2 + self.queues + self.workflows + self.flows + self.numbers + self.addresses

    @property
    def created(self) -> int:
        """Resources whose first up creates an object (the workspace and voice channel are adopted)."""
        return self.resources - 2

    @property
    def collections(self) -> int:
        """Collections a first up must list once: workspaces, channels, queues, workflows, flows, numbers,
        addresses."""
        return 7


@dataclass
class Phase:
    """One command: its wall time, the requests Twilio saw, the physical minimum and the peak memory by role."""

    name: str
    seconds: float
    reads: int
    writes: int
    minimum: str
    peak_mib: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def row(self, resources: int) -> str:
        per = (self.reads + self.writes) / resources
        return (f"| {self.name} | {self.seconds:.1f} s | {self.reads} | {self.writes} | {self.minimum} | "
                f"{per:.2f} | {_by_role(self.peak_mib, '.0f')} | {_by_role(self.cpu_seconds, '.1f')} |")


def _by_role(values: dict[str, float], spec: str) -> str:
    return ", ".join(f"{role} {value:{spec}}" for role, value in sorted(values.items()) if role != "other")


def _numbers(count: int, first: int) -> list[str]:
    return [f"+1500555{first + n:04d}" for n in range(count)]


def program_config(size: Size) -> dict[str, str]:
    """The stack config the program reads (its sizes; its numbers as JSON lists), without the account: the
    values as `pulumi config` keeps them, for the engine and for Pulumi's mocks alike."""
    return {"bench:queues": str(size.queues), "bench:workflows": str(size.workflows), "bench:flows": str(size.flows),
            "bench:numbers": json.dumps(_numbers(size.numbers, 0)),
            "bench:addresses": json.dumps(_numbers(size.addresses, 5000))}


def run(size: Size, *, latency: float = 0.0, jitter: float = 0.0, workdir: Path | None = None,
        say: Callable[[str], None] = print) -> list[Phase]:
    """Deploy, no-op, refresh, change one flow and destroy the big stack; one `Phase` per command."""
    from flexctl.engine import Engine
    from tests.lifecycle.conftest import copy_project
    from twilio_emulator.server import Emulator

    config = program_config(size)
    numbers = [*json.loads(config["bench:numbers"]), *json.loads(config["bench:addresses"])]
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, Emulator(
        account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0,
        latency=latency, latency_jitter=jitter,
    ) as emulator:
        project = copy_project(Path(tmp) / "project", PROGRAM)
        env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        engine = Engine(project, "local", Path(tmp) / "state", env=env)
        engine.set_configs({"flex-pre-agent:accountSid": ACCOUNT_SID, **config})
        def change_one_flow() -> Any:
            engine.set_config("bench:changedFlow", "true")
            return engine.up()

        steps: list[Step] = [
            ("preview", engine.preview, "0"),
            ("first up", engine.up, f"{size.collections} lists + {size.created} writes"),
            ("no-op up", engine.up, "0"),
            ("refresh", engine.refresh, f"{size.resources} reads (1 per resource)"),
            ("one-flow change", change_one_flow, "1 write"),
            ("destroy", engine.destroy, f"{size.created} writes"),
        ]
        return measure(emulator, steps, size.resources, say)


Step = tuple[str, Callable[[], Any], str]
"""A phase: its name, the command that runs it and the physical minimum of Twilio requests it needs."""


def measure(emulator: Any, steps: list[Step], resources: int, say: Callable[[str], None]) -> list[Phase]:
    """Run each step with the emulator's request log emptied first and peak memory sampled."""
    phases = []
    for name, command, minimum in steps:
        emulator.api.reset_log()
        with PeakMemory() as memory:
            started = time.perf_counter()
            command()
            seconds = time.perf_counter() - started
        log = emulator.api.requests()
        reads, writes = sum(r["method"] in READS for r in log), sum(r["method"] in WRITES for r in log)
        phase = Phase(name, seconds, reads, writes, minimum, memory.by_role, memory.cpu_by_role)
        say(phase.row(resources))
        phases.append(phase)
    return phases


TABLE_HEAD = (
    "| phase | wall time | reads | writes | physical minimum | requests per resource | peak MiB by process "
    "| CPU s by process |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)
