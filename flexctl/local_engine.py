"""A small stand-in for the Pulumi engine, for machines without the Pulumi CLI.

It runs a Pulumi program with the SDK's mock monitor as the resource monitor, and for every dynamic
resource the program registers it drives the SDK's own provider server (``python -m pulumi.dynamic``,
spawned exactly as the engine spawns it) through Check, Diff, Create, Update, Read and Delete, in the
engine's order, feeding real outputs back to the program. State lives in memory (and optionally in a
JSON file). This is what the lifecycle tests and ``flexctl demo`` use; with the CLI, use ``pulumi up``.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import grpc
import pulumi
import pulumi.runtime
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components.providers.base import canonical

PROVIDER_KEY = "__provider"
DYNAMIC_PREFIX = "pulumi-python:dynamic"

Op = Literal["create", "update", "same", "replace", "delete", "read", "drift", "gone"]


class EngineError(RuntimeError):
    """A provider call or the program failed; the message says which resource and why."""


@dataclass
class ResourceState:
    """What the engine remembers of one resource between runs."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One thing the engine did (or, in a preview, would do) to one resource."""

    op: Op
    urn: str
    detail: tuple[str, ...] = ()

    def __str__(self) -> str:
        suffix = f" ({', '.join(self.detail)})" if self.detail else ""
        return f"{self.op:8} {self.urn.rsplit('::', 1)[-1]}{suffix}"


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Properties as the engine sends them: unknowns as the wire sentinel, numbers as floats."""
    struct = struct_pb2.Struct()
    struct.update({key: _wire(value) for key, value in props.items()})
    return struct


def _wire(value: Any) -> Any:
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {key: _wire(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    return value


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result


class ProviderServer:
    """The SDK's dynamic provider process, spoken to over gRPC exactly as the engine does."""

    def __init__(self, cwd: Path, env: Mapping[str, str], log: Path) -> None:
        self._log: IO[bytes] = log.open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # the server prints its port once it listens
        if not line.strip().isdigit():
            self.close()
            raise EngineError(f"the dynamic provider server did not start; see {log}")
        self._channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
        grpc.channel_ready_future(self._channel).result(timeout=60)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self.stub.GetPluginInfo(empty_pb2.Empty())

    def configure(self, config: Mapping[str, Any]) -> None:
        self.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)))

    def close(self) -> None:
        if hasattr(self, "_channel"):
            self._channel.close()
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._log.close()


