"""API 2010 IncomingPhoneNumbers through the official SDK: list/filter, fetch, update, release; no purchase."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

NUMBER = "+15005550006"
WEBHOOK = "https://webhooks.twilio.com/v1/Accounts/AC00000000000000000000000000000000/Flows/FW" + "1" * 32


@pytest.fixture
def number(client: Any) -> Any:
    (found,) = client.incoming_phone_numbers.list(phone_number=NUMBER)
    return found


def test_the_phone_number_filter_finds_exactly_that_number(number: Any) -> None:
    assert number.phone_number == NUMBER


def test_an_unknown_number_filter_finds_nothing(client: Any) -> None:
    assert client.incoming_phone_numbers.list(phone_number="+15005550099") == []


def numbers_path(emulator: Any) -> str:
    return f"/api/2010-04-01/Accounts/{emulator.account_sid}/IncomingPhoneNumbers.json"


def test_a_plus_sent_unencoded_is_a_space_and_finds_nothing(emulator: Any) -> None:
    answer = emulator.api("GET", numbers_path(emulator) + "?PhoneNumber=+15005550006")
    assert (answer.status, answer.body["incoming_phone_numbers"]) == (200, [])


def test_the_friendly_name_filter_matches_the_formatted_number(client: Any) -> None:
    (found,) = client.incoming_phone_numbers.list(friendly_name="(500) 555-0007")
    assert found.phone_number == "+15005550007"


def test_a_fresh_number_answers_with_the_demo_url_and_has_no_sms_url(number: Any) -> None:
    assert (number.voice_url, number.sms_url) == ("https://demo.twilio.com/welcome/voice/", "")


def test_a_number_is_fetched_by_sid(client: Any, number: Any) -> None:
    assert client.incoming_phone_numbers(number.sid).fetch().phone_number == NUMBER


def test_an_update_points_voice_at_a_flow(client: Any, number: Any) -> None:
    updated = client.incoming_phone_numbers(number.sid).update(voice_url=WEBHOOK, voice_method="POST")
    assert (updated.voice_url, updated.voice_method) == (WEBHOOK, "POST")


def test_an_update_sets_every_callback_field(client: Any, number: Any) -> None:
    updated = client.incoming_phone_numbers(number.sid).update(
        sms_url=WEBHOOK, sms_method="GET", sms_fallback_url=WEBHOOK, sms_fallback_method="GET",
        voice_fallback_url=WEBHOOK, voice_fallback_method="GET", status_callback=WEBHOOK,
        status_callback_method="GET",
    )
    assert (updated.sms_url, updated.sms_fallback_url, updated.voice_fallback_url, updated.status_callback) == (
        WEBHOOK, WEBHOOK, WEBHOOK, WEBHOOK,
    )
    assert {updated.sms_method, updated.sms_fallback_method, updated.voice_fallback_method,
            updated.status_callback_method} == {"GET"}


def test_an_update_is_kept(client: Any, number: Any) -> None:
    client.incoming_phone_numbers(number.sid).update(voice_url=WEBHOOK)
    assert client.incoming_phone_numbers(number.sid).fetch().voice_url == WEBHOOK


def test_restoring_the_original_url_is_observable(client: Any, number: Any) -> None:
    context = client.incoming_phone_numbers(number.sid)
    context.update(voice_url=WEBHOOK)
    context.update(voice_url=number.voice_url)
    assert context.fetch().voice_url == "https://demo.twilio.com/welcome/voice/"


def test_a_voice_application_clears_the_trunk(client: Any, number: Any) -> None:
    context = client.incoming_phone_numbers(number.sid)
    context.update(trunk_sid="TK" + "2" * 32)
    updated = context.update(voice_application_sid="AP" + "3" * 32)
    assert (updated.voice_application_sid, updated.trunk_sid) == ("AP" + "3" * 32, None)


def test_an_unknown_http_method_is_rejected(client: Any, number: Any) -> None:
    with pytest.raises(TwilioRestException, match="expected one of GET, POST") as caught:
        client.incoming_phone_numbers(number.sid).update(voice_method="PUT")
    assert caught.value.code == 20001


def test_a_relative_url_is_rejected(client: Any, number: Any) -> None:
    with pytest.raises(TwilioRestException, match="absolute http"):
        client.incoming_phone_numbers(number.sid).update(voice_url="/flows/ivr")


def test_buying_a_number_is_refused_with_the_way_to_add_one(client: Any) -> None:
    with pytest.raises(TwilioRestException, match="--phone-number") as caught:
        client.incoming_phone_numbers.create(phone_number="+15005550010")
    assert (caught.value.status, caught.value.code) == (400, 20001)


def test_deleting_releases_the_number(client: Any, number: Any) -> None:
    client.incoming_phone_numbers(number.sid).delete()
    assert client.incoming_phone_numbers.list(phone_number=NUMBER) == []


def test_another_accounts_numbers_are_not_found(emulator: Any) -> None:
    answer = emulator.api("GET", f"/api/2010-04-01/Accounts/AC{'9' * 32}/IncomingPhoneNumbers.json")
    assert (answer.status, answer.body["code"]) == (404, 20404)
    assert answer.body["message"] == (
        f"The requested resource /2010-04-01/Accounts/AC{'9' * 32}/IncomingPhoneNumbers.json was not found"
    )


def test_numbers_are_paged_through_with_relative_uris(client: Any, emulator: Any) -> None:
    assert [n.phone_number for n in client.incoming_phone_numbers.stream(page_size=1)] == list(emulator.phone_numbers)


def test_a_next_page_uri_is_relative_to_api_twilio_com(emulator: Any) -> None:
    answer = emulator.api("GET", numbers_path(emulator) + "?PageSize=1")
    assert answer.body["next_page_uri"] == (
        f"/2010-04-01/Accounts/{emulator.account_sid}/IncomingPhoneNumbers.json?PageSize=1&Page=1&PageToken=PT1"
    )


def test_a_saved_account_gets_the_numbers_listed_since_and_keeps_the_rest(tmp_path: Any) -> None:
    from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN
    from twilio_emulator.server import Emulator

    def numbers(listed: list[str]) -> dict[str, str]:
        with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=listed, port=0,
                      state_file=tmp_path / "state.json") as emulator:
            return {number.phone_number: number.sid for number in emulator.api.state.phone_numbers.values()}

    before = numbers([NUMBER])
    after = numbers([NUMBER, "+15005550009"])  # a number added to Pulumi.local.yaml, the emulator restarted
    again = numbers([])

    assert set(after) == {NUMBER, "+15005550009"}
    assert after[NUMBER] == before[NUMBER]  # the saved number is the same object
    assert again == after  # bought for good: the saved account keeps it
