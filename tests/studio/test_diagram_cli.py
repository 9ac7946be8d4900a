"""``flexctl diagram`` and ``flexctl diff``: outputs, exit codes and errors that name the file."""

from __future__ import annotations

import argparse
import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flexctl import flow_view_commands
from flexctl.cli import main, run_handler
from tests.studio.test_layout_strategies import Definition, flow, state

FLOW = flow(
    state("Trigger", "trigger", ("incomingCall", "greet")),
    state("greet", "say-play", ("audioComplete", None), say="Hello"),
)


def run(argv: list[str]) -> int:
    """Run only this module's subcommands, so other commands' work cannot affect these tests."""
    parser = argparse.ArgumentParser(prog="flexctl")
    flow_view_commands.register(parser.add_subparsers(dest="command", required=True))
    return run_handler(parser.parse_args(argv))


def write(path: Path, definition: Definition | str) -> Path:
    path.write_text(definition if isinstance(definition, str) else json.dumps(definition))
    return path


def test_diagram_prints_mermaid_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diagram", str(write(tmp_path / "f.json", FLOW))]) == 0
    assert capsys.readouterr().out.startswith("flowchart TD\n")


def test_diagram_writes_svg_to_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.svg"
    assert run(["diagram", str(write(tmp_path / "f.json", FLOW)), "--format", "svg", "-o", str(out)]) == 0
    assert (ET.parse(out).getroot().tag, capsys.readouterr().out) == ("{http://www.w3.org/2000/svg}svg", "")


def test_diagram_reads_a_flow_resource_with_a_definition_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "f.json", {"friendly_name": "IVR", "definition": FLOW})
    assert run(["diagram", str(path)]) == 0
    assert "w_greet" in capsys.readouterr().out


def test_diagram_of_a_missing_file_fails_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    assert run(["diagram", str(missing)]) == 2
    assert f"cannot read {missing}" in capsys.readouterr().err


def test_diagram_of_invalid_json_fails_naming_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bad.json", '{"states": [\n  oops]}')
    assert run(["diagram", str(path)]) == 2
    assert f"{path}:2:3: not valid JSON" in capsys.readouterr().err


def test_diagram_of_json_without_states_fails_saying_what_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["diagram", str(write(tmp_path / "x.json", {"name": "x"}))]) == 2
    assert "expected a JSON object with a 'states' list" in capsys.readouterr().err


def test_diagram_rejects_a_state_that_is_not_an_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diagram", str(write(tmp_path / "x.json", {"states": [{}, 3]}))]) == 2
    assert "states[1] is not a JSON object" in capsys.readouterr().err


def test_diagram_rejects_an_unknown_format() -> None:
    with pytest.raises(SystemExit):
        run(["diagram", "f.json", "--format", "png"])


def test_diff_prints_markdown_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = copy.deepcopy(FLOW)
    new["states"][1]["properties"]["say"] = "Hi"
    assert run(["diff", str(write(tmp_path / "a.json", FLOW)), str(write(tmp_path / "b.json", new))]) == 0
    assert '| `/properties/say` | `"Hello"` | `"Hi"` |' in capsys.readouterr().out


def test_diff_can_hide_canvas_moves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = copy.deepcopy(FLOW)
    new["states"][1]["properties"]["offset"] = {"x": 5, "y": 5}
    paths = [str(write(tmp_path / "a.json", FLOW)), str(write(tmp_path / "b.json", new))]
    assert run(["diff", *paths, "--hide-moves"]) == 0
    assert "moved" not in capsys.readouterr().out


def test_diff_with_a_bad_new_file_fails_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "new.json", "[]")
    assert run(["diff", str(write(tmp_path / "old.json", FLOW)), str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err


def test_flexctl_main_dispatches_diagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", str(write(tmp_path / "f.json", FLOW))]) == 0
    assert "w_Trigger -->|incomingCall| w_greet" in capsys.readouterr().out
