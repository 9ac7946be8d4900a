"""`python -m twilio_emulator` as a real process: readiness line, defaults, state file, signals."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.emulator.conftest import checked_client
from tests.emulator.support import (
    MINIMAL_FLOW,
    REPO_ROOT,
    EmulatorHandle,
    emulator_args,
    emulator_subprocess,
    http,
    saved_state,
)
from twilio_emulator.config import WELL_KNOWN_AUTH_TOKEN

STACK_SID = "AC" + "5ac" * 10 + "00"
STACK_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN") or WELL_KNOWN_AUTH_TOKEN  # a stack file holds no token


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion (for the ways it refuses to start)."""
    return subprocess.run([sys.executable, "-m", "twilio_emulator", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def stack_file(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.test.yaml"
    path.write_text(yaml.safe_dump({"config": {
        "flex-pre-agent:accountSid": STACK_SID,
        "flex-pre-agent:phoneNumbers": [{"number": "+15005550010", "voice": "voice"}],
        "flex-pre-agent:holdMusicUrl": "https://example.com/hold.mp3",
        "flex-pre-agent:selfServiceUrl": "https://example.com/help",
        "flex-pre-agent:timeZone": "UTC",
    }}))
    return path


def test_the_readiness_line_names_the_real_port(emulator_process: EmulatorHandle) -> None:
    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", emulator_process.base_url)
    assert match is not None
    assert int(match.group(1)) > 0


def test_the_process_serves_the_sdk(emulator_process: EmulatorHandle) -> None:
    (workspace,) = checked_client(emulator_process).taskrouter.v1.workspaces.list()
    assert workspace.friendly_name == "Flex Task Assignment"


def test_the_state_file_is_written_after_a_change(emulator_process: EmulatorHandle) -> None:
    flow = checked_client(emulator_process).studio.v2.flows.create(
        friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
    assert emulator_process.state_file is not None
    saved = saved_state(emulator_process.state_file)
    assert [f["sid"] for f in saved["flows"]] == [flow.sid]


def test_data_survives_a_restart_with_the_same_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with emulator_subprocess(emulator_args(state_file)) as first:
        client = checked_client(EmulatorHandle(base_url=first.base_url))
        flow = client.studio.v2.flows.create(friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
        client.studio.v2.flows(flow.sid).update(status="published")
    with emulator_subprocess(emulator_args(state_file)) as second:
        client = checked_client(EmulatorHandle(base_url=second.base_url))
        assert client.studio.v2.flows(flow.sid).fetch().revision == 2


def test_defaults_come_from_the_stack_file(stack_file: Path) -> None:
    with emulator_subprocess(["--port", "0", "--stack-file", str(stack_file)]) as running:
        handle = EmulatorHandle(base_url=running.base_url, account_sid=STACK_SID, auth_token=STACK_TOKEN)
        assert [n.phone_number for n in checked_client(handle).incoming_phone_numbers.list()] == ["+15005550010"]


def test_flags_override_the_stack_file(stack_file: Path) -> None:
    args = ["--port", "0", "--stack-file", str(stack_file), "--auth-token", "flag-token"]
    with emulator_subprocess(args) as running:
        assert http(running.base_url, "GET", "/studio/v2/Flows", auth=(STACK_SID, "flag-token")).status == 200


def test_without_flags_the_account_is_that_of_pulumi_local_yaml() -> None:
    config: dict[str, Any] = yaml.safe_load((REPO_ROOT / "Pulumi.local.yaml").read_text())["config"]
    sid = config["flex-pre-agent:accountSid"]
    owned = [entry["number"] for entry in config["flex-pre-agent:phoneNumbers"]]
    owned += [entry["address"] for entry in config.get("flex-pre-agent:conversationsAddresses", [])
              if entry["address"].startswith("+")]  # an SMS/WhatsApp address is a number the account owns
    with emulator_subprocess(["--port", "0"]) as running:
        client = checked_client(EmulatorHandle(base_url=running.base_url, account_sid=sid, auth_token=STACK_TOKEN))
        numbers = [n.phone_number for n in client.incoming_phone_numbers.list()]
    assert sorted(numbers) == sorted(owned)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_it_cleanly_with_nothing_more_on_stdout(stop_signal: signal.Signals) -> None:
    with emulator_subprocess(emulator_args()) as running:
        http(running.base_url, "GET", "/studio/v2/Flows")
        running.process.send_signal(stop_signal)
        assert running.process.wait(timeout=15) == 0
        assert running.process.stdout is not None
        assert running.process.stdout.read() == ""


def test_an_invalid_account_sid_is_refused_with_exit_code_2() -> None:
    result = run_cli("--port", "0", "--account-sid", "AC123", "--auth-token", "t", "--phone-number", "+15005550006")
    assert (result.returncode, result.stdout) == (2, "")
    assert "account SID 'AC123' is not AC followed by 32 hexadecimal characters" in result.stderr


def test_a_foreign_state_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text("{}")
    result = run_cli(*emulator_args(state_file))
    assert result.returncode == 2
    assert "is not a Twilio emulator state file; delete it or pass another --state" in result.stderr


def test_a_port_in_use_is_named_with_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port), "--account-sid", STACK_SID, "--auth-token", "t",
                         "--phone-number", "+15005550006")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"twilio_emulator: 127.0.0.1:{port} is in use (an emulator already running?): stop it, or "
                             "pass --port N (and point TWILIO_API_BASE_URL or apiBaseUrl at it)\n")
