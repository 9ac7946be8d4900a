"""The SVG diagram, measured: no arrow through a box, no two arrowheads on one point, no label over a box.

Measured on generated flows of 10 to 100 widgets (random trees plus extra edges, loops and shared targets)
and on the real-world corpus; a 30-widget IVR stays a readable width.
"""

from __future__ import annotations

import math
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from studio.diagram import to_svg
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
