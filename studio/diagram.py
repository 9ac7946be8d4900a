"""Flow diagrams: Mermaid text for pull-request comments and standalone SVG for people.

Both views come from one layout (:func:`studio.layout.definition_offsets`: a widget's own offset,
else the computed one). The SVG draws each box at that position. Mermaid positions nodes itself,
so the Mermaid text carries the layout as order instead: nodes are declared top to bottom, then
left to right, and edges follow their source in that order, which is the order Mermaid's layered
layout uses to rank and order nodes.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from studio.graph import Edge, edge_of, states_by_name
from studio.layout import ROW_HEIGHT, WIDGET_WIDTH, Offset, definition_offsets, layout_order

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

BOX_HEIGHT = 90
"""Drawn height of a widget box; the layout reserves more room below it for the arrows."""
MARGIN = 40
LOOP_ROOM = 120
"""Extra width on the right for arrows that go back up (retry loops)."""
NAME_LIMIT = 34
GUTTER_BEND = 24
"""How far right of a box a side-routed arrow bends: inside the gap between layout columns."""


def to_svg(definition: Mapping[str, Any]) -> str:
    """Render a flow definition as a standalone SVG document, boxes at their canvas offsets."""
    states = states_by_name(definition)
    offsets = definition_offsets(definition)
    order = layout_order(offsets)
    xs = [x for x, _ in offsets.values()] or [0]
    ys = [y for _, y in offsets.values()] or [0]
    dx, dy = MARGIN - min(xs), MARGIN - min(ys)
    at = {name: (x + dx, y + dy) for name, (x, y) in offsets.items()}
    width = max(xs) - min(xs) + WIDGET_WIDTH + 2 * MARGIN + LOOP_ROOM
    height = max(ys) - min(ys) + BOX_HEIGHT + 2 * MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="14">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    edges = [edge for name in order for edge in _svg_edges(name, states[name], at)]
    parts += [path for path, _ in edges]
    parts += [_svg_box(name, str(states[name].get("type", "")), at[name]) for name in order]
    parts += [label for _, label in edges]  # last, so no box hides an arrow's event
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _svg_box(name: str, widget_type: str, at: Offset) -> str:
    x, y = at
    shown = name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"
    fill = "#f1f8ff" if widget_type == "trigger" else "#ffffff"
    return (
        f'<g class="widget-group"><title>{escape(f"{name} ({widget_type})")}</title>'
        f'<rect class="widget" data-name={quoteattr(name)} x="{x}" y="{y}" width="{WIDGET_WIDTH}" '
        f'height="{BOX_HEIGHT}" rx="8" fill="{fill}" stroke="#57606a" stroke-width="1.5"/>'
        f'<text x="{x + 16}" y="{y + 36}" font-weight="bold">{escape(shown)}</text>'
        f'<text x="{x + 16}" y="{y + 62}" fill="#57606a">{escape(widget_type)}</text></g>'
    )


def _svg_edges(name: str, state: Mapping[str, Any], at: Mapping[str, Offset]) -> Iterator[tuple[str, str]]:
    """Yield each connected transition of ``name`` as its SVG path and its event label."""
    connected = [t for t in state.get("transitions") or () if t.get("next") and str(t["next"]) in at]
    widget_type = str(state.get("type", ""))
    for index, transition in enumerate(connected):
        curve = _edge_curve(index, len(connected), at[name], at[str(transition["next"])])
        label_x, label_y = _cubic_midpoint(curve)
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in curve[1:])
        yield (
            f'<path class="transition" d="M{curve[0][0]:.1f},{curve[0][1]:.1f} C{path}" fill="none" '
            f'stroke="#57606a" stroke-width="1.5" marker-end="url(#arrow)"/>',
            f'<text class="event" x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="12" '
            f'stroke="white" stroke-width="4" paint-order="stroke">'
            f"{escape(edge_label(transition, widget_type))}</text>",
        )


Point = tuple[float, float]


def _edge_curve(index: int, count: int, source: Offset, target: Offset) -> tuple[Point, Point, Point, Point]:
    """Return the cubic Bézier control points of a source's ``index``-th of ``count`` arrows."""
    (sx, sy), (tx, ty) = source, target
    share = (index + 1) / (count + 1)
    downwards = ty > sy + BOX_HEIGHT
    # An arrow straight down past a whole row would cross the widgets in between.
    skips_rows = ty - sy > ROW_HEIGHT * 3 / 2 and abs(tx - sx) < WIDGET_WIDTH
    if downwards and not skips_rows:  # leave from the arrow's own port along the bottom edge
        start = (sx + WIDGET_WIDTH * share, float(sy + BOX_HEIGHT))
        end = (tx + WIDGET_WIDTH / 2, float(ty))
        middle = (start[1] + end[1]) / 2
        return start, (start[0], middle), (end[0], middle), end
    # Retry loops and long jumps: out of the right side, along the gutter, into the target's right side.
    start = (float(sx + WIDGET_WIDTH), sy + BOX_HEIGHT * share)
    end = (float(tx + WIDGET_WIDTH), ty + BOX_HEIGHT / 3)
    bend = float(max(sx, tx) + WIDGET_WIDTH + GUTTER_BEND + 8 * (index % 4))
    return start, (bend, start[1]), (bend, end[1]), end


def _cubic_midpoint(curve: Sequence[Point]) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    return (x0 + 3 * x1 + 3 * x2 + x3) / 8, (y0 + 3 * y1 + 3 * y2 + y3) / 8
