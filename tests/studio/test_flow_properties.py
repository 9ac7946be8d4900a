"""Property-based tests (hypothesis): determinism and the import round trip on generated flows."""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from studio import (
    CATALOGUE,
    Condition,
    Flow,
    GatherInputOnCall,
    SayPlay,
    SetVariables,
    SplitBasedOn,
    Trigger,
    Widget,
    canonical_json,
)
from studio.importer import import_definition
from studio.spec import CONDITION_TYPES, PropSpec
from tests.studio.flow_samples import run_generated, sample_json

SETTINGS = settings(max_examples=75, deadline=None)

# Text that stresses the code writer: quotes, backslashes, braces, Liquid, placeholders, any Unicode.
text_atoms = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(
        [
            "{{widgets.a.Digits}}",
            "{% if flow.data.x %}y{% endif %}",
            "${DOMAIN}",
            "${workflow_sid}",
            "https://",
            '"',
            "'",
            "\\",
            "\n",
            "{",
            "}",
            " ",
            "x" * 90,
        ]
    ),
)
texts = st.lists(text_atoms, max_size=4).map("".join)
json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False) | texts
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)
widget_names = st.text(string.ascii_letters + string.digits + "_- .", min_size=1, max_size=10)
widget_types = st.sampled_from([*CATALOGUE, "run-model-inference", "custom-widget"])


def property_value(prop: PropSpec) -> st.SearchStrategy[Any]:
    """A value Studio would store for ``prop`` (mostly), or any JSON value (sometimes)."""
    typed: st.SearchStrategy[Any] = st.just(sample_json(prop))
    if prop.kind in ("string", "numeric_string", "boolean_string", "json_string"):
        typed = texts
    elif prop.kind == "integer":
        typed = st.integers(-5, 100) | texts
    elif prop.kind == "boolean":
        typed = st.booleans()
    elif prop.kind == "key_values":
        typed = st.lists(st.fixed_dictionaries({"key": texts, "value": texts}), max_size=3)
    elif prop.kind == "string_list":
        typed = st.lists(texts, max_size=3)
    return st.one_of(typed, typed, json_values)


def condition() -> st.SearchStrategy[Any]:
    valid = st.fixed_dictionaries(
        {
            "friendly_name": texts,
            "arguments": st.lists(texts, max_size=2),
            "type": st.sampled_from(CONDITION_TYPES),
            "value": texts,
        }
    )
    return st.one_of(valid, valid, st.dictionaries(texts, json_values, max_size=2))


@st.composite
def transition(draw: st.DrawFn, events: list[str], names: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"event": draw(st.sampled_from([*events, "otherEvent"]))}
    target = draw(st.one_of(st.none(), st.sampled_from(names), widget_names, st.just("")))
    if target is not None:
        item["next"] = target
    if item["event"] == "match" and draw(st.integers(0, 4)):
        item["conditions"] = draw(st.lists(condition(), max_size=2))
    return item


