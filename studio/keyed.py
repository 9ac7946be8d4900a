"""A flow definition with its states keyed by widget name, and back; the keys of the lists inside a widget.

Studio takes ``states`` as a list; a review of a change wants one path per widget
(``states.main_menu.properties.say``), so the Pulumi resource carries this keyed form and the provider
sends Studio's. Studio does not give the order of ``states`` a meaning (``initial_state`` names the
start), so the keyed form is compared without it and turned back in one fixed order: the initial state
first, then by name. Anything that is not a definition with uniquely named states is returned as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio.jsontext import canonical_json


def keyed_definition(definition: Any) -> Any:
    """``{"states": [{"name": "a", ...}]}`` -> ``{"states": {"a": {...}}}``; the keyed form is returned as is."""
    if not isinstance(definition, Mapping):
        return definition
    states = definition.get("states")
    if not isinstance(states, list):
        return dict(definition)
    names = [state.get("name") if isinstance(state, Mapping) else None for state in states]
    if any(not isinstance(name, str) for name in names) or len(set(names)) != len(names):
        return dict(definition)  # unnamed or twice-named widgets: only the list form says what it is
    keyed = {str(state["name"]): {k: v for k, v in state.items() if k != "name"} for state in states}
    return {**definition, "states": keyed}


def studio_definition(definition: Any) -> Any:
    """The keyed form back as Studio takes it (the initial state first, then by name); a list form as is."""
    if not isinstance(definition, Mapping):
        return definition
    states = definition.get("states")
    if not isinstance(states, Mapping):
        return dict(definition)
    first = definition.get("initial_state")
    order = sorted(states, key=lambda name: (name != first, name))
    listed = [{"name": name, **states[name]} if isinstance(states[name], Mapping) else states[name] for name in order]
    return {**definition, "states": listed}


IDENTITY_FIELDS = ("key", "name", "friendly_name")
"""What names an item of a property list (parameters and variables by ``key``, conditions by ``friendly_name``)."""


def item_key(item: Any) -> str | None:
    """What identifies one item of a list inside a widget, or None when nothing does.

    A transition is its event, and for a split's branch its conditions too (by their friendly names, or
    their content when unnamed): ``noMatch``, ``match: press 3``. Any other item is the first of
    :data:`IDENTITY_FIELDS` it has as a string.
    """
    if not isinstance(item, Mapping):
        return None
    event = item.get("event")
    if isinstance(event, str):
        conditions = item.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            return event
        names = [c.get("friendly_name") if isinstance(c, Mapping) else None for c in conditions]
        if all(isinstance(name, str) and name for name in names):
            return f"{event}: {' and '.join(map(str, names))}"
        return f"{event}: {canonical_json(conditions)}"
    for name in IDENTITY_FIELDS:
        value = item.get(name)
        if isinstance(value, str):
            return value
    return None


def keyed_items(items: list[Any]) -> dict[str, Any] | None:
    """A list of transitions, parameters, variables or conditions by :func:`item_key`, in list order.

    None unless every item has a key: a list that cannot be keyed is compared by position. Two items of
    one key (two branches of one name) are told apart by occurrence: ``match: vip``, ``match: vip (2)``.
    """
    keyed: dict[str, Any] = {}
    for item in items:
        key = item_key(item)
        if key is None:
            return None
        unique, number = key, 1
        while unique in keyed:
            number += 1
            unique = f"{key} ({number})"
        keyed[unique] = item
    return keyed
