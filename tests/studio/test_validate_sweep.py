"""The false-pass sweep: every way Studio is shown to reject a flow is an error the validator names.

For every widget type of the catalogue (the trigger too) a valid widget (a real one where a public flow has one that
validates, else sdk-go's testdata, else the builder's) is broken in each way Studio refuses
(../shared/reference/studio-widgets.md §1.2; twilio-api.md §0.4, the 81022 details): a required property dropped,
a property of the wrong JSON type or null, a value (or Liquid) outside an enumeration, Liquid or no SID where a
literal SID goes, an
event the type lacks, a transition to no widget, a duplicate name, a missing or mistyped key, an unknown type. The
validator must report each at Studio's property path, naming the widget; on a type or property no public source
confirms (studio/spec.py) the same problem is a warning that says so. The envelope is swept the same way, and the
catalogue is read against the reference's tables.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from studio.catalogue import CATALOGUE, WIDGET_CLASS_BY_TYPE
from studio.spec import PropSpec, WidgetSpec
from studio.validate import validate_definition, validate_state
from tests.shared_data import CORPUS, SHARED
from tests.studio.flow_samples import console_flow, sample_keyword

JSON = dict[str, Any]
HERE = Path(__file__).parent
REFERENCE = (SHARED / "reference" / "studio-widgets.md").read_text(encoding="utf-8")


# -- the valid widget of each type --------------------------------------------------------------------------------


def _real_definitions() -> Iterator[tuple[str, Any]]:
    """Every real flow definition of the corpus and the audits, by file (or audit id)."""
    paths = [*CORPUS.glob("flows/*.json"), *CORPUS.glob("realworld/flows/*.json"), *HERE.glob("audit6/*.json"),
             *HERE.glob("audit7/*.json")]
    for path in sorted(paths):
        if path.name != "provenance.json":
            yield path.name, json.loads(path.read_text(encoding="utf-8"))
    audit5 = json.loads((HERE / "audit5_flows.json").read_text(encoding="utf-8"))["flows"]
    for sample in audit5:
        yield sample["id"], sample["definition"]


def _without_nexts(state: JSON) -> JSON:
    state = copy.deepcopy(state)
    state["transitions"] = [{k: v for k, v in t.items() if k != "next"} for t in state.get("transitions", [])]
    return state


def _accepted(state: JSON) -> bool:
    return not [p for p in validate_state(state) if p.severity == "error"]


def _base_widgets() -> dict[str, tuple[str, JSON]]:
    """Each catalogue type's valid widget (without its nexts) and where it comes from."""
    found: dict[str, tuple[str, JSON]] = {}
    for source, definition in _real_definitions():
        # A widget of a flow Studio refuses (the seventh audit's generated flow) is no model: it has errors.
        for state in definition["states"] if isinstance(definition, dict) else ():
            if state["type"] in CATALOGUE and state["type"] not in found and _accepted(_without_nexts(state)):
                found[state["type"]] = (source, _without_nexts(state))
    for path in sorted(CORPUS.glob("widgets/*.json")):
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("type") in CATALOGUE and state["type"] not in found and _accepted(_without_nexts(state)):
            found[state["type"]] = (f"sdk-go testdata {path.name}", _without_nexts(state))
    for widget_type, cls in WIDGET_CLASS_BY_TYPE.items():
        if widget_type not in found:
            required = {p.attr: sample_keyword(p) for p in cls.spec.props.values() if p.required}
            found[widget_type] = ("the builder", cls("built", **required).to_state())
    return found


BASE = _base_widgets()
TYPES = sorted(CATALOGUE)


def _trigger_event(spec: WidgetSpec) -> str:
    return {"voice": "incomingCall", "rest_api": "incomingRequest"}.get(spec.requires or "", "incomingMessage")


def base_flow(widget_type: str) -> JSON:
    """A flow Studio accepts holding the valid widget of ``widget_type``: states/0 for the trigger, else states/1."""
    state = copy.deepcopy(BASE[widget_type][1])
    if widget_type == "trigger":
        return {"description": "A New Flow", "flags": {"allow_concurrent_calls": True}, "initial_state": state["name"],
                "states": [state]}
    return console_flow(state, event=_trigger_event(CATALOGUE[widget_type]))


