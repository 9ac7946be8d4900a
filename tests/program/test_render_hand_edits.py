"""``flexctl render`` over a build/ file edited by hand (the wrong file: build/ is output, a deploy never reads
it): the edit is kept beside it and the warning says where the change belongs; an untouched build is quiet."""

from __future__ import annotations

import os
from pathlib import Path

from flexctl.render_commands import render
from tests.program.support import ROOT


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))
    later = (path.parent / "index.html").stat().st_mtime + 5
    os.utime(path, (later, later))  # edited after the render that wrote it


def test_a_hand_edited_flow_json_is_kept_and_pointed_at_its_module(tmp_path: Path) -> None:
    out = tmp_path / "local"
    first = render("local", out, root=ROOT)
    assert not [line for line in first.warnings if "edited by hand" in line]
    again = render("local", out, root=ROOT)  # rendering twice is not an edit
    assert not [line for line in again.warnings if "edited by hand" in line]

    _edit(out / "voice.json", '"say": "', '"say": "EDITED ')
    edited = (out / "voice.json").read_text()
    result = render("local", out, root=ROOT)

    said = [line for line in result.warnings if "edited by hand" in line]
    assert len(said) == 1, result.warnings
    assert f"{out / 'voice.json'} was edited by hand since the last render" in said[0]
    assert "your edit is kept as voice.json.edited. Make the change in flows/voice.py instead" in said[0]
    assert "python -m flexctl diff" in said[0]
    assert (out / "voice.json.edited").read_text() == edited  # not lost
    assert "EDITED" not in (out / "voice.json").read_text()  # the build is the code's again


def test_a_hand_edited_workflow_json_is_kept_too(tmp_path: Path) -> None:
    out = tmp_path / "local"
    render("local", out, root=ROOT)
    _edit(out / "workflow-pre-agent-routing.json", "120", "90")
    result = render("local", out, root=ROOT)
    said = [line for line in result.warnings if "edited by hand" in line]
    assert len(said) == 1, result.warnings
    assert "kept as workflow-pre-agent-routing.json.edited" in said[0]
    assert "the module of the @routing function" in said[0]
