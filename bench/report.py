"""What `make bench` prints: every figure users compare, measured in one run, and the one table that joins them.

The sections, in the order they run: the toolkits against `json.dumps` with the canonical options, the toolkits'
scaling table, synthesis of the prod program under mocks against the SDK floor, the reference stack (`local`)
on the real engine with the engine's own floor, and the 2,000-resource stack on the real engine at no latency
and at Twilio-like latency. Each section prints its own detailed table as it finishes; the summary table at the
end is built from the same measurements, never from an earlier run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench import big_stack, reference_stack, scaling, studio_flow, synthesis, taskrouter_lint
from bench.big_stack import Phase, Size
from bench.synthesis import SynthesisResult

PHASES = ("preview", "first up", "no-op up", "refresh", "one change", "destroy")
"""The phases in the summary; each stack names its change its own way (`one-flow change`, `one change (a flow)`)."""


@dataclass(frozen=True)
class Latency:
    seconds: float = 0.0
    jitter: float = 0.0

    @property
    def label(self) -> str:
        if not self.seconds:
            return "no latency"
        return f"{self.seconds * 1e3:.0f} ms ± {self.jitter * 1e3:.0f} ms"


PROVIDER_WORKERS = 4
"""The SDK's dynamic provider server answers at most four calls at once (`ThreadPoolExecutor(max_workers=4)`)."""

TWILIO_LIKE = Latency(0.150, 0.050)
"""Twilio-like latency for the second run of the big stack: 150 ms a request, give or take 50 ms."""


@dataclass
class Report:
    """Everything one `make bench` measured."""

    flow: studio_flow.FlowBenchResult
    lint: taskrouter_lint.LintBenchResult
    scaling: list[scaling.StepScaling]
    synthesis: SynthesisResult
    reference: reference_stack.ReferenceResult
    big_size: Size
    big: dict[Latency, list[Phase]]
    big_synthesis: SynthesisResult

    def summary(self) -> str:
        """The one table: requests and wall time per phase, and every ratio with its target."""
        latencies = list(self.big)
        big_name = f"{self.big_size.resources:,}-resource stack"
        heads = ["what", f"reference stack ({self.reference.resources} resources)", big_name,
                 "physical minimum or target"]
        rows = []
        reference = _by_phase(self.reference.phases)
        for latency in latencies:
            big = _by_phase(self.big[latency])
            for name in PHASES:
                if latency == latencies[0]:
                    rows.append([f"{name}: Twilio reads + writes", _requests(reference[name]),
                                 f"{_requests(big[name])} (minimum: {big[name].minimum})", reference[name].minimum])
            for name in PHASES:
                ref = f"{reference[name].seconds:.1f} s" if not latency.seconds else "not run"
                floor = ""
                if latency.seconds and big[name].reads + big[name].writes:
                    # Every request goes through the provider server, which answers four calls at a time.
                    least = (big[name].reads + big[name].writes) * latency.seconds / PROVIDER_WORKERS
                    floor = f"at least {_seconds(least)}: {PROVIDER_WORKERS} provider workers"
                rows.append([f"{name}: wall time, {latency.label}", ref, f"{big[name].seconds:.1f} s", floor])
        worst = max(self.scaling, key=lambda step: step.worst)
        rows += [
            ["no-op `pulumi up` / the same engine's no-op up of an empty program",
             f"{self.reference.noop_ratio:.2f}x ({self.reference.noop_seconds:.1f} s / "
             f"{self.reference.empty_noop_seconds:.1f} s)", "", "the engine's own floor"],
            ["synthesis under mocks (prod program; the big stack's) / as many trivial dynamic resources",
             _synthesis(self.synthesis), _synthesis(self.big_synthesis), f"<= {synthesis.TARGET}x"],
            *_decomposition(self.synthesis),
            [f"Studio: build + validate + serialize {self.flow.widgets:,} widgets / json.dumps (canonical options)",
             f"{self.flow.timing.value:.1f}x", "", f"<= {studio_flow.TARGET_RATIO:g}x"],
            [f"routing: lint {self.lint.sizes[1]:,} filters / {self.lint.sizes[0]:,} filters",
             f"{self.lint.timing.value:.1f}x", "", f"<= {taskrouter_lint.TARGET_RATIO:g}x"],
            ["scaling: worst calls(4n)/calls(n) of any toolkit step (table above)",
             f"{worst.worst:.2f} ({worst.toolkit} {worst.step})", "", f"<= {scaling.TARGET}"],
        ]
        lines = ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)