@st.composite
def widget_state(draw: st.DrawFn, name: str, names: list[str]) -> dict[str, Any]:
    widget_type = draw(widget_types)
    spec = CATALOGUE.get(widget_type)
    properties: dict[str, Any] = {}
    if spec is not None:
        for prop in spec.props.values():
            if prop.required or draw(st.integers(0, 3)) == 0:
                properties[prop.json] = draw(property_value(prop))
    properties.update(draw(st.dictionaries(texts, json_values, max_size=1)))
    offset = draw(st.sampled_from(["grid", "grid", "none", "odd"]))
    if offset == "grid":
        properties["offset"] = {"x": draw(st.integers(-500, 5000)), "y": draw(st.integers(-500, 5000))}
    elif offset == "odd":
        properties["offset"] = draw(json_values)
    events = list(spec.events) if spec is not None else ["success", "failed"]
    ordered = draw(st.booleans())
    transitions = (
        [{"event": event} for event in events if event != "match"]
        if ordered
        else draw(st.lists(transition(events, names), max_size=4))
    )
    return {"name": name, "type": widget_type, "transitions": transitions, "properties": properties}


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A Studio flow definition: valid-looking, odd, or plainly wrong, but always a list of states."""
    names = ["Trigger", *draw(st.lists(widget_names, max_size=6))]
    states = [draw(widget_state(name, names)) for name in names]
    if draw(st.booleans()):
        states[0]["type"] = "trigger"
    definition: dict[str, Any] = {"states": states, "initial_state": draw(st.sampled_from(names) | widget_names)}
    if draw(st.integers(0, 4)):
        definition["description"] = draw(texts)
    flags = draw(st.sampled_from(["on", "on", "off", "none", "odd"]))
    if flags in ("on", "off"):
        definition["flags"] = {"allow_concurrent_calls": flags == "on"}
    elif flags == "odd":
        definition["flags"] = draw(json_values)
    if draw(st.integers(0, 5)) == 0:
        definition[draw(texts)] = draw(json_values)
    return definition


@SETTINGS
@given(definitions())
def test_import_round_trip_gives_json_equal_to_the_input(definition: dict[str, Any]) -> None:
    assert json.loads(run_generated(import_definition(definition))) == definition


@SETTINGS
@given(definitions())
def test_imported_flow_prints_the_canonical_json_of_its_input(definition: dict[str, Any]) -> None:
    assert run_generated(import_definition(definition)) == canonical_json(definition)


@SETTINGS
@given(st.sampled_from(list(CATALOGUE)).flatmap(lambda t: widget_state(t, ["elsewhere"])))
def test_single_widget_import_round_trips(state: dict[str, Any]) -> None:
    assert json.loads(run_generated(import_definition(state))) == state


# -- flows built with the builder (automatic layout included) --------------------------------------------

# (kind, name) per widget, then (source, event position, target) per connection attempt.
shapes = st.tuples(
    st.lists(st.sampled_from(["say", "vars", "menu", "split"]), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3), st.integers(0, 12)), max_size=20),
)


def build(shape: tuple[list[str], list[tuple[int, int, int]]]) -> Flow:
    kinds, connections = shape
    with Flow("generated") as flow:
        trigger = Trigger()
        widgets: list[Widget] = []
        for index, kind in enumerate(kinds):
            name = f"{kind}_{index}"
            if kind == "say":
                widgets.append(SayPlay(name, say=f"step {index}"))
            elif kind == "vars":
                widgets.append(SetVariables(name, variables={"step": str(index)}))
            elif kind == "menu":
                widgets.append(GatherInputOnCall(name, say="Press a key", number_of_digits=1))
            else:
                widgets.append(SplitBasedOn(name, input=f"{{{{widgets.{kinds[0]}_0.Digits}}}}"))
        trigger.on_incoming_call >> widgets[0]
        used: set[tuple[int, str]] = set()
        for source, position, target in connections:
            widget = widgets[source % len(widgets)]
            if isinstance(widget, SplitBasedOn) and position == 0:
                widget.when(Condition.equal_to(str(target))) >> widgets[target % len(widgets)]
                continue
            events = [event for event in widget.spec.events if event != "match"]
            event = events[position % len(events)]
            if (id(widget), event) not in used:
                used.add((id(widget), event))
                widget.on(event) >> widgets[target % len(widgets)]
    return flow


@SETTINGS
@given(shapes)
def test_same_flow_built_twice_gives_the_same_bytes(shape: tuple[list[str], list[tuple[int, int, int]]]) -> None:
    assert build(shape).to_json() == build(shape).to_json()


@SETTINGS
@given(shapes)
def test_rendering_a_flow_again_gives_the_same_bytes(shape: tuple[list[str], list[tuple[int, int, int]]]) -> None:
    flow = build(shape)
    assert flow.to_json() == flow.to_json()


@SETTINGS
@given(shapes)
def test_built_flow_round_trips_through_import(shape: tuple[list[str], list[tuple[int, int, int]]]) -> None:
    text = build(shape).to_json()
    assert run_generated(import_definition(json.loads(text))) == text
