"""Subcommands that show flows to people: ``diagram`` (Mermaid or SVG) and ``diff`` (Markdown).

Exit codes: flexctl's one table (:class:`flexctl.cli.ExitCode`): 0 done, 2 a file cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flexctl.cli import ExitCode, InputError, Subparsers, read_json_file
from flexctl.studio_commands import write_output


def register(subparsers: Subparsers) -> None:
    """Add the ``diagram`` and ``diff`` subcommands."""
    diagram = subparsers.add_parser(
        "diagram",
        help="draw a Studio flow definition as Mermaid text or SVG",
        description="Draw a Studio flow definition (the JSON of its Definition) as Mermaid text or SVG.",
    )
    diagram.add_argument("flow", type=Path, metavar="FLOW.json", help="flow definition JSON file")
    diagram.add_argument("--format", choices=("mermaid", "svg"), default="mermaid", help="default: mermaid")
    diagram.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout")
    diagram.set_defaults(handler=run_diagram)

    diff = subparsers.add_parser(
        "diff",
        help="summarise the changes between two versions of a flow as Markdown",
        description="Print a Markdown review summary of the changes from OLD.json to NEW.json.",
    )
    diff.add_argument("old", type=Path, metavar="OLD.json", help="the flow definition before the change")
    diff.add_argument("new", type=Path, metavar="NEW.json", help="the flow definition after the change")
    diff.add_argument("--hide-moves", action="store_true", help="leave canvas-only moves out of the summary")
    diff.set_defaults(handler=run_diff)


def run_diagram(args: argparse.Namespace) -> int:
    """Handle ``flexctl diagram``."""
    from studio.diagram import DiagramError, to_mermaid, to_svg

    definition = load_definition(args.flow)
    try:
        text = to_svg(definition) if args.format == "svg" else to_mermaid(definition)
    except DiagramError as error:
        raise InputError(str(error)) from None
    write_output(text, args.output)
    return ExitCode.OK


def run_diff(args: argparse.Namespace) -> int:
    """Handle ``flexctl diff``."""
    from studio.diff import diff_flows

    old, new = load_definition(args.old), load_definition(args.new)
    sys.stdout.write(diff_flows(old, new).to_markdown(show_moves=not args.hide_moves))
    return ExitCode.OK


def load_definition(path: Path) -> dict[str, Any]:
    """Read a flow definition JSON file; a Flow resource (``{"definition": {...}}``) is unwrapped.

    Raises:
        InputError: the file is missing, is not JSON, or holds no ``states`` list.
    """
    data = read_json_file(path)
    if isinstance(data, dict) and isinstance(data.get("definition"), dict):
        data = data["definition"]
    if not isinstance(data, dict) or not isinstance(data.get("states"), list):
        raise InputError(
            f"{path}: no flow definition here: expected a JSON object with a 'states' list "
            "(and 'initial_state'), as Studio exports it."
        )
    if not all(isinstance(state, dict) for state in data["states"]):
        index = next(i for i, state in enumerate(data["states"]) if not isinstance(state, dict))
        raise InputError(f"{path}: states[{index}] is not a JSON object. Each state must be a widget object.")
    return data
