"""Helpers for provider tests: a configured provider, a client on the emulator, faults, the gRPC wire."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components.providers.base import TwilioProvider
from components.providers.twilio_api import ACCOUNT_SID_KEY, API_BASE_URL_KEY, AUTH_TOKEN_KEY
from components.providers.twilio_http import make_client
from tests.emulator.support import EmulatorHandle

ROOT = Path(__file__).resolve().parents[2]
P = TypeVar("P", bound=TwilioProvider)


def connected(provider: P, emulator: EmulatorHandle, **config: str) -> P:
    """The provider configured as the engine would for a stack on the emulator (token unless overridden)."""
    values = {ACCOUNT_SID_KEY: emulator.account_sid, AUTH_TOKEN_KEY: emulator.auth_token, **config}
    provider.configure(ConfigureRequest(Config({**values, API_BASE_URL_KEY: emulator.base_url}, "flex-pre-agent")))
    return provider


def client(emulator: EmulatorHandle) -> Any:
    """A twilio Client on the emulator, to look at what the providers did."""
    return make_client(emulator.account_sid, emulator.account_sid, emulator.auth_token, emulator.base_url)


def flex_workspace_sid(emulator: EmulatorHandle) -> str:
    workspaces = client(emulator).taskrouter.v1.workspaces.list()
    return str(next(w.sid for w in workspaces if w.friendly_name == "Flex Task Assignment"))


def through_the_wire(props: Mapping[str, Any]) -> dict[str, Any]:
    """Props as they come back from state: through a protobuf Struct, numbers become floats."""
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return dict(json_format.MessageToDict(struct))


def fault_first(emulator: EmulatorHandle, kind: str, method: str, path: str) -> None:
    """Make exactly the first request matching ``method`` and regex ``path`` get fault ``kind``."""
    emulator.set_faults({"rate": 1.0, "limit": 1, "kinds": [kind], "methods": [method], "path": path})


def writes(emulator: EmulatorHandle, method: str = "POST") -> list[dict[str, Any]]:
    """The emulator's logged requests of one method."""
    return [r for r in emulator.requests() if r["method"] == method]


# ---- the SDK's own provider server (python -m pulumi.dynamic), as the engine runs it ----------------


def struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Props on the wire: unknowns as the engine's sentinel string."""
    value = struct_pb2.Struct()
    value.update({key: rpc.UNKNOWN if type(v).__name__ == "Unknown" else v for key, v in props.items()})
    return value


def from_struct(value: struct_pb2.Struct) -> dict[str, Any]:
    return dict(json_format.MessageToDict(value))


@contextmanager
def provider_server(
    config: Mapping[str, str], env: Mapping[str, str], log: Path
) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """Spawn ``python -m pulumi.dynamic`` in the project directory, read its port, Configure it."""
    environment = {"PATH": "/usr/bin:/bin", "PULUMI_PROJECT": "flex-pre-agent", **env}
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"], cwd=ROOT, env=environment,
            stdout=subprocess.PIPE, stderr=stderr,
        )
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())  # the server's first line is its port
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                grpc.channel_ready_future(channel).result(timeout=30)
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                stub.Configure(provider_pb2.ConfigureRequest(args=struct(dict(config))))
                yield stub
        finally:
            process.terminate()
            process.wait(timeout=15)
            if process.stdout is not None:
                process.stdout.close()
