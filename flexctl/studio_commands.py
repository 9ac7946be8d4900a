"""Studio subcommands: ``validate`` a flow definition and ``import`` a Console export as builder code.

Exit codes: flexctl's one table (:class:`flexctl.cli.ExitCode`): 0 valid, 1 the flow has errors (or, with
``--strict``, warnings), 2 the file cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flexctl.cli import ExitCode, InputError, Subparsers, read_json_file
from studio.words import count


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
    importer.add_argument("--as", dest="as_name", metavar="NAME",
                          help="write flows/NAME.py: a flow registered as NAME, every SID of the export a parameter "
                          "the stack fills (bind NAME to a number in a stack file to deploy it)")
    importer.add_argument("--friendly-name", metavar="TEXT", help="with --as: the Studio flow's friendly name")
    importer.add_argument("--workflow", action="append", default=[], metavar="[REF=]NAME",
                          help="with --as: the friendly name of the workflow a Send to Flex SID (or ${...}) stands "
                          "for; without REF, for every workflow of the export")
    importer.add_argument("--channel", action="append", default=[], metavar="[REF=]UNIQUE_NAME",
                          help="with --as: the task channel a SID stands for (default: voice for a call flow, chat "
                          "otherwise)")
    importer.add_argument("--subflow", action="append", default=[], metavar="[REF=]FLOW",
                          help="with --as: the registered flow a Run Subflow SID stands for")
    importer.add_argument("--project", type=Path, default=None, metavar="DIR",
                          help="with --as: the project whose flows/ gets the module (default: this checkout)")
    importer.add_argument("--force", action="store_true", help="with --as: replace flows/NAME.py if it exists")
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
    print(f"{args.flow}: {verdict} ({count(errors, 'error')}, {count(warnings, 'warning')})", file=sys.stderr)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def run_import(args: argparse.Namespace) -> int:
    """Handle ``flexctl import``."""
    from studio.importer import FlowImportError, import_definition

    data = load_json(args.flow)
    if args.as_name is not None:
        return _import_as(args, data)
    try:
        source = import_definition(data, source=args.flow.name)
    except FlowImportError as error:
        raise InputError(f"{args.flow}: {error}") from None
    write_output(source, args.output)
    _say_rejected(args.flow, data, "the module" if args.output is None else args.output.name,
                  "Studio refuses its JSON until then")
    return ExitCode.OK


def _say_rejected(flow: Path, data: dict[str, object], module: str, until: str) -> None:
    """On stderr: the errors Studio would reject the import for; it is imported as it is, to be fixed in Python."""
    from studio.importer import is_flow_definition
    from studio.validate import validate_definition, validate_state

    problems = validate_definition(data) if is_flow_definition(data) or "type" not in data else validate_state(data)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        listed = "".join(f"\n  - {problem}" for problem in errors)
        print(f"{flow}: the export has {count(len(errors), 'error')} Studio would reject, imported as it is; fix "
              f"{'it' if len(errors) == 1 else 'them'} in {module} ({until}):{listed}", file=sys.stderr)


def _import_as(args: argparse.Namespace, data: dict[str, object]) -> int:
    from flexctl.flow_import import ImportAsError, Naming, write_flow_module
    from flexctl.render_commands import ROOT
    from studio.importer import FlowImportError, is_flow_definition

    if not is_flow_definition(data):
        raise InputError(f"{args.flow}: --as needs a flow definition (an object with states), not a single widget")
    try:
        path = write_flow_module(
            data, name=args.as_name, friendly_name=args.friendly_name or _resource_friendly_name(args.flow),
            source=args.flow.name, force=args.force,
            naming=Naming(workflows=args.workflow, channels=args.channel, subflows=args.subflow),
            project=args.project or ROOT,
        )
    except (FlowImportError, ImportAsError) as error:
        raise InputError(f"{args.flow}: {error}") from None
    todo = sum("# TODO" in line for line in path.read_text(encoding="utf-8").splitlines())
    print(f"wrote {path}: flow {args.as_name!r}" + (f", {count(todo, 'TODO')} to settle in it" if todo else ""))
    # No stack deploys it until the errors are fixed.
    _say_rejected(args.flow, data, path.name, "`flexctl render` refuses the flow until then")
    print(f"deploy it: bind it in Pulumi.<stack>.yaml by the event that starts it, {_bindings(data, args.as_name)}; "
          "`flexctl render` then shows it")
    return ExitCode.OK


def _bindings(data: dict[str, object], name: str) -> str:
    """How a stack file starts the imported flow, one entry per event its trigger handles."""
    from components.plan import binding_example

    states = data.get("states")
    events = sorted({str(transition.get("event")) for state in (states if isinstance(states, list) else [])
                     if isinstance(state, dict) and state.get("type") == "trigger"
                     for transition in state.get("transitions") or [] if isinstance(transition, dict)
                     and transition.get("next")})
    return "; ".join(binding_example(event, name) for event in events) or (
        "its trigger starts nothing yet (connect one of its events), then e.g. "
        + binding_example("incomingCall", name))


def write_output(text: str, output: Path | None) -> None:
    """Write a command's result to ``output``, or to stdout when it is None."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror}; pick another path") from None


def _resource_friendly_name(path: Path) -> str | None:
    """The flow's own name when ``path`` is a Flow resource (the API's fetch: ``friendly_name`` beside
    ``definition``), which the bare definition lacks (its ``description`` is another text)."""
    data = read_json_file(path)
    name = data.get("friendly_name") if isinstance(data, dict) and "states" not in data else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def load_json(path: Path) -> dict[str, object]:
    """Read a JSON object from ``path``; a Flow resource (``{"definition": {...}}``) is unwrapped.

    Raises:
        InputError: the file is missing, not UTF-8, not JSON, or not a JSON object.
    """
    from studio.validate import describe

    data = read_json_file(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object (a flow definition or a widget), not {describe(data)}")
    definition = data.get("definition")
    if "states" not in data and isinstance(definition, dict):
        return definition
    return data
