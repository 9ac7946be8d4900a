"""The Pulumi engine: the real CLI, driven through the SDK's Automation API (`pulumi.automation`).

`tools/pulumi/build.sh` builds (once) or finds the CLI at the SDK's pinned version; this module runs it
offline on a project directory: a file backend, the passphrase secrets provider, no update check and no
plugin downloads. Every command reports what it did to each resource as ``Outcome.steps``.

Each CLI run costs a third of a second or more (the CLI's start, the passphrase's key), so the CLI runs the SDK
adds and nobody uses are left out: `pulumi version` runs once per process, a new stack is made by `stack init`
alone, several config keys are set in one run, the state and outputs are read again only once the state file
changed, and `up`, `refresh` and `destroy` are not followed by the SDK's `stack history` and `stack output`.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi import automation as auto
from pulumi.automation._stack import ImportResource, StackInitMode

if TYPE_CHECKING:
    from flexctl.recovery import Recovery

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "tools" / "pulumi" / "build.sh"
POLICY_PACK = ROOT / "policy"  # `pulumi preview --policy-pack policy`: the project's safety rules
# The local stack holds no real secret (the emulator's token at most), so its passphrase is well known.
# Real stacks bring their own (PULUMI_CONFIG_PASSPHRASE) or a cloud secrets provider.
LOCAL_PASSPHRASE = "flex-pre-agent-local"
OFFLINE_ENV = {
    "PULUMI_SKIP_UPDATE_CHECK": "true",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
}
_PREVIEW_OPTIONS = ("target", "replace", "expect_no_changes", "refresh")
# The order in which one resource's steps tell what happened to it, the most telling first.
_OP_RANK = ("replace", "create-replacement", "delete-replaced", "create", "update", "delete", "read", "refresh")
T = TypeVar("T")


# Upstream failures whose own message does not say what to do: the sign in the CLI's output, and the help.
UPSTREAM_HELP = {
    "KeyError: '__provider'": (
        "`pulumi import` cannot take over an object through a Python dynamic provider: Pulumi calls Read "
        "without the pickled provider (pulumi/pulumi#16175). Declare the object in the program instead: "
        "TaskRouter objects are adopted by name or by `adopt_sid`, phone numbers by their E.164 number, and "
        "Conversations addresses by their address; adopted objects are restored, never deleted, on destroy."
    ),
}


def explain(output: str) -> str:
    """The CLI's output, followed by our help for each upstream failure it shows."""
    hints = [help_ for sign, help_ in UPSTREAM_HELP.items() if sign in output]
    return "\n\n".join([output, *hints])


class EngineUnavailable(RuntimeError):
    """The Pulumi CLI is neither built nor on PATH; the message says what to install."""


class EngineError(RuntimeError):
    """A Pulumi command failed; the message is what the CLI printed about it."""


def engine_bin() -> Path:
    """The directory holding the CLI and its Python plugins, built once (a no-op when cached)."""
    done = subprocess.run(["bash", str(BUILD_SCRIPT)], capture_output=True, text=True, check=False)
    if done.returncode:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "tools/pulumi/build.sh failed"
        raise EngineUnavailable(reason)
    return Path(done.stdout.strip().splitlines()[-1])


@cache
def _command(bin_dir: Path) -> auto.PulumiCommand:
    """The CLI in ``bin_dir``, its version checked once per process (the SDK runs `pulumi version` for each)."""
    return auto.PulumiCommand(root=str(bin_dir.parent))


_NOT_READ = auto.UpdateSummary(kind="", start_time=datetime.min, message="", environment={}, config={}, result="")


class _Stack(auto.Stack):
    """The SDK's stack, whose `up`, `refresh` and `destroy` can leave out what the SDK reads back after them.

    For the result object it returns, the SDK follows each with `pulumi stack history`, and `up` with `pulumi
    stack output` twice: a CLI run each (a third of a second: the CLI's start, the passphrase's key), whose
    result Engine does not use. It reports what happened from the engine's events and reads outputs when asked.
    """

    reading_back = True

    def outputs(self) -> auto.OutputMap:
        return super().outputs() if self.reading_back else {}

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        return super().info(show_secrets) if self.reading_back else _NOT_READ


@dataclass
class Outcome:
    """What one command did: resource name -> step ("create", "update", "same", ...), the inputs that
    differ for each changed resource, and the CLI's output."""

    steps: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, list[str]] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    def changed(self) -> dict[str, str]:
        """Only the resources something happened to."""
        return {name: op for name, op in self.steps.items() if op not in {"same", "refresh", "read"}}

    def record(self, event: auto.EngineEvent) -> None:
        pre, done = event.resource_pre_event, event.res_outputs_event
        meta = pre.metadata if pre is not None else done.metadata if done is not None else None
        if meta is None or meta.type == "pulumi:pulumi:Stack" or meta.type.startswith("pulumi:providers:"):
            return  # the default provider "updates" whenever any stack config changes: not a resource
        name = meta.urn.rsplit("::", 1)[-1]
        op = meta.op.value if hasattr(meta.op, "value") else str(meta.op)
        if done is not None:
            # A refresh announces "refresh" and reports "update" when the live object differs.
            if self.steps.get(name) == "refresh" and op == "update":
                self.steps[name] = "drift"
            return
        previous = self.steps.get(name)
        if previous is None or _rank(op) < _rank(previous):
            self.steps[name] = op
        if meta.diffs:
            self.diffs[name] = sorted(set(self.diffs.get(name, [])) | set(meta.diffs))


