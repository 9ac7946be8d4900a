"""A stack's settings: one pydantic model read by the program, ``flexctl`` and the emulator alike.

The program reads the config the engine hands it (:func:`load_stack_settings`); ``flexctl`` and the
emulator read ``Pulumi.<stack>.yaml`` itself (:func:`read_stack_file`). Both go through
:func:`parse_stack_settings`, so a bad value is reported the same way everywhere: the stack file,
the key, the value and the fix. Unknown keys (a typo such as ``phonenumbers``) are errors.

Credentials are never part of the settings: ``authToken``, ``apiKey`` and ``apiSecret`` are accepted
(the providers read them) but dropped here, and must be set with ``pulumi config set --secret``.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import time
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

PROJECT_FILE = "Pulumi.yaml"
DEFAULT_PROJECT = "flex-pre-agent"
SECRET_KEYS = frozenset({"authToken", "apiKey", "apiSecret"})
"""Credentials the providers read; never kept in the settings, never plain text in a stack file."""
MAX_VALUE_BYTES = 64 * 1024
"""The largest config value (structured ones as JSON): far above any real one, far below the engine's gRPC limit."""
MAX_YAML_BYTES = 1024 * 1024
"""The largest YAML file any reader here takes (Pulumi.yaml, a stack file)."""
MAX_YAML_NODES = 100_000
"""The most values a YAML file may expand to, aliases counted at every use (an alias bomb has billions)."""

E164_PATTERN = r"^\+[1-9][0-9]{1,14}$"  # ASCII digits: \d takes full-width ones too
E164 = Annotated[str, Field(pattern=E164_PATTERN)]
OptionalHttpsUrl = Annotated[str, Field(pattern=r"^(https://[^\s/$.?#][^\s]*)?$")]
"""An https:// URL, or empty: the setting is not used (a flow that reads it says it has no value)."""
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]

FIXES: dict[str, str] = {
    "accountSid": "AC followed by 32 hex digits, from the Twilio console",
    "apiBaseUrl": "an http(s) base URL such as http://127.0.0.1:8787, or leave it unset for real Twilio",
    "phoneNumbers": 'a list such as - {number: "+15005550006", voice: voice}',
    "conversationsAddresses": 'a list such as - {address: "+15005550008", type: sms}',
    "holdMusicUrl": "an https:// URL of an audio file or TwiML document (or remove it if no flow plays one)",
    "selfServiceUrl": "an https:// URL texted to callers who choose self-service (or remove it if no flow sends one)",
    "businessHours": 'a mapping such as {days: [Mon, Tue, Wed, Thu, Fri], open: "08:00", close: "18:00"}',
    "timeZone": "an IANA time zone such as America/New_York",
    "languages": "a list of language codes the flows speak (flows/catalog.py), in menu order",
    "vipTrait": "the profile trait that marks a VIP, a name such as vip",
    "profileConnection": "the Unified Profiles connection Search for a Profile uses (its Connection in Console)",
    "protect": "true (protect every resource: a destroy needs `pulumi state unprotect` first) or false",
    "flows": "a list of flow names (the @flow names under flows/) deployed even though nothing starts them",
    "flowParameters": "a mapping of flow parameter name to its value in this stack, e.g. {PAYMENT_URL: https://...}",
    "promoteFrom": "the stack whose deployed flows and routing this one may deploy, e.g. dev (or org/project/dev)",
    "promotionOverride": "the reason to deploy what never ran in promoteFrom (an emergency; it is logged and exported)",
    "canaryTestUsers": 'addresses that test changed flows as Studio drafts, e.g. ["+15005550006"]; remove to publish',
    "adopt": "a mapping such as {queues: [Sales], workflows: [Sales routing]}: friendly names of the routing's "
             "queues and workflows that the account already has",
}
FlowName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
"""A flow's registered name (``@flow("voice", ...)``); which names exist is checked against flows/."""


