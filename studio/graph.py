"""The flow as a graph: its edges, and reachability over them.

One module for validation, layout, diagrams and diff. Functions over widget names work on definition
state dicts; functions over indices take ``edges[i]`` = the indices that node ``i`` leads to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from studio.jsontext import canonical_json


class Edge(NamedTuple):
    """A connected transition: ``source`` --``event``--> ``target`` (widget names).

    ``detail`` is a split branch's conditions as canonical JSON ("" elsewhere): it tells two ``match``
    edges of one split apart.
    """

    source: str
    event: str
    target: str
    detail: str = ""


def edge_of(source: str, transition: Mapping[str, Any]) -> Edge | None:
    """The edge of one transition of ``source``, or None when it has no ``next``."""
    target = transition.get("next")
    if not target:
        return None
    conditions = transition.get("conditions")
    detail = ""
    if conditions is not None:
        try:
            detail = canonical_json(conditions)
        except (TypeError, ValueError, RecursionError):  # NaN, or nothing JSON can write: still a key
            detail = repr(conditions)
    return Edge(source, str(transition.get("event", "")), str(target), detail)


def iter_edges(states: Sequence[Mapping[str, Any]]) -> Iterator[Edge]:
    """Yield every transition with a ``next``, in definition order (dangling targets included)."""
    for state in states:
        source = str(state.get("name", ""))
        for transition in state.get("transitions") or ():
            edge = edge_of(source, transition)
            if edge is not None:
                yield edge


def successors(
    names: Sequence[str], states: Sequence[Mapping[str, Any]], known: Mapping[str, int]
) -> dict[str, list[str]]:
    """The widgets each state leads to (``known`` names only), in transition order, by name.

    The same edges as :func:`iter_edges`, read without building them: layout runs this on every build.
    """
    children: dict[str, list[str]] = {name: [] for name in known}
    for name, state in zip(names, states, strict=True):
        kids = children[name]
        for transition in state.get("transitions") or ():
            target = transition.get("next")
            if isinstance(target, str) and target in known:
                kids.append(target)
    return children


N = TypeVar("N", bound=Hashable)


def depth_first(
    children: Mapping[N, Sequence[N]], roots: Sequence[N], excluded: set[N], discovered: dict[N, int]
) -> tuple[list[N], dict[N, list[N]]]:
    """A topological order of the nodes reached from ``roots`` and their edges without the back-edges.

    Depth first in transition order; a back-edge (a retry loop) or an edge into ``excluded`` is left
    out. ``discovered`` gets each node's preorder number (it may already hold an earlier search's). Nodes
    are names, or their indexes (layout numbers them: small ints keep the walk in cache at thousands of nodes).
    """
    state: dict[N, int] = {}  # 1 = on the stack, 2 = finished
    postorder: list[N] = []
    forward: dict[N, list[N]] = {}
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        discovered[root] = len(discovered)
        stack: list[tuple[N, Iterator[N]]] = [(root, iter(children[root]))]
        forward[root] = []
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                state[node] = 2
                postorder.append(node)
                stack.pop()
            elif child in excluded or state.get(child) == 1:
                continue
            else:
                forward[node].append(child)
                if child not in state:
                    state[child] = 1
                    discovered[child] = len(discovered)
                    forward[child] = []
                    stack.append((child, iter(children[child])))
    postorder.reverse()
    return postorder, forward


def numbered(edges: Iterable[Edge]) -> Iterator[tuple[Edge, int]]:
    """Each edge with its occurrence among equal edges (0 for the first), so equal edges stay apart."""
    seen: Counter[Edge] = Counter()
    for edge in edges:
        yield edge, seen[edge]
        seen[edge] += 1


def states_by_name(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Return the definition's states by name, in order (the first of a repeated name wins)."""
    states: dict[str, Mapping[str, Any]] = {}
    for state in definition.get("states") or ():
        states.setdefault(str(state.get("name", "")), state)
    return states


def reachable(edges: Sequence[Sequence[int]], roots: Sequence[int]) -> list[bool]:
    """For each node, whether a path (of zero or more edges) leads to it from one of ``roots``."""
    seen = [False] * len(edges)
    stack = list(roots)
    for root in roots:
        seen[root] = True
    while stack:
        for target in edges[stack.pop()]:
            if not seen[target]:
                seen[target] = True
                stack.append(target)
    return seen


def events_reaching(edges: Sequence[Sequence[int]], starts: Sequence[int]) -> list[int]:
    """For each node, the bit set of the ``starts`` (by position) from which it can be reached.

    One propagation from all starts at once: a node is revisited only when it gains a bit, so at most
    once per start (there are five trigger events) and usually once in all.
    """
    reaching = [0] * len(edges)
    pending: list[int] = []
    for bit, start in enumerate(starts):
        reaching[start] |= 1 << bit
        pending.append(start)
    while pending:
        node = pending.pop()
        mask = reaching[node]
        for successor in edges[node]:
            if reaching[successor] | mask != reaching[successor]:
                reaching[successor] |= mask
                pending.append(successor)
    return reaching


def descendants(edges: Sequence[Sequence[int]]) -> list[int]:
    """For each node, the bit set of nodes reachable through one or more edges.

    Strongly connected components (Tarjan, iterative) come out sinks first, so each component's set is
    the union of its successors' sets: linear in the graph, where a search per node would be quadratic.
    """
    count = len(edges)
    order = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    component = [-1] * count
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work: list[tuple[int, Iterator[int]]] = [(root, iter(edges[root]))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if order[successor] == -1:
                    order[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack[successor] = True
                    work.append((successor, iter(edges[successor])))
                    break
                if on_stack[successor] and order[successor] < low[node]:
                    low[node] = order[successor]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == order[node]:
                    members: list[int] = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = False
                        component[member] = len(components)
                        members.append(member)
                        if member == node:
                            break
                    components.append(members)
    reach = [0] * len(components)
    for number, members in enumerate(components):
        bits = 0
        cyclic = len(members) > 1
        for member in members:
            for successor in edges[member]:
                other = component[successor]
                if other == number:
                    cyclic = True
                else:
                    bits |= reach[other] | 1 << successor
        if cyclic:
            for member in members:
                bits |= 1 << member
        reach[number] = bits
    return [reach[component[node]] for node in range(count)]
