"""The lint scaling benchmark (`python -m bench --lint`) runs and reports; no timing is asserted."""

from __future__ import annotations

import re
from functools import partial

import pytest

import bench.taskrouter_lint as lint_bench
from bench.__main__ import main
from taskrouter import lint_configuration


def test_the_benchmark_workflow_has_the_requested_filters_and_lints_clean() -> None:
    configuration = lint_bench.workflow_configuration(200)
    assert len(configuration["task_routing"]["filters"]) == 200  # type: ignore[index]
    assert lint_configuration(configuration) == []


def test_every_fifth_filter_repeats_an_expression_behind_a_filter_that_lets_tasks_go() -> None:
    filters = lint_bench.workflow_configuration(11)["task_routing"]["filters"]  # type: ignore[index]
    assert [filters[n]["expression"] == filters[n - 1]["expression"] for n in (5, 10)] == [True, True]
    assert filters[4]["targets"][-1]["timeout"] == 120


def test_a_tiny_run_reports_both_sizes_and_the_ratio() -> None:
    result = lint_bench.run(10, 50, repeats=1)
    assert result.sizes == (10, 50)
    assert re.fullmatch(r"lint 50 filters / 10 filters = \d+\.\dx \(target <= 15x; linear = 5x\); \d+ ms vs \d+ ms",
                        result.summary())


def test_python_m_bench_lint_prints_the_lint_line(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(lint_bench, "run", partial(lint_bench.run, 10, 50))
    assert main(["--lint", "--repeats", "1"]) == 0
    assert capsys.readouterr().out.startswith("lint 50 filters / 10 filters = ")
