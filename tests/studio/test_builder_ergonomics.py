"""Builder ergonomics: task attributes as a mapping, lists around >>, unique names, output references."""

from __future__ import annotations

import json

import pytest

from studio import (
    DuplicateWidgetNameError,
    EnqueueCall,
    Flow,
    Fragment,
    GatherInputOnCall,
    Parameter,
    SayPlay,
    SendAndWaitForReply,
    SendToFlex,
    SplitBasedOn,
    Trigger,
    Unquoted,
)
from studio.importer import import_definition
from tests.studio.flow_samples import run_generated

WW, TC = "WW" + "0" * 32, "TC" + "0" * 32


def next_of(state: dict[str, object], event: str) -> object:
    transitions = state["transitions"]
    assert isinstance(transitions, list)
    return next(t.get("next") for t in transitions if t["event"] == event)


# -- task attributes as a mapping ----------------------------------------------------------------------


def test_send_to_flex_attributes_mapping_becomes_canonical_json_text() -> None:
    menu = GatherInputOnCall("menu")
    widget = SendToFlex(
        "to_flex", workflow=WW, channel=TC, attributes={"vip": True, "language": menu.ref.Digits, "type": "inbound"}
    )
    text = widget.to_state()["properties"]["attributes"]
    assert text == '{"language":"{{widgets.menu.Digits}}","type":"inbound","vip":true}'


def test_attributes_mapping_gives_the_same_text_whatever_the_key_order() -> None:
    first = SendToFlex("a", workflow=WW, channel=TC, attributes={"b": 1, "a": {"y": 2, "x": 1}})
    second = SendToFlex("a", workflow=WW, channel=TC, attributes={"a": {"x": 1, "y": 2}, "b": 1})
    assert first.to_state() == second.to_state()


def test_unquoted_attribute_values_are_written_as_they_are() -> None:
    widget = SendToFlex("f", workflow=WW, channel=TC, attributes={"priority": Unquoted("{{flow.variables.p}}")})
    assert widget.to_state()["properties"]["attributes"] == '{"priority":{{flow.variables.p}}}'


def test_parameters_inside_attribute_mappings_are_filled() -> None:
    domain = Parameter("DOMAIN")
    widget = SendToFlex("f", workflow=WW, channel=TC, attributes={"url": f"https://{domain}/x"})
    state = widget.to_state({"DOMAIN": 'ex"ample.com'})
    assert json.loads(state["properties"]["attributes"]) == {"url": 'https://ex"ample.com/x'}


def test_attributes_given_as_text_are_written_unchanged() -> None:
    text = '{ "name": "{{trigger.call.From}}" }'
    assert SendToFlex("f", workflow=WW, channel=TC, attributes=text).to_state()["properties"]["attributes"] == text


def test_enqueue_call_task_attributes_take_a_mapping_too() -> None:
    widget = EnqueueCall("q", workflow_sid=WW, task_attributes={"skill": "billing"})
    assert widget.to_state()["properties"]["task_attributes"] == '{"skill":"billing"}'


# -- lists on either side of >> -------------------------------------------------------------------------


def test_a_list_of_ports_left_of_shift_all_lead_to_the_widget() -> None:
    menu = GatherInputOnCall("menu")
    sorry = SayPlay("sorry", say="Sorry")
    result = [menu.on_timeout, menu.on_speech] >> sorry
    assert result is sorry
    state = menu.to_state()
    assert next_of(state, "timeout") == next_of(state, "speech") == "sorry"


def test_a_widget_in_a_left_list_follows_its_main_event() -> None:
    greet, menu, bye = SayPlay("greet", say="Hi"), GatherInputOnCall("menu"), SayPlay("bye", say="Bye")
    [greet, menu.on_timeout] >> bye
    assert next_of(greet.to_state(), "audioComplete") == "bye"
    assert next_of(menu.to_state(), "timeout") == "bye"


def test_a_left_list_chains_on_through_the_target() -> None:
    a, b, c, d = (SayPlay(name, say=name) for name in "abcd")
    [a, b] >> c >> d
    assert next_of(c.to_state(), "audioComplete") == "d"


