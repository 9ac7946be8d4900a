"""The builder: connecting widgets, splits, fragments, flows, parameters, canonical JSON and layout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio import (
    AUTO,
    CONDITION_TYPES,
    Condition,
    Flow,
    Fragment,
    GatherInputOnCall,
    GenericWidget,
    MissingParameterError,
    Parameter,
    SayPlay,
    SendToFlex,
    SetVariables,
    SplitBasedOn,
    Trigger,
    canonical_json,
)
from studio.layout import compute_offsets


def test_toolkit_imports_neither_pulumi_nor_twilio() -> None:
    repo = Path(__file__).resolve().parents[2]
    modules = [f"studio.{path.stem}" for path in (repo / "studio").glob("*.py") if path.stem != "__init__"]
    code = (
        f"import sys, {', '.join(modules)}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pulumi', 'twilio'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_package_docstring_example_builds_the_flow_it_documents() -> None:
    import textwrap

    import studio

    doc = studio.__doc__ or ""
    block = doc.split("::\n", 1)[1]
    code = textwrap.dedent(block.split("\n\nThe Pulumi layer", 1)[0])
    namespace: dict[str, object] = {}
    exec(code, namespace)
    flow = namespace["flow"]
    assert isinstance(flow, Flow)
    assert flow.parameter_names() == ["VOICE_CHANNEL_SID", "WORKFLOW_SID"]


def next_of(widget_state: dict[str, object], event: str) -> object:
    transitions = widget_state["transitions"]
    assert isinstance(transitions, list)
    return next(t.get("next") for t in transitions if t["event"] == event)


def voice_flow() -> Flow:
    with Flow("Voice") as flow:
        trigger = Trigger()
        greet = SayPlay("greet", say="Hello")
        bye = SayPlay("bye", say="Bye")
        trigger.on_incoming_call >> greet >> bye
    return flow


# -- connecting -----------------------------------------------------------------------------------------


def test_port_shift_returns_the_target_widget() -> None:
    greet = SayPlay("greet", say="Hello")
    assert (Trigger().on_incoming_call >> greet) is greet


def test_port_shift_sets_the_events_next() -> None:
    trigger, greet = Trigger(), SayPlay("greet", say="Hello")
    trigger.on_incoming_call >> greet
    assert next_of(trigger.to_state(), "incomingCall") == "greet"


def test_widget_shift_follows_its_primary_event() -> None:
    greet, bye = SayPlay("greet", say="Hello"), SayPlay("bye", say="Bye")
    greet >> bye
    assert next_of(greet.to_state(), "audioComplete") == "bye"


def test_widget_shift_without_primary_event_asks_to_pick_one() -> None:
    menu = GatherInputOnCall("menu", say="Press 1")
    with pytest.raises(TypeError, match=r"menu.*no single outcome.*menu\.on\('keypress'\)"):
        menu >> SayPlay("x", say="x")


def test_port_shift_to_a_name_writes_the_name() -> None:
    greet = SayPlay("greet", say="Hello")
    greet.on_audio_complete >> "elsewhere"
    assert next_of(greet.to_state(), "audioComplete") == "elsewhere"


def test_connecting_an_event_twice_is_refused() -> None:
    greet = SayPlay("greet", say="Hello")
    greet >> SayPlay("a", say="a")
    with pytest.raises(ValueError, match="'audioComplete' already leads to 'a'"):
        greet >> SayPlay("b", say="b")


def test_on_with_an_unknown_event_suggests_the_right_one() -> None:
    with pytest.raises(ValueError, match="did you mean 'keypress'"):
        GatherInputOnCall("menu").on("keypres")


def test_split_branches_are_added_with_when_not_on() -> None:
    with pytest.raises(ValueError, match=r"add 'match' branches with when\(Condition"):
        SplitBasedOn("route", input="{{x}}").on("match")


def test_generic_widget_shift_asks_for_an_event() -> None:
    with pytest.raises(TypeError, match=r"x\.on\('event'\)"):
        GenericWidget("x", type="custom") >> "y"


def test_on_returns_the_port_of_a_known_event() -> None:
    menu, split = GatherInputOnCall("menu"), SplitBasedOn("route", input="{{widgets.menu.Digits}}")
    menu.on("keypress") >> split
    assert next_of(menu.to_state(), "keypress") == "route"


def test_fragment_entry_receives_the_port() -> None:
    trigger, ask = Trigger(), SayPlay("ask", say="?")
    trigger.on_incoming_call >> Fragment(ask)
    assert next_of(trigger.to_state(), "incomingCall") == "ask"


def test_fragment_exits_all_lead_to_the_next_widget() -> None:
    menu = GatherInputOnCall("menu")
    after = SayPlay("after", say="ok")
    Fragment(menu, (menu.on_keypress, menu.on_timeout)) >> after
    state = menu.to_state()
    assert (next_of(state, "keypress"), next_of(state, "timeout")) == ("after", "after")


# -- splits and conditions -----------------------------------------------------------------------------


@pytest.mark.parametrize("condition_type", CONDITION_TYPES)
def test_each_condition_type_has_a_class_method_of_that_type(condition_type: str) -> None:
    condition = getattr(Condition, condition_type)("1")
    assert condition.type == condition_type


def test_condition_of_an_unknown_type_is_refused_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="did you mean 'equal_to'"):
        Condition.of("equals_to", "1")


def test_list_conditions_join_values_with_commas() -> None:
    assert Condition.matches_any_of(["1", "2"]).value == "1, 2"


def test_number_conditions_take_numbers() -> None:
    assert Condition.less_than(5).value == "5"


def test_split_condition_defaults_to_consoles_name_and_the_split_input() -> None:
    split = SplitBasedOn("route", input="{{widgets.menu.Digits}}")
    split.when(Condition.equal_to("1")) >> "sales"
    match = split.to_state()["transitions"][1]
    assert match == {
        "event": "match",
        "next": "sales",
        "conditions": [
            {
                "friendly_name": "If value equal_to 1",
                "arguments": ["{{widgets.menu.Digits}}"],
                "type": "equal_to",
                "value": "1",
            }
        ],
    }


def test_split_condition_keeps_its_own_name_and_arguments() -> None:
    split = SplitBasedOn("route", input="{{x}}")
    split.when(Condition.contains("a", friendly_name="has a", arguments=["{{y}}"]))
    (condition,) = split.to_state()["transitions"][1]["conditions"]
    assert (condition["friendly_name"], condition["arguments"]) == ("has a", ["{{y}}"])


def test_split_condition_keeps_an_empty_name_as_written() -> None:
    """An export's "friendly_name": "" is kept (found by the import round-trip property): "" is not None."""
    split = SplitBasedOn("route", input="{{x}}")
    split.when(Condition.equal_to("", friendly_name=""))
    (condition,) = split.to_state()["transitions"][1]["conditions"]
    assert condition["friendly_name"] == ""