@dataclass
class LocalEngine:
    """Runs one stack of a Pulumi program against a provider server; keeps its state."""

    program: Path
    project: str
    stack: str
    config: dict[str, str]
    provider: ProviderServer
    state: dict[str, ResourceState] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()

    # ---- operations ----------------------------------------------------------------------------

    def up(self, preview: bool = False) -> list[Step]:
        """Run the program and make the world match it (or, with ``preview``, only say what would change)."""
        run = _Run(self, preview)
        self._run_program(run)
        registered = set(run.seen)
        for urn in reversed(list(self.state)):
            if urn not in registered:
                if not preview:
                    self._delete(self.state[urn])
                run.steps.append(Step("delete", urn))
        return run.steps

    def refresh(self) -> list[Step]:
        """Read every resource from the live service; report and record what changed outside Pulumi."""
        steps = []
        for urn, resource in list(self.state.items()):
            request = provider_pb2.ReadRequest(
                id=resource.id, urn=urn, properties=to_struct(resource.outputs), inputs=to_struct(resource.inputs)
            )
            response = self._call(urn, self.provider.stub.Read, request)
            if not response.id:
                del self.state[urn]
                steps.append(Step("gone", urn))
                continue
            outputs = from_struct(response.properties)
            inputs = from_struct(response.inputs) if response.HasField("inputs") else resource.inputs
            changed = sorted(
                key
                for key in set(outputs) | set(resource.outputs)
                if canonical(outputs.get(key)) != canonical(resource.outputs.get(key))
            )
            resource.outputs, resource.inputs = outputs, inputs
            steps.append(Step("drift" if changed else "read", urn, tuple(changed)))
        return steps

    def destroy(self) -> list[Step]:
        """Delete every resource, dependents first (the reverse of the order they were created in)."""
        steps = []
        for urn in reversed(list(self.state)):
            self._delete(self.state[urn])
            steps.append(Step("delete", urn))
        return steps

    # ---- internals -----------------------------------------------------------------------------

    def _run_program(self, run: _Run) -> None:
        pulumi.runtime.set_mocks(run, project=self.project, stack=self.stack, preview=run.preview)
        pulumi.runtime.set_all_config(dict(self.config), list(self.secret_keys))
        try:
            run_in_mock_runtime = pulumi.runtime.test(lambda: runpy.run_path(str(self.program), run_name="__main__"))  # type: ignore[no-untyped-call]
            run_in_mock_runtime()
        except Exception as error:
            if run.errors:
                raise run.errors[0] from error
            raise EngineError(f"the program {self.program} failed: {error}") from error
        if run.errors:
            raise run.errors[0]

    def urn(self, typ: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{typ}::{name}"

    def _delete(self, resource: ResourceState) -> None:
        request = provider_pb2.DeleteRequest(id=resource.id, urn=resource.urn, properties=to_struct(resource.outputs))
        self._call(resource.urn, self.provider.stub.Delete, request)
        self.state.pop(resource.urn, None)

    @staticmethod
    def _call(urn: str, method: Callable[[Any], Any], request: Any) -> Any:
        """One gRPC call to the provider server; a failure names the call, the resource and the message."""
        try:
            return method(request)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            name = type(request).__name__.removesuffix("Request")
            raise EngineError(f"{name} of {urn} failed:\n{_last_error_line(details)}") from None


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


def _last_error_line(details: str | None) -> str:
    """The provider server sends a whole traceback; people need the exception's message (all its lines)."""
    lines = (details or "").strip().splitlines()
    starts = [index for index, line in enumerate(lines) if _EXCEPTION_LINE.match(line)]
    return "\n".join(lines[starts[-1] :]) if starts else (lines[-1] if lines else "(no details)")


class _Run(pulumi.runtime.Mocks):
    """One program run: the mock monitor's callbacks become engine steps."""

    def __init__(self, engine: LocalEngine, preview: bool) -> None:
        self.engine = engine
        self.preview = preview
        self.steps: list[Step] = []
        self.seen: list[str] = []
        self.errors: list[Exception] = []
        self._lock = threading.Lock()

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise EngineError(f"the program called {args.token}; invokes are not supported by the local engine")

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom or not args.typ.startswith(DYNAMIC_PREFIX):
            return None, {}
        urn = self.engine.urn(args.typ, args.name)
        with self._lock:
            self.seen.append(urn)
        try:
            return self._apply(urn, args)
        except Exception as error:  # surfaced after the run: the SDK would only log it
            with self._lock:
                self.errors.append(error)
            raise

    def _apply(self, urn: str, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        engine, stub = self.engine, self.engine.provider.stub
        news = {key: _unwrap_secret(value) for key, value in args.inputs.items()}
        old = engine.state.get(urn)
        check = provider_pb2.CheckRequest(urn=urn, olds=to_struct(old.inputs if old else {}), news=to_struct(news))
        checked = LocalEngine._call(urn, stub.Check, check)
        if checked.failures:
            problems = "\n".join(f"  - {f.property}: {f.reason}" for f in checked.failures)
            raise EngineError(f"{urn.rsplit('::', 1)[-1]} has invalid inputs:\n{problems}")
        inputs = from_struct(checked.inputs)
        if old is None:
            return self._create(urn, args, inputs)
        diff_request = provider_pb2.DiffRequest(id=old.id, urn=urn, olds=to_struct(old.outputs), news=checked.inputs)
        diff = LocalEngine._call(urn, stub.Diff, diff_request)
        if diff.changes == provider_pb2.DiffResponse.DIFF_NONE:
            old.inputs = inputs
            self._record(Step("same", urn))
            return old.id, old.outputs
        if list(diff.replaces):
            if self.preview:
                self._record(Step("replace", urn, tuple(diff.replaces)))
                return None, inputs
            engine._delete(old)
            _id, outputs = self._create(urn, args, inputs, replacing=tuple(diff.replaces))
            return _id, outputs
        if self.preview:
            self._record(Step("update", urn))
            return old.id, {**old.outputs, **inputs}
        update = provider_pb2.UpdateRequest(id=old.id, urn=urn, olds=to_struct(old.outputs), news=checked.inputs)
        updated = LocalEngine._call(urn, stub.Update, update)
        old.inputs, old.outputs = inputs, from_struct(updated.properties)
        self._record(Step("update", urn))
        return old.id, old.outputs

    def _create(
        self, urn: str, args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any], replacing: tuple[str, ...] = ()
    ) -> tuple[str | None, dict[str, Any]]:
        step = Step("replace" if replacing else "create", urn, replacing)
        if self.preview:
            self._record(step)
            return None, inputs
        create = provider_pb2.CreateRequest(urn=urn, properties=to_struct(inputs))
        created = LocalEngine._call(urn, self.engine.provider.stub.Create, create)
        resource = ResourceState(urn, args.typ, args.name, created.id, inputs, from_struct(created.properties))
        with self._lock:
            self.engine.state[urn] = resource
        self._record(step)
        return resource.id, resource.outputs

    def _record(self, step: Step) -> None:
        with self._lock:
            self.steps.append(step)


def _unwrap_secret(value: Any) -> Any:
    return rpc.unwrap_rpc_secret(value) if isinstance(value, dict) else value


@contextmanager
def provider_server(
    cwd: Path, env: Mapping[str, str], config: Mapping[str, Any], log: Path
) -> Iterator[ProviderServer]:
    """Start the SDK's provider server, configure it with the stack config, and stop it afterwards."""
    server = ProviderServer(cwd, {**os.environ, **env}, log)
    try:
        server.configure(config)
        yield server
    finally:
        server.close()
