"""python-liquid as Studio reads it: the one engine behind :mod:`studio.liquid`.

Loaded only when a text goes beyond the shapes :mod:`studio.liquid` reads itself (importing python-liquid,
with babel and dateutil, costs a program more than everything else it imports of its own), and for every
render.

Studio's flavour, where it differs from plain Liquid (choices listed in :mod:`studio.conditions`'s
``CHOICES`` table with their sources):

* An undefined variable renders empty, as in Studio; :func:`render` also returns the paths that were
  undefined, so a simulation can show them.
* ``"now" | date: FORMAT`` (or ``"today"``) reads the simulated clock, not the machine's; an optional
  second argument names the IANA time zone (``date: "%H:%M", "America/New_York"``). Other text is read as
  Ruby's ``Time.parse`` reads it ("December 4, 2026", "2026-12-04 10:00"), and Ruby's ``%L``, ``%N`` and
  ``%:z`` are understood.
* ``to_json``: Twilio's Send to Flex page names it a Studio filter (``{{widgets.fn.parsed | to_json}}``).

:func:`render_noting` is the simulator's render: like Shopify Liquid in its default (lax) mode, a tag or
output that fails while rendering (``"5" > 3``, ``divided_by: 0``...) does not stop the rest of the text, and each
such failure comes back as an :class:`Issue` saying what was assumed. So does a filter Studio does not document
(:data:`studio.liquid.STUDIO_LIQUID`): one Shopify's Liquid has is applied, any other passes the value through, as
Shopify Liquid's lax default does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser  # type: ignore[import-untyped]
from liquid import BoundTemplate, Environment, Mode, RenderContext
from liquid.builtin.expressions.loop import LoopExpression
from liquid.builtin.filters.string import truncate
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.tags.for_tag import ForNode, ForTag
from liquid.exceptions import LiquidError
from liquid.filter import string_filter
from liquid.limits import to_int
from liquid.stringify import to_liquid_string
from liquid.undefined import Undefined

from studio.liquid import STUDIO_LIQUID, undocumented

if TYPE_CHECKING:
    from collections.abc import Iterator

    from liquid.stream import TokenStream
    from liquid.token import Token

__all__ = ["ENGINE", "BoundTemplate", "Issue", "LiquidError", "render", "render_noting"]

_CLOCK: ContextVar[dt.datetime | None] = ContextVar("studio_liquid_clock", default=None)
_UNDEFINED: ContextVar[list[str] | None] = ContextVar("studio_liquid_undefined", default=None)
_ISSUES: ContextVar[list[Issue] | None] = ContextVar("studio_liquid_issues", default=None)
"""Set while :func:`render_noting` renders: failures are collected here instead of raised."""


@dataclass(frozen=True, slots=True)
class Issue:
    """Something Liquid could not render as written, and what the render assumed instead."""

    what: str
    assumed: str

    def __str__(self) -> str:
        return f"{self.what}: {self.assumed}"


def _note(issue: Issue) -> bool:
    """Record ``issue`` when :func:`render_noting` is rendering; False otherwise (the caller raises)."""
    issues = _ISSUES.get()
    if issues is None:
        return False
    if issue not in issues:
        issues.append(issue)
    return True


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


class _StudioContext(RenderContext):
    """A render context whose unknown filters, under :func:`render_noting`, leave the value as it was."""

    def filter(self, name: str, token: Token | None) -> Callable[..., object]:
        use = undocumented("filter", name)
        if use is not None and _note(Issue(f"filter '{name}', not on Studio's Liquid page" if use.in_shopify
                                           else f"unknown filter '{name}'", use.simulated())) \
                and name not in self.env.filters:
            return _unchanged
        return super().filter(name, token)


    def parentloop(self) -> Union[Undefined, object]:  # noqa: UP007 (the base class's annotation)
        """The enclosing loop; its absence is the engine's own lookup, not an undefined reference of the flow's."""
        token = _UNDEFINED.set(None)
        try:
            return super().parentloop()
        finally:
            _UNDEFINED.reset(token)


LOOP_LIMIT = 15
"""Iterations a Liquid ``for`` loop runs in Studio (Studio FAQ: "Liquid loops stop at 15 iterations")."""


class _StudioLoop(LoopExpression):
    """A ``for`` loop's expression that yields at most :data:`LOOP_LIMIT` items."""

    __slots__ = ()

    def evaluate(self, context: RenderContext) -> tuple[Iterator[object], int]:
        items, length = super().evaluate(context)
        if length <= LOOP_LIMIT:
            return items, length
        _note(Issue(f"{{% for {self} %}} over {length} items", f"only the first {LOOP_LIMIT} rendered (Studio's FAQ: "
                    f"Liquid loops stop at {LOOP_LIMIT} iterations; whether the rest is dropped or the text fails is "
                    "unverified)"))
        return islice(items, LOOP_LIMIT), LOOP_LIMIT


class _StudioFor(ForTag):
    def parse(self, stream: TokenStream) -> ForNode:
        node = super().parse(stream)
        assert isinstance(node, ForNode)
        loop = node.expression
        node.expression = _StudioLoop(loop.token, loop.identifier, loop.iterable, limit=loop.limit, offset=loop.offset,
                                      reversed_=loop.reversed, cols=loop.cols)
        return node