def flow_languages() -> tuple[str, ...] | None:
    """The language codes ``flows/catalog.py`` (``LANGUAGES``) gives the flows, or None for a project without it.

    Read when a stack's ``languages`` is checked, not at import: the settings model is the program's, the
    emulator's and ``flexctl``'s, and a team whose flows have no catalog (no language menu) still has stacks.
    """
    try:
        catalog = importlib.import_module("flows.catalog")
    except Exception:  # missing; or broken, which loading flows/ reports with its line (components.plan)
        return None
    languages = getattr(catalog, "LANGUAGES", None)
    return tuple(languages) if isinstance(languages, Mapping) else None


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


class PhoneNumberSettings(_Section):
    """A number the account owns and the flows it starts: ``voice`` for calls, ``messaging`` for SMS."""

    number: E164
    voice: FlowName | None = None
    messaging: FlowName | None = None

    @model_validator(mode="after")
    def _binds_something(self) -> PhoneNumberSettings:
        if self.voice is None and self.messaging is None:
            raise ValueError(f"{self.number} starts no flow: give it voice: voice and/or messaging: messaging")
        return self

    @property
    def bindings(self) -> dict[str, tuple[str, ...]]:
        """Each flow this number starts, with the channels ("voice", "messaging") that start it."""
        flows: dict[str, tuple[str, ...]] = {}
        for channel, flow in (("voice", self.voice), ("messaging", self.messaging)):
            if flow is not None:
                flows[flow] = (*flows.get(flow, ()), channel)
        return flows


class ConversationsAddressSettings(_Section):
    """A Conversations address whose new conversations start ``flow`` (Flex Conversations)."""

    address: str = Field(min_length=1)
    type: Literal["sms", "whatsapp", "messenger", "gbm"] = "sms"
    flow: FlowName = "conversations"

    @property
    def label(self) -> str:
        """``sms:+1555...``: the type once, also for a WhatsApp address as Twilio takes it (``whatsapp:+1...``)."""
        return self.address if self.address.startswith(f"{self.type}:") else f"{self.type}:{self.address}"


class Binding(NamedTuple):
    """A number or address starting a flow: where the stack file says so, the trigger event, the address."""

    where: str
    event: str
    address: str


class BusinessHours(_Section):
    """When agents answer, in the stack's ``timeZone``; outside these hours callers reach voicemail."""

    days: tuple[Weekday, ...] = Field(default=("Mon", "Tue", "Wed", "Thu", "Fri"), min_length=1)
    open: ClockTime = "08:00"
    close: ClockTime = "18:00"

    @model_validator(mode="after")
    def _open_some_time(self) -> BusinessHours:
        # open after close is an overnight shift (19:00 to 07:00), which the voice flow's time split handles
        if time.fromisoformat(self.open) == time.fromisoformat(self.close):
            raise ValueError(f"open and close are both {self.open}: give the hours agents answer, HH:MM on a "
                             "24-hour clock (open after close is an overnight shift)")
        return self


class AdoptSettings(_Section):
    """Queues and workflows that already exist in the account (made in the Console), taken over by name."""

    queues: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    workflows: tuple[Annotated[str, Field(min_length=1)], ...] = ()


