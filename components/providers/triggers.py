"""Trigger providers: a phone number bound to a flow, and a Conversations address that starts one.

Neither ever buys or releases anything. Binding a number records what it pointed at before and
puts that back on delete; an existing address configuration is adopted and restored the same way.
What is recorded is never the program's own setting (left behind by an earlier try whose answer was
lost): that is recorded as "not set", so a restore cannot keep pointing at the program.

What a trigger found is also kept in the account itself before its first write (``ledger.Findings``):
a CLI killed after Twilio applied the write but before the engine saw the answer leaves no outputs in
the state, and the live object then shows only the program's own values. The next try, or a recovery
that imports the object (``flexctl recover``), reads the record, so a number's previous webhooks are
still put back on delete, and an address the program created is deleted, never "restored". A record is
written only when it carries information: a number channel with nothing set needs none (no record: put
back as unset), and neither does a new address (no record, and the address starts the program's flow:
the program's own). An existing address that already starts the program's flow is therefore taken for
one an earlier try created, and deleted on destroy.

The account's numbers and its address configurations are each listed once per provider process
(``listing.py``), for every binding, create and batched read of the command, and kept current by the
provider's own writes; a lost answer's reconciliation lists again.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioRestException

from components.providers import ledger
from components.providers.args import ConversationsAddressArgs, PhoneNumberBindingArgs
from components.providers.base import Props, TwilioProvider, TwilioProviderError, canonical, unset_if_none
from components.providers.listing import PAGE_SIZE, Listing, listings_of
from components.providers.twilio_api import Connection

E164_HELP = "an E.164 number such as +15005550006: '+', a country code that does not start with 0, at most 15 digits"
# ASCII digits only: str.isdigit() and \d also accept full-width and other scripts' digits.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")

# What binding a channel changes on an IncomingPhoneNumber, and so what delete restores.
VOICE_FIELDS = ("voice_url", "voice_method", "voice_application_sid", "trunk_sid")
MESSAGING_FIELDS = ("sms_url", "sms_method", "sms_application_sid")
CHANNEL_URLS = {"voice": "voice_url", "messaging": "sms_url"}
CHANNEL_FIELDS = {"voice": VOICE_FIELDS, "messaging": MESSAGING_FIELDS}
# What a channel with nothing set shows: no URL, application or trunk, and Twilio's default method.
UNSET = {"voice_method": "POST", "sms_method": "POST"}
ADDRESS_PAGE_SIZE = 50  # Conversations address configurations: "The default is 50, and the maximum is 50"


def _bound(webhook_url: str) -> dict[str, Props]:
    # An application or trunk SID overrides the URLs, so binding clears them.
    return {
        "voice": {"voice_url": webhook_url, "voice_method": "POST", "voice_application_sid": "", "trunk_sid": ""},
        "messaging": {"sms_url": webhook_url, "sms_method": "POST", "sms_application_sid": ""},
    }


def is_loopback(base_url: str | None) -> bool:
    """Whether ``base_url`` is on this machine (127.0.0.1, localhost, ::1): the local emulator, not Twilio."""
    host = urlsplit(base_url).hostname if base_url else None
    if host is None:
        return False
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def never_buys(base_url: str | None) -> str:
    """What to do about a number the account lacks, for Twilio or (a loopback ``base_url``) the local emulator."""
    if is_loopback(base_url):
        get = (f"the local emulator at {base_url} owns the numbers its stack file (Pulumi.local.yaml unless given "
               f"--stack-file) listed when it started: restart `make emulator` after adding one")
    else:
        get = "buy or port it in the Twilio console"
    return f"flex-pre-agent never buys numbers: {get}, or remove it from the stack file."


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

    def _listing(self, conn: Connection) -> Listing:
        """The account's numbers, listed once per process for every binding and read."""
        numbers = self._numbers(conn)
        return listings_of(self).get((conn, self.kind), lambda: numbers.list(page_size=PAGE_SIZE))

    def _number(self, conn: Connection, phone_number: str, *, fresh: bool = False) -> Any:
        """The number as the listing has it, or (``fresh``) as Twilio has it now, filtered on the server."""
        listed = self._numbers(conn).list(phone_number=phone_number) if fresh else self._listing(conn).items()
        found = [n for n in listed if n.phone_number == phone_number]
        if not found:
            raise TwilioProviderError(
                f"PhoneNumberBinding {phone_number!r}: the number is not in account {conn.account_sid}. "
                f"{never_buys(conn.base_url)}"
            )
        return found[0]

    def _create(self, conn: Connection, inputs: Props) -> Props:
        numbers, listing = self._numbers(conn), self._listing(conn)
        sid = self._number(conn, inputs["phone_number"]).sid
        with listing.writing(sid):  # another binding of this number (its other channel) writes after this one
            number = listing.get(sid)
            live = {key: getattr(number, key) for key in (*VOICE_FIELDS, *MESSAGING_FIELDS)}
            # Already pointing at this webhook: an earlier try of this program, not a setting to restore.
            previous = {key: None if value == inputs["webhook_url"] else value for key, value in live.items()}
            records = ledger.Findings(self, conn)
            for channel in self._channels(inputs):
                # Kept in the account before the write: an earlier try killed after its write left the number
                # pointing at the program, and only its record knows what was there before. A channel with
                # nothing set needs no record: without one, delete puts it back as unset.
                finding = {key: previous[key] for key in CHANNEL_FIELDS[channel]}
                recorded = records.remember(
                    self._record_name(inputs["phone_number"], channel), finding,
                    earlier_try_shows=live[CHANNEL_URLS[channel]] == inputs["webhook_url"],
                    needed=any(value not in (None, "", UNSET.get(key)) for key, value in finding.items()),
                )
                previous.update({key: recorded.get(key) for key in CHANNEL_FIELDS[channel]})
            updated = self.resend(conn, lambda: numbers(sid).update(**self._changes(inputs, previous)))
            listing.put(updated)
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
        records = ledger.Findings(self, conn)
        for channel in self._channels(olds):
            recorded = records.recall(self._record_name(olds["phone_number"], channel))
            if recorded is not None:
                previous.update({key: recorded.get(key) for key in CHANNEL_FIELDS[channel]})
        return previous

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        """The number, when a lost (or killed) create's write shows on it: a bound channel points at the flow."""
        number = self._number(conn, inputs["phone_number"], fresh=True)
        applied = any(getattr(number, CHANNEL_URLS[channel]) == inputs["webhook_url"]
                      for channel in self._channels(inputs))
        return str(number.sid) if applied else None

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        previous = canonical(olds.get("previous")) or {}
        updated = self._write(conn, id_, lambda context: context.update(**self._changes(inputs, previous, olds)))
        records = ledger.Findings(self, conn)
        for channel in set(self._channels(olds)) - set(self._channels(inputs)):
            records.forget(self._record_name(olds["phone_number"], channel))  # that channel is put back
        return {"sid": updated.sid, "account_sid": updated.account_sid}

    def _write(self, conn: Connection, id_: str, write: Callable[[Any], Any]) -> Any:
        """``write(number)``, sent again after a lost answer; its answer kept in the listing when one is loaded."""
        context = self._numbers(conn)(id_)
        listing = listings_of(self).loaded((conn, self.kind))
        if listing is None:
            return self.resend(conn, lambda: write(context))
        with listing.writing(id_):
            updated = self.resend(conn, lambda: write(context))
            listing.put(updated)
        return updated

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        # Batched: the account's numbers listed once answer every read of this command.
        number = self._listing(conn).get(id_)
        if number is None:
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
        restore = _restored(previous, self._touched(olds))
        try:
            self._write(conn, id_, lambda context: context.update(**restore))
        except TwilioRestException as error:
            if error.status != 404:
                raise
        records = ledger.Findings(self, conn)
        for channel in self._channels(olds):
            records.forget(self._record_name(olds["phone_number"], channel), look=True)

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
                changes.update(_restored(previous, keys))
        return changes

    @staticmethod
    def _touched(olds: Props) -> tuple[str, ...]:
        return (*(VOICE_FIELDS if olds.get("voice") else ()), *(MESSAGING_FIELDS if olds.get("messaging") else ()))


