"""Verdicts from the third real-world audit (40 flows harvested from public repositories and docs),
each shown on a small flow of our own that keeps only the fact that mattered."""

from __future__ import annotations

from typing import Any

import pytest

from studio import validate_definition
from studio.importer import FlowImportError, import_definition
from studio.spec import UNCONFIRMED_PROPERTIES
from tests.studio.flow_samples import console_flow as flow

JSON = dict[str, Any]


def http(add_twilio_auth: object) -> JSON:
    """A make-http-request widget as an API-format export holds it (keys sorted)."""
    return {
        "name": "create_call",
        "properties": {
            "add_twilio_auth": add_twilio_auth,
            "body": '{"CallSid": "{{trigger.call.CallSid}}"}',
            "content_type": "application/x-www-form-urlencoded;charset=utf-8",
            "method": "POST",
            "offset": {"x": -787, "y": 414},
            "url": "https://example.com/flex/voice/call/ivr_started",
        },
        "transitions": [{"event": "success"}, {"event": "failed"}],
        "type": "make-http-request",
    }


def test_add_twilio_auth_as_exported_is_clean_and_no_longer_unconfirmed() -> None:
    assert ("make-http-request", "add_twilio_auth") not in UNCONFIRMED_PROPERTIES
    assert validate_definition(flow(http(False))) == []


def test_add_twilio_auth_as_a_string_is_a_studio_type_error() -> None:
    (problem,) = validate_definition(flow(http("false")))
    assert (problem.code, problem.severity, problem.studio) == ("json-type", "error", True)
    assert problem.property_path == "#/states/1/properties/add_twilio_auth"
    assert "write false without quotes" in problem.message
    assert "no public source confirms" not in problem.message


def v1_state(sid: str, type_: str, name: str, *transitions: tuple[str, str | None]) -> JSON:
    """A widget as Studio v1 exported it: a sid, and transitions naming the next widget's sid."""
    return {
        "type": type_,
        "name": name,
        "properties": {"offset": {"x": 0, "y": 0}},
        "transitions": [{"event": event, "conditions": [], "next": nxt, "uuid": "0ec90fc9-0b8e-4dbc-b14f-988146b3f22b"}
                        for event, nxt in transitions],
        "sid": sid,
    }


GATHER_SID = "FFed2061cbcccea5d1e81bc370443c86af"
V1_FLOW: JSON = {
    "description": "A New Flow",
    "states": [
        v1_state("FF855b9620cafaf5495d85b14458ea7f87", "InitialState", "Trigger",
                 ("incomingMessage", None), ("incomingCall", GATHER_SID)),
        v1_state(GATHER_SID, "Gather", "gather_1", ("keypress", None), ("timeout", None)),
    ],
}


def test_a_studio_v1_export_is_named_once_as_what_it_is() -> None:
    problems = validate_definition(V1_FLOW)
    assert [(p.code, p.property_path) for p in problems] == [
        ("missing-key", "#/initial_state"),
        ("v1-format", "#/states"),
    ]
    v1 = problems[1]
    assert (v1.severity, v1.rejected_by_studio) == ("error", True)
    assert "Studio v1 export (InitialState -> trigger, Gather -> gather-input-on-call)" in v1.message
    assert "no sid or uuid keys" in v1.message


def test_a_v2_flow_with_one_widget_type_typo_is_not_taken_for_v1() -> None:
    say = {"name": "hello", "type": "say-play", "transitions": [{"event": "audioComplete"}],
           "properties": {"say": "Hi"}}
    enqueue = {"name": "queue", "type": "Enqueue", "transitions": [], "properties": {}}
    codes = [p.code for p in validate_definition(flow(say, enqueue))]
    assert "v1-format" not in codes
    assert "unknown-widget-type" in codes or "widget-type-typo" in codes


def test_importing_a_v1_export_says_what_it_is() -> None:
    with pytest.raises(FlowImportError, match=r"Studio v1 export \(InitialState -> trigger, Gather -> "):
        import_definition(V1_FLOW)


def test_a_missing_required_property_says_how_to_fill_it_when_its_values_are_known() -> None:
    # An LLM-written hotel IVR in the audit left noun out of three connect-call-to widgets.
    connect = {"name": "Billing", "type": "connect-call-to", "transitions": [{"event": "callCompleted"}],
               "properties": {"to": "+12255550126", "caller_id": "{{contact.channel.address}}"}}
    (problem,) = validate_definition(flow(connect))
    assert (problem.code, problem.property_path) == ("required", "#/states/1/properties/noun")
    assert problem.message == "connect-call-to needs property 'noun': add it, e.g. \"noun\": \"number\""
    flex = {"name": "f", "type": "send-to-flex", "transitions": [], "properties": {"channel": "TC" + "0" * 32}}
    (problem,) = validate_definition(flow(flex))
    assert problem.message.endswith('add it, e.g. "workflow": "WW..."')
