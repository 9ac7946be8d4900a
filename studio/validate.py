"""Validation of a flow definition before any API call: small rule functions over one walk.

:func:`validate_definition` checks a decoded definition (a dict from ``json.loads`` or from
``Flow.to_definition``) and returns every :class:`Problem`; it never raises on bad input (also not on
input nested thousands of levels deep: nothing here recurses over values).

What each problem code means, its kind, its severity and the source that shows Studio enforces it live
in one table, :data:`studio.rules.RULES`. An **error** is what Studio rejects (or a flow that cannot
run); everything else is a **warning**. Problems on widgets or properties that no public source
confirms are warnings, and say so.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.catalogue import CATALOGUE
from studio.graph import descendants, events_reaching, reachable
from studio.liquid import (
    LIQUID_VARIABLES,
    is_template,
    syntax_error,
    undocumented_uses,
    unknown_variables,
    widget_reads,
)
from studio.model import suggest
from studio.rules import (
    RULES,
    STUDIO_ENFORCED_CODES,
    UNKNOWN_WIDGET_TYPE,
    WIDGET_TYPE_TYPO,
    ProblemKind,
    Severity,
)
from studio.spec import (
    CONDITION_TYPES,
    CONSOLE_DEFAULTS,
    DECLARED_WIDGET_TYPES,
    FLOW_SCHEMA_URL,
    LIQUID_PROPERTIES,
    MAX_STATES,
    MESSAGING_EVENTS,
    REST_API_EVENT,
    SCHEMA_ENUM_TYPES,
    SCHEMA_MAX_STATES,
    STATE_KEYS,
    UNCONFIRMED_TYPES,
    V1_WIDGET_TYPES,
    WIDGET_OUTPUTS,
    PropSpec,
    WidgetOutputs,
    WidgetSpec,
)

__all__ = [
    "RULES",
    "STUDIO_ENFORCED_CODES",
    "UNKNOWN_WIDGET_TYPE",
    "WIDGET_TYPE_TYPO",
    "Problem",
    "describe",
    "json_type_of",
    "validate_definition",
    "validate_state",
]

MAX_DEPTH = 32
"""Values nested deeper than this inside a property are reported once and not read further."""

_SID_BODY = re.compile(r"[0-9a-fA-F]{32}")
_SID_SHAPE = re.compile(r"[0-9A-Za-z]{32}")
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
_STATE_KEYS = tuple(STATE_KEYS)
_STATE_KEY_SET = frozenset(_STATE_KEYS)
_TRANSITION_KEYS = ("event", "next", "conditions")
_TRANSITION_KEY_SET = frozenset(_TRANSITION_KEYS)
_CONDITION_KEYS = ("friendly_name", "arguments", "type", "value")
_JSON_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "a boolean (true or false)",
    "array": "an array",
    "object": "an object",
}
_UNCONFIRMED_NOTE = " (no public source confirms this {what}, so this is only a warning: {source})"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow, for a human.

    Attributes:
        kind: schema, graph, reachability, liquid or trigger.
        message: what is wrong and how to fix it.
        widget: the widget (state) name; None for flow-level problems.
        property_path: Studio-style JSON pointer, e.g. ``#/states/3/properties/timeout``.
        severity: errors are what Studio rejects (or a flow that cannot run); warnings are advice.
        code: the rule that found it (see :data:`studio.rules.RULES`).
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
        """True when Twilio answers HTTP 400 / 81022: every enforced error, and a type Studio does not know."""
        return self.studio and (self.severity == "error" or self.code == UNKNOWN_WIDGET_TYPE)

    def __str__(self) -> str:
        where = f"widget {self.widget!r}" if self.widget is not None else "flow"
        return f"{self.severity} [{self.kind}] {where} at {self.property_path}: {self.message}"


def validate_definition(definition: object) -> list[Problem]:
    """Every problem of a decoded flow definition; never raises on bad input."""
    run = _Run()
    check_definition(run, definition)
    return run.problems


def validate_state(state: object) -> list[Problem]:
    """Problems of a single widget state (schema and events only: no flow around it to check the graph)."""
    run = _Run()
    check_state(run, dict(state) if isinstance(state, Mapping) else state, "#")
    return run.problems


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


class _Run:
    """One validation run: the problems found, and what the graph rules need from the walk."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # (state index, referenced widget name, the outputs read, property path) of each {{widgets.NAME...}}, once a
        # text: the outputs are the first segments after NAME (Digits of {{widgets.menu.Digits}})
        self.references: list[tuple[int, str, tuple[str, ...], str]] = []
        # (state index, transition index, next, event) of each transition with a next
        self.links: list[tuple[int, int, str, object]] = []
        self.state_index = 0
        self.widget: str | None = None  # the name of the state being walked
        # (widget, name as written) of each unknown-liquid-variable reported: once a widget (a split's conditions
        # repeat its input in their arguments)
        self.unknown_variables: set[tuple[str | None, str]] = set()

    def report(self, code: str, message: str, widget: str | None, path: str, *, unconfirmed: str = "") -> None:
        """Add a problem of rule ``code``; ``unconfirmed`` (what is unconfirmed, and its source) makes it a warning."""
        rule = RULES[code]
        severity = rule.severity
        studio = rule.studio
        if unconfirmed and severity == "error":
            what, _, source = unconfirmed.partition(": ")
            message += _UNCONFIRMED_NOTE.format(what=what, source=source)
            severity, studio = "warning", False
        self.problems.append(Problem(rule.kind, message, widget, path, severity, code, studio))


def _unconfirmed(spec: WidgetSpec | None, prop: PropSpec | None = None) -> str:
    """Why problems here are only warnings ("what: source"), or "" when the facts are confirmed."""
    if spec is not None and not spec.confirmed:
        return f"widget schema: {spec.source}"
    if prop is not None and prop.unconfirmed:
        return f"property: {prop.unconfirmed}"
    return ""


# --- the envelope ------------------------------------------------------------------------------------


