"""The widget model: typed widget classes, their events, conditions and fragments.

A widget class is a row of the catalogue. Its annotated fields are its properties: the annotation says
the JSON kind (``str``, ``bool``, ``Integer``, ``NumericString``, ``JsonText``, ``KeyValues``...), and
:func:`prop` adds the facts (JSON key, default, enum, range, SID kind). Its :class:`Event` attributes are
its transition events in Console order::

    class SendToFlex(Widget):
        TYPE = "send-to-flex"
        on_call_complete = Event("callComplete")
        workflow: str = prop(sid="WW")                          # required: no default
        priority: NumericString | None = prop(default=None)

The metaclass turns the class into a keyword-only dataclass (the name is the one positional argument),
derives its :class:`~studio.spec.WidgetSpec` and registers its ``TYPE`` in :data:`CATALOGUE`, so the
builder, the validator and the importer read the same facts, and a new widget type is one new class.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from types import MappingProxyType
from typing import (
    Annotated,
    Any,
    ClassVar,
    Final,
    SupportsIndex,
    TypedDict,
    TypeVar,
    Union,
    Unpack,
    dataclass_transform,
    get_args,
    get_origin,
    overload,
)

from studio.jsontext import Unquoted, canonical_json, json_text
from studio.params import Filler, MissingParameterError, _Missing
from studio.spec import (
    CONDITION_TYPES,
    EVENT_WORDS,
    UNCONFIRMED_PROPERTIES,
    UNCONFIRMED_TYPES,
    Kind,
    PropSpec,
    Requirement,
    WidgetSpec,
)

Offset = tuple[int, int]


class DuplicateWidgetNameError(ValueError):
    """Two widgets of one flow share a name (Studio rejects the flow)."""


class Members:
    """The widgets of one flow in creation order, and their names, so a repeated name is refused at once.

    Args:
        unique_names: refuse a second widget of the same name (the importer turns it off to reproduce
            a definition that repeats one).
    """

    __slots__ = ("by_name", "ids", "unique_names", "widgets")

    def __init__(self, *, unique_names: bool = True) -> None:
        self.widgets: list[Widget] = []
        self.by_name: dict[str, Widget] = {}
        self.ids: set[int] = set()
        self.unique_names = unique_names

    def add(self, widget: Widget) -> None:
        """Add ``widget`` unless it is already a member; refuse a new widget with a member's name."""
        key = id(widget)
        if key in self.ids:
            return
        if self.by_name.setdefault(widget.name, widget) is not widget:
            self.check_name(widget)
        self.widgets.append(widget)
        self.ids.add(key)

    def check_name(self, widget: Widget) -> None:
        """Raise :class:`DuplicateWidgetNameError` if another widget of the flow has this name."""
        other = self.by_name.get(widget.name)
        if other is not None and other is not widget and self.unique_names:
            raise DuplicateWidgetNameError(
                f"widget name {widget.name!r} is already used in this flow (by a {other.widget_type} widget); "
                f"widget names are unique in a flow: give this {widget.widget_type} widget another name"
            )


# The widgets created inside ``with Flow(...)`` join that flow's members.
CURRENT_WIDGETS: ContextVar[Members | None] = ContextVar("studio_current_widgets", default=None)


class _Auto:
    """Type of :data:`AUTO`."""

    _instance: ClassVar[_Auto | None] = None

    def __new__(cls) -> _Auto:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "AUTO"


AUTO: Final = _Auto()
"""Offset placeholder: the flow computes the canvas position from the graph (the default)."""

_PROP = "studio_prop"
_MISSING: Any = dataclasses.MISSING


# --- Property types: the annotation of a widget field says its JSON kind ----------------------------


@dataclasses.dataclass(frozen=True)
class _KindMark:
    kind: Kind


