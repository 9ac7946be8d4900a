"""Every widget type: the typed model, what it renders, and that the result validates."""

from __future__ import annotations

from typing import Any

import pytest

from studio import (
    CATALOGUE,
    PROFILE_WIDGET_TYPES,
    WIDGET_CLASSES,
    GatherInputOnCall,
    GenericWidget,
    MissingParameterError,
    Parameter,
    SayPlay,
    SendToFlex,
    SetVariables,
    SplitBasedOn,
    UpdateProfileTraits,
    Widget,
    validate_state,
)
from studio.validate import json_type_of
from tests.studio.flow_samples import sample_json, sample_keyword

# Every widget type of ../shared/reference/studio-widgets.md that has known properties or events.
REFERENCE_TYPES = {
    "trigger",
    "split-based-on",
    "set-variables",
    "say-play",
    "gather-input-on-call",
    "connect-call-to",
    "make-outgoing-call-v2",
    "make-outgoing-call-v1",
    "record-voicemail",
    "record-call",
    "enqueue-call",
    "capture-payments",
    "fork-stream",
    "connect-virtual-agent",
    "connect-virtual-agent-v2",
    "run-conversation-relay",
    "send-message",
    "send-and-wait-for-reply",
    "send-to-flex",
    "run-function",
    "make-http-request",
    "add-twiml-redirect",
    "run-subflow",
    "start-conversation",
    "resume-conversation",
    "send-to-auto-pilot",
    *PROFILE_WIDGET_TYPES.values(),
}


# The Python annotation each JSON kind must have (without "| None" for optional properties).
def required_keywords(cls: type[Widget]) -> dict[str, Any]:
    return {prop.attr: sample_keyword(prop) for prop in cls.spec.props.values() if prop.required}


def all_keywords(cls: type[Widget]) -> dict[str, Any]:
    return {prop.attr: sample_keyword(prop) for prop in cls.spec.props.values()}


def ids(cls: type[Widget]) -> str:
    return cls.TYPE


def test_catalogue_models_every_reference_widget_type() -> None:
    assert set(CATALOGUE) == REFERENCE_TYPES


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=ids)
def test_widget_with_required_properties_renders_its_type_and_every_event(cls: type[Widget]) -> None:
    state = cls("w", **required_keywords(cls)).to_state()
    assert state["type"] == cls.TYPE
    expected = [event for event in cls.spec.events if event != "match"]
    assert [transition["event"] for transition in state["transitions"]] == expected


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=ids)
def test_widget_with_required_properties_has_no_validation_error(cls: type[Widget]) -> None:
    problems = validate_state(cls("w", **required_keywords(cls)).to_state())
    assert [str(problem) for problem in problems if problem.severity == "error"] == []


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=ids)
def test_every_property_renders_with_its_json_type(cls: type[Widget]) -> None:
    properties = cls("w", **all_keywords(cls)).to_state()["properties"]
    assert set(properties) == set(cls.spec.props)
    for key, value in properties.items():
        assert json_type_of(value) == cls.spec.props[key].json_type, key


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=ids)
def test_every_property_renders_the_value_studio_stores(cls: type[Widget]) -> None:
    properties = cls("w", **all_keywords(cls)).to_state()["properties"]
    assert properties == {key: sample_json(prop) for key, prop in cls.spec.props.items()}


@pytest.mark.parametrize("cls", WIDGET_CLASSES, ids=ids)
def test_widget_with_every_property_has_no_validation_error(cls: type[Widget]) -> None:
    problems = validate_state(cls("w", **all_keywords(cls)).to_state())
    assert [str(problem) for problem in problems if problem.severity == "error"] == []


def test_send_to_flex_priority_and_timeout_come_out_as_strings() -> None:
    state = SendToFlex("flex", workflow="WW" + "0" * 32, channel="TC" + "0" * 32, priority=10, timeout=3600).to_state()
    assert (state["properties"]["priority"], state["properties"]["timeout"]) == ("10", "3600")


def test_send_to_flex_wait_url_uses_the_camel_case_json_keys() -> None:
    state = SendToFlex("flex", workflow="W", channel="C", wait_url="https://x/hold", wait_url_method="POST").to_state()
    assert {"waitUrl", "waitUrlMethod"} <= set(state["properties"])


def test_boolean_string_property_takes_a_bool_and_writes_a_string() -> None:
    state = GatherInputOnCall("menu", profanity_filter=False).to_state()
    assert state["properties"]["profanity_filter"] == "false"


def test_integer_property_accepts_liquid_in_place_of_a_number() -> None:
    state = GatherInputOnCall("menu", timeout="{{flow.variables.timeout}}").to_state()
    assert validate_state(state) == []


def test_key_values_accept_pairs_with_repeated_keys() -> None:
    state = SetVariables("vars", variables=[("a", "1"), ("a", "2")]).to_state()
    assert state["properties"]["variables"] == [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]


def test_extra_properties_are_written_as_they_are() -> None:
    state = SayPlay("hello", say="Hi", extra={"future_option": {"a": [1]}}).to_state()
    assert state["properties"]["future_option"] == {"a": [1]}


def test_extra_property_repeating_a_keyword_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="say set both by keyword and in extra"):
        SayPlay("hello", say="Hi", extra={"say": "Hello"})