class StackSettings(_Section):
    """What a stack's ``Pulumi.<stack>.yaml`` says about its contact center (no credentials)."""

    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$")
    api_base_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    phone_numbers: tuple[PhoneNumberSettings, ...] = ()
    conversations_addresses: tuple[ConversationsAddressSettings, ...] = ()
    hold_music_url: OptionalHttpsUrl = ""
    self_service_url: OptionalHttpsUrl = ""
    business_hours: BusinessHours = BusinessHours()
    time_zone: str
    languages: tuple[str, ...] = Field(default=("en", "es"), min_length=1)
    vip_trait: str = Field(default="vip", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    profile_connection: str = Field(default="default", min_length=1)
    protect: bool = False
    flows: tuple[FlowName, ...] = ()
    """Flows deployed though no number or address starts them (subflows, REST API flows)."""
    flow_parameters: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], str] = {}
    """Values of flow parameters that nothing the stack deploys fills (an imported flow's service SIDs, URLs)."""
    promote_from: str = Field(default="", pattern=r"^([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]*$")
    """The stack this one promotes from: a flow or workflow deploys only once the same definition ran there."""
    promotion_override: str = ""
    """Why to deploy despite the promotion gate (an emergency); logged and exported."""
    canary_test_users: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    """A canary: changed flows deploy as Studio drafts that only these addresses run; without it they publish."""
    adopt: AdoptSettings = AdoptSettings()
    """The routing's queues and workflows (by friendly name) that this account already has: taken over, not
    created (a migration from the Console); destroy puts back what the stack changed and deletes nothing."""

    @field_validator("api_base_url")
    @classmethod
    def _base_only(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.path not in ("", "/") or parts.query or parts.fragment):
            extra = value[len(f"{parts.scheme}://{parts.netloc}"):]
            raise ValueError(
                f"it has a path ({extra}); Twilio calls go to <apiBaseUrl>/<product>/<path>, so give only the "
                f"scheme, host and port ({parts.scheme}://{parts.netloc})"
            )
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = get_close_matches(value, sorted(available_timezones()), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"{value!r} is not an IANA time zone{hint}") from None
        return value

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        spoken = flow_languages()
        unknown = [code for code in value if code not in spoken] if spoken is not None else [
            code for code in value if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code)]
        if unknown and spoken is not None:
            raise ValueError(f"{', '.join(unknown)} is not a language the flows speak (flows/catalog.py has "
                             f"{', '.join(spoken) or 'none'}): add it there, or remove it here")
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not a language code such as en or pt-BR")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @model_validator(mode="after")
    def _unique_triggers(self) -> StackSettings:
        problems = trigger_conflicts(self)
        if problems:
            raise ValueError(TRIGGER_CONFLICT + "\n".join(problems))
        return self

    @property
    def owned_numbers(self) -> tuple[str, ...]:
        """Every E.164 number the stack binds or uses as a Conversations address (the account must own them)."""
        addresses = [entry.address for entry in self.conversations_addresses if entry.address.startswith("+")]
        return tuple(dict.fromkeys([*(entry.number for entry in self.phone_numbers), *addresses]))

    @property
    def bound_flows(self) -> dict[str, list[Binding]]:
        """Each flow a number or address starts: where in the stack file, the trigger event, the number/address."""
        bound: dict[str, list[Binding]] = {}
        for index, entry in enumerate(self.phone_numbers):
            for channel, event in (("voice", "incomingCall"), ("messaging", "incomingMessage")):
                name = getattr(entry, channel)
                if name is not None:
                    where = f"phoneNumbers[{index}].{channel} ({entry.number})"
                    bound.setdefault(name, []).append(Binding(where, event, entry.number))
        for index, address in enumerate(self.conversations_addresses):
            where = f"conversationsAddresses[{index}].flow ({address.address})"
            bound.setdefault(address.flow, []).append(Binding(where, "incomingConversationMessage", address.address))
        return bound

    def config_value(self, key: str) -> str | None:
        """The config value at ``key`` (``holdMusicUrl``, ``businessHours.open``) as text; a list joined by ", ".

        None when the stack has no value there: the key is unknown, or the setting is empty or unset.
        """
        value: Any = self.model_dump(by_alias=True, mode="json")
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        if isinstance(value, dict) or value is None or value == "":
            return None
        return str(value).lower() if isinstance(value, bool) else str(value)


TRIGGER_CONFLICT = "triggers in conflict: "


