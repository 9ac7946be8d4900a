"""Shared fixtures. Emulator fixtures first; the lead engineer may add others at the end of this file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulator.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE_NUMBERS,
    EmulatorHandle,
    emulator_args,
    emulator_subprocess,
)

# --------------------------------------------------------------------------------- emulator fixtures


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    """A fresh emulated Flex account served in this process on a free port (fast)."""
    from twilio_emulator.server import Emulator

    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as running:
        yield EmulatorHandle(base_url=running.base_url)


@pytest.fixture
def emulator_process(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A fresh emulated Flex account served by `python -m twilio_emulator --port 0 --state <tmp>`."""
    state_file = tmp_path / "emulator-state.json"
    with emulator_subprocess(emulator_args(state_file)) as running:
        yield EmulatorHandle(base_url=running.base_url, state_file=state_file)
