"""``flexctl recover`` as a new user runs it: ``--state`` given the folder their PULUMI_BACKEND_URL names, a wrong
stack name, and a state that cannot be written (the lock a killed run left). Nothing here needs the engine: the
user's CLI is replaced by a recording stand-in, and what recovery finds in Twilio by a fixed plan."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from flexctl import recover_commands, recovery
from flexctl.cli import InputError, main
from flexctl.recovery import Recovery
from tests.program.support import ROOT

URN = "urn:pulumi:local::flex-pre-agent::pulumi-python:dynamic/twilio:TaskQueue::routing-queue-vip"
PENDING = {"pending_operations": [{"type": "creating", "resource": {
    "urn": URN, "type": "pulumi-python:dynamic/twilio:TaskQueue", "inputs": {"friendly_name": "VIP"}}}]}


class FakeCli:
    """The user's Pulumi CLI on one stack: records the backend it was pointed at and what was imported."""

    made: ClassVar[list[FakeCli]] = []

    def __init__(self, cwd: Path, stack: str, backend: Path | None = None, *, locked: bool = False) -> None:
        self.cwd, self.stack, self.backend, self.locked = cwd, stack, backend, locked
        self.imported: list[Mapping[str, Any]] = []
        FakeCli.made.append(self)

    def export(self) -> dict[str, Any]:
        return {"resources": [], **PENDING}

    def config(self) -> dict[str, Any]:
        return {}

    def import_state(self, deployment: Mapping[str, Any]) -> None:
        if self.locked:
            raise recover_commands._CliError("`pulumi stack import --stack local` failed:\nthe stack is currently "
                                             "locked by 1 lock(s)")
        self.imported.append(deployment)


@pytest.fixture
def found(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Twilio answers: the pending VIP queue was made, as WQ1..."""

    def plan(deployment: Mapping[str, Any], config: Mapping[str, Any], environ: Any = None) -> Recovery:
        return Recovery(imported={URN: "WQ" + "1" * 32}, outputs={URN: {"sid": "WQ" + "1" * 32}},
                        lines=[f"  - TaskQueue 'VIP': made {'WQ' + '1' * 32}; importing it (never created again)"])

    monkeypatch.setattr(recovery, "plan_recovery", plan)
    FakeCli.made.clear()


def _backend_folder(folder: Path, *stacks: str) -> Path:
    """A file backend folder, as `pulumi login file://FOLDER` (or PULUMI_BACKEND_URL) lays it out."""
    where = folder / ".pulumi" / "stacks" / "flex-pre-agent"
    where.mkdir(parents=True)
    for stack in stacks:
        (where / f"{stack}.json").write_text("{}")
    return folder


def test_state_given_the_backend_url_folder_recovers_that_stack_and_makes_no_new_one(
        tmp_path: Path, found: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """It made DIR/backend/, a new empty stack there, and said 'no create was left pending'."""
    folder = _backend_folder(tmp_path / ".pulumi-local", "local")
    monkeypatch.setattr(recover_commands, "_Cli", FakeCli)

    assert main(["recover", "--stack", "local", "--state", str(folder), "--cwd", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert [cli.backend for cli in FakeCli.made] == [folder]  # the user's CLI, on that backend
    assert len(FakeCli.made[0].imported) == 1
    assert "no create was left pending" not in out
    assert "Stack local: recovered (1 imported, 0 cleared)" in out
    assert not (folder / "backend").exists()
    assert not (folder / "home").exists()


def test_state_that_is_no_backend_or_lacks_the_stack_is_refused_with_what_is_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["recover", "--stack", "local", "--state", str(empty), "--cwd", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert f"--state {empty}: no file backend there" in err
    assert "give the folder your PULUMI_BACKEND_URL=file://... names" in err
    assert list(empty.iterdir()) == []  # nothing made in it

    folder = _backend_folder(tmp_path / "state", "local")
    assert main(["recover", "--stack", "lcoal", "--state", str(folder), "--cwd", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert "its backend has no stack 'lcoal' of project flex-pre-agent; it has local (did you mean local?)" in err
    assert "Traceback" not in err


def test_a_wrong_stack_name_with_the_login_names_the_stacks_of_the_project(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class Missing(recover_commands._Cli):
        def run(self, *args: str) -> str:  # what the CLI answers for a stack it does not have
            self.env = {**self.env, "PULUMI_BACKEND_URL": "file:///somewhere"}
            raise InputError(self._no_such_stack())

    monkeypatch.setattr(recover_commands, "_Cli", Missing)
    assert main(["recover", "--stack", "lcoal", "--cwd", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert "there is no stack 'lcoal' in file:///somewhere" in err
    assert "this project's stack files are for dev, local, prod (did you mean local?)" in err


def test_a_state_that_cannot_be_written_is_not_reported_as_imported(
        found: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """It printed 'imported (never created again)' and then failed on the lock: nothing had been imported."""
    monkeypatch.setattr(recover_commands, "_Cli", lambda cwd, stack, backend=None: FakeCli(cwd, stack, backend,
                                                                                          locked=True))
    assert main(["recover", "--stack", "local", "--cwd", str(ROOT)]) == 1
    out, err = capsys.readouterr()
    assert "; importing it (never created again)" in out
    assert "; imported" not in out
    assert "Stack local: not recovered: its state could not be written, so nothing was imported or cleared" in out
    assert "locked" in err