def test_every_catalogue_type_has_a_valid_widget() -> None:
    assert sorted(BASE) == TYPES


@pytest.mark.parametrize("widget_type", TYPES)
def test_the_valid_widget_passes_as_it_is(widget_type: str) -> None:
    assert [str(p) for p in validate_definition(base_flow(widget_type)) if p.severity == "error"] == []


def test_only_widgets_no_public_flow_shows_come_from_the_builder() -> None:
    built = {widget_type for widget_type, (source, _) in BASE.items() if source == "the builder"}
    assert built <= {widget_type for widget_type, spec in CATALOGUE.items() if not spec.confirmed}, built


# -- the mutations -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One way to break a valid flow, and the problem that must name it."""

    id: str
    change: Callable[[JSON], object]
    code: str
    path: str
    widget: str | None
    confirmed: bool = True  # False: a warning saying it is unconfirmed (studio/spec.py)


# Values of every other JSON type, by the type Studio expects; null is "must not be null" (twilio-api.md §0.4).
_WRONG: dict[str, tuple[object, ...]] = {
    "string": (None, True, 7, 1.5, [], {}),
    "integer": (None, True, "abc", "5", 1.5, [], {}),
    "boolean": (None, "true", 1, [], {}),
    "array": (None, "x", 1, True, {}),
    "object": (None, "x", 1, True, []),
}


def _wrong_values(prop: PropSpec) -> tuple[object, ...]:
    values = _WRONG[prop.json_type]
    if prop.kind == "numeric_string":
        # A real Console export wrote send-and-wait-for-reply "timeout": 3600 and Studio took it
        # (tests/studio/test_validate_audit5.py): a number is accepted for a number in a string.
        values = tuple(v for v in values if not (isinstance(v, int) and not isinstance(v, bool)))
    return values


def _set(index: int, *keys: str | int, value: object) -> Callable[[JSON], object]:
    def change(definition: JSON) -> None:
        target: Any = definition["states"][index]
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


def _drop(index: int, *keys: str | int) -> Callable[[JSON], object]:
    def change(definition: JSON) -> None:
        target: Any = definition["states"][index]
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return change


def _add_transition(index: int, transition: object) -> Callable[[JSON], object]:
    return lambda definition: definition["states"][index]["transitions"].append(transition)


def _duplicate(index: int) -> Callable[[JSON], object]:
    return lambda definition: definition["states"].append(copy.deepcopy(definition["states"][index]))