def check_definition(run: _Run, definition: object) -> None:
    """The envelope, every state, then the graph."""
    if isinstance(definition, Mapping) and not isinstance(definition, dict):
        definition = dict(definition)
    if not isinstance(definition, dict):
        run.report(
            "not-an-object",
            f"a flow definition is a JSON object with initial_state and states, not {describe(definition)}",
            None,
            "#",
        )
        return
    check_flow_keys(run, definition)
    check_flags(run, definition)
    initial_state = check_initial_state(run, definition)
    states = check_states_list(run, definition)
    if states is None or is_v1_export(run, states):
        return
    for index, state in enumerate(states):
        run.state_index = index
        check_state(run, state, f"#/states/{index}")
    check_graph(run, states, initial_state)


def check_flow_keys(run: _Run, definition: Mapping[str, Any]) -> None:
    """Unknown top-level keys, the description's type and the ``$schema`` URL."""
    for key in definition:
        if key not in _FLOW_KEY_SET:
            run.report(
                "unknown-key", f"unknown top-level key {key!r}: {suggest(str(key), _FLOW_KEYS)}", None, f"#/{key}"
            )
            check_nesting(run, definition[key], f"#/{key}")
    if "description" in definition and not isinstance(definition["description"], str):
        run.report(
            "json-type",
            f"description must be a string, not {describe(definition['description'])}",
            None,
            "#/description",
        )
    if "$schema" in definition and definition["$schema"] != FLOW_SCHEMA_URL:
        run.report("schema-url", f"$schema must be {FLOW_SCHEMA_URL!r} or left out", None, "#/$schema")


def check_flags(run: _Run, definition: Mapping[str, Any]) -> None:
    """``flags`` is an object holding a boolean ``allow_concurrent_calls``."""
    if "flags" not in definition:
        return
    flags = definition["flags"]
    if not isinstance(flags, dict):
        run.report("json-type", f"flags must be an object, not {describe(flags)}", None, "#/flags")
        return
    if "allow_concurrent_calls" not in flags:
        run.report("flags", 'flags needs allow_concurrent_calls: add "allow_concurrent_calls": true', None, "#/flags")
    elif not isinstance(flags["allow_concurrent_calls"], bool):
        value = flags["allow_concurrent_calls"]
        run.report(
            "json-type",
            f"allow_concurrent_calls must be true or false, not {describe(value)}" + _type_fix("boolean", value),
            None,
            "#/flags/allow_concurrent_calls",
        )
    for key in flags:
        if key != "allow_concurrent_calls":
            run.report(
                "unknown-key", f"unknown flag {key!r}; Studio knows allow_concurrent_calls", None, f"#/flags/{key}"
            )


def check_initial_state(run: _Run, definition: Mapping[str, Any]) -> str | None:
    """``initial_state`` is a non-empty string; returns it (None when it is unusable)."""
    missing = 'initial_state is missing: add "initial_state": "Trigger"'
    initial_state = required_string(
        run, definition, "initial_state", missing, "the trigger's name (a string)", None, "#"
    )
    if initial_state is None:
        return None
    if not initial_state:
        run.report("empty", "initial_state is empty: set it to the trigger's name", None, "#/initial_state")
        return None
    return initial_state


def check_states_list(run: _Run, definition: Mapping[str, Any]) -> list[Any] | None:
    """``states`` is an array of 1 to MAX_STATES items; returns it (None when it is no array)."""
    if "states" not in definition:
        run.report("missing-key", "states is missing: add the list of widgets", None, "#/states")
        return None
    states = definition["states"]
    if not isinstance(states, list):
        run.report("json-type", f"states must be an array of widgets, not {describe(states)}", None, "#/states")
        return None
    if not 1 <= len(states) <= MAX_STATES:
        run.report(
            "state-count",
            f"a flow has 1 to {MAX_STATES:,} widgets, this one has {len(states):,}; "
            + ("add a trigger" if not states else "split it into subflows (run-subflow)"),
            None,
            "#/states",
        )
    elif len(states) > SCHEMA_MAX_STATES:
        run.report(
            "widget-limit",
            f"this flow has {len(states):,} widgets: Studio's FAQ allows {MAX_STATES:,}, but its published Flow "
            f"Definition schema still says {SCHEMA_MAX_STATES:,} (maxItems), so an older limit may refuse it; if "
            "Studio does, split the flow into subflows (run-subflow)",
            None,
            "#/states",
        )
    return states


def v1_export_problem(states: Sequence[object]) -> str | None:
    """What is wrong with ``states`` when they are a Studio v1 export (``V1_WIDGET_TYPES``), else None."""
    types = [state.get("type") for state in states if isinstance(state, dict)]
    found = [type_ for type_ in types if isinstance(type_, str) and type_ in V1_WIDGET_TYPES]
    if not found:
        return None
    renames = ", ".join(f"{v1} -> {V1_WIDGET_TYPES[v1]}" for v1 in dict.fromkeys(found))
    return (
        f"this is a Studio v1 export ({renames}), which the v2 Flow Definition API rejects: export the flow again "
        "from the Console if it still exists (today's exports are v2), or rewrite it in the v2 format: the v2 "
        "type of each widget, next naming a widget (not its FF... sid), no sid or uuid keys, and "
        'initial_state: "Trigger"'
    )


def is_v1_export(run: _Run, states: Sequence[object]) -> bool:
    """A Studio v1 export is reported once, as what it is; True when it is one."""
    problem = v1_export_problem(states)
    if problem is not None:
        run.report("v1-format", problem, None, "#/states")
    return problem is not None


# --- one state -----------------------------------------------------------------------------------------


def check_state(run: _Run, state: object, path: str) -> None:
    """A widget: its name, type, keys, properties and transitions."""
    if not isinstance(state, dict):
        run.report(
            "not-an-object",
            f"a widget is an object with name, type, transitions and properties, not {describe(state)}",
            None,
            path,
        )
        return
    widget = run.widget = check_name(run, state, path)
    spec = check_type(run, state, widget, path)
    if not state.keys() <= _STATE_KEY_SET:
        for key in state:
            if key not in _STATE_KEY_SET:
                run.report(
                    "unknown-key",
                    f"unknown widget key {key!r}: {suggest(str(key), _STATE_KEYS)}",
                    widget,
                    f"{path}/{key}",
                )
                check_nesting(run, state[key], f"{path}/{key}")
    if "properties" in state:
        check_properties(run, state["properties"], spec, widget, f"{path}/properties")
    else:
        run.report("missing-key", f"the widget has no properties: add {STATE_KEYS['properties']}", widget,
                   f"{path}/properties")
    if "transitions" in state:
        check_transitions(run, state["transitions"], spec, widget, f"{path}/transitions")
    else:
        run.report("missing-key", f"the widget has no transitions: add {STATE_KEYS['transitions']}", widget,
                   f"{path}/transitions")


