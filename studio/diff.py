"""Change summaries between two versions of a flow definition, for reviews.

Widgets are matched by name (a rename shows as one removed and one added widget). A widget is
*changed* when its type, its properties or its transitions' events and conditions differ; where a
transition leads is an edge, reported in the edge lists. Lists inside a widget (transitions,
parameters, variables, conditions) are matched by key, never by position. Canvas moves (``properties.offset``) are
kept apart in :attr:`FlowDiff.moved`, because they change nothing a caller hears and clutter
reviews.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from studio.diagram import Marks, to_mermaid
from studio.graph import Edge, edge_of, iter_edges, numbered, states_by_name
from studio.keyed import keyed_items
from studio.layout import Offset, offset_of
from studio.words import count

OFFSET_KEY = "offset"
ORDER_SEGMENT = "(order)"
"""Last path segment of a keyed list's change of order."""
CELL_LIMIT = 80
"""Longest value shown in a Markdown table cell before it is cut with an ellipsis."""


class _Absent:
    """The value of a key or list item that does not exist on one side."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One differing value, at a path relative to its widget or the flow.

    The path is a JSON pointer (RFC 6901) whose segments inside a keyed list are the item's key instead
    of its index (``/transitions/match: press 3``, ``/properties/parameters/customer_id/value``).
    """

    path: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class WidgetRef:
    """A widget named in a diff."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class WidgetChange:
    """A widget present in both versions whose behaviour-relevant content differs."""

    name: str
    old_type: str
    new_type: str
    changes: tuple[ValueChange, ...]

    @property
    def type_changed(self) -> bool:
        """Whether the widget's type differs."""
        return self.old_type != self.new_type


@dataclass(frozen=True, slots=True)
class WidgetMove:
    """A widget whose canvas offset differs (None: no usable offset on that side)."""

    name: str
    old: Offset | None
    new: Offset | None


@dataclass(frozen=True)
class FlowDiff:
    """What changed between two flow definitions; render it with :meth:`to_markdown`."""

    added: tuple[WidgetRef, ...] = ()
    removed: tuple[WidgetRef, ...] = ()
    changed: tuple[WidgetChange, ...] = ()
    edges_added: tuple[Edge, ...] = ()
    edges_removed: tuple[Edge, ...] = ()
    flow_changes: tuple[ValueChange, ...] = ()
    """Top-level differences (``/initial_state``, ``/flags/...``, ``/description``)."""
    moved: tuple[WidgetMove, ...] = ()
    old_definition: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    new_definition: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def only_moves(self) -> bool:
        """Whether the versions differ in canvas offsets only (or not at all)."""
        return not (
            self.added or self.removed or self.changed or self.edges_added or self.edges_removed or self.flow_changes
        )

    @property
    def is_empty(self) -> bool:
        """Whether the versions are the same, canvas offsets included."""
        return self.only_moves and not self.moved

    def to_markdown(self, *, show_moves: bool = True) -> str:
        """Render a review summary: counts, tables, and a Mermaid diagram with the changes marked.

        Args:
            show_moves: list canvas-only moves (in a collapsed section); False leaves them out.
        """
        return "\n".join(_markdown(self, show_moves=show_moves)) + "\n"


def diff_flows(old: Mapping[str, Any], new: Mapping[str, Any]) -> FlowDiff:
    """Compare two flow definitions (``old`` first) widget by widget and edge by edge."""
    old_states, new_states = states_by_name(old), states_by_name(new)
    changed: list[WidgetChange] = []
    moved: list[WidgetMove] = []
    for name, after in new_states.items():
        before = old_states.get(name)
        if before is None:
            continue
        changes = tuple(_widget_changes(before, after))
        old_type, new_type = str(before.get("type", "")), str(after.get("type", ""))
        if changes or old_type != new_type:
            changed.append(WidgetChange(name, old_type, new_type, changes))
        if _properties(before).get(OFFSET_KEY) != _properties(after).get(OFFSET_KEY):
            moved.append(WidgetMove(name, offset_of(before), offset_of(after)))
    old_edges, new_edges = list(iter_edges(list(old_states.values()))), list(iter_edges(list(new_states.values())))
    envelope = [ValueChange(*c) for c in _value_changes("", _envelope(old), _envelope(new))]
    return FlowDiff(
        added=tuple(_ref(s) for name, s in new_states.items() if name not in old_states),
        removed=tuple(_ref(s) for name, s in old_states.items() if name not in new_states),
        changed=tuple(changed),
        edges_added=_missing_from(new_edges, old_edges),
        edges_removed=_missing_from(old_edges, new_edges),
        flow_changes=tuple(envelope),
        moved=tuple(moved),
        old_definition=old,
        new_definition=new,
    )


