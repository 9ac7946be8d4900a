"""Verdicts from the fourth real-world audit (public Studio flows not in the earlier audits, and Studio's own
published schema), each shown on a small flow of our own that keeps only the fact that mattered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio import validate_definition
from studio.importer import import_definition
from tests.studio.flow_samples import run_generated

JSON = dict[str, Any]


def flow(*states: JSON, event: str = "incomingCall") -> JSON:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event, "next": states[0]["name"]}],
               "properties": {"offset": {"x": 0, "y": 0}}}
    return {"description": "A New Flow", "flags": {"allow_concurrent_calls": True}, "initial_state": "Trigger",
            "states": [trigger, *states]}


# Studio's Flow Definition JSON Schema (twilio.com/docs/studio/rest-api/v2/schemas) enumerates the widget types
# it takes; these six are in that enum but in no widget class of ours.
SCHEMA_ENUM_TYPES = (
    "add-member-to-chat-channel",
    "create-chat-channel",
    "create-task",
    "run-function-v2",
    "understand",
    "update-sync-object",
)


@pytest.mark.parametrize("widget_type", SCHEMA_ENUM_TYPES)
def test_a_type_studios_own_schema_lists_is_no_error(widget_type: str) -> None:
    widget = {"name": "w", "type": widget_type, "transitions": [], "properties": {"offset": {"x": 0, "y": 200}}}
    (problem,) = validate_definition(flow(widget))
    assert (problem.code, problem.severity) == ("unconfirmed", "warning")
    assert "Flow Definition JSON Schema lists it" in problem.message


def test_a_type_studios_schema_lists_imports_and_prints_itself_again() -> None:
    widget = {"name": "sync", "type": "update-sync-object", "transitions": [{"event": "success"}],
              "properties": {"offset": {"x": 0, "y": 200}}}
    definition = flow(widget)
    assert json.loads(run_generated(import_definition(definition))) == definition
