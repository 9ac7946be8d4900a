"""Trigger providers: a phone number bound to a flow, and a Conversations address that starts one.

Neither ever buys or releases anything. Binding a number records what it pointed at before and
puts that back on delete; an existing address configuration is adopted and restored the same way.
What is recorded is never the program's own setting (left behind by an earlier try whose answer was
lost): that is recorded as "not set", so a restore cannot keep pointing at the program.

What a trigger found is also kept in the account itself before its first write (``ledger.remember``):
a CLI killed after Twilio applied the write but before the engine saw the answer leaves no outputs in
the state, and the live object then shows only the program's own values. The next try, or a recovery
that imports the object (``flexctl recover``), reads the record, so a number's previous webhooks are
still put back on delete, and an address the program created is deleted, never "restored".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from components.providers import ledger
from components.providers.args import ConversationsAddressArgs, PhoneNumberBindingArgs
from components.providers.base import Props, TwilioProvider, TwilioProviderError, canonical, unset_if_none
from components.providers.twilio_api import Connection

E164_HELP = "an E.164 number such as +15005550006: '+', a country code that does not start with 0, at most 15 digits"
# ASCII digits only: str.isdigit() and \d also accept full-width and other scripts' digits.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")

# What binding a channel changes on an IncomingPhoneNumber, and so what delete restores.
VOICE_FIELDS = ("voice_url", "voice_method", "voice_application_sid", "trunk_sid")
MESSAGING_FIELDS = ("sms_url", "sms_method", "sms_application_sid")
CHANNEL_URLS = {"voice": "voice_url", "messaging": "sms_url"}
CHANNEL_FIELDS = {"voice": VOICE_FIELDS, "messaging": MESSAGING_FIELDS}


def _bound(webhook_url: str) -> dict[str, Props]:
    # An application or trunk SID overrides the URLs, so binding clears them.
    return {
        "voice": {"voice_url": webhook_url, "voice_method": "POST", "voice_application_sid": "", "trunk_sid": ""},
        "messaging": {"sms_url": webhook_url, "sms_method": "POST", "sms_application_sid": ""},
    }


def e164_problem(number: str) -> str | None:
    """Why ``number`` is not a strict E.164 number, or None."""
    return None if E164.fullmatch(number) else f"phone_number is {number!r}; use {E164_HELP}"


class PhoneNumberBindingProvider(TwilioProvider):
    """Points an existing number (by E.164) at a flow's webhook for voice and/or messaging."""

    kind = "PhoneNumberBinding"
    args = PhoneNumberBindingArgs
    label_field = "phone_number"
    carried = ("previous",)

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems = []
        number = inputs.get("phone_number")
        if number is not None and (problem := e164_problem(number)):
            problems.append(("phone_number", problem))
        if inputs.get("voice") is False and inputs.get("messaging") is False:
            problems.append(("voice", "bind voice, messaging or both; to unbind the number, remove the binding"))
        return problems

    def _numbers(self, conn: Connection) -> Any:
        return conn.client().api.v2010.accounts(conn.account_sid).incoming_phone_numbers

    def _number(self, conn: Connection, phone_number: str) -> Any:
        found = [n for n in self._numbers(conn).list(phone_number=phone_number) if n.phone_number == phone_number]
        if not found:
            raise TwilioProviderError(
                f"PhoneNumberBinding {phone_number!r}: the number is not in account {conn.account_sid}. "
                f"flex-pre-agent never buys numbers: buy or port it in the Twilio console, then run again."
            )
        return found[0]

    def _create(self, conn: Connection, inputs: Props) -> Props:
        numbers = self._numbers(conn)
        number = self._number(conn, inputs["phone_number"])
        live = {key: getattr(number, key) for key in (*VOICE_FIELDS, *MESSAGING_FIELDS)}
        # Already pointing at this webhook: an earlier try of this program, not a setting to restore.
        previous = {key: None if value == inputs["webhook_url"] else value for key, value in live.items()}
        for channel in self._channels(inputs):
            # Kept in the account before the write: an earlier try killed after its write left the number
            # pointing at the program, and only its record knows what was there before.
            recorded = ledger.remember(
                conn, self._record_name(inputs["phone_number"], channel),
                {key: previous[key] for key in CHANNEL_FIELDS[channel]},
                earlier_try_shows=live[CHANNEL_URLS[channel]] == inputs["webhook_url"],
            )
            previous.update({key: recorded.get(key) for key in CHANNEL_FIELDS[channel]})
        updated = self.resend(conn, lambda: numbers(number.sid).update(**self._changes(inputs, previous)))
        return {"sid": updated.sid, "account_sid": updated.account_sid, "previous": previous}

    @staticmethod
    def _channels(props: Props) -> list[str]:
        return [channel for channel in CHANNEL_URLS if props.get(channel)]

    @staticmethod
    def _record_name(phone_number: str, channel: str) -> str:
        return ledger.found_name("number", phone_number, channel)

    def _recalled(self, conn: Connection, olds: Props) -> Props:
        """What the binding found before its first write: the state's record, and the account's for each channel."""
        previous: Props = dict(canonical(olds.get("previous")) or {})
        for channel in self._channels(olds):
            recorded = ledger.recall(conn, self._record_name(olds["phone_number"], channel))
            if recorded is not None:
                previous.update({key: recorded.get(key) for key in CHANNEL_FIELDS[channel]})
        return previous

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        """The number, when a lost (or killed) create's write shows on it: a bound channel points at the flow."""
        number = self._number(conn, inputs["phone_number"])
        applied = any(getattr(number, CHANNEL_URLS[channel]) == inputs["webhook_url"]
                      for channel in self._channels(inputs))
        return str(number.sid) if applied else None

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        previous = canonical(olds.get("previous")) or {}
        context = self._numbers(conn)(id_)
        updated = self.resend(conn, lambda: context.update(**self._changes(inputs, previous, olds)))
        for channel in set(self._channels(olds)) - set(self._channels(inputs)):
            ledger.forget(conn, self._record_name(olds["phone_number"], channel))  # that channel is put back
        return {"sid": updated.sid, "account_sid": updated.account_sid}

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        number = self._numbers(conn)(id_).fetch()
        webhook = olds.get("webhook_url")
        # A channel the binding leaves alone is not read back: its URL may well equal the webhook
        # (set by hand, or the number's old setting) without the binding managing it.
        live = {
            "phone_number": number.phone_number,
            **{channel: bool(olds.get(channel)) and getattr(number, url) == webhook
               for channel, url in CHANNEL_URLS.items()},
        }
        outs: Props = {"sid": number.sid, "account_sid": number.account_sid}
        if olds.get("previous") is None:  # imported by a recovery: the record in the account says
            outs["previous"] = self._recalled(conn, olds)
        return live, outs

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        previous = self._recalled(conn, olds)
        context = self._numbers(conn)(id_)
        self.resend_unless_gone(
            conn, lambda: context.update(**{key: previous.get(key) or "" for key in self._touched(olds)})
        )
        for channel in self._channels(olds):
            ledger.forget(conn, self._record_name(olds["phone_number"], channel))

    def _changes(self, inputs: Props, previous: Mapping[str, Any], olds: Props | None = None) -> Props:
        """Bind the channels asked for; a channel this binding stops binding gets its previous values back.

        A channel it never bound is left alone: another binding (another flow) may own it, as when a
        number's calls and messages start different flows.
        """
        bound = _bound(inputs["webhook_url"])
        changes: Props = {}
        for channel, keys in (("voice", VOICE_FIELDS), ("messaging", MESSAGING_FIELDS)):
            if inputs.get(channel):
                changes.update(bound[channel])
            elif olds is not None and olds.get(channel):
                changes.update({key: previous.get(key) or "" for key in keys})
        return changes

    @staticmethod
    def _touched(olds: Props) -> tuple[str, ...]:
        return (*(VOICE_FIELDS if olds.get("voice") else ()), *(MESSAGING_FIELDS if olds.get("messaging") else ()))


