"""Verdicts from the third real-world audit (40 flows harvested from public repositories and docs),
each shown on a small flow of our own that keeps only the fact that mattered."""

from __future__ import annotations

from typing import Any

from studio import validate_definition
from studio.spec import UNCONFIRMED_PROPERTIES

JSON = dict[str, Any]


def flow(*states: JSON, event: str = "incomingCall") -> JSON:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event, "next": states[0]["name"]}],
               "properties": {"offset": {"x": 0, "y": 0}}}
    return {"description": "A New Flow", "flags": {"allow_concurrent_calls": True}, "initial_state": "Trigger",
            "states": [trigger, *states]}


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