def test_a_left_list_can_lead_to_a_fragment_entry() -> None:
    a, b, entry = SayPlay("a", say="a"), SayPlay("b", say="b"), SayPlay("entry", say="e")
    fragment = Fragment(entry, (entry.on_audio_complete,))
    assert ([a, b] >> fragment) is fragment
    assert next_of(a.to_state(), "audioComplete") == next_of(b.to_state(), "audioComplete") == "entry"


def test_a_one_widget_list_right_of_shift_is_that_widget() -> None:
    greet, bye = SayPlay("greet", say="Hi"), SayPlay("bye", say="Bye")
    assert (greet.on_audio_complete >> [bye]) is bye
    assert next_of(greet.to_state(), "audioComplete") == "bye"


def test_an_event_cannot_lead_to_several_widgets() -> None:
    greet = SayPlay("greet", say="Hi")
    with pytest.raises(TypeError, match=r"exactly one widget.*has 2.*SplitBasedOn"):
        greet.on_audio_complete >> [SayPlay("a", say="a"), SayPlay("b", say="b")]


def test_a_left_list_refuses_what_is_not_a_port_widget_or_fragment() -> None:
    with pytest.raises(TypeError, match="only ports"):
        ["greet"] >> SayPlay("bye", say="Bye")


# -- unique names -----------------------------------------------------------------------------------------


def test_a_second_widget_with_the_same_name_is_refused_when_made() -> None:
    with Flow("f"):
        SayPlay("greet", say="Hi")
        with pytest.raises(DuplicateWidgetNameError, match=r"'greet' is already used.*say-play.*gather-input-on-call"):
            GatherInputOnCall("greet")


def test_flow_add_refuses_a_widget_named_like_a_member() -> None:
    flow = Flow("f").add(SayPlay("greet", say="Hi"))
    with pytest.raises(DuplicateWidgetNameError, match="'greet'"):
        flow.add(SayPlay("greet", say="Again"))


def test_a_reached_widget_named_like_another_is_refused_on_render() -> None:
    with Flow("f") as flow:
        trigger = Trigger()
        SayPlay("greet", say="Hi")
    trigger.on_incoming_call >> SayPlay("greet", say="made outside the flow")
    with pytest.raises(DuplicateWidgetNameError, match="'greet'"):
        flow.to_json()


def test_the_same_name_in_two_flows_is_fine() -> None:
    with Flow("one"):
        SayPlay("greet", say="Hi")
    with Flow("two") as two:
        SayPlay("greet", say="Hi")
    assert [widget.name for widget in two.widgets] == ["greet"]


def test_import_reproduces_a_definition_that_repeats_a_name() -> None:
    state = {"name": "x", "type": "say-play", "transitions": [{"event": "audioComplete"}], "properties": {}}
    definition = {"initial_state": "x", "states": [state, state]}
    assert json.loads(run_generated(import_definition(definition))) == definition


# -- references to outputs --------------------------------------------------------------------------------


def test_output_is_the_liquid_reference_to_a_widget_key() -> None:
    assert GatherInputOnCall("menu").output("Digits") == "{{widgets.menu.Digits}}"


def test_ref_attributes_go_one_level_deeper_each() -> None:
    wait = SendAndWaitForReply("wait", from_="{{flow.channel.address}}", body="Hi")
    assert wait.ref.inbound.Body == "{{widgets.wait.inbound.Body}}" == wait.output("inbound.Body")


def test_ref_items_reach_keys_that_are_str_methods() -> None:
    assert SayPlay("s").ref["count"] == "{{widgets.s.count}}"


def test_references_to_names_with_spaces_use_brackets() -> None:
    assert SayPlay("my menu").output("Digits") == '{{widgets["my menu"].Digits}}'


def test_an_output_reference_is_a_string_a_split_can_read() -> None:
    with Flow("f") as flow:
        trigger = Trigger()
        menu = GatherInputOnCall("menu", say="Press 1")
        route = SplitBasedOn("route", input=menu.ref.Digits)
        trigger.on_incoming_call >> menu
        menu.on_keypress >> route
    assert flow.widget("route").to_state()["properties"]["input"] == "{{widgets.menu.Digits}}"
    assert [problem for problem in flow.validate() if problem.kind == "liquid"] == []


def test_an_output_path_has_no_empty_part() -> None:
    with pytest.raises(ValueError, match="no empty parts"):
        SayPlay("s").output("inbound..Body")
