"""Median timings of two workloads measured side by side, reported as a ratio."""

from __future__ import annotations

import gc
import statistics
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ratio:
    """Median seconds per call of a workload and of its baseline, from the same run."""

    workload: float
    baseline: float

    @property
    def value(self) -> float:
        """How many baselines one workload call costs."""
        return self.workload / self.baseline if self.baseline > 0 else float("inf")


Clock = Callable[[], float]


def _seconds(function: Callable[[], object], calls: int, clock: Clock = time.perf_counter) -> float:
    # Garbage collection stays on: the builder's allocations should pay for it, as in real use.
    return timeit.Timer(function, setup=gc.enable, timer=clock).timeit(number=calls)


def calls_per_repeat(function: Callable[[], object], min_seconds: float, clock: Clock = time.perf_counter) -> int:
    """Return how many calls of ``function`` take at least ``min_seconds`` (1, 2, 5, 10, 20, ...)."""
    number = 1
    while True:
        for factor in (1, 2, 5):
            calls = number * factor
            if _seconds(function, calls, clock) >= min_seconds:
                return calls
        number *= 10


def median_ratio(
    workload: Callable[[], object],
    baseline: Callable[[], object],
    *,
    repeats: int,
    min_seconds: float,
    clock: Clock = time.perf_counter,
) -> Ratio:
    """Time both functions in alternating repeats (so drift hits both alike) and compare medians.

    Args:
        workload: the code under test.
        baseline: the reference it is compared with.
        repeats: timed repeats of each function; the median is kept.
        min_seconds: each repeat runs enough calls to last at least this long (0: one call).
        clock: wall time by default; ``time.process_time`` counts only this process's CPU time, which other
            jobs on a loaded machine disturb much less (the scaling bench uses it).
    """
    sizes = [calls_per_repeat(f, min_seconds, clock) if min_seconds > 0 else 1 for f in (workload, baseline)]
    runs: list[list[float]] = [[], []]
    for _ in range(repeats):
        for index, function in enumerate((workload, baseline)):
            runs[index].append(_seconds(function, sizes[index], clock) / sizes[index])
    return Ratio(workload=statistics.median(runs[0]), baseline=statistics.median(runs[1]))
