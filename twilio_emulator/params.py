"""Typed access to form-encoded bodies and query strings, with Twilio's 400 errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload
from urllib.parse import parse_qsl, urlsplit

from twilio_emulator.errors import bad_request

_TRUE = ("true",)
_FALSE = ("false",)


class Params:
    """The parameters of one request: repeated keys are lists, every getter validates.

    Args:
        values: name -> values in the order received.
        where: "post body" or "query string", used in error messages.
    """

    def __init__(self, values: Mapping[str, list[str]], *, where: str) -> None:
        self._values = dict(values)
        self.where = where

    @classmethod
    def parse(cls, encoded: str, *, where: str) -> Params:
        """Parse an `application/x-www-form-urlencoded` string."""
        values: dict[str, list[str]] = {}
        for name, value in parse_qsl(encoded, keep_blank_values=True):
            values.setdefault(name, []).append(value)
        return cls(values, where=where)

    def items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair, in the order received."""
        return [(name, value) for name, values in self._values.items() for value in values]

    def has(self, name: str) -> bool:
        """Whether the parameter was sent at all (even empty)."""
        return name in self._values

    def text(self, name: str, *, max_length: int | None = None) -> str | None:
        """A single string value, or None when absent."""
        values = self._values.get(name)
        if values is None:
            return None
        if len(values) > 1:
            raise bad_request(f"Parameter {name} was given {len(values)} times in the {self.where}; send it once")
        value = values[0]
        if max_length is not None and len(value) > max_length:
            raise bad_request(f"{name} is {len(value)} characters long; the maximum is {max_length}")
        return value

    def required(self, name: str, *, max_length: int | None = None) -> str:
        """A single non-empty string value; 400 when missing."""
        value = self.text(name, max_length=max_length)
        if value is None or value == "":
            raise bad_request(f"Missing required parameter {name} in the {self.where}")
        return value

    def boolean(self, name: str, *, also_true: Iterable[str] = ()) -> bool | None:
        """`true`/`false` (any case); `also_true` lists extra spellings of true, everything else is false."""
        value = self.text(name)
        if value is None:
            return None
        lowered = value.lower()
        extra = tuple(also_true)
        if extra:
            return lowered in _TRUE + extra
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise bad_request(f"Invalid value {value!r} for parameter {name}: expected true or false")

    def integer(self, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        """A whole number within the bounds given."""
        value = self.text(name)
        if value is None:
            return None
        if not re.fullmatch(r"-?\d+", value.strip()):
            raise bad_request(f"Invalid value {value!r} for parameter {name}: expected an integer")
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            low = "" if minimum is None else f"at least {minimum}"
            high = "" if maximum is None else f"at most {maximum}"
            bounds = " and ".join(part for part in (low, high) if part)
            raise bad_request(f"Invalid value {number} for parameter {name}: it must be {bounds}")
        return number

    @overload
    def choice(
        self, name: str, choices: Iterable[str], *, case_insensitive: bool = ..., required: Literal[True]
    ) -> str: ...

    @overload
    def choice(
        self, name: str, choices: Iterable[str], *, case_insensitive: bool = ..., required: bool = ...
    ) -> str | None: ...

    def choice(
        self, name: str, choices: Iterable[str], *, case_insensitive: bool = False, required: bool = False
    ) -> str | None:
        """One of `choices` (returned in the spelling of `choices`)."""
        value = self.required(name) if required else self.text(name)
        if value is None:
            return None
        options = list(choices)
        for option in options:
            if value == option or (case_insensitive and value.lower() == option.lower()):
                return option
        raise bad_request(f"Invalid value {value!r} for parameter {name}: expected one of {', '.join(options)}")

    def sid(self, name: str, prefix: str, *, allow_empty: bool = False) -> str | None:
        """A Twilio SID with `prefix`; "" too when `allow_empty` (Twilio's way to clear a reference)."""
        value = self.text(name)
        if value is None or (allow_empty and value == ""):
            return value
        if not is_sid(value, prefix):
            raise bad_request(
                f"Invalid value {value!r} for parameter {name}: expected a {prefix} SID "
                f"({prefix} followed by 32 hexadecimal characters)"
            )
        return value

    def url(self, name: str) -> str | None:
        """An absolute http(s) URL, or "" (Twilio's way to clear a URL)."""
        value = self.text(name)
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise bad_request(
                f"Invalid value {value!r} for parameter {name}: expected an absolute http:// or https:// URL"
            )
        return value

    def json(self, name: str, *, required: bool = False) -> Any:
        """A JSON-valued parameter (the SDK sends `json.dumps(...)`), decoded."""
        value = self.required(name) if required else self.text(name)
        if value is None:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise bad_request(f"Parameter {name} is not valid JSON: {error}") from None

    def values(self, name: str) -> list[str]:
        """Every value of a list parameter (repeated key)."""
        return list(self._values.get(name, []))


def is_sid(value: str, prefix: str) -> bool:
    """Whether `value` is `prefix` followed by 32 hexadecimal characters."""
    return re.fullmatch(re.escape(prefix) + r"[0-9a-fA-F]{32}", value) is not None
