"""``flexctl validate`` and ``flexctl import``: exit codes and output lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flexctl.cli import main
from tests.studio.flow_samples import CORPUS_FILES, load, run_generated

SCHEDULE_FLOW = next(path for path in CORPUS_FILES if path.name == "fpt_template_example_schedule_flow.json")
RUN_SUBFLOW = next(path for path in CORPUS_FILES if path.name == "runSubflow.json")


def write(tmp_path: Path, data: Any, name: str = "flow.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def broken_flow() -> dict[str, Any]:
    definition: dict[str, Any] = load(SCHEDULE_FLOW)
    definition["states"][4]["properties"]["waitUrlMethod"] = "PUT"
    definition["states"][1]["transitions"][0]["event"] = "succes"
    return definition


def test_validate_exits_0_for_a_valid_flow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SCHEDULE_FLOW)]) == 0
    assert capsys.readouterr().out == ""


def test_validate_says_valid_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(SCHEDULE_FLOW)])
    assert capsys.readouterr().err.strip().endswith("valid (0 errors, 0 warnings)")


def test_validate_exits_1_for_an_invalid_flow(tmp_path: Path) -> None:
    assert main(["validate", str(write(tmp_path, broken_flow()))]) == 1


def test_validate_prints_one_line_per_problem_naming_the_widget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, broken_flow())
    main(["validate", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1].split(" at ")[0] for line in lines] == [
        "error [graph] widget 'check_schedule'",
        "error [schema] widget 'send_to_flex'",
    ]


def test_validate_lines_start_with_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, broken_flow())
    main(["validate", str(path)])
    assert all(line.startswith(f"{path}: ") for line in capsys.readouterr().out.splitlines())


def test_validate_passes_with_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(RUN_SUBFLOW)]) == 0
    assert "warning [schema] widget 'RunSubflow'" in capsys.readouterr().out


def test_validate_strict_fails_on_warnings() -> None:
    assert main(["validate", "--strict", str(RUN_SUBFLOW)]) == 1


def test_validate_missing_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["validate", str(missing)]) == 2
    assert f"cannot read {missing}" in capsys.readouterr().err


def test_validate_bad_json_names_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '{"states": [\n  oops]}')
    assert main(["validate", str(path)]) == 2
    assert f"{path}:2:3: not valid JSON" in capsys.readouterr().err


def test_validate_non_object_json_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(write(tmp_path, [1, 2]))]) == 2
    assert "expected a JSON object" in capsys.readouterr().err


def test_validate_unwraps_a_flow_resource(tmp_path: Path) -> None:
    assert main(["validate", str(write(tmp_path, {"definition": broken_flow()}))]) == 1


def test_import_prints_a_module_that_rebuilds_the_flow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SCHEDULE_FLOW)]) == 0
    assert json.loads(run_generated(capsys.readouterr().out)) == load(SCHEDULE_FLOW)


def test_import_writes_the_module_to_a_file(tmp_path: Path) -> None:
    output = tmp_path / "schedule.py"
    assert main(["import", str(SCHEDULE_FLOW), "-o", str(output)]) == 0
    assert json.loads(run_generated(output.read_text(encoding="utf-8"))) == load(SCHEDULE_FLOW)


def test_import_of_a_single_widget_prints_a_widget_module(capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", str(RUN_SUBFLOW)])
    assert "def build_widget() -> RunSubflow:" in capsys.readouterr().out


def test_import_of_something_else_exits_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, {"hello": "world"})
    assert main(["import", str(path)]) == 2
    assert f"{path}: expected a Studio flow definition" in capsys.readouterr().err


def test_import_to_an_unwritable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SCHEDULE_FLOW), "-o", str(tmp_path / "missing" / "x.py")]) == 2
    assert "cannot write" in capsys.readouterr().err
