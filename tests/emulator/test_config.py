"""Reading the emulator's defaults from a Pulumi stack file."""

from __future__ import annotations

from pathlib import Path

import pytest

from twilio_emulator.config import StackDefaults, StackFileError, read_stack_defaults


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(text)
    return path


def test_the_account_token_and_numbers_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, 'config:\n  flex-pre-agent:accountSid: AC1\n  flex-pre-agent:authToken: t\n'
                           '  flex-pre-agent:phoneNumbers: ["+15005550006"]\n')
    assert read_stack_defaults(path) == StackDefaults("AC1", "t", ("+15005550006",))


def test_unset_keys_are_left_to_flags(tmp_path: Path) -> None:
    assert read_stack_defaults(write(tmp_path, "config: {}\n")) == StackDefaults()


def test_an_encrypted_token_is_refused_with_the_flag_to_use(tmp_path: Path) -> None:
    path = write(tmp_path, "config:\n  flex-pre-agent:authToken:\n    secure: AAABAI...\n")
    with pytest.raises(StackFileError, match="flex-pre-agent:authToken is an encrypted secret"):
        read_stack_defaults(path)


def test_a_missing_file_says_how_to_do_without_it(tmp_path: Path) -> None:
    with pytest.raises(StackFileError, match="pass --stack-file, or give --account-sid and --auth-token"):
        read_stack_defaults(tmp_path / "Pulumi.none.yaml")


def test_phone_numbers_must_be_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, "config:\n  flex-pre-agent:phoneNumbers: '+15005550006'\n")
    with pytest.raises(StackFileError, match=r"must be a list of E\.164 numbers"):
        read_stack_defaults(path)
