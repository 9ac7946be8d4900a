"""Flow diagrams: Mermaid text for pull-request comments and standalone SVG for people.

Both views take their order from one layout (:func:`studio.layout.definition_offsets`: a widget's
own offset, else the computed one): widgets top to bottom, then left to right. Mermaid positions nodes
itself from that order. The SVG is laid out and routed by Graphviz's ``dot`` (Debian package
``graphviz``, driven through the ``graphviz`` Python package): arrows kept off the boxes they do not
join, event labels given room as their own nodes, arrowheads that dot puts on one point spaced out along
the box side. Large flows stay readable: each label is drawn on its own arrow (clear of boxes, other
labels and other arrows where it can be), a widget many others lead to keeps :data:`FAN_IN_LIMIT` arrows
and the rest end at a small "→ name" connector beside their source (no bundle curling into its box), and
names are cut to fit their boxes as Graphviz measures text. The canvas offsets written into definitions
stay the toolkit's own (:mod:`studio.layout`); the diagram is for reading.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from xml.sax.saxutils import escape, quoteattr

from studio.captions import Caption
from studio.graph import Edge, edge_of, states_by_name
from studio.layout import definition_offsets, layout_order

SPLIT_TYPE = "split-based-on"
LABEL_LIMIT = 40
"""Longest condition value shown on a split's edge label before it is cut with an ellipsis."""

# Mermaid's own look for review marks; the text marker repeats it for readers without colour.
MARK_STYLES = {
    "added": ("+", "fill:#e6ffed,stroke:#1a7f37,stroke-width:2px"),
    "changed": ("~", "fill:#fff8c5,stroke:#9a6700,stroke-width:2px"),
    "removed": ("-", "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5"),
    "missing": ("?", "fill:#f6f8fa,stroke:#cf222e,stroke-dasharray:2 2"),
}
EDGE_STYLES = {
    "added": "stroke:#1a7f37,stroke-width:2px",
    "removed": "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
}

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")
_MERMAID_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:/'=+?!@*")


@dataclass(frozen=True, slots=True)
class Marks:
    """Review marks for a Mermaid diagram: widget name, or (edge, occurrence among equal edges) -> mark."""

    widgets: Mapping[str, str] = field(default_factory=dict)
    edges: Mapping[tuple[Edge, int], str] = field(default_factory=dict)


def node_id(name: str) -> str:
    """Return a Mermaid node id for a widget name that may contain any characters.

    The ``w_`` prefix keeps ids clear of Mermaid keywords (``end``, ``class``) and of the
    ``o``/``x`` edge endings; names that are not plain identifiers get a hash suffix so two
    names that clean up alike stay apart.
    """
    if _PLAIN_NAME.fullmatch(name):
        return f"w_{name}"
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return f"w_{cleaned}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def mermaid_text(text: str) -> str:
    """Escape text for a quoted Mermaid label with entity codes (``#35;``)."""
    return "".join(ch if ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in text)


def edge_label(transition: Mapping[str, Any], widget_type: str) -> str:
    """Return a transition's label: its event, and for a split's match, its conditions in short."""
    event = str(transition.get("event", ""))
    conditions = transition.get("conditions") or []
    if widget_type != SPLIT_TYPE or not conditions:
        return event
    summary = " and ".join(_condition_text(c) for c in conditions if isinstance(c, Mapping))
    return f"{event}: {summary}" if summary else event


def _condition_text(condition: Mapping[str, Any]) -> str:
    operator = str(condition.get("type", "")).replace("_", " ")
    value = str(condition.get("value", ""))
    if len(value) > LABEL_LIMIT:
        value = value[: LABEL_LIMIT - 1] + "…"
    return f"{operator} {value}".strip()


