"""Diagram captions: what the caller hears or reads, the menu choices, where Send to Flex sends the task."""

from __future__ import annotations

from typing import Any

from studio.captions import captions

MENU_FLOW: dict[str, Any] = {
    "initial_state": "Trigger",
    "states": [
        {"name": "Trigger", "type": "trigger", "properties": {}, "transitions": [{"event": "incomingCall",
                                                                                 "next": "menu"}]},
        {"name": "menu", "type": "gather-input-on-call",
         "properties": {"say": "For sales, press 1. For support, press 2.", "number_of_digits": 1},
         "transitions": [{"event": "keypress", "next": "choice"}]},
        {"name": "choice", "type": "split-based-on", "properties": {"input": "{{widgets.menu.Digits}}"},
         "transitions": [
             {"event": "noMatch", "next": "sorry"},
             {"event": "match", "next": "to_flex", "conditions": [
                 {"friendly_name": "1", "arguments": ["{{widgets.menu.Digits}}"], "type": "equal_to", "value": "1"}]},
             {"event": "match", "next": "to_flex", "conditions": [
                 {"friendly_name": "2", "arguments": ["{{widgets.menu.Digits}}"], "type": "equal_to", "value": "2"}]},
         ]},
        {"name": "sorry", "type": "say-play",
         "properties": {"say": "Sorry{% if x %} {{widgets.lookup.profile.traits.first_name}}{% endif %}, goodbye."},
         "transitions": []},
        {"name": "to_flex", "type": "send-to-flex",
         "properties": {"workflow": "${SALES_WORKFLOW}", "channel": "${VOICE}", "priority": "50",
                        "attributes": '{"team":"sales","vip":{{flow.variables.vip}}}'},
         "transitions": []},
    ],
}


def test_a_prompt_reads_as_what_the_caller_hears_and_a_menu_lists_its_choices() -> None:
    found = captions(MENU_FLOW)

    assert found["menu"].lines == ("asks “For sales, press 1. For support, press 2.”", "choices: 1, 2")
    assert found["sorry"].lines == ("says “Sorry ‹first_name›, goodbye.”",)  # Liquid by what it names
    assert found["choice"].lines == ("checks the answer to menu",)
    assert "Trigger" not in found  # nothing to say


def test_send_to_flex_shows_its_workflow_by_name_priority_and_attributes_and_everything_on_hover() -> None:
    found = captions(MENU_FLOW, {"SALES_WORKFLOW": "Sales", "VOICE": "voice"})["to_flex"]

    assert found.lines == ("to Sales", "priority 50", "attributes: team, vip")
    assert "workflow: Sales" in found.full
    assert "task channel: voice" in found.full
    assert 'attributes: {"team":"sales","vip":{{flow.variables.vip}}}' in found.full  # Liquid as written


def test_an_unnamed_parameter_reads_as_its_name() -> None:
    assert captions(MENU_FLOW)["to_flex"].lines[0] == "to SALES_WORKFLOW"


def test_the_diagram_boxes_say_it_and_the_hover_says_all_of_it() -> None:
    import xml.etree.ElementTree as ET

    from studio.diagram import CAPTION_LINES, to_svg

    svg = ET.fromstring(to_svg(MENU_FLOW, captions(MENU_FLOW, {"SALES_WORKFLOW": "Sales"})))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    groups = {group.find("svg:rect", ns).get("data-name"): group  # type: ignore[union-attr]
              for group in svg.iterfind(".//svg:g[@class='widget-group']", ns)}

    def shown(name: str) -> list[str]:
        return [text.text or "" for text in groups[name].iterfind("svg:text[@class='caption']", ns)]

    assert shown("to_flex") == ["to Sales", "priority 50", "attributes: team, vip"]
    assert shown("menu")[-1] == "choices: 1, 2"
    assert len(shown("menu")) <= CAPTION_LINES
    title = groups["to_flex"].findtext("svg:title", namespaces=ns) or ""
    assert title.startswith("to_flex (send-to-flex)\n")
    assert 'attributes: {"team":"sales","vip":{{flow.variables.vip}}}' in title
    assert groups["Trigger"].findtext("svg:text[@class='type']", namespaces=ns) == "trigger"  # nothing to say
    heights = {group.find("svg:rect", ns).get("height") for group in groups.values()}  # type: ignore[union-attr]
    assert len(heights) == 1  # one box height per diagram, for the longest caption