def trigger_conflicts(settings: StackSettings) -> list[str]:
    """Numbers and addresses that would make two flows claim one inbound call, message or conversation.

    One channel of one number starts one flow: a number listed twice is refused (with which channel both
    entries claim, or how to merge them), and so is an SMS Conversations address that is also a number
    bound for messaging (Twilio would hand each inbound SMS to the number's webhook and to Conversations).
    """
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(settings.phone_numbers):
        first = seen.setdefault(entry.number, index)
        if first == index:
            continue
        earlier = settings.phone_numbers[first]
        shared = [channel for channel in ("voice", "messaging")
                  if getattr(entry, channel) is not None and getattr(earlier, channel) is not None]
        if shared:
            problems.append(
                f"phoneNumbers[{index}]: {entry.number} is listed twice (entries {first} and {index}) and both start "
                f"a flow for {shared[0]}: one channel of a number starts one flow; keep one of them"
            )
        else:
            problems.append(
                f"phoneNumbers[{index}]: {entry.number} is listed twice (entries {first} and {index}); list it once, "
                f"with voice: and messaging: in one entry"
            )
    messaging = {entry.number: index for index, entry in enumerate(settings.phone_numbers) if entry.messaging}
    addresses: dict[tuple[str, str], int] = {}
    for index, address in enumerate(settings.conversations_addresses):
        first = addresses.setdefault((address.type, address.address), index)
        if first != index:
            problems.append(
                f"conversationsAddresses[{index}]: {address.type} address {address.address} is listed twice "
                f"(entries {first} and {index}); list each once"
            )
        if address.type == "sms" and address.address in messaging:
            problems.append(
                f"conversationsAddresses[{index}]: {address.address} is also "
                f"phoneNumbers[{messaging[address.address]}], bound for messaging: two flows would claim one "
                f"inbound SMS; remove messaging: from the number or remove the address"
            )
    return problems


class StackSettingsError(ValueError):
    """Stack config that cannot be used; the message names the file, the key, the value and the fix."""


def config_keys() -> dict[str, Any]:
    """Key (camelCase, as in the stack file) -> field, for every setting."""
    return {field.alias or name: field for name, field in StackSettings.model_fields.items()}


def parse_stack_settings(raw: Mapping[str, Any], stack: str, *, project: str = DEFAULT_PROJECT) -> StackSettings:
    """Validate config values (key without the project prefix -> value) or explain every problem."""
    where = f"Pulumi.{stack}.yaml"
    values = {key: value for key, value in raw.items() if key not in SECRET_KEYS}
    base_url = values.get("apiBaseUrl")
    if isinstance(base_url, str) and url_has_credentials(base_url):
        # Checked before the model, whose message would show the value: the token in it, in the output.
        bare = hide_credentials(base_url, mark="")
        raise StackSettingsError(
            f"{where}: {project}:apiBaseUrl carries credentials ({hide_credentials(base_url)}): a stack file is "
            f"plain text, and Pulumi keeps this value in the state and its history in clear; nothing was deployed. "
            f"Set it to the scheme, host and port alone (`pulumi config set apiBaseUrl "
            f"{bare} --stack {stack}`) and the token with `pulumi config "
            f"set --secret authToken ... --stack {stack}` (or TWILIO_AUTH_TOKEN); if it was a real token, rotate it"
        )
    oversized = [(key, size) for key, value in values.items() if (size := value_size(value)) > MAX_VALUE_BYTES]
    if oversized:
        raise StackSettingsError(f"{where} has invalid config:\n" + "\n".join(
            f"  - {project}:{key} is {_bytes(size)}; a config value may be at most {_bytes(MAX_VALUE_BYTES)}: "
            f"check that it is the value you meant (`pulumi config get {key} --stack {stack}`) and set it again"
            for key, size in oversized
        ))
    try:
        return StackSettings.model_validate(values)
    except ValidationError as error:
        problems = [_problem(detail, project, stack) for detail in error.errors(include_url=False)]
        raise StackSettingsError(f"{where} has invalid config:\n" + "\n".join(problems)) from None


def url_has_credentials(url: str) -> bool:
    """``url`` names a user or password before its host (``http://AC...:token@host``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "@" in url
    return bool(parts.username or parts.password or "@" in parts.netloc)


def hide_credentials(url: str, *, mark: str = "***@") -> str:
    """``url`` with whatever precedes its host (a user, a token) shown as ``mark`` (``""``: left out)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    return parts._replace(netloc=mark + parts.netloc.rpartition("@")[2]).geturl()


