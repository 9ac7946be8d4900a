"""One number, two flows: calls start one, messages another. Two bindings share it without undoing each other."""

from components.providers.triggers import PhoneNumberBindingProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import client, connected, through_the_wire

VOICE_FLOW = "https://webhooks.twilio.com/v1/Accounts/AC/Flows/FW1"
MESSAGING_FLOW = "https://webhooks.twilio.com/v1/Accounts/AC/Flows/FW2"


def test_two_bindings_on_one_number_keep_each_others_channel_and_restore_only_their_own(
    emulator: EmulatorHandle,
) -> None:
    number = emulator.phone_numbers[0]
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers
    before = numbers.list(phone_number=number)[0]
    provider = connected(PhoneNumberBindingProvider(), emulator)
    calls = {"phone_number": number, "webhook_url": VOICE_FLOW, "voice": True, "messaging": False}
    messages = {"phone_number": number, "webhook_url": MESSAGING_FLOW, "voice": False, "messaging": True}

    voice = provider.create(calls)
    messaging = provider.create(messages)
    provider.update(voice.id, through_the_wire({**calls, **(voice.outs or {})}), {**calls, "webhook_url": VOICE_FLOW})

    bound = numbers(voice.id).fetch()
    assert (bound.voice_url, bound.sms_url) == (VOICE_FLOW, MESSAGING_FLOW)
    provider.delete(voice.id, through_the_wire({**calls, **(voice.outs or {})}))
    half = numbers(voice.id).fetch()
    assert (half.voice_url, half.sms_url) == (before.voice_url, MESSAGING_FLOW)
    provider.delete(messaging.id, through_the_wire({**messages, **(messaging.outs or {})}))
    after = numbers(voice.id).fetch()
    assert (after.voice_url, after.sms_url) == (before.voice_url, before.sms_url)
