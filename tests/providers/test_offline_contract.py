"""check and diff stay offline, survive unknowns and compare canonical inputs; blobs hold no secret."""

import base64
import json
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from components.providers.base import CHANGED, TwilioProvider, canonical
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import ActivityProvider, TaskQueueProvider, WorkflowProvider
from components.providers.triggers import PhoneNumberBindingProvider
from components.providers.twilio_api import ACCOUNT_SID_KEY, AUTH_TOKEN_KEY

UNKNOWN = Unknown()  # type: ignore[no-untyped-call]
ACCOUNT = "AC" + "1" * 32
TOKEN = "super-secret-token-value"
DEFINITION: dict[str, Any] = {
    "description": "d",
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
    "states": [{"name": "Trigger", "type": "trigger", "transitions": [], "properties": {"offset": {"x": 0, "y": 0}}}],
}


WORKSPACE_SID = "WS" + "a" * 32
QUEUE: dict[str, Any] = {"workspace_sid": WORKSPACE_SID, "friendly_name": "q"}
BINDING: dict[str, Any] = {"phone_number": "+15005550006", "webhook_url": "https://hook", "voice": True}


def configured(provider: TwilioProvider, **config: str) -> TwilioProvider:
    provider.configure(ConfigureRequest(Config({ACCOUNT_SID_KEY: ACCOUNT, **config}, "flex-pre-agent")))
    return provider


def flow_state(definition: Any, **extra: Any) -> dict[str, Any]:
    return {"friendly_name": "IVR", "status": "published", "definition": definition, "account_sid": ACCOUNT, **extra}


def test_canonical_ignores_the_grpc_number_and_none_changes() -> None:
    assert canonical({"a": 1.0, "b": None, "c": [2.0, {"d": None}]}) == {"a": 1, "c": [2, {}]}
    assert canonical('{"b": 1, "a": [1.5]}', as_json=True) == {"a": [1.5], "b": 1}


def test_same_definition_as_text_or_data_is_no_change() -> None:
    provider = configured(StudioFlowProvider())
    text = json.dumps(DEFINITION, indent=4)
    as_floats = json.loads(json.dumps(DEFINITION).replace('"x": 0', '"x": 0.0'))
    result = provider.diff("FW1", flow_state(text), flow_state(as_floats))
    assert result.changes is False


def test_commit_message_alone_never_makes_a_new_revision() -> None:
    provider = configured(StudioFlowProvider())
    olds = flow_state(json.dumps(DEFINITION), commit_message="one")
    assert provider.diff("FW1", olds, flow_state(json.dumps(DEFINITION), commit_message="two")).changes is False


def test_a_changed_widget_is_a_change_without_replacement() -> None:
    changed = json.loads(json.dumps(DEFINITION))
    changed["states"][0]["properties"]["offset"]["x"] = 10
    result = configured(StudioFlowProvider()).diff("FW1", flow_state(DEFINITION), flow_state(changed))
    assert result.changes is CHANGED
    assert result.replaces == []


def test_diff_and_check_survive_unknown_values_without_credentials() -> None:
    provider = configured(StudioFlowProvider())  # no credentials at all: any API call would fail
    news = flow_state(UNKNOWN)
    assert provider.check({}, news).failures == []
    assert provider.diff("FW1", flow_state(DEFINITION), news).changes is CHANGED


def test_unknown_inside_a_value_counts_as_a_change() -> None:
    provider = configured(WorkflowProvider())
    olds = {"workspace_sid": "WS1", "friendly_name": "w", "configuration": "{}", "account_sid": ACCOUNT}
    news = {**olds, "configuration": {"task_routing": {"default_filter": {"queue": UNKNOWN}}}}
    assert provider.diff("WW1", olds, news).changes is CHANGED


def test_changing_an_activitys_availability_replaces_it_deleting_first() -> None:
    provider = configured(ActivityProvider())
    olds = {"workspace_sid": "WS1", "friendly_name": "Lunch", "available": False, "account_sid": ACCOUNT}
    result = provider.diff("WA1", olds, {**olds, "available": True})
    assert result.replaces == ["available"]
    assert result.delete_before_replace is True


def test_diff_refuses_state_from_another_account() -> None:
    provider = configured(StudioFlowProvider())
    with pytest.raises(RuntimeError, match="refusing to act on another account"):
        provider.diff("FW1", flow_state(DEFINITION, account_sid="AC" + "2" * 32), flow_state(DEFINITION))


@pytest.mark.parametrize(
    ("provider", "news", "prop", "reason"),
    [
        (StudioFlowProvider(), flow_state("{not json"), "definition", "not valid JSON"),
        (StudioFlowProvider(), flow_state(DEFINITION, status="live"), "status", "use 'draft' or 'published'"),
        (TaskQueueProvider(), {**QUEUE, "max_reserved_workers": 51}, "max_reserved_workers", "1 to 50"),
        (TaskQueueProvider(), {**QUEUE, "task_order": "RANDOM"}, "task_order", "FIFO"),
        (PhoneNumberBindingProvider(), {**BINDING, "phone_number": "555-1234"}, "phone_number", "E.164"),
    ],
)
def test_check_names_the_bad_input_and_the_fix(
    provider: TwilioProvider, news: dict[str, Any], prop: str, reason: str
) -> None:
    failures = configured(provider).check({}, news).failures
    assert [(f.property, reason in f.reason) for f in failures] == [(prop, True)]


def test_check_reports_what_studio_would_reject_before_any_call() -> None:
    broken = json.loads(json.dumps(DEFINITION))
    broken["states"][0]["transitions"] = [{"event": "incomingCall", "next": "nowhere"}]
    failures = configured(StudioFlowProvider()).check({}, flow_state(broken)).failures
    assert failures
    assert all(f.property == "definition" for f in failures)
    assert any("nowhere" in f.reason for f in failures)


def test_serialized_provider_is_a_reference_without_credentials() -> None:
    provider = configured(StudioFlowProvider(), **{AUTH_TOKEN_KEY: TOKEN})
    blob = base64.b64decode(serialize_provider(provider))
    assert b"components.providers.studio" in blob
    assert TOKEN.encode() not in blob
    assert len(blob) < 200
