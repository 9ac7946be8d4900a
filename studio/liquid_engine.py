"""python-liquid as Studio reads it: the one engine behind :mod:`studio.liquid`.

Loaded only when a text goes beyond the shapes :mod:`studio.liquid` reads itself (importing python-liquid,
with babel and dateutil, costs a program more than everything else it imports of its own), and for every
render.

Studio's flavour, where it differs from plain Liquid (choices listed in :mod:`studio.conditions`'s
``CHOICES`` table with their sources):

* An undefined variable renders empty, as in Studio; :func:`render` also returns the paths that were
  undefined, so a simulation can show them.
* ``"now" | date: FORMAT`` (or ``"today"``) reads the simulated clock, not the machine's; an optional
  second argument names the IANA time zone (``date: "%H:%M", "America/New_York"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from contextvars import ContextVar
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from liquid import BoundTemplate, Environment, Mode
from liquid.exceptions import LiquidError
from liquid.undefined import Undefined

__all__ = ["ENGINE", "BoundTemplate", "LiquidError", "render"]

_CLOCK: ContextVar[dt.datetime | None] = ContextVar("studio_liquid_clock", default=None)
_UNDEFINED: ContextVar[list[str] | None] = ContextVar("studio_liquid_undefined", default=None)


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
    """python-liquid, strict about syntax, with Studio's clock-aware ``date`` filter."""

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


def render(template: BoundTemplate, context: Mapping[str, Any], clock: dt.datetime | None) -> tuple[str, list[str]]:
    """``template`` rendered against ``context`` at ``clock``, and the paths that were undefined.

    Raises :class:`LiquidError` when the engine cannot render it.
    """
    seen: list[str] = []
    clock_token, seen_token = _CLOCK.set(clock), _UNDEFINED.set(seen)
    try:
        return template.render(**context), seen
    finally:
        _CLOCK.reset(clock_token)
        _UNDEFINED.reset(seen_token)
