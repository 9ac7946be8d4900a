"""Trigger providers: a phone number bound to a flow, and a Conversations address that starts one.

Neither ever buys or releases anything. Binding a number records what it pointed at before and
puts that back on delete; an existing address configuration is adopted and restored the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from components.providers.base import Field, Props, TwilioProvider, TwilioProviderError, unset_if_none
from components.providers.twilio_api import Connection

E164_HELP = "an E.164 number such as +15005550006"

# What binding a channel changes on an IncomingPhoneNumber, and so what delete restores.
VOICE_FIELDS = ("voice_url", "voice_method", "voice_application_sid", "trunk_sid")
MESSAGING_FIELDS = ("sms_url", "sms_method", "sms_application_sid")


def _bound(webhook_url: str) -> dict[str, Props]:
    # An application or trunk SID overrides the URLs, so binding clears them.
    return {
        "voice": {"voice_url": webhook_url, "voice_method": "POST", "voice_application_sid": "", "trunk_sid": ""},
        "messaging": {"sms_url": webhook_url, "sms_method": "POST", "sms_application_sid": ""},
    }


class PhoneNumberBindingProvider(TwilioProvider):
    """Points an existing number (by E.164) at a flow's webhook for voice and/or messaging."""

    kind = "PhoneNumberBinding"
    label_field = "phone_number"
    fields: ClassVar[Mapping[str, Field]] = {
        "phone_number": Field(replace=True),
        "webhook_url": Field(),
        "voice": Field(),
        "messaging": Field(),
    }

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems = []
        number = inputs.get("phone_number")
        if not (isinstance(number, str) and number.startswith("+") and number[1:].isdigit()):
            problems.append(("phone_number", f"is {number!r}; use {E164_HELP}"))
        if inputs.get("voice") is False and inputs.get("messaging") is False:
            problems.append(("voice", "bind voice, messaging or both; to unbind the number, remove the binding"))
        return problems

    def _numbers(self, conn: Connection) -> Any:
        return conn.client().api.v2010.accounts(conn.account_sid).incoming_phone_numbers

    def _create(self, conn: Connection, inputs: Props) -> Props:
        numbers = self._numbers(conn)
        found = [
            n for n in numbers.list(phone_number=inputs["phone_number"]) if n.phone_number == inputs["phone_number"]
        ]
        if not found:
            raise TwilioProviderError(
                f"PhoneNumberBinding {inputs['phone_number']!r}: the number is not in account {conn.account_sid}. "
                f"flex-pre-agent never buys numbers: buy or port it in the Twilio console, then run again."
            )
        number = found[0]
        previous = {key: getattr(number, key) for key in (*VOICE_FIELDS, *MESSAGING_FIELDS)}
        updated = numbers(number.sid).update(**self._changes(inputs, previous))
        return {"sid": updated.sid, "account_sid": updated.account_sid, "previous": previous}

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        previous = olds.get("previous") or {}
        updated = self._numbers(conn)(id_).update(**self._changes(inputs, previous))
        return {"sid": updated.sid, "account_sid": updated.account_sid, "previous": previous}

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        number = self._numbers(conn)(id_).fetch()
        webhook = olds.get("webhook_url")
        live = {
            "phone_number": number.phone_number,
            "voice": number.voice_url == webhook,
            "messaging": number.sms_url == webhook,
        }
        return live, {"sid": number.sid, "account_sid": number.account_sid, "previous": olds.get("previous")}

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        previous = olds.get("previous") or {}
        self._numbers(conn)(id_).update(**{key: previous.get(key) or "" for key in self._touched(olds)})

    def _changes(self, inputs: Props, previous: Mapping[str, Any]) -> Props:
        """Bind the channels asked for; put back the previous values of the others."""
        bound = _bound(inputs["webhook_url"])
        changes: Props = {}
        for channel, keys in (("voice", VOICE_FIELDS), ("messaging", MESSAGING_FIELDS)):
            if inputs.get(channel):
                changes.update(bound[channel])
            else:
                changes.update({key: previous.get(key) or "" for key in keys})
        return changes

    @staticmethod
    def _touched(olds: Props) -> tuple[str, ...]:
        return (*(VOICE_FIELDS if olds.get("voice") else ()), *(MESSAGING_FIELDS if olds.get("messaging") else ()))