def value_size(value: Any) -> int:
    """The bytes a config value takes as the engine passes it (structured values as JSON)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return len(text.encode("utf-8", errors="replace"))


def _bytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KiB"


def config_path(location: Sequence[object]) -> str:
    """A config key's path as every message writes it: ``phoneNumbers[2].number``."""
    return "".join(f"[{part}]" if isinstance(part, int) or str(part).isdigit() else f".{part}"
                   for part in location).lstrip(".")


def _problem(detail: Any, project: str, stack: str) -> str:
    location = [str(part) for part in detail["loc"]]
    message = plain_message(detail["msg"])
    if not location and message.startswith(TRIGGER_CONFLICT):
        return "\n".join(f"  - {project}:{line}" for line in message.removeprefix(TRIGGER_CONFLICT).splitlines())
    key = location[0] if location else ""
    path = config_path(location) or "(the config)"
    value = detail["input"]
    listed = key == "canaryTestUsers" and isinstance(value, int)  # an unquoted number in its list
    if detail["type"] in ("string_type", "string_pattern_mismatch") and (
            listed or location[-1:] in (["number"], ["address"])):
        problem = phone_number_problem(location[-1] if not listed else key, value, listed=listed)
        if problem:
            return f"  - {project}:{path} {problem}"
    if detail["type"] == "extra_forbidden":
        section = _SECTIONS.get(key) if len(location) > 1 else None
        names = sorted(set(config_keys()) | SECRET_KEYS) if section is None else sorted(
            field.alias or name for name, field in section.model_fields.items())
        close = get_close_matches(location[-1], names, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return (f"  - {project}:{path}: unknown key (value {_show(value)}); {hint}known keys "
                f"{'here ' if section else ''}are {', '.join(names)}; rename it or remove it"
                + ("" if section else f" with `pulumi config rm {path} --stack {stack}`"))
    if detail["type"] == "missing":
        return (f"  - {project}:{path}: missing; set it to {FIXES.get(key, 'a value')} with "
                f"`pulumi config set {key} ... --stack {stack}`")
    hint = ""
    if isinstance(value, str) and detail["type"] in ("tuple_type", "list_type", "dict_type", "model_type"):
        # `pulumi config set key '[en, es]'` stores text; only the stack file's YAML (or --path) makes a list.
        listed = detail["type"] in ("tuple_type", "list_type")
        kind, item = ("list", f"'{path}[0]'") if listed else ("mapping", f"'{path}.KEY'")
        hint = (f" (`pulumi config set` stores text, not a {kind}: write it as YAML in Pulumi.{stack}.yaml, or set "
                f"each {'item' if listed else 'entry'} with `pulumi config set --path {item} ... --stack {stack}`)")
    return (f"  - {project}:{path} is {_show(detail['input'])}: {plain_message(detail['msg'])}; "
            f"use {FIXES.get(key, 'a valid value')}{hint}")


_SECTIONS: dict[str, type[BaseModel]] = {
    "phoneNumbers": PhoneNumberSettings, "conversationsAddresses": ConversationsAddressSettings,
    "businessHours": BusinessHours,
}


def plain_message(text: str) -> str:
    """A pydantic error message without its "Value error, " prefix."""
    return re.sub(r"^(Value error|Assertion failed), ", "", text)


_SEPARATORS = frozenset(" -().")
"""What people write between a phone number's digits, and E.164 has none of."""


def phone_number_problem(key: str, value: object, *, listed: bool = False) -> str | None:
    """What is wrong with a phone number ``value`` (stack file key ``key``: number, address, or an entry of the
    list ``key`` when ``listed``) and how to write it.

    The one place that explains phone number formats: an unquoted number (YAML read it as an integer, so
    a ``+`` before it is gone; the text as written is shown when the reader kept it, see :class:`WrittenInt`),
    spaces and punctuation, full-width digits, a missing ``+``. The fixed number is suggested only where the
    country code is plausibly in it; None when the value is not a phone number at all (no string, no integer).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        written = value.written if isinstance(value, WrittenInt) else None
        fixed, advice = e164_fix(written or str(value))
        shown = f"{written} unquoted, which YAML reads as a number" if written else (
            f"{value}, a number: YAML reads a phone number written without quotes as a number (any + is lost)")
        example = f'["{fixed}"]' if listed else f'"{fixed}"'
        fix = f", e.g. {key}: {example}" if fixed else f"; {advice}"
        return f"is {shown}: it must be a quoted E.164 string{fix}"
    if not isinstance(value, str):
        return None
    fixed, advice = e164_fix(value)
    if fixed is None:
        return f"is {_show(value)}: not an E.164 number; {advice}"
    if not value.startswith("+"):
        return f'is {_show(value)}: E.164 starts with + and the country code: "{fixed}"'
    return f'is {_show(value)}: E.164 has no spaces or punctuation, only + and ASCII digits: "{fixed}"'


def e164_fix(text: str) -> tuple[str | None, str]:
    """``text`` as E.164 when it is plainly one number with its country code, else None; and advice either way.

    Spaces, dashes, dots and parentheses are dropped and full-width digits read as ASCII ones; without a
    ``+``, an international prefix (00, 011) stands for it, 11 digits starting with 1 are a North American
    number with its country code, and 12 or more digits are taken to start with one; shorter ones lack it.
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    plus = normal.startswith("+")
    body = normal.removeprefix("+")
    digits = "".join(char for char in body if char not in _SEPARATORS)
    generic = 'use + then the country code and the number, ASCII digits only, e.g. "+15005550006"'
    if not digits or not all(char in "0123456789" for char in digits):
        return None, generic
    if not plus:
        international = next((digits[len(prefix):] for prefix in ("011", "00") if digits.startswith(prefix)), None)
        if international is not None:
            digits = international
        elif len(digits) == 10 and digits[0] not in "01":
            return None, f'add + and the country code, e.g. +1 for the US: "+1{digits}"'
        elif digits.startswith("0"):
            return None, f'add + and the country code in place of the leading 0, e.g. +44 for the UK: "+44{digits[1:]}"'
        elif len(digits) < 11 or (len(digits) == 11 and not digits.startswith("1")):
            return None, 'add + and the country code, e.g. +1 for the US: "+15005550006"'
    fixed = f"+{digits}"
    return (fixed, "") if re.match(E164_PATTERN, fixed) else (None, generic)


class WrittenInt(int):
    """An integer read from YAML with the text it was written as (``+15005550009``): messages show what was written."""

    written: str


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- Reading config -------------------------------------------------------------------------------


def decode_engine_config(config: Mapping[str, str], project: str) -> dict[str, Any]:
    """The project's keys from the engine's config (every value a string, structured ones as JSON)."""
    prefix = f"{project}:"
    fields = config_keys()
    raw: dict[str, Any] = {}
    for qualified, text in config.items():
        if not qualified.startswith(prefix):
            continue
        key = qualified[len(prefix):]
        field = fields.get(key)
        structured = field is not None and field.annotation is not str
        try:
            raw[key] = json.loads(text) if structured else text
        except json.JSONDecodeError:
            raw[key] = text  # the model reports it with the value and the fix
    return raw


def load_stack_settings() -> StackSettings:
    """This stack's settings, from the config the engine hands the program; bad config stops it cleanly."""
    import pulumi
    from pulumi.runtime.config import CONFIG, is_config_secret

    project, stack = pulumi.get_project(), pulumi.get_stack()
    plain = sorted(key for key in SECRET_KEYS if f"{project}:{key}" in CONFIG.get() and not is_config_secret(
        f"{project}:{key}"))
    if plain:
        # A plain credential would sit unencrypted in the stack file and in the state.
        raise pulumi.RunError(
            f"Pulumi.{stack}.yaml: {project}:{plain[0]} is a credential in plain text; run "
            f"`pulumi config rm {plain[0]} --stack {stack}` and `pulumi config set --secret {plain[0]} ... "
            f"--stack {stack}` (or export it as TWILIO_* instead)"
        )
    config = CONFIG.get()
    problem = secret_leak(config, project, stack, is_config_secret)
    if problem:
        raise pulumi.RunError(problem)
    try:
        return parse_stack_settings(decode_engine_config(config, project), stack, project=project)
    except StackSettingsError as error:
        raise pulumi.RunError(str(error)) from None


CREDENTIAL_SOURCES = {"authToken": "the authToken stack secret", "apiSecret": "the apiSecret stack secret",
                      "TWILIO_AUTH_TOKEN": "TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET": "TWILIO_API_SECRET"}
"""Where a credential the providers use comes from, as a message names it."""


def secret_leak(
    config: Mapping[str, str], project: str, stack: str, is_secret: Callable[[str], bool],
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Why the stack's settings would put a secret in clear, or None.

    Every setting but the credentials ends up in what the stack deploys (a flow's definition, a queue, a number's
    webhook), which Twilio shows in its Console and Pulumi keeps in the state in clear, whatever the stack file
    said: so a setting set with ``--secret`` cannot stay secret, and a setting that holds the stack's own token
    would publish it. Neither value is ever shown here.
    """
    env = os.environ if environ is None else environ
    where = f"Pulumi.{stack}.yaml"
    settings = {key: text for key, text in config.items()
                if key.startswith(f"{project}:") and key.removeprefix(f"{project}:") not in SECRET_KEYS}
    secret = sorted(key for key in settings if is_secret(key))
    if secret:
        key = secret[0].removeprefix(f"{project}:")
        return (f"{where}: {secret[0]} is set as a secret, but no setting but the credentials stays secret: its value "
                f"goes into what the stack deploys (a flow definition, the routing, a number), which Twilio shows "
                f"in its Console and Pulumi keeps in the stack's state in clear; nothing was deployed. Keep secrets "
                f"out of flows (a Twilio Function reads them from its own environment variables): remove it with "
                f"`pulumi config rm {key} --stack {stack}`, or set a value that is no secret without --secret")
    credentials = {CREDENTIAL_SOURCES[name]: value for name, value in (
        *((key, config.get(f"{project}:{key}") or "") for key in ("authToken", "apiSecret")),
        *((name, env.get(name) or "") for name in ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET")),
    ) if len(value) >= 8}
    for key, text in sorted(settings.items()):
        if key == f"{project}:apiBaseUrl" and url_has_credentials(text):
            continue  # parse_stack_settings says what to write there instead
        source = next((source for source, value in credentials.items() if value in text), None)
        if source is not None:
            return (f"{where}: {key} holds the Twilio credential of {source} in plain text (not shown here): it "
                    f"would go into what the stack deploys and into the state in clear; nothing was deployed. Remove "
                    f"it from {key} (`pulumi config rm {key.removeprefix(project + ':')} --stack {stack}`, or edit "
                    f"{where}), keep the credential in {source} alone, and rotate it: the stack file and Pulumi's "
                    f"history of this stack already hold it")
    return None


def project_name(root: Path) -> str:
    """The ``name`` of the Pulumi project in ``root``."""
    name = read_yaml(root / PROJECT_FILE).get("name")
    if not isinstance(name, str) or not name:
        raise StackSettingsError(f"{root / PROJECT_FILE}: the project has no `name`; add `name: flex-pre-agent`")
    return name


def stack_names(root: Path) -> list[str]:
    """Every stack with a ``Pulumi.<stack>.yaml`` in ``root``, sorted."""
    return sorted(path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in root.glob("Pulumi.*.yaml"))


def read_stack_values(root: Path, stack: str) -> dict[str, Any]:
    """The project's config values in ``Pulumi.<stack>.yaml`` (unprefixed keys), credentials left out."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.exists():
        stacks = stack_names(root)
        close = get_close_matches(stack, stacks, n=1)
        known = f"; the stacks here are {', '.join(stacks)}" if stacks else ""
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise StackSettingsError(f"{path} does not exist{known}{hint}; a new stack: `pulumi stack init {stack}`")
    return _values(path, project_name(root), stack)


def _values(path: Path, project: str, stack: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for qualified, value in (read_yaml(path).get("config") or {}).items():
        namespace, _, key = str(qualified).rpartition(":")
        if namespace != project:
            continue
        if key in SECRET_KEYS:
            if not (isinstance(value, dict) and "secure" in value):
                raise StackSettingsError(
                    f"{path}: {qualified} is a credential in plain text; remove it and run "
                    f"`pulumi config set --secret {key} ... --stack {stack}` (or export it as TWILIO_* instead)"
                )
            continue
        values[key] = value
    return values


def read_stack_file(root: Path, stack: str) -> StackSettings:
    """The settings of ``Pulumi.<stack>.yaml`` in ``root``, validated (credentials are not read)."""
    return parse_stack_settings(read_stack_values(root, stack), stack, project=project_name(root))


def read_stack_path(path: Path) -> StackSettings:
    """The settings of a stack file anywhere (``Pulumi.<stack>.yaml``; the project beside it, if any)."""
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    project = project_name(path.parent) if (path.parent / PROJECT_FILE).exists() else DEFAULT_PROJECT
    if not path.exists():
        raise StackSettingsError(f"{path} does not exist")
    return parse_stack_settings(_values(path, project, stack), stack, project=project)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from ``path``, or an error naming the file; the one YAML reader of the project.

    Every reader (``flexctl``, the emulator, the program's helpers) comes here, so every one refuses an
    oversized file (by its size, before parsing) and an alias bomb (by counting the values its aliases
    expand to, before building anything) in milliseconds, with a message instead of a MemoryError.
    """
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise StackSettingsError(f"{path} does not exist") from None
    except OSError as error:
        raise StackSettingsError(f"cannot read {path}: {error.strerror}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise StackSettingsError(_oversized(path))
    try:
        data = load_yaml_text(raw.decode("utf-8"), str(path))
    except UnicodeDecodeError:
        raise StackSettingsError(f"{path} is not UTF-8 text") from None
    if not isinstance(data, dict):
        raise StackSettingsError(f"{path} must be a YAML mapping (`config:` and its keys)")
    return data


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader; every integer keeps the text it was written as (``+15005550009``, see :class:`WrittenInt`)."""


def _integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    written = WrittenInt(loader.construct_yaml_int(node))
    written.written = node.value
    return written


_SafeLoader.add_constructor("tag:yaml.org,2002:int", _integer)


def load_yaml_text(text: str, where: str) -> Any:
    """Parse YAML safely (no tags that run code, aliases bounded); errors name ``where``."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if expanded_size(node) > MAX_YAML_NODES:
            raise StackSettingsError(
                f"{where}: its anchors and aliases (&name, *name) expand to more than {MAX_YAML_NODES:,} values; "
                f"a stack file is never like that (an alias bomb?): write the values out, or check the file"
            )
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise StackSettingsError(f"{where} is not valid YAML: {error}") from None
    finally:
        loader.dispose()


def expanded_size(root: yaml.Node) -> int:
    """How many values ``root`` stands for once every alias is expanded, computed without expanding.

    Aliases share node objects, so each distinct node's size is counted once (iteratively: no recursion
    limit for deep files). A cycle (a recursive alias) is counted as too large.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    visiting: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            visiting.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if id(node) in visiting:
            return MAX_YAML_NODES + 1
        visiting.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _oversized(path: Path) -> str:
    """An oversized file's message, naming the entry that makes it so (found by a scan of its lines)."""
    size = path.stat().st_size
    largest, largest_size, current = "", 0, ""
    sizes: dict[str, int] = {}
    with path.open("rb") as stream:
        for line in stream:
            match = re.match(rb"^ {0,2}([^\s#](?:[^:\n]|:(?=\S))*):(\s|$)", line)
            if match:
                current = match.group(1).decode("utf-8", errors="replace").strip()
            sizes[current] = sizes.get(current, 0) + len(line)
            if sizes[current] > largest_size:
                largest, largest_size = current, sizes[current]
    culprit = f"; {largest} takes {_bytes(largest_size)} of it" if largest else ""
    return (
        f"{path} is {_bytes(size)}{culprit}: a YAML file here may be at most {_bytes(MAX_YAML_BYTES)} and a config "
        f"value at most {_bytes(MAX_VALUE_BYTES)}; check that it is the file and the values you meant"
    )
