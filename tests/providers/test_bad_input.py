"""Bad input fails `check`, offline, naming the input and the fix, before anything is sent."""

from typing import Any

import pytest

from components.providers.base import TwilioProvider, TwilioProviderError
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import connected, writes
from tests.providers.test_offline_contract import DEFINITION, configured

WS = "WS" + "a" * 32
FW = "FW" + "b" * 32
QUEUE: dict[str, Any] = {"workspace_sid": WS, "friendly_name": "Support"}
BINDING: dict[str, Any] = {"phone_number": "+15005550006", "webhook_url": "https://hook"}
ADDRESS: dict[str, Any] = {"address": "+15005550007", "address_type": "sms", "flow_sid": FW}
FLOW: dict[str, Any] = {"friendly_name": "IVR", "status": "published", "definition": DEFINITION}
WORKFLOW: dict[str, Any] = {**QUEUE, "configuration": {"task_routing": {"default_filter": {"queue": "WQ" + "c" * 32}}}}

CASES: list[tuple[str, TwilioProvider, dict[str, Any], str, str]] = [
    ("leading zero country code", PhoneNumberBindingProvider(), {**BINDING, "phone_number": "+0155500"},
     "phone_number", "does not start with 0"),
    ("full-width digits", PhoneNumberBindingProvider(), {**BINDING, "phone_number": "+１５００５５５０００６"},
     "phone_number", "E.164"),
    ("sixteen digits", PhoneNumberBindingProvider(), {**BINDING, "phone_number": "+1500555000600000"},
     "phone_number", "at most 15 digits"),
    ("spaces", PhoneNumberBindingProvider(), {**BINDING, "phone_number": "+1 500 555 0006"}, "phone_number", "E.164"),
    ("truthy string for a boolean", ActivityProvider(), {**QUEUE, "friendly_name": "Lunch", "available": "yes"},
     "available", "it must be bool"),
    ("number for a boolean", PhoneNumberBindingProvider(), {**BINDING, "voice": 1}, "voice", "it must be bool"),
    ("NUL in a name", StudioFlowProvider(), {**FLOW, "friendly_name": "IVR\x00"}, "friendly_name", "U+0000"),
    ("newline in a name", TaskQueueProvider(), {**QUEUE, "friendly_name": "Sup\nport"}, "friendly_name", "U+000A"),
    ("NUL inside a definition", StudioFlowProvider(), {**FLOW, "definition": {**DEFINITION, "description": "a\x00"}},
     "definition", "NUL"),
    ("name over TaskRouter's limit", WorkspaceProvider(), {"friendly_name": "x" * 65}, "friendly_name", "at most 64"),
    ("address name over the limit", ConversationsAddressProvider(), {**ADDRESS, "friendly_name": "x" * 257},
     "friendly_name", "at most 256"),
    ("queue SID where a workspace SID belongs", TaskQueueProvider(), {**QUEUE, "workspace_sid": "WQ" + "a" * 32},
     "workspace_sid", "TaskRouter workspace SID (WS followed by 32 hex digits)"),
    ("workflow SID where a flow SID belongs", ConversationsAddressProvider(), {**ADDRESS, "flow_sid": "WW" + "1" * 32},
     "flow_sid", "Studio flow SID"),
    ("adopting an object of another kind", TaskQueueProvider(), {**QUEUE, "adopt_sid": WS}, "adopt_sid", "WQ followed"),
    ("a target expression TaskRouter rejects", TaskQueueProvider(), {**QUEUE, "target_workers": "routing.skills HAS"},
     "target_workers", "not an expression TaskRouter accepts"),
    ("a workflow without routing", WorkflowProvider(), {**WORKFLOW, "configuration": {"filters": []}},
     "configuration", "task_routing"),
    ("a workflow filter TaskRouter rejects", WorkflowProvider(), {**WORKFLOW, "configuration": {"task_routing": {
        "filters": [{"expression": "skill-level > 3", "targets": [{"queue": "WQ" + "c" * 32}]}]}}},
     "configuration", "skill_level"),
    ("a reservation timeout over a day", WorkflowProvider(), {**WORKFLOW, "task_reservation_timeout": 86401},
     "task_reservation_timeout", "1 to 86400"),
    ("a hyphen in a channel name", TaskChannelProvider(), {**QUEUE, "unique_name": "call-back"}, "unique_name",
     "cannot contain hyphens"),
    ("a missing required input", TaskQueueProvider(), {"workspace_sid": WS}, "friendly_name", "is missing"),
    ("a retry count over 3", ConversationsAddressProvider(), {**ADDRESS, "retry_count": 4}, "retry_count", "0 to 3"),
]


@pytest.mark.parametrize(("provider", "news", "prop", "reason"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_check_rejects_bad_input_naming_it_and_the_fix(
    provider: TwilioProvider, news: dict[str, Any], prop: str, reason: str
) -> None:
    failures = configured(provider).check({}, news).failures
    assert {f.property for f in failures} == {prop}
    assert any(reason in f.reason for f in failures), [f.reason for f in failures]


def test_a_sid_that_does_not_exist_is_not_called_deleted_outside_pulumi(emulator: EmulatorHandle) -> None:
    provider = connected(TaskQueueProvider(), emulator)
    with pytest.raises(TwilioProviderError) as caught:
        provider.create({"workspace_sid": "WS" + "0" * 32, "friendly_name": "Support"})
    assert "does not exist in this account" in str(caught.value)
    assert "deleted outside Pulumi" not in str(caught.value)
    assert writes(emulator) == []


def test_a_commit_message_may_span_lines_but_holds_no_other_control_character() -> None:
    provider = configured(StudioFlowProvider())
    assert provider.check({}, {**FLOW, "commit_message": "Release 4\n\n- VIP routing"}).failures == []
    failures = provider.check({}, {**FLOW, "commit_message": "Release\x074"}).failures
    assert [(f.property, "U+0007" in f.reason) for f in failures] == [("commit_message", True)]
