"""Conversations v1 Configuration/Addresses through the official SDK."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.support import MINIMAL_FLOW

ADDRESS = "+15005550006"


@pytest.fixture
def flow_sid(client: Any) -> str:
    sid: str = client.studio.v2.flows.create(friendly_name="Messaging", status="published", definition=MINIMAL_FLOW).sid
    return sid


@pytest.fixture
def addresses(client: Any) -> Any:
    return client.conversations.v1.address_configurations


@pytest.fixture
def studio_address(addresses: Any, flow_sid: str) -> Any:
    return addresses.create(
        type="sms", address=ADDRESS, friendly_name="Inbound SMS", auto_creation_enabled=True,
        auto_creation_type="studio", auto_creation_studio_flow_sid=flow_sid, auto_creation_studio_retry_count=2,
    )


def test_an_address_sends_new_conversations_to_a_studio_flow(studio_address: Any, flow_sid: str) -> None:
    auto = studio_address.auto_creation
    assert (auto["enabled"], auto["type"], auto["studio_flow_sid"], auto["studio_retry_count"]) == (
        True, "studio", flow_sid, 2,
    )


def test_a_studio_address_uses_the_default_conversation_service(studio_address: Any) -> None:
    assert studio_address.auto_creation["conversation_service_sid"].startswith("IS")


def test_a_configuration_is_fetched_by_its_address(addresses: Any, studio_address: Any) -> None:
    assert addresses(ADDRESS).fetch().sid == studio_address.sid


def test_a_configuration_is_updated_by_sid(addresses: Any, studio_address: Any) -> None:
    updated = addresses(studio_address.sid).update(auto_creation_enabled=False, friendly_name="Paused")
    assert (updated.auto_creation["enabled"], updated.friendly_name) == (False, "Paused")


def test_a_configuration_is_deleted_by_its_address(addresses: Any, studio_address: Any) -> None:
    addresses(ADDRESS).delete()
    assert addresses.list() == []


def test_configurations_are_listed_by_type(addresses: Any, studio_address: Any) -> None:
    addresses.create(type="whatsapp", address="whatsapp:+15005550006")
    assert [a.sid for a in addresses.list(type="sms")] == [studio_address.sid]


def test_the_studio_flow_must_exist(addresses: Any) -> None:
    missing = "FW" + "0" * 32
    with pytest.raises(TwilioRestException, match=f"{missing} is not a Studio flow of this account") as caught:
        addresses.create(type="sms", address=ADDRESS, auto_creation_type="studio",
                         auto_creation_studio_flow_sid=missing)
    assert caught.value.code == 20001


def test_the_retry_count_is_at_most_3(addresses: Any, flow_sid: str) -> None:
    with pytest.raises(TwilioRestException, match="it must be at least 0 and at most 3"):
        addresses.create(type="sms", address=ADDRESS, auto_creation_type="studio",
                         auto_creation_studio_flow_sid=flow_sid, auto_creation_studio_retry_count=4)


def test_an_address_is_configured_only_once(addresses: Any, studio_address: Any) -> None:
    with pytest.raises(TwilioRestException, match=f"already has a configuration \\({studio_address.sid}\\)"):
        addresses.create(type="sms", address=ADDRESS)


def test_an_unknown_address_type_is_rejected(addresses: Any) -> None:
    with pytest.raises(TwilioRestException, match="for parameter Type"):
        addresses.create(type="fax", address=ADDRESS)


def test_a_webhook_address_shows_only_webhook_settings(addresses: Any) -> None:
    created = addresses.create(type="sms", address=ADDRESS, auto_creation_enabled=True, auto_creation_type="webhook",
                               auto_creation_webhook_url="https://example.com/hook",
                               auto_creation_webhook_filters=["onMessageAdded", "onParticipantAdded"])
    assert sorted(created.auto_creation) == [
        "conversation_service_sid", "enabled", "type", "webhook_filters", "webhook_method", "webhook_url",
    ]


def test_a_page_size_above_50_is_served_as_50(emulator: Any) -> None:
    answer = emulator.api("GET", "/conversations/v1/Configuration/Addresses?PageSize=500")
    assert answer.body["meta"]["page_size"] == 50