def check_name(run: _Run, state: Mapping[str, Any], path: str) -> str | None:
    """The name is a non-empty string of visible characters; returns it (None when it is no string)."""
    name = state.get("name")
    if "name" not in state:
        run.report("missing-key", f"the widget has no name: add {STATE_KEYS['name']}", None, f"{path}/name")
    elif not isinstance(name, str):
        run.report("json-type", f"name must be a string, not {describe(name)}", None, f"{path}/name")
    elif not name:
        run.report("empty-name", "the widget name is empty: give it a unique name", None, f"{path}/name")
    else:
        hidden = [] if name.isprintable() else [c for c in name if unicodedata.category(c) in ("Cc", "Cf")]
        if hidden:
            codes = ", ".join(
                f"U+{ord(char):04X} {unicodedata.name(char, 'control')}" for char in dict.fromkeys(hidden)
            )
            run.report(
                "name-characters",
                f"the widget name holds invisible or bidirectional control characters ({codes}): a Liquid "
                "reference typed by hand will not match it; retype the name",
                name,
                f"{path}/name",
            )
        return name
    return None


def check_type(run: _Run, state: Mapping[str, Any], widget: str | None, path: str) -> WidgetSpec | None:
    """The type is a string Studio knows; returns its spec (None for a type the catalogue lacks)."""
    missing = f"the widget has no type: add one, e.g. {STATE_KEYS['type']}"
    widget_type = required_string(run, state, "type", missing, "a string", widget, path)
    if widget_type is None:
        return None
    spec = CATALOGUE.get(widget_type)
    if spec is not None:
        source = UNCONFIRMED_TYPES.get(widget_type)
        if source is not None and widget_type in SCHEMA_ENUM_TYPES:
            run.report(
                "unconfirmed",
                f"Studio's schema lists the type {widget_type!r}, but no public source confirms its properties and "
                f"events (ours come from {source}), so problems on it are only warnings; check it against a Console "
                "export before relying on it",
                widget,
                f"{path}/type",
            )
        elif source is not None:
            run.report(
                "unconfirmed",
                f"no public source confirms the type string {widget_type!r} (our best guess, from {source}); "
                "check it against a Console export before relying on it",
                widget,
                f"{path}/type",
            )
        return spec
    declared = DECLARED_WIDGET_TYPES.get(widget_type)
    if declared is not None:
        run.report(
            "unconfirmed",
            f"widget type {widget_type!r} is declared in studio/spec.py (DECLARED_WIDGET_TYPES: {declared}), not "
            "modelled: its properties and events are not checked; write its class in studio/widgets.py to check them",
            widget,
            f"{path}/type",
        )
        return None
    # Near misses of confirmed types only, so a guessed type string never turns a real widget into a "typo".
    typo = near_miss(widget_type, [spec.type for spec in CATALOGUE.values() if spec.confirmed])
    if typo is not None:
        run.report(
            WIDGET_TYPE_TYPO,
            f"unknown widget type {widget_type!r}: a typo of {typo!r}? Studio rejects types it does not know; "
            f'write "type": "{typo}"',
            widget,
            f"{path}/type",
        )
    else:
        related = sharing_words(widget_type, [spec.type for spec in CATALOGUE.values() if spec.confirmed])
        hint = f"; types with these words: {', '.join(map(repr, related))}" if related else ""
        run.report(
            UNKNOWN_WIDGET_TYPE,
            f"unknown widget type {widget_type!r} (not in this toolkit's catalogue, and close to none of its "
            f"types{hint}): Studio refuses types it does not know; check the spelling against a Console export, "
            "or, if Twilio added it, declare it once: add it to DECLARED_WIDGET_TYPES in studio/spec.py (or write "
            "its widget class in studio/widgets.py)",
            widget,
            f"{path}/type",
        )
    return None


def required_string(
    run: _Run, data: Mapping[str, Any], key: str, missing: str, what: str, widget: str | None, path: str
) -> str | None:
    """``data[key]`` when it is a string; else reports it missing (saying ``missing``) or not ``what``."""
    if key not in data:
        run.report("missing-key", missing, widget, f"{path}/{key}")
        return None
    value = data[key]
    if not isinstance(value, str):
        run.report("json-type", f"{key} must be {what}, not {describe(value)}", widget, f"{path}/{key}")
        return None
    return value


