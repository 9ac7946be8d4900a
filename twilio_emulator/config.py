"""The emulator's defaults from the local stack file, so the stack and the emulator agree without flags.

The file is read and validated by the project's one settings model (``components.settings``). The
token is never in a stack file: the emulator accepts ``TWILIO_AUTH_TOKEN`` or its well-known token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from components.settings import StackSettingsError, read_stack_path

# Pulumi.local.yaml at the repository root targets the emulator.
DEFAULT_STACK_FILE = Path(__file__).resolve().parent.parent / "Pulumi.local.yaml"
WELL_KNOWN_AUTH_TOKEN = "emulator-token"
"""Not a secret: the token of the emulated account when TWILIO_AUTH_TOKEN is unset."""


class StackFileError(Exception):
    """The stack file cannot give the emulator its defaults; the message says how to fix it."""


@dataclass(frozen=True)
class StackDefaults:
    """What a stack file says the emulated account is (None/empty where it says nothing)."""

    account_sid: str | None = None
    auth_token: str | None = None
    phone_numbers: tuple[str, ...] = ()


def read_stack_defaults(path: Path) -> StackDefaults:
    """The account SID and the numbers a Pulumi stack file configures, and the token to accept."""
    try:
        settings = read_stack_path(path)
    except StackSettingsError as error:
        raise StackFileError(f"{error}\n(or pass --account-sid, --auth-token and --phone-number instead)") from None
    return StackDefaults(
        account_sid=settings.account_sid,
        auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or WELL_KNOWN_AUTH_TOKEN,
        phone_numbers=settings.owned_numbers,
    )
