"""Flow-definition helpers and hypothesis strategies shared by the layout, diagram and diff tests.

Holds no tests; the ``test_`` prefix only keeps it among the view tests' files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.shared_data import CORPUS

CORPUS_FLOWS = sorted((CORPUS / "flows").glob("*.json"))

State = dict[str, Any]
Definition = dict[str, Any]


def state(name: str, type_: str = "set-variables", *edges: tuple[str, str | None], **props: Any) -> State:
    """A definition state with ``(event, next)`` transitions and extra properties."""
    transitions = [{"event": event} | ({"next": target} if target else {}) for event, target in edges]
    return {"name": name, "type": type_, "transitions": transitions, "properties": dict(props)}


def flow(*states: State, initial_state: str = "Trigger") -> Definition:
    """A definition envelope around ``states``."""
    return {
        "description": "test flow",
        "states": list(states),
        "initial_state": initial_state,
        "flags": {"allow_concurrent_calls": True},
    }


def load_corpus(path: Path) -> Definition:
    """Read one corpus flow definition."""
    definition: Definition = json.loads(path.read_text())
    return definition


@st.composite
def connected_flows(draw: st.DrawFn, max_widgets: int = 25) -> Definition:
    """Flows whose widgets are all reachable from the trigger, with random extra edges and loops."""
    count = draw(st.integers(min_value=1, max_value=max_widgets))
    names = ["Trigger", *(f"w{i}" for i in range(1, count))]
    edges: list[list[tuple[str, str | None]]] = [[] for _ in names]
    for i in range(1, count):
        # A parent earlier in the list keeps every widget reachable.
        edges[draw(st.integers(0, i - 1))].append((f"e{i}", names[i]))
    extra = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=count))
    for source, target in extra:
        edges[source].append((f"x{len(edges[source])}", names[target]))
    order = draw(st.permutations(range(1, count)))
    ordered = [0, *order]  # the trigger first, as in Console exports
    return flow(*(state(names[i], "trigger" if i == 0 else "set-variables", *edges[i]) for i in ordered))
