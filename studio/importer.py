"""Import: turn a Studio Console export into readable builder code.

:func:`import_definition` takes a decoded flow definition, or a single widget state, and returns the
source of a Python module. Run with no arguments, the module prints JSON equal to its input
(``json.loads(a) == json.loads(b)``): state order, transition order (also events without ``next``),
offsets, unknown properties, string-versus-number types, flags and description are all kept. Each
``${NAME}`` placeholder becomes a :class:`~studio.params.Parameter`.

Widgets are written with their typed class when the state fits it; a state that does not (an unknown
type, a transition shape the class cannot express) is written as a ``GenericWidget`` with its JSON as
is, so every definition imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.catalogue import WIDGET_CLASS_BY_TYPE
from studio.codegen import IMPORT_WIDTH, INDENT, WIDTH, Literals, Names, constant_case, quote, snake_case
from studio.model import Event, Widget
from studio.params import PLACEHOLDER
from studio.spec import CONDITION_TYPES, STATE_KEYS, PropSpec, WidgetSpec
from studio.validate import v1_export_problem

_ENVELOPE_KEYS = ("description", "flags", "initial_state", "states")
_DEFAULT_CONDITION_VALUES = {"is_blank": "Is Blank", "is_not_blank": "Is Not Blank"}


class FlowImportError(ValueError):
    """The input cannot be written as builder code (the message says where and how to fix it)."""


def is_flow_definition(data: object) -> bool:
    """True for a flow definition (a ``states`` list), False for anything else (e.g. one widget state)."""
    return isinstance(data, Mapping) and "states" in data


@dataclass(frozen=True)
class Registration:
    """How an imported flow registers itself in a project (``flexctl import --as``).

    The module imports ``registry`` (``from <package> import registry``), decorates ``build_flow`` with
    ``@registry.flow(name, friendly_name=...)`` and declares each parameter with the expression given here
    (``registry.workflow_sid("Sales", parameter="SALES_WORKFLOW_SID")``), with a comment above it.
    """

    name: str
    friendly_name: str
    declarations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Parameter name -> (expression, comment); a parameter not here stays ``Parameter("NAME")``."""
    package: str = "flows"


def import_definition(data: object, *, source: str | None = None, registration: Registration | None = None) -> str:
    """Python module source that rebuilds ``data``, a flow definition or a single widget state.

    Args:
        data: the decoded JSON.
        source: where it came from (a file name), for the module docstring.
        registration: write a flow that registers itself (flow definitions only).

    Raises:
        FlowImportError: the input is no flow definition or widget state.
    """
    if is_flow_definition(data):
        assert isinstance(data, Mapping)
        v1 = v1_export_problem(data["states"]) if isinstance(data["states"], list) else None
        if v1 is not None:
            raise FlowImportError(v1)
        return _FlowWriter(data, source, registration).module()
    if isinstance(data, Mapping) and "type" in data:
        return _StateWriter(data, source).module()
    raise FlowImportError(
        "expected a Studio flow definition (an object with initial_state and states) or a single widget "
        "state (an object with name, type, transitions and properties)"
    )


@dataclass
class _Plan:
    """How one state is written: its variable, constructor call and connection statements."""

    variable: str
    class_name: str
    arguments: list[tuple[str | None, Any]] = field(default_factory=list)
    # (kind, payload): ("port", (attribute, target)), ("on", (event, target)), ("when", (conditions, target))
    connections: list[tuple[str, Any]] = field(default_factory=list)


