"""What ties a Console export to one account: SIDs and template placeholders, found and named.

A flow exported from Studio holds the SIDs of its account's objects (a ``WW…`` workflow in Send to Flex,
a ``TC…`` task channel, a ``FW…`` subflow, ``ZS…``/``ZH…`` Functions...); a flow kept in Terraform holds
``${...}`` placeholders instead, some with dots (``${workflow_sids.master}``). :func:`find_references`
lists each of them once, with what it is, judged by where it is used; :func:`replace_references` puts
``${NAME}`` parameters in their place, so the flow can be deployed to any account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

SID = re.compile(r"\b[A-Z]{2}[0-9a-f]{32}\b")
TEMPLATE = re.compile(r"\$\{[^{}\s]+\}")
ReferenceKind = Literal["workflow", "task_channel", "flow", "account", "other"]
# Where a reference is used says what it is; failing that, a SID's two-letter prefix does.
_BY_PROPERTY: dict[tuple[str, str], ReferenceKind] = {
    ("send-to-flex", "workflow"): "workflow",
    ("send-to-flex", "channel"): "task_channel",
    ("run-subflow", "flow_sid"): "flow",
}
_BY_PREFIX: dict[str, ReferenceKind] = {"WW": "workflow", "TC": "task_channel", "FW": "flow", "AC": "account"}


@dataclass(frozen=True)
class Reference:
    """One SID or placeholder of an export: its text, what it is, and the first widget and property using it."""

    text: str
    kind: ReferenceKind
    widget: str
    key: str
    """The property path (``attributes``, ``parameters.value``)."""

    @property
    def placeholder(self) -> str | None:
        """``x.y`` for ``${x.y}``; None for a SID."""
        return self.text[2:-1] if self.text.startswith("${") else None


def find_references(definition: Mapping[str, Any]) -> list[Reference]:
    """Every SID and ``${...}`` placeholder in the widgets' properties and the description, once each."""
    found: dict[str, Reference] = {}
    envelope = {"name": "flow", "type": "", "properties": {"description": definition.get("description")}}
    for state in [*(definition.get("states") or []), envelope]:
        if not isinstance(state, Mapping):
            continue
        widget, kind = str(state.get("name", "")), str(state.get("type", ""))
        properties = state.get("properties")
        for key, text in _strings(properties if isinstance(properties, Mapping) else {}, ""):
            for match in [*SID.finditer(text), *TEMPLATE.finditer(text)]:
                reference = match.group(0)
                whole = match.span() == (0, len(text))
                what = _BY_PROPERTY.get((kind, key.split(".")[0])) if whole else None
                what = what or (_BY_PREFIX.get(reference[:2], "other") if SID.fullmatch(reference) else "other")
                previous = found.get(reference)
                if previous is None or (previous.kind == "other" and what != "other"):
                    found[reference] = Reference(reference, what, widget, key)
    return list(found.values())


def replace_references(value: Any, names: Mapping[str, str]) -> Any:
    """A copy of a JSON value with each reference text in ``names`` replaced by ``${<its name>}``."""
    if isinstance(value, str):
        if not names:
            return value
        pattern = re.compile("|".join(re.escape(text) for text in sorted(names, key=len, reverse=True)))
        return pattern.sub(lambda match: "${" + names[match.group(0)] + "}", value)
    if isinstance(value, Mapping):
        return {key: replace_references(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_references(item, names) for item in value]
    return value


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, Mapping):
        return [pair for key, item in value.items() for pair in _strings(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [pair for item in value for pair in _strings(item, path)]
    return []
