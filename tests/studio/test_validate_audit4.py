"""Verdicts from the fourth real-world audit (public Studio flows not in the earlier audits, and Studio's own
published schema), each shown on a small flow of our own that keeps only the fact that mattered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio import validate_definition
from studio.catalogue import CATALOGUE
from studio.importer import import_definition
from studio.spec import CONSOLE_DEFAULTS, DECLARED_WIDGET_TYPES, SCHEMA_ENUM_TYPES
from tests.studio.flow_samples import console_flow as flow
from tests.studio.flow_samples import run_generated

JSON = dict[str, Any]


# Studio's Flow Definition JSON Schema (twilio.com/docs/studio/rest-api/v2/schemas) enumerates the widget types
# it takes; these six are in that enum but in no widget class of ours.
UNMODELLED_SCHEMA_TYPES = (
    "add-member-to-chat-channel",
    "create-chat-channel",
    "create-task",
    "run-function-v2",
    "understand",
    "update-sync-object",
)


@pytest.mark.parametrize("widget_type", UNMODELLED_SCHEMA_TYPES)
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


def chain(count: int) -> JSON:
    """A flow of ``count`` widgets: the trigger and say-play widgets one after another."""
    says = [{"name": f"w{i}", "type": "say-play", "transitions": [{"event": "audioComplete", "next": f"w{i + 1}"}],
             "properties": {"say": "Hi"}} for i in range(count - 2)]
    says.append({"name": f"w{count - 2}", "type": "say-play", "transitions": [], "properties": {"say": "Bye"}})
    return flow(*says)


def test_a_flow_of_1001_to_2000_widgets_is_a_warning_not_an_error() -> None:
    # Studio's FAQ: "A Flow is limited to 2,000 Widgets"; its 2019-09 schema draft still says maxItems 1000.
    (problem,) = validate_definition(chain(1001))
    assert (problem.code, problem.severity, problem.property_path) == ("widget-limit", "warning", "#/states")
    assert "1,001 widgets" in problem.message
    assert "allows 2,000" in problem.message
    assert "run-subflow" in problem.message
    assert validate_definition(chain(1000)) == []


def test_a_flow_of_more_than_2000_widgets_is_an_error() -> None:
    (problem,) = validate_definition(chain(2001))
    assert (problem.code, problem.severity) == ("state-count", "error")
    assert problem.message.startswith("a flow has 1 to 2,000 widgets, this one has 2,001")


def test_a_missing_from_says_what_console_would_have_filled_in() -> None:
    # A public fax-to-Flex guide's flow left "from" out of a send-message widget.
    send = {"name": "error_handler", "type": "send-message", "transitions": [{"event": "sent"}],
            "properties": {"to": "+15005550006", "body": "Fax processing failed"}}
    (problem,) = validate_definition(flow(send, event="incomingMessage"))
    assert (problem.code, problem.severity, problem.property_path) == (
        "required", "error", "#/states/1/properties/from")
    assert problem.message == (
        "send-message needs property 'from': add it, e.g. \"from\": \"{{flow.channel.address}}\"")


def test_every_console_default_is_for_a_required_property_of_its_widget() -> None:
    for (widget_type, key), value in CONSOLE_DEFAULTS.items():
        prop = CATALOGUE[widget_type].props[key]
        assert prop.required, (widget_type, key)
        assert isinstance(value, int) == (prop.json_type == "integer"), (widget_type, key)


def test_every_type_studios_schema_lists_is_modelled_or_declared() -> None:
    for widget_type in SCHEMA_ENUM_TYPES:
        assert widget_type in CATALOGUE or widget_type in DECLARED_WIDGET_TYPES, widget_type


def test_a_schema_listed_type_with_unconfirmed_properties_says_which_part_is_unconfirmed() -> None:
    call = {"name": "call", "type": "make-outgoing-call-v1", "transitions": [{"event": "answered"}],
            "properties": {"from": "{{flow.channel.address}}", "to": "{{contact.channel.address}}"}}
    (problem,) = validate_definition(flow(call, event="incomingRequest"))
    assert (problem.code, problem.severity) == ("unconfirmed", "warning")
    assert problem.message.startswith("Studio's schema lists the type 'make-outgoing-call-v1', but no public source "
                                      "confirms its properties and events")