def test_widget_without_offset_writes_none_when_rendered_alone() -> None:
    assert "offset" not in SayPlay("hello", say="Hi").to_state()["properties"]


def test_widget_offset_is_written_as_x_and_y() -> None:
    assert SayPlay("hello", say="Hi", offset=(10, -20)).to_state()["properties"]["offset"] == {"x": 10, "y": -20}


def test_widget_needs_a_non_empty_name() -> None:
    with pytest.raises(ValueError, match="needs a non-empty name"):
        SayPlay("", say="Hi")


def test_parameter_in_a_property_is_filled_from_values() -> None:
    widget = SendToFlex("flex", workflow=Parameter("WORKFLOW_SID"), channel="TC1")
    assert widget.to_state({"WORKFLOW_SID": "WW9"})["properties"]["workflow"] == "WW9"


def test_parameter_without_value_fails_naming_it_and_the_widget() -> None:
    widget = SendToFlex("flex", workflow=Parameter("WORKFLOW_SID"), channel="TC1")
    with pytest.raises(MissingParameterError, match=r"WORKFLOW_SID.*widget 'flex'"):
        widget.to_state()


def test_split_lists_no_match_first_then_its_branches() -> None:
    split = SplitBasedOn("route", input="{{widgets.menu.Digits}}")
    split.when()
    split.when()
    assert [t["event"] for t in split.to_state()["transitions"]] == ["noMatch", "match", "match"]


def test_profile_widget_types_come_from_the_one_documented_constant() -> None:
    assert PROFILE_WIDGET_TYPES["update_profile_traits"] == UpdateProfileTraits.TYPE


def test_problems_on_unconfirmed_widgets_are_warnings_not_studio_errors() -> None:
    state = UpdateProfileTraits("traits").to_state()
    state["transitions"].append({"event": "noSuchEvent"})
    (problem,) = [p for p in validate_state(state) if p.code == "invalid-event"]
    assert (problem.severity, problem.enforced_by_studio) == ("warning", False)


def test_generic_widget_writes_any_type_properties_and_events() -> None:
    widget = GenericWidget("model", type="run-model-inference", properties={"model": "m1"})
    widget.on("success") >> "next_step"
    assert widget.to_state() == {
        "name": "model",
        "type": "run-model-inference",
        "transitions": [{"event": "success", "next": "next_step"}],
        "properties": {"model": "m1"},
    }


def test_generic_widget_keeps_raw_transitions_before_connected_events() -> None:
    widget = GenericWidget("x", type="custom", transitions=[{"event": "a", "next": ""}], event_order=("b",))
    assert widget.to_state()["transitions"] == [{"event": "a", "next": ""}, {"event": "b"}]


# -- adding a widget type: one class, in one file -------------------------------------------------------------

NEW_WIDGET_MODULE = '''
from __future__ import annotations

import json

from studio import CATALOGUE, Event, Flow, Trigger, Widget, validate_definition
from studio.importer import import_definition
from studio import Integer, KeyValues, NumericString, prop


class RunModelInference(Widget):
    """A widget Twilio might add tomorrow."""

    TYPE = "run-model-inference"
    on_success = Event("success", primary=True)
    on_failed = Event("failed")

    model: str = prop()
    timeout: NumericString | None = prop(default=None)
    retries: Integer | None = prop(default=None, minimum=0, maximum=3)
    inputs: KeyValues | None = prop(default=None)


spec = CATALOGUE["run-model-inference"]
with Flow("f") as flow:
    Trigger().on_incoming_call >> RunModelInference("ai", model="m1", timeout=10, retries=5, inputs={"a": "b"})
definition = flow.to_definition()
print(json.dumps({
    "kinds": {key: value.kind for key, value in spec.props.items()},
    "required": [key for key, value in spec.props.items() if value.required],
    "codes": [problem.code for problem in validate_definition(definition)],
    "imported": "RunModelInference(" in import_definition(definition),
    "properties": definition["states"][1]["properties"],
}))
'''


def test_a_new_widget_class_is_in_the_catalogue_validator_and_importer_with_kinds_from_annotations() -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", NEW_WIDGET_MODULE], cwd=repo, capture_output=True, text=True, check=True
    )
    facts = json.loads(result.stdout)
    assert facts["kinds"] == {
        "model": "string",
        "timeout": "numeric_string",
        "retries": "integer",
        "inputs": "key_values",
    }
    assert facts["required"] == ["model"]
    assert facts["codes"] == ["range"]
    assert facts["imported"] is True
    assert facts["properties"]["timeout"] == "10"


def test_an_annotation_without_a_json_kind_is_refused_when_the_class_is_made() -> None:
    from studio.model import prop

    with pytest.raises(TypeError, match=r"Odd\.when: annotation .*float.* says no JSON kind; use str, bool, Integer"):

        class Odd(Widget):
            when: float | None = prop(default=None)


def test_a_widget_type_modelled_twice_is_refused() -> None:
    with pytest.raises(TypeError, match="'say-play' is modelled twice: by SayPlay and SecondSayPlay"):

        class SecondSayPlay(Widget):
            TYPE = "say-play"