def _restored(previous: Mapping[str, Any], keys: tuple[str, ...]) -> Props:
    """What puts ``keys`` back as recorded; a value not recorded (or empty) goes back to unset."""
    return {key: previous.get(key) or UNSET.get(key, "") for key in keys}


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

    def _listing(self, conn: Connection) -> Listing:
        """The account's address configurations, listed once per process for every create and read."""
        addresses = self._addresses(conn)
        return listings_of(self).get((conn, self.kind), lambda: addresses.list(page_size=ADDRESS_PAGE_SIZE))

    def _relisted(self, conn: Connection) -> list[Any]:
        """A fresh listing (a create lost its answer, or a recovery asks): it replaces the kept one."""
        items = list(self._addresses(conn).list(page_size=ADDRESS_PAGE_SIZE))
        listings_of(self).fresh((conn, self.kind), items)
        return items

    def _matching(self, addresses: list[Any], inputs: Props) -> list[Any]:
        return [a for a in addresses if a.address == inputs["address"] and a.type == inputs["address_type"]]

    def _create(self, conn: Connection, inputs: Props) -> Props:
        addresses, listing = self._addresses(conn), self._listing(conn)
        matches = self._matching(listing.items(), inputs)
        existing = matches[0] if matches else None
        records, name = ledger.Findings(self, conn), self._record_name(inputs)
        if existing is None:
            # A new address needs no record: found later with no record, starting the program's flow, it is the
            # program's own. A record left here (of an address gone since) is stale, and goes first.
            records.remember(name, {"existed": False, "previous": None}, earlier_try_shows=False, needed=False)
            known = listing.sids()
            created = self.create_once(
                conn,
                lambda: addresses.create(
                    type=inputs["address_type"],
                    address=inputs["address"],
                    friendly_name=unset_if_none(inputs.get("friendly_name")),
                    **self._auto_creation(inputs),
                ),
                # What matches now and was not listed before the create is this program's own.
                lambda: [a for a in self._matching(self._relisted(conn), inputs) if a.sid not in known],
            )
            listing.put(created)
            return {**_address_outputs(created), "adopted": False, "previous": None}
        # An address that starts the flow is an earlier try's (its answer lost, or the CLI killed): its record
        # says whether that try created or adopted it, and no record says created. Any other is adopted, and
        # what it was is kept in the account before the first write.
        starts_flow = self._starts_flow(existing, inputs)
        found = records.remember(
            name,
            {"existed": False, "previous": None} if starts_flow
            else {"existed": True, "previous": self._previous(existing, inputs)},
            earlier_try_shows=starts_flow, needed=not starts_flow,
        )
        adopted = bool(found.get("existed"))
        configured = existing if self._configured(existing, inputs) else self._configure(conn, existing.sid, inputs)
        return {**_address_outputs(configured), "adopted": adopted,
                "previous": found.get("previous") if adopted else None}

    @staticmethod
    def _record_name(props: Props) -> str:
        return ledger.found_name("address", str(props["address_type"]), str(props["address"]))

    @staticmethod
    def _starts_flow(address: Any, inputs: Props) -> bool:
        auto = address.auto_creation or {}
        return auto.get("type") == "studio" and auto.get("studio_flow_sid") == inputs.get("flow_sid")

    def _configured(self, address: Any, inputs: Props) -> bool:
        """Whether the address already has every value the program sets (then it is not written to)."""
        live = self._live(address)
        return bool((address.auto_creation or {}).get("enabled")) and live["flow_sid"] == inputs["flow_sid"] and all(
            inputs.get(key) is None or live[key] == inputs[key]
            for key in ("friendly_name", "retry_count", "conversation_service_sid")
        )

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        """The address configuration, when a lost (or killed) create's write shows: it starts the flow."""
        matches = [a for a in self._matching(self._relisted(conn), inputs) if self._starts_flow(a, inputs)]
        return str(matches[0].sid) if matches else None

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        return _address_outputs(self._configure(conn, id_, {**inputs, **self.cleared(olds, inputs)}))

    def _configure(self, conn: Connection, sid: str, inputs: Props) -> Any:
        context = self._addresses(conn)(sid)
        friendly_name = unset_if_none(inputs.get("friendly_name"))
        updated = self.resend(conn, lambda: context.update(friendly_name=friendly_name, **self._auto_creation(inputs)))
        self._keep(conn, updated)
        return updated

    def _keep(self, conn: Connection, address: Any) -> None:
        """An answer of this provider's write, into the listing when one is loaded."""
        listing = listings_of(self).loaded((conn, self.kind))
        if listing is not None:
            listing.put(address)

    @staticmethod
    def _live(address: Any) -> Props:
        auto = address.auto_creation or {}
        return {
            "address": address.address,
            "address_type": address.type,
            "friendly_name": address.friendly_name,
            "flow_sid": auto.get("studio_flow_sid") if auto.get("type") == "studio" else None,
            "retry_count": auto.get("studio_retry_count"),
            "conversation_service_sid": auto.get("conversation_service_sid"),
        }

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        # Batched: the account's address configurations listed once answer every read of this command.
        address = self._listing(conn).get(id_)
        if address is None:
            address = self._addresses(conn)(id_).fetch()
        outs = _address_outputs(address)
        if olds.get("adopted") is None:  # imported by a recovery: the record in the account says (none: created)
            found = ledger.Findings(self, conn).recall(self._record_name(olds)) or {}
            outs.update(adopted=bool(found.get("existed")), previous=found.get("previous"))
        return self._live(address), outs

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        context = self._addresses(conn)(id_)
        if not olds.get("adopted"):
            self.resend_unless_gone(conn, context.delete)
            listing = listings_of(self).loaded((conn, self.kind))
            if listing is not None:
                listing.drop(id_)
        else:
            # State went through gRPC: numbers are floats (a retry count of 3.0), None values dropped.
            previous = canonical(olds.get("previous")) or {}
            auto = previous.get("auto_creation") or _NEUTRAL
            params = {f"auto_creation_{key}": value for key, value in auto.items()}
            if olds.get("friendly_name") is not None:
                params["friendly_name"] = previous.get("friendly_name") or ""
            try:
                self._keep(conn, self.resend(conn, lambda: context.update(**params)))
            except TwilioRestException as error:
                if error.status != 404:
                    raise
        # Also when the object was gone already; listed first, so an address with no record costs no write.
        ledger.Findings(self, conn).forget(self._record_name(olds), look=True)

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
