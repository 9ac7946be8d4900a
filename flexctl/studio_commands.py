"""Studio subcommands: ``validate`` a flow definition and ``import`` a Console export as builder code.

Exit codes: flexctl's one table (:class:`flexctl.cli.ExitCode`): 0 valid, 1 the flow has errors (or, with
``--strict``, warnings), 2 the file cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flexctl.cli import ExitCode, InputError, Subparsers, read_json_file


def register(subparsers: Subparsers) -> None:
    """Add the ``validate`` and ``import`` subcommands."""
    validate = subparsers.add_parser(
        "validate",
        help="check a Studio flow definition before any API call",
        description=(
            "Check a Studio flow definition (or a single widget state): schema, graph, reachability, Liquid "
            "references and trigger fit. Prints one line per problem. Errors are what Studio rejects (or a flow "
            "that cannot run); everything else is a warning. Exits 1 on errors (with --strict, on warnings too), "
            "2 if the file cannot be used."
        ),
    )
    validate.add_argument("flow", type=Path, metavar="FLOW.json", help="flow definition or widget JSON file")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(handler=run_validate)

    importer = subparsers.add_parser(
        "import",
        help="turn a Studio Console export into Python builder code",
        description=(
            "Write a Python module that rebuilds the flow (or widget) with the studio builder; ${NAME} "
            "placeholders become parameters. Running the module prints JSON equal to the input."
        ),
    )
    importer.add_argument("flow", type=Path, metavar="FLOW.json", help="flow definition or widget JSON file")
    importer.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the module here, not to stdout")
    importer.set_defaults(handler=run_import)


def run_validate(args: argparse.Namespace) -> int:
    """Handle ``flexctl validate``."""
    from studio.importer import is_flow_definition
    from studio.validate import validate_definition, validate_state

    data = load_json(args.flow)
    problems = validate_definition(data) if is_flow_definition(data) or "type" not in data else validate_state(data)
    for problem in problems:
        print(f"{args.flow}: {problem}")
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    verdict = "invalid" if failed else "valid"
    print(f"{args.flow}: {verdict} ({_count(errors, 'error')}, {_count(warnings, 'warning')})", file=sys.stderr)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def run_import(args: argparse.Namespace) -> int:
    """Handle ``flexctl import``."""
    from studio.importer import FlowImportError, import_definition

    data = load_json(args.flow)
    try:
        source = import_definition(data, source=args.flow.name)
    except FlowImportError as error:
        raise InputError(f"{args.flow}: {error}") from None
    write_output(source, args.output)
    return ExitCode.OK


def write_output(text: str, output: Path | None) -> None:
    """Write a command's result to ``output``, or to stdout when it is None."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror}; pick another path") from None


def load_json(path: Path) -> dict[str, object]:
    """Read a JSON object from ``path``; a Flow resource (``{"definition": {...}}``) is unwrapped.

    Raises:
        InputError: the file is missing, not UTF-8, not JSON, or not a JSON object.
    """
    data = read_json_file(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object (a flow definition or a widget), not {type(data).__name__}")
    definition = data.get("definition")
    if "states" not in data and isinstance(definition, dict):
        return definition
    return data


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
