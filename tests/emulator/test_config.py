"""Reading the emulator's defaults from a Pulumi stack file (through the project's one settings model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twilio_emulator.config import (
    DEFAULT_STACK_FILE,
    WELL_KNOWN_AUTH_TOKEN,
    StackDefaults,
    StackFileError,
    read_stack_defaults,
)

STACK = (
    "config:\n  flex-pre-agent:accountSid: AC00000000000000000000000000000001\n"
    "  flex-pre-agent:holdMusicUrl: https://example.com/hold.mp3\n"
    "  flex-pre-agent:selfServiceUrl: https://example.com/help\n"
    "  flex-pre-agent:timeZone: UTC\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(text)
    return path


def test_the_account_and_every_number_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    path = write(tmp_path, STACK + '  flex-pre-agent:phoneNumbers: [{number: "+15005550006", voice: voice}]\n'
                                   '  flex-pre-agent:conversationsAddresses: [{address: "+15005550008"}]\n')
    assert read_stack_defaults(path) == StackDefaults(
        "AC00000000000000000000000000000001", WELL_KNOWN_AUTH_TOKEN, ("+15005550006", "+15005550008")
    )


def test_the_token_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    assert read_stack_defaults(write(tmp_path, STACK)).auth_token == "from-env"


def test_the_local_stack_file_gives_the_emulator_its_account() -> None:
    defaults = read_stack_defaults(DEFAULT_STACK_FILE)
    assert (defaults.account_sid or "").startswith("AC")
    assert "+15005550006" in defaults.phone_numbers


def test_a_plain_text_token_is_refused_with_the_way_to_set_it(tmp_path: Path) -> None:
    path = write(tmp_path, STACK + "  flex-pre-agent:authToken: t\n")
    with pytest.raises(StackFileError, match="authToken is a credential in plain text"):
        read_stack_defaults(path)


def test_a_missing_file_says_how_to_do_without_it(tmp_path: Path) -> None:
    with pytest.raises(StackFileError, match="pass --account-sid, --auth-token and --phone-number"):
        read_stack_defaults(tmp_path / "Pulumi.none.yaml")


def test_bad_numbers_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, STACK + "  flex-pre-agent:phoneNumbers: '+15005550006'\n")
    with pytest.raises(StackFileError, match=r"Pulumi\.x\.yaml has invalid config(.|\n)*phoneNumbers"):
        read_stack_defaults(path)
