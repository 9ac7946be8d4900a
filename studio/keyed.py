"""A flow definition with its states keyed by widget name, and back.

Studio takes ``states`` as a list; a review of a change wants one path per widget
(``states.main_menu.properties.say``), so the Pulumi resource carries this keyed form and the provider
sends Studio's. Studio does not give the order of ``states`` a meaning (``initial_state`` names the
start), so the keyed form is compared without it and turned back in one fixed order: the initial state
first, then by name. Anything that is not a definition with uniquely named states is returned as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
