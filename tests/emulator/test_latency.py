"""Latency like Twilio's: seeded jitter, and every request applied before its delayed answer."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from tests.emulator.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    REPO_ROOT,
    EmulatorHandle,
    emulator_args,
    emulator_subprocess,
    http,
)
from twilio_emulator.latency import Latency, parse_duration
from twilio_emulator.server import Emulator

WORKSPACES = "/taskrouter/v1/Workspaces"


@pytest.mark.parametrize(("text", "seconds"), [("150ms", 0.15), ("0.2s", 0.2), ("75", 0.075), ("0ms", 0.0)])
def test_durations_read_as_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_a_bad_duration_names_the_flag_and_an_example() -> None:
    with pytest.raises(ValueError, match=r"--latency-jitter '150 msec' is not a duration; .* e\.g\. 150ms"):
        parse_duration("150 msec", flag="--latency-jitter")


def test_jitter_is_seeded_bounded_and_varies() -> None:
    first = Latency(0.15, 0.05, seed=7)
    again = Latency(0.15, 0.05, seed=7)
    other = Latency(0.15, 0.05, seed=8)
    run = [first.next_delay() for _ in range(50)]
    assert run == [again.next_delay() for _ in range(50)]
    assert run != [other.next_delay() for _ in range(50)]
    assert all(0.1 <= delay <= 0.2 for delay in run)
    assert len(set(run)) == 50


def test_no_latency_draws_nothing_and_jitter_never_goes_negative() -> None:
    assert Latency().next_delay() == 0.0
    assert min(Latency(0.01, 0.05).next_delay() for _ in range(50)) == 0.0


def _post_and_give_up(base_url: str, path: str, form: dict[str, str], timeout: float) -> None:
    """A client that stops waiting for the answer after `timeout` seconds (as a killed CLI would)."""
    request = urllib.request.Request(base_url + path, data=urlencode(form).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode())
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        urllib.request.urlopen(request, timeout=timeout)


def test_in_process_a_write_is_applied_before_the_delayed_answer() -> None:
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, latency=30.0) as emulator:
        _post_and_give_up(emulator.base_url, WORKSPACES, {"FriendlyName": "Applied"}, timeout=0.2)
        # The test endpoints are never delayed: the write is in the state and the log while its answer waits.
        names = [w["friendly_name"] for w in emulator.api.state_data()["workspaces"]]
        assert "Applied" in names
        assert [(e["method"], e["handled_status"]) for e in emulator.api.requests()] == [("POST", 201)]


def test_the_cli_delays_answers_and_a_killed_client_leaves_the_write_applied() -> None:
    args = [*emulator_args(), "--latency", "30s", "--latency-jitter", "10ms", "--latency-seed", "3"]
    with emulator_subprocess(args) as running:
        _post_and_give_up(running.base_url, WORKSPACES, {"FriendlyName": "Unanswered"}, timeout=0.2)
        handle = EmulatorHandle(base_url=running.base_url)
        assert "Unanswered" in [w["friendly_name"] for w in handle.state()["workspaces"]]
        assert http(running.base_url, "GET", "/__emulator/requests").body["requests"][0]["handled_status"] == 201


def test_a_bad_latency_flag_exits_2_naming_it() -> None:
    result = subprocess.run([sys.executable, "-m", "twilio_emulator", *emulator_args(), "--latency", "fast"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert "--latency 'fast' is not a duration" in result.stderr