Integer = Annotated[int | str, _KindMark("integer")]
"""A JSON integer; a Liquid template is accepted in its place."""
NumericString = Annotated[str | int, _KindMark("numeric_string")]
"""A number Studio sends as a JSON string; the builder also takes an int and writes it as a string."""
BooleanString = Annotated[str | bool, _KindMark("boolean_string")]
"""A flag Studio sends as the string "true" or "false"; the builder also takes a bool."""
JsonText = Annotated[str | Mapping[str, Any], _KindMark("json_string")]
"""JSON text Studio stores in a string (task attributes); the builder also takes a mapping."""
KeyValues = Annotated[Mapping[str, str] | Sequence[tuple[str, str]], _KindMark("key_values")]
"""A list of ``{"key": ..., "value": ...}`` objects; the builder takes a dict or (key, value) pairs."""
StringList = Annotated[Sequence[str], _KindMark("string_list")]
"""A JSON array of strings."""
JsonArray = Annotated[Sequence[Any], _KindMark("array")]
"""A JSON array whose items this library does not model."""
JsonObject = Annotated[Mapping[str, Any], _KindMark("object")]
"""A JSON object whose keys this library does not model."""

# Plain annotations; every other kind is one of the Annotated aliases above.
_PLAIN_KINDS: dict[object, Kind] = {str: "string", bool: "boolean"}
# Kinds whose value may be a Liquid template in place of a literal.
_LIQUID_KINDS = frozenset({"string", "numeric_string", "boolean_string", "json_string", "integer"})


