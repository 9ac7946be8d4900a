"""Argument parsing for flexctl: each command module registers its own subcommands.

Every command shares one exit-code table (:class:`ExitCode`) and one input error type
(:class:`InputError`): a handler raises ``InputError`` for a file or argument it cannot use and
:func:`main` prints it and exits 2, whatever the command. Input nested too deeply to read (JSON or an
expression thousands of levels deep) is such an error too, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

# One module per toolkit; each exposes ``register(subparsers)``.
COMMAND_MODULES = (
    "flexctl.studio_commands",
    "flexctl.flow_view_commands",
    "flexctl.routing_commands",
    "flexctl.demo_commands",
    "flexctl.render_commands",
    "flexctl.simulate_commands",
    "flexctl.review_commands",
    "flexctl.pull_commands",
    "flexctl.recover_commands",
)

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction
Handler = Callable[[argparse.Namespace], int]


class CommandModule(Protocol):
    def register(self, subparsers: Subparsers) -> None: ...


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flexctl", description="Flex pre-agent workflow as code.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module: CommandModule = importlib.import_module(name)
        module.register(subparsers)
    return parser


class ExitCode(IntEnum):
    """The exit status of every flexctl command."""

    OK = 0
    """Done; nothing to report (warnings may be printed unless ``--strict``)."""
    FINDINGS = 1
    """The input was read and has problems: flow errors, lint findings, an invalid expression."""
    UNUSABLE_INPUT = 2
    """A file or argument cannot be used (missing, unreadable, not JSON, wrong shape, nested too deeply),
    or the command line itself is wrong (argparse's usage errors exit 2 as well)."""
    BUG = 3
    """flexctl itself failed (the traceback is printed): not a verdict on the input; please report it."""


def main(argv: Sequence[str] | None = None) -> int:
    return run_handler(build_parser().parse_args(argv))


def _is_dependency(module: str | None) -> bool:
    """Whether a module that could not be imported is a third-party one (the virtualenv is missing), not ours."""
    top = (module or "").partition(".")[0]
    return bool(top) and not (Path(__file__).resolve().parents[1] / top).is_dir()


def _from_flows(error: BaseException) -> bool:
    """Whether the error was raised in the contact center's own modules (``flows/``, its registry aside)."""
    flows = Path(__file__).resolve().parents[1] / "flows"
    own = [frame for frame in traceback.extract_tb(error.__traceback__) if Path(frame.filename).parent == flows]
    return bool(own) and Path(own[-1].filename).name != "registry.py"


def run_handler(args: argparse.Namespace) -> int:
    """Run the parsed command's handler; unusable input becomes a message and exit 2, never a traceback."""
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as error:
        return fail(args.command, error)
    except RecursionError:
        return fail(args.command, InputError(TOO_DEEP))
    except Exception as error:  # a bug must not look like findings (exit 1) to a script
        if isinstance(error, ModuleNotFoundError) and _is_dependency(error.name):
            return fail(args.command, InputError(
                f"{error.name} is not installed for {sys.executable}: flexctl runs in the project's virtualenv. "
                "Run `make .venv/.installed`, then `.venv/bin/python -m flexctl ...` (or put .venv/bin first on "
                "PATH)"))
        if _from_flows(error):
            from components.plan import explain  # the one wording of a user's flows/ mistake, as render gives it
            return fail(args.command, InputError(
                f"the contact center's code under flows/ fails (flexctl imports every module there to find the flows "
                f"and the routing): {explain(error)}; fix that line, then run the command again"))
        traceback.print_exc()
        print(f"flexctl {args.command}: this is a bug in flexctl, not a verdict on the input; please report it with "
              "the traceback above", file=sys.stderr)
        return ExitCode.BUG


TOO_DEEP = (
    "the input is nested too deeply to read (thousands of levels of brackets or parentheses); no flow, "
    "workflow or expression is like that: check that the file or argument is the one you meant"
)


class InputError(Exception):
    """Bad input to a command; the message names the file (or flag) and says how to fix it."""


def read_json_file(path: Path, error: type[InputError] = InputError) -> Any:
    """The JSON in ``path``, or ``error`` naming the file (and line and column for bad JSON)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark (some Windows editors write one) is no JSON
    except OSError as problem:
        raise error(f"cannot read {path}: {problem.strerror}; pass the path of a JSON file") from None
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text; pass the path of a JSON file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        from taskrouter.configuration import json_syntax_hint

        hint = json_syntax_hint(problem)
        raise error(
            f"{path}:{problem.lineno}:{problem.colno}: not valid JSON ({problem.msg}"
            f"{'; ' + hint if hint else ''}); fix the file or export it again"
        ) from None
    except RecursionError:
        raise error(f"{path}: {TOO_DEEP}") from None


def fail(command: str, error: Exception, status: int = ExitCode.UNUSABLE_INPUT) -> int:
    """Report a command's failure on stderr and return its exit status (by default: unusable input)."""
    print(f"flexctl {command}: {error}", file=sys.stderr)
    return int(status)
