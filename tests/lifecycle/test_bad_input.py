"""Bad input on the real engine: `pulumi up` stops with a message naming the file, key or input, and
nothing is written to the account (the emulator's log shows it).

The full matrices run offline through the same checks: stack config in tests/providers/test_stack_settings.py,
provider inputs in tests/providers/test_bad_input.py, flows in tests/studio, expressions and workflows in
tests/taskrouter. These cases prove the wiring on the engine (each check runs before the first request), and
cover what only a deployment can show: a number the account does not own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components.settings import read_stack_file
from flexctl.engine import Engine, EngineError
from tests.emulator.support import AUTH_TOKEN, EmulatorHandle
from tests.lifecycle.conftest import ROOT, Stack, copy_project
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")
NOT_OWNED = "+15005550099"


@pytest.fixture
def local_account() -> Iterator[EmulatorHandle]:
    """A fresh Flex account that owns the numbers of the committed `local` stack."""
    numbers = LOCAL.owned_numbers
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0) as running:
        yield EmulatorHandle(
            base_url=running.base_url, account_sid=LOCAL.account_sid, phone_numbers=tuple(numbers)
        )


def voice_number(number: str) -> list[dict[str, Any]]:
    return [{"number": number, "voice": "voice"}, *[
        {"number": entry.number, "messaging": "messaging"} for entry in LOCAL.phone_numbers if entry.messaging
    ]]


PROGRAM_CASES = [
    ("a misspelt key", "flex-pre-agent:phonenumbers", [], r"phonenumbers"),
    ("a number starting a flow nothing registers", "flex-pre-agent:phoneNumbers", [{"number": "+15005550006",
     "voice": "voise"}], r"names flow 'voise', which no module under flows/ registers \(did you mean 'voice'\?\)"),
    ("a number in full-width digits", "flex-pre-agent:phoneNumbers", voice_number("+１５００５５５０００６"),
     r"phoneNumbers"),
    ("a number the account does not own", "flex-pre-agent:phoneNumbers", voice_number(NOT_OWNED),
     rf"{re.escape(NOT_OWNED)}, which account AC\w+ does not own; nothing was deployed\. flex-pre-agent never buys "
     r"numbers: the local emulator at http://127\.0\.0\.1:\d+ owns the numbers .*: restart `make emulator`"),
]


@pytest.mark.parametrize(("case", "key", "value", "message"), PROGRAM_CASES, ids=[c[0] for c in PROGRAM_CASES])
def test_bad_stack_config_stops_the_program_before_any_write(
    local_account: EmulatorHandle, tmp_path: Path, case: str, key: str, value: Any, message: str
) -> None:
    project = copy_project(tmp_path / "project", program=None)  # the real program and its local stack
    env = {"TWILIO_API_BASE_URL": local_account.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    engine = Engine(project, "local", tmp_path / "state", env=env)
    engine.set_config(key, value)

    with pytest.raises(EngineError, match=message) as error:
        engine.up(preview_first=True)  # as `pulumi up` runs

    assert "Traceback" not in str(error.value)
    assert [r for r in local_account.requests() if r["method"] != "GET"] == []
    assert engine.resources() == []


RESOURCE_CASES = [
    ("a target expression TaskRouter rejects", "supportTargets", "routing.skills HAS", r"target_workers"),
    ("a reservation limit over 50", "supportMaxReserved", "99", r"max_reserved_workers"),
    ("a phone number with full-width digits", "phoneNumbers", ["+１５００５５５０００６", "+15005550007"],
     r"phone_number"),
]


@pytest.mark.parametrize(("case", "knob", "value", "message"), RESOURCE_CASES, ids=[c[0] for c in RESOURCE_CASES])
def test_bad_resource_input_fails_its_check_before_any_request(
    stack: Stack, case: str, knob: str, value: Any, message: str
) -> None:
    stack.engine.set_config(f"lifecycle:{knob}", value)

    with pytest.raises(EngineError, match=message):
        stack.engine.up(preview_first=True)  # as `pulumi up` runs: its preview fails, nothing is sent

    assert stack.calls() == []
    assert stack.engine.resources() == []
