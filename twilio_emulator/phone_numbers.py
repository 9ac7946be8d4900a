"""API 2010: IncomingPhoneNumbers the account already owns (list, fetch, update, release; no purchase)."""

from __future__ import annotations

import re
from typing import Any

from twilio_emulator.errors import bad_request, not_found
from twilio_emulator.paging import uri_page
from twilio_emulator.params import Params, is_sid
from twilio_emulator.records import PhoneNumber, apply_changes, new_sid, now, rfc2822
from twilio_emulator.routing import Call, Reply, Route
from twilio_emulator.state import State

E164 = re.compile(r"\+[1-9]\d{1,14}")
METHODS = ("GET", "POST")

# Update parameters -> (field, kind); kind is "url", "method", "bool", "text", a SID prefix, or choices.
_UPDATABLE: dict[str, tuple[str, str | tuple[str, ...]]] = {
    "FriendlyName": ("friendly_name", "text"),
    "ApiVersion": ("api_version", ("2010-04-01", "2008-08-01")),
    "VoiceUrl": ("voice_url", "url"),
    "VoiceMethod": ("voice_method", "method"),
    "VoiceFallbackUrl": ("voice_fallback_url", "url"),
    "VoiceFallbackMethod": ("voice_fallback_method", "method"),
    "VoiceCallerIdLookup": ("voice_caller_id_lookup", "bool"),
    "VoiceApplicationSid": ("voice_application_sid", "AP"),
    "VoiceReceiveMode": ("voice_receive_mode", ("voice", "fax")),
    "SmsUrl": ("sms_url", "url"),
    "SmsMethod": ("sms_method", "method"),
    "SmsFallbackUrl": ("sms_fallback_url", "url"),
    "SmsFallbackMethod": ("sms_fallback_method", "method"),
    "SmsApplicationSid": ("sms_application_sid", "AP"),
    "StatusCallback": ("status_callback", "url"),
    "StatusCallbackMethod": ("status_callback_method", "method"),
    "TrunkSid": ("trunk_sid", "TK"),
    "EmergencyStatus": ("emergency_status", ("Active", "Inactive")),
    "EmergencyAddressSid": ("emergency_address_sid", "AD"),
    "IdentitySid": ("identity_sid", "RI"),
    "AddressSid": ("address_sid", "AD"),
    "BundleSid": ("bundle_sid", "BU"),
}


def friendly_number(e164: str) -> str:
    """Twilio's default friendly name: `(500) 555-0006` for North American numbers, else the number."""
    match = re.fullmatch(r"\+1(\d{3})(\d{3})(\d{4})", e164)
    return f"({match.group(1)}) {match.group(2)}-{match.group(3)}" if match else e164


def add_phone_number(state: State, e164: str) -> PhoneNumber:
    """A number as freshly bought: Twilio's demo voice URL, no SMS URL."""
    stamp = now()
    number = PhoneNumber(
        sid=new_sid("PN"), phone_number=e164, friendly_name=friendly_number(e164),
        date_created=stamp, date_updated=stamp,
    )
    state.phone_numbers[number.sid] = number
    return number


def _base(call: Call) -> str:
    account = call.args["AccountSid"]
    if account != call.account_sid:
        raise not_found(call.path)
    return f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers"


def _number(call: Call) -> PhoneNumber:
    _base(call)
    sid = call.args["Sid"]
    number = call.state.phone_numbers.get(sid) if is_sid(sid, "PN") else None
    if number is None:
        raise not_found(call.path)
    return number


def _render(call: Call, number: PhoneNumber) -> dict[str, Any]:
    return {
        "account_sid": call.account_sid,
        "address_sid": number.address_sid,
        "address_requirements": "none",
        "api_version": number.api_version,
        "beta": False,
        "capabilities": dict(number.capabilities),
        "date_created": rfc2822(number.date_created),
        "date_updated": rfc2822(number.date_updated),
        "friendly_name": number.friendly_name,
        "identity_sid": number.identity_sid,
        "phone_number": number.phone_number,
        "origin": "twilio",
        "sid": number.sid,
        "sms_application_sid": number.sms_application_sid,
        "sms_fallback_method": number.sms_fallback_method,
        "sms_fallback_url": number.sms_fallback_url,
        "sms_method": number.sms_method,
        "sms_url": number.sms_url,
        "status_callback": number.status_callback,
        "status_callback_method": number.status_callback_method,
        "trunk_sid": number.trunk_sid,
        "uri": f"/2010-04-01/Accounts/{call.account_sid}/IncomingPhoneNumbers/{number.sid}.json",
        "voice_receive_mode": number.voice_receive_mode,
        "voice_application_sid": number.voice_application_sid,
        "voice_caller_id_lookup": number.voice_caller_id_lookup,
        "voice_fallback_method": number.voice_fallback_method,
        "voice_fallback_url": number.voice_fallback_url,
        "voice_method": number.voice_method,
        "voice_url": number.voice_url,
        "emergency_status": number.emergency_status,
        "emergency_address_sid": number.emergency_address_sid,
        "emergency_address_status": "unregistered",
        "bundle_sid": number.bundle_sid,
        "status": "in-use",
        "type": "local",
    }