AUTO_CREATION_KEYS = ("enabled", "type", "conversation_service_sid", "studio_flow_sid", "studio_retry_count")


class ConversationsAddressProvider(TwilioProvider):
    """A Conversations address whose new conversations start a Studio flow (Incoming Conversation)."""

    kind = "ConversationsAddress"
    label_field = "address"
    fields: ClassVar[Mapping[str, Field]] = {
        "address": Field(replace=True),
        "address_type": Field(replace=True),
        "friendly_name": Field(),
        "flow_sid": Field(),
        "retry_count": Field(),
        "conversation_service_sid": Field(),
    }

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        retries = inputs.get("retry_count")
        if retries is not None and not (isinstance(retries, int) and 0 <= retries <= 3):
            return [("retry_count", f"is {retries}; Twilio allows 0 to 3")]
        return []

    def _addresses(self, conn: Connection) -> Any:
        return conn.client().conversations.v1.address_configurations

    def _create(self, conn: Connection, inputs: Props) -> Props:
        addresses = self._addresses(conn)
        existing = next(
            (a for a in addresses.list() if a.address == inputs["address"] and a.type == inputs["address_type"]),
            None,
        )
        if existing is None:
            created = addresses.create(
                type=inputs["address_type"],
                address=inputs["address"],
                friendly_name=unset_if_none(inputs.get("friendly_name")),
                **self._auto_creation(inputs),
            )
            return {**_address_outputs(created), "adopted": False, "previous": None}
        previous = {key: (existing.auto_creation or {}).get(key) for key in AUTO_CREATION_KEYS}
        updated = addresses(existing.sid).update(
            friendly_name=unset_if_none(inputs.get("friendly_name")), **self._auto_creation(inputs)
        )
        return {**_address_outputs(updated), "adopted": True, "previous": previous}

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        updated = self._addresses(conn)(id_).update(
            friendly_name=unset_if_none(inputs.get("friendly_name")), **self._auto_creation(inputs)
        )
        return {**_address_outputs(updated), "adopted": bool(olds.get("adopted")), "previous": olds.get("previous")}

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        address = self._addresses(conn)(id_).fetch()
        auto = address.auto_creation or {}
        live = {
            "address": address.address,
            "address_type": address.type,
            "friendly_name": address.friendly_name,
            "flow_sid": auto.get("studio_flow_sid") if auto.get("type") == "studio" else None,
            "retry_count": auto.get("studio_retry_count"),
            "conversation_service_sid": auto.get("conversation_service_sid"),
        }
        outs = {**_address_outputs(address), "adopted": bool(olds.get("adopted")), "previous": olds.get("previous")}
        return live, outs

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        context = self._addresses(conn)(id_)
        previous = olds.get("previous")
        if not olds.get("adopted"):
            context.delete()
            return
        params = {f"auto_creation_{key}": unset_if_none(value) for key, value in (previous or {}).items()}
        context.update(**params)

    @staticmethod
    def _auto_creation(inputs: Props) -> Props:
        retries = inputs.get("retry_count")
        return {
            "auto_creation_enabled": True,
            "auto_creation_type": "studio",
            "auto_creation_studio_flow_sid": inputs["flow_sid"],
            "auto_creation_studio_retry_count": unset_if_none(retries),
            "auto_creation_conversation_service_sid": unset_if_none(inputs.get("conversation_service_sid")),
        }


def _address_outputs(address: Any) -> Props:
    return {"sid": address.sid, "account_sid": address.account_sid}
