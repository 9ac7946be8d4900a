"""The account the emulator starts with: a fresh Flex account plus the phone numbers given, or the saved
account, which also gets the numbers given that it lacks."""

from __future__ import annotations

from collections.abc import Iterable

from twilio_emulator.phone_numbers import add_phone_number
from twilio_emulator.state import State
from twilio_emulator.taskrouter import add_flex_workspace


def fresh_flex_account(phone_numbers: Iterable[str]) -> State:
    """The "Flex Task Assignment" workspace with Flex's defaults, and one incoming number per E.164 given."""
    state = State()
    add_flex_workspace(state)
    own_numbers(state, phone_numbers)
    return state


def own_numbers(state: State, phone_numbers: Iterable[str]) -> list[str]:
    """Buy each of ``phone_numbers`` the account does not own yet (a number added to the stack file since the
    account was saved); the numbers bought. None is ever released."""
    owned = {number.phone_number for number in state.phone_numbers.values()}
    bought = [number for number in dict.fromkeys(phone_numbers) if number not in owned]
    for number in bought:
        add_phone_number(state, number)
    return bought
