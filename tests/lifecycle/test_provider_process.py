"""The SDK's provider server runs four calls at once on one provider instance: they must not interfere."""

import base64
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from components.providers.taskrouter import TaskQueueProvider
from flexctl.local_engine import ProviderServer, from_struct, provider_server, to_struct
from tests.lifecycle.conftest import ROOT
from tests.providers.test_against_emulator import flex_workspace

BLOB = serialize_provider(TaskQueueProvider())


@pytest.fixture
def server(emulator: Any, tmp_path: Path) -> Iterator[ProviderServer]:
    config = {"flex-pre-agent:accountSid": emulator.account_sid, "flex-pre-agent:authToken": emulator.auth_token}
    env = {"TWILIO_API_BASE_URL": emulator.base_url, "PULUMI_PROJECT": "flex-pre-agent"}
    with provider_server(ROOT, env, config, tmp_path / "provider.log") as running:
        yield running


def test_concurrent_creates_through_the_provider_process_all_land(server: ProviderServer, emulator: Any) -> None:
    workspace = flex_workspace(emulator).sid

    def create(index: int) -> str:
        props = {"__provider": BLOB, "workspace_sid": workspace, "friendly_name": f"Queue {index}"}
        urn = f"urn:pulumi:local::flex-pre-agent::pulumi-python:dynamic/twilio:TaskQueue::q{index}"
        response = server.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=to_struct(props)))
        return str(response.id)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sids = list(pool.map(create, range(16)))

    assert len(set(sids)) == 16
    assert all(sid.startswith("WQ") for sid in sids)


def test_check_and_diff_with_unknowns_need_no_credentials(tmp_path: Path) -> None:
    config = {"flex-pre-agent:accountSid": "AC" + "1" * 32}  # no token anywhere: a call would fail
    with provider_server(ROOT, {"TWILIO_AUTH_TOKEN": "", "TWILIO_API_KEY": ""}, config, tmp_path / "p.log") as server:
        unknown = Unknown()  # type: ignore[no-untyped-call]
        news = {"__provider": BLOB, "workspace_sid": unknown, "friendly_name": "VIP", "max_reserved_workers": 2}
        urn = "urn:pulumi:local::flex-pre-agent::pulumi-python:dynamic/twilio:TaskQueue::vip"
        checked = server.stub.Check(provider_pb2.CheckRequest(urn=urn, olds=to_struct({}), news=to_struct(news)))
        assert list(checked.failures) == []
        assert from_struct(checked.inputs)["workspace_sid"] == rpc.UNKNOWN
        olds = {**news, "workspace_sid": "WS1", "sid": "WQ1", "account_sid": "AC" + "1" * 32}
        diff = server.stub.Diff(provider_pb2.DiffRequest(id="WQ1", urn=urn, olds=to_struct(olds), news=checked.inputs))
        assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME
        assert list(diff.replaces) == ["workspace_sid"]


def test_the_serialized_provider_names_an_importable_class() -> None:
    assert b"components.providers.taskrouter" in base64.b64decode(BLOB)
