"""Benchmark: simulated Studio steps per second on the 1,000-widget benchmark flow, and its scaling.

The flow is ``bench/studio_flow.py``'s IVR. One contact walks every segment: it presses 1 at each menu,
every Function and HTTP request answers, and each Send to Flex fails to enqueue so that the next segment
runs, about 780 steps in all, each rendering Liquid (menus, splits, variables, task attributes). The
same walk on a 100-widget flow is the baseline: the cost per step should not grow with the flow's size
(a ratio near 1x), since the simulator indexes the states once and each step touches only its widget.
``python -m bench --simulate`` prints both figures from one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from bench.studio_flow import SEGMENT_WIDGETS, build_flow
from bench.timing import Ratio, median_ratio
from studio.simulate import Contact, Mock, simulate

SMALL, LARGE = 100, 1000
TARGET_RATIO = 1.5
"""Seconds per step at 1,000 widgets over seconds per step at 100: linear is 1x."""


@dataclass(frozen=True, slots=True)
class SimulateBenchResult:
    """Steps of each walk and the median seconds per walk (the large flow is the workload)."""

    steps: tuple[int, int]
    timing: Ratio

    @property
    def steps_per_second(self) -> float:
        """Simulated steps per second on the large flow."""
        return self.steps[1] / self.timing.workload

    @property
    def per_step_ratio(self) -> float:
        """Cost of a step on the large flow over a step on the small one."""
        small, large = self.steps
        return (self.timing.workload / large) / (self.timing.baseline / small)

    def summary(self) -> str:
        """The result line."""
        return (f"simulate {LARGE} widgets: {self.steps_per_second:,.0f} steps/s ({self.steps[1]} steps in "
                f"{self.timing.workload * 1e3:.1f} ms); per-step cost {LARGE} vs {SMALL} widgets = "
                f"{self.per_step_ratio:.2f}x (target <= {TARGET_RATIO:g}x; linear = 1x)")


def walk(widgets: int) -> tuple[Mapping[str, Any], Contact]:
    """The benchmark flow's definition and a contact that walks every segment."""
    definition = build_flow(widgets).to_definition()
    segments = max(1, (widgets - 1) // SEGMENT_WIDGETS)
    mocks = {f"to_flex_{index}": Mock("failedToEnqueue") for index in range(segments)}
    return definition, Contact(answers=("1",) * segments, mocks=mocks)


def run(*, repeats: int = 7, min_seconds: float = 0.2) -> SimulateBenchResult:
    """Time the walk of the large flow against the walk of the small one, in this process."""
    small, large = walk(SMALL), walk(LARGE)
    steps = (len(simulate(*small).path), len(simulate(*large).path))
    timing = median_ratio(partial(simulate, *large), partial(simulate, *small), repeats=repeats,
                          min_seconds=min_seconds)
    return SimulateBenchResult(steps, timing)
