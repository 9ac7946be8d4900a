"""Shared test helpers for the Studio toolkit: valid sample values and running generated modules."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from studio.spec import PropSpec
from tests.shared_data import CORPUS

CORPUS_FILES = sorted([*CORPUS.glob("flows/*.json"), *CORPUS.glob("widgets/*.json")])
SID_HEX = "0123456789abcdef0123456789abcdef"


def console_flow(*states: dict[str, Any], event: str = "incomingCall") -> dict[str, Any]:
    """A definition as Console writes one: its trigger starting ``states[0]`` on ``event``, then ``states``."""
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event, "next": states[0]["name"]}],
               "properties": {"offset": {"x": 0, "y": 0}}}
    return {"description": "A New Flow", "flags": {"allow_concurrent_calls": True}, "initial_state": "Trigger",
            "states": [trigger, *states]}


def sample_json(prop: PropSpec) -> Any:
    """A valid JSON value for a property, as Studio stores it."""
    if prop.enum:
        return prop.enum[0]
    if prop.sid_prefix:
        return prop.sid_prefix + SID_HEX
    kind = prop.kind
    if kind == "string":
        return prop.suggested[0] if prop.suggested else "text"
    if kind == "json_string":
        return '{"k":"v"}'
    if kind == "numeric_string":
        return str(prop.minimum if prop.minimum is not None else 30)
    if kind == "boolean_string":
        return "true"
    if kind == "integer":
        return prop.minimum if prop.minimum is not None else 1
    if kind == "boolean":
        return True
    if kind == "key_values":
        return [{"key": "k", "value": "v"}]
    if kind == "string_list":
        return [prop.suggested[0] if prop.suggested else "item"]
    if kind == "array":
        return []
    return {}


def sample_keyword(prop: PropSpec) -> Any:
    """The builder's keyword value that renders :func:`sample_json` (Python-friendly where it can be)."""
    if prop.kind == "numeric_string":
        return int(sample_json(prop))
    if prop.kind == "boolean_string":
        return True
    if prop.kind == "key_values":
        return {"k": "v"}
    if prop.kind == "json_string":
        return {"k": "v"}
    return sample_json(prop)


def load(path: Path) -> Any:
    """The decoded JSON of a file."""
    return json.loads(path.read_text(encoding="utf-8"))


def run_generated(source: str) -> str:
    """Execute a module written by the importer (in this process) and return what its main would print."""
    namespace: dict[str, Any] = {"__name__": "generated_flow"}
    exec(compile(source, "<generated>", "exec"), namespace)
    if "build_flow" in namespace:
        return str(namespace["build_flow"]().to_json(placeholders=True))
    from studio import canonical_json

    return canonical_json(namespace["build_widget"]().to_state(placeholders=True))


def widget_copy(definition: Mapping[str, Any], name: str,
                change: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    """A copy of widget ``name`` of a real flow ``definition``, ``change`` applied to it, without its nexts."""
    state: dict[str, Any] = copy.deepcopy(next(s for s in definition["states"] if s["name"] == name))
    state["transitions"] = [{k: v for k, v in t.items() if k != "next"} for t in state["transitions"]]
    if change is not None:
        change(state)
    return state


def set_property(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda state: state["properties"].__setitem__(key, value)


def drop_property(key: str) -> Callable[[dict[str, Any]], object]:
    return lambda state: state["properties"].pop(key)


def set_event(index: int, event: str) -> Callable[[dict[str, Any]], object]:
    return lambda state: state["transitions"][index].__setitem__("event", event)


def assert_draws_and_runs(definition: Mapping[str, Any]) -> None:
    """A real flow draws as Mermaid and simulates from every trigger event that leads somewhere."""
    from studio.diagram import to_mermaid
    from studio.simulate import Contact, simulate

    assert "flowchart" in to_mermaid(definition)
    trigger = next(state for state in definition["states"] if state["type"] == "trigger")
    events = [transition["event"] for transition in trigger["transitions"] if transition.get("next")]
    assert events
    for event in events:
        assert simulate(definition, Contact(event=event)).path


AUDITS = Path(__file__).parent  # tests/studio/audit<N>/: real flows kept whole, with provenance.json


def audit_provenance(audit: str) -> dict[str, dict[str, Any]]:
    """An audit's provenance.json: flow id -> repository, path, commit, verdict and how it was read."""
    return dict(json.loads((AUDITS / audit / "provenance.json").read_text(encoding="utf-8")))


def audit_flows(audit: str) -> dict[str, dict[str, Any]]:
    """Every flow an audit stored, by id, as read."""
    return {flow_id: json.loads((AUDITS / audit / f"{flow_id}.json").read_text(encoding="utf-8"))
            for flow_id in audit_provenance(audit)}


def audit_accepted(audit: str) -> list[str]:
    """The ids of an audit's flows Studio accepted."""
    return sorted(flow_id for flow_id, source in audit_provenance(audit).items() if source["verdict"] == "accepted")
