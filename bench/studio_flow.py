"""Benchmark: build, validate and serialize a large Studio flow, against ``json.dumps`` of it.

The flow is a voice IVR made of repeated 9-widget segments (menu with a retry loop, a split on the
digits, variables, a Function, an HTTP call, a hold message and Send to Flex), chained through
each segment's Send to Flex failure, after one trigger: every widget is reachable, Liquid
references are valid and the layout has loops to handle, like a real pre-agent flow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from bench.timing import Ratio, median_ratio
from studio import (
    Condition,
    Flow,
    GatherInputOnCall,
    MakeHttpRequest,
    Port,
    RunFunction,
    SayPlay,
    SendToFlex,
    SetVariables,
    SplitBasedOn,
    Trigger,
    Widget,
    canonical_json,
    validate_definition,
)
from studio.jsontext import CANONICAL_OPTIONS

TARGET_RATIO = 10.0
SEGMENT_WIDGETS = 9
"""Widgets per segment of the benchmark flow (plus the one trigger)."""


@dataclass(frozen=True, slots=True)
class FlowBenchResult:
    """One benchmark run: the flow's size, its problem count and the median timings."""

    widgets: int
    problems: int
    timing: Ratio

    @property
    def within_target(self) -> bool:
        """Whether the ratio is at most :data:`TARGET_RATIO`."""
        return self.timing.value <= TARGET_RATIO

    def summary(self) -> str:
        """The result line, e.g. ``build+validate+serialize / json.dumps = 7.3x (target <= 10x)``."""
        return (
            f"build+validate+serialize / json.dumps = {self.timing.value:.1f}x (target <= {TARGET_RATIO:g}x); "
            f"{self.widgets} widgets: {self.timing.workload * 1e3:.2f} ms vs {self.timing.baseline * 1e3:.2f} ms"
        )


def build_flow(widgets: int) -> Flow:
    """Build the benchmark flow with the Studio builder: one trigger plus whole segments.

    Args:
        widgets: the wanted size; rounded down to ``1 + k * SEGMENT_WIDGETS`` (at least one segment).
    """
    with Flow("Benchmark IVR") as flow:
        trigger = Trigger()
        entry = trigger.on_incoming_call
        for index in range(max(1, (widgets - 1) // SEGMENT_WIDGETS)):
            entry = _segment(index, entry)
    return flow


def _segment(index: int, entry: Port) -> Port:
    """Add one segment after ``entry`` and return the port that leads to the next one."""
    menu = entry >> GatherInputOnCall(
        f"menu_{index}", say="For sales press 1, for support press 2.", number_of_digits=1, timeout=5
    )
    menu.on_timeout >> menu  # the retry loop every IVR has
    route = menu.on_keypress >> SplitBasedOn(f"route_{index}", input=f"{{{{widgets.menu_{index}.Digits}}}}")
    sales: Widget = route.when(Condition.equal_to("1")) >> SetVariables(
        f"sales_{index}", variables={"queue": "sales", "segment": str(index)}
    )
    support: Widget = route.when(Condition.equal_to("2")) >> SetVariables(
        f"support_{index}", variables={"queue": "support", "segment": str(index)}
    )
    route.on_no_match >> SayPlay(f"sorry_{index}", say="Sorry, I did not get that.") >> menu
    lookup = RunFunction(
        f"lookup_{index}",
        url="https://example-1234.twil.io/lookup",
        parameters={"from": "{{trigger.call.From}}", "queue": "{{flow.variables.queue}}"},
    )
    sales >> lookup
    support >> lookup
    crm = lookup >> MakeHttpRequest(
        f"crm_{index}",
        method="POST",
        url="https://crm.example.com/api/calls",
        content_type="application/json",
        body=f'{{"caller": "{{{{trigger.call.From}}}}", "segment": {index}}}',
    )
    hold = crm >> SayPlay(f"hold_{index}", say="Please hold while we connect you.")
    crm.on_failed >> hold
    lookup.on_fail >> hold
    to_flex = hold >> SendToFlex(
        f"to_flex_{index}",
        workflow="WW0123456789abcdef0123456789abcdef",
        channel="TC0123456789abcdef0123456789abcdef",
        attributes='{"type": "inbound", "queue": "{{flow.variables.queue}}"}',
        priority=10,
    )
    return to_flex.on_failed_to_enqueue


def build_validate_serialize(widgets: int) -> tuple[str, int]:
    """The measured workload: build the flow, validate its definition and serialize it.

    Returns:
        The canonical JSON text and the number of problems found.
    """
    definition = build_flow(widgets).to_definition()
    problems = validate_definition(definition)
    return canonical_json(definition), len(problems)


def run(widgets: int = 1000, *, repeats: int = 7, min_seconds: float = 0.2) -> FlowBenchResult:
    """Measure the workload against ``json.dumps`` of the same definition with the same canonical options
    (sorted keys, compact separators), in this process.

    Args:
        widgets: flow size (see :func:`build_flow`).
        repeats: timed repeats of each side; medians are compared.
        min_seconds: minimum duration of one repeat (0: a single call per repeat).
    """
    definition = build_flow(widgets).to_definition()
    _, problems = build_validate_serialize(widgets)
    timing = median_ratio(
        partial(build_validate_serialize, widgets),
        partial(json.dumps, definition, **CANONICAL_OPTIONS),
        repeats=repeats,
        min_seconds=min_seconds,
    )
    return FlowBenchResult(widgets=len(definition["states"]), problems=problems, timing=timing)
