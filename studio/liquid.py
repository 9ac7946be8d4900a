"""Studio's Liquid, read and rendered by one engine: ``python-liquid`` (pinned in requirements.txt).

The validator asks whether a text parses and which widgets it reads; the simulator renders it against
an execution's context. Both go through :func:`parse`, so they read every template alike.

Studio's flavour, where it differs from plain Liquid (choices listed in :mod:`studio.conditions`'s
``CHOICES`` table with their sources):

* An undefined variable renders empty, as in Studio; :func:`render` also returns the paths that were
  undefined, so a simulation can show them.
* ``"now" | date: FORMAT`` (or ``"today"``) reads the simulated clock, not the machine's; an optional
  second argument names the IANA time zone (``date: "%H:%M", "America/New_York"``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from liquid import BoundTemplate, Environment, Mode
from liquid.exceptions import LiquidError
from liquid.undefined import Undefined

_CLOCK: ContextVar[dt.datetime | None] = ContextVar("studio_liquid_clock", default=None)
_UNDEFINED: ContextVar[list[str] | None] = ContextVar("studio_liquid_undefined", default=None)
_LITERALS = frozenset({"true", "false", "nil", "null", "empty", "blank"})
# A plain output tag, ``{{ a.b.c }}``: the shape of nearly every Studio template. Its reading by the
# engine is known (valid; it reads the path a.b.c), so :func:`widget_references` and :func:`syntax_error`
# skip the parse for texts made only of these; tests/studio/test_liquid.py proves both readings agree.
_PLAIN_TAG = re.compile(r"(?<!\{)\{\{-?[ \t\n\r]*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t\n\r]*\}\}")


class RecordingUndefined(Undefined):
    """Renders empty, as Studio does, and records the path it stands for in the current render."""

    __slots__ = ()

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        seen = _UNDEFINED.get()
        if seen is not None:
            hint = self.hint or ""
            path = hint.removesuffix(" is undefined").strip("'") if hint.endswith(" is undefined") else name
            if path not in seen:
                seen.append(path)


class _StudioEnvironment(Environment):
    """python-liquid in lax mode (a render never fails) with Studio's clock-aware ``date`` filter."""

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=extra)
        self.filters["date"] = _date


def _date(value: object, fmt: object = None, zone: object = None) -> str:
    """Liquid's ``date`` reading the simulated clock for ``"now"``/``"today"``, in ``zone`` if given."""
    if isinstance(value, Undefined) or value is None:
        return ""
    moment: dt.datetime | None
    if value in ("now", "today"):
        moment = _CLOCK.get() or dt.datetime.now(dt.UTC)
    elif isinstance(value, dt.datetime):
        moment = value
    else:
        moment = _parse_moment(str(value))
        if moment is None:
            return str(value)
    if isinstance(zone, str) and zone:
        with suppress(ZoneInfoNotFoundError, ValueError):  # an unknown zone leaves the time as it is
            moment = moment.astimezone(ZoneInfo(zone)) if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))
    if not isinstance(fmt, str):
        return str(value)
    try:
        return moment.strftime(fmt)
    except ValueError:
        return str(value)


def _parse_moment(text: str) -> dt.datetime | None:
    stripped = text.strip()
    if stripped.isdigit():
        return dt.datetime.fromtimestamp(int(stripped), dt.UTC)
    try:
        return dt.datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        return None


ENGINE = _StudioEnvironment(tolerance=Mode.STRICT, undefined=RecordingUndefined)
"""The one Liquid engine of the project."""


class LiquidSyntaxError(ValueError):
    """A text the engine cannot read as Liquid; the message is the engine's."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered text and the variable paths that were undefined while rendering it."""

    text: str
    undefined: tuple[str, ...] = ()


def is_template(value: str) -> bool:
    """True if the string holds a Liquid output (``{{...}}``) or tag (``{%...%}``)."""
    return "{{" in value or "{%" in value


@lru_cache(maxsize=8192)
def parse(text: str) -> BoundTemplate:
    """The engine's template for ``text`` (cached); raises :class:`LiquidSyntaxError`."""
    try:
        return ENGINE.from_string(text)
    except LiquidError as error:
        raise LiquidSyntaxError(_first_line(error)) from None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or ["unreadable Liquid"])[0]


def _plain_paths(text: str) -> list[str] | None:
    """The paths of a text made only of plain output tags (the engine's reading), or None."""
    paths: list[str] = []
    rest: list[str] = []
    last = 0
    for match in _PLAIN_TAG.finditer(text):
        rest.append(text[last : match.start()])
        last = match.end()
        path = match.group(1)
        if path.split(".", 1)[0] in _LITERALS:
            return None
        paths.append(path)
    rest.append(text[last:])
    remainder = "\x00".join(rest)
    if "{{" in remainder or "{%" in remainder:
        return None
    return paths


def syntax_error(text: str) -> str | None:
    """The engine's complaint about ``text`` as Liquid, or None when it reads it."""
    if not is_template(text) or _plain_paths(text) is not None:
        return None
    try:
        parse(text)
    except LiquidSyntaxError as error:
        return str(error)
    return None


def widget_references(value: str) -> list[str]:
    """Names of the widgets a string reads through ``{{widgets.NAME...}}``, in order, without repeats."""
    if "widgets" not in value or not is_template(value):
        return []
    names: list[str] = []
    plain = _plain_paths(value)
    if plain is not None:
        segments: Iterator[list[Any]] = (path.split(".") for path in plain)
    else:
        try:
            segments = iter(parse(value).variable_segments())
        except LiquidSyntaxError:
            return []  # reported as a syntax problem; the engine reads nothing from it
    for path in segments:
        if len(path) > 1 and path[0] == "widgets" and isinstance(path[1], str) and path[1] not in names:
            names.append(path[1])
    if len(names) > 1:
        names.sort(key=lambda name: _first_use(value, name))
    return names


def _first_use(text: str, name: str) -> int:
    found = [at for at in (text.find(f".{name}"), text.find(f'"{name}"'), text.find(f"'{name}'")) if at >= 0]
    return min(found, default=len(text))


def render(text: str, context: Mapping[str, Any], *, clock: dt.datetime | None = None) -> Rendered:
    """``text`` rendered against Studio's ``context`` (``trigger``, ``flow``, ``widgets``...).

    A text that is no template is returned as it is; one the engine cannot read is returned as it is
    too (Studio sends it unrendered), with no undefined paths.
    """
    if not is_template(text):
        return Rendered(text)
    try:
        template = parse(text)
    except LiquidSyntaxError:
        return Rendered(text)
    seen: list[str] = []
    clock_token, seen_token = _CLOCK.set(clock), _UNDEFINED.set(seen)
    try:
        output = template.render(**context)
    except LiquidError:
        output = text
    finally:
        _CLOCK.reset(clock_token)
        _UNDEFINED.reset(seen_token)
    return Rendered(output, tuple(seen))
