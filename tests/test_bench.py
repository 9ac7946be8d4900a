"""The benchmark runs and reports; no timing is asserted (timings belong to `make bench`)."""

from __future__ import annotations

import re

import pytest

from bench.__main__ import main
from bench.studio_flow import SEGMENT_WIDGETS, build_flow, build_validate_serialize, run
from bench.timing import Ratio
from studio import validate_definition

TINY = 1 + 2 * SEGMENT_WIDGETS


def test_the_benchmark_flow_has_the_requested_thousand_widgets() -> None:
    assert len(build_flow(1000).to_definition()["states"]) == 1000


def test_the_benchmark_flow_is_valid() -> None:
    assert validate_definition(build_flow(1000).to_definition()) == []


def test_the_workload_returns_the_canonical_json_of_the_flow() -> None:
    text, problems = build_validate_serialize(TINY)
    assert (text.startswith('{"description":"Benchmark IVR"'), problems) == (True, 0)


def test_a_tiny_run_reports_its_size_and_a_ratio_line() -> None:
    result = run(TINY, repeats=1, min_seconds=0)
    assert result.widgets == TINY
    assert re.fullmatch(
        r"build\+validate\+serialize / json\.dumps = \d+\.\dx \(target <= 10x\); 19 widgets: .* ms vs .* ms",
        result.summary(),
    )


def test_ratio_divides_workload_by_baseline() -> None:
    assert Ratio(workload=0.03, baseline=0.004).value == pytest.approx(7.5)


def test_python_m_bench_prints_the_result_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--widgets", str(TINY), "--repeats", "1", "--min-seconds", "0"]) == 0
    assert capsys.readouterr().out.startswith("build+validate+serialize / json.dumps = ")


def test_python_m_bench_rejects_a_size_below_one() -> None:
    with pytest.raises(SystemExit):
        main(["--widgets", "0"])
