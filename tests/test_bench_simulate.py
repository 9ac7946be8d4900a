"""The simulator benchmark walks the whole flow and reports; no timing is asserted (that is `make bench`)."""

from __future__ import annotations

import re

from bench.simulate_flow import LARGE, run, walk
from studio.simulate import simulate


def test_the_benchmark_contact_walks_every_segment_of_the_thousand_widget_flow() -> None:
    definition, contact = walk(LARGE)
    result = simulate(definition, contact)
    segments = len(contact.answers)
    assert len(definition["states"]) == 1000
    assert result.path[-1].widget == f"to_flex_{segments - 1}"
    assert {f"menu_{index}" for index in range(segments)} <= set(result.widgets)


def test_a_quick_run_reports_steps_per_second_and_the_per_step_ratio() -> None:
    line = run(repeats=1, min_seconds=0).summary()
    assert re.fullmatch(r"simulate 1000 widgets: [\d,]+ steps/s \(\d+ steps in [\d.]+ ms\); per-step cost 1000 vs "
                        r"100 widgets = [\d.]+x \(target <= 1.5x; linear = 1x\)", line)
