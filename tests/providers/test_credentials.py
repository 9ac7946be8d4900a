"""Credentials are read at call time, never returned, and an API key must prove its account before a write."""

from collections.abc import Iterator

import pytest

from components.providers.base import TwilioProviderError
from components.providers.taskrouter import TaskQueueProvider, WorkspaceProvider
from components.providers.twilio_api import API_KEY_KEY, API_SECRET_KEY, AUTH_TOKEN_KEY
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, PHONE_NUMBERS, EmulatorHandle
from tests.providers.support import connected, flex_workspace_sid, writes

KEY, SECRET = "SK" + "5" * 32, "key-secret-value"
OTHER_ACCOUNT = "AC" + "9" * 32


@pytest.fixture
def keyed_emulator() -> Iterator[EmulatorHandle]:
    """An emulated account that also accepts one API key."""
    from twilio_emulator.server import Emulator

    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0,
                  api_key=KEY, api_secret=SECRET) as running:
        yield EmulatorHandle(base_url=running.base_url)


def with_key(emulator: EmulatorHandle, account: str) -> dict[str, str]:
    return {"flex-pre-agent:accountSid": account, AUTH_TOKEN_KEY: "", API_KEY_KEY: KEY, API_SECRET_KEY: SECRET}


def test_an_api_key_of_another_account_is_refused_before_anything_is_written(keyed_emulator: EmulatorHandle) -> None:
    provider = connected(WorkspaceProvider(), keyed_emulator, **with_key(keyed_emulator, OTHER_ACCOUNT))
    with pytest.raises(TwilioProviderError, match=f"API key {KEY} cannot act on account {OTHER_ACCOUNT}"):
        provider.create({"friendly_name": "Somewhere else"})
    assert writes(keyed_emulator) == []


def test_an_api_key_of_the_stacks_account_proves_it_once_then_writes(keyed_emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(keyed_emulator)
    provider = connected(TaskQueueProvider(), keyed_emulator, **with_key(keyed_emulator, ACCOUNT_SID))
    for name in ("Support", "Sales"):
        provider.create({"workspace_sid": workspace, "friendly_name": name})
    proofs = [r for r in keyed_emulator.requests() if "IncomingPhoneNumbers" in r["path"]]
    assert len(proofs) == 1
    assert len(writes(keyed_emulator)) == 2


def test_outputs_never_carry_a_credential(keyed_emulator: EmulatorHandle) -> None:
    provider = connected(WorkspaceProvider(), keyed_emulator, **with_key(keyed_emulator, ACCOUNT_SID))
    created = provider.create({"friendly_name": "Flex Task Assignment"})
    text = repr(created.outs)
    assert SECRET not in text
    assert AUTH_TOKEN not in text
