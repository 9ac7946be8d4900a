"""Validation of a flow definition before any API call.

:func:`validate_definition` checks a decoded definition (a dict from ``json.loads`` or from
``Flow.to_definition``) and returns every :class:`Problem`; it never raises on bad input.

Problem kinds: ``schema`` (JSON types, required properties, enums, ranges, 1..1000 states), ``graph``
(unique names, transitions lead to states, one trigger named by ``initial_state``, valid events),
``reachability`` (a widget no trigger event reaches), ``liquid`` (``{{widgets.NAME}}`` must name a
widget that runs before on some path) and ``trigger`` (voice widgets on messaging-only paths,
REST-API-only widgets).

Studio enforcement. ``problem.enforced_by_studio`` is True for the rules Studio's own validator
applies (the codes in :data:`STUDIO_ENFORCED_CODES`, on widgets whose schema is confirmed). An unknown
widget type is the one rule that Studio rejects but our validator only warns about, so users are never
blocked: it is a ``schema`` problem with ``severity == "warning"``, ``code == "unknown-widget-type"``
and ``enforced_by_studio == True``. Use ``problem.rejected_by_studio`` to know what Twilio answers with
HTTP 400 / 81022: every enforced error, plus that one enforced warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from studio.catalogue import CATALOGUE
from studio.liquid import is_template, widget_references
from studio.model import suggest
from studio.spec import (
    CONDITION_TYPES,
    FLOW_SCHEMA_URL,
    MAX_STATES,
    MESSAGING_EVENTS,
    REST_API_EVENT,
    PropSpec,
    WidgetSpec,
)

ProblemKind = Literal["schema", "graph", "reachability", "liquid", "trigger"]
Severity = Literal["error", "warning"]

UNKNOWN_WIDGET_TYPE = "unknown-widget-type"

STUDIO_ENFORCED_CODES = frozenset(
    {
        "not-an-object",  # the definition, a state, a transition, a condition or properties is no object
        "missing-key",  # a required key of the definition, a state, a transition or a condition
        "json-type",  # a value of the wrong JSON type
        "empty",  # initial_state is an empty string
        "state-count",  # states has 0 or more than 1000 items
        "schema-url",  # $schema is not the flow-definition schema URL
        "flags",  # flags without allow_concurrent_calls
        UNKNOWN_WIDGET_TYPE,
        "required",  # a required widget property is missing
        "enum",  # a value outside a property's enumeration
        "liquid-not-allowed",  # Liquid where Studio wants a literal SID
        "duplicate-name",
        "unknown-next",  # a transition leads to a state that does not exist
        "invalid-event",  # an event the widget type does not have
        "initial-state",  # initial_state does not name the trigger
        "rest-api-only",  # a REST-API-only widget reached from another trigger event
    }
)
"""Problem codes of the rules Studio's own validator enforces (studio-widgets.md §1.2)."""

RULES: dict[str, str] = {
    # schema
    "not-an-object": "the definition, a state, a transition, a condition or properties is not a JSON object",
    "missing-key": "a required key of the definition, a state, a transition, a condition or a key/value item",
    "json-type": "a value of the wrong JSON type",
    "empty": "initial_state is an empty string",
    "state-count": "states has 0 or more than 1000 items",
    "schema-url": "$schema is not the flow-definition schema URL",
    "flags": "flags without allow_concurrent_calls",
    UNKNOWN_WIDGET_TYPE: "a widget type Studio does not know (a warning here, so no one is blocked)",
    "required": "a required widget property is missing",
    "enum": "a value outside a property's (or a condition type's) enumeration",
    "liquid-not-allowed": "Liquid where Studio wants a literal SID",
    "unknown-key": "a key the definition format does not have",
    "empty-name": "a widget name is an empty string",
    "unknown-property": "a property the widget type does not have (sent as is)",
    "recommended": "a property the widget rarely works without is missing",
    "one-of": "none of a group of properties of which the widget needs one is set",
    "suggested": "a value other than the usual ones",
    "number": "a number-in-a-string property holds no number",
    "range": "a number outside the sensible range",
    "sid-format": "a literal SID that does not look like one of its kind",
    "value-type": "a key/value item whose value is not a string",
    "condition-value": "a date, time or number condition compared with a value of another form",
    # graph
    "duplicate-name": "two widgets share a name",
    "unknown-next": "a transition leads to a state that does not exist",
    "invalid-event": "an event the widget type does not have",
    "duplicate-event": "an event listed twice on one widget",
    "conditions": "conditions outside a split's match transitions, or a match without conditions",
    "initial-state": "initial_state does not name the trigger",
    "trigger-count": "no trigger, or more than one",
    # reachability, liquid, trigger
    "unreachable": "a widget no trigger event reaches",
    "unknown-widget-reference": "{{widgets.NAME}} names no widget",
    "reference-not-before": "{{widgets.NAME}} is read where NAME has not run on any path",
    "rest-api-only": "a REST-API-only widget reached from another trigger event",
    "voice-on-messaging": "a voice widget reached only from messaging trigger events",
}
"""Every problem code the validator reports, with what it means."""

