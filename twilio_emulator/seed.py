"""The account the emulator starts with: a fresh Flex account plus the phone numbers given."""

from __future__ import annotations

from collections.abc import Iterable

from twilio_emulator.phone_numbers import add_phone_number
from twilio_emulator.state import State
from twilio_emulator.taskrouter import add_flex_workspace


def fresh_flex_account(phone_numbers: Iterable[str]) -> State:
    """The "Flex Task Assignment" workspace with Flex's defaults, and one incoming number per E.164 given."""
    state = State()
    add_flex_workspace(state)
    for number in phone_numbers:
        add_phone_number(state, number)
    return state