def near_miss(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` is a typo of (at most 2 edits away, or the same but for case and separators),
    never one that differs only in its digits (``-v3`` for ``-v2`` is a new version, not a typo)."""
    folded = _fold(word)
    best: tuple[int, str] | None = None
    for choice in choices:
        if _fold(choice) == folded:
            return choice
        if re.sub(r"\d", "", choice) == re.sub(r"\d", "", word):
            continue
        limit = 1 if len(choice) <= 8 else 2
        distance = _edit_distance(word, choice, limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, choice)
    return None if best is None else best[1]


def sharing_words(word: str, choices: Sequence[str], most: int = 3) -> list[str]:
    """The choices sharing the most words with ``word`` (``call-recording``: ``record-call``), best first.

    Words are split at separators and case changes; two words match when one starts the other and the shorter
    has four letters or more (``record`` and ``recording``), so "to" or "v2" never makes a match.
    """
    def words(text: str) -> set[str]:
        return {part.casefold() for part in re.split(r"[\s_-]+|(?<=[a-z])(?=[A-Z])", text) if len(part) >= 4}

    mine = words(word)
    scored = []
    for choice in choices:
        shared = sum(any(a.startswith(b) or b.startswith(a) for b in words(choice)) for a in mine)
        if shared:
            scored.append((-shared, choice))
    scored.sort()
    best = scored[0][0] if scored else 0
    return [choice for score, choice in scored if score == best][:most]


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]", "", text).casefold()


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance between ``a`` and ``b``, or ``limit + 1`` once it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# --- properties ----------------------------------------------------------------------------------------


def check_properties(run: _Run, properties: object, spec: WidgetSpec | None, widget: str | None, path: str) -> None:
    """Each property against its spec, then the required, recommended and one-of rules."""
    if not isinstance(properties, dict):
        run.report("not-an-object", f"properties must be an object, not {describe(properties)}", widget, path)
        return
    for key, value in properties.items():
        prop_path = f"{path}/{key}"
        if key == "offset":
            check_offset(run, value, widget, prop_path)
            continue
        prop = spec.props.get(key) if spec is not None else None
        if prop is not None and spec is not None:
            check_value(run, value, prop, spec, widget, prop_path)
            continue
        if spec is not None:
            run.report(
                "unknown-property",
                f"{spec.type} has no property {key!r}: {suggest(str(key), list(spec.props))} (it is sent as is)",
                widget,
                prop_path,
            )
        scan_value(run, value, prop_path)
    if spec is not None:
        check_expected(run, properties, spec, widget, path)


def check_expected(run: _Run, properties: Mapping[str, Any], spec: WidgetSpec, widget: str | None, path: str) -> None:
    """Required and recommended properties are present, and one of each one-of group."""
    for prop in spec.expected:
        if prop.json in properties:
            continue
        if prop.required:
            run.report(
                "required",
                f"{spec.type} needs property {prop.json!r}: add it{_example(spec, prop)}",
                widget,
                f"{path}/{prop.json}",
                unconfirmed=_unconfirmed(spec, prop),
            )
        else:
            run.report(
                "recommended",
                f"{spec.type} usually needs property {prop.json!r}; add it unless you are sure",
                widget,
                f"{path}/{prop.json}",
            )
    for group in spec.one_of:
        if not any(name in properties for name in group):
            run.report("one-of", f"{spec.type} needs one of {', '.join(group)}: set one of them", widget, path)


def _example(spec: WidgetSpec, prop: PropSpec) -> str:
    """``, e.g. "noun": "number"`` for a property whose usual value is known (studio/spec.py CONSOLE_DEFAULTS,
    its enumeration, usual values or SID kind), else ""."""
    value: str | int
    if (spec.type, prop.json) in CONSOLE_DEFAULTS:
        value = CONSOLE_DEFAULTS[spec.type, prop.json]
    elif prop.enum or prop.suggested:
        value = (prop.enum or prop.suggested)[0]
    elif prop.sid_prefix:
        value = f"{prop.sid_prefix}..."
    else:
        return ""
    return f", e.g. {json.dumps(prop.json)}: {json.dumps(value)}"


def check_offset(run: _Run, value: object, widget: str | None, path: str) -> None:
    """``offset`` is ``{"x": int, "y": int}``."""
    # type() is, not isinstance: a bool is no coordinate
    if isinstance(value, dict) and type(value.get("x")) is int and type(value.get("y")) is int:
        return
    if not isinstance(value, dict):
        wrong = describe(value)
    else:
        wrong = "; ".join(f"{axis} is missing" if axis not in value else f"{axis} is {describe(value[axis])}"
                          for axis in ("x", "y") if type(value.get(axis)) is not int)
    run.report("json-type", f'offset must be an object {{"x": int, "y": int}} of whole numbers, not {wrong}',
               widget, path)


def check_value(run: _Run, value: object, prop: PropSpec, spec: WidgetSpec, widget: str | None, path: str) -> None:
    """A property value has the JSON type of its kind, then the rules of that kind."""
    expected = prop.json_type
    if isinstance(value, str):
        if expected == "string":
            check_text(run, value, prop, spec, widget, path)
            return
        if expected == "integer" and prop.liquid and is_template(value):
            scan_text(run, value, path)
            return
    elif isinstance(value, int) and not isinstance(value, bool) and expected in ("integer", "string"):
        if expected == "integer" or prop.kind == "numeric_string":  # Studio's API takes 3600 for "3600"
            check_range(run, value, prop, widget, path)
            return
    elif expected == "boolean" and isinstance(value, bool):
        return
    elif expected == "array" and isinstance(value, list):
        check_items(run, value, prop, spec, widget, path)
        return
    elif expected == "object" and isinstance(value, dict):
        scan_value(run, value, path)
        return
    liquid = " or a Liquid expression" if expected == "integer" and prop.liquid else ""
    run.report(
        "json-type",
        f"{prop.json} must be {_JSON_TYPE_NAMES[expected]}{liquid}, not {describe(value)}" + _type_fix(expected, value),
        widget,
        path,
        unconfirmed=_unconfirmed(spec, prop),
    )


def check_text(run: _Run, value: str, prop: PropSpec, spec: WidgetSpec, widget: str | None, path: str) -> None:
    """A string value: its Liquid, then the rules of its property (literal SID, enum, usual values...)."""
    scan_text(run, value, path)
    if prop.free_text:
        return
    if prop.max_length is not None and len(value) > prop.max_length:
        run.report(
            "text-limit",
            f"{prop.json} is {len(value):,} characters, over the {prop.max_length:,} {prop.limit_reason}; shorten it",
            widget,
            path,
        )
    # Studio's "must be a valid, non-liquid flow sid" is for Liquid "or bad value" (twilio/ai SKILL.md's error
    # table): Liquid, or a literal that is no SID of the kind at all, is refused. A right-shaped SID with non-hex
    # digits stays a sid-format warning (sdk-go's testdata writes FW and 32 X's; no source shows Studio's pattern).
    prefix, liquid = prop.sid_prefix, is_template(value)
    shaped = prefix is not None and value.startswith(prefix) and _SID_SHAPE.fullmatch(value[len(prefix):])
    if prop.literal_sid and (liquid or ("${" not in value and not shaped)):
        shape, given, fix = ("", "Liquid", "") if liquid else (
            f" ({prefix} and 32 characters)", repr(value), "; use a parameter for per-environment SIDs")
        run.report(
            "liquid-not-allowed",
            f"{prop.json} must be a literal {prefix} SID{shape}, not {given} (Studio needs a valid, non-Liquid SID "
            f"here){fix}",
            widget,
            path,
            unconfirmed=_unconfirmed(spec, prop),
        )
        return
    # Liquid in an enumerated property is no member of the enumeration: Studio checks the definition against the
    # widget's JSON Schema without rendering Liquid (studio-widgets.md §1.2 rule 4 and its emulator note), and the
    # catalogue takes no Liquid there (PropSpec.liquid is False for an enum). A ${NAME} placeholder is filled first.
    if "${" in value or (is_template(value) and not prop.enum):
        return
    if prop.enum and value not in prop.enum:
        rendered = " (Studio does not render Liquid here: pick one value)" if is_template(value) else ""
        run.report(
            "enum",
            f"{prop.json} must be one of {', '.join(map(repr, prop.enum))}, not {value!r}{rendered}: "
            f"{suggest(value, prop.enum)}",
            widget,
            path,
            unconfirmed=_unconfirmed(spec, prop),
        )
    elif prop.suggested and value not in prop.suggested:
        run.report("suggested", _unusual(prop.json, value, prop.suggested), widget, path)
    if prop.kind == "numeric_string":
        if _NUMBER.fullmatch(value.strip()):
            check_range(run, int(value), prop, widget, path)
        else:
            run.report("number", f'{prop.json} should be a number in a string, e.g. "30", not {value!r}', widget, path)
    check_sid(run, value, prop, widget, path)


def _unusual(key: str, value: str, usual: Sequence[str]) -> str:
    """The "usually one of" message; a hint never swaps one media type for another (that changes the encoding)."""
    candidates = list(usual)
    if "/" in value:
        media_type = value.split(";", 1)[0].strip().casefold()
        candidates = [choice for choice in usual if choice.split(";", 1)[0].strip().casefold() == media_type]
    message = f"{key} is usually one of {', '.join(map(repr, usual))}, not {value!r}"
    close = suggest(value, candidates) if candidates else ""
    return message + (f": {close}" if close.startswith("did you mean") else "")


def check_sid(run: _Run, value: str, prop: PropSpec, widget: str | None, path: str) -> None:
    """A literal SID looks like one of its kind (or a word Studio takes in its place, e.g. ``default``)."""
    prefix = prop.sid_prefix
    if not prefix or not value or value in prop.also or (value.startswith(prefix) and _SID_BODY.fullmatch(value[2:])):
        return
    besides = f" or {' or '.join(map(repr, prop.also))}" if prop.also else ""
    run.report(
        "sid-format",
        f"{prop.json} should be a {prefix} SID ({prefix} and 32 hex digits){besides}, not {value!r}; use a "
        "parameter for per-environment SIDs",
        widget,
        path,
    )


def check_range(run: _Run, value: int, prop: PropSpec, widget: str | None, path: str) -> None:
    """A number lies in the property's sensible range."""
    low, high = prop.minimum, prop.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        run.report("range", f"{prop.json} is usually between {low} and {high}, not {value}", widget, path)


def check_items(run: _Run, value: list[Any], prop: PropSpec, spec: WidgetSpec, widget: str | None, path: str) -> None:
    """The items of an array property: key/value objects, strings, or anything (only Liquid read)."""
    if prop.kind == "key_values":
        for index, item in enumerate(value):
            check_key_value(run, item, prop, spec, widget, f"{path}/{index}")
    elif prop.kind == "string_list":
        for index, item in enumerate(value):
            item_path = f"{path}/{index}"
            if not isinstance(item, str):
                run.report(
                    "json-type",
                    f"{prop.json} items must be strings, not {describe(item)}",
                    widget,
                    item_path,
                    unconfirmed=_unconfirmed(spec, prop),
                )
            elif prop.suggested and item not in prop.suggested:
                run.report(
                    "suggested",
                    f"{prop.json} item {item!r} is not one of {', '.join(map(repr, prop.suggested))}: "
                    f"{suggest(item, prop.suggested)}",
                    widget,
                    item_path,
                )
    else:
        scan_value(run, value, path)


# What each part of a {"key": ..., "value": ...} item holds, for the fix a missing one's message gives.
_KEY_VALUE_FIX = {"key": "the name it is sent or stored under", "value": "text or Liquid; \"\" for none"}


def check_key_value(run: _Run, item: object, prop: PropSpec, spec: WidgetSpec, widget: str | None, path: str) -> None:
    """One ``{"key": ..., "value": ...}`` item."""
    unconfirmed = _unconfirmed(spec, prop)
    if not isinstance(item, dict):
        run.report(
            "not-an-object",
            f'{prop.json} items are {{"key": ..., "value": ...}} objects, not {describe(item)}',
            widget,
            path,
            unconfirmed=unconfirmed,
        )
        return
    for part in ("key", "value"):
        if part not in item:
            run.report(
                "missing-key",
                f'{prop.json} item needs a {part!r}: add "{part}": "..." to it ({_KEY_VALUE_FIX[part]})',
                widget,
                f"{path}/{part}",
                unconfirmed=unconfirmed,
            )
    if "key" in item and not isinstance(item["key"], str):
        run.report(
            "json-type",
            f"a {prop.json} key must be a string, not {describe(item['key'])}",
            widget,
            f"{path}/key",
            unconfirmed=unconfirmed,
        )
    if "value" in item and not isinstance(item["value"], str):
        run.report(
            "value-type",
            f"a {prop.json} value is usually a string, not {describe(item['value'])}"
            + _type_fix("string", item["value"]),
            widget,
            f"{path}/value",
        )
    for part in ("key", "value"):
        if part in item:
            scan_value(run, item[part], f"{path}/{part}")


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


# --- Liquid ---------------------------------------------------------------------------------------------


def scan_value(run: _Run, value: object, path: str) -> None:
    """The Liquid of every string inside a JSON value (iteratively: any depth is safe)."""
    if isinstance(value, str):
        scan_text(run, value, path)
        return
    for text in _strings(run, value, path):
        scan_text(run, text, path)


def scan_text(run: _Run, text: str, path: str) -> None:
    """Record the widgets a text reads, and report Liquid the engine cannot parse or Studio does not document (see
    :mod:`studio.liquid`)."""
    if "{" not in text:
        return
    if "widgets" in text:
        outputs: dict[str, list[str]] = {}
        for name, output in widget_reads(text):
            outputs.setdefault(name, [])
            if output is not None:
                outputs[name].append(output)
        for name, read in outputs.items():
            run.references.append((run.state_index, name, tuple(read), path))
    problem = syntax_error(text)
    if problem is not None:
        run.report(
            "liquid-syntax",
            f"Liquid that does not parse ({problem}): Studio sends the text as it is; close every {{{{ and {{%, "
            "or put braces meant literally inside {% raw %}...{% endraw %}",
            run.widget,
            path,
        )
    for use in undocumented_uses(text):
        run.report("undocumented-liquid", str(use), run.widget, path)
    for written, near in unknown_variables(text):
        if (run.widget, written) not in run.unknown_variables:
            run.unknown_variables.add((run.widget, written))
            run.report("unknown-liquid-variable", _unknown_variable(written, near), run.widget, path)


# The call and message webhook fields Studio gives as trigger.call.* and trigger.message.* (studio-widgets.md §3)
_WEBHOOK_PARAMETERS = frozenset({"From", "To", "Caller", "CallSid", "AccountSid", "CallStatus", "Direction",
                                 "Body", "MessageSid", "NumMedia", "MediaUrl0"})


def _unknown_variable(written: str, near: str | None) -> str:
    """Why a name a template reads renders empty (see :func:`studio.liquid.unknown_variables`), and the fix."""
    if "." in written:
        root = written.split(".", maxsplit=1)[0]
        documented = ", ".join(sorted(LIQUID_VARIABLES[root]))
        if near is not None and not near.startswith(f"{root}."):
            return (f"{{{{{written}...}}}} is not one of the variables Twilio documents under {root} ({documented}): "
                    f"it renders empty; Studio gives this value as {near}, so read {near}... instead")
        return (f"{{{{{written}...}}}} is not one of the variables Twilio documents under {root} ({documented}), "
                f"and it is a near miss of one: it renders empty if Studio has no such variable; did you mean {near}?")
    owners = [kind for kind, outputs in sorted(WIDGET_OUTPUTS.items()) if written in outputs.own]
    if written in _WEBHOOK_PARAMETERS:  # {{From}}: a TwiML habit; in Studio the trigger holds the webhook's fields
        fix = f"the webhook's {written} is read from the trigger: trigger.call.{written} or trigger.message.{written}"
    elif owners:  # {{Digits}}, {{RecordingUrl}}: a widget's output read without the widget (another TwiML habit)
        fix = (f"{written} is an output of a widget ({', '.join(owners[:3])}{'...' if len(owners) > 3 else ''}), read "
               f"under the widget's name: widgets.NAME.{written}")
    else:
        fix = f"did you mean {near}?" if near else (
            "read a value from flow.variables.NAME (Set Variables), flow.data.NAME or widgets.NAME, or set it first "
            "in this text with {% assign %}")
    return (f"{{{{{written}}}}} reads {written!r}, which is none of Studio's variables "
            f"({', '.join(LIQUID_VARIABLES)}) and is not set in this text: it renders empty; {fix}")


def check_nesting(run: _Run, value: object, path: str) -> None:
    """Report a value nested deeper than :data:`MAX_DEPTH` (the walk over it stops there)."""
    for _ in _strings(run, value, path):
        pass


def _strings(run: _Run, value: object, path: str) -> Iterator[str]:
    """Every string inside a JSON value down to :data:`MAX_DEPTH`, reporting one that goes deeper."""
    stack: list[tuple[object, int]] = [(value, 0)]
    reported = False
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                if not reported:
                    reported = True
                    run.report(
                        "nesting-depth",
                        f"this value is nested more than {MAX_DEPTH} levels deep, deeper than any widget schema; "
                        "it is not checked past that depth: flatten it",
                        run.widget,
                        path,
                    )
                continue
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in reversed(list(children)))


# --- transitions ----------------------------------------------------------------------------------------


def check_transitions(run: _Run, transitions: object, spec: WidgetSpec | None, widget: str | None, path: str) -> None:
    """Each transition: its keys, its event (valid, listed once) and its next; conditions on split matches."""
    if not isinstance(transitions, list):
        run.report("json-type", f"transitions must be an array, not {describe(transitions)}", widget, path)
        return
    seen: dict[str, int] = {}
    is_split = spec is not None and spec.type == "split-based-on"
    for index, transition in enumerate(transitions):
        item_path = f"{path}/{index}"
        if not isinstance(transition, dict):
            run.report(
                "not-an-object",
                f"a transition is an object with event and next, not {describe(transition)}",
                widget,
                item_path,
            )
            continue
        for key in transition:
            if key not in _TRANSITION_KEY_SET:
                run.report(
                    "unknown-key",
                    f"unknown transition key {key!r}: {suggest(str(key), _TRANSITION_KEYS)}",
                    widget,
                    f"{item_path}/{key}",
                )
        event = check_event(run, transition, index, spec, seen, widget, item_path)
        check_next(run, transition, index, widget, item_path)
        if is_split or "conditions" in transition:
            check_transition_conditions(run, transition, event, spec, widget, item_path)


def check_event(
    run: _Run,
    transition: Mapping[str, Any],
    index: int,
    spec: WidgetSpec | None,
    seen: dict[str, int],
    widget: str | None,
    path: str,
) -> str | None:
    """The event is a string the widget type has, listed once; returns it (None when it is no string)."""
    event = required_string(run, transition, "event", "the transition has no event: add one", "a string", widget, path)
    if event is None or spec is None:
        return event
    if event not in spec.events:
        run.report(
            "invalid-event",
            f"{spec.type} has no event {event!r}: {suggest(event, spec.events)}",
            widget,
            f"{path}/event",
            unconfirmed=_unconfirmed(spec),
        )
    elif event in seen and event != "match":
        run.report(
            "duplicate-event",
            f"event {event!r} is listed twice (also transition {seen[event]}); keep one",
            widget,
            f"{path}/event",
        )
    seen.setdefault(event, index)
    return event


def check_next(run: _Run, transition: Mapping[str, Any], index: int, widget: str | None, path: str) -> None:
    """``next`` is a widget name; it is recorded for the graph rules."""
    nxt = transition.get("next")
    if "next" in transition and not isinstance(nxt, str):
        run.report("json-type", f"next must be a widget name (a string), not {describe(nxt)}", widget, f"{path}/next")
    elif nxt:
        run.links.append((run.state_index, index, nxt, transition.get("event")))


def check_transition_conditions(
    run: _Run, transition: Mapping[str, Any], event: str | None, spec: WidgetSpec | None, widget: str | None, path: str
) -> None:
    """A split's ``match`` transition has conditions; no other transition has any."""
    is_match = spec is not None and spec.type == "split-based-on" and event == "match"
    if "conditions" in transition:
        if is_match:
            check_conditions(run, transition["conditions"], widget, f"{path}/conditions")
        elif spec is not None:
            run.report(
                "conditions",
                f"only split-based-on 'match' transitions have conditions; remove them from {event!r}",
                widget,
                f"{path}/conditions",
            )
    elif is_match:
        run.report(
            "conditions", "a 'match' transition needs conditions: add at least one", widget, f"{path}/conditions"
        )


def check_conditions(run: _Run, conditions: object, widget: str | None, path: str) -> None:
    """The conditions of a match: objects with friendly_name, arguments, type and value."""
    if not isinstance(conditions, list):
        run.report("json-type", f"conditions must be an array, not {describe(conditions)}", widget, path)
        return
    if not conditions:
        run.report("conditions", "a 'match' transition needs conditions: add at least one", widget, path)
    for index, condition in enumerate(conditions):
        check_condition(run, condition, widget, f"{path}/{index}")


def check_condition(run: _Run, condition: object, widget: str | None, path: str) -> None:
    """One condition; its friendly_name is a label Studio never renders, so its Liquid is not read."""
    if not isinstance(condition, dict):
        run.report(
            "not-an-object",
            f"a condition is an object with friendly_name, arguments, type and value, not {describe(condition)}",
            widget,
            path,
        )
        return
    for key in _CONDITION_KEYS:
        if key not in condition:
            run.report("missing-key", f"the condition has no {key!r}: add it", widget, f"{path}/{key}")
    for key in ("friendly_name", "value"):
        if key in condition and not isinstance(condition[key], str):
            run.report(
                "json-type",
                f"{key} must be a string, not {describe(condition[key])}" + _type_fix("string", condition[key]),
                widget,
                f"{path}/{key}",
            )
    arguments = condition.get("arguments")
    if "arguments" in condition and not (
        isinstance(arguments, list) and all(isinstance(argument, str) for argument in arguments)
    ):
        run.report(
            "json-type",
            f'arguments must be an array of strings, e.g. ["{{{{widgets.x.Digits}}}}"], not {describe(arguments)}',
            widget,
            f"{path}/arguments",
        )
    condition_type = condition.get("type")
    if "type" in condition:
        if not isinstance(condition_type, str) or condition_type not in _CONDITION_TYPE_SET:
            run.report(
                "enum",
                f"condition type {condition_type!r} is not one of the 17 split types: "
                f"{suggest(str(condition_type), CONDITION_TYPES)}",
                widget,
                f"{path}/type",
            )
        else:
            check_condition_value(run, condition_type, condition.get("value"), widget, f"{path}/value")
    for key in ("arguments", "value"):
        if key in condition:
            scan_value(run, condition[key], f"{path}/{key}")


def check_condition_value(run: _Run, condition_type: str, value: object, widget: str | None, path: str) -> None:
    """Date, time and number conditions compare with a value of that form."""
    check = _CONDITION_FORMATS.get(condition_type)
    if check is None or not isinstance(value, str) or "${" in value or is_template(value):
        return
    pattern, wanted = check
    if not pattern.fullmatch(value.strip()):
        run.report("condition-value", f"{condition_type} compares with {wanted}, not {value!r}", widget, path)


# --- the graph ------------------------------------------------------------------------------------------


@dataclass
class _Graph:
    """The states as nodes: names, types, index by name and the edges of the transitions that resolve."""

    names: list[str | None]
    types: list[str | None]
    index_of: dict[str, int]
    edges: list[list[int]]


def check_graph(run: _Run, states: Sequence[object], initial_state: str | None) -> None:
    """Unique names, transitions to existing widgets, the start, reachability, Liquid order, trigger fit."""
    graph = _Graph([], [], {}, [[] for _ in states])
    for index, state in enumerate(states):
        name = state.get("name") if isinstance(state, dict) else None
        widget_type = state.get("type") if isinstance(state, dict) else None
        graph.names.append(name if isinstance(name, str) else None)
        graph.types.append(widget_type if isinstance(widget_type, str) else None)
        if isinstance(name, str):
            check_unique_name(run, graph, name, index)
    triggers = [index for index, widget_type in enumerate(graph.types) if widget_type == "trigger"]
    check_triggers(run, triggers, graph.names)
    start = check_start(run, initial_state, graph) if states else None
    trigger_events = resolve_links(run, graph, start)
    check_reachable(run, graph, [start] if start is not None else triggers)
    check_references(run, graph)
    if start is not None:
        check_trigger_fit(run, trigger_events, graph)


def check_unique_name(run: _Run, graph: _Graph, name: str, index: int) -> None:
    """No two widgets share a name."""
    first = graph.index_of.setdefault(name, index)
    if first != index:
        run.report(
            "duplicate-name",
            f"name {name!r} is already used by widget #{first}; rename one of them",
            name,
            f"#/states/{index}/name",
        )


def resolve_links(run: _Run, graph: _Graph, start: int | None) -> list[tuple[str, int]]:
    """Turn each recorded ``next`` into an edge, reporting those to no widget; returns the trigger's edges."""
    trigger_events: list[tuple[str, int]] = []
    for index, number, nxt, event in run.links:
        target = graph.index_of.get(nxt)
        if target is None:
            run.report(
                "unknown-next",
                f"transition {event!r} leads to {nxt!r}, which is not a widget of this flow: "
                f"{suggest(nxt, list(graph.index_of))}",
                graph.names[index],
                f"#/states/{index}/transitions/{number}/next",
            )
            continue
        graph.edges[index].append(target)
        if index == start:
            trigger_events.append((str(event), target))
    return trigger_events


def check_triggers(run: _Run, triggers: list[int], names: list[str | None]) -> None:
    """A flow has one trigger."""
    if not triggers:
        run.report(
            "no-trigger",
            'the flow has no trigger, so nothing starts it: add one ({"type": "trigger", "name": "Trigger"}) and '
            "name it in initial_state",
            None,
            "#/states",
        )
    for index in triggers[1:]:
        run.report(
            "trigger-count",
            f"a flow has one trigger, but {names[triggers[0]]!r} is one already; remove this one or make it "
            "another widget type",
            names[index],
            f"#/states/{index}/type",
        )


def check_start(run: _Run, initial_state: str | None, graph: _Graph) -> int | None:
    """The index of the trigger ``initial_state`` names, reporting it when it names none."""
    if initial_state is None:
        return None
    start = graph.index_of.get(initial_state)
    if start is None:
        run.report(
            "initial-state",
            f"initial_state {initial_state!r} names no widget: {suggest(initial_state, [n for n in graph.names if n])}",
            None,
            "#/initial_state",
        )
    elif graph.types[start] != "trigger":
        run.report(
            "initial-state",
            f"initial_state {initial_state!r} is a {graph.types[start]} widget; set it to the trigger's name",
            None,
            "#/initial_state",
        )
        return None
    return start


def check_reachable(run: _Run, graph: _Graph, roots: list[int]) -> None:
    """Every widget but the trigger is reached from it."""
    reached = reachable(graph.edges, roots)
    for index, name in enumerate(graph.names):
        if not reached[index] and graph.types[index] != "trigger" and name is not None:
            run.report(
                "unreachable",
                f"no trigger event leads to {name!r}: connect it from another widget or delete it",
                name,
                f"#/states/{index}",
            )


def check_references(run: _Run, graph: _Graph) -> None:
    """``{{widgets.NAME.OUTPUT}}`` names a widget that runs before, on some path, and an output of its type."""
    after: list[int] | None = None
    for state_index, name, read, path in run.references:
        source = graph.index_of.get(name)
        widget = graph.names[state_index]
        if source is None:
            run.report(
                "unknown-widget-reference",
                f"{{{{widgets.{name}}}}} names no widget of this flow, so it renders empty: "
                f"{_close_name(name, graph.index_of)}",
                widget,
                path,
            )
            continue
        outputs = WIDGET_OUTPUTS.get(graph.types[source] or "") if read else None
        if outputs is not None:
            for output in read:
                if output not in outputs.names and output not in LIQUID_PROPERTIES:
                    check_output(run, graph.types[source] or "", outputs, name, output, widget, path)
        if state_index in graph.edges[source]:
            continue  # the usual case, read right after: no need for the reachability sets
        if after is None:
            after = descendants(graph.edges)
        if not after[source] >> state_index & 1:
            run.report(
                "reference-not-before",
                f"{{{{widgets.{name}}}}} is read before {name!r} runs: no path leads from {name!r} to {widget!r}; "
                f"read it only after {name!r}",
                widget,
                path,
            )


def check_output(
    run: _Run, widget_type: str, outputs: WidgetOutputs, name: str, output: str, widget: str | None, path: str
) -> None:
    """Report a read of an output the widget's type does not store (it renders empty; Studio accepts it)."""
    close = _close_output(output, outputs)
    hint = f"did you mean {close!r}? " if close else ""
    if close and close.casefold() == output.casefold():
        hint = f"did you mean {close!r}? (case matters in Liquid) "
    listed = ", ".join(outputs.own) + (f", and {outputs.also_label}" if outputs.also else "")
    note = f" (not every name is confirmed: {outputs.unverified})" if outputs.unverified and close is None else ""
    run.report(
        "unknown-widget-output",
        f"{{{{widgets.{name}.{output}}}}} reads {output!r}, which {name!r} ({widget_type}) does not store, so it "
        f"renders empty: {hint}{widget_type} stores {listed}{note}",
        widget,
        path,
    )


def _close_output(output: str, outputs: WidgetOutputs) -> str | None:
    """The output ``output`` is a near miss of: the same name in another case, else the closest spelling."""
    folded = output.casefold()
    same = sorted(candidate for candidate in outputs.names if candidate.casefold() == folded)
    if same:
        return same[0]
    close = difflib.get_close_matches(output, [*outputs.own, *sorted(outputs.also)], n=1, cutoff=0.75)
    return close[0] if close else None


def _close_name(name: str, names: Mapping[str, int]) -> str:
    """A "did you mean" for a widget name, or how to fix it (never a list of every widget)."""
    hint = suggest(name, list(names))
    return hint if hint.startswith("did you mean") else "rename the reference to a widget of this flow, or remove it"


def check_trigger_fit(run: _Run, trigger_events: list[tuple[str, int]], graph: _Graph) -> None:
    """Voice widgets are reached by a call; REST-API-only widgets only from the REST API."""
    needs = [
        (index, spec)
        for index, widget_type in enumerate(graph.types)
        if (spec := CATALOGUE.get(widget_type or "")) is not None and spec.requires is not None
    ]
    if not needs:
        return
    events = [event for event, _ in trigger_events]
    reaching = events_reaching(graph.edges, [target for _, target in trigger_events])
    for index, spec in needs:
        found = [event for bit, event in enumerate(events) if reaching[index] >> bit & 1]
        if not found:
            continue
        name = graph.names[index]
        if spec.requires == "rest_api":
            others = [event for event in found if event != REST_API_EVENT]
            if others:
                run.report(
                    "rest-api-only",
                    f"{spec.type} can only be used in flows triggered by the REST API, but {name!r} is reached from "
                    f"{', '.join(others)}; connect it only under {REST_API_EVENT}",
                    name,
                    f"#/states/{index}",
                    unconfirmed=_unconfirmed(spec),
                )
        elif spec.requires == "voice" and all(event in MESSAGING_EVENTS for event in found):
            run.report(
                "voice-on-messaging",
                f"{spec.type} needs a call, but {name!r} is reached only from {', '.join(found)} (messaging); "
                "connect it under incomingCall or use a messaging widget",
                name,
                f"#/states/{index}",
            )