def test_split_event_order_places_no_match_anywhere() -> None:
    split = SplitBasedOn("route", input="{{x}}", event_order=("match", "noMatch"))
    split.when(Condition.is_blank())
    assert [t["event"] for t in split.to_state()["transitions"]] == ["match", "noMatch"]


def test_split_event_order_must_list_each_branch() -> None:
    split = SplitBasedOn("route", input="{{x}}", event_order=("noMatch",))
    split.when(Condition.is_blank())
    with pytest.raises(ValueError, match="'match' once per when"):
        split.to_state()


def test_split_when_refuses_anything_but_conditions() -> None:
    with pytest.raises(TypeError, match="takes Condition objects"):
        SplitBasedOn("route", input="{{x}}").when("equal_to 1")  # type: ignore[arg-type]


def test_event_order_writes_exactly_those_events() -> None:
    greet = SayPlay("greet", say="Hi", event_order=())
    assert greet.to_state()["transitions"] == []


def test_event_order_must_keep_connected_events() -> None:
    greet = SayPlay("greet", say="Hi", event_order=())
    greet >> "next"
    with pytest.raises(ValueError, match="audioComplete missing from event_order"):
        greet.to_state()


# -- flows ---------------------------------------------------------------------------------------------


def test_flow_states_are_its_widgets_in_creation_order() -> None:
    with Flow() as flow:
        Trigger()
        SayPlay("b", say="b")
        SayPlay("a", say="a")
    assert [state["name"] for state in flow.to_definition()["states"]] == ["Trigger", "b", "a"]


def test_flow_includes_widgets_reached_from_its_own() -> None:
    outside = SayPlay("outside", say="x")
    with Flow() as flow:
        Trigger().on_incoming_call >> outside
    assert [widget.name for widget in flow.widgets] == ["Trigger", "outside"]