class _Writer:
    """What flow and single-state imports share: parameters, names and the writing of widgets."""

    def __init__(self, data: Mapping[str, Any], source: str | None, in_flow: bool) -> None:
        self.data = data
        self.source = source
        self.in_flow = in_flow
        self.names = Names({"flow", "studio", "build_flow", "build_widget", "Parameter", "Condition"})
        self.imports: set[str] = set()
        self.constants: dict[str, str] = {}
        for parameter in sorted(set(_placeholders(data))):
            self.constants[parameter] = self.names.claim(constant_case(parameter))
        self.literals = Literals(self.constants)

    def parameter_lines(self, declarations: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
        lines: list[str] = []
        for name, constant in self.constants.items():
            expression, comment = (declarations or {}).get(name, ("", ""))
            if comment:
                lines += [f"# {line}" for line in _wrap(comment, WIDTH - 2)]
            if not expression:
                self.imports.add("Parameter")
                expression = f"Parameter({quote(name)})"
            lines.append(f"{constant} = {expression}")
        return lines

    # -- one state ------------------------------------------------------------------------------------

    def state_name(self, index: int, state: object) -> str:
        """The state's name, after checking the state can be imported at all."""
        where = f"state #{index}" if self.in_flow else "the widget"
        if not isinstance(state, Mapping):
            raise FlowImportError(f"{where} is not an object: {state!r}")
        name = state.get("name")
        if not isinstance(name, str) or not name:
            raise FlowImportError(
                f"{where} has no name (a non-empty string): add {STATE_KEYS['name']} and import again"
            )
        for key, fix in STATE_KEYS.items():
            if key not in state:
                raise FlowImportError(f"{where} ({name!r}) has no {key!r}: add {fix} and import again")
        if not isinstance(state["type"], str):
            raise FlowImportError(f"{where} ({name!r}) has a type that is not a string: {state['type']!r}")
        extra_keys = [key for key in state if key not in STATE_KEYS]
        if extra_keys:
            raise FlowImportError(
                f"{where} ({name!r}) has keys Studio does not know ({', '.join(map(repr, extra_keys))}): "
                "remove them and import again"
            )
        return name

    def plan(self, state: Mapping[str, Any], variable: str, variables: Mapping[str, str]) -> _Plan:
        cls = WIDGET_CLASS_BY_TYPE.get(state["type"])
        if cls is not None:
            typed = self.typed_plan(cls, variable, state, variables)
            if typed is not None:
                return typed
        return self.generic_plan(variable, state, variables)

    def typed_plan(
        self, cls: type[Widget], variable: str, state: Mapping[str, Any], variables: Mapping[str, str]
    ) -> _Plan | None:
        properties, transitions = state["properties"], state["transitions"]
        if not isinstance(properties, Mapping) or not isinstance(transitions, list):
            return None
        spec = cls.spec
        plan = _Plan(variable, cls.__name__)
        if not (cls.TYPE == "trigger" and state["name"] == "Trigger"):
            plan.arguments.append((None, state["name"]))
        extra: dict[str, Any] = {}
        by_json = spec.props
        for key, value in properties.items():
            prop = by_json.get(key)
            if key == "offset" or prop is None or not _fits(prop, value):
                continue
            plan.arguments.append((prop.attr, _as_keyword_value(prop, value)))
        for prop in by_json.values():
            if prop.required and not (prop.json in properties and _fits(prop, properties[prop.json])):
                return None
        for key, value in properties.items():
            prop = by_json.get(key)
            if key != "offset" and (prop is None or not _fits(prop, value)):
                extra[key] = value
        self.offset_arguments(plan, properties, extra)
        if extra:
            plan.arguments.append(("extra", extra))
        events = self.typed_connections(cls, spec, plan, transitions, properties, variables)
        if events is None:
            return None
        default = list(spec.events)
        if cls.TYPE == "split-based-on":
            default = ["noMatch", *("match",) * events.count("match")]
        if events != default:
            plan.arguments.append(("event_order", tuple(events)))
        return plan

    def offset_arguments(self, plan: _Plan, properties: Mapping[str, Any], extra: dict[str, Any]) -> None:
        offset = properties.get("offset")
        if _is_offset(offset):
            assert isinstance(offset, Mapping)
            plan.arguments.append(("offset", (offset["x"], offset["y"])))
            return
        if "offset" in properties:
            extra["offset"] = offset
        if self.in_flow:
            plan.arguments.append(("offset", None))

    def typed_connections(
        self,
        cls: type[Widget],
        spec: WidgetSpec,
        plan: _Plan,
        transitions: list[Any],
        properties: Mapping[str, Any],
        variables: Mapping[str, str],
    ) -> list[str] | None:
        """The events in order, with connections added to ``plan``; None if the class cannot express them."""
        attributes = {event.event: attr for attr, event in _events(cls)}
        is_split = cls.TYPE == "split-based-on"
        events: list[str] = []
        for transition in transitions:
            if not isinstance(transition, Mapping):
                return None
            event, target = transition.get("event"), transition.get("next")
            allowed = {"event", "next", "conditions"} if is_split and event == "match" else {"event", "next"}
            if not set(transition) <= allowed or not isinstance(event, str):
                return None
            if "next" in transition and (not isinstance(target, str) or not target):
                return None
            if is_split and event == "match":
                conditions = _conditions(transition.get("conditions"), properties.get("input"))
                if conditions is None:
                    return None
                plan.connections.append(("when", (conditions, _target(target, variables))))
            elif event not in attributes or event in events:
                return None
            elif target is not None:
                plan.connections.append(("port", (attributes[event], _target(target, variables))))
            events.append(event)
        if not is_split and not set(events) <= set(spec.events):
            return None
        return events

    def generic_plan(self, variable: str, state: Mapping[str, Any], variables: Mapping[str, str]) -> _Plan:
        self.imports.add("GenericWidget")
        plan = _Plan(variable, "GenericWidget")
        plan.arguments.append((None, state["name"]))
        plan.arguments.append(("type", state["type"]))
        properties = state["properties"]
        extra: dict[str, Any] = {}
        if isinstance(properties, Mapping):
            rest = {key: value for key, value in properties.items() if key != "offset"}
            if rest:
                plan.arguments.append(("properties", rest))
            self.offset_arguments(plan, properties, extra)
            if extra:
                plan.arguments.append(("extra", extra))
        else:
            raise FlowImportError(f"widget {state['name']!r}: properties must be an object, not {properties!r}")
        transitions = state["transitions"]
        if not isinstance(transitions, list):
            raise FlowImportError(f"widget {state['name']!r}: transitions must be an array, not {transitions!r}")
        simple = all(
            isinstance(t, Mapping)
            and set(t) <= {"event", "next"}
            and isinstance(t.get("event"), str)
            and t["event"]
            and ("next" not in t or (isinstance(t["next"], str) and t["next"]))
            for t in transitions
        )
        events = [t["event"] for t in transitions] if simple else []
        if simple and len(set(events)) == len(events):
            if events:
                plan.arguments.append(("event_order", tuple(events)))
            for transition in transitions:
                if "next" in transition:
                    plan.connections.append(("on", (transition["event"], _target(transition["next"], variables))))
        elif transitions:
            plan.arguments.append(("transitions", transitions))
        return plan

    # -- writing --------------------------------------------------------------------------------------

    def call(self, head: str, arguments: Sequence[tuple[str | None, Any]], indent: int, tail: str) -> str:
        """``head(arguments)tail`` on one line if it fits, else one argument per line."""
        flat = [self.keyword(keyword, value, 0, 0) for keyword, value in arguments]
        one_line = " " * indent + head + ", ".join(flat) + tail
        if "\n" not in one_line and len(one_line) <= WIDTH:
            return one_line
        inner = indent + INDENT
        lines = [" " * indent + head]
        lines += [f"{' ' * inner}{self.keyword(keyword, value, inner, inner)}," for keyword, value in arguments]
        lines.append(" " * indent + tail)
        return "\n".join(lines)

    def construction(self, plan: _Plan, indent: int, lead: str) -> str:
        """The constructor call after ``lead`` (an assignment, ``return `` or nothing)."""
        self.imports.add(plan.class_name)
        return self.call(f"{lead}{plan.class_name}(", plan.arguments, indent, ")")

    def keyword(self, keyword: str | None, value: Any, indent: int, column: int) -> str:
        """``keyword=value`` (or the value alone) as source starting at ``column``."""
        prefix = "" if keyword is None else f"{keyword}="
        column += len(prefix)
        if isinstance(value, _Source):
            return prefix + value.code
        if isinstance(value, _KeyValuePairs):
            value = value.pairs
        return prefix + self.literals.value(value, indent, column)

    def connection(self, plan: _Plan, kind: str, payload: Any, indent: int) -> str:
        pad = " " * indent
        if kind == "port":
            attribute, target = payload
            return f"{pad}{plan.variable}.{attribute} >> {target}"
        if kind == "on":
            event, target = payload
            return f"{pad}{plan.variable}.on({quote(event)}) >> {target}"
        conditions, target = payload
        self.imports.add("Condition")
        tail = ")" + ("" if target is None else f" >> {target}")
        texts = [(None, _Source(self.condition(condition, 0))) for condition in conditions]
        one_line = self.call(f"{plan.variable}.when(", texts, indent, tail)
        if "\n" not in one_line:
            return one_line
        texts = [(None, _Source(self.condition(condition, indent + INDENT))) for condition in conditions]
        inner = " " * (indent + INDENT)
        return pad + f"{plan.variable}.when(\n" + "".join(f"{inner}{text.code},\n" for _, text in texts) + pad + tail

    def condition(self, condition: _ConditionCall, indent: int) -> str:
        arguments: list[tuple[str | None, Any]] = []
        if condition.value is not None:
            arguments.append((None, condition.value))
        if condition.friendly_name is not None:
            arguments.append(("friendly_name", condition.friendly_name))
        if condition.arguments is not None:
            arguments.append(("arguments", condition.arguments))
        return self.call(f"Condition.{condition.type}(", arguments, indent, ")").lstrip()

    def header(self, title: str, runs: str) -> list[str]:
        origin = f"Imported from {self.source} by `flexctl import`." if self.source else "Imported by `flexctl import`."
        lines = [f'"""{_doc_text(title)}', "", _doc_text(origin), *_wrap(runs, WIDTH), '"""', ""]
        return [line if len(line) <= WIDTH else line[: WIDTH - 3] + "..." for line in lines]

    def imports_line(self) -> str:
        names = sorted(self.imports, key=lambda name: (0 if name.isupper() else 1 if name[0].isupper() else 2, name))
        line = f"from studio import {', '.join(names)}"
        if len(line) <= IMPORT_WIDTH:
            return line
        return "from studio import (\n" + "".join(f"    {name},\n" for name in names) + ")"


class _FlowWriter(_Writer):
    def __init__(self, data: Mapping[str, Any], source: str | None, registration: Registration | None) -> None:
        super().__init__(data, source, in_flow=True)
        self.registration = registration
        if registration is not None:
            self.names.claim("registry")

    def module(self) -> str:
        states = self.data["states"]
        if not isinstance(states, list):
            raise FlowImportError(f"states must be an array of widget states, not {type(states).__name__}")
        names = [self.state_name(index, state) for index, state in enumerate(states)]
        state_variables = [self.names.claim(snake_case(name)) for name in names]
        variables: dict[str, str] = {}
        for name, variable in zip(names, state_variables, strict=True):
            variables.setdefault(name, variable)
        plans = [self.plan(state, variable, variables) for state, variable in zip(states, state_variables, strict=True)]
        self.imports.add("Flow")
        flow_call = self.flow_call(states)
        used = {plan.variable for plan in plans if plan.connections}
        used |= {payload[-1] for plan in plans for _, payload in plan.connections}
        body = [
            self.construction(plan, 2 * INDENT, f"{plan.variable} = " if plan.variable in used else "")
            for plan in plans
        ]
        connections = [
            self.connection(plan, kind, payload, 2 * INDENT) for plan in plans for kind, payload in plan.connections
        ]
        description = self.data.get("description")
        has_description = isinstance(description, str) and description.strip()
        title = f"Studio flow: {description}" if has_description else "Studio flow."
        registration = self.registration
        parameters = self.parameter_lines(registration.declarations if registration else None)
        runs = "Run it to print the definition, with parameters left as ${NAME} placeholders."
        if registration is not None:
            title = f"Studio flow {registration.friendly_name!r}, registered as {registration.name!r}."
            runs = (f"A stack deploys it when a number or address starts {registration.name} (or its flows list "
                    "names it). " + runs)
        lines = [*self.header(title, runs)]
        if registration is not None:
            lines.append(f"from {registration.package} import registry")
        lines += [self.imports_line(), ""]
        if parameters:
            lines += [*parameters, ""]
        lines.append("")
        if registration is not None:
            lines.append(self.call("@registry.flow(", [(None, registration.name),
                                                       ("friendly_name", registration.friendly_name)], 0, ")"))
        lines += ["def build_flow() -> Flow:", '    """Build the flow."""', flow_call, *body]
        if connections:
            lines += ["", *connections]
        lines += [
            "    return flow",
            "",
            "",
            'if __name__ == "__main__":',
            "    print(build_flow().to_json(placeholders=True))",
            "",
        ]
        return "\n".join(lines)

    def flow_call(self, states: Sequence[Mapping[str, Any]]) -> str:
        data = self.data
        arguments: list[tuple[str | None, Any]] = []
        extra: dict[str, Any] = {}
        if "description" in data:
            if isinstance(data["description"], str):
                arguments.append((None, data["description"]))
            else:
                extra["description"] = data["description"]
        flags = data.get("flags")
        if "flags" not in data:
            arguments.append(("allow_concurrent_calls", None))
        elif (
            isinstance(flags, Mapping)
            and set(flags) == {"allow_concurrent_calls"}
            and isinstance(flags["allow_concurrent_calls"], bool)
        ):
            if flags["allow_concurrent_calls"] is not True:
                arguments.append(("allow_concurrent_calls", False))
        else:
            arguments.append(("allow_concurrent_calls", None))
            extra["flags"] = flags
        initial_state = data.get("initial_state")
        if not isinstance(initial_state, str):
            raise FlowImportError(
                "the definition has no initial_state (a string): set it to the trigger's name and import again"
            )
        default = next((state["name"] for state in states if state["type"] == "trigger"), "")
        if initial_state != default:
            arguments.append(("initial_state", initial_state))
        extra.update({key: value for key, value in data.items() if key not in _ENVELOPE_KEYS})
        if extra:
            arguments.append(("extra", extra))
        names = [state["name"] for state in states]
        if len(set(names)) != len(names):
            arguments.append(("unique_names", False))  # reproduce the input, which Studio would reject
        return self.call("with Flow(", arguments, INDENT, ") as flow:")


class _StateWriter(_Writer):
    def __init__(self, data: Mapping[str, Any], source: str | None) -> None:
        super().__init__(data, source, in_flow=False)

    def module(self) -> str:
        name = self.state_name(0, self.data)
        plan = self.plan(self.data, self.names.claim(snake_case(name)), {})
        self.imports.add("canonical_json")
        connections = [self.connection(plan, kind, payload, INDENT) for kind, payload in plan.connections]
        if connections:
            body = [self.construction(plan, INDENT, f"{plan.variable} = "), *connections, f"    return {plan.variable}"]
        else:
            body = [self.construction(plan, INDENT, "return ")]
        parameters = self.parameter_lines()
        lines = [
            *self.header(
                f"Studio widget {name!r} ({plan.class_name}).",
                "Run it to print the widget state, with parameters left as ${NAME} placeholders.",
            ),
            self.imports_line(),
            "",
        ]
        if parameters:
            lines += [*parameters, ""]
        lines += [
            "",
            f"def build_widget() -> {plan.class_name}:",
            '    """Build the widget."""',
            *body,
            "",
            "",
            'if __name__ == "__main__":',
            "    print(canonical_json(build_widget().to_state(placeholders=True)))",
            "",
        ]
        return "\n".join(lines)


# --- helpers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyValuePairs:
    """A key/value list with repeated keys, written as a tuple of (key, value) pairs."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Source:
    """Python source written as is by the literal formatter."""

    code: str


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _doc_text(text: str) -> str:
    """One line that is safe inside a docstring (no backslashes, no double quotes)."""
    line = (text.splitlines() or [""])[0]
    return "".join(char for char in line if char.isprintable()).replace("\\", "/").replace('"', "'")


@dataclass(frozen=True)
class _ConditionCall:
    type: str
    value: str | None
    friendly_name: str | None
    arguments: list[str] | None


def _placeholders(value: object) -> list[str]:
    """Every placeholder name in the string values of a JSON value (keys are never filled)."""
    if isinstance(value, str):
        return PLACEHOLDER.findall(value) if "${" in value else []
    if isinstance(value, Mapping):
        return [name for item in value.values() for name in _placeholders(item)]
    if isinstance(value, list):
        return [name for item in value for name in _placeholders(item)]
    return []


def _events(cls: type[Widget]) -> list[tuple[str, Event]]:
    found: list[tuple[str, Event]] = []
    for klass in reversed(cls.__mro__):
        found.extend((attr, value) for attr, value in vars(klass).items() if isinstance(value, Event))
    return found


def _is_offset(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and set(value) == {"x", "y"}
        and all(isinstance(value[axis], int) and not isinstance(value[axis], bool) for axis in "xy")
    )


def _fits(prop: PropSpec, value: object) -> bool:
    """True if the keyword argument renders exactly ``value``."""
    kind = prop.kind
    if kind in ("string", "numeric_string", "boolean_string", "json_string"):
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "key_values":
        return isinstance(value, list) and all(
            isinstance(item, Mapping)
            and set(item) == {"key", "value"}
            and isinstance(item["key"], str)
            and isinstance(item["value"], str)
            for item in value
        )
    if kind == "string_list":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == "array":
        return isinstance(value, list)
    return isinstance(value, Mapping)


def _as_keyword_value(prop: PropSpec, value: Any) -> Any:
    if prop.kind != "key_values":
        return value
    keys = [item["key"] for item in value]
    # a dict keyword's keys are written as plain strings, so keys with placeholders take the pairs form
    if len(set(keys)) == len(keys) and not any("${" in key for key in keys):
        return {item["key"]: item["value"] for item in value}
    return _KeyValuePairs(tuple((item["key"], item["value"]) for item in value))


def _target(name: str | None, variables: Mapping[str, str]) -> str | None:
    if name is None:
        return None
    return variables.get(name) or quote(name)


def _conditions(conditions: object, split_input: object) -> list[_ConditionCall] | None:
    if not isinstance(conditions, list):
        return None
    calls = []
    for condition in conditions:
        if not (
            isinstance(condition, Mapping)
            and set(condition) == {"friendly_name", "arguments", "type", "value"}
            and condition["type"] in CONDITION_TYPES
            and isinstance(condition["value"], str)
            and isinstance(condition["friendly_name"], str)
            and isinstance(condition["arguments"], list)
            and all(isinstance(argument, str) for argument in condition["arguments"])
        ):
            return None
        kind, value = condition["type"], condition["value"]
        default_name = f"If value {kind} {value}"
        calls.append(
            _ConditionCall(
                type=kind,
                value=None if _DEFAULT_CONDITION_VALUES.get(kind) == value else value,
                friendly_name=None if condition["friendly_name"] == default_name else condition["friendly_name"],
                arguments=None if condition["arguments"] == [split_input] else list(condition["arguments"]),
            )
        )
    return calls
