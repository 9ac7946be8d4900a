"""The preflight's message for a number the account does not own: the fix for Twilio, or for the local emulator."""

from __future__ import annotations

import pytest

from components.preflight import not_owned
from components.settings import parse_stack_settings
from tests.providers.test_stack_settings import VALID

SETTINGS = parse_stack_settings({**VALID, "phoneNumbers": [{"number": "+15005550006", "voice": "voice"},
                                                           {"number": "+15005550099", "voice": "voice"}]}, "local")
EMULATOR = "restart `make emulator` after adding one, or remove it from the stack file."
TWILIO = "flex-pre-agent never buys numbers: buy or port it in the Twilio console, or remove it from the stack file."


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787",
                                      "http://127.0.0.2:9000"])
def test_a_stack_on_the_local_emulator_is_told_to_restart_it(base_url: str) -> None:
    message = not_owned(SETTINGS, "local", "+15005550099", base_url)

    assert message.startswith(f"Pulumi.local.yaml: phoneNumbers[1].number is +15005550099, which account "
                              f"{VALID['accountSid']} does not own; nothing was deployed. flex-pre-agent never buys "
                              f"numbers: the local emulator at {base_url} owns the numbers its stack file")
    assert message.endswith(EMULATOR)
    assert "Twilio console" not in message


@pytest.mark.parametrize("base_url", [None, "https://api.twilio.com", "http://10.0.0.5:8787",
                                      "http://localhost.example.com"])
def test_a_stack_on_twilio_is_told_to_buy_or_port_the_number(base_url: str | None) -> None:
    message = not_owned(SETTINGS, "dev", "+15005550099", base_url)

    assert message.endswith(f"does not own; nothing was deployed. {TWILIO}")
    assert "emulator" not in message