def widget_breaks(widget_type: str) -> Iterator[Break]:
    """Every way to break the valid widget of ``widget_type`` that Studio refuses."""
    spec = CATALOGUE[widget_type]
    index = 0 if widget_type == "trigger" else 1
    state = base_flow(widget_type)["states"][index]
    name, at, n = state["name"], f"#/states/{index}", len(state["transitions"])
    sure = spec.confirmed
    for key, prop in spec.props.items():
        known = sure and not prop.unconfirmed
        where = f"{at}/properties/{key}"
        if prop.required:
            yield Break(f"drop {key}", _drop(index, "properties", key), "required", where, name, known)
        for value in _wrong_values(prop):
            yield Break(f"{key}={value!r}", _set(index, "properties", key, value=value), "json-type", where, name,
                        known)
        for value in ("not-one-of-them", (prop.enum[0].swapcase() if prop.enum else ""),
                      "{{flow.variables.choice}}"):
            if prop.enum and value not in prop.enum:
                yield Break(f"{key}={value!r}", _set(index, "properties", key, value=value), "enum", where, name,
                            known)
        for value in ("{{flow.data.sid}}", "my-subflow", "", f"{prop.sid_prefix}123", "XX" + "0" * 32):
            if prop.literal_sid:  # "must be a valid, non-liquid flow sid": Liquid or a bad value (twilio/ai)
                yield Break(f"{key}={value!r}", _set(index, "properties", key, value=value), "liquid-not-allowed",
                            where, name, known)
        if prop.kind == "key_values":
            for item, code, tail in (({"key": "k"}, "missing-key", "/0/value"), ({"value": "v"}, "missing-key",
                                     "/0/key"), ("k=v", "not-an-object", "/0"), ({"key": 1, "value": "v"},
                                     "json-type", "/0/key")):
                yield Break(f"{key}[{item!r}]", _set(index, "properties", key, value=[item]), code, where + tail,
                            name, known)
        if prop.kind == "string_list":
            yield Break(f"{key}[1]", _set(index, "properties", key, value=[1]), "json-type", where + "/0", name, known)
    yield Break("offset", _set(index, "properties", "offset", value={"x": "1", "y": 0}), "json-type",
                f"{at}/properties/offset", name)
    yield Break("unknown event", _add_transition(index, {"event": "noSuchEvent"}), "invalid-event",
                f"{at}/transitions/{n}/event", name, sure)
    yield Break("event missing", _add_transition(index, {"next": "x"}), "missing-key", f"{at}/transitions/{n}/event",
                name)
    yield Break("event 1", _add_transition(index, {"event": 1}), "json-type", f"{at}/transitions/{n}/event", name)
    yield Break("transition 'x'", _add_transition(index, "x"), "not-an-object", f"{at}/transitions/{n}", name)
    yield Break("next to nothing", _set(index, "transitions", value=[{"event": spec.events[0], "next": "nowhere"}]),
                "unknown-next", f"{at}/transitions/0/next", name)
    yield Break("next 5", _set(index, "transitions", value=[{"event": spec.events[0], "next": 5}]), "json-type",
                f"{at}/transitions/0/next", name)
    yield Break("duplicate name", _duplicate(index), "duplicate-name", f"#/states/{index + 1}/name", name)
    for key in ("name", "type", "transitions", "properties"):
        yield Break(f"no {key}", _drop(index, key), "missing-key", f"{at}/{key}", None if key == "name" else name)
    yield Break("name 1", _set(index, "name", value=1), "json-type", f"{at}/name", None)
    yield Break("type 1", _set(index, "type", value=1), "json-type", f"{at}/type", name)
    yield Break("transitions {}", _set(index, "transitions", value={}), "json-type", f"{at}/transitions", name)
    yield Break("properties []", _set(index, "properties", value=[]), "not-an-object", f"{at}/properties", name)
    yield Break("unknown type", _set(index, "type", value="zzqx-frobnicate"), "unknown-widget-type", f"{at}/type",
                name)
    if sure:
        typo = widget_type[:-1] + ("q" if widget_type[-1] != "q" else "z")
        yield Break("type typo", _set(index, "type", value=typo), "widget-type-typo", f"{at}/type", name)


def split_breaks() -> Iterator[Break]:
    """A split's conditions: each of their four keys required, the 17 types, strings where strings go."""
    definition = base_flow("split-based-on")
    state = definition["states"][1]
    match = next(i for i, t in enumerate(state["transitions"]) if t["event"] == "match")
    at = f"#/states/1/transitions/{match}/conditions/0"
    for key in ("friendly_name", "arguments", "type", "value"):
        yield Break(f"condition without {key}", _drop(1, "transitions", match, "conditions", 0, key), "missing-key",
                    f"{at}/{key}", state["name"])
    for key, value, code in (("type", "equals", "enum"), ("type", 1, "enum"), ("arguments", "x", "json-type"),
                             ("arguments", [1], "json-type"), ("friendly_name", 1, "json-type"),
                             ("value", None, "json-type")):
        yield Break(f"condition {key}={value!r}", _set(1, "transitions", match, "conditions", 0, key, value=value),
                    code, f"{at}/{key}", state["name"])
    yield Break("conditions {}", _set(1, "transitions", match, "conditions", value={}), "json-type",
                f"#/states/1/transitions/{match}/conditions", state["name"])


