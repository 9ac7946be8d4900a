"""The response checker itself: it must fail on bodies that break the OpenAPI contract."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.emulator.openapi_check import SchemaMismatch, check_response, operation

WS = "WS" + "a" * 32
WA = "WA" + "b" * 32
ACTIVITY_URL = f"https://taskrouter.twilio.com/v1/Workspaces/{WS}/Activities/{WA}"


def activity(**changes: Any) -> str:
    body: dict[str, Any] = {
        "account_sid": "AC" + "c" * 32,
        "available": True,
        "date_created": "2026-01-02T03:04:05Z",
        "date_updated": "2026-01-02T03:04:05Z",
        "friendly_name": "Available",
        "sid": WA,
        "workspace_sid": WS,
        "url": ACTIVITY_URL,
        "links": {"workspace": f"https://taskrouter.twilio.com/v1/Workspaces/{WS}"},
    }
    body.update(changes)
    return json.dumps({key: value for key, value in body.items() if value is not ...})


def test_a_complete_activity_passes() -> None:
    check_response("GET", ACTIVITY_URL, 200, activity())


def test_a_missing_field_fails() -> None:
    with pytest.raises(SchemaMismatch, match="'available' is a required property"):
        check_response("GET", ACTIVITY_URL, 200, activity(available=...))


def test_an_unknown_field_fails() -> None:
    with pytest.raises(SchemaMismatch, match="Additional properties"):
        check_response("GET", ACTIVITY_URL, 200, activity(availability=True))


def test_null_passes_where_the_spec_says_nullable() -> None:
    check_response("GET", ACTIVITY_URL, 200, activity(friendly_name=None))


def test_a_sid_with_the_wrong_prefix_fails() -> None:
    with pytest.raises(SchemaMismatch, match="does not match"):
        check_response("GET", ACTIVITY_URL, 200, activity(sid="WQ" + "b" * 32))


def test_an_rfc_2822_date_fails_where_iso_8601_is_due() -> None:
    with pytest.raises(SchemaMismatch, match="date-time"):
        check_response("GET", ACTIVITY_URL, 200, activity(date_created="Thu, 30 Jul 2015 23:19:04 +0000"))


def test_a_status_the_operation_does_not_answer_fails() -> None:
    with pytest.raises(SchemaMismatch, match="not 201"):
        check_response("GET", ACTIVITY_URL, 201, activity())


def test_an_error_body_without_twilio_code_fails() -> None:
    with pytest.raises(SchemaMismatch, match="'code' is a required property"):
        check_response("GET", ACTIVITY_URL, 404, json.dumps({"message": "nope", "status": 404, "more_info": ""}))


def test_an_error_body_whose_status_differs_from_http_fails() -> None:
    body = {"code": 20404, "message": "gone", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 400}
    with pytest.raises(SchemaMismatch, match="says status 400"):
        check_response("GET", ACTIVITY_URL, 404, json.dumps(body))


def test_a_literal_path_wins_over_a_template() -> None:
    assert operation("https://studio.twilio.com/v2/Flows/Validate", "POST")[1] == "/v2/Flows/Validate"
