"""``flexctl recover --stack STACK``: after an interrupted run, resolve the creates it left pending.

Run it after a `pulumi up` or `destroy` was killed (a CI runner's timeout, SIGKILL, a crash): each create the
engine started and never saw answered is looked up in Twilio; what was made is imported into the stack, what
was not is cleared, so the next `up` neither makes anything twice nor leaves an orphan (``flexctl.recovery``).
`flexctl demo` and every `up`/`destroy` through ``flexctl.engine`` do the same first, by themselves.

It uses your own Pulumi login and stack (the CLI on PATH, or the pinned one `make engine` builds), or a file
backend folder with ``--state`` (as `flexctl demo` uses). README.md, "After an interrupted run", has the
whole procedure, with `pulumi cancel` for a lock the killed run left.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from flexctl.cli import ExitCode, InputError, Subparsers, fail

ROOT = Path(__file__).resolve().parents[1]


def register(subparsers: Subparsers) -> None:
    """Add ``recover``."""
    parser = subparsers.add_parser(
        "recover", help="after an interrupted run: import what its pending creates made in Twilio, clear the rest"
    )
    parser.add_argument("--stack", required=True, help="the stack whose interrupted run to resolve")
    parser.add_argument("--cwd", type=Path, default=ROOT, help="the Pulumi project folder (default: this clone)")
    parser.add_argument("--state", type=Path, help="a file backend folder: the one PULUMI_BACKEND_URL=file://DIR "
                        "names, or `flexctl demo --state DIR`; default: your own `pulumi login`")
    parser.set_defaults(handler=run_recover)


def run_recover(args: argparse.Namespace) -> int:
    from flexctl.engine import Engine, EngineError
    from flexctl.recovery import RecoveryError, config_values, recover

    try:
        if not (args.cwd / "Pulumi.yaml").is_file():
            raise InputError(f"{args.cwd} has no Pulumi.yaml; pass the project folder with --cwd")
        backend = None if args.state is None else _file_backend(args.state, args.cwd, args.stack)
        if backend is not None and backend != args.state:
            result = Engine(args.cwd, args.stack, args.state).recover()  # flexctl demo's layout: DIR/backend
        else:
            cli = _Cli(args.cwd, args.stack, backend)
            result = recover(args.stack, cli.export, lambda: config_values(cli.config()), cli.import_state)
    except (RecoveryError, EngineError, _CliError) as error:
        return fail("recover", error, ExitCode.FINDINGS)
    except InputError as error:
        return fail("recover", error)
    if not result.needed:
        print(f"Stack {args.stack}: no create was left pending; nothing to recover.")
    for other in result.others:
        print(f"  (an interrupted {other} is finished by the next `pulumi up` or `destroy` itself)")
    return int(ExitCode.OK)


def _file_backend(state: Path, cwd: Path, stack: str) -> Path:
    """The file backend ``--state`` names, holding ``stack``: the folder itself (``PULUMI_BACKEND_URL=file://DIR``)
    or its ``backend/`` (``flexctl demo --state DIR``). Never a new one: recovering an empty stack made there would
    only say that nothing was pending."""
    from components.settings import StackSettingsError, project_name

    if (state / ".pulumi").is_dir():
        backend = state
    elif (state / "backend" / ".pulumi").is_dir():
        backend = state / "backend"
    else:
        raise InputError(f"--state {state}: no file backend there (neither {state / '.pulumi'} nor "
                         f"{state / 'backend' / '.pulumi'} exists); give the folder your PULUMI_BACKEND_URL=file://... "
                         "names (or `flexctl demo --state`'s), or leave --state out to use your own `pulumi login`")
    try:
        project = project_name(cwd)
    except StackSettingsError as error:
        raise InputError(str(error)) from None
    stacks = backend / ".pulumi" / "stacks" / project
    found = sorted({path.name.split(".")[0] for path in stacks.glob("*.json*")}) if stacks.is_dir() else []
    if stack not in found:
        close = get_close_matches(stack, found, n=1)
        raise InputError(f"--state {state}: its backend has no stack {stack!r} of project {project}"
                         + (f"; it has {', '.join(found)}" if found else "; it has none")
                         + (f" (did you mean {close[0]}?)" if close else ""))
    return backend


class _CliError(RuntimeError):
    """A Pulumi CLI command failed; the message says which and what it printed."""


class _Cli:
    """The user's own Pulumi CLI and login, on one stack of the project in ``cwd``."""

    def __init__(self, cwd: Path, stack: str, backend: Path | None = None) -> None:
        self.cwd, self.stack = cwd, stack
        self.pulumi = shutil.which("pulumi") or str(_pinned_cli())
        self.env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}
        if backend is not None:
            self.env["PULUMI_BACKEND_URL"] = backend.resolve().as_uri()

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.pulumi, *args, "--stack", self.stack, "--non-interactive"], cwd=self.cwd,
            env=self.env, capture_output=True, text=True, check=False,
        )
        if done.returncode:
            output = (done.stderr or done.stdout).strip()
            if "no stack named" in output:
                raise InputError(self._no_such_stack())
            hint = (f"\nIf no run of stack {self.stack} is in progress, release its lock with "
                    f"`pulumi cancel --stack {self.stack}`, then run this again."
                    if "locked" in output else "")
            raise _CliError(f"`pulumi {' '.join(args)} --stack {self.stack}` failed:\n{output}{hint}")
        return done.stdout

    def _no_such_stack(self) -> str:
        from components.settings import stack_names

        where = self.env.get("PULUMI_BACKEND_URL") or "your `pulumi login`"
        names = stack_names(self.cwd)
        close = get_close_matches(self.stack, names, n=1)
        return (f"there is no stack {self.stack!r} in {where}"
                + (f"; this project's stack files are for {', '.join(names)}" if names else "")
                + (f" (did you mean {close[0]}?)" if close else "")
                + "; `pulumi stack ls` lists the stacks there (with a file backend, set PULUMI_BACKEND_URL or pass "
                  "--state DIR)")

    def export(self) -> dict[str, Any]:
        deployment = json.loads(self.run("stack", "export")).get("deployment") or {}
        return dict(deployment)

    def config(self) -> dict[str, Any]:
        return dict(json.loads(self.run("config", "--show-secrets", "--json")))

    def import_state(self, deployment: Mapping[str, Any]) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump({"version": 3, "deployment": dict(deployment)}, file)
        try:
            self.run("stack", "import", "--file", file.name)
        finally:
            os.unlink(file.name)


def _pinned_cli() -> Path:
    from flexctl.engine import engine_bin

    return engine_bin() / "pulumi"