def prop(
    *,
    json: str | None = None,
    default: Any = _MISSING,
    recommended: bool = False,
    enum: tuple[str, ...] = (),
    suggested: tuple[str, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    sid: str | None = None,
    also: tuple[str, ...] = (),
    literal_sid: bool = False,
    max_length: int | None = None,
    limit_reason: str = "",
) -> Any:
    """A widget property; its JSON kind comes from the field's annotation (``str``, ``Integer``, ...).

    Args:
        json: the JSON key, when it is not the attribute name (``waitUrl``); a trailing ``_`` is dropped.
        default: no default makes the property required (Studio rejects the widget without it).
        recommended: the widget rarely works without it (our warning).
        enum: the only values Studio accepts; suggested: the usual ones (our warning).
        minimum, maximum: a sensible range (our warning).
        sid: the value is a SID with this prefix; also: words Studio takes instead (``default``).
        literal_sid: Studio wants a literal SID here, never Liquid.
        max_length, limit_reason: the longest text Twilio sends or speaks, and what sets it.
    """
    facts = PropSpec(
        attr="",
        json=json or "",
        kind="string",
        enum=enum,
        suggested=suggested,
        recommended=recommended,
        minimum=minimum,
        maximum=maximum,
        sid_prefix=sid,
        also=also,
        literal_sid=literal_sid,
        max_length=max_length,
        limit_reason=limit_reason,
    )
    return dataclasses.field(default=default, metadata={_PROP: facts})


def _kind_of(owner: type, name: str, annotation: object) -> Kind:
    """The JSON kind an annotation declares (``X | None`` is X, optional)."""
    if isinstance(annotation, str):
        # the annotation's own text (``from __future__ import annotations``), read where the class was written
        annotation = eval(annotation, vars(sys.modules[owner.__module__]))
    options = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(options) == 1:
        annotation = options[0]
    if get_origin(annotation) is Annotated:
        marks = [mark for mark in get_args(annotation)[1:] if isinstance(mark, _KindMark)]
        if marks:
            return marks[0].kind
    kind = _PLAIN_KINDS.get(annotation)
    if kind is None:
        raise TypeError(
            f"{owner.__name__}.{name}: annotation {annotation!r} says no JSON kind; use str, bool, Integer, "
            "NumericString, BooleanString, JsonText, KeyValues, StringList, JsonArray or JsonObject (| None when "
            "optional)"
        )
    return kind


# --- Rendering of property values --------------------------------------------------------------------
# Values of an unexpected Python type pass through unchanged, so the validator (not a crash) reports them.


def _render_text(value: Any, filler: Filler) -> Any:
    return filler.text(value) if isinstance(value, str) else value


def _render_numeric_string(value: Any, filler: Filler) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _render_text(value, filler)


def _render_boolean_string(value: Any, filler: Filler) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _render_text(value, filler)


def _render_json_string(value: Any, filler: Filler) -> Any:
    if isinstance(value, Mapping):
        return json_text(_fill_keeping_unquoted(value, filler))
    return _render_text(value, filler)


def _fill_keeping_unquoted(value: Any, filler: Filler) -> Any:
    if isinstance(value, Unquoted):
        return Unquoted(filler.text(value))
    if isinstance(value, Mapping):
        return {
            filler.text(key) if isinstance(key, str) else key: _fill_keeping_unquoted(item, filler)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_fill_keeping_unquoted(item, filler) for item in value]
    return filler.deep(value)


def _render_key_values(value: Any, filler: Filler) -> Any:
    pairs = value.items() if isinstance(value, Mapping) else value
    try:
        return [{"key": filler.deep(key), "value": filler.deep(item)} for key, item in pairs]
    except (TypeError, ValueError):
        return filler.deep(value)


def _render_plain(value: Any, filler: Filler) -> Any:
    return value


def _render_deep(value: Any, filler: Filler) -> Any:
    return filler.deep(value)


_RENDERERS: dict[str, Callable[[Any, Filler], Any]] = {
    "string": _render_text,
    "numeric_string": _render_numeric_string,
    "boolean_string": _render_boolean_string,
    "json_string": _render_json_string,
    "integer": _render_text,
    "boolean": _render_plain,
    "key_values": _render_key_values,
    "string_list": _render_deep,
    "array": _render_deep,
    "object": _render_deep,
}


def suggest(word: str, choices: Sequence[str]) -> str:
    """A "did you mean" hint, or the list of choices when nothing is close.

    An event named in other words (``incomingSms``, ``restApi``) is suggested by what it means (see
    ``EVENT_WORDS``) before any spelling likeness: ``incomingSms`` looks more like ``incomingCall``.
    """
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.85) or _meant(word, choices)
    close = close or difflib.get_close_matches(word, choices, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "choose one of " + ", ".join(repr(choice) for choice in choices) if choices else "none exist"


def _meant(word: str, choices: Sequence[str]) -> list[str]:
    """The event among ``choices`` that ``word`` names in other words (``EVENT_WORDS``), if any."""
    parts = {part.casefold() for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", word)}
    parts.add(re.sub(r"[^a-z]", "", word.casefold()))
    for event, words in EVENT_WORDS.items():
        if event in choices and parts.intersection(words):
            return [event]
    return []


# --- Events and ports ------------------------------------------------------------------------------

W = TypeVar("W", bound="Widget")


class Event:
    """A transition event of a widget class; on an instance it is the :class:`Port` to connect.

    Args:
        event: the JSON event name, e.g. ``"callComplete"``.
        primary: ``widget >> next`` follows this event.
    """

    def __init__(self, event: str, *, primary: bool = False) -> None:
        self.event = event
        self.primary = primary

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Event: ...
    @overload
    def __get__(self, instance: Widget, owner: type[Any]) -> Port: ...
    def __get__(self, instance: Widget | None, owner: type[Any]) -> Event | Port:
        if instance is None:
            return self
        return Port(instance, self.event)


class Port:
    """One outgoing transition of a widget; ``port >> widget`` connects it and returns the widget."""

    __slots__ = ("key", "widget")

    def __init__(self, widget: Widget, key: str | int) -> None:
        self.widget = widget
        self.key = key

    @overload
    def __rshift__(self, target: W) -> W: ...
    @overload
    def __rshift__(self, target: str) -> str: ...
    @overload
    def __rshift__(self, target: Fragment) -> Fragment: ...
    @overload
    def __rshift__(self, target: list[W]) -> W: ...
    def __rshift__(self, target: Widget | str | Fragment | list[W]) -> Widget | str | Fragment:
        if isinstance(target, list):
            target = _one_target(self, target)
        self.widget._connect(self.key, target.entry if isinstance(target, Fragment) else target)
        return target

    def __repr__(self) -> str:
        return f"Port({self.widget.name!r}, {self.key!r})"


def _connect_all(sources: Sequence[object], target: W | Fragment) -> None:
    """``[a.on_x, b, fragment] >> target``: connect every port, widget (main event) or fragment (exits)."""
    for source in sources:
        if not isinstance(source, Port | Widget | Fragment):
            raise TypeError(
                f"only ports (widget.on_x), widgets and fragments can stand in a list left of >>, not {source!r}"
            )
        source >> target


def _one_target(port: Port, targets: list[W]) -> W:
    if len(targets) == 1:
        return targets[0]
    raise TypeError(
        f"{port!r} >> [...]: an event leads to exactly one widget, and this list has {len(targets)}; "
        "to branch, put a split (SplitBasedOn(...).when(Condition...)) after the event, or connect each "
        "event on its own"
    )


@dataclasses.dataclass(frozen=True)
class Fragment:
    """A reusable piece of flow: where it starts and the ports it leaves open.

    ``port >> fragment`` connects the port to ``entry``; ``fragment >> widget`` connects every exit.
    """

    entry: Widget
    exits: tuple[Port, ...] = ()

    @overload
    def __rshift__(self, target: W) -> W: ...
    @overload
    def __rshift__(self, target: str) -> str: ...
    @overload
    def __rshift__(self, target: Fragment) -> Fragment: ...
    def __rshift__(self, target: Widget | str | Fragment) -> Widget | str | Fragment:
        for port in self.exits:
            port >> target
        return target

    def __rrshift__(self, sources: Sequence[object]) -> Fragment:
        """``[a.on_x, b.on_y] >> fragment`` connects every source to the fragment's entry."""
        _connect_all(sources, self)
        return self


_LIQUID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class Output(str):
    """A Liquid reference to a widget's output, e.g. ``"{{widgets.menu.Digits}}"``; a ``str`` anywhere.

    Attribute access and ``[key]`` go one level deeper: ``wait.ref.inbound.Body``.
    """

    widget_name: str
    path: tuple[str, ...]

    def __new__(cls, widget_name: str, path: tuple[str, ...]) -> Output:
        for part in path:
            if not part:
                raise ValueError(f"widget {widget_name!r}: an output path has no empty parts, got {'.'.join(path)!r}")
        text = "widgets" + "".join(_liquid_step(part) for part in (widget_name, *path))
        obj = super().__new__(cls, "{{" + text + "}}")
        obj.widget_name = widget_name
        obj.path = path
        return obj

    def __getattr__(self, key: str) -> Output:
        if key.startswith("_"):
            raise AttributeError(key)
        return Output(self.widget_name, (*self.path, key))

    @overload
    def __getitem__(self, key: str) -> Output: ...
    @overload
    def __getitem__(self, key: SupportsIndex | slice) -> str: ...
    def __getitem__(self, key: str | SupportsIndex | slice) -> str:
        if isinstance(key, str):
            return Output(self.widget_name, (*self.path, key))
        return str(self)[key]

    def __repr__(self) -> str:
        return f"Output({str(self)!r})"


def _liquid_step(part: str) -> str:
    return f".{part}" if _LIQUID_NAME.fullmatch(part) else "[" + canonical_json(part) + "]"


# --- Conditions of split-based-on ------------------------------------------------------------------


class ConditionOptions(TypedDict, total=False):
    """Optional parts of a condition; Console fills both from the split when they are left out."""

    friendly_name: str
    arguments: Sequence[str]


Scalar = str | int | float


@dataclasses.dataclass(frozen=True)
class Condition:
    """A split-based-on condition. Build one with the class methods, e.g. ``Condition.equal_to("1")``.

    ``friendly_name`` defaults to Console's ``"If value <type> <value>"`` and ``arguments`` to the
    split's input.
    """

    type: str
    value: str
    friendly_name: str | None = None
    arguments: tuple[str, ...] | None = None

    @classmethod
    def of(cls, type_: str, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """A condition of any type by name (the class methods below are the usual way)."""
        if type_ not in CONDITION_TYPES:
            raise ValueError(f"unknown split condition type {type_!r}: {suggest(type_, CONDITION_TYPES)}")
        arguments = options.get("arguments")
        return cls(
            type_,
            value if isinstance(value, str) else str(value),
            options.get("friendly_name"),
            None if arguments is None else tuple(arguments),
        )

    @classmethod
    def equal_to(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input equals ``value``."""
        return cls.of("equal_to", value, **options)

    @classmethod
    def not_equal_to(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input differs from ``value``."""
        return cls.of("not_equal_to", value, **options)

    @classmethod
    def matches_any_of(cls, values: str | Sequence[str], **options: Unpack[ConditionOptions]) -> Condition:
        """The input equals one of ``values`` (a list, or Console's comma-separated text)."""
        return cls.of("matches_any_of", _comma_list(values), **options)

    @classmethod
    def does_not_match_any_of(cls, values: str | Sequence[str], **options: Unpack[ConditionOptions]) -> Condition:
        """The input equals none of ``values``."""
        return cls.of("does_not_match_any_of", _comma_list(values), **options)

    @classmethod
    def is_blank(cls, value: str = "Is Blank", **options: Unpack[ConditionOptions]) -> Condition:
        """The input is empty (``value`` is ignored by Studio; Console writes "Is Blank")."""
        return cls.of("is_blank", value, **options)

    @classmethod
    def is_not_blank(cls, value: str = "Is Not Blank", **options: Unpack[ConditionOptions]) -> Condition:
        """The input is not empty."""
        return cls.of("is_not_blank", value, **options)

    @classmethod
    def regex(cls, pattern: str, **options: Unpack[ConditionOptions]) -> Condition:
        """The input matches the regular expression ``pattern``."""
        return cls.of("regex", pattern, **options)

    @classmethod
    def contains(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input contains ``value``."""
        return cls.of("contains", value, **options)

    @classmethod
    def does_not_contain(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input does not contain ``value``."""
        return cls.of("does_not_contain", value, **options)

    @classmethod
    def starts_with(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input starts with ``value``."""
        return cls.of("starts_with", value, **options)

    @classmethod
    def does_not_start_with(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input does not start with ``value``."""
        return cls.of("does_not_start_with", value, **options)

    @classmethod
    def less_than(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input is a number below ``value``."""
        return cls.of("less_than", value, **options)

    @classmethod
    def greater_than(cls, value: Scalar, **options: Unpack[ConditionOptions]) -> Condition:
        """The input is a number above ``value``."""
        return cls.of("greater_than", value, **options)

    @classmethod
    def is_before_time(cls, time: str, **options: Unpack[ConditionOptions]) -> Condition:
        """The input time is before ``time`` (``HH:MM``)."""
        return cls.of("is_before_time", time, **options)

    @classmethod
    def is_after_time(cls, time: str, **options: Unpack[ConditionOptions]) -> Condition:
        """The input time is after ``time`` (``HH:MM``)."""
        return cls.of("is_after_time", time, **options)

    @classmethod
    def is_before_date(cls, date: str, **options: Unpack[ConditionOptions]) -> Condition:
        """The input date is before ``date`` (``YYYY-MM-DD``)."""
        return cls.of("is_before_date", date, **options)

    @classmethod
    def is_after_date(cls, date: str, **options: Unpack[ConditionOptions]) -> Condition:
        """The input date is after ``date`` (``YYYY-MM-DD``)."""
        return cls.of("is_after_date", date, **options)

    def default_friendly_name(self) -> str:
        """The name Console gives this condition."""
        return f"If value {self.type} {self.value}"

    def render(self, split_input: Any, filler: Filler) -> dict[str, Any]:
        """The condition as JSON, with the split's input as default argument."""
        if self.arguments is not None:
            arguments = [filler.text(argument) for argument in self.arguments]
        else:
            arguments = [split_input]
        name = self.default_friendly_name() if self.friendly_name is None else self.friendly_name  # "" is kept
        return {
            "friendly_name": filler.text(name),
            "arguments": arguments,
            "type": self.type,
            "value": filler.text(self.value),
        }


def _comma_list(values: str | Sequence[str]) -> str:
    return values if isinstance(values, str) else ", ".join(values)


# --- Widgets ---------------------------------------------------------------------------------------


@dataclass_transform(
    kw_only_default=True,
    field_specifiers=(dataclasses.field, prop),
)
class _WidgetMeta(type):
    """Makes each widget class a keyword-only dataclass, derives its spec and registers its type."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _WidgetMeta:
        cls = super().__new__(mcs, name, bases, namespace)
        widget_cls: type[Widget] = cls  # type: ignore[assignment]
        dataclasses.dataclass(kw_only=True, eq=False)(widget_cls)
        widget_cls._derive_spec()
        if "TYPE" in namespace and widget_cls.TYPE:
            _register(widget_cls)
        return cls


_CLASSES: dict[str, type[Widget]] = {}
_SPECS: dict[str, WidgetSpec] = {}
WIDGET_CLASS_BY_TYPE: Mapping[str, type[Widget]] = MappingProxyType(_CLASSES)
"""The widget class of each modelled type string: every class that declares a ``TYPE`` registers itself."""
CATALOGUE: Mapping[str, WidgetSpec] = MappingProxyType(_SPECS)
"""The spec of each modelled type string (the builder, the validator and the importer read this)."""


def _register(cls: type[Widget]) -> None:
    other = _CLASSES.get(cls.TYPE)
    if other is not None and (other.__module__, other.__qualname__) != (cls.__module__, cls.__qualname__):
        raise TypeError(f"widget type {cls.TYPE!r} is modelled twice: by {other.__name__} and {cls.__name__}")
    _CLASSES[cls.TYPE] = cls
    _SPECS[cls.TYPE] = cls.spec


class Widget(metaclass=_WidgetMeta):
    """A Studio widget (a state of the flow).

    Args:
        name: the state name, unique in the flow; other widgets' ``next`` and Liquid use it.
        offset: canvas position ``(x, y)``; ``AUTO`` (default) lets the flow lay it out; ``None``
            writes no offset.
        extra: JSON properties this library does not model (or values of a type it does not expect),
            written as they are. A key may not repeat a property that is also set by keyword.
        event_order: the events the widget lists, in order, when it should differ from Console's full
            list (the importer uses it to reproduce a definition exactly).
    """

    TYPE: ClassVar[str] = ""
    EXTRA_EVENTS: ClassVar[tuple[str, ...]] = ()
    REQUIRES: ClassVar[Requirement | None] = None
    ONE_OF: ClassVar[tuple[tuple[str, ...], ...]] = ()
    SOURCE: ClassVar[str] = ""
    spec: ClassVar[WidgetSpec]
    _props: ClassVar[tuple[tuple[str, str, Callable[[Any, Filler], Any]], ...]] = ()

    name: str = dataclasses.field(kw_only=False)
    offset: Offset | _Auto | None = dataclasses.field(default=AUTO)
    extra: Mapping[str, Any] | None = dataclasses.field(default=None)
    event_order: Sequence[str] | None = dataclasses.field(default=None)
    _next: dict[str | int, Widget | str] = dataclasses.field(default_factory=dict, init=False, repr=False)

    @classmethod
    def _derive_spec(cls) -> None:
        props: dict[str, PropSpec] = {}
        renderers = []
        for field in dataclasses.fields(cls):
            facts: PropSpec | None = field.metadata.get(_PROP)
            if facts is None:
                continue
            required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            key = facts.json or field.name.rstrip("_")
            owner = next(klass for klass in cls.__mro__ if field.name in vars(klass).get("__annotations__", {}))
            kind = _kind_of(owner, field.name, field.type)
            spec = dataclasses.replace(
                facts,
                attr=field.name,
                json=key,
                kind=kind,
                required=required,
                liquid=kind in _LIQUID_KINDS and not facts.enum and not facts.literal_sid,
                unconfirmed=UNCONFIRMED_PROPERTIES.get((cls.TYPE, key), ""),
            )
            props[spec.json] = spec
            renderers.append((spec.attr, spec.json, _RENDERERS[spec.kind]))
        cls._props = tuple(renderers)
        events: list[str] = []
        primary = None
        for klass in reversed(cls.__mro__):
            for attribute in vars(klass).values():
                if isinstance(attribute, Event) and attribute.event not in events:
                    events.append(attribute.event)
                    if attribute.primary:
                        primary = attribute.event
        cls.spec = WidgetSpec(
            type=cls.TYPE,
            props=props,
            events=(*events, *cls.EXTRA_EVENTS),
            primary_event=primary,
            requires=cls.REQUIRES,
            one_of=cls.ONE_OF,
            confirmed=cls.TYPE not in UNCONFIRMED_TYPES,
            source=cls.SOURCE,
        )

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a {self.widget_type} widget needs a non-empty name, got {self.name!r}")
        if self.extra:
            clashes = [json for attr, json, _ in self._props if json in self.extra and getattr(self, attr) is not None]
            if clashes:
                raise ValueError(
                    f"widget {self.name!r}: {', '.join(clashes)} set both by keyword and in extra; keep one of them"
                )
        members = CURRENT_WIDGETS.get()
        if members is not None:
            members.add(self)

    @property
    def widget_type(self) -> str:
        """The JSON ``type`` string of this widget."""
        return self.TYPE

    # -- connecting ---------------------------------------------------------------------------------

    def on(self, event: str) -> Port:
        """The port of ``event`` (prefer the typed ``on_<event>`` attributes where they exist)."""
        if event in self.EXTRA_EVENTS:
            raise ValueError(f"widget {self.name!r}: add {event!r} branches with when(Condition...), not on()")
        if event not in self.spec.events:
            raise ValueError(
                f"{self.widget_type} widget {self.name!r} has no event {event!r}: "
                f"{suggest(event, [e for e in self.spec.events if e not in self.EXTRA_EVENTS])}"
            )
        return Port(self, event)

    @overload
    def __rshift__(self, target: W) -> W: ...
    @overload
    def __rshift__(self, target: str) -> str: ...
    @overload
    def __rshift__(self, target: Fragment) -> Fragment: ...
    @overload
    def __rshift__(self, target: list[W]) -> W: ...
    def __rshift__(self, target: Widget | str | Fragment | list[W]) -> Widget | str | Fragment:
        event = self.spec.primary_event
        if event is None:
            example = self.spec.events[0] if self.spec.events else "event"
            raise TypeError(
                f"{self.widget_type} widget {self.name!r} has no single outcome to follow; pick one, e.g. "
                f"{self.name}.on({example!r}) >> ..."
            )
        return Port(self, event) >> target

    def __rrshift__(self: W, sources: Sequence[object]) -> W:
        """``[a.on_x, b.on_y, c] >> widget`` connects every port (or widget's main event) to this widget."""
        _connect_all(sources, self)
        return self

    def output(self, *path: str) -> Output:
        """The Liquid reference to this widget's output ``path``: ``menu.output("Digits")`` is
        ``"{{widgets.menu.Digits}}"``; ``wait.output("inbound.Body")`` and ``wait.output("inbound", "Body")``
        are the same."""
        return Output(self.name, tuple(part for item in path for part in item.split(".")))

    @property
    def ref(self) -> Output:
        """This widget's outputs as attributes: ``menu.ref.Digits`` is ``"{{widgets.menu.Digits}}"``.

        A key that is also a ``str`` method name (``count``, ``index``...) needs ``ref["count"]`` or
        :meth:`output`.
        """
        return Output(self.name, ())

    def _connect(self, key: str | int, target: Widget | str) -> None:
        if not isinstance(target, Widget | str):
            raise TypeError(f"widget {self.name!r}: a transition leads to a widget or a state name, not {target!r}")
        previous = self._next.get(key)
        if previous is not None and previous is not target:
            what = f"branch {key + 1}" if isinstance(key, int) else repr(key)
            raise ValueError(
                f"widget {self.name!r}: {what} already leads to {_target_name(previous)!r}; connect each event once"
            )
        self._next[key] = target

    # -- rendering ----------------------------------------------------------------------------------

    def to_state(self, values: Mapping[str, str] | None = None, *, placeholders: bool = False) -> dict[str, Any]:
        """This widget as a state object (no layout: the offset is written only when set).

        Args:
            values: the value of each parameter.
            placeholders: write parameters without a value as ``${NAME}`` instead of failing.
        """
        filler = Filler(values, keep_placeholders=placeholders)
        try:
            return self.render(filler)
        except _Missing as missing:
            raise MissingParameterError([missing.name], f"widget {self.name!r}") from None

    def render(self, filler: Filler) -> dict[str, Any]:
        """This widget as a state object, its placeholders filled by ``filler``."""
        properties: dict[str, Any] = {}
        fields = self.__dict__  # every dataclass field is here; faster than getattr on the hot path
        for attr, json, render in self._props:
            value = fields[attr]
            if value is not None:
                properties[json] = render(value, filler)
        if self.extra:
            properties.update(filler.deep(self.extra))
        offset = self.offset
        if isinstance(offset, tuple):
            properties["offset"] = {"x": offset[0], "y": offset[1]}
        return {
            "name": self.name,
            "type": self.widget_type,
            "transitions": self._render_transitions(properties, filler),
            "properties": properties,
        }

    def _render_transitions(self, properties: dict[str, Any], filler: Filler) -> list[dict[str, Any]]:
        order = self.spec.events if self.event_order is None else self.event_order
        targets = self._next
        if self.event_order is not None and not targets.keys() <= set(order):
            lost = sorted(str(key) for key in targets.keys() - set(order))
            raise ValueError(
                f"widget {self.name!r}: connected event(s) {', '.join(lost)} missing from event_order; "
                "add them to event_order"
            )
        transitions = []
        for event in order:
            target = targets.get(event)
            if target is None:
                transitions.append({"event": event})
            else:
                transitions.append({"event": event, "next": _target_name(target)})
        return transitions


def _target_name(target: Widget | str) -> str:
    return target if isinstance(target, str) else target.name
