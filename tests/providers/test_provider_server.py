"""Through the SDK's own provider server (``python -m pulumi.dynamic``), as the real engine drives it."""

import base64
import pickletools
from pathlib import Path
from typing import Any

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime.proto import provider_pb2

from components.providers.base import TwilioProvider
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from tests.emulator.support import MINIMAL_FLOW, EmulatorHandle
from tests.providers.support import client, from_struct, provider_server, struct

UNKNOWN = Unknown()  # type: ignore[no-untyped-call]
ACCOUNT = "AC" + "1" * 32
# The state contract: every resource in state names its provider by module and class.
PROVIDERS: list[tuple[type[TwilioProvider], str, str]] = [
    (StudioFlowProvider, "components.providers.studio", "StudioFlowProvider"),
    (WorkspaceProvider, "components.providers.taskrouter", "WorkspaceProvider"),
    (ActivityProvider, "components.providers.taskrouter", "ActivityProvider"),
    (TaskChannelProvider, "components.providers.taskrouter", "TaskChannelProvider"),
    (TaskQueueProvider, "components.providers.taskrouter", "TaskQueueProvider"),
    (WorkflowProvider, "components.providers.taskrouter", "WorkflowProvider"),
    (PhoneNumberBindingProvider, "components.providers.triggers", "PhoneNumberBindingProvider"),
    (ConversationsAddressProvider, "components.providers.triggers", "ConversationsAddressProvider"),
]


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:local::flex-pre-agent::pulumi-python:dynamic/twilio:{kind}::{name}"


@pytest.mark.parametrize(("cls", "module", "name"), PROVIDERS, ids=[p[2] for p in PROVIDERS])
def test_the_pickled_provider_names_its_exact_module_and_class(
    cls: type[TwilioProvider], module: str, name: str
) -> None:
    blob = base64.b64decode(serialize_provider(cls()))
    strings = [arg for op, arg, _ in pickletools.genops(blob) if op.name == "SHORT_BINUNICODE"]
    assert strings == [module, name]
    assert type(dill.loads(blob)) is cls


def test_check_and_diff_with_unknowns_need_no_credentials_and_never_replace(tmp_path: Path) -> None:
    blob = serialize_provider(TaskQueueProvider())
    config = {"flex-pre-agent:accountSid": ACCOUNT}  # no credentials anywhere: a call would fail
    env = {"TWILIO_AUTH_TOKEN": "", "TWILIO_API_KEY": ""}
    with provider_server(config, env, tmp_path / "server.log") as server:
        news = {"__provider": blob, "workspace_sid": UNKNOWN, "friendly_name": UNKNOWN, "max_reserved_workers": 2}
        checked = server.Check(provider_pb2.CheckRequest(urn=urn("TaskQueue", "q"), olds=struct({}), news=struct(news)))
        assert list(checked.failures) == []
        olds = {"__provider": blob, "workspace_sid": "WS" + "a" * 32, "friendly_name": "Support",
                "max_reserved_workers": 2, "sid": "WQ1", "account_sid": ACCOUNT}
        diff = server.Diff(provider_pb2.DiffRequest(id="WQ1", urn=urn("TaskQueue", "q"), olds=struct(olds),
                                                    news=checked.inputs))
        # "Unknown": the engine diffs the inputs itself and so knows which changed (replace_on_changes).
        assert diff.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN
        assert list(diff.replaces) == []
        moved = {**olds, "workspace_sid": "WS" + "b" * 32}
        diff = server.Diff(provider_pb2.DiffRequest(id="WQ1", urn=urn("TaskQueue", "q"), olds=struct(olds),
                                                    news=struct(moved)))
        assert (list(diff.replaces), diff.deleteBeforeReplace) == (["workspace_sid"], True)


def test_an_adopted_address_created_and_destroyed_over_the_wire_is_restored(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    flows = client(emulator).studio.v2.flows
    old_flow = flows.create(friendly_name="Old", status="published", definition=MINIMAL_FLOW).sid
    new_flow = flows.create(friendly_name="New", status="published", definition=MINIMAL_FLOW).sid
    addresses = client(emulator).conversations.v1.address_configurations
    address = addresses.create(type="sms", address=emulator.phone_numbers[1], auto_creation_enabled=True,
                               auto_creation_type="studio", auto_creation_studio_flow_sid=old_flow,
                               auto_creation_studio_retry_count=3)
    config = {"flex-pre-agent:accountSid": emulator.account_sid, "flex-pre-agent:authToken": emulator.auth_token,
              "flex-pre-agent:apiBaseUrl": emulator.base_url}
    props: dict[str, Any] = {"__provider": serialize_provider(ConversationsAddressProvider()),
                             "address": emulator.phone_numbers[1], "address_type": "sms", "flow_sid": new_flow,
                             "retry_count": 1}
    with provider_server(config, {}, tmp_path / "server.log") as server:
        name = urn("ConversationsAddress", "sms")
        created = server.Create(provider_pb2.CreateRequest(urn=name, properties=struct(props)))
        state = from_struct(created.properties)
        assert state["adopted"] is True
        assert state["previous"]["auto_creation"]["studio_retry_count"] == 3.0  # a float, as state keeps it
        server.Delete(provider_pb2.DeleteRequest(id=created.id, urn=name, properties=created.properties))
    auto = addresses(address.sid).fetch().auto_creation
    assert (auto["studio_flow_sid"], auto["studio_retry_count"]) == (old_flow, 3)