def _ref(state: Mapping[str, Any]) -> WidgetRef:
    return WidgetRef(str(state.get("name", "")), str(state.get("type", "")))


def _properties(state: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = state.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _envelope(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in definition.items() if key != "states"}


def _widget_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[ValueChange]:
    """Yield property and transition (event, conditions) differences; offsets and targets aside."""

    def comparable(state: Mapping[str, Any]) -> dict[str, Any]:
        properties = {k: v for k, v in _properties(state).items() if k != OFFSET_KEY}
        transitions = [
            {k: v for k, v in t.items() if k != "next"}
            for t in state.get("transitions") or ()
            if isinstance(t, Mapping)
        ]
        return {"properties": properties, "transitions": transitions}

    for path, old, new in _value_changes("", comparable(before), comparable(after)):
        yield ValueChange(path, old, new)


def value_changes(old: object, new: object) -> tuple[ValueChange, ...]:
    """Every leaf that differs between two JSON documents (a workflow configuration, stack config), by JSON pointer."""
    return tuple(ValueChange(*change) for change in _value_changes("", old, new))


def value_cell(value: object) -> str:
    """A JSON value as a Markdown table cell (``*(absent)*`` for :data:`ABSENT`, long values cut)."""
    return _value_cell(value)


def code_cell(text: str) -> str:
    """Text as inline code that survives any content inside a GitHub Markdown table cell."""
    return _code(text)


def _value_changes(path: str, old: object, new: object) -> Iterator[tuple[str, object, object]]:
    """Yield ``(path, old, new)`` for each leaf that differs (JSON types compared strictly).

    Lists whose items all have a key (:func:`studio.keyed.keyed_items`: transitions by event and
    conditions, parameters and variables by key, conditions by friendly name) are compared by key, never
    by position: an item added in the middle is one added item, and a change of their order is one more
    change at ``.../(order)`` listing the keys both sides have. Other lists are compared by position.
    """
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            child = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
            yield from _value_changes(child, old.get(key, ABSENT), new.get(key, ABSENT))
    elif isinstance(old, list) and isinstance(new, list):
        old_keyed, new_keyed = keyed_items(old), keyed_items(new)
        if old_keyed is not None and new_keyed is not None:
            yield from _value_changes(path, old_keyed, new_keyed)
            kept_old = [key for key in old_keyed if key in new_keyed]
            kept_new = [key for key in new_keyed if key in old_keyed]
            if kept_old != kept_new:  # a split tries its branches in order: a reordering is a change
                yield f"{path}/{ORDER_SEGMENT}", kept_old, kept_new
            return
        for index in range(max(len(old), len(new))):
            yield from _value_changes(
                f"{path}/{index}",
                old[index] if index < len(old) else ABSENT,
                new[index] if index < len(new) else ABSENT,
            )
    elif _json_kind(old) is not _json_kind(new) or old != new:  # JSON keeps true and 1 apart; so do we
        yield path, old, new


def _json_kind(value: object) -> type:
    """The JSON type a value is written as: a ``str`` subclass (a builder's widget reference) is a string."""
    for kind in (bool, str, int, float):  # bool first: True is an int to Python, not to JSON
        if isinstance(value, kind):
            return kind
    return type(value)


def _missing_from(edges: Sequence[Edge], others: Sequence[Edge]) -> tuple[Edge, ...]:
    """Return the edges of ``edges`` not in ``others``, as a multiset difference, in order."""
    spare = Counter(others)
    kept: list[Edge] = []
    for edge in edges:
        if spare[edge]:
            spare[edge] -= 1
        else:
            kept.append(edge)
    return tuple(kept)


# --- Markdown ----------------------------------------------------------------------------------


def _markdown(diff: FlowDiff, *, show_moves: bool) -> Iterator[str]:
    yield "### Studio flow changes"
    yield ""
    if diff.is_empty:
        yield "No changes."
    elif diff.only_moves:
        moves = f": {count(len(diff.moved), 'widget')} moved on the canvas" if show_moves else ""
        yield f"No behaviour changes{moves}."
    else:
        yield _summary_line(diff)
    if diff.flow_changes:
        yield from _table("Flow settings", ["setting", "old", "new"], _change_rows(diff.flow_changes))
    if diff.added or diff.removed or diff.changed:
        rows = [
            *(["added", _code(w.name), _code(w.type), ""] for w in diff.added),
            *(["removed", _code(w.name), _code(w.type), ""] for w in diff.removed),
            *(["changed", _code(c.name), _type_cell(c), _changes_cell(c)] for c in diff.changed),
        ]
        yield from _table("Widgets", ["", "widget", "type", "changes"], rows)
    for change in diff.changed:
        if change.changes:
            title = f"Changed: {_code(change.name)}"
            yield from _table(title, ["path", "old", "new"], _change_rows(change.changes))
    if diff.edges_added or diff.edges_removed:
        rows = [
            *(["added", _code(e.source), _code(e.event), _code(e.target)] for e in diff.edges_added),
            *(["removed", _code(e.source), _code(e.event), _code(e.target)] for e in diff.edges_removed),
        ]
        yield from _table("Transitions", ["", "from", "event", "to"], rows)
    if diff.moved and show_moves:
        yield ""
        yield f"<details><summary>Canvas moves (layout only): {count(len(diff.moved), 'widget')}</summary>"
        yield from _table("", ["widget", "old offset", "new offset"], _move_rows(diff.moved))
        yield ""
        yield "</details>"
    if not diff.only_moves:
        yield ""
        yield "```mermaid"
        yield to_mermaid(*_marked_definition(diff)).rstrip("\n")
        yield "```"


def _summary_line(diff: FlowDiff) -> str:
    parts = [
        f"{len(diff.added)} added",
        f"{len(diff.removed)} removed",
        f"{len(diff.changed)} changed",
    ]
    edges = f"{len(diff.edges_added)} added, {len(diff.edges_removed)} removed"
    line = f"**Widgets:** {', '.join(parts)}. **Transitions:** {edges}."
    return f"{line} Flow settings changed." if diff.flow_changes else line


def _type_cell(change: WidgetChange) -> str:
    if change.type_changed:
        return f"{_code(change.old_type)} → {_code(change.new_type)}"
    return _code(change.new_type)


def _changes_cell(change: WidgetChange) -> str:
    parts = ["type"] if change.type_changed else []
    if change.changes:
        parts.append(count(len(change.changes), "value"))
    return ", ".join(parts)


def _change_rows(changes: Sequence[ValueChange]) -> list[list[str]]:
    return [[_code(c.path), _value_cell(c.old), _value_cell(c.new)] for c in changes]


def _move_rows(moves: Sequence[WidgetMove]) -> list[list[str]]:
    def at(offset: Offset | None) -> str:
        return "*(none)*" if offset is None else f"{offset[0]}, {offset[1]}"

    return [[_code(m.name), at(m.old), at(m.new)] for m in moves]


def _table(title: str, header: list[str], rows: list[list[str]]) -> Iterator[str]:
    yield ""
    if title:
        yield f"#### {title}"
        yield ""
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def _value_cell(value: object) -> str:
    if value is ABSENT:
        return "*(absent)*"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return _code(text)


def _code(text: str) -> str:
    """Inline code that survives any content inside a GitHub Markdown table cell."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _marked_definition(diff: FlowDiff) -> tuple[dict[str, Any], Marks]:
    """Return the new flow plus its removed widgets and edges, with marks for every change."""
    old_states = states_by_name(diff.old_definition)
    states = [dict(state) for state in states_by_name(diff.new_definition).values()]
    by_name = {str(state.get("name", "")): state for state in states}
    states += [dict(old_states[w.name]) for w in diff.removed]
    for edge in diff.edges_removed:
        if edge.source in by_name:  # a removed widget brings its old transitions along
            state = by_name[edge.source]
            # The old transition itself, so a split's edge keeps its conditions in the label.
            old = next(t for t in old_states[edge.source].get("transitions") or () if edge_of(edge.source, t) == edge)
            state["transitions"] = [*state.get("transitions", []), old]
    widget_marks = {
        **{w.name: "added" for w in diff.added},
        **{c.name: "changed" for c in diff.changed},
        **{w.name: "removed" for w in diff.removed},
    }
    # Equal edges are told apart by occurrence: only the ones beyond the other side's count changed.
    old_edges = Counter(iter_edges(list(old_states.values())))
    new_list = list(iter_edges(list(states_by_name(diff.new_definition).values())))
    new_edges = Counter(new_list)
    edge_marks = {
        **{key: "added" for key in numbered(new_list) if key[1] >= old_edges[key[0]]},
        **{key: "removed" for key in numbered(iter_edges(list(old_states.values()))) if key[1] >= new_edges[key[0]]},
    }
    merged = {**diff.new_definition, "states": states}
    return merged, Marks(widgets=widget_marks, edges=edge_marks)