def _rank(op: str) -> int:
    return _OP_RANK.index(op) if op in _OP_RANK else (-1 if op == "drift" else len(_OP_RANK))


class Engine:
    """One stack of one project, on a file backend in ``state_dir``."""

    def __init__(
        self,
        project_dir: Path,
        stack: str,
        state_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        passphrase: str = LOCAL_PASSPHRASE,
    ) -> None:
        self.project_dir = project_dir
        self.bin = engine_bin()
        state_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **OFFLINE_ENV,
            "PULUMI_BACKEND_URL": (state_dir / "backend").resolve().as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": passphrase,
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            **(env or {}),
        }
        (state_dir / "backend").mkdir(exist_ok=True)
        workspace = auto.LocalWorkspace(
            work_dir=str(project_dir),
            pulumi_home=str((state_dir / "home").resolve()),
            env_vars=self.env,
            secrets_provider="passphrase",
            pulumi_command=_command(self.bin),
        )
        # What the CLI read last, by the state file it read it from: (state, value) by command.
        self._reads: dict[str, tuple[str, Any]] = {}
        # `pulumi stack select`, or `stack init` for a stack the backend has no file of (one CLI run, not two).
        known = self._state_file(workspace, stack).exists()
        try:
            self.stack = _Stack(stack, workspace, StackInitMode.SELECT if known else StackInitMode.CREATE)
        except auto.StackAlreadyExistsError:
            self.stack = _Stack(stack, workspace, StackInitMode.SELECT)
        except auto.CommandError as error:
            raise EngineError(str(error)) from None

    # ---- the commands users run -----------------------------------------------------------------

    def preview(self, **options: Any) -> Outcome:
        self.check_stack_file()
        return self._run(self.stack.preview, **options)

    def up(self, *, preview_first: bool = False, **options: Any) -> Outcome:
        """`pulumi up --yes`; the Automation API skips the CLI's preview unless ``preview_first``.

        With it, as `pulumi up` does by default, a check that fails in the preview stops the update
        before anything is sent; without it, independent resources go ahead while one fails.
        """
        self.check_stack_file()
        self.recover_if_interrupted()
        if preview_first:
            self.preview(**{k: v for k, v in options.items() if k in _PREVIEW_OPTIONS})
        return self._run(self.stack.up, **options)

    def refresh(self, *, preview_only: bool = False, **options: Any) -> Outcome:
        if preview_only:
            return self._run(self.stack.preview_refresh, **options)
        return self._run(self.stack.refresh, **options)

    def destroy(self, **options: Any) -> Outcome:
        self.recover_if_interrupted()  # a create left pending would otherwise be orphaned by destroy
        return self._run(self.stack.destroy, **options)

    def check_stack_file(self) -> None:
        """Refuse, before the CLI reads it, a stack file too big or full of aliases, or an oversized value.

        The engine would otherwise pass a 10 MB value on until its gRPC limit speaks; the program's own
        settings check names the key and the limit for what gets through (components.settings).
        """
        from components.settings import MAX_VALUE_BYTES, StackSettingsError, read_yaml, value_size

        path = self.project_dir / f"Pulumi.{self.stack.name}.yaml"
        try:
            config = read_yaml(path).get("config") or {} if path.exists() else {}
        except StackSettingsError as error:
            raise EngineError(f"{error}; nothing was deployed") from None
        for key, value in config.items() if isinstance(config, dict) else ():
            if value_size(value) > MAX_VALUE_BYTES:
                raise EngineError(
                    f"{path}: {key} is {value_size(value):,} bytes; a config value may be at most "
                    f"{MAX_VALUE_BYTES:,} bytes (64 KiB): check that it is the value you meant; nothing was deployed"
                )

    # ---- after an interrupted run (flexctl.recovery) ----------------------------------------------

    def recover_if_interrupted(self, say: Callable[[str], None] = print) -> Recovery | None:
        """Resolve the creates an interrupted run left pending (never create them again); None if there were none."""
        if '"creating"' not in self._state_text():  # the file backend's state, read without a CLI call
            return None
        return self.recover(say)

    def recover(self, say: Callable[[str], None] = print) -> Recovery:
        """`python -m flexctl recover` on this stack: import what each pending create made, clear the rest."""
        from flexctl.recovery import config_values, recover

        try:
            return recover(
                self.stack.name, self.export, lambda: config_values(self.stack.get_all_config()), self.import_state,
                say, environ={**os.environ, **self.env},
            )
        except auto.CommandError as error:
            raise EngineError(explain(str(error)) + self._interrupted_hint(str(error))) from None

    def _state_file(self, workspace: auto.Workspace, stack: str) -> Path:
        """Where the file backend keeps the stack's state (its checkpoint)."""
        backend = Path(self.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
        return backend / ".pulumi" / "stacks" / workspace.project_settings().name / f"{stack}.json"

    def _state_text(self) -> str:
        try:
            return self._state_file(self.stack.workspace, self.stack.name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def _read(self, what: str, read: Callable[[], T]) -> T:
        """``read()`` (a CLI run), or a copy of what it gave while the state file was as it is now."""
        state = self._state_text()
        if not state or self._reads.get(what, ("", None))[0] != state:
            value = read()
            if not state:
                return value
            self._reads[what] = (state, value)
        return copy.deepcopy(self._reads[what][1])  # type: ignore[no-any-return]

    def start(self, *args: str) -> subprocess.Popen[str]:
        """The CLI running in the background (a test that kills it midway): ``pulumi ARGS --non-interactive``."""
        command = [str(self.bin / "pulumi"), *args, "--non-interactive"]
        env = {**os.environ, **self.env, "PULUMI_HOME": self.stack.workspace.pulumi_home or ""}
        return subprocess.Popen(
            command, cwd=self.project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def import_resource(self, type_: str, name: str, id_: str) -> None:
        """`pulumi import TYPE NAME ID`: refused for our dynamic resources, with the help that says why."""
        resource: ImportResource = {"type": type_, "name": name, "id": id_}
        try:
            self.stack.import_resources(resources=[resource], generate_code=False)
        except auto.CommandError as error:
            raise EngineError(explain(str(error))) from None

    def cli(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run the CLI itself, as a user would type it (e.g. ``pulumi import`` or ``--cwd``)."""
        command = [str(self.bin / "pulumi"), *args, "--non-interactive"]
        env = {**os.environ, **self.env, "PULUMI_HOME": self.stack.workspace.pulumi_home or ""}
        return subprocess.run(
            command, cwd=cwd or self.project_dir, env=env, capture_output=True, text=True, check=False
        )

    # ---- config and state ------------------------------------------------------------------------

    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None:
        """`pulumi config set`; a list or mapping keeps its types."""
        self.set_configs({key: value}, secret=secret)

    def set_configs(self, values: Mapping[str, Any], *, secret: bool = False) -> None:
        """`pulumi config set-all --json`: every key in one CLI run; a list or mapping keeps its types."""
        entries = {}
        for key, value in values.items():
            if isinstance(value, (list, dict)):
                entries[key] = {"value": json.dumps(value), "objectValue": value, "secret": secret}
            else:
                text = ("true" if value else "false") if isinstance(value, bool) else str(value)
                entries[key] = {"value": text, "secret": secret}
        if entries:
            self.stack.set_all_config_json(json.dumps(entries))

    def outputs(self) -> dict[str, Any]:
        """`pulumi stack output`: the stack's outputs, secrets shown."""
        return self._read("outputs", lambda: {key: value.value for key, value in self.stack.outputs().items()})

    def export(self) -> dict[str, Any]:
        """`pulumi stack export`: the deployment (resources with inputs and outputs)."""
        return self._read("export", lambda: dict(self.stack.export_stack().deployment or {}))

    def resources(self) -> list[dict[str, Any]]:
        """The state's resources, without the stack and the default provider."""
        return [
            r
            for r in self.export().get("resources", [])
            if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:")
        ]

    def state_of(self, name: str) -> dict[str, Any]:
        """One resource's state (outputs) by its name."""
        return next(r for r in self.resources() if r["urn"].rsplit("::", 1)[-1] == name)

    def import_state(self, deployment: Mapping[str, Any]) -> None:
        self.stack.import_stack(auto.Deployment(version=3, deployment=dict(deployment)))

    def _run(self, command: Any, **options: Any) -> Outcome:
        outcome = Outcome()
        self.stack.reading_back = False
        try:
            command(on_event=outcome.record, on_output=outcome.output.append, color="never", **options)
        except auto.CommandError as error:
            raise EngineError(explain(str(error)) + self._interrupted_hint(str(error))) from None
        finally:
            self.stack.reading_back = True
        return outcome

    def _interrupted_hint(self, output: str) -> str:
        """Where to turn when a run was interrupted before (a lock left, or creates left pending)."""
        if "currently locked" not in output and '"creating"' not in self._state_text():
            return ""
        return (f"\n\nAn interrupted run of stack {self.stack.name} left its lock or pending creates: if no run is in "
                f"progress, `pulumi cancel --stack {self.stack.name}`, then `python -m flexctl recover --stack "
                f"{self.stack.name}` (README.md, \"After an interrupted run\").")
