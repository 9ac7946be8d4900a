"""Argument parsing for flexctl: each command module registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

# One module per toolkit; each exposes ``register(subparsers)``.
COMMAND_MODULES = (
    "flexctl.studio_commands",
    "flexctl.flow_view_commands",
    "flexctl.routing_commands",
    "flexctl.demo_commands",
    "flexctl.render_commands",
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


class InputError(Exception):
    """Bad input to a command; the message names the file (or flag) and says how to fix it."""


def read_json_file(path: Path, error: type[InputError] = InputError) -> Any:
    """The JSON in ``path``, or ``error`` naming the file (and line and column for bad JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"cannot read {path}: {problem.strerror}; pass the path of a JSON file") from None
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text; pass the path of a JSON file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        raise error(
            f"{path}:{problem.lineno}:{problem.colno}: not valid JSON ({problem.msg}); fix the file or export it again"
        ) from None


def fail(command: str, error: Exception, status: int = 1) -> int:
    """Report a command's failure on stderr and return its exit status."""
    print(f"flexctl {command}: {error}", file=sys.stderr)
    return status
