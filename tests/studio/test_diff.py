"""Flow diffs: widgets added, removed and changed, value-level changes, edges, canvas moves."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from hypothesis import given, settings

from studio.diff import ABSENT, FlowDiff, ValueChange, WidgetMove, WidgetRef, diff_flows
from studio.graph import Edge
from studio.widgets import SayPlay
from tests.studio.test_layout_strategies import Definition, connected_flows, flow, state

BASE = flow(
    state("Trigger", "trigger", ("incomingCall", "greet"), offset={"x": 0, "y": 0}),
    state("greet", "say-play", ("audioComplete", "agent"), say="Hello", offset={"x": 0, "y": 250}),
    state("agent", "send-to-flex", ("callComplete", None), workflow="WW1", channel="TC1"),
)


def edited(**changes: Any) -> Definition:
    """A copy of BASE; ``changes`` maps widget name -> function editing that state in place."""
    definition = copy.deepcopy(BASE)
    for state_ in definition["states"]:
        if state_["name"] in changes:
            changes[state_["name"]](state_)
    return definition


def mermaid_block(markdown: str) -> str:
    match = re.search(r"```mermaid\n(.*?)```", markdown, flags=re.DOTALL)
    assert match is not None
    return match.group(1)


@settings(max_examples=30, deadline=None)
@given(connected_flows())
def test_a_flow_compared_with_itself_is_empty(definition: Definition) -> None:
    assert diff_flows(definition, copy.deepcopy(definition)).is_empty


def test_an_added_widget_is_listed_with_its_type() -> None:
    new = copy.deepcopy(BASE)
    new["states"].append(state("bye", "say-play"))
    assert diff_flows(BASE, new).added == (WidgetRef("bye", "say-play"),)


def test_a_removed_widget_is_listed_with_its_type() -> None:
    new = copy.deepcopy(BASE)
    del new["states"][2]
    assert diff_flows(BASE, new).removed == (WidgetRef("agent", "send-to-flex"),)


def test_a_changed_property_is_reported_at_its_path_with_old_and_new_values() -> None:
    new = edited(agent=lambda s: s["properties"].update(workflow="WW2"))
    [change] = diff_flows(BASE, new).changed
    assert (change.name, change.changes) == ("agent", (ValueChange("/properties/workflow", "WW1", "WW2"),))


def test_an_added_property_has_an_absent_old_value() -> None:
    new = edited(agent=lambda s: s["properties"].update(priority="5"))
    [change] = diff_flows(BASE, new).changed
    assert change.changes == (ValueChange("/properties/priority", ABSENT, "5"),)


def test_nested_values_are_compared_leaf_by_leaf() -> None:
    old = edited(greet=lambda s: s["properties"].update(variables=[{"key": "a", "value": "1"}]))
    new = edited(greet=lambda s: s["properties"].update(variables=[{"key": "a", "value": "2"}]))
    [change] = diff_flows(old, new).changed
    assert change.changes == (ValueChange("/properties/variables/a/value", "1", "2"),)


def test_json_types_are_compared_strictly() -> None:
    old = edited(greet=lambda s: s["properties"].update(loop=1))
    new = edited(greet=lambda s: s["properties"].update(loop=True))
    [change] = diff_flows(old, new).changed
    assert change.changes == (ValueChange("/properties/loop", 1, True),)


def test_a_builders_widget_reference_is_the_string_it_is_written_as() -> None:
    """The code side of `flexctl pull` holds Output (a str subclass) where the live side holds its text."""
    reference = SayPlay("ask", say="x").ref.Digits
    assert type(reference) is not str
    code = edited(greet=lambda s: s["properties"].update(say=reference))
    live = edited(greet=lambda s: s["properties"].update(say="{{widgets.ask.Digits}}"))
    assert diff_flows(code, live).is_empty
    assert not diff_flows(code, edited(greet=lambda s: s["properties"].update(say="{{widgets.ask.Body}}"))).is_empty


def test_keys_with_slashes_are_escaped_in_paths() -> None:
    new = edited(greet=lambda s: s["properties"].update({"a/b~c": 1}))
    [change] = diff_flows(BASE, new).changed
    assert change.changes[0].path == "/properties/a~1b~0c"


def test_a_type_change_is_reported() -> None:
    new = edited(agent=lambda s: s.update(type="enqueue-call"))
    [change] = diff_flows(BASE, new).changed
    assert (change.type_changed, change.old_type, change.new_type) == (True, "send-to-flex", "enqueue-call")


def test_a_changed_split_condition_is_a_widget_change() -> None:
    def conditions(value: str) -> Any:
        condition = {"friendly_name": "vip", "value": value}
        return lambda s: s["transitions"].append({"event": "match", "next": "agent", "conditions": [condition]})

    [change] = diff_flows(edited(greet=conditions("a")), edited(greet=conditions("b"))).changed
    assert change.changes == (ValueChange("/transitions/match: vip/conditions/vip/value", "a", "b"),)


def test_a_retargeted_transition_is_an_edge_change_not_a_widget_change() -> None:
    new = edited(greet=lambda s: s["transitions"][0].update(next="Trigger"))
    diff = diff_flows(BASE, new)
    assert (diff.changed, diff.edges_added, diff.edges_removed) == (
        (),
        (Edge("greet", "audioComplete", "Trigger"),),
        (Edge("greet", "audioComplete", "agent"),),
    )


def test_edges_of_a_removed_widget_are_removed_edges() -> None:
    new = copy.deepcopy(BASE)
    del new["states"][1]
    new["states"][0]["transitions"][0]["next"] = "agent"
    assert set(diff_flows(BASE, new).edges_removed) == {
        Edge("Trigger", "incomingCall", "greet"),
        Edge("greet", "audioComplete", "agent"),
    }


def test_an_offset_only_change_is_a_move_not_a_change() -> None:
    new = edited(greet=lambda s: s["properties"].update(offset={"x": 80, "y": 460}))
    diff = diff_flows(BASE, new)
    assert (diff.changed, diff.moved, diff.only_moves, diff.is_empty) == (
        (),
        (WidgetMove("greet", (0, 250), (80, 460)),),
        True,
        False,
    )


def test_a_flow_setting_change_is_reported() -> None:
    new = copy.deepcopy(BASE)
    new["flags"]["allow_concurrent_calls"] = False
    assert diff_flows(BASE, new).flow_changes == (ValueChange("/flags/allow_concurrent_calls", True, False),)


def test_empty_diff_markdown_says_no_changes() -> None:
    assert "No changes." in FlowDiff().to_markdown()


def test_moves_only_markdown_has_no_diagram_and_says_no_behaviour_changes() -> None:
    new = edited(greet=lambda s: s["properties"].update(offset={"x": 80, "y": 460}))
    markdown = diff_flows(BASE, new).to_markdown()
    assert "No behaviour changes: 1 widget moved on the canvas." in markdown
    assert "```mermaid" not in markdown


def test_moves_can_be_left_out_of_the_markdown() -> None:
    new = edited(
        greet=lambda s: s["properties"].update(offset={"x": 80, "y": 460}),
        agent=lambda s: s["properties"].update(workflow="WW2"),
    )
    markdown = diff_flows(BASE, new).to_markdown(show_moves=False)
    assert "`greet`" not in markdown


def test_markdown_lists_property_changes_in_a_table() -> None:
    new = edited(agent=lambda s: s["properties"].update(workflow="WW2"))
    assert '| `/properties/workflow` | `"WW1"` | `"WW2"` |' in diff_flows(BASE, new).to_markdown()


def test_markdown_escapes_pipes_in_table_cells() -> None:
    new = edited(agent=lambda s: s["properties"].update(workflow="a|b"))
    assert '`"a\\|b"`' in diff_flows(BASE, new).to_markdown()


def test_markdown_diagram_marks_added_changed_and_removed_widgets() -> None:
    new = edited(
        greet=lambda s: s["properties"].update(say="Hi"),
        Trigger=lambda s: s["transitions"][0].update(next="hello"),
    )
    new["states"].append(state("hello", "say-play", ("audioComplete", "greet")))
    del new["states"][2]
    diagram = mermaid_block(diff_flows(BASE, new).to_markdown()).splitlines()
    assert {"    class w_hello added", "    class w_greet changed", "    class w_agent removed"} <= set(diagram)


def test_markdown_diagram_keeps_removed_edges_and_styles_them() -> None:
    new = edited(greet=lambda s: s["transitions"][0].update(next="Trigger"))
    diagram = mermaid_block(diff_flows(BASE, new).to_markdown())
    assert "    w_greet -->|audioComplete| w_agent" in diagram.splitlines()
    assert "stroke-dasharray" in diagram.split("linkStyle", 1)[1]


def test_a_second_identical_edge_marks_only_the_new_one() -> None:
    old = flow(
        state("Trigger", "trigger", ("incomingCall", "a")),
        state("a", "say-play", ("audioComplete", "b")),
        state("b", "say-play"),
    )
    new = copy.deepcopy(old)
    new["states"][1]["transitions"].append({"event": "audioComplete", "next": "b"})
    diff = diff_flows(old, new)
    assert diff.edges_added == (Edge("a", "audioComplete", "b"),)
    text = diff.to_markdown()
    assert text.count("linkStyle") == 1
    assert "linkStyle 2 " in text  # the third edge drawn: the new copy, not the first one


def test_split_branches_to_one_widget_are_told_apart_by_their_conditions() -> None:
    def branch(value: str) -> dict[str, Any]:
        condition = {"friendly_name": value, "arguments": ["{{x}}"], "type": "equal_to", "value": value}
        return {"event": "match", "next": "b", "conditions": [condition]}

    split = state("s", "split-based-on", ("noMatch", None), input="{{x}}")
    split["transitions"].append(branch("1"))
    old = flow(state("Trigger", "trigger", ("incomingCall", "s")), split, state("b", "say-play"))
    new = copy.deepcopy(old)
    new["states"][1]["transitions"].insert(1, branch("2"))
    diff = diff_flows(old, new)
    assert [edge.detail for edge in diff.edges_added] == [
        json.dumps(branch("2")["conditions"], sort_keys=True, separators=(",", ":"))
    ]
    assert diff.edges_removed == ()


# -- lists inside a widget are compared by key, never by position ----------------------------------------------


def _press(digit: str, target: str = "agent") -> dict[str, Any]:
    condition = {"friendly_name": f"If value equal_to {digit}", "arguments": ["{{widgets.menu.Digits}}"],
                 "type": "equal_to", "value": digit}
    return {"event": "match", "next": target, "conditions": [condition]}


MENU = flow(
    state("Trigger", "trigger", ("incomingCall", "menu")),
    {**state("menu", "split-based-on", ("noMatch", "agent"), input="{{widgets.menu.Digits}}"),
     "transitions": [{"event": "noMatch", "next": "agent"}, _press("1"), _press("2", "bye")]},
    state("agent", "send-to-flex", workflow="WW1", channel="TC1"),
    state("bye", "say-play", say="Bye"),
)


def test_a_press_3_branch_inserted_mid_split_is_one_added_transition_not_a_renumbering() -> None:
    new = copy.deepcopy(MENU)
    new["states"][1]["transitions"].insert(1, _press("3", "bye"))
    diff = diff_flows(MENU, new)
    [change] = diff.changed
    added = {k: v for k, v in _press("3").items() if k != "next"}
    assert change.changes == (ValueChange("/transitions/match: If value equal_to 3", ABSENT, added),)
    assert (diff.edges_added, diff.edges_removed) == ((Edge("menu", "match", "bye", json.dumps(
        _press("3")["conditions"], sort_keys=True, separators=(",", ":"))),), ())
    markdown = diff.to_markdown()
    assert "| changed | `menu` | `split-based-on` | 1 value |" in markdown
    assert "| `/transitions/match: If value equal_to 3` | *(absent)* |" in markdown
    assert "/transitions/1" not in markdown


def test_reordered_split_branches_are_one_order_change() -> None:
    new = copy.deepcopy(MENU)
    transitions = new["states"][1]["transitions"]
    transitions[1], transitions[2] = transitions[2], transitions[1]
    [change] = diff_flows(MENU, new).changed
    keys = ["noMatch", "match: If value equal_to 1", "match: If value equal_to 2"]
    assert change.changes == (ValueChange("/transitions/(order)", keys, [keys[0], keys[2], keys[1]]),)


def test_a_parameter_inserted_first_is_one_added_parameter() -> None:
    def parameters(*keys: str) -> Any:
        return lambda s: s["properties"].update(parameters=[{"key": key, "value": key.upper()} for key in keys])

    old, new = edited(greet=parameters("account", "lang")), edited(greet=parameters("vip", "account", "lang"))
    [change] = diff_flows(old, new).changed
    assert change.changes == (ValueChange("/properties/parameters/vip", ABSENT, {"key": "vip", "value": "VIP"}),)


def test_a_list_without_keys_is_still_compared_by_position() -> None:
    old = edited(greet=lambda s: s["properties"].update(hints=["yes", "no"]))
    new = edited(greet=lambda s: s["properties"].update(hints=["no", "yes"]))
    [change] = diff_flows(old, new).changed
    assert [c.path for c in change.changes] == ["/properties/hints/0", "/properties/hints/1"]
