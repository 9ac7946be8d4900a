"""Automatic canvas layout: every widget placed, user offsets kept, top-down, no overlaps, stable."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.graph import iter_edges, states_by_name
from studio.layout import (
    ROW_HEIGHT,
    WIDGET_HEIGHT,
    WIDGET_WIDTH,
    Offset,
    compute_offsets,
    definition_offsets,
    layout_order,
    offset_of,
)
from tests.studio.test_layout_strategies import (
    CORPUS_FLOWS,
    Definition,
    connected_flows,
    flow,
    load_corpus,
    state,
)

FAST = settings(max_examples=60, deadline=None)


def layout(definition: Definition, fixed: Mapping[str, Offset] | None = None) -> dict[str, Offset]:
    return compute_offsets(definition["states"], definition["initial_state"], fixed or {})


def overlapping(offsets: Mapping[str, Offset]) -> list[tuple[str, str]]:
    return [
        (a, b)
        for a, b in combinations(offsets, 2)
        if abs(offsets[a][0] - offsets[b][0]) < WIDGET_WIDTH and abs(offsets[a][1] - offsets[b][1]) < WIDGET_HEIGHT
    ]


def reaches(definition: Definition, start: str, goal: str) -> bool:
    children: dict[str, list[str]] = {}
    for edge in iter_edges(definition["states"]):
        children.setdefault(edge.source, []).append(edge.target)
    seen, todo = {start}, [start]
    while todo:
        for child in children.get(todo.pop(), []):
            if child == goal:
                return True
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return False


RETRY_LOOP = flow(
    state("Trigger", "trigger", ("incomingCall", "ask")),
    state("ask", "gather-input-on-call", ("keypress", "check"), ("timeout", "ask")),
    state("check", "split-based-on", ("noMatch", "ask"), ("match", "agent")),
    state("agent", "send-to-flex"),
)


@FAST
@given(connected_flows())
def test_every_state_gets_an_offset(definition: Definition) -> None:
    assert list(layout(definition)) == [s["name"] for s in definition["states"]]


@FAST
@given(connected_flows())
def test_no_two_widgets_overlap(definition: Definition) -> None:
    assert overlapping(layout(definition)) == []


@FAST
@given(connected_flows())
def test_children_are_below_their_parents_except_on_back_edges(definition: Definition) -> None:
    offsets = layout(definition)
    upward = [
        edge
        for edge in iter_edges(definition["states"])
        if offsets[edge.target][1] <= offsets[edge.source][1] and not reaches(definition, edge.target, edge.source)
    ]
    assert upward == []


@FAST
@given(connected_flows())
def test_layout_is_deterministic(definition: Definition) -> None:
    assert layout(definition) == layout(copy.deepcopy(definition))


@FAST
@given(connected_flows(), st.data())
def test_appending_a_leaf_moves_no_other_widget(definition: Definition, data: st.DataObject) -> None:
    before = layout(definition)
    grown = copy.deepcopy(definition)
    parent = data.draw(st.sampled_from(grown["states"]))
    parent["transitions"].append({"event": "new", "next": "leaf"})
    grown["states"].append(state("leaf", "say-play"))
    after = layout(grown)
    assert {name for name in before if after[name] != before[name]} == set()


@FAST
@given(connected_flows(), st.data())
def test_fixed_offsets_are_kept_and_avoided(definition: Definition, data: st.DataObject) -> None:
    names = [s["name"] for s in definition["states"]]
    pinned = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    spots = st.tuples(st.integers(-2000, 2000), st.integers(-2000, 2000))
    fixed = {name: data.draw(spots) for name in pinned}
    offsets = layout(definition, fixed)
    assert {name: offsets[name] for name in fixed} == fixed
    # Users may stack their own widgets; only the computed ones are held to the rule.
    assert [pair for pair in overlapping(offsets) if not set(pair) <= set(fixed)] == []


def test_siblings_are_ordered_left_to_right_by_event_order_not_definition_order() -> None:
    offsets = layout(
        flow(
            state("Trigger", "trigger", ("incomingCall", "split")),
            state("split", "split-based-on", ("noMatch", "c"), ("match", "a"), ("match", "b")),
            state("b"),
            state("a"),
            state("c"),
        )
    )
    assert offsets["c"][0] < offsets["a"][0] < offsets["b"][0]


def test_a_join_sits_below_its_lowest_parent() -> None:
    offsets = layout(
        flow(
            state("Trigger", "trigger", ("incomingCall", "check")),
            state("check", "run-function", ("success", "is_open"), ("fail", "agent")),
            state("is_open", "split-based-on", ("noMatch", "closed"), ("match", "agent")),
            state("closed", "say-play"),
            state("agent", "send-to-flex"),
        )
    )
    assert offsets["agent"][1] == offsets["is_open"][1] + ROW_HEIGHT


def test_retry_loops_lay_out_top_down_along_the_forward_path() -> None:
    offsets = layout(RETRY_LOOP)
    assert offsets["Trigger"][1] < offsets["ask"][1] < offsets["check"][1] < offsets["agent"][1]


def test_unreachable_widgets_are_placed_right_of_the_reachable_ones() -> None:
    definition = copy.deepcopy(RETRY_LOOP)
    definition["states"].insert(1, state("orphan", "say-play", ("audioComplete", "orphan_child")))
    definition["states"].append(state("orphan_child", "say-play", ("audioComplete", "ask")))
    offsets = layout(definition)
    reachable_right_edge = max(x for name, (x, _) in offsets.items() if not name.startswith("orphan"))
    assert offsets["orphan"][0] > reachable_right_edge
    assert offsets["orphan_child"][1] > offsets["orphan"][1]


def test_unreachable_widgets_do_not_move_the_reachable_ones() -> None:
    definition = copy.deepcopy(RETRY_LOOP)
    definition["states"].insert(1, state("orphan", "say-play", ("audioComplete", "agent")))
    offsets = layout(definition)
    assert {name: offsets[name] for name in layout(RETRY_LOOP)} == layout(RETRY_LOOP)


def test_a_missing_initial_state_still_places_every_widget_without_overlap() -> None:
    offsets = layout(flow(state("a", "say-play", ("audioComplete", "b")), state("b"), initial_state="gone"))
    assert set(offsets) == {"a", "b"}
    assert overlapping(offsets) == []


def test_transitions_to_missing_widgets_are_ignored() -> None:
    offsets = layout(flow(state("Trigger", "trigger", ("incomingCall", "nowhere"))))
    assert offsets == {"Trigger": (0, 0)}


def test_children_of_a_user_placed_widget_go_below_it() -> None:
    offsets = layout(RETRY_LOOP, {"ask": (1000, 1010)})
    assert offsets["check"][1] >= 1010 + WIDGET_HEIGHT


@pytest.mark.parametrize("path", CORPUS_FLOWS, ids=lambda p: p.stem)
def test_corpus_flows_lay_out_without_overlap(path: Path) -> None:
    definition = load_corpus(path)
    offsets = layout(definition)
    assert set(offsets) == {s["name"] for s in definition["states"]}
    assert overlapping(offsets) == []


def test_a_widgets_own_offset_wins_over_the_computed_one() -> None:
    definition = copy.deepcopy(RETRY_LOOP)
    definition["states"][2]["properties"]["offset"] = {"x": 40, "y": 2000}
    assert definition_offsets(definition)["check"] == (40, 2000)


@pytest.mark.parametrize(
    "properties",
    [
        {},
        {"offset": None},
        {"offset": {"x": "1", "y": 2}},
        {"offset": {"x": True, "y": 2}},
        {"offset": {"x": 1}},
    ],
)
def test_unusable_offsets_count_as_absent(properties: dict[str, Any]) -> None:
    assert offset_of({"name": "a", "properties": properties}) is None


def test_layout_order_reads_top_to_bottom_then_left_to_right() -> None:
    assert layout_order({"c": (350, 250), "b": (0, 250), "a": (0, 0)}) == ["a", "b", "c"]


def test_states_by_name_keeps_the_first_of_a_repeated_name() -> None:
    first, second = state("a", "say-play"), state("a", "send-to-flex")
    assert states_by_name(flow(first, second)) == {"a": first}
