"""Automatic canvas layout for Studio flows: top-down layers from the trigger, no overlaps.

The layout works on plain definition state dicts. Widgets sit on a grid of cells
``COLUMN_WIDTH`` x ``ROW_HEIGHT`` px; a widget the user placed keeps its offset exactly and
blocks every grid cell its box touches.

* Rows are longest-path layers over the graph without its back-edges (found by a depth-first
  search from the trigger in transition order), so every other edge points downwards, as in the
  Studio canvas. Widgets that cannot be reached from the trigger get their own layers, to the
  right of the reachable part, so they never disturb it.
* Columns: a widget wants the column of its *primary parent* (its parent on the lowest row,
  first in transition order) plus its rank among that parent's children, so siblings keep
  their event order. Within a row, widgets claim cells in definition order (older widgets
  first) and take the nearest free cell to the right of the one they want.

Stability follows: a new leaf appended to the definition takes a free cell and moves no other
widget. Other edits move the widgets whose layer, primary parent or sibling rank they change (and
their descendants), plus any widget of the same row pushed aside by a widget that claims first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from studio.graph import depth_first, successors

WIDGET_WIDTH = 300
"""Approximate width of a widget box on the Studio canvas, in px."""
WIDGET_HEIGHT = 200
"""Approximate height of a widget box on the Studio canvas, in px."""
COLUMN_WIDTH = WIDGET_WIDTH + 50
"""Horizontal grid pitch: a widget plus a 50 px gutter."""
ROW_HEIGHT = WIDGET_HEIGHT + 50
"""Vertical grid pitch: a widget plus a 50 px gutter for the arrows."""

Offset = tuple[int, int]


def offset_of(state: Mapping[str, Any]) -> Offset | None:
    """Return a state's own ``properties.offset`` as ``(x, y)``, or None if it has no usable one."""
    properties = state.get("properties")
    offset = properties.get("offset") if isinstance(properties, Mapping) else None
    if not isinstance(offset, Mapping):
        return None
    x, y = _number(offset.get("x")), _number(offset.get("y"))
    return None if x is None or y is None else (x, y)


def _number(value: object) -> int | None:
    # bool is an int subclass, but {"x": true} is no position.
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def definition_offsets(definition: Mapping[str, Any]) -> dict[str, Offset]:
    """Return every widget's position: its own offset when present, else the computed one."""
    states: Sequence[Mapping[str, Any]] = definition.get("states") or ()
    fixed = {str(s.get("name", "")): off for s in states if (off := offset_of(s)) is not None}
    return compute_offsets(states, str(definition.get("initial_state", "")), fixed)


def layout_order(offsets: Mapping[str, Offset]) -> list[str]:
    """Return widget names top to bottom, then left to right (ties by the given order)."""
    index = {name: i for i, name in enumerate(offsets)}
    return sorted(offsets, key=lambda name: (offsets[name][1], offsets[name][0], index[name]))


def compute_offsets(
    states: Sequence[Mapping[str, Any]],
    initial_state: str,
    fixed: Mapping[str, Offset],
) -> dict[str, Offset]:
    """Compute a canvas offset for every state, keeping the ``fixed`` ones exactly.

    Args:
        states: definition state dicts (``name``, ``type``, ``transitions``, ``properties``).
        initial_state: name of the trigger widget, the root of the layout.
        fixed: offsets the user set on some widgets; they are returned unchanged.

    Returns:
        ``{name: (x, y)}`` for every state name, in definition order.
    """
    return _Layout(states, initial_state, fixed).run()