def to_mermaid(definition: Mapping[str, Any], marks: Marks | None = None) -> str:
    """Render a flow definition as a Mermaid ``flowchart TD`` (deterministic text).

    Args:
        definition: the Studio flow definition (``states``, ``initial_state``).
        marks: optional review marks (``added``/``changed``/``removed`` widgets,
            ``added``/``removed`` edges), drawn with classDefs and linkStyles.
    """
    marks = marks or Marks()
    states = states_by_name(definition)
    order = layout_order(definition_offsets(definition))
    lines = ["flowchart TD"]
    missing: list[str] = []
    edge_lines: list[str] = []
    edge_styles: dict[str, list[int]] = {}
    seen: Counter[Edge] = Counter()
    for name in order:
        state = states[name]
        widget_type = str(state.get("type", ""))
        lines.append(f'    {node_id(name)}["{_node_label(name, widget_type, marks.widgets.get(name))}"]')
        for transition in state.get("transitions") or ():
            edge = edge_of(name, transition)
            if edge is None:
                continue
            target = edge.target
            if target not in states and target not in missing:
                missing.append(target)
            label = mermaid_text(edge_label(transition, widget_type))
            edge_mark = marks.edges.get((edge, seen[edge]))
            seen[edge] += 1
            if edge_mark in EDGE_STYLES:
                edge_styles.setdefault(edge_mark, []).append(len(edge_lines))
            edge_lines.append(f"    {node_id(name)} -->|{label}| {node_id(target)}")
    lines += [f'    {node_id(name)}["{_node_label(name, "missing widget", "missing")}"]' for name in missing]
    lines += edge_lines
    widget_marks = {**dict.fromkeys(missing, "missing"), **marks.widgets}
    for mark, (_, style) in MARK_STYLES.items():
        marked = [node_id(name) for name in [*order, *missing] if widget_marks.get(name) == mark]
        if marked:
            lines += [f"    classDef {mark} {style}", f"    class {','.join(marked)} {mark}"]
    for mark, indexes in edge_styles.items():
        lines.append(f"    linkStyle {','.join(map(str, indexes))} {EDGE_STYLES[mark]}")
    return "\n".join(lines) + "\n"


def _node_label(name: str, widget_type: str, mark: str | None) -> str:
    prefix = f"{MARK_STYLES[mark][0]} " if mark in MARK_STYLES else ""
    return f"{mermaid_text(prefix + name)}<br/><i>{mermaid_text(widget_type)}</i>"


# --- SVG ---------------------------------------------------------------------------------------
# Graphviz's dot lays the diagram out and routes the arrows (layered, edges kept off boxes, event labels
# placed as their own nodes); this module only draws what dot computed. The Studio canvas offsets in a
# definition are still the toolkit's own (studio.layout): the diagram is for reading, not for the canvas.

BOX_WIDTH = 220
BOX_HEIGHT = 56
CAPTION_LINES = 3
"""Lines of caption a box shows under the widget's name (cut with an ellipsis; the hover has everything)."""
LINE_HEIGHT = 15
MARGIN = 16
TEXT_INSET = 12
"""Space between a box's side and its text."""
STUB_WIDTH = 180
STUB_HEIGHT = 28
FAN_IN_LIMIT = 4
"""Arrows drawn all the way into one widget; more end at connectors (:func:`_connectors`)."""
FONT = "Helvetica"
_POINTS_PER_INCH = 72.0

Point = tuple[float, float]


class DiagramError(RuntimeError):
    """The SVG cannot be drawn here (Graphviz is missing or failed); the message says how to fix it."""


