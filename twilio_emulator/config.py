"""The emulator's defaults from the local stack file, so the stack and the emulator agree without flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Pulumi.local.yaml at the repository root targets the emulator.
DEFAULT_STACK_FILE = Path(__file__).resolve().parent.parent / "Pulumi.local.yaml"
ACCOUNT_SID_KEY = "flex-pre-agent:accountSid"
AUTH_TOKEN_KEY = "flex-pre-agent:authToken"
PHONE_NUMBERS_KEY = "flex-pre-agent:phoneNumbers"


class StackFileError(Exception):
    """The stack file cannot give the emulator its defaults; the message says how to fix it."""


@dataclass(frozen=True)
class StackDefaults:
    """What a stack file says the emulated account is (None/empty where it says nothing)."""

    account_sid: str | None = None
    auth_token: str | None = None
    phone_numbers: tuple[str, ...] = ()


def read_stack_defaults(path: Path) -> StackDefaults:
    """The account SID, auth token and phone numbers a Pulumi stack file configures."""
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackFileError(
            f"{path} does not exist; pass --stack-file, or give --account-sid and --auth-token"
        ) from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path} is not valid YAML: {error}") from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise StackFileError(f"{path} has no `config:` mapping; is it a Pulumi stack file?")
    return StackDefaults(
        account_sid=_text(config, ACCOUNT_SID_KEY, path),
        auth_token=_text(config, AUTH_TOKEN_KEY, path),
        phone_numbers=_numbers(config, path),
    )


def _text(config: dict[str, Any], key: str, path: Path) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    if isinstance(value, dict):
        raise StackFileError(
            f"{path}: {key} is an encrypted secret the emulator cannot read; pass the value with a flag instead"
        )
    return str(value)


def _numbers(config: dict[str, Any], path: Path) -> tuple[str, ...]:
    value = config.get(PHONE_NUMBERS_KEY)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise StackFileError(f"{path}: {PHONE_NUMBERS_KEY} must be a list of E.164 numbers, e.g. - \"+15005550006\"")
    return tuple(str(number) for number in value)