def _unchanged(value: object, *_args: object, **_kwargs: object) -> object:
    return value


class _StudioTemplate(BoundTemplate):
    context_class = _StudioContext


class _StudioOutputNode(OutputNode):
    """``{{ object }}`` renders the object as JSON, not as Python's repr."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        value = self.expression.evaluate(context)
        nested = isinstance(value, list) and any(isinstance(item, Mapping | list) for item in value)
        if (isinstance(value, Mapping) and not isinstance(value, Undefined)) or nested:
            _note(Issue(f"{{{{ {self.expression} }}}} is an object", "rendered as JSON (how Studio writes an object "
                        "without | to_json is unverified)"))
            return buffer.write(_to_json(value))
        return buffer.write(to_liquid_string(value, context.autoescape))


class _StudioOutput(Output):
    node_class = _StudioOutputNode


class _StudioEnvironment(Environment):
    """python-liquid, strict about syntax, with Studio's clock-aware ``date`` filter and ``to_json``."""

    template_class = _StudioTemplate

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=extra)
        for name in [name for name in self.filters if ("filter", name) not in STUDIO_LIQUID]:
            del self.filters[name]  # python-liquid's own (squish, safe...): Shopify's Liquid passes them through
        self.add_tag(_StudioOutput)
        self.add_tag(_StudioFor)
        self.filters["date"] = _date
        self.filters["to_json"] = _to_json
        self.filters["truncate"] = _truncate

    def error(self, exc: type[LiquidError] | LiquidError, msg: str | None = None, token: Token | None = None) -> None:
        """Under :func:`render_noting`, a failure while rendering is noted and its tag or output renders nothing."""
        error = exc if isinstance(exc, LiquidError) else exc(msg, token=token)
        message = f"{type(error).__name__}: {(str(error).splitlines() or ['error'])[0]}"
        if not _note(Issue(f"Liquid error ({message})", "that tag or output rendered nothing (Shopify Liquid writes "
                           "'Liquid error: ...' there; what Studio writes is unverified)")):
            super().error(exc, msg, token)


@string_filter
def _truncate(text: str, length: Any = 50, end: Any = "...") -> str:
    """Shopify's ``truncate``: a text no longer than ``length`` stays whole; a longer one keeps ``length`` characters
    counting ``end`` (python-liquid cuts a text of exactly ``length`` and slices from the end when ``end`` is
    longer than ``length``)."""
    try:
        limit = to_int(length)
    except (ValueError, TypeError):
        return str(truncate(text, length, end))  # its argument error
    ending = str(end)
    return text if len(text) <= limit else text[:max(limit - len(ending), 0)] + ending


def _to_json(value: object) -> str:
    """``to_json``: the value as compact JSON (undefined is null)."""
    return json.dumps(None if isinstance(value, Undefined) else value, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
    if isinstance(fmt, str) and isinstance(value, str) and value not in ("now", "today") \
            and not value.strip().isdigit() and not _ISO.match(value.strip()):
        _note(Issue(f"date of {value!r}", "read as Ruby's Time.parse would read it (how Studio reads a text that is "
                    "not ISO 8601 is unverified)"))
    if isinstance(zone, str) and zone:
        with suppress(ZoneInfoNotFoundError, ValueError):  # an unknown zone leaves the time as it is
            moment = moment.astimezone(ZoneInfo(zone)) if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))
    if not isinstance(fmt, str):
        return str(value)
    try:
        when = moment
        return when.strftime(_RUBY_ONLY.sub(lambda match: _ruby_directive(when, match.group()), fmt))
    except ValueError:
        return str(value)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_RUBY_ONLY = re.compile(r"%%|%L|%N|%:z")
"""strftime directives Ruby's ``Time#strftime`` (Shopify Liquid's ``date``) has and Python's lacks."""


def _ruby_directive(moment: dt.datetime, directive: str) -> str:
    if directive == "%L":
        return f"{moment.microsecond // 1000:03d}"
    if directive == "%N":
        return f"{moment.microsecond * 1000:09d}"
    if directive == "%:z":
        offset = moment.strftime("%z")
        return f"{offset[:3]}:{offset[3:]}" if offset else ""
    return directive


def _parse_moment(text: str) -> dt.datetime | None:
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.isdigit():
        return dt.datetime.fromtimestamp(int(stripped), dt.UTC)
    try:
        return dt.datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        pass
    clock = _CLOCK.get()
    try:  # as Ruby's Time.parse: missing parts from today
        default = (clock or dt.datetime.now(dt.UTC)).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        parsed: dt.datetime = date_parser.parse(stripped, default=default)
        return parsed
    except (ValueError, OverflowError):
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


def render_noting(template: BoundTemplate, context: Mapping[str, Any],
                  clock: dt.datetime | None) -> tuple[str, list[str], list[Issue]]:
    """Like :func:`render`, but never raises: what failed is noted (an :class:`Issue`) and the rest renders."""
    issues: list[Issue] = []
    token = _ISSUES.set(issues)
    try:
        text, undefined = render(template, context, clock)
    except LiquidError as error:  # a failure outside any one node
        _note(Issue(f"Liquid error ({(str(error).splitlines() or ['error'])[0]})", "rendered nothing"))
        text, undefined = "", []
    finally:
        _ISSUES.reset(token)
    return text, undefined, issues
