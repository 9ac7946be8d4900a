"""Benchmark: ``taskrouter`` lint of a workflow with 10,000 filters against one with 1,000, in one run.

Linting should grow linearly with the number of filters, so ten times the filters should cost about ten
times as much (a quadratic lint would cost a hundred times). Both documents are linted from their JSON
object (``lint_configuration``: shape check, import, every lint rule), with the parse cache emptied before
each call so that neither side is served from it. ``python -m bench --lint`` prints the ratio.

The filters look like a real pre-agent workflow's: skills, languages and VIP tiers combined with AND/OR,
each with a first target that times out into a fallback queue, some with ``skip_if`` and a target
expression; every fifth filter repeats an earlier expression behind a filter that lets tasks go, so the
"unreachable filter" rule has work to do but finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bench.timing import Ratio, median_ratio
from taskrouter.evaluation import parsed
from taskrouter.lint import Finding, lint_configuration

SMALL, LARGE = 1_000, 10_000
TARGET_RATIO = 15.0
"""Linear is 10x for ten times the filters; 15x leaves room for noise and still rules out quadratic."""
QUEUES = 40


@dataclass(frozen=True, slots=True)
class LintBenchResult:
    """One run: (small, large) filter counts and the median seconds of linting each (large is the workload)."""

    sizes: tuple[int, int]
    timing: Ratio

    def summary(self) -> str:
        """The result line, e.g. ``lint 10000 filters / 1000 filters = 10.4x (target <= 15x; linear = 10x)``."""
        small, large = self.sizes
        return (
            f"lint {large} filters / {small} filters = {self.timing.value:.1f}x "
            f"(target <= {TARGET_RATIO:g}x; linear = {large / small:g}x); "
            f"{self.timing.workload * 1e3:.0f} ms vs {self.timing.baseline * 1e3:.0f} ms"
        )


def workflow_configuration(filters: int) -> dict[str, object]:
    """A workflow configuration JSON object with ``filters`` filters (queues are ``${Q<n>}`` placeholders)."""
    items: list[dict[str, object]] = []
    for index in range(filters):
        queue, fallback = f"${{Q{index % QUEUES}}}", f"${{Q{(index + 1) % QUEUES}}}"
        first: dict[str, object] = {"queue": queue, "timeout": 30, "priority": index % 10}
        if index % 3 == 0:
            first["expression"] = "task.language IN worker.languages"
        if index % 4 == 0:
            first["skip_if"] = "workers.available == 0"
        source = index - 1 if index % 5 == 0 and index else index  # every fifth repeats the one before
        expression = f"(skills HAS 'skill_{source}' OR language == 'lang_{source % 7}') AND vip_tier >= {source % 3}"
        items.append({"filter_friendly_name": f"Filter {index}", "expression": expression,
                      "targets": [first, {"queue": fallback, "timeout": 120}]})
    return {"task_routing": {"filters": items, "default_filter": {"queue": "${EVERYONE}"}}}


def lint_cold(configuration: dict[str, object]) -> list[Finding]:
    """The measured workload: lint a configuration with an empty parse cache."""
    parsed.cache_clear()
    return lint_configuration(configuration)


def run(small: int = SMALL, large: int = LARGE, *, repeats: int = 3, min_seconds: float = 0.0) -> LintBenchResult:
    """Time linting ``large`` filters against ``small`` filters in this process; compare the medians."""
    timing = median_ratio(
        partial(lint_cold, workflow_configuration(large)),
        partial(lint_cold, workflow_configuration(small)),
        repeats=repeats,
        min_seconds=min_seconds,
    )
    return LintBenchResult(sizes=(small, large), timing=timing)