def _miss(definition: JSON, case: Break) -> str | None:
    """What is wrong with the validator's answer to ``case`` applied to ``definition`` (None when it is right)."""
    case.change(definition)
    problems = validate_definition(definition)
    found = [p for p in problems if p.code == case.code and p.property_path == case.path and p.widget == case.widget]
    if not found:
        return f"{case.id}: no {case.code} at {case.path} naming {case.widget!r}; got {[str(p) for p in problems]}"
    if case.confirmed and not all(p.severity == "error" and p.rejected_by_studio for p in found):
        return f"{case.id}: not an error Studio rejects: {[str(p) for p in found]}"
    # studio/spec.py UNCONFIRMED_*: said, and only a warning
    if not case.confirmed and not all(p.severity == "warning" and "no public source confirms" in p.message
                                      for p in found):
        return f"{case.id}: not a warning saying it is unconfirmed: {[str(p) for p in found]}"
    return None


@pytest.mark.parametrize("widget_type", TYPES)
def test_a_widget_studio_refuses_is_an_error_at_its_path(widget_type: str) -> None:
    cases = [*widget_breaks(widget_type), *(split_breaks() if widget_type == "split-based-on" else ())]
    assert len(cases) > 15
    misses = [miss for case in cases if (miss := _miss(base_flow(widget_type), case)) is not None]
    assert misses == []


# -- the envelope ------------------------------------------------------------------------------------------------


def _top(key: str, value: object) -> Callable[[JSON], object]:
    return lambda definition: definition.__setitem__(key, value)


def _pop(key: str) -> Callable[[JSON], object]:
    return lambda definition: definition.pop(key)


ENVELOPE = [
    Break("no initial_state", _pop("initial_state"), "missing-key", "#/initial_state", None),
    Break("initial_state 1", _top("initial_state", 1), "json-type", "#/initial_state", None),
    Break("initial_state null", _top("initial_state", None), "json-type", "#/initial_state", None),
    Break("initial_state ''", _top("initial_state", ""), "empty", "#/initial_state", None),
    Break("no states", _pop("states"), "missing-key", "#/states", None),
    Break("states {}", _top("states", {}), "json-type", "#/states", None),
    Break("states []", _top("states", []), "state-count", "#/states", None),
    Break("states ['x']", _top("states", ["x"]), "not-an-object", "#/states/0", None),
    Break("flags 'yes'", _top("flags", "yes"), "json-type", "#/flags", None),
    Break("flags null", _top("flags", None), "json-type", "#/flags", None),
    Break("flags {}", _top("flags", {}), "flags", "#/flags", None),
    Break("allow_concurrent_calls 'true'", _top("flags", {"allow_concurrent_calls": "true"}), "json-type",
          "#/flags/allow_concurrent_calls", None),
    Break("allow_concurrent_calls null", _top("flags", {"allow_concurrent_calls": None}), "json-type",
          "#/flags/allow_concurrent_calls", None),
    Break("description 5", _top("description", 5), "json-type", "#/description", None),
    Break("description null", _top("description", None), "json-type", "#/description", None),
    Break("$schema", _top("$schema", "https://schemas.twilio.com/studio/draft/2020/flow"), "schema-url", "#/$schema",
          None),
]


def test_an_envelope_studio_refuses_is_an_error_at_its_path() -> None:
    misses = [miss for case in ENVELOPE if (miss := _miss(base_flow("send-message"), case)) is not None]
    assert misses == []


@pytest.mark.parametrize("definition", [[], "flow", None, 1])
def test_a_definition_that_is_no_object_is_an_error(definition: object) -> None:
    assert [(p.code, p.property_path) for p in validate_definition(definition)] == [("not-an-object", "#")]


# -- the catalogue against the reference -------------------------------------------------------------------------