def to_svg(definition: Mapping[str, Any], captions: Mapping[str, Caption] | None = None) -> str:
    """Render a flow definition as a standalone SVG document, laid out and routed by Graphviz's dot.

    With ``captions`` (:func:`studio.captions.captions`), each box says under the widget's name what the
    widget does (up to :data:`CAPTION_LINES` lines, the widget type when it has none) and its hover says it all;
    every box of the diagram is as tall as the longest caption needs.

    Raises:
        DiagramError: Graphviz's ``dot`` is not installed (Debian package ``graphviz``) or fails.
    """
    states = states_by_name(definition)
    order = layout_order(definition_offsets(definition))
    ids = {name: f"n{index}" for index, name in enumerate(order)}
    edges = [
        (edge, edge_label(transition, str(states[name].get("type", ""))))
        for name in order
        for transition in states[name].get("transitions") or ()
        if (edge := edge_of(name, transition)) is not None and edge.target in states
    ]
    connectors = _connectors([edge for edge, _ in edges])
    texts = [line for caption in (captions or {}).values() for line in caption.lines]
    metrics = _Metrics([*order, *(str(state.get("type", "")) for state in states.values()), *texts])
    shown = {name: _caption_lines(caption, metrics) for name, caption in (captions or {}).items() if name in states}
    box_height = BOX_HEIGHT if captions is None else 34 + LINE_HEIGHT * max([1, *map(len, shown.values())])
    layout = _dot_layout(order, ids, edges, connectors, box_height)
    top = float(layout["bb"].split(",")[3])

    def at(x: float, y: float) -> Point:
        return x + MARGIN, top - y + MARGIN

    width = round(float(layout["bb"].split(",")[2]) + 2 * MARGIN)
    height = round(top + 2 * MARGIN)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}, Arial, sans-serif" font-size="14">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    centers: dict[str, Point] = {}
    stubs: dict[int, Point] = {}  # edge number -> centre of its connector
    for node in layout.get("objects", []):
        if node["name"].startswith("c"):
            number = int(node["name"][1:])
            cx, cy = stubs[number] = at(*_pair(node["pos"]))
            parts.append(_svg_connector(edges[number][0].target, (cx, cy), metrics))
            continue
        name = order[int(node["name"][1:])]
        cx, cy = centers[name] = at(*_pair(node["pos"]))
        corner = (cx - BOX_WIDTH / 2, cy - box_height / 2)
        if captions is None:
            parts.append(_svg_box(name, str(states[name].get("type", "")), corner, metrics))
        else:
            parts.append(_svg_captioned_box(name, str(states[name].get("type", "")), corner, box_height,
                                            metrics, shown.get(name, ()), captions.get(name)))
    # dot lists edges in its own order; each carries the id it was given (its index in ``edges``)
    drawn_edges = sorted(layout.get("edges", []), key=lambda drawn: int(drawn["id"]))
    arrows = []
    for drawn, (edge, _) in zip(drawn_edges, edges, strict=True):
        points = [at(x, y) for op in drawn.get("_draw_", ()) if op["op"] == "b" for x, y in op["points"]]
        head = [at(x, y) for op in drawn.get("_hdraw_", ()) if op["op"] in ("P", "p") for x, y in op["points"]]
        arrows.append((edge, points, head))
    # An edge to a connector is drawn to the connector: its own box stands in for the target's.
    direct = [arrow for number, arrow in enumerate(arrows) if number not in stubs]
    spread = iter(_spread_heads(direct, centers, box_height))
    arrows = [arrow if number in stubs else next(spread) for number, arrow in enumerate(arrows)]
    parts += [_svg_arrow(edge, points, head) for edge, points, head in arrows]
    obstacles = [_Rect(x - BOX_WIDTH / 2, y - box_height / 2, BOX_WIDTH, box_height) for x, y in centers.values()]
    obstacles += [_Rect(x - STUB_WIDTH / 2, y - STUB_HEIGHT / 2, STUB_WIDTH, STUB_HEIGHT) for x, y in stubs.values()]
    curves = [_samples(points) for _, points, _ in arrows]
    grid = _Grid(curves)
    labels = []
    for number, (drawn, (_, label)) in enumerate(zip(drawn_edges, edges, strict=True)):
        text_width = next((op["width"] for op in drawn.get("_ldraw_", ()) if op["op"] == "T"), 0.0)
        lx, ly = _label_spot(number, text_width, curves[number], grid, obstacles, at(*_pair(drawn["lp"])))
        labels.append(
            f'<rect class="event-background" x="{lx - text_width / 2 - 2:.1f}" y="{ly - 8:.1f}" '
            f'width="{text_width + 4:.1f}" height="16" rx="3" fill="white" fill-opacity="0.9"/>'
            f'<text class="event" data-edge="{number}" x="{lx:.1f}" y="{ly + 4:.1f}" data-width="{text_width:.1f}" '
            f'text-anchor="middle" font-size="12" fill="#24292f">{escape(label)}</text>'
        )
    parts += labels
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _dot_layout(
    order: Sequence[str], ids: Mapping[str, str], edges: Sequence[tuple[Edge, str]], connectors: frozenset[int],
    box_height: float = BOX_HEIGHT,
) -> dict[str, Any]:
    """Graphviz's layout of the boxes, the connectors (``c<edge number>``) and labelled arrows, as its JSON."""
    import graphviz  # type: ignore[import-untyped]

    graph = graphviz.Digraph(
        # ordering=out keeps each widget's events left to right in event order
        graph_attr={
            "rankdir": "TB",
            "nodesep": "0.4",
            "ranksep": "0.55",
            "splines": "true",
            "ordering": "out",
            "pad": "0",
        },
        node_attr={
            "shape": "box",
            "fixedsize": "true",
            "width": f"{BOX_WIDTH / _POINTS_PER_INCH:.4f}",
            "height": f"{box_height / _POINTS_PER_INCH:.4f}",
            "label": "",
        },
        edge_attr={"fontname": FONT, "fontsize": "12"},
    )
    for name in order:
        graph.node(ids[name])
    for number in sorted(connectors):
        graph.node(f"c{number}", width=f"{STUB_WIDTH / _POINTS_PER_INCH:.4f}",
                   height=f"{STUB_HEIGHT / _POINTS_PER_INCH:.4f}")
    first_parent: dict[str, str] = {}
    for number, (edge, label) in enumerate(edges):
        if number in connectors:
            graph.edge(ids[edge.source], f"c{number}", label=label.replace("\\", "\\\\") or " ", id=str(number))
            continue
        # A widget's first way in pulls hardest, so the main path stays straight instead of drifting sideways.
        weight = "8" if first_parent.setdefault(edge.target, edge.source) == edge.source else "1"
        # dot reads backslash escapes (\n, \N...) in labels; doubled, they stay text
        graph.edge(
            ids[edge.source],
            ids[edge.target],
            label=label.replace("\\", "\\\\") or " ",
            weight=weight,
            id=str(number),
        )
    try:
        output = graph.pipe(format="json", engine="dot", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise DiagramError(
            "drawing SVG needs Graphviz's dot: install the Debian package graphviz (make does), "
            "or ask for --format mermaid"
        ) from None
    except graphviz.CalledProcessError as error:
        raise DiagramError(f"Graphviz's dot failed: {error.stderr!r}") from None
    layout: dict[str, Any] = json.loads(output)
    return layout


def _pair(text: str) -> Point:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def _svg_box(name: str, widget_type: str, corner: Point, metrics: _Metrics) -> str:
    x, y = corner
    shown = metrics.fit(name, BOX_WIDTH - 2 * TEXT_INSET, bold=True)
    kind = metrics.fit(widget_type, BOX_WIDTH - 2 * TEXT_INSET, size=12)
    fill = "#f1f8ff" if widget_type == "trigger" else "#ffffff"
    return (
        f'<g class="widget-group"><title>{escape(f"{name} ({widget_type})")}</title>'
        f'<rect class="widget" data-name={quoteattr(name)} x="{x:.1f}" y="{y:.1f}" width="{BOX_WIDTH}" '
        f'height="{BOX_HEIGHT}" rx="8" fill="{fill}" stroke="#57606a" stroke-width="1.5"/>'
        f'<text class="name" x="{x + TEXT_INSET:.1f}" y="{y + 24:.1f}" font-weight="bold">{escape(shown)}</text>'
        f'<text class="type" x="{x + TEXT_INSET:.1f}" y="{y + 44:.1f}" font-size="12" fill="#57606a">'
        f"{escape(kind)}</text>"
        "</g>"
    )


def _caption_lines(caption: Caption, metrics: _Metrics) -> tuple[str, ...]:
    """The caption as the box shows it, :data:`CAPTION_LINES` lines at most: every caption line gets one (the
    first ones, when there are more), the longest gets the rows left over; each wraps at words into its rows,
    the last row cut with an ellipsis when the text goes on."""
    room = BOX_WIDTH - 2 * TEXT_INSET
    texts = caption.lines[:CAPTION_LINES]
    rows = [1] * len(texts)
    if texts:
        rows[max(range(len(texts)), key=lambda index: len(texts[index]))] += CAPTION_LINES - len(texts)
    lines: list[str] = []
    for text, allowed in zip(texts, rows, strict=True):
        words = text.split()
        for row in range(allowed):
            if not words:
                break
            taken = 1
            while taken < len(words) and metrics.width(" ".join(words[: taken + 1]), size=12) <= room:
                taken += 1
            last = row == allowed - 1
            lines.append(metrics.fit(" ".join(words if last else words[:taken]), room, size=12))
            words = words[taken:]
    return tuple(lines)


def _svg_captioned_box(name: str, widget_type: str, corner: Point, height: float, metrics: _Metrics,
                       lines: Sequence[str], caption: Caption | None) -> str:
    """A box with the widget's name and what it does (its type when the caption is empty); all of it on hover."""
    x, y = corner
    room = BOX_WIDTH - 2 * TEXT_INSET
    fill = "#f1f8ff" if widget_type == "trigger" else "#ffffff"
    hover = "\n".join([f"{name} ({widget_type})", *(caption.full if caption is not None else ())])
    text = [f'<text class="caption" x="{x + TEXT_INSET:.1f}" y="{y + 42 + LINE_HEIGHT * row:.1f}" font-size="12" '
            f'fill="#24292f">{escape(line)}</text>' for row, line in enumerate(lines)]
    if not lines:
        text = [f'<text class="type" x="{x + TEXT_INSET:.1f}" y="{y + 42:.1f}" font-size="12" fill="#57606a">'
                f"{escape(metrics.fit(widget_type, room, size=12))}</text>"]
    return (
        f'<g class="widget-group"><title>{escape(hover)}</title>'
        f'<rect class="widget" data-name={quoteattr(name)} x="{x:.1f}" y="{y:.1f}" width="{BOX_WIDTH}" '
        f'height="{height:.0f}" rx="8" fill="{fill}" stroke="#57606a" stroke-width="1.5"/>'
        f'<text class="name" x="{x + TEXT_INSET:.1f}" y="{y + 22:.1f}" font-weight="bold">'
        f"{escape(metrics.fit(name, room, bold=True))}</text>{''.join(text)}</g>"
    )


def _svg_connector(target: str, center: Point, metrics: _Metrics) -> str:
    """A small "go to" box standing in for a crowded target (see :func:`_connectors`)."""
    cx, cy = center
    shown = metrics.fit("→ " + target, STUB_WIDTH - 2 * TEXT_INSET, size=12)
    return (
        f'<g class="connector-group"><title>{escape(f"continues at {target}")}</title>'
        f'<rect class="connector" data-target={quoteattr(target)} x="{cx - STUB_WIDTH / 2:.1f}" '
        f'y="{cy - STUB_HEIGHT / 2:.1f}" width="{STUB_WIDTH}" height="{STUB_HEIGHT}" rx="14" fill="#f6f8fa" '
        f'stroke="#57606a" stroke-dasharray="4 3"/>'
        f'<text class="name" x="{cx - STUB_WIDTH / 2 + TEXT_INSET:.1f}" y="{cy + 4:.1f}" font-size="12">'
        f"{escape(shown)}</text></g>"
    )


def _connectors(edges: Sequence[Edge]) -> frozenset[int]:
    """Edges drawn to a small connector box naming their target instead of all the way to it.

    A widget many others lead to (the goodbye every timeout goes to, the handoff every branch ends in)
    keeps its first :data:`FAN_IN_LIMIT` arrows, in drawing order (the main path first); the rest end at
    a connector beside their source, so they neither cross the diagram nor bundle and curl into its box.
    """
    seen: Counter[str] = Counter()
    crowded: set[int] = set()
    for number, edge in enumerate(edges):
        if edge.target == edge.source:
            continue
        seen[edge.target] += 1
        if seen[edge.target] > FAN_IN_LIMIT:
            crowded.add(number)
    return frozenset(crowded)


class _Metrics:
    """Text widths as Graphviz measures them (Helvetica; one ``dot`` run per set of characters)."""

    _cache: ClassVar[dict[tuple[str, bool], float]] = {}

    def __init__(self, texts: Sequence[str]) -> None:
        wanted = sorted({(ch, bold) for text in texts for ch in f"{text}…→ " for bold in (False, True)})
        missing = [key for key in wanted if key not in self._cache]
        if missing:
            self._cache.update(_measure(missing))

    def width(self, text: str, *, size: float = 14, bold: bool = False) -> float:
        """The width of ``text`` at ``size`` points."""
        return sum(self._cache.get((ch, bold), 0.6 * MEASURE_SIZE) for ch in text) * size / MEASURE_SIZE

    def fit(self, text: str, room: float, *, size: float = 14, bold: bool = False) -> str:
        """``text``, or its longest start that fits ``room`` with an ellipsis."""
        if self.width(text, size=size, bold=bold) <= room:
            return text
        kept = text
        while kept and self.width(kept + "…", size=size, bold=bold) > room:
            kept = kept[:-1]
        return kept + "…"


MEASURE_SIZE = 100.0
"""Characters are measured at this size and scaled (text widths are proportional to the size)."""


def _measure(characters: Sequence[tuple[str, bool]]) -> dict[tuple[str, bool], float]:
    """Each character's width at :data:`MEASURE_SIZE` points, as dot measures labels (one run)."""
    import graphviz

    graph = graphviz.Digraph(node_attr={"shape": "plaintext", "fontsize": str(MEASURE_SIZE)})
    for number, (character, bold) in enumerate(characters):
        graph.node(f"m{number}", label=(character * 10).replace("\\", "\\\\"),
                   fontname=f"{FONT}-Bold" if bold else FONT)
    try:
        layout = json.loads(graph.pipe(format="json", engine="dot", encoding="utf-8"))
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return {}  # to_svg's own dot run says what is wrong
    widths: dict[tuple[str, bool], float] = {}
    for node in layout.get("objects", []):
        text = next((op for op in node.get("_ldraw_", ()) if op["op"] == "T"), None)
        if text is not None:
            widths[characters[int(node["name"][1:])]] = float(text["width"]) / 10
    return widths


@dataclass(frozen=True, slots=True)
class _Rect:
    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: _Rect) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)

    def holds(self, point: Point) -> bool:
        return self.x <= point[0] <= self.x + self.width and self.y <= point[1] <= self.y + self.height


