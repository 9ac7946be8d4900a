"""Flow diagrams: Mermaid text and standalone SVG from the same layout."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings

from studio.diagram import Marks, edge_label, mermaid_text, node_id, to_mermaid, to_svg
from studio.graph import iter_edges
from studio.layout import definition_offsets, layout_order
from tests.studio.test_layout_strategies import (
    CORPUS_FLOWS,
    Definition,
    connected_flows,
    flow,
    load_corpus,
    state,
)

SVG = "{http://www.w3.org/2000/svg}"
FAST = settings(max_examples=40, deadline=None)
WEIRD_NAMES = ["end", 'say "hi" <now>', "a|b", "x-->y", "naïve 名前", "o", "a b", "a_b", "#35;", "[x]"]

QUEUE_FLOW = flow(
    state("Trigger", "trigger", ("incomingMessage", "ask"), ("incomingCall", None)),
    state("ask", "send-and-wait-for-reply", ("incomingMessage", "route"), ("timeout", "ask")),
    state("route", "split-based-on", ("noMatch", "agent"), ("match", "sales"), input="{{widgets.ask}}"),
    state("sales", "set-variables", ("next", "agent")),
    state("agent", "send-to-flex"),
)
QUEUE_FLOW["states"][2]["transitions"][1]["conditions"] = [
    {"friendly_name": "If sales", "arguments": ["{{widgets.ask}}"], "type": "contains", "value": "sales"}
]


def mermaid_nodes(text: str) -> list[str]:
    return re.findall(r"^    (\S+)\[\"", text, flags=re.MULTILINE)


def mermaid_edges(text: str) -> list[tuple[str, str, str]]:
    return re.findall(r"^    (\S+) -->\|([^|]*)\| (\S+)$", text, flags=re.MULTILINE)


def svg_root(definition: Definition) -> ET.Element:
    return ET.fromstring(to_svg(definition))


def weird_flow() -> Definition:
    names = ["Trigger", *WEIRD_NAMES]
    return flow(
        *(
            state(name, "trigger" if i == 0 else "say-play", *([("go", names[i + 1])] if i + 1 < len(names) else []))
            for i, name in enumerate(names)
        )
    )


@FAST
@given(connected_flows())
def test_mermaid_declares_every_widget_once(definition: Definition) -> None:
    names = [s["name"] for s in definition["states"]]
    assert sorted(mermaid_nodes(to_mermaid(definition))) == sorted(node_id(name) for name in names)


@FAST
@given(connected_flows())
def test_mermaid_draws_every_edge_with_its_event(definition: Definition) -> None:
    expected = sorted((node_id(e.source), e.event, node_id(e.target)) for e in iter_edges(definition["states"]))
    assert sorted(mermaid_edges(to_mermaid(definition))) == expected


@FAST
@given(connected_flows())
def test_mermaid_declares_widgets_in_layout_order(definition: Definition) -> None:
    order = layout_order(definition_offsets(definition))
    assert mermaid_nodes(to_mermaid(definition)) == [node_id(name) for name in order]


def test_mermaid_is_deterministic() -> None:
    assert to_mermaid(QUEUE_FLOW) == to_mermaid(copy.deepcopy(QUEUE_FLOW))


def test_mermaid_starts_a_top_down_flowchart() -> None:
    assert to_mermaid(QUEUE_FLOW).startswith("flowchart TD\n")


def test_mermaid_labels_show_name_and_type() -> None:
    assert '    w_route["route<br/><i>split-based-on</i>"]' in to_mermaid(QUEUE_FLOW).splitlines()


def test_mermaid_summarises_split_conditions_on_the_edge() -> None:
    assert "    w_route -->|match: contains sales| w_sales" in to_mermaid(QUEUE_FLOW).splitlines()


def test_node_ids_are_plain_identifiers_for_any_name() -> None:
    ids = [node_id(name) for name in WEIRD_NAMES]
    assert all(re.fullmatch(r"w_[A-Za-z0-9_]+", i) for i in ids)


def test_names_that_clean_up_alike_get_different_ids() -> None:
    assert node_id("a b") != node_id("a_b") != node_id("a-b")


def test_weird_names_leave_no_mermaid_syntax_in_labels() -> None:
    text = to_mermaid(weird_flow())
    labels = re.findall(r'\["(.*)"\]$', text, flags=re.MULTILINE)
    assert len(labels) == len(WEIRD_NAMES) + 1
    assert not any(
        re.search(r'["|\[\]<>]', label.replace("<br/>", "").replace("<i>", "").replace("</i>", "")) for label in labels
    )


def test_mermaid_text_escapes_with_entity_codes() -> None:
    assert mermaid_text('a"b|c') == "a#34;b#124;c"


def test_a_transition_to_a_missing_widget_is_drawn_as_a_marked_node() -> None:
    text = to_mermaid(flow(state("Trigger", "trigger", ("incomingCall", "ghost"))))
    assert "    class w_ghost missing" in text.splitlines()


def test_marks_become_class_and_link_styles() -> None:
    (branch,) = [edge for edge in iter_edges(QUEUE_FLOW["states"]) if edge.event == "match"]
    marks = Marks(widgets={"sales": "added", "agent": "changed"}, edges={(branch, 0): "added"})
    lines = to_mermaid(QUEUE_FLOW, marks).splitlines()
    assert "    class w_sales added" in lines
    assert "    class w_agent changed" in lines
    index = mermaid_edges("\n".join(lines)).index(("w_route", "match: contains sales", "w_sales"))
    assert any(line.startswith(f"    linkStyle {index} stroke:") for line in lines)


def test_edge_label_is_the_event_outside_splits() -> None:
    assert edge_label({"event": "sent", "conditions": [{"type": "x", "value": "y"}]}, "send-message") == "sent"


def test_long_condition_values_are_cut_short() -> None:
    label = edge_label({"event": "match", "conditions": [{"type": "regex", "value": "x" * 200}]}, "split-based-on")
    assert len(label) < 60
    assert label.endswith("…")


@FAST
@given(connected_flows())
def test_svg_has_one_box_per_widget(definition: Definition) -> None:
    boxes = svg_root(definition).iter(f"{SVG}rect")
    named = [box.get("data-name", "") for box in boxes if box.get("class") == "widget"]
    assert sorted(named) == sorted(s["name"] for s in definition["states"])


@FAST
@given(connected_flows())
def test_svg_has_one_labelled_arrow_per_edge(definition: Definition) -> None:
    root = svg_root(definition)
    labels = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "event"]
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("class") == "transition"]
    assert len(arrows) == len(labels)
    assert sorted(labels) == sorted(e.event for e in iter_edges(definition["states"]))


def test_svg_escapes_weird_names() -> None:
    root = svg_root(weird_flow())
    named = {box.get("data-name") for box in root.iter(f"{SVG}rect") if box.get("class") == "widget"}
    assert set(WEIRD_NAMES) <= named


def test_svg_draws_the_flow_top_down_from_the_trigger() -> None:
    boxes = {
        box.get("data-name"): float(box.get("y", ""))
        for box in svg_root(QUEUE_FLOW).iter(f"{SVG}rect")
        if box.get("class") == "widget"
    }
    assert boxes["Trigger"] == min(boxes.values())
    assert boxes["Trigger"] < boxes["ask"] < boxes["route"] < boxes["agent"]


def test_svg_is_deterministic() -> None:
    assert to_svg(QUEUE_FLOW) == to_svg(copy.deepcopy(QUEUE_FLOW))


@pytest.mark.parametrize("path", CORPUS_FLOWS, ids=lambda p: p.stem)
def test_corpus_flows_render_as_svg_and_mermaid(path: Path) -> None:
    definition = load_corpus(path)
    assert len(mermaid_nodes(to_mermaid(definition))) == len(definition["states"])
    assert svg_root(definition).tag == f"{SVG}svg"