_CATALOGUE_SECTION = REFERENCE[REFERENCE.index("## 2. Widget catalogue"):REFERENCE.index("## 3. Liquid")]
# The properties cell of each row of the §2 tables: | `type` | properties | events | sources |
REFERENCE_PROPERTIES = {
    match[1]: match[2]
    for match in re.finditer(r"^\| `([a-z0-9-]+)` \| (.*?) \| .*? \|", _CATALOGUE_SECTION, re.MULTILINE)
}
_REQUIRED = re.compile(r"`(\w+)`(?:\s+(?:str|string|int|bool))?\s+(?:\*\*R\*\*|R)(?=[\s,;]|$)")
_TYPED = re.compile(r"`(\w+)`\s+(?:\*\*R\*\*\s+|R\s+)?(?:\*\*)?(str|string|int|bool)\b")
_ENUMERATED = re.compile(r"`(\w+)`(?:\s+\**\w+\**){0,2}\s+\((`[^`]+`(?:\s*[/,]\s*`[^`]+`)+)")
_JSON_TYPE = {"str": "string", "string": "string", "int": "integer", "bool": "boolean"}

# Where the catalogue departs from the reference on purpose, and why.
CONTESTED_REQUIRED = {
    # "R in [sdkgo-def]" only, each contradicted by another source: our "recommended" or one-of warning.
    ("connect-call-to", "caller_id"): "R in [sdkgo-def], not in [qwayk]; every real flow sets it",
    ("make-http-request", "content_type"): "R in [sdkgo-def]; not in [qwayk]",
    ("send-message", "body"): "R in [sdkgo-def], not with a content template (a real flow sends content_sid alone)",
}
SUGGESTED_NOT_ENUM = {
    # Values the reference lists that Studio is not shown to hold a property to (studio/widgets.py _TRIM comment).
    ("record-voicemail", "trim"): "Twilio's own sample POSTs trim 'true' to another widget; no Studio error seen",
    ("connect-virtual-agent-v2", "channel"): "the widget's properties are [qwayk]'s only (unverified)",
}


def test_the_reference_tables_are_read() -> None:
    assert set(REFERENCE_PROPERTIES) - set(CATALOGUE) == {"run-model-inference"}  # declared, not modelled
    assert set(CATALOGUE) - set(REFERENCE_PROPERTIES) == {
        "search-for-a-profile", "resolve-profile", "create-or-update-profile", "update-profile-traits"
    }  # one row, "Profile widgets", no type strings


@pytest.mark.parametrize("widget_type", sorted(set(REFERENCE_PROPERTIES) & set(CATALOGUE)))
def test_the_catalogue_requires_what_the_reference_requires(widget_type: str) -> None:
    cell = REFERENCE_PROPERTIES[widget_type]
    spec = CATALOGUE[widget_type]
    assert set(_REQUIRED.findall(cell)) == {key for key, prop in spec.props.items() if prop.required}
    for (contested_type, key), why in CONTESTED_REQUIRED.items():
        if contested_type == widget_type:
            assert "R in [sdkgo-def]" in cell.replace("**", ""), why
            assert spec.props[key].recommended or any(key in group for group in spec.one_of), why


@pytest.mark.parametrize("widget_type", sorted(set(REFERENCE_PROPERTIES) & set(CATALOGUE)))
def test_the_catalogue_kinds_are_the_reference_types(widget_type: str) -> None:
    spec = CATALOGUE[widget_type]
    typed = _TYPED.findall(REFERENCE_PROPERTIES[widget_type])
    assert [(key, spec.props[key].json_type) for key, _ in typed] == [(key, _JSON_TYPE[word]) for key, word in typed]


@pytest.mark.parametrize("widget_type", sorted(set(REFERENCE_PROPERTIES) & set(CATALOGUE)))
def test_the_catalogue_enums_are_the_reference_values(widget_type: str) -> None:
    spec = CATALOGUE[widget_type]
    for key, values in _ENUMERATED.findall(REFERENCE_PROPERTIES[widget_type]):
        listed = set(re.findall(r"`([^`]+)`", values))
        prop = spec.props[key]
        if (widget_type, key) in SUGGESTED_NOT_ENUM:
            assert set(prop.suggested) == listed
            assert not prop.enum
        else:
            assert set(prop.enum) == listed, key