LABEL_SPOTS = (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.65, 0.35, 0.75, 0.25, 0.85, 0.15)
"""Where along its arrow (0: source, 1: target) a label is tried first, best first."""


def _samples(points: Sequence[Point]) -> list[Point]:
    return [
        point
        for start in range(0, len(points) - 3, 3)
        for point in _bezier_points(points[start], points[start + 1], points[start + 2], points[start + 3])
    ] or list(points)


class _Grid:
    """The arrows' sample points by 64-point cell, to find the arrows that pass through a rectangle."""

    CELL = 64.0

    def __init__(self, curves: Sequence[Sequence[Point]]) -> None:
        self._cells: dict[tuple[int, int], list[tuple[int, Point]]] = {}
        for index, curve in enumerate(curves):
            for point in curve:
                self._cells.setdefault(self._cell(point), []).append((index, point))

    def _cell(self, point: Point) -> tuple[int, int]:
        return int(point[0] // self.CELL), int(point[1] // self.CELL)

    def crosses(self, box: _Rect, besides: int) -> bool:
        """Whether an arrow other than number ``besides`` passes through ``box``."""
        (x0, y0), (x1, y1) = self._cell((box.x, box.y)), self._cell((box.x + box.width, box.y + box.height))
        return any(
            index != besides and box.holds(point)
            for cx in range(x0, x1 + 1)
            for cy in range(y0, y1 + 1)
            for index, point in self._cells.get((cx, cy), ())
        )


def _label_spot(
    number: int, width: float, curve: Sequence[Point], grid: _Grid, obstacles: list[_Rect], fallback: Point
) -> Point:
    """Where the label of arrow ``number`` goes: on its own arrow, clear of boxes, labels and other arrows.

    The first spot of :data:`LABEL_SPOTS` clear of every box, every label placed before and every other
    arrow; else any point of the arrow (nearest its middle first) clear of boxes and labels; else where dot
    put it. The spot taken joins ``obstacles``.
    """
    middle = len(curve) // 2
    everywhere = sorted(range(len(curve)), key=lambda index: (abs(index - middle), index))
    for strict in (True, False):
        spots = [min(int(f * len(curve)), len(curve) - 1) for f in LABEL_SPOTS] if strict else everywhere
        for spot in spots:
            x, y = curve[spot]
            box = _Rect(x - width / 2 - 3, y - 9, width + 6, 18)
            if any(box.overlaps(obstacle) for obstacle in obstacles):
                continue
            if strict and grid.crosses(box, number):
                continue
            obstacles.append(box)
            return x, y
    x, y = fallback
    obstacles.append(_Rect(x - width / 2 - 3, y - 9, width + 6, 18))
    return fallback


Arrow = tuple[Edge, list[Point], list[Point]]
"""An edge, its Bézier points and its arrowhead polygon."""
HEAD_SPACING = 14.0
HEAD_GAP = 4.0
"""Arrowheads closer than this along a box side are spaced ``HEAD_SPACING`` apart."""


def _spread_heads(arrows: Sequence[Arrow], centers: Mapping[str, Point], box_height: float = BOX_HEIGHT
                  ) -> list[Arrow]:
    """Space out the arrowheads that meet one side of a box when dot put two on (nearly) one point."""
    sides: dict[tuple[str, bool, bool], list[int]] = {}
    for index, (edge, points, head) in enumerate(arrows):
        tip = _tip(points, head)
        cx, cy = centers[edge.target]
        on_top_or_bottom = abs(tip[1] - cy) / box_height >= abs(tip[0] - cx) / BOX_WIDTH
        first = tip[1] < cy if on_top_or_bottom else tip[0] < cx  # top (or left) rather than bottom (or right)
        sides.setdefault((edge.target, on_top_or_bottom, first), []).append(index)
    moved = dict(enumerate(arrows))
    for (target, along_x, _), members in sides.items():
        tips = {index: _tip(arrows[index][1], arrows[index][2]) for index in members}
        spots = sorted(tips[index][0 if along_x else 1] for index in members)
        if len(members) < 2 or min(b - a for a, b in itertools.pairwise(spots)) >= HEAD_GAP:
            continue
        # along the side they meet, else (for heads at a corner) along the other side
        for axis in (0, 1) if along_x else (1, 0):
            placed = _place_heads([arrows[index] for index in members], axis, centers[target], centers, box_height)
            if placed is not None:
                moved.update(zip(members, placed, strict=True))
                break
    return [moved[index] for index in range(len(arrows))]


def _place_heads(group: Sequence[Arrow], axis: int, center: Point, centers: Mapping[str, Point],
                 box_height: float = BOX_HEIGHT) -> list[Arrow] | None:
    """The group's arrows with their heads spaced along ``axis`` (0: x) of the target box, or None.

    Tries the block of heads centred where dot put them, then closer together, then elsewhere along the
    side, moving the end point alone or with its control point; the first placement that moves no arrow
    into another box wins. None when every placement would.
    """
    spots = [_tip(points, head)[axis] for _, points, head in group]
    order = sorted(range(len(group)), key=lambda member: (spots[member], member))
    half = (BOX_WIDTH if axis == 0 else box_height) / 2 - 12
    low, high = center[axis] - half, center[axis] + half
    for (start, spacing), bend in itertools.product(_placements(spots, low, high), (1, 2)):
        placed: dict[int, Arrow] = {}
        for rank, member in enumerate(order):
            shift = start + rank * spacing - spots[member]
            dx, dy = (shift, 0.0) if axis == 0 else (0.0, shift)
            edge, points, head = group[member]
            curve = [*points[:-bend], *((x + dx, y + dy) for x, y in points[-bend:])]
            if _crosses(curve, edge, centers, box_height):
                break
            placed[member] = (edge, curve, [(x + dx, y + dy) for x, y in head])
        else:
            return [placed[member] for member in range(len(group))]
    return None


def _placements(spots: Sequence[float], low: float, high: float) -> Iterator[tuple[float, float]]:
    """Where a block of arrowheads may start along a side, and how far apart, best first."""
    count = len(spots)
    for spacing in (min(HEAD_SPACING, (high - low) / (count - 1)), HEAD_GAP + 1):
        span = spacing * (count - 1)
        middle = min(max(sum(spots) / count - span / 2, low), high - span)
        yield middle, spacing
        for step in range(9):
            yield low + (high - span - low) * step / 8, spacing


def _crosses(curve: Sequence[Point], edge: Edge, centers: Mapping[str, Point], box_height: float = BOX_HEIGHT
             ) -> bool:
    """True if the Bézier ``curve`` enters a box other than the edge's own two."""
    samples = _samples(curve)
    return any(
        abs(x - cx) < BOX_WIDTH / 2 - 1 and abs(y - cy) < box_height / 2 - 1
        for name, (cx, cy) in centers.items()
        if name not in (edge.source, edge.target)
        for x, y in samples
    )


def _bezier_points(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    points = []
    for step in range(steps + 1):
        t = step / steps
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


def _tip(points: Sequence[Point], head: Sequence[Point]) -> Point:
    """The arrowhead's point: its corner farthest from where the curve ends."""
    return max(head, key=lambda corner: math.dist(corner, points[-1])) if head else points[-1]


def _svg_arrow(edge: Edge, points: Sequence[Point], head: Sequence[Point]) -> str:
    """One arrow: dot's Bézier path and its arrowhead polygon."""
    path = f"M{points[0][0]:.1f},{points[0][1]:.1f} C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in points[1:])
    polygon = " ".join(f"{x:.1f},{y:.1f}" for x, y in head)
    return (
        f'<g class="arrow"><path class="transition" data-source={quoteattr(edge.source)} '
        f'data-target={quoteattr(edge.target)} d="{path}" fill="none" stroke="#57606a" stroke-width="1.5"/>'
        f'<polygon class="arrowhead" points="{polygon}" fill="#57606a"/></g>'
    )
