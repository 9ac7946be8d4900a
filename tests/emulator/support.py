"""Running the Twilio emulator from tests: in process or as `python -m twilio_emulator`, plus raw HTTP."""

from __future__ import annotations

import base64
import json
import selectors
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_SID = "AC" + "7e57" * 8
AUTH_TOKEN = "test-auth-token"
PHONE_NUMBERS = ("+15005550006", "+15005550007")
READY_PREFIX = "listening on "
READY_TIMEOUT = 30.0
# The smallest flow Studio accepts, as its Flow Validate docs show it.
MINIMAL_FLOW: dict[str, Any] = {
    "description": "A New Flow",
    "states": [{
        "name": "Trigger",
        "type": "trigger",
        "transitions": [{"event": "incomingMessage"}, {"event": "incomingCall"}, {"event": "incomingRequest"}],
        "properties": {"offset": {"x": 0, "y": 0}},
    }],
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
}


@dataclass(frozen=True)
class HttpAnswer:
    """A raw HTTP answer: status, headers and the decoded JSON body (None when empty)."""

    status: int
    headers: Mapping[str, str]
    body: Any


def http(
    base_url: str,
    method: str,
    path: str,
    *,
    form: Mapping[str, str | Sequence[str]] | None = None,
    body: bytes | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    auth: tuple[str, str] | None = None,
) -> HttpAnswer:
    """One request without the SDK, for what the SDK cannot send (bad methods, bad bodies, no auth)."""
    data = urlencode(form, doseq=True).encode() if form is not None else body
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if auth is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return _answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return _answer(error.code, dict(error.headers), error.read())


def _answer(status: int, headers: dict[str, str], raw: bytes) -> HttpAnswer:
    return HttpAnswer(status, headers, json.loads(raw) if raw else None)


@dataclass(frozen=True)
class EmulatorHandle:
    """A running emulator: where it is, the account it emulates and its test endpoints."""

    base_url: str
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    phone_numbers: tuple[str, ...] = PHONE_NUMBERS
    state_file: Path | None = None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.account_sid, self.auth_token)

    def api(self, method: str, path: str, **kwargs: Any) -> HttpAnswer:
        """A raw API request with the account's credentials (pass `auth=` to override).

        The answer is checked against the OpenAPI response schema of its operation, like the SDK's are.
        """
        from tests.emulator.openapi_check import check_response

        kwargs.setdefault("auth", self.auth)
        answer = http(self.base_url, method, path, **kwargs)
        product, _, rest = path.lstrip("/").partition("/")
        text = "" if answer.body is None else json.dumps(answer.body)
        check_response(method, f"https://{product}.twilio.com/{rest}", answer.status, text)
        return answer

    def requests(self) -> list[dict[str, Any]]:
        """The API requests served since the last reset: `{method, path, status, fault, handled_status, user}`."""
        answer = http(self.base_url, "GET", "/__emulator/requests")
        assert answer.status == 200, answer
        requests: list[dict[str, Any]] = answer.body["requests"]
        return requests

    def reset_log(self) -> None:
        """Empty the request log (the data stays)."""
        answer = http(self.base_url, "POST", "/__emulator/reset", body=b"")
        assert answer.status == 204, answer

    def inject_fault(self, *, status: int = 429, count: int = 1, retry_after: str | None = "0") -> None:
        """Answer the next `count` API requests with `status` and a `Retry-After` header."""
        self.set_faults({"status": status, "count": count, "retry_after": retry_after})

    def set_faults(self, spec: object) -> dict[str, Any]:
        """`POST /__emulator/faults` with a JSON rule, list of rules or `{seed, rules}`; returns the plan."""
        body = json.dumps(spec).encode()
        answer = http(self.base_url, "POST", "/__emulator/faults", body=body, content_type="application/json")
        assert answer.status == 200, answer
        plan: dict[str, Any] = answer.body
        return plan

    def clear_faults(self) -> None:
        """`DELETE /__emulator/faults`: no faults from now on."""
        answer = http(self.base_url, "DELETE", "/__emulator/faults")
        assert answer.status == 204, answer

    def state(self, *, comparable: bool = False) -> dict[str, Any]:
        """The whole account as data (`/__emulator/state`, or `/state/comparable` with SIDs as names)."""
        answer = http(self.base_url, "GET", "/__emulator/state/comparable" if comparable else "/__emulator/state")
        assert answer.status == 200, answer
        state: dict[str, Any] = answer.body
        return state


def saved_state(state_file: Path) -> dict[str, Any]:
    """What `--state FILE` holds (the snapshot with its journal replayed), in the state file's format."""
    from twilio_emulator.journal import StateStore
    from twilio_emulator.state import dump_state

    state = StateStore(state_file).load()
    assert state is not None, f"no state saved in {state_file}"
    return dump_state(state)


def emulator_args(state_file: Path | None = None) -> list[str]:
    """Flags for an emulator on a free port with the test account and numbers."""
    args = ["--port", "0", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--phone-number", *PHONE_NUMBERS]
    if state_file is not None:
        args += ["--state", str(state_file)]
    return args


@dataclass
class EmulatorProcess:
    """`python -m twilio_emulator` running in a child process."""

    process: subprocess.Popen[str]
    base_url: str
    stderr: BinaryIO

    def stop(self) -> int:
        """SIGTERM, then wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")


@contextmanager
def emulator_subprocess(args: Sequence[str], *, cwd: Path = REPO_ROOT) -> Iterator[EmulatorProcess]:
    """Start the emulator CLI with `args`, wait (no sleeps) for its readiness line, stop it afterwards."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "twilio_emulator", *args],
            cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
        running = EmulatorProcess(process, "", stderr)
        try:
            running.base_url = _wait_until_listening(running)
            yield running
        finally:
            running.stop()
            assert process.stdout is not None
            process.stdout.close()


def _wait_until_listening(running: EmulatorProcess) -> str:
    stdout = running.process.stdout
    assert stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                line = stdout.readline()
                if line.startswith(READY_PREFIX):
                    return line.removeprefix(READY_PREFIX).strip()
                if line == "":
                    break  # stdout closed: the process ended
                raise AssertionError(f"the emulator printed {line!r} before its readiness line")
    running.process.kill()
    running.process.wait()
    raise AssertionError(f"the emulator did not print {READY_PREFIX!r}...; stderr:\n{running.stderr_text()}")
