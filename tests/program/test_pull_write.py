"""``flexctl pull --write`` over a team's own module: what it replaces is said, and a file of several flows is
never cut down to one. The live account is stubbed: ``tests/lifecycle/test_reviews.py`` pulls from the emulator."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from components.plan import read_stack_plan
from flexctl import pull_commands
from flexctl.cli import main
from tests.program.support import ROOT


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stack files and voice.py in a folder of their own, with the live voice flow edited in the Console."""
    for name in ("Pulumi.yaml", "Pulumi.local.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "flows").mkdir()
    shutil.copy(ROOT / "flows" / "voice.py", tmp_path / "flows" / "voice.py")
    planned = read_stack_plan(ROOT, "local").flow("voice")
    live = planned.flow.to_definition({**planned.values, **dict.fromkeys(planned.sources, "WW" + "0" * 32)})
    goodbye = next(state for state in live["states"] if state["name"] == "goodbye")
    goodbye["properties"]["say"] = "Link sent. Bye!"

    def fetch_live(settings: Any, friendly_name: str) -> dict[str, Any]:
        assert friendly_name == "Pre-agent voice"
        return live

    monkeypatch.setattr(pull_commands, "fetch_live", fetch_live)
    monkeypatch.setattr(pull_commands, "repo_root", lambda: tmp_path)
    return tmp_path


def test_write_over_a_hand_written_builder_says_what_it_replaced(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pull", "--stack", "local", "voice", "--write"]) == 0
    out = capsys.readouterr()
    assert "Link sent. Bye!" in (project / "flows" / "voice.py").read_text()
    assert ("flexctl pull: flows/voice.py was written by hand and is now the importer's code (its builder took "
            "languages, vip_trait, open_time, close_time; the new code is the flow as stack local builds it): review "
            "`git diff flows/voice.py`; to keep the hand-written builder instead, `git checkout flows/voice.py` and "
            "make the changes above in it") in out.err

    assert main(["pull", "--stack", "local", "voice", "--write"]) == 0  # now generated code: nothing to say
    assert "written by hand" not in capsys.readouterr().err


def test_write_says_what_to_run_next(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After --write a new user is told how the stack takes the live flow as deployed without a write."""
    assert main(["pull", "--stack", "local", "voice", "--write"]) == 0
    out = capsys.readouterr().out
    assert "The changes above are now in flows/voice.py. Next: review `git diff flows/voice.py` and commit it" in out
    assert "`pulumi up --refresh --stack local` takes the live flow as deployed, with no write to Twilio" in out
    assert main(["pull", "--stack", "local", "voice"]) == 0  # only shown: nothing written, no next steps
    assert "Next:" not in capsys.readouterr().out


def test_write_refuses_a_file_that_registers_other_flows_too(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from flows import registry

    voice = registry.all_flows()["voice"]
    monkeypatch.setitem(registry._REGISTRY.flows, "voice_night", registry.FlowEntry(
        "voice_night", "Night line", voice.build, voice.module))
    before = (project / "flows" / "voice.py").read_text()
    assert main(["pull", "--stack", "local", "voice", "--write"]) == 2
    assert ("flows/voice.py registers voice_night besides voice: --write would replace the whole file with voice "
            "alone; move voice into a file of its own first, or make the changes shown without --write by hand"
            ) in capsys.readouterr().err
    assert (project / "flows" / "voice.py").read_text() == before


def test_write_declares_where_each_parameter_comes_from(project: Path) -> None:
    """A workflow the replaced module declared itself (``workflow_sid("Marca ES routing")``) was written as a bare
    ``Parameter``, and the stack then had no value for it: render and preview refused the flow after the pull."""
    assert main(["pull", "--stack", "local", "voice", "--write"]) == 0
    written = (project / "flows" / "voice.py").read_text()
    assert 'WORKFLOW_SID = registry.workflow_sid("Pre-agent routing", parameter="WORKFLOW_SID")' in written
    assert 'VOICE_CHANNEL_SID = registry.task_channel_sid("voice", parameter="VOICE_CHANNEL_SID")' in written
    assert 'HOLD_MUSIC_URL = registry.config_value("holdMusicUrl", parameter="HOLD_MUSIC_URL")' in written
    assert "Parameter(" not in written  # every parameter of voice has a declared source