class _Layout:
    """One layout computation; see the module docstring for the method."""

    def __init__(self, states: Sequence[Mapping[str, Any]], initial_state: str, fixed: Mapping[str, Offset]) -> None:
        names = [str(state.get("name", "")) for state in states]
        order: dict[str, int] = {}
        for name in names:
            order.setdefault(name, len(order))
        # Widgets are numbered in definition order and the layout works on the numbers: small ints keep
        # its dictionaries compact, so thousands of widgets stay in cache (strings scattered in a large
        # definition do not), and the time stays linear.
        self.names = list(order)
        self.fixed = {order[name]: off for name, off in fixed.items() if name in order}
        self.children = {
            order[name]: [order[child] for child in kids] for name, kids in successors(names, states, order).items()
        }
        self.initial = order.get(initial_state)
        self.discovered: dict[int, int] = {}  # depth-first preorder: transition order
        self.row: dict[int, int] = {}
        self.column: dict[int, int] = {}
        self.free: dict[int, dict[int, int]] = {}  # row -> {occupied column: a column right of it}

    def run(self) -> dict[str, Offset]:
        roots = [] if self.initial is None else [self.initial]
        reachable_topo, forward = depth_first(self.children, roots, set(), self.discovered)
        reachable = set(reachable_topo)
        rest = [node for node in range(len(self.names)) if node not in reachable]
        orphan_topo, orphan_forward = depth_first(self.children, rest, reachable, self.discovered)
        for x, y in self.fixed.values():
            self._block_box(x, y)
        self._place(reachable_topo, forward, base_column=0)
        used = [self.column[node] for node in reachable_topo if node in self.column]
        self._place(orphan_topo, orphan_forward, base_column=max(used, default=-2) + 2)
        return {
            name: self.fixed[node]
            if node in self.fixed
            else (self.column[node] * COLUMN_WIDTH, self.row[node] * ROW_HEIGHT)
            for node, name in enumerate(self.names)
        }

    def _place(self, topo: list[int], forward: Mapping[int, list[int]], base_column: int) -> None:
        """Assign rows (longest path) and columns (primary parent + sibling rank) to ``topo``."""
        row, fixed, discovered, column = self.row, self.fixed, self.discovered, self.column
        for name in topo:
            if name in fixed:
                # A user-placed widget's children go below it: the first row under its box.
                row[name] = -(-fixed[name][1] // ROW_HEIGHT)
                below = row[name] + 1
            else:
                below = row.setdefault(name, 0) + 1
            for child in forward[name]:
                if child not in fixed and row.get(child, 0) < below:
                    row[child] = below
        primary: dict[int, int] = {}
        for name in topo:
            # The parent on the lowest row wins; ties go to the first one in transition order.
            key = (-row[name], discovered[name])
            for child in forward[name]:
                best = primary.get(child)
                if best is None or key < (-row[best], discovered[best]):
                    primary[child] = name
        rank: dict[int, int] = {}
        for name in topo:
            ranked = 0
            for child in forward[name]:
                if primary[child] == name and child not in rank:
                    rank[child] = ranked
                    ranked += 1
        for name in self._by_row_then_definition(topo):
            parent = primary.get(name)
            if parent is None:
                wanted = base_column
            elif parent in fixed:
                wanted = (fixed[parent][0] + COLUMN_WIDTH // 2) // COLUMN_WIDTH + rank[name]
            else:
                wanted = column[parent] + rank[name]
            column[name] = self._claim(row[name], wanted)

    def _by_row_then_definition(self, topo: list[int]) -> list[int]:
        """The widgets of ``topo`` not placed by the user, by row, then in definition order: bucketed, so
        linear (a sort would add a log factor that shows at thousands of widgets)."""
        placing = {node for node in topo if node not in self.fixed}
        rows: dict[int, list[int]] = {}
        for node in range(len(self.names)):  # definition order
            if node in placing:
                rows.setdefault(self.row[node], []).append(node)
        if not rows:
            return []
        return [name for number in range(min(rows), max(rows) + 1) for name in rows.get(number, ())]

    def _claim(self, row: int, column: int) -> int:
        """Occupy and return the first free cell at or right of ``column`` in ``row``."""
        jumps = self.free.setdefault(row, {})
        found = column
        while found in jumps:
            found = jumps[found]
        while column in jumps:  # path compression keeps a crowded row near-linear
            jumps[column], column = found, jumps[column]
        jumps[found] = found + 1
        return found

    def _block_box(self, x: int, y: int) -> None:
        """Occupy every grid cell whose widget box would overlap a user-placed box at (x, y)."""
        for row in range((y - WIDGET_HEIGHT) // ROW_HEIGHT + 1, -(-(y + WIDGET_HEIGHT) // ROW_HEIGHT)):
            jumps = self.free.setdefault(row, {})
            for column in range((x - WIDGET_WIDTH) // COLUMN_WIDTH + 1, -(-(x + WIDGET_WIDTH) // COLUMN_WIDTH)):
                jumps.setdefault(column, column + 1)
