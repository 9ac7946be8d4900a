"""Provider calls against the emulator: errors for humans, numbers never bought, adoption by SID."""

import json
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from components.providers.base import TwilioProviderError
from components.providers.taskrouter import ActivityProvider, WorkflowProvider, WorkspaceProvider
from components.providers.triggers import PhoneNumberBindingProvider
from components.providers.twilio_api import ACCOUNT_SID_KEY, API_BASE_URL_KEY, AUTH_TOKEN_KEY
from tests.providers.support import client, connected, flex_workspace_sid


def test_twilio_errors_name_the_resource_and_carry_code_and_message(emulator: Any) -> None:
    workspace_sid = flex_workspace_sid(emulator)
    provider = connected(WorkflowProvider(), emulator)
    config = json.dumps({"task_routing": {"default_filter": {"queue": "WQ" + "0" * 32}}})
    with pytest.raises(TwilioProviderError) as caught:
        provider.create({"workspace_sid": workspace_sid, "friendly_name": "VIP routing", "configuration": config})
    message = str(caught.value)
    assert message.startswith("Workflow 'VIP routing': create failed: Twilio error 20001 (HTTP 400):")
    assert "WQ" + "0" * 32 in message


def test_binding_never_buys_a_number_it_cannot_find(emulator: Any) -> None:
    provider = connected(PhoneNumberBindingProvider(), emulator)
    with pytest.raises(TwilioProviderError, match=r"never buys numbers: the local emulator at http://127\.0\.0\.1:\d+ "
                       r"owns the numbers its stack file .* listed when it started: restart `make emulator` after "
                       r"adding one, or remove it from the stack file\.$"):
        provider.create({"phone_number": "+15005550099", "webhook_url": "https://x", "voice": True, "messaging": False})
    assert not [r for r in emulator.requests() if r["method"] == "POST"]


def test_an_object_adopted_by_sid_is_released_as_it_was_found(emulator: Any) -> None:
    workspace_sid = flex_workspace_sid(emulator)
    provider = connected(WorkspaceProvider(), emulator)
    created = provider.create({"friendly_name": "Renamed by us", "adopt_sid": workspace_sid})
    assert created.id == workspace_sid
    outs = created.outs or {}
    assert outs["adopted"] is True
    workspaces = client(emulator).taskrouter.v1.workspaces
    assert workspaces(workspace_sid).fetch().friendly_name == "Renamed by us"
    provider.delete(created.id, outs)
    assert workspaces(workspace_sid).fetch().friendly_name == "Flex Task Assignment"


def test_adopting_an_activity_with_other_availability_explains_the_fix(emulator: Any) -> None:
    workspace_sid = flex_workspace_sid(emulator)
    provider = connected(ActivityProvider(), emulator)
    with pytest.raises(TwilioProviderError, match="Twilio cannot change that; rename this activity"):
        provider.create({"workspace_sid": workspace_sid, "friendly_name": "Offline", "available": True})


def test_bad_credentials_are_explained(emulator: Any) -> None:
    provider = WorkspaceProvider()
    config = {ACCOUNT_SID_KEY: emulator.account_sid, AUTH_TOKEN_KEY: "wrong", API_BASE_URL_KEY: emulator.base_url}
    provider.configure(ConfigureRequest(Config(config, "flex-pre-agent")))
    with pytest.raises(TwilioProviderError, match=r"Twilio error 20003(.|\n)*fix: check the credentials"):
        provider.create({"friendly_name": "x"})
