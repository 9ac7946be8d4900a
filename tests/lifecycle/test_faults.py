"""Twilio's bad days on the real engine: faults of every kind, re-run as an operator would, leave no trace.

The suite runs the mix of every kind at 10%, 20% and 30%, and the hardest kind (applied, then the answer
lost) at 30%; the whole matrix (every kind at every rate, several seeds) is
`python -m tests.lifecycle.fault_matrix`, reported in README.
"""

from __future__ import annotations

import fcntl
import pickle
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fault_matrix import MIXED, compare, run_scenario
from twilio_emulator.faults import APPLIED_DROP

SCENARIOS = [(MIXED, rate, 12) for rate in (0.1, 0.2, 0.3)] + [(APPLIED_DROP, 0.3, 11)]


@pytest.fixture(scope="module")
def fault_free(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> list[dict[str, Any]]:
    """The account after each step of the same lifecycle with no fault at all, run once per session: under
    pytest-xdist, the first worker to need it runs it and the others read what it kept."""
    if worker_id == "master":  # no xdist workers
        return run_scenario("none", 0.0, 0, tmp_path_factory.mktemp("fault-free"))[1]
    kept = tmp_path_factory.getbasetemp().parent / "fault-free.pickle"  # the session's folder, the workers share
    with (kept.parent / "fault-free.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker running it: wait for it
        if not kept.exists():
            snapshots = run_scenario("none", 0.0, 0, tmp_path_factory.mktemp("fault-free"))[1]
            kept.write_bytes(pickle.dumps(snapshots))
        snapshots_kept: list[dict[str, Any]] = pickle.loads(kept.read_bytes())
        return snapshots_kept


@pytest.mark.parametrize(("kind", "rate", "seed"), SCENARIOS)
def test_faults_leave_no_duplicate_orphan_or_lost_object(
    kind: str, rate: float, seed: int, tmp_path: Path, fault_free: list[dict[str, Any]]
) -> None:
    result = compare(*run_scenario(kind, rate, seed, tmp_path), fault_free)

    assert result.faults > 0  # the scenario really met faults
    assert result.problems == []
