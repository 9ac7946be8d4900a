"""``flexctl pull`` when the stack's account cannot be read: the emulator not started, a wrong token, no token.
Each is one message saying what, where and the fix (exit 2), never flexctl's "this is a bug" traceback."""

from __future__ import annotations

import socket

import pytest

from components.settings import read_stack_file
from flexctl.cli import main
from tests.program.support import ROOT
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing answers there


def test_an_emulator_nobody_started_is_named_with_the_command_that_starts_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("TWILIO_API_BASE_URL", base)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "emulator-token")

    assert main(["pull", "--stack", "local", "voice"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "this is a bug" not in err
    assert (f"flexctl pull: cannot reach Twilio at {base} (TWILIO_API_BASE_URL) to read flow 'Pre-agent voice' of "
            "stack local: no connection (nothing answers there)") in err
    assert "Fix: start what should answer there (`make emulator` in another shell, for the local stack)" in err


def test_a_token_of_another_account_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with Emulator(account_sid=LOCAL.account_sid, auth_token="the-right-token", phone_numbers=LOCAL.owned_numbers,
                  port=0) as emulator:
        monkeypatch.setenv("TWILIO_API_BASE_URL", emulator.base_url)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-wrong-token")
        assert main(["pull", "--stack", "local", "voice"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"Twilio refused to list the Studio flows of account {LOCAL.account_sid} (stack local)" in err
    assert "HTTP 401" in err
    assert "the local emulator's token is emulator-token" in err


def test_no_token_says_pull_reads_the_environment_only(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_ACCOUNT_SID"):
        monkeypatch.delenv(name, raising=False)
    assert main(["pull", "--stack", "local", "voice"]) == 2
    err = capsys.readouterr().err
    assert "not from the stack's authToken secret" in err  # it told them to set that secret, which pull never reads
    assert "Fix: export TWILIO_AUTH_TOKEN" in err