_SID_BODY = re.compile(r"[0-9a-fA-F]{32}")
_NUMBER = re.compile(r"-?\d+")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_CONDITION_TYPE_SET = frozenset(CONDITION_TYPES)
_CONDITION_FORMATS = {
    "is_before_time": (_TIME, "a time HH:MM"),
    "is_after_time": (_TIME, "a time HH:MM"),
    "is_before_date": (_DATE, "a date YYYY-MM-DD"),
    "is_after_date": (_DATE, "a date YYYY-MM-DD"),
    "less_than": (_NUMBER, "a number"),
    "greater_than": (_NUMBER, "a number"),
}
_FLOW_KEYS = ("description", "$schema", "flags", "initial_state", "states")
_FLOW_KEY_SET = frozenset(_FLOW_KEYS)
_STATE_KEYS = ("name", "type", "transitions", "properties")
_STATE_KEY_SET = frozenset(_STATE_KEYS)
_TRANSITION_KEYS = ("event", "next", "conditions")
_TRANSITION_KEY_SET = frozenset(_TRANSITION_KEYS)
_CONDITION_KEYS = ("friendly_name", "arguments", "type", "value")
# The widget types that need a call or a REST API trigger.
_REQUIRING: dict[str, WidgetSpec] = {spec.type: spec for spec in CATALOGUE.values() if spec.requires is not None}
# String properties with no rule on their text (most of them): only their Liquid references are read.
_FREE_TEXT = frozenset(
    id(prop)
    for spec in CATALOGUE.values()
    for prop in spec.props.values()
    if prop.kind in ("string", "json_string")
    and not (prop.enum or prop.suggested or prop.sid_prefix or prop.literal_sid)
)
# The properties whose absence is worth a problem, by widget type (most properties are optional).
_EXPECTED: dict[str, tuple[PropSpec, ...]] = {
    spec.type: tuple(prop for prop in spec.props.values() if prop.required or prop.recommended)
    for spec in CATALOGUE.values()
}
_JSON_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "a boolean (true or false)",
    "array": "an array",
    "object": "an object",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow, for a human.

    Attributes:
        kind: schema, graph, reachability, liquid or trigger.
        message: what is wrong and how to fix it.
        widget: the widget (state) name; None for flow-level problems.
        property_path: Studio-style JSON pointer, e.g. ``#/states/3/properties/timeout``.
        severity: errors fail validation; warnings are advice.
        code: the rule that found it (see :data:`STUDIO_ENFORCED_CODES` for Studio's own rules).
        studio: Studio's validator applies this rule too (read it as ``enforced_by_studio``).
    """

    kind: ProblemKind
    message: str
    widget: str | None
    property_path: str
    severity: Severity = "error"
    code: str = ""
    studio: bool = False

    @property
    def enforced_by_studio(self) -> bool:
        """True for what Twilio's own validator checks too."""
        return self.studio

    @property
    def rejected_by_studio(self) -> bool:
        """True when Twilio would answer HTTP 400 / 81022 for this problem (see the module docstring)."""
        return self.studio and (self.severity == "error" or self.code == UNKNOWN_WIDGET_TYPE)

    def __str__(self) -> str:
        where = f"widget {self.widget!r}" if self.widget is not None else "flow"
        return f"{self.severity} [{self.kind}] {where} at {self.property_path}: {self.message}"


def validate_definition(definition: object) -> list[Problem]:
    """Every problem of a decoded flow definition; never raises on bad input."""
    return _Validator().definition(definition)


def validate_state(state: object) -> list[Problem]:
    """Problems of a single widget state (schema and events only: no flow around it to check the graph)."""
    validator = _Validator()
    validator.state(dict(state) if isinstance(state, Mapping) else state, "#")
    return validator.problems


def describe(value: object) -> str:
    """A short, one-line description of a JSON value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return "the string " + repr(text).replace("\n", "\\n")
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def json_type_of(value: object) -> str:
    """The JSON type name of a decoded value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


def _type_fix(expected: str, value: object) -> str:
    """How to turn ``value`` into the expected JSON type, when there is an obvious way."""
    if expected == "string" and isinstance(value, int | float | bool):
        text = describe(value).removeprefix("the number ")
        return f'; write it in quotes, "{text}" (Studio sends it as a string)'
    if expected == "integer" and isinstance(value, str):
        if _NUMBER.fullmatch(value.strip()):
            return f"; write {value.strip()} without quotes"
        return "; use a whole number or a Liquid expression such as {{flow.variables.x}}"
    if expected == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return f"; write {value.lower()} without quotes"
    return ""


def _is_placeholder_or_template(value: str) -> bool:
    return "${" in value or is_template(value)


class _Validator:
    """One validation run: collects problems while walking the definition once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # (state index, referenced widget name, property path) of each {{widgets.NAME}}
        self.references: list[tuple[int, str, str]] = []
        # (state index, transition index, next, event) of each transition with a next
        self.links: list[tuple[int, int, str, object]] = []
        self.state_index = 0

    def add(
        self,
        kind: ProblemKind,
        code: str,
        message: str,
        widget: str | None,
        path: str,
        *,
        warning: bool = False,
        confirmed: bool = True,
    ) -> None:
        enforced = code in STUDIO_ENFORCED_CODES and confirmed
        if not confirmed:
            warning = True
            message += " (this widget's schema is unconfirmed, so this is only a warning)"
        self.problems.append(Problem(kind, message, widget, path, "warning" if warning else "error", code, enforced))

    # -- the envelope -------------------------------------------------------------------------------

    def definition(self, definition: object) -> list[Problem]:
        if isinstance(definition, Mapping) and not isinstance(definition, dict):
            definition = dict(definition)
        if not isinstance(definition, dict):
            self.add(
                "schema",
                "not-an-object",
                f"a flow definition is a JSON object with initial_state and states, not {describe(definition)}",
                None,
                "#",
            )
            return self.problems
        for key in definition:
            if key not in _FLOW_KEY_SET:
                self.add(
                    "schema",
                    "unknown-key",
                    f"unknown top-level key {key!r}: {suggest(str(key), _FLOW_KEYS)}",
                    None,
                    f"#/{key}",
                    warning=True,
                )
        description = definition.get("description")
        if "description" in definition and not isinstance(description, str):
            self.add(
                "schema",
                "json-type",
                f"description must be a string, not {describe(description)}",
                None,
                "#/description",
            )
        if "$schema" in definition and definition["$schema"] != FLOW_SCHEMA_URL:
            self.add("schema", "schema-url", f"$schema must be {FLOW_SCHEMA_URL!r} or left out", None, "#/$schema")
        self.flags(definition)
        initial_state = self.initial_state(definition)
        states = definition.get("states")
        if "states" not in definition:
            self.add("schema", "missing-key", "states is missing: add the list of widgets", None, "#/states")
            return self.problems
        if not isinstance(states, list):
            self.add(
                "schema", "json-type", f"states must be an array of widgets, not {describe(states)}", None, "#/states"
            )
            return self.problems
        if not 1 <= len(states) <= MAX_STATES:
            self.add(
                "schema",
                "state-count",
                f"a flow has 1 to {MAX_STATES} widgets, this one has {len(states)}; "
                + ("add a trigger" if not states else "split it into subflows (run-subflow)"),
                None,
                "#/states",
            )
        for index, state in enumerate(states):
            self.state_index = index
            self.state(state, f"#/states/{index}")
        self.graph(states, initial_state)
        return self.problems

    def flags(self, definition: Mapping[str, Any]) -> None:
        if "flags" not in definition:
            return
        flags = definition["flags"]
        if not isinstance(flags, dict):
            self.add("schema", "json-type", f"flags must be an object, not {describe(flags)}", None, "#/flags")
            return
        if "allow_concurrent_calls" not in flags:
            self.add(
                "schema",
                "flags",
                'flags needs allow_concurrent_calls: add "allow_concurrent_calls": true',
                None,
                "#/flags",
            )
        elif not isinstance(flags["allow_concurrent_calls"], bool):
            value = flags["allow_concurrent_calls"]
            self.add(
                "schema",
                "json-type",
                f"allow_concurrent_calls must be true or false, not {describe(value)}" + _type_fix("boolean", value),
                None,
                "#/flags/allow_concurrent_calls",
            )
        for key in flags:
            if key != "allow_concurrent_calls":
                self.add(
                    "schema",
                    "unknown-key",
                    f"unknown flag {key!r}; Studio knows allow_concurrent_calls",
                    None,
                    f"#/flags/{key}",
                    warning=True,
                )

    def initial_state(self, definition: Mapping[str, Any]) -> str | None:
        if "initial_state" not in definition:
            self.add(
                "schema",
                "missing-key",
                'initial_state is missing: add "initial_state": "Trigger"',
                None,
                "#/initial_state",
            )
            return None
        initial_state = definition["initial_state"]
        if not isinstance(initial_state, str):
            self.add(
                "schema",
                "json-type",
                f"initial_state must be the trigger's name (a string), not {describe(initial_state)}",
                None,
                "#/initial_state",
            )
            return None
        if not initial_state:
            self.add("schema", "empty", "initial_state is empty: set it to the trigger's name", None, "#/initial_state")
            return None
        return initial_state

    # -- one state ------------------------------------------------------------------------------------

    def state(self, state: object, path: str) -> None:
        if not isinstance(state, dict):
            self.add(
                "schema",
                "not-an-object",
                f"a widget is an object with name, type, transitions and properties, not {describe(state)}",
                None,
                path,
            )
            return
        name = state.get("name")
        widget = name if isinstance(name, str) else None
        if "name" not in state:
            self.add("schema", "missing-key", "the widget has no name: add a unique name", None, f"{path}/name")
        elif not isinstance(name, str):
            self.add("schema", "json-type", f"name must be a string, not {describe(name)}", None, f"{path}/name")
        elif not name:
            self.add("schema", "empty-name", "the widget name is empty: give it a unique name", None, f"{path}/name")
        widget_type = state.get("type")
        spec: WidgetSpec | None = None
        if "type" not in state:
            self.add(
                "schema",
                "missing-key",
                'the widget has no type: add one, e.g. "type": "say-play"',
                widget,
                f"{path}/type",
            )
        elif not isinstance(widget_type, str):
            self.add(
                "schema", "json-type", f"type must be a string, not {describe(widget_type)}", widget, f"{path}/type"
            )
        else:
            spec = CATALOGUE.get(widget_type)
            if spec is None:
                self.add(
                    "schema",
                    UNKNOWN_WIDGET_TYPE,
                    f"unknown widget type {widget_type!r}: {suggest(widget_type, list(CATALOGUE))} Studio rejects "
                    "types it does not know; this library lets it through as a generic widget",
                    widget,
                    f"{path}/type",
                    warning=True,
                )
        if not state.keys() <= _STATE_KEY_SET:
            for key in state:
                if key not in _STATE_KEY_SET:
                    self.add(
                        "schema",
                        "unknown-key",
                        f"unknown widget key {key!r}: {suggest(str(key), _STATE_KEYS)}",
                        widget,
                        f"{path}/{key}",
                        warning=True,
                    )
        if "properties" not in state:
            if widget_type != "trigger":
                self.add(
                    "schema",
                    "missing-key",
                    'the widget has no properties: add "properties": {}',
                    widget,
                    f"{path}/properties",
                )
        else:
            self.properties(state["properties"], spec, widget, f"{path}/properties")
        if "transitions" not in state:
            self.add(
                "schema",
                "missing-key",
                'the widget has no transitions: add "transitions": []',
                widget,
                f"{path}/transitions",
            )
        else:
            self.transitions(state["transitions"], spec, widget, f"{path}/transitions", state.get("properties"))

    def properties(self, properties: object, spec: WidgetSpec | None, widget: str | None, path: str) -> None:
        if not isinstance(properties, dict):
            self.add(
                "schema", "not-an-object", f"properties must be an object, not {describe(properties)}", widget, path
            )
            return
        for key, value in properties.items():
            prop_path = f"{path}/{key}"
            if key == "offset":
                self.offset(value, widget, prop_path)
                continue
            prop = spec.props.get(key) if spec is not None else None
            if prop is not None and spec is not None:
                self.value(value, prop, spec, widget, prop_path)
            else:
                if spec is not None:
                    self.add(
                        "schema",
                        "unknown-property",
                        f"{spec.type} has no property {key!r}: {suggest(str(key), list(spec.props))} "
                        "(it is sent as is)",
                        widget,
                        prop_path,
                        warning=True,
                    )
                self.scan_references(value, prop_path)
        if spec is None:
            return
        for prop in _EXPECTED[spec.type]:
            if prop.json in properties:
                continue
            if prop.required:
                self.add(
                    "schema",
                    "required",
                    f"{spec.type} needs property {prop.json!r}: add it",
                    widget,
                    f"{path}/{prop.json}",
                    confirmed=spec.confirmed,
                )
            elif prop.recommended:
                self.add(
                    "schema",
                    "recommended",
                    f"{spec.type} usually needs property {prop.json!r}; add it unless you are sure",
                    widget,
                    f"{path}/{prop.json}",
                    warning=True,
                )
        for group in spec.one_of:
            if not any(name in properties for name in group):
                self.add(
                    "schema",
                    "one-of",
                    f"{spec.type} needs one of {', '.join(group)}: set one of them",
                    widget,
                    path,
                    warning=True,
                )

    def offset(self, value: object, widget: str | None, path: str) -> None:
        # type() is, not isinstance: a bool is no coordinate
        if isinstance(value, dict) and type(value.get("x")) is int and type(value.get("y")) is int:
            return
        self.add(
            "schema",
            "json-type",
            f'offset must be an object {{"x": int, "y": int}}, not {describe(value)}',
            widget,
            path,
        )

    def value(self, value: object, prop: PropSpec, spec: WidgetSpec, widget: str | None, path: str) -> None:
        expected = prop.json_type
        confirmed = spec.confirmed
        if isinstance(value, str):
            if expected == "string":
                self.text(value, prop, widget, path, confirmed)
                return
            if expected == "integer" and prop.liquid and is_template(value):
                if "widgets" in value:
                    self.scan_text(value, path)
                return
        elif expected == "integer" and isinstance(value, int) and not isinstance(value, bool):
            self.range(value, prop, widget, path)
            return
        elif expected == "boolean" and isinstance(value, bool):
            return
        elif expected == "array" and isinstance(value, list):
            self.items(value, prop, widget, path, confirmed)
            return
        elif expected == "object" and isinstance(value, dict):
            self.scan_references(value, path)
            return
        liquid = " or a Liquid expression" if expected == "integer" and prop.liquid else ""
        self.add(
            "schema",
            "json-type",
            f"{prop.json} must be {_JSON_TYPE_NAMES[expected]}{liquid}, not {describe(value)}"
            + _type_fix(expected, value),
            widget,
            path,
            confirmed=confirmed,
        )

    def text(self, value: str, prop: PropSpec, widget: str | None, path: str, confirmed: bool) -> None:
        if "widgets" in value:
            self.scan_text(value, path)
        if id(prop) in _FREE_TEXT:
            return
        if prop.literal_sid and is_template(value):
            self.add(
                "schema",
                "liquid-not-allowed",
                f"{prop.json} must be a literal {prop.sid_prefix} SID, not "
                "Liquid (Studio needs a valid, non-Liquid SID here)",
                widget,
                path,
                confirmed=confirmed,
            )
            return
        if _is_placeholder_or_template(value):
            return
        if prop.enum and value not in prop.enum:
            self.add(
                "schema",
                "enum",
                f"{prop.json} must be one of {', '.join(map(repr, prop.enum))}, not "
                f"{value!r}: {suggest(value, prop.enum)}",
                widget,
                path,
                confirmed=confirmed,
            )
        elif prop.suggested and value not in prop.suggested:
            self.add(
                "schema",
                "suggested",
                f"{prop.json} is usually one of {', '.join(map(repr, prop.suggested))}"
                f", not {value!r}: {suggest(value, prop.suggested)}",
                widget,
                path,
                warning=True,
            )
        if prop.kind == "numeric_string":
            if not _NUMBER.fullmatch(value.strip()):
                self.add(
                    "schema",
                    "number",
                    f'{prop.json} should be a number in a string, e.g. "30", not {value!r}',
                    widget,
                    path,
                    warning=True,
                )
            else:
                self.range(int(value), prop, widget, path)
        if prop.sid_prefix and not (value.startswith(prop.sid_prefix) and _SID_BODY.fullmatch(value[2:])):
            self.add(
                "schema",
                "sid-format",
                f"{prop.json} should be a {prop.sid_prefix} SID ({prop.sid_prefix} and "
                f"32 hex digits), not {value!r}; use a parameter for per-environment SIDs",
                widget,
                path,
                warning=True,
            )

    def range(self, value: int, prop: PropSpec, widget: str | None, path: str) -> None:
        low, high = prop.minimum, prop.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            self.add(
                "schema",
                "range",
                f"{prop.json} is usually between {low} and {high}, not {value}",
                widget,
                path,
                warning=True,
            )

    def items(self, value: list[Any], prop: PropSpec, widget: str | None, path: str, confirmed: bool) -> None:
        if prop.kind == "key_values":
            for index, item in enumerate(value):
                item_path = f"{path}/{index}"
                if not isinstance(item, dict):
                    self.add(
                        "schema",
                        "not-an-object",
                        f'{prop.json} items are {{"key": ..., "value": ...}} objects, not {describe(item)}',
                        widget,
                        item_path,
                        confirmed=confirmed,
                    )
                    continue
                for part in ("key", "value"):
                    if part not in item:
                        self.add(
                            "schema",
                            "missing-key",
                            f"{prop.json} item needs a {part!r}",
                            widget,
                            f"{item_path}/{part}",
                            confirmed=confirmed,
                        )
                if "key" in item and not isinstance(item["key"], str):
                    self.add(
                        "schema",
                        "json-type",
                        f"a {prop.json} key must be a string, not {describe(item['key'])}",
                        widget,
                        f"{item_path}/key",
                        confirmed=confirmed,
                    )
                if "value" in item and not isinstance(item["value"], str):
                    self.add(
                        "schema",
                        "value-type",
                        f"a {prop.json} value is usually a string, not "
                        f"{describe(item['value'])}" + _type_fix("string", item["value"]),
                        widget,
                        f"{item_path}/value",
                        warning=True,
                    )
                for part in ("key", "value"):
                    text = item.get(part)
                    if isinstance(text, str) and "widgets" in text:
                        self.scan_text(text, f"{item_path}/{part}")
                    elif isinstance(text, list | dict):
                        self.scan_references(text, f"{item_path}/{part}")
        elif prop.kind == "string_list":
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    self.add(
                        "schema",
                        "json-type",
                        f"{prop.json} items must be strings, not {describe(item)}",
                        widget,
                        f"{path}/{index}",
                        confirmed=confirmed,
                    )
                elif prop.suggested and item not in prop.suggested:
                    self.add(
                        "schema",
                        "suggested",
                        f"{prop.json} item {item!r} is not one of "
                        f"{', '.join(map(repr, prop.suggested))}: {suggest(item, prop.suggested)}",
                        widget,
                        f"{path}/{index}",
                        warning=True,
                    )
        else:
            self.scan_references(value, path)

    def scan_references(self, value: object, path: str) -> None:
        for text in _strings(value):
            if "widgets" in text:
                self.scan_text(text, path)

    def scan_text(self, text: str, path: str) -> None:
        for name in widget_references(text):
            self.references.append((self.state_index, name, path))

    # -- transitions ----------------------------------------------------------------------------------

    def transitions(
        self, transitions: object, spec: WidgetSpec | None, widget: str | None, path: str, properties: object
    ) -> None:
        if not isinstance(transitions, list):
            self.add("schema", "json-type", f"transitions must be an array, not {describe(transitions)}", widget, path)
            return
        seen: dict[str, int] = {}
        is_split = spec is not None and spec.type == "split-based-on"
        confirmed = spec is None or spec.confirmed
        for index, transition in enumerate(transitions):
            if not isinstance(transition, dict):
                self.add(
                    "schema",
                    "not-an-object",
                    f"a transition is an object with event and next, not {describe(transition)}",
                    widget,
                    f"{path}/{index}",
                )
                continue
            if not transition.keys() <= _TRANSITION_KEY_SET:
                for key in transition:
                    if key not in _TRANSITION_KEY_SET:
                        self.add(
                            "schema",
                            "unknown-key",
                            f"unknown transition key {key!r}: {suggest(str(key), _TRANSITION_KEYS)}",
                            widget,
                            f"{path}/{index}/{key}",
                            warning=True,
                        )
            event = transition.get("event")
            if "event" not in transition:
                self.add(
                    "schema", "missing-key", "the transition has no event: add one", widget, f"{path}/{index}/event"
                )
            elif not isinstance(event, str):
                self.add(
                    "schema",
                    "json-type",
                    f"event must be a string, not {describe(event)}",
                    widget,
                    f"{path}/{index}/event",
                )
                event = None
            elif spec is not None:
                if event not in spec.events:
                    self.add(
                        "graph",
                        "invalid-event",
                        f"{spec.type} has no event {event!r}: {suggest(event, spec.events)}",
                        widget,
                        f"{path}/{index}/event",
                        confirmed=confirmed,
                    )
                elif event in seen and event != "match":
                    self.add(
                        "graph",
                        "duplicate-event",
                        f"event {event!r} is listed twice (also transition {seen[event]}); keep one",
                        widget,
                        f"{path}/{index}/event",
                        confirmed=confirmed,
                    )
                seen.setdefault(event, index)
            nxt = transition.get("next")
            if "next" in transition and not isinstance(nxt, str):
                self.add(
                    "schema",
                    "json-type",
                    f"next must be a widget name (a string), not {describe(nxt)}",
                    widget,
                    f"{path}/{index}/next",
                )
            elif nxt:
                self.links.append((self.state_index, index, nxt, transition.get("event")))
            if "conditions" in transition:
                if is_split and event == "match":
                    self.conditions(transition["conditions"], widget, f"{path}/{index}/conditions")
                elif spec is not None:
                    self.add(
                        "graph",
                        "conditions",
                        f"only split-based-on 'match' transitions have conditions; remove them from {event!r}",
                        widget,
                        f"{path}/{index}/conditions",
                        warning=True,
                    )
            elif is_split and event == "match":
                self.add(
                    "graph",
                    "conditions",
                    "a 'match' transition needs conditions: add at least one",
                    widget,
                    f"{path}/{index}/conditions",
                )

    def conditions(self, conditions: object, widget: str | None, path: str) -> None:
        if not isinstance(conditions, list):
            self.add("schema", "json-type", f"conditions must be an array, not {describe(conditions)}", widget, path)
            return
        if not conditions:
            self.add("graph", "conditions", "a 'match' transition needs conditions: add at least one", widget, path)
        for index, condition in enumerate(conditions):
            item_path = f"{path}/{index}"
            if not isinstance(condition, dict):
                self.add(
                    "schema",
                    "not-an-object",
                    f"a condition is an object with friendly_name, arguments, type "
                    f"and value, not {describe(condition)}",
                    widget,
                    item_path,
                )
                continue
            for key in _CONDITION_KEYS:
                if key not in condition:
                    self.add(
                        "schema", "missing-key", f"the condition has no {key!r}: add it", widget, f"{item_path}/{key}"
                    )
            for key in ("friendly_name", "value"):
                if key in condition and not isinstance(condition[key], str):
                    self.add(
                        "schema",
                        "json-type",
                        f"{key} must be a string, not {describe(condition[key])}" + _type_fix("string", condition[key]),
                        widget,
                        f"{item_path}/{key}",
                    )
            arguments = condition.get("arguments")
            if "arguments" in condition and not (
                isinstance(arguments, list) and all(isinstance(argument, str) for argument in arguments)
            ):
                self.add(
                    "schema",
                    "json-type",
                    f"arguments must be an array of strings, e.g. "
                    f'["{{{{widgets.x.Digits}}}}"], not {describe(arguments)}',
                    widget,
                    f"{item_path}/arguments",
                )
            condition_type = condition.get("type")
            if "type" in condition:
                if not isinstance(condition_type, str) or condition_type not in _CONDITION_TYPE_SET:
                    self.add(
                        "schema",
                        "enum",
                        f"condition type {condition_type!r} is not one of the 17 split "
                        f"types: {suggest(str(condition_type), CONDITION_TYPES)}",
                        widget,
                        f"{item_path}/type",
                    )
                else:
                    self.condition_value(condition_type, condition.get("value"), widget, f"{item_path}/value")
            self.scan_references(condition, item_path)

    def condition_value(self, condition_type: str, value: object, widget: str | None, path: str) -> None:
        check = _CONDITION_FORMATS.get(condition_type)
        if check is None or not isinstance(value, str) or _is_placeholder_or_template(value):
            return
        pattern, wanted = check
        if not pattern.fullmatch(value.strip()):
            self.add(
                "schema",
                "condition-value",
                f"{condition_type} compares with {wanted}, not {value!r}",
                widget,
                path,
                warning=True,
            )

    # -- the graph ------------------------------------------------------------------------------------

    def graph(self, states: Sequence[object], initial_state: str | None) -> None:
        index_of: dict[str, int] = {}
        names: list[str | None] = []
        types: list[str | None] = []
        for index, state in enumerate(states):
            name = state.get("name") if isinstance(state, dict) else None
            widget_type = state.get("type") if isinstance(state, dict) else None
            names.append(name if isinstance(name, str) else None)
            types.append(widget_type if isinstance(widget_type, str) else None)
            if not isinstance(name, str):
                continue
            if name in index_of:
                self.add(
                    "graph",
                    "duplicate-name",
                    f"name {name!r} is already used by widget #{index_of[name]}; rename one of them",
                    name,
                    f"#/states/{index}/name",
                )
            else:
                index_of[name] = index
        triggers = [index for index, widget_type in enumerate(types) if widget_type == "trigger"]
        self.trigger_count(triggers, names)
        start = self.start(initial_state, index_of, names, types) if states else None
        edges: list[list[int]] = [[] for _ in states]
        trigger_events: list[tuple[str, int]] = []
        for index, number, nxt, event in self.links:
            target = index_of.get(nxt)
            if target is None:
                self.add(
                    "graph",
                    "unknown-next",
                    f"transition {event!r} leads to {nxt!r}, which is not a widget of this flow: "
                    f"{suggest(nxt, list(index_of))}",
                    names[index],
                    f"#/states/{index}/transitions/{number}/next",
                )
                continue
            edges[index].append(target)
            if index == start:
                trigger_events.append((str(event), target))
        reached = _reachable(edges, [start] if start is not None else triggers)
        for index, name in enumerate(names):
            if not reached[index] and types[index] != "trigger" and name is not None:
                self.add(
                    "reachability",
                    "unreachable",
                    f"no trigger event leads to {name!r}: connect it from another widget or delete it",
                    name,
                    f"#/states/{index}",
                    warning=True,
                )
        self.liquid(index_of, names, edges)
        if start is not None:
            self.trigger_fit(trigger_events, names, types, edges)

    def start(
        self, initial_state: str | None, index_of: Mapping[str, int], names: list[str | None], types: list[str | None]
    ) -> int | None:
        """The index of the trigger ``initial_state`` names, reporting it when it names none."""
        if initial_state is None:
            return None
        start = index_of.get(initial_state)
        if start is None:
            self.add(
                "graph",
                "initial-state",
                f"initial_state {initial_state!r} names no widget: {suggest(initial_state, [n for n in names if n])}",
                None,
                "#/initial_state",
            )
        elif types[start] != "trigger":
            self.add(
                "graph",
                "initial-state",
                f"initial_state {initial_state!r} is a {types[start]} widget; set it to the trigger's name",
                None,
                "#/initial_state",
            )
            return None
        return start

    def trigger_count(self, triggers: list[int], names: list[str | None]) -> None:
        if not triggers:
            self.add(
                "graph",
                "trigger-count",
                'the flow has no trigger: add one ({"type": "trigger", "name": '
                '"Trigger"}) and name it in initial_state',
                None,
                "#/states",
            )
        for index in triggers[1:]:
            self.add(
                "graph",
                "trigger-count",
                f"a flow has one trigger, but {names[triggers[0]]!r} is one already; "
                "remove this one or make it another widget type",
                names[index],
                f"#/states/{index}/type",
            )

    def liquid(self, index_of: Mapping[str, int], names: list[str | None], edges: list[list[int]]) -> None:
        descendants: list[int] | None = None
        for state_index, name, path in self.references:
            source = index_of.get(name)
            widget = names[state_index]
            if source is None:
                self.add(
                    "liquid",
                    "unknown-widget-reference",
                    f"{{{{widgets.{name}}}}} names no widget of this flow: {suggest(name, list(index_of))}",
                    widget,
                    path,
                )
                continue
            if state_index in edges[source]:
                continue  # the usual case, read right after: no need for the reachability sets
            if descendants is None:
                descendants = _descendants(edges)
            if not descendants[source] >> state_index & 1:
                self.add(
                    "liquid",
                    "reference-not-before",
                    f"{{{{widgets.{name}}}}} is read before {name!r} runs: no path leads from {name!r} to "
                    f"{widget!r}; read it only after {name!r}",
                    widget,
                    path,
                )

    def trigger_fit(
        self,
        trigger_events: list[tuple[str, int]],
        names: list[str | None],
        types: list[str | None],
        edges: list[list[int]],
    ) -> None:
        needs = [(index, spec) for index, t in enumerate(types) if (spec := _REQUIRING.get(t or "")) is not None]
        if not needs:
            return
        events = [event for event, _ in trigger_events]
        reaching = _events_reaching(edges, [target for _, target in trigger_events])
        for index, spec in needs:
            mask = reaching[index]
            found = [event for bit, event in enumerate(events) if mask >> bit & 1]
            if not found:
                continue
            if spec.requires == "rest_api":
                others = [event for event in found if event != REST_API_EVENT]
                if others:
                    self.add(
                        "trigger",
                        "rest-api-only",
                        f"{spec.type} can only be used in flows triggered by the REST API, but {names[index]!r} is "
                        f"reached from {', '.join(others)}; connect it only under {REST_API_EVENT}",
                        names[index],
                        f"#/states/{index}",
                    )
            elif spec.requires == "voice" and all(event in MESSAGING_EVENTS for event in found):
                self.add(
                    "trigger",
                    "voice-on-messaging",
                    f"{spec.type} needs a call, but {names[index]!r} is reached only from {', '.join(found)} "
                    "(messaging); connect it under incomingCall or use a messaging widget",
                    names[index],
                    f"#/states/{index}",
                )


def _strings(value: object) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _reachable(edges: Sequence[Sequence[int]], roots: Sequence[int]) -> list[bool]:
    seen = [False] * len(edges)
    stack = list(roots)
    for root in roots:
        seen[root] = True
    while stack:
        for target in edges[stack.pop()]:
            if not seen[target]:
                seen[target] = True
                stack.append(target)
    return seen


def _events_reaching(edges: Sequence[Sequence[int]], starts: Sequence[int]) -> list[int]:
    """For each node, the bit set of the ``starts`` (by position) from which it can be reached.

    One propagation from all starts at once: a node is revisited only when it gains a bit, so at most
    once per start (there are five trigger events) and usually once in all.
    """
    reaching = [0] * len(edges)
    pending: list[int] = []
    for bit, start in enumerate(starts):
        reaching[start] |= 1 << bit
        pending.append(start)
    while pending:
        node = pending.pop()
        mask = reaching[node]
        for successor in edges[node]:
            if reaching[successor] | mask != reaching[successor]:
                reaching[successor] |= mask
                pending.append(successor)
    return reaching


def _descendants(edges: Sequence[Sequence[int]]) -> list[int]:
    """For each node, the bit set of nodes reachable through one or more edges.

    Strongly connected components (Tarjan, iterative) come out sinks first, so each component's set is
    the union of its successors' sets: linear in the graph, where a search per node would be quadratic.
    """
    count = len(edges)
    order = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    component = [-1] * count
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work: list[tuple[int, Iterator[int]]] = [(root, iter(edges[root]))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if order[successor] == -1:
                    order[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack[successor] = True
                    work.append((successor, iter(edges[successor])))
                    break
                if on_stack[successor] and order[successor] < low[node]:
                    low[node] = order[successor]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == order[node]:
                    members: list[int] = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = False
                        component[member] = len(components)
                        members.append(member)
                        if member == node:
                            break
                    components.append(members)
    reach = [0] * len(components)
    for number, members in enumerate(components):
        bits = 0
        cyclic = len(members) > 1
        for member in members:
            for successor in edges[member]:
                other = component[successor]
                if other == number:
                    cyclic = True
                else:
                    bits |= reach[other] | 1 << successor
        if cyclic:
            for member in members:
                bits |= 1 << member
        reach[number] = bits
    return [reach[component[node]] for node in range(count)]
