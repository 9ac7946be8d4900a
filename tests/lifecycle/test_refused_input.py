"""Bad input that only the engine's path shows: each gets one clear message and sends nothing.

A wrong token on `refresh` (one message, not one traceback per resource), an `apiBaseUrl` with a path, a 10 MB
config value and an alias bomb in the stack file. The offline matrix (tests/providers/test_stack_settings.py)
covers every reader and value; these prove the wiring on the real engine.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from flexctl.engine import Engine, EngineError
from tests.emulator.support import AUTH_TOKEN, EmulatorHandle
from tests.lifecycle.conftest import Stack, copy_project
from tests.lifecycle.test_bad_input import local_account  # noqa: F401 (a fixture: the local stack's account)


def test_a_wrong_token_on_refresh_gives_one_message_and_no_traceback(stack: Stack, tmp_path: Path) -> None:
    stack.engine.up()
    wrong = Engine(stack.engine.project_dir, "local", tmp_path / "state",
                   env={**stack.engine.env, "TWILIO_AUTH_TOKEN": "not-the-token"})

    with pytest.raises(EngineError) as refused:
        wrong.refresh()

    message = str(refused.value)
    # The CLI shows the one failure in its progress and its diagnostics: one resource, one message.
    assert len(set(re.findall(r"(\w+ '[^']*'): read failed: Twilio error 20003 \(HTTP 401\)", message))) == 1
    assert "check the credentials for this stack's account" in message
    assert "Traceback" not in message


def test_nothing_answering_at_the_base_url_on_refresh_gives_one_message(stack: Stack, tmp_path: Path) -> None:
    """A stopped emulator or a wrong port: said once with where and the fix, as a wrong token is (it was 27 times)."""
    stack.engine.up()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    away = Engine(stack.engine.project_dir, "local", tmp_path / "state",
                  env={**stack.engine.env, "TWILIO_API_BASE_URL": base})

    with pytest.raises(EngineError) as refused:
        away.refresh()

    message = str(refused.value)
    assert len(set(re.findall(rf"(\w+ '[^']*'): cannot read: nothing answers at {base}", message))) == 1, message
    assert "Fix: start what should answer there (`make emulator` for the local stack)" in message
    assert "Traceback" not in message


def test_an_api_base_url_with_a_path_is_refused_naming_the_key(
    local_account: EmulatorHandle, tmp_path: Path  # noqa: F811 (the fixture imported above)
) -> None:
    project = copy_project(tmp_path / "project", program=None)  # the real program and its local stack
    engine = Engine(project, "local", tmp_path / "state",
                    env={"TWILIO_API_BASE_URL": local_account.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    engine.set_config("flex-pre-agent:apiBaseUrl", f"{local_account.base_url}/2010-04-01")

    with pytest.raises(EngineError, match=r"flex-pre-agent:apiBaseUrl is '.*/2010-04-01': it has a path") as error:
        engine.up(preview_first=True)

    assert "Traceback" not in str(error.value)
    assert local_account.requests() == []


@pytest.mark.parametrize(("case", "text", "message"), [
    ("a 10 MB value", "  lifecycle:greeting: " + "x" * 10_000_000 + "\n",
     r"lifecycle:greeting takes 9\.5 MiB of it: a YAML file here may be at most 1\.0 MiB"),
    ("a 100 KB value", "  lifecycle:greeting: " + "x" * 100_000 + "\n",
     r"lifecycle:greeting is 100,000 bytes; a config value may be at most 65,536 bytes"),
    ("an alias bomb", "  lifecycle:l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"  lifecycle:l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)),
     r"expand to more than 100,000 values"),
])
def test_an_oversized_stack_file_or_value_is_refused_before_the_engine_reads_it(
    stack: Stack, case: str, text: str, message: str
) -> None:
    stack_file = stack.engine.project_dir / "Pulumi.local.yaml"
    stack_file.write_text(stack_file.read_text().replace("config:\n", "config:\n" + text, 1))

    started = time.monotonic()
    with pytest.raises(EngineError, match=message):
        stack.engine.up(preview_first=True)

    assert time.monotonic() - started < 1.0
    assert stack.calls() == []