def test_flow_add_takes_widgets_built_elsewhere() -> None:
    trigger = Trigger()
    trigger.on_incoming_call >> SayPlay("hello", say="Hi")
    assert [widget.name for widget in Flow().add(trigger).widgets] == ["Trigger", "hello"]


def test_widgets_outside_any_flow_belong_to_none() -> None:
    with Flow() as flow:
        pass
    SayPlay("later", say="x")
    assert flow.widgets == []


def test_initial_state_is_the_triggers_name() -> None:
    with Flow() as flow:
        Trigger("Start")
    assert flow.to_definition()["initial_state"] == "Start"


def test_envelope_has_description_and_concurrent_calls_flag() -> None:
    definition = voice_flow().to_definition()
    assert (definition["description"], definition["flags"]) == ("Voice", {"allow_concurrent_calls": True})


def test_flags_left_out_when_asked() -> None:
    with Flow(allow_concurrent_calls=None) as flow:
        Trigger()
    assert "flags" not in flow.to_definition()


def test_flow_finds_a_widget_by_name() -> None:
    assert voice_flow().widget("bye").name == "bye"


def test_flow_validate_reports_problems_of_the_flow() -> None:
    with Flow() as flow:
        Trigger()
        SayPlay("orphan", say="x")
    assert [problem.code for problem in flow.validate()] == ["unreachable"]


# -- parameters ----------------------------------------------------------------------------------------

DOMAIN, WORKFLOW = Parameter("DOMAIN"), Parameter("WORKFLOW_SID")


def flex_flow() -> Flow:
    with Flow("Flex") as flow:
        Trigger().on_incoming_call >> SendToFlex(
            "flex", workflow=WORKFLOW, channel="TC1", wait_url=f"https://{DOMAIN}/hold?d={DOMAIN}"
        )
    return flow


def test_parameter_names_are_sorted_and_unique() -> None:
    assert flex_flow().parameter_names() == ["DOMAIN", "WORKFLOW_SID"]


def test_parameters_are_filled_inside_larger_strings() -> None:
    definition = flex_flow().to_definition({"DOMAIN": "x.io", "WORKFLOW_SID": "WW1"})
    assert definition["states"][1]["properties"]["waitUrl"] == "https://x.io/hold?d=x.io"


def test_missing_parameters_are_all_named() -> None:
    with pytest.raises(MissingParameterError, match="DOMAIN, WORKFLOW_SID have no value"):
        flex_flow().to_json({})


def test_placeholders_are_kept_only_when_asked() -> None:
    definition = flex_flow().to_definition(placeholders=True)
    assert definition["states"][1]["properties"]["workflow"] == "${WORKFLOW_SID}"


def test_parameter_name_must_be_an_identifier() -> None:
    with pytest.raises(ValueError, match="parameter name 'WORKFLOW-SID' is not valid"):
        Parameter("WORKFLOW-SID")


# -- canonical JSON ------------------------------------------------------------------------------------


def test_same_flow_gives_byte_identical_json() -> None:
    assert voice_flow().to_json() == voice_flow().to_json()


def test_canonical_json_sorts_keys_and_is_compact() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": "é"}]}) == '{"a":[1,{"c":"é","d":2}],"b":1}'


def test_canonical_json_keeps_state_order() -> None:
    states = json.loads(voice_flow().to_json())["states"]
    assert [state["name"] for state in states] == ["Trigger", "greet", "bye"]


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        canonical_json({"x": float("nan")})


# -- layout --------------------------------------------------------------------------------------------


def test_widgets_without_own_offset_get_the_layouts_offsets() -> None:
    definition = voice_flow().to_definition()
    states = definition["states"]
    expected = compute_offsets(states, "Trigger", {})
    assert {s["name"]: (s["properties"]["offset"]["x"], s["properties"]["offset"]["y"]) for s in states} == expected


def test_widget_with_own_offset_keeps_it() -> None:
    with Flow() as flow:
        Trigger().on_incoming_call >> SayPlay("greet", say="Hi", offset=(999, 7))
    assert flow.to_definition()["states"][1]["properties"]["offset"] == {"x": 999, "y": 7}


def test_widget_with_offset_none_has_no_offset() -> None:
    with Flow() as flow:
        Trigger(offset=None)
    assert "offset" not in flow.to_definition()["states"][0]["properties"]


def test_offset_defaults_to_auto() -> None:
    assert SetVariables("v").offset is AUTO
