"""The validator: every problem code, named widget and property, Studio enforcement, and robustness."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio import validate_definition, validate_state
from studio.rules import RULES, STUDIO_ENFORCED_CODES, UNKNOWN_WIDGET_TYPE, WIDGET_TYPE_TYPO
from studio.validate import MAX_DEPTH, Problem
from tests.studio.flow_samples import CORPUS_FILES, load

SID = "0123456789abcdef0123456789abcdef"
JSON = dict[str, Any]


def state(name: str, type_: str, properties: JSON | None = None, transitions: list[JSON] | None = None) -> JSON:
    return {"name": name, "type": type_, "transitions": transitions or [], "properties": properties or {}}


def say(name: str, text: str = "Hi", **next_: str) -> JSON:
    transitions = [{"event": "audioComplete", "next": next_["next"]}] if next_ else [{"event": "audioComplete"}]
    return state(name, "say-play", {"say": text}, transitions)


def flow(*states: JSON, event: str = "incomingCall", **envelope: Any) -> JSON:
    """A valid flow: a trigger whose ``event`` leads to the first state, then ``states``."""
    first = {"event": event, "next": states[0]["name"]} if states else {"event": event}
    trigger = state("Trigger", "trigger", {"offset": {"x": 0, "y": 0}}, [first])
    definition: JSON = {
        "description": "test",
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [trigger, *states],
    }
    definition.update(envelope)
    return definition


def with_state_change(change: Callable[[JSON], None], *states: JSON) -> JSON:
    definition = flow(*states)
    change(definition)
    return definition


@dataclass(frozen=True)
class Case:
    code: str
    definition: Any
    widget: str | None
    path: str
    severity: str = "error"
    downgraded: bool = False  # found on an unconfirmed widget: a warning Studio may not apply

    def __str__(self) -> str:
        return self.code


def _pop(definition: JSON, *path: Any) -> None:
    target = definition
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


def _set(definition: JSON, value: Any, *path: Any) -> JSON:
    target = definition
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return definition


DEEP: Any = "bottom"
for _ in range(MAX_DEPTH + 5):
    DEEP = [DEEP]

SPLIT = state(
    "route",
    "split-based-on",
    {"input": "{{trigger.call.From}}"},
    [
        {"event": "noMatch"},
        {
            "event": "match",
            "conditions": [
                {"friendly_name": "f", "arguments": ["{{trigger.call.From}}"], "type": "equal_to", "value": "1"}
            ],
        },
    ],
)

CASES = [
    Case("not-an-object", [], None, "#"),
    Case("missing-key", with_state_change(lambda d: _pop(d, "initial_state"), say("a")), None, "#/initial_state"),
    Case("json-type", _set(flow(say("a")), "Hi", "states", 1, "properties", "loop"), "a", "#/states/1/properties/loop"),
    Case("empty", _set(flow(say("a")), "", "initial_state"), None, "#/initial_state"),
    Case("state-count", _set(flow(), [], "states"), None, "#/states"),
    Case("widget-limit", flow(*[say(f"w{i}", next=f"w{i + 1}") for i in range(1000)], say("w1000")), None, "#/states",
         "warning"),
    Case("schema-url", _set(flow(say("a")), "https://example.com/schema", "$schema"), None, "#/$schema"),
    Case("flags", _set(flow(say("a")), {}, "flags"), None, "#/flags"),
    Case(UNKNOWN_WIDGET_TYPE, flow(state("m", "hangup")), "m", "#/states/1/type"),
    Case(WIDGET_TYPE_TYPO, flow(state("m", "send-mesage")), "m", "#/states/1/type"),
    Case("v1-format", flow(state("m", "SayPlay")), None, "#/states"),
    Case(
        "unconfirmed",
        flow(state("p", "resolve-profile", transitions=[{"event": "success"}])),
        "p",
        "#/states/1/type",
        "warning",
    ),
    Case(
        "name-characters",
        flow(say("a\u202egreet")),
        "a\u202egreet",
        "#/states/1/name",
        "warning",
    ),
    Case(
        "text-limit",
        flow(state("s", "say-play", {"say": "x" * 5000})),
        "s",
        "#/states/1/properties/say",
        "warning",
    ),
    Case(
        "nesting-depth",
        flow(state("s", "say-play", {"say": "Hi", "custom": DEEP})),
        "s",
        "#/states/1/properties/custom",
        "warning",
    ),
    Case("liquid-syntax", flow(say("a", "Hello {{trigger.call.From")), "a", "#/states/1/properties/say", "warning"),
    Case("undocumented-liquid", flow(say("a", "{{trigger.call.From | json}}")), "a", "#/states/1/properties/say",
         "warning"),
    Case("unknown-liquid-variable", flow(say("a", "{{widget.a.Digits}}")), "a", "#/states/1/properties/say",
         "warning"),
    Case("required", flow(state("f", "send-to-flex", {"channel": "TC" + SID})), "f", "#/states/1/properties/workflow"),
    Case(
        "enum",
        flow(
            state("h", "make-http-request", {"method": "PUT", "url": "https://x", "content_type": "application/json"})
        ),
        "h",
        "#/states/1/properties/method",
    ),
    Case(
        "liquid-not-allowed",
        flow(state("sub", "run-subflow", {"flow_sid": "{{flow.data.sid}}", "flow_revision": "1"})),
        "sub",
        "#/states/1/properties/flow_sid",
    ),
    Case("unknown-key", _set(flow(say("a")), 1, "version"), None, "#/version", "warning"),
    Case("empty-name", _set(flow(say("a")), "", "states", 1, "name"), None, "#/states/1/name", "warning"),
    Case(
        "unknown-property",
        _set(flow(say("a")), "x", "states", 1, "properties", "sayy"),
        "a",
        "#/states/1/properties/sayy",
        "warning",
    ),
    Case(
        "recommended",
        flow(state("m", "send-message", {"from": "{{flow.channel.address}}", "body": "b"})),
        "m",
        "#/states/1/properties/to",
        "warning",
    ),
    Case("one-of", flow(state("s", "say-play", {"voice": "alice"})), "s", "#/states/1/properties", "warning"),
    Case(
        "suggested",
        flow(state("c", "capture-payments", {"valid_card_types": ["visa", "vissa"]})),
        "c",
        "#/states/1/properties/valid_card_types/1",
        "warning",
    ),
    Case(
        "number",
        flow(state("f", "send-to-flex", {"workflow": "WW" + SID, "channel": "TC" + SID, "priority": "high"})),
        "f",
        "#/states/1/properties/priority",
        "warning",
    ),
    Case(
        "range",
        flow(state("g", "gather-input-on-call", {"timeout": 90})),
        "g",
        "#/states/1/properties/timeout",
        "warning",
    ),
    Case(
        "sid-format",
        flow(state("f", "send-to-flex", {"workflow": "WW123", "channel": "TC" + SID})),
        "f",
        "#/states/1/properties/workflow",
        "warning",
    ),
    Case(
        "value-type",
        flow(state("v", "set-variables", {"variables": [{"key": "n", "value": 5}]})),
        "v",
        "#/states/1/properties/variables/0/value",
        "warning",
    ),
    Case(
        "condition-value",
        _set(flow(copy.deepcopy(SPLIT)), "is_before_time", "states", 1, "transitions", 1, "conditions", 0, "type"),
        "route",
        "#/states/1/transitions/1/conditions/0/value",
        "warning",
    ),
    Case("duplicate-name", flow(say("a", next="b"), say("a")), "a", "#/states/2/name"),
    Case("unknown-next", flow(say("a", next="nowhere")), "a", "#/states/1/transitions/0/next"),
    Case(
        "invalid-event",
        _set(flow(say("a")), "done", "states", 1, "transitions", 0, "event"),
        "a",
        "#/states/1/transitions/0/event",
    ),
    Case(
        "duplicate-event",
        _set(flow(say("a")), [{"event": "audioComplete"}] * 2, "states", 1, "transitions"),
        "a",
        "#/states/1/transitions/1/event",
        "warning",
    ),
    Case(
        "conditions",
        _set(flow(copy.deepcopy(SPLIT)), [], "states", 1, "transitions", 1, "conditions"),
        "route",
        "#/states/1/transitions/1/conditions",
        "warning",
    ),
    Case("initial-state", _set(flow(say("a")), "a", "initial_state"), None, "#/initial_state"),
    Case("trigger-count", flow(state("Second", "trigger")), "Second", "#/states/1/type", "warning"),
    Case("no-trigger", _set(flow(say("a")), [say("a")], "states"), None, "#/states"),
    Case(
        "unreachable",
        _set(flow(say("a"), say("b")), [{"event": "audioComplete"}], "states", 1, "transitions"),
        "b",
        "#/states/2",
        "warning",
    ),
    Case(
        "unknown-widget-reference",
        flow(say("a", "{{widgets.menu.Digits}}")),
        "a",
        "#/states/1/properties/say",
        "warning",
    ),
    Case(
        "unknown-widget-output",
        flow(
            state("menu", "gather-input-on-call", {"say": "Press 1"}, [{"event": "keypress", "next": "a"}]),
            say("a", "{{widgets.menu.Digit}}"),
        ),
        "a",
        "#/states/2/properties/say",
        "warning",
    ),
    Case(
        "reference-not-before",
        flow(say("a", "{{widgets.b.x}}", next="b"), say("b")),
        "a",
        "#/states/1/properties/say",
        "warning",
    ),
    Case(
        "rest-api-only",
        flow(state("conv", "start-conversation", {"conversation_service_sid": "IS" + SID, "participants": []})),
        "conv",
        "#/states/1",
        "warning",
        downgraded=True,
    ),
    Case("voice-on-messaging", flow(say("a"), event="incomingMessage"), "a", "#/states/1", "warning"),
]


def only(problems: list[Problem], code: str) -> Problem:
    found = [problem for problem in problems if problem.code == code]
    assert len(found) == 1, [str(problem) for problem in problems]
    return found[0]


def test_cases_cover_every_rule() -> None:
    assert {case.code for case in CASES} == set(RULES)


def test_base_flows_of_the_cases_are_valid() -> None:
    assert [str(p) for p in validate_definition(flow(say("a", next="route"), copy.deepcopy(SPLIT)))] == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_problem_names_the_widget(case: Case) -> None:
    assert only(validate_definition(case.definition), case.code).widget == case.widget


@pytest.mark.parametrize("case", CASES, ids=str)
def test_problem_names_the_property_path(case: Case) -> None:
    assert only(validate_definition(case.definition), case.code).property_path == case.path


@pytest.mark.parametrize("case", CASES, ids=str)
def test_problem_has_its_severity(case: Case) -> None:
    assert only(validate_definition(case.definition), case.code).severity == case.severity


@pytest.mark.parametrize("case", CASES, ids=str)
def test_problem_is_studio_enforced_exactly_for_studios_rules(case: Case) -> None:
    problem = only(validate_definition(case.definition), case.code)
    assert problem.enforced_by_studio == (case.code in STUDIO_ENFORCED_CODES and not case.downgraded)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_problem_line_names_the_widget_on_one_line(case: Case) -> None:
    line = str(only(validate_definition(case.definition), case.code))
    assert "\n" not in line
    assert (f"widget {case.widget!r}" if case.widget else "flow at #") in line


def test_unknown_widget_type_is_an_error_studio_rejects() -> None:
    problem = only(validate_definition(flow(state("m", "twiml-redirect"))), UNKNOWN_WIDGET_TYPE)
    assert (problem.severity, problem.rejected_by_studio) == ("error", True)
    assert "add it to DECLARED_WIDGET_TYPES in studio/spec.py" in problem.message


@pytest.mark.parametrize(
    ("widget_type", "named"),
    [("call-recording", "'record-call'"), ("record", "'record-call', 'record-voicemail'"), ("hangup", None)],
)
def test_an_unknown_type_far_from_every_type_names_those_sharing_its_words(widget_type: str, named: str | None) -> None:
    problem = only(validate_definition(flow(state("m", widget_type))), UNKNOWN_WIDGET_TYPE)
    if named is None:
        assert "types with these words" not in problem.message
    else:
        assert f"types with these words: {named})" in problem.message


def test_our_own_warnings_are_not_rejected_by_studio() -> None:
    problem = only(validate_definition(flow(state("g", "gather-input-on-call", {"timeout": 90}))), "range")
    assert problem.rejected_by_studio is False


def test_type_problem_says_how_to_fix_it() -> None:
    definition = flow(state("g", "gather-input-on-call", {"timeout": "30"}))
    assert "write 30 without quotes" in only(validate_definition(definition), "json-type").message


def test_string_property_given_a_number_says_to_quote_it() -> None:
    definition = flow(state("s", "say-play", {"say": 10}))
    assert 'write it in quotes, "10"' in only(validate_definition(definition), "json-type").message


def test_an_offset_problem_names_the_coordinate() -> None:
    messages = [only(validate_definition(flow(state("s", "say-play", {"say": "Hi", "offset": offset}))),
                     "json-type").message for offset in ({"x": 10.5, "y": 0}, {"x": 1}, [0, 0])]
    assert [message.split(" whole numbers, not ")[1] for message in messages] == [
        "x is the number 10.5", "y is missing", "an array"]


def test_reference_through_a_loop_runs_before() -> None:
    looping = flow(say("a", "{{widgets.b.language}}", next="b"), say("b", next="a"))
    assert validate_definition(looping) == []


def test_reference_further_down_a_path_runs_before() -> None:
    chain = flow(say("a", next="b"), say("b", next="c"), say("c", "{{widgets.a.language}}"))
    assert validate_definition(chain) == []


def test_voice_widget_reached_from_a_call_too_is_fine() -> None:
    definition = flow(say("a"), event="incomingMessage")
    definition["states"][0]["transitions"].append({"event": "incomingCall", "next": "a"})
    assert validate_definition(definition) == []


def test_rest_api_only_widget_under_the_rest_api_event_is_fine() -> None:
    conversation = state("conv", "start-conversation", {"conversation_service_sid": "IS" + SID, "participants": []})
    problems = validate_definition(flow(conversation, event="incomingRequest"))
    assert [problem.code for problem in problems] == ["unconfirmed"]


def test_single_widget_state_is_checked_without_its_graph() -> None:
    assert validate_state(say("a", next="elsewhere")) == []


def test_flow_of_more_than_2000_widgets_is_refused() -> None:
    many = flow(*[say(f"w{i}", next=f"w{i + 1}") for i in range(2000)], say("w2000"))
    assert only(validate_definition(many), "state-count").enforced_by_studio


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_corpus_has_no_studio_enforced_error(path: Any) -> None:
    data = load(path)
    problems = validate_definition(data) if "states" in data else validate_state(data)
    assert [str(p) for p in problems if p.enforced_by_studio and p.severity == "error"] == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_validator_never_raises_on_any_json(value: Any) -> None:
    assert isinstance(validate_definition(value), list)


state_keys = st.sampled_from(["name", "type", "transitions", "properties", "event", "next", "conditions", "offset"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CORPUS_FILES), st.lists(st.tuples(state_keys, json_values), min_size=1, max_size=4))
def test_validator_never_raises_on_damaged_corpus_flows(path: Any, damage: list[tuple[str, Any]]) -> None:
    data = load(path)
    states = data.get("states") if "states" in data else [data]
    for number, (key, value) in enumerate(damage):
        target = states[number % len(states)]
        transitions = target.get("transitions")
        if key in ("event", "next", "conditions") and isinstance(transitions, list) and transitions:
            if isinstance(transitions[0], dict):
                transitions[0][key] = value
        elif key == "offset" and isinstance(target.get("properties"), dict):
            target["properties"]["offset"] = value
        else:
            target[key] = value
    assert isinstance(validate_definition(data), list)