def _seconds(value: float) -> str:
    """A tenth of a second, or a hundredth below that (one write at 150 ms through 4 workers: 0.04 s)."""
    return f"{value:.1f} s" if value >= 0.1 else f"{value:.2f} s"


def _synthesis(result: SynthesisResult) -> str:
    return f"{result.ratio:.2f}x ({result.program:.2f} s / {result.floor:.2f} s, {result.resources:,} resources)"


def _decomposition(result: SynthesisResult) -> list[list[str]]:
    """The rows that show what of the program's synthesis none of its own code can cut, when measured."""
    if result.same_resources is None or result.same_resources_pydantic is None:
        return []
    return [["synthesis: the prod program's own resources, replayed by a do-nothing provider / the same floor",
             f"{result.same_resources / result.floor:.2f}x ({result.same_resources:.2f} s)", "",
             "what the SDK costs for these resources"],
            ["synthesis: the same, with pydantic imported and one model built / the same floor",
             f"{result.same_resources_pydantic / result.floor:.2f}x ({result.same_resources_pydantic:.2f} s)", "",
             "the least the program can be while pydantic validates its config"]]


def _by_phase(phases: list[Phase]) -> dict[str, Phase]:
    return {_phase_name(phase.name): phase for phase in phases}


def _phase_name(name: str) -> str:
    return "one change" if "change" in name else name


def _requests(phase: Phase) -> str:
    return f"{phase.reads} + {phase.writes}"


def run(*, repeats: int, big_size: Size | None, latencies: list[Latency],
        say: Callable[[str], None] = print) -> Report | None:
    """Measure every section, printing each as it finishes; the report, or None without the big stack."""
    say("## Toolkits against json.dumps (the same canonical options)\n")
    flow = studio_flow.run(1000, repeats=repeats, min_seconds=0.2)
    say(f"- {flow.summary()}")
    lint = taskrouter_lint.run(repeats=3, min_seconds=0)
    say(f"- {lint.summary()}")
    say("\n## Scaling\n")
    steps = scaling.run(repeats=repeats)
    say(scaling.table(steps))
    say("\n## Synthesis under mocks\n")
    synthesized = synthesis.run(repeats=5)
    say(f"- {synthesized.summary()}")
    say("\n## The reference stack (`local`) on the real engine\n")
    say(big_stack.TABLE_HEAD)
    reference = reference_stack.run(say)
    say(f"\n{reference.resources} dynamic resources. No-op `pulumi up`: {reference.noop_seconds:.1f} s against "
        f"{reference.empty_noop_seconds:.1f} s for an empty program on the same engine ({reference.noop_ratio:.2f}x).")
    if big_size is None:
        return None
    big: dict[Latency, list[Phase]] = {}
    for latency in latencies:
        say(f"\n## The {big_size.resources:,}-resource stack on the real engine, {latency.label}\n")
        say(big_stack.TABLE_HEAD)
        big[latency] = big_stack.run(big_size, latency=latency.seconds, jitter=latency.jitter, say=say)
    say("\n## Synthesis under mocks at scale\n")
    big_synthesized = synthesis.run_big(big_size)
    say(f"- {big_synthesized.summary()}")
    report = Report(flow, lint, steps, synthesized, reference, big_size, big, big_synthesized)
    say("\n## Summary: every figure above, from this one run\n")
    say(report.summary())
    return report
