"""A number binding reads back the channels it binds, from its own state, and nothing else."""

from components.providers.triggers import PhoneNumberBindingProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import client, connected, through_the_wire

HOOK = "https://webhooks.twilio.com/v1/Accounts/AC1/Flows/FW1"


def test_equal_voice_and_sms_urls_are_no_drift_for_a_voice_binding(emulator: EmulatorHandle) -> None:
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    number = next(n for n in numbers.list() if n.phone_number == emulator.phone_numbers[0])
    numbers(number.sid).update(sms_url=HOOK)  # SMS already went to the same URL, set by hand
    provider = connected(PhoneNumberBindingProvider(), emulator)
    inputs = {"phone_number": number.phone_number, "webhook_url": HOOK, "voice": True, "messaging": False}
    created = provider.create(inputs)
    state = through_the_wire(created.outs or {})
    read = provider.read(created.id, state)
    assert read.inputs == provider.inputs_of(inputs)
    assert provider.diff(created.id, read.outs or {}, inputs).changes is False


def test_a_bound_channel_moved_away_in_the_console_is_drift(emulator: EmulatorHandle) -> None:
    provider = connected(PhoneNumberBindingProvider(), emulator)
    inputs = {"phone_number": emulator.phone_numbers[0], "webhook_url": HOOK, "voice": True, "messaging": True}
    created = provider.create(inputs)
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    numbers(created.id).update(voice_url="https://example.com/elsewhere")
    refresh = connected(PhoneNumberBindingProvider(), emulator)  # the next command: a new provider process
    read = refresh.read(created.id, through_the_wire(created.outs or {}))
    assert (read.inputs or {})["voice"] is False
    assert (read.inputs or {})["messaging"] is True