# The settable auto-creation values of an address configuration, by integration type.
AUTO_CREATION_KEYS = {
    "studio": ("enabled", "type", "conversation_service_sid", "studio_flow_sid", "studio_retry_count"),
    "webhook": ("enabled", "type", "conversation_service_sid", "webhook_url", "webhook_method", "webhook_filters"),
    "default": ("enabled", "type"),
}
_NEUTRAL = {"enabled": False, "type": "default"}


class ConversationsAddressProvider(TwilioProvider):
    """A Conversations address whose new conversations start a Studio flow (Incoming Conversation)."""

    kind = "ConversationsAddress"
    args = ConversationsAddressArgs
    label_field = "address"
    carried = ("adopted", "previous")

    def _addresses(self, conn: Connection) -> Any:
        return conn.client().conversations.v1.address_configurations

    def _matching(self, addresses: Any, inputs: Props) -> list[Any]:
        return [a for a in addresses.list() if a.address == inputs["address"] and a.type == inputs["address_type"]]

    def _create(self, conn: Connection, inputs: Props) -> Props:
        addresses = self._addresses(conn)
        matches = self._matching(addresses, inputs)
        existing = matches[0] if matches else None
        # Kept in the account before the first write: an address an earlier try created (its answer lost,
        # or the CLI killed) is this program's own, never one to restore.
        found = ledger.remember(
            conn, self._record_name(inputs),
            {"existed": existing is not None,
             "previous": None if existing is None else self._previous(existing, inputs)},
            earlier_try_shows=existing is not None and self._starts_flow(existing, inputs),
        )
        if existing is not None and not found.get("existed"):
            updated = self._configure(conn, addresses(existing.sid), inputs)
            return {**_address_outputs(updated), "adopted": False, "previous": None}
        if existing is None:
            created = self.create_once(
                conn,
                lambda: addresses.create(
                    type=inputs["address_type"],
                    address=inputs["address"],
                    friendly_name=unset_if_none(inputs.get("friendly_name")),
                    **self._auto_creation(inputs),
                ),
                lambda: self._matching(addresses, inputs),
            )
            return {**_address_outputs(created), "adopted": False, "previous": None}
        updated = self._configure(conn, addresses(existing.sid), inputs)
        return {**_address_outputs(updated), "adopted": True, "previous": found.get("previous")}

    @staticmethod
    def _record_name(props: Props) -> str:
        return ledger.found_name("address", str(props["address_type"]), str(props["address"]))

    @staticmethod
    def _starts_flow(address: Any, inputs: Props) -> bool:
        auto = address.auto_creation or {}
        return auto.get("type") == "studio" and auto.get("studio_flow_sid") == inputs.get("flow_sid")

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        """The address configuration, when a lost (or killed) create's write shows: it starts the flow."""
        matches = [a for a in self._matching(self._addresses(conn), inputs) if self._starts_flow(a, inputs)]
        return str(matches[0].sid) if matches else None

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        return _address_outputs(self._configure(conn, self._addresses(conn)(id_), inputs))

    def _configure(self, conn: Connection, context: Any, inputs: Props) -> Any:
        friendly_name = unset_if_none(inputs.get("friendly_name"))
        return self.resend(conn, lambda: context.update(friendly_name=friendly_name, **self._auto_creation(inputs)))

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
        outs = _address_outputs(address)
        if olds.get("adopted") is None:  # imported by a recovery: the record in the account says
            found = ledger.recall(conn, self._record_name(olds)) or {}
            outs.update(adopted=bool(found.get("existed")), previous=found.get("previous"))
        return live, outs

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        context = self._addresses(conn)(id_)
        if not olds.get("adopted"):
            self.resend_unless_gone(conn, context.delete)
        else:
            # State went through gRPC: numbers are floats (a retry count of 3.0), None values dropped.
            previous = canonical(olds.get("previous")) or {}
            auto = previous.get("auto_creation") or _NEUTRAL
            params = {f"auto_creation_{key}": value for key, value in auto.items()}
            if olds.get("friendly_name") is not None:
                params["friendly_name"] = previous.get("friendly_name") or ""
            self.resend_unless_gone(conn, lambda: context.update(**params))
        ledger.forget(conn, self._record_name(olds))  # also when the object was gone already

    @staticmethod
    def _previous(existing: Any, inputs: Props) -> Props:
        """The adopted address's own settings, never this program's (an earlier try's leftover)."""
        auto = existing.auto_creation or {}
        kept = AUTO_CREATION_KEYS.get(str(auto.get("type")), AUTO_CREATION_KEYS["default"])
        recorded = {key: auto.get(key) for key in kept if auto.get(key) is not None}
        if auto.get("type") == "studio" and auto.get("studio_flow_sid") == inputs["flow_sid"]:
            recorded = dict(_NEUTRAL)
        return {"friendly_name": existing.friendly_name, "auto_creation": recorded}

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
