"""Our Python language host for the Pulumi CLI (the `pulumi-language-python` plugin).

Pulumi's own host is a Go module that the module proxy here does not serve (see README, "The Pulumi
engine"), so this is a small one of our own, written from the plugin protocol: the CLI starts it with the
engine's address as the last argument, reads the port it listens on from the first line of stdout, and
calls the LanguageRuntime service over gRPC. ``Run`` starts the program runner (installed beside this file
as ``pulumi-language-python-exec``) with the project's virtualenv Python, exactly as Pulumi's host does.

It needs only the ``pulumi`` SDK (for the generated gRPC stubs); ``tools/pulumi/build.sh`` gives it a
virtualenv of its own, pinned by requirements.txt.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "pulumi-language-python-exec"
BAIL_EXIT_CODE = 32  # the runner already reported the error through the engine


def program_python(info: Any) -> tuple[str, dict[str, str]]:
    """The interpreter for a program and the environment to run it in: its virtualenv when one is set."""
    options: Mapping[str, Any] = json_format.MessageToDict(info.options) if info.HasField("options") else {}
    env = {key: value for key, value in os.environ.items() if key != "PYTHONHOME"}
    venv_option = options.get("virtualenv") or options.get("virtualEnv")
    if not venv_option:
        return env.get("PULUMI_PYTHON_CMD") or "python3", env
    venv = Path(info.root_directory or ".", str(venv_option)).resolve()
    python = venv / "bin" / "python"
    if not python.exists():
        raise RuntimeError(
            f"The 'virtualenv' option in Pulumi.yaml is set to {venv_option!r}, but {venv} is not a virtual "
            f"environment. Create it (from the project: `make .venv/.installed`, or `pulumi install`)."
        )
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return str(python), env


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):  # method names are gRPC's
    """The LanguageRuntime calls the CLI makes for `preview`, `up`, `refresh` and `destroy`."""

    def __init__(self, engine_address: str) -> None:
        self.engine_address = engine_address
        self.version = _sdk_version()

    def Handshake(self, request: Any, context: Any) -> Any:
        self.engine_address = request.engine_address or self.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=self.version)

    def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
        # Dynamic providers need only the bundled pulumi-python plugin, which the CLI finds on PATH.
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request: Any, context: Any) -> Any:
        return language_pb2.GetRequiredPackagesResponse()

    def GetProgramDependencies(self, request: Any, context: Any) -> Any:
        return language_pb2.GetProgramDependenciesResponse()

    def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:
        return language_pb2.RuntimeOptionsResponse()

    def About(self, request: Any, context: Any) -> Any:
        try:
            python, _ = program_python(request.info)
        except RuntimeError:
            python = sys.executable
        return language_pb2.AboutResponse(executable=python, version=sys.version.split()[0])

    def InstallDependencies(self, request: Any, context: Any) -> Iterator[Any]:
        """`pulumi install`: create the virtualenv and install the project's pinned requirements."""
        info = request.info
        options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
        root = Path(info.root_directory or request.directory or ".")
        venv = root / str(options.get("virtualenv") or ".venv")
        commands = [[sys.executable, "-m", "venv", str(venv)]] if not (venv / "bin" / "python").exists() else []
        requirements = root / "requirements.txt"
        if requirements.exists():
            commands.append([str(venv / "bin" / "python"), "-m", "pip", "install", "-r", str(requirements)])
        for command in commands:
            done = subprocess.run(command, capture_output=True, check=False)
            yield language_pb2.InstallDependenciesResponse(stdout=done.stdout, stderr=done.stderr)
            if done.returncode:
                context.abort(grpc.StatusCode.UNKNOWN, f"{' '.join(command)} exited with {done.returncode}")

    def Run(self, request: Any, context: Any) -> Any:
        try:
            python, env = program_python(request.info)
        except RuntimeError as error:
            return language_pb2.RunResponse(error=str(error))
        env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        flags = {
            "monitor": request.monitor_address,
            "engine": self.engine_address,
            "project": request.project,
            "root_directory": request.info.root_directory,
            "stack": request.stack,
            "pwd": request.pwd,
            "dry_run": "true" if request.dryRun else "false",
            "parallel": str(request.parallel),
            "organization": request.organization,
        }
        command = [python, "-u", str(RUNNER)]
        command += [f"--{name}={value}" for name, value in flags.items() if value]
        command += [request.program or request.info.entry_point or ".", *request.args]
        # The program's output goes where ours goes: the CLI shows both streams.
        code = subprocess.run(command, env=env, cwd=request.pwd or None, check=False).returncode
        if code == 0:
            return language_pb2.RunResponse()
        if code == BAIL_EXIT_CODE:
            return language_pb2.RunResponse(bail=True)
        return language_pb2.RunResponse(error=f"the Python program exited with code {code}")

    def Cancel(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


def _sdk_version() -> str:
    from importlib.metadata import version

    return version("pulumi")


def main(argv: list[str]) -> int:
    positional = [arg for arg in argv if not arg.startswith("-")]
    engine_address = positional[-1] if positional else ""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)  # the CLI reads the port from our first line of stdout
    # The CLI stops its plugins with a signal when the command ends: a normal exit, not an error to show.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: server.stop(grace=None))
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
