"""Whole lifecycles on the real engine while the emulator injects faults, as an operator would live them.

A scenario runs `up`, a no-op `up`, a change, a replacement and `destroy` under one fault plan, re-running a
failed command as an operator would, then compares the account with a fault-free run of the same steps.
`python -m tests.lifecycle.fault_matrix` runs the whole matrix and prints the README's table (`--kinds`,
`--rates` and seeds narrow it: `--kinds applied-drop,applied-error --rates 0.5 1 2 3 4 5`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexctl.engine import EngineError
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, PHONE_NUMBERS, EmulatorHandle
from tests.lifecycle.conftest import copy_project, local_stack
from twilio_emulator.faults import KINDS, make_rule
from twilio_emulator.server import Emulator

RATES = (0.1, 0.2, 0.3)
MIXED = "mixed"
SEEDS = (1, 2, 3)
ATTEMPTS = 8  # an operator re-runs a failed command; Twilio's bad days do not last this long at these rates
# Steps of a scenario: the lifecycle program's knobs set before each `up`, then `destroy`.
CHANGES: tuple[tuple[str, dict[str, str]], ...] = (
    ("up", {}),
    ("no-op up", {}),
    ("change", {"greeting": "Hello after a change."}),
    ("replacement", {"lunchAvailable": "true"}),
)
_IGNORED = ("flow_revisions",)  # a re-sent flow update after a lost answer is one more revision, nothing else


@dataclass
class Result:
    """What one scenario found: retries it needed and every way the account differs from a fault-free run."""

    kind: str
    rate: float
    seed: int
    faults: int = 0
    reruns: int = 0
    problems: list[str] = field(default_factory=list)


def comparable(emulator: Emulator) -> dict[str, Any]:
    state = emulator.api.state_data(comparable=True)
    return {key: value for key, value in state.items() if key not in _IGNORED}


def run_scenario(kind: str, rate: float, seed: int, workdir: Path) -> tuple[Result, list[dict[str, Any]]]:
    """Run the steps under faults; the comparable account after each step, and what went wrong."""
    result = Result(kind, rate, seed)
    snapshots: list[dict[str, Any]] = []
    kinds = KINDS if kind == MIXED else (kind,)
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as emulator:
        engine = local_stack(copy_project(workdir / "project"), workdir / "state", EmulatorHandle(emulator.base_url))
        if rate:
            # Drawn by the whole request, so parallel creates meet the same faults in any order.
            emulator.api.faults.set_rules([make_rule(rate=rate, kinds=kinds)], seed=seed, draw_by="request")
        for name, knobs in CHANGES:
            engine.set_configs({f"lifecycle:{key}": value for key, value in knobs.items()})
            _as_an_operator(result, name, engine.up)
            snapshots.append(comparable(emulator))
        _as_an_operator(result, "destroy", engine.destroy)
        emulator.api.faults.clear()
        if engine.resources():
            result.problems.append(f"destroy left {len(engine.resources())} resource(s) in the state")
        snapshots.append(comparable(emulator))
        result.faults = sum(1 for request in emulator.api.requests() if request.get("fault"))
    return result, snapshots


def _as_an_operator(result: Result, step: str, command: Callable[[], Any]) -> None:
    for attempt in range(ATTEMPTS):
        try:
            command()
            result.reruns += attempt
            return
        except EngineError as error:
            reason = _reason(str(error))
    result.problems.append(f"{step} still failed after {ATTEMPTS} runs: {reason}")


def _reason(output: str) -> str:
    """The first error line of the CLI's output that says more than "update failed"."""
    errors = [line.strip() for line in output.splitlines() if "error:" in line and "update failed" not in line]
    return errors[0] if errors else output.strip()[-300:]


def compare(result: Result, snapshots: Sequence[dict[str, Any]], reference: Sequence[dict[str, Any]]) -> Result:
    """Name every way the account differs from the fault-free run (duplicates, orphans, lost objects)."""
    for (step, _), got, want in zip((*CHANGES, ("destroy", {})), snapshots, reference, strict=True):
        for collection in sorted(set(got) | set(want)):
            mine, theirs = got.get(collection), want.get(collection)
            if mine != theirs:
                result.problems.append(f"after {step}: {collection} differ: {_difference(mine, theirs)}")
    return result


def _difference(got: Any, want: Any) -> str:
    if isinstance(got, list) and isinstance(want, list):
        extra = [item for item in got if item not in want]
        missing = [item for item in want if item not in got]
        return f"extra {extra[:2]}, missing {missing[:2]}"
    return f"{got!r} != {want!r}"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lifecycle.fault_matrix")
    parser.add_argument("seeds", nargs="*", type=int, help=f"seeds (default: {' '.join(map(str, SEEDS))})")
    parser.add_argument("--kinds", help="fault kinds, comma-separated (default: every kind, then mixed)")
    parser.add_argument("--rates", help="rates, comma-separated (default: 0.1,0.2,0.3)")
    args = parser.parse_args(argv)
    seeds = tuple(args.seeds) or SEEDS
    kinds = tuple(args.kinds.split(",")) if args.kinds else (*KINDS, MIXED)
    rates = tuple(float(rate) for rate in args.rates.split(",")) if args.rates else RATES
    with tempfile.TemporaryDirectory() as tmp:
        reference = run_scenario("none", 0.0, 0, Path(tmp) / "reference")[1]
        print("| faults | rate | seeds | faults injected | operator re-runs | duplicates, orphans, lost, drift |")
        print("| --- | --- | --- | --- | --- | --- |")
        failed = 0
        for kind in kinds:
            for rate in rates:
                results = [
                    compare(*run_scenario(kind, rate, seed, Path(tmp) / f"{kind}-{rate}-{seed}"), reference)
                    for seed in seeds
                ]
                problems = [p for r in results for p in r.problems]
                failed += bool(problems)
                print(
                    f"| {kind} | {rate:.0%} | {len(seeds)} | {sum(r.faults for r in results)} "
                    f"| {sum(r.reruns for r in results)} | {'; '.join(problems) or '0'} |",
                    flush=True,
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