def _number_pattern(wanted: str) -> re.Pattern[str]:
    """Twilio's PhoneNumber filter: digits match themselves, `*` any digit, partial numbers allowed."""
    return re.compile("".join(r"\d" if char == "*" else re.escape(char) for char in wanted))


def list_numbers(call: Call) -> Reply:
    base = _base(call)
    query: Params = call.query
    numbers = list(call.state.phone_numbers.values())
    wanted_number = query.text("PhoneNumber")
    if wanted_number is not None:
        pattern = _number_pattern(wanted_number)
        numbers = [n for n in numbers if pattern.search(n.phone_number)]
    wanted_name = query.text("FriendlyName")
    if wanted_name is not None:
        numbers = [n for n in numbers if n.friendly_name == wanted_name]
    origin = query.choice("Origin", ("twilio", "hosted"))
    if origin == "hosted":
        numbers = []
    query.boolean("Beta")  # every emulated number is non-beta, so both values list them all
    return Reply(
        200, uri_page(call, key="incoming_phone_numbers", path=f"{base}.json", items=numbers,
                      render=lambda n: _render(call, n)),
    )


def purchase_number(call: Call) -> Reply:
    _base(call)
    raise bad_request(
        "The local Twilio emulator does not sell phone numbers: it only has the numbers it was started with. "
        "Start it with --phone-number +E164 (or list the number under flex-pre-agent:phoneNumbers in the "
        "stack file) instead of buying one."
    )


def fetch_number(call: Call) -> Reply:
    return Reply(200, _render(call, _number(call)))


def _changes(call: Call, number: PhoneNumber) -> dict[str, Any]:
    form = call.form
    changes: dict[str, Any] = {}
    account = form.sid("AccountSid", "AC")
    if account is not None and account != call.account_sid:
        raise bad_request(
            f"AccountSid {account} is not an account of these credentials; the emulator has only "
            f"{call.account_sid}, so numbers cannot move between accounts"
        )
    for param, (field, kind) in _UPDATABLE.items():
        if not form.has(param):
            continue
        if kind == "url":
            changes[field] = form.url(param)
        elif kind == "method":
            changes[field] = form.choice(param, METHODS, case_insensitive=True)
        elif kind == "bool":
            changes[field] = form.boolean(param)
        elif kind == "text":
            changes[field] = form.text(param, max_length=64) or friendly_number(number.phone_number)
        elif isinstance(kind, tuple):
            changes[field] = form.choice(param, kind, case_insensitive=True)
        else:  # a SID; "" clears it (shown as null, as the spec's SID pattern allows no "")
            changes[field] = form.sid(param, kind, allow_empty=True) or None
    # "Setting a voice_application_sid will automatically delete your trunk_sid and vice versa."
    if changes.get("voice_application_sid"):
        changes["trunk_sid"] = None
    if changes.get("trunk_sid"):
        changes["voice_application_sid"] = None
    return changes


def update_number(call: Call) -> Reply:
    number = _number(call)
    apply_changes(number, _changes(call, number))
    number.date_updated = now()
    return Reply(200, _render(call, number))


def release_number(call: Call) -> Reply:
    del call.state.phone_numbers[_number(call).sid]
    return Reply(204)


_BASE = "/api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"
ROUTES = [
    Route("GET", _BASE + ".json", list_numbers),
    Route("POST", _BASE + ".json", purchase_number),
    Route("GET", _BASE + "/{Sid}.json", fetch_number),
    Route("POST", _BASE + "/{Sid}.json", update_number),
    Route("DELETE", _BASE + "/{Sid}.json", release_number),
]
