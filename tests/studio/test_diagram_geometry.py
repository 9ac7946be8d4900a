"""The SVG diagram, measured: no arrow through a box, no two arrowheads on one point, no label over a box.

Measured on generated flows of 10 to 100 widgets (random trees plus extra edges, loops and shared targets)
and on the real-world corpus; a 30-widget IVR stays a readable width. Large IVRs of 50 to 100 widgets with
several 7-way menus: each condition label sits on its own arrow, the timeouts into one goodbye neither curl
nor crowd it, and long names are cut to fit their boxes as Graphviz measures text.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings

from studio.diagram import FAN_IN_LIMIT, to_svg
from tests.shared_data import CORPUS
from tests.studio.test_layout_strategies import Definition, connected_flows, load_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.studio_flow import build_flow

SVG = "{http://www.w3.org/2000/svg}"
GEOMETRY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
REALWORLD = sorted((CORPUS / "realworld" / "flows").glob("*.json"))

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def contains(self, point: Point, inset: float = 1.0) -> bool:
        x, y = point
        return self.x + inset < x < self.x + self.width - inset and self.y + inset < y < self.y + self.height - inset

    def overlaps(self, other: Box, inset: float = 0.5) -> bool:
        return (
            self.x + inset < other.x + other.width
            and other.x + inset < self.x + self.width
            and self.y + inset < other.y + other.height
            and other.y + inset < self.y + self.height
        )


@dataclass(frozen=True)
class Drawing:
    width: float
    boxes: dict[str, Box]
    arrows: list[tuple[str, str, list[Point], list[Point]]]  # source, target, curve samples, arrowhead
    labels: list[Box]


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    samples = []
    for step in range(steps + 1):
        t = step / steps
        u = 1 - t
        samples.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return samples


def drawing(definition: Definition) -> Drawing:
    root = ET.fromstring(to_svg(definition))
    boxes = {
        rect.get("data-name", ""): Box(*(float(rect.get(key, "0")) for key in ("x", "y", "width", "height")))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "widget"
    }
    arrows = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "arrow":
            continue
        path = group.find(f"{SVG}path")
        head = group.find(f"{SVG}polygon")
        assert path is not None
        assert head is not None
        values = numbers(path.get("d", ""))
        points = list(zip(values[0::2], values[1::2], strict=True))
        samples = [
            sample
            for i in range(0, len(points) - 3, 3)
            for sample in cubic(points[i], points[i + 1], points[i + 2], points[i + 3])
        ]
        polygon = numbers(head.get("points", ""))
        arrows.append(
            (
                path.get("data-source", ""),
                path.get("data-target", ""),
                samples,
                list(zip(polygon[0::2], polygon[1::2], strict=True)),
            )
        )
    labels = []
    for text in root.iter(f"{SVG}text"):
        if text.get("class") == "event":
            x, y, width = (float(text.get(key, "0")) for key in ("x", "y", "data-width"))
            labels.append(Box(x - width / 2, y - 12, width, 15))
    return Drawing(float(root.get("width", "0")), boxes, arrows, labels)


def arrows_through_boxes(picture: Drawing) -> list[str]:
    return [
        f"{source}->{target} crosses {name}"
        for source, target, samples, _ in picture.arrows
        for name, box in picture.boxes.items()
        if name not in (source, target) and any(box.contains(point) for point in samples)
    ]


def shared_arrowheads(picture: Drawing) -> list[str]:
    tips = []
    for source, target, samples, head in picture.arrows:
        end = samples[-1]
        tip = max(head, key=lambda point: math.dist(point, end))
        tips.append((f"{source}->{target}", tip))
    return [
        f"{a} and {b}"
        for index, (a, tip_a) in enumerate(tips)
        for b, tip_b in tips[index + 1 :]
        if math.dist(tip_a, tip_b) < 2.0
    ]


def labels_over_boxes(picture: Drawing) -> list[str]:
    return [
        f"label at {label.x:.0f},{label.y:.0f} over {name}"
        for label in picture.labels
        for name, box in picture.boxes.items()
        if label.overlaps(box)
    ]


sized_flows = connected_flows(max_widgets=100).filter(lambda definition: len(definition["states"]) >= 10)


@GEOMETRY
@given(sized_flows)
def test_no_arrow_passes_through_a_box_it_does_not_start_or_end_at(definition: Definition) -> None:
    assert arrows_through_boxes(drawing(definition)) == []


@GEOMETRY
@given(sized_flows)
def test_no_two_arrowheads_share_a_point(definition: Definition) -> None:
    assert shared_arrowheads(drawing(definition)) == []


@GEOMETRY
@given(sized_flows)
def test_no_event_label_lies_over_a_box(definition: Definition) -> None:
    assert labels_over_boxes(drawing(definition)) == []


@pytest.mark.parametrize("path", REALWORLD, ids=lambda path: path.stem)
def test_real_flows_draw_cleanly(path: Path) -> None:
    picture = drawing(load_corpus(path))
    assert arrows_through_boxes(picture) + shared_arrowheads(picture) + labels_over_boxes(picture) == []


def test_a_30_widget_ivr_stays_a_readable_width() -> None:
    definition = build_flow(30).to_definition()
    assert len(definition["states"]) == 28  # the trigger and three IVR segments
    assert drawing(definition).width <= 1000  # about four boxes side by side


def test_a_100_widget_ivr_grows_down_not_sideways() -> None:
    picture = drawing(build_flow(100).to_definition())
    assert picture.width <= 1400


def test_the_measures_see_a_crossing_when_there_is_one() -> None:
    picture = Drawing(
        width=100,
        boxes={"a": Box(0, 0, 10, 10), "b": Box(0, 50, 10, 10), "c": Box(0, 100, 10, 10)},
        arrows=[("a", "c", [(5, 10), (5, 55), (5, 100)], [(4, 98), (6, 98), (5, 100)])],
        labels=[Box(2, 52, 5, 5)],
    )
    assert arrows_through_boxes(picture) == ["a->c crosses b"]
    assert labels_over_boxes(picture) == ["label at 2,52 over b"]


# -- large flows with wide splits: 50 to 100 widgets, 7-way menus, every timeout to one goodbye ----------------

GOODBYE = "no_input_goodbye_and_hang_up_the_call_politely_please"


def wide_flow(target: int, seed: int, ways: int = 7) -> Definition:
    """A generated IVR: menus of ``ways`` branches (some branches open further menus), long names, every
    gather's timeout and the handoff's failure into one goodbye widget, every leaf into one handoff."""
    rnd = random.Random(seed)
    states: list[dict[str, Any]] = [
        {"name": "Trigger", "type": "trigger", "properties": {},
         "transitions": [{"event": "incomingCall", "next": "m"}]},
        {"name": GOODBYE, "type": "say-play", "properties": {"say": "Bye"},
         "transitions": [{"event": "audioComplete"}]},
        {"name": "handoff", "type": "send-to-flex", "properties": {"workflow": "WW1", "channel": "TC1"},
         "transitions": [{"event": "callComplete"}, {"event": "failedToEnqueue", "next": GOODBYE}]},
    ]
    menus: list[str] = ["m"]
    leaves: list[str] = []
    to_open = -(-(target - 4) // (ways + 1)) - 1  # a menu is two widgets and opens ``ways`` (one menu less a leaf)
    while menus:
        menu = menus.pop(0)
        digits = f"{{{{widgets.{menu}.Digits}}}}"
        states.append({"name": menu, "type": "gather-input-on-call", "properties": {"say": "Press a key"},
                       "transitions": [{"event": "keypress", "next": f"{menu}_choice"}, {"event": "speech"},
                                       {"event": "timeout", "next": GOODBYE}]})
        branches = []
        for digit in range(1, ways + 1):
            child = f"{menu}{digit}_" + rnd.choice(["x", "billing", "W" * 24, "check_the_account_balance_first"])
            condition = {"friendly_name": f"If value equal_to {digit}", "arguments": [digits], "type": "equal_to",
                         "value": str(digit)}
            branches.append({"event": "match", "next": child, "conditions": [condition]})
            opens = to_open > 0 and (rnd.random() < 0.4 or (digit == ways and not menus))
            to_open -= opens
            (menus if opens else leaves).append(child)
        states.append({"name": f"{menu}_choice", "type": "split-based-on", "properties": {"input": digits},
                       "transitions": [{"event": "noMatch", "next": menu}, *branches]})
    states += [{"name": leaf, "type": "say-play", "properties": {"say": "One moment"},
                "transitions": [{"event": "audioComplete", "next": "handoff"}]} for leaf in leaves]
    return {"description": "wide", "initial_state": "Trigger", "flags": {"allow_concurrent_calls": True},
            "states": states}


WIDE = [(50, 1), (75, 2), (100, 3)]


@functools.cache
def wide_picture(target: int, seed: int) -> tuple[Drawing, ET.Element]:
    definition = wide_flow(target, seed)
    splits = [s for s in definition["states"] if s["type"] == "split-based-on" and len(s["transitions"]) >= 8]
    assert 50 <= len(definition["states"]) <= 100
    assert len(splits) >= 3
    return drawing(definition), ET.fromstring(to_svg(definition))


def distance(point: Point, samples: list[Point]) -> float:
    return min(math.dist(point, sample) for sample in samples)


def turning_degrees(samples: list[Point]) -> float:
    """How far an arrow turns along its way, in degrees (a loop turns 360 or more)."""
    headings = [math.atan2(b[1] - a[1], b[0] - a[0]) for a, b in itertools.pairwise(samples) if math.dist(a, b) > 0.5]
    return math.degrees(sum(abs((b - a + math.pi) % (2 * math.pi) - math.pi) for a, b in itertools.pairwise(headings)))


@pytest.mark.parametrize(("target", "seed"), WIDE)
def test_wide_flows_draw_cleanly(target: int, seed: int) -> None:
    picture, _ = wide_picture(target, seed)
    assert arrows_through_boxes(picture) + shared_arrowheads(picture) + labels_over_boxes(picture) == []


@pytest.mark.parametrize(("target", "seed"), WIDE)
def test_each_condition_label_sits_on_its_own_arrow_and_on_no_other_label(target: int, seed: int) -> None:
    picture, _ = wide_picture(target, seed)
    assert len(picture.labels) == len(picture.arrows)  # one label per arrow, both in edge order
    misplaced = []
    for label, (source, target_, samples, _) in zip(picture.labels, picture.arrows, strict=True):
        center = (label.x + label.width / 2, label.y + 8)
        own = distance(center, samples)
        nearest_other = min(distance(center, other[2]) for other in picture.arrows if other[2] is not samples)
        if own > 2.0 or own >= nearest_other:
            misplaced.append(f"{source}->{target_}: {own:.0f} from its arrow, {nearest_other:.0f} from another")
    assert misplaced == []
    assert [(a, b) for a, b in itertools.combinations(picture.labels, 2) if a.overlaps(b)] == []


@pytest.mark.parametrize(("target", "seed"), WIDE)
def test_many_timeouts_into_one_widget_neither_curl_nor_crowd_it(target: int, seed: int) -> None:
    picture, root = wide_picture(target, seed)
    curls = [f"{s}->{t}: {turning_degrees(samples):.0f} degrees" for s, t, samples, _ in picture.arrows
             if turning_degrees(samples) > 200]
    assert curls == []
    box = picture.boxes[GOODBYE]
    ending_in_it = [s for s, _, samples, _ in picture.arrows if math.dist(samples[-1], (
        min(max(samples[-1][0], box.x), box.x + box.width), min(max(samples[-1][1], box.y), box.y + box.height))) < 12]
    connectors = [
        rect for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "connector" and rect.get("data-target") == GOODBYE
    ]
    incoming = [t for s in wide_flow(target, seed)["states"] for t in s["transitions"] if t.get("next") == GOODBYE]
    assert len(ending_in_it) <= FAN_IN_LIMIT
    assert len(connectors) == len(incoming) - FAN_IN_LIMIT  # each other one ends at a "→ goodbye" by its source


def dot_widths(texts: list[tuple[str, bool, int]]) -> list[float]:
    """Each text's width as Graphviz measures a whole label (not character by character)."""
    graph = graphviz.Digraph(node_attr={"shape": "plaintext"})
    for number, (text, bold, size) in enumerate(texts):
        graph.node(f"t{number}", label=text, fontsize=str(size), fontname="Helvetica-Bold" if bold else "Helvetica")
    layout = json.loads(graph.pipe(format="json", engine="dot", encoding="utf-8"))
    widths = {
        node["name"]: next(op["width"] for op in node["_ldraw_"] if op["op"] == "T") for node in layout["objects"]
    }
    return [float(widths[f"t{number}"]) for number in range(len(texts))]


@pytest.mark.parametrize(("target", "seed"), WIDE[:1])
def test_long_names_never_spill_out_of_their_boxes(target: int, seed: int) -> None:
    _, root = wide_picture(target, seed)
    spills = []
    for group in root.iter(f"{SVG}g"):
        rect = next((r for r in group.iter(f"{SVG}rect") if r.get("class") in ("widget", "connector")), None)
        if rect is None:
            continue
        right = float(rect.get("x", "0")) + float(rect.get("width", "0"))
        texts = [t for t in group.iter(f"{SVG}text") if t.get("class") in ("name", "type")]
        sizes = [(t.text or "", t.get("font-weight") == "bold", int(t.get("font-size", "14"))) for t in texts]
        for text, width in zip(texts, dot_widths(sizes), strict=True):
            if float(text.get("x", "0")) + width > right - 4:
                spills.append(f"{text.text!r} in {rect.get('data-name') or rect.get('data-target')}")
    assert spills == []
    shown = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert any(text.endswith("…") for text in shown)  # the long names were cut, not left to spill
