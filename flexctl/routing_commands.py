"""TaskRouter subcommands: ``route`` (where a task goes), ``check-expression`` and ``lint``.

``WORKFLOW`` is a configuration JSON file (``${PLACEHOLDER}`` queue values allowed; a Workflow
resource as the REST API returns it, with a ``configuration`` string, also works). A stack name
(``STACK`` or ``STACK:workflow name``, e.g. ``dev:Pre-agent routing``) means the workflows that stack
deploys, built from its ``Pulumi.<stack>.yaml`` (``load_stack_workflows``).

Exit codes: flexctl's one table (:class:`flexctl.cli.ExitCode`): 0 done (``lint``: no findings;
``check-expression``: valid), 1 findings or an invalid expression, 2 a file or argument that cannot be
used (also wrong usage, and input nested too deeply to read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flexctl.cli import ExitCode, InputError, Subparsers, read_json_file

if TYPE_CHECKING:
    from taskrouter.models import TaskQueue, Workflow
    from taskrouter.routing import Worker

KINDS = ("filter", "target", "queue", "skip_if", "order_by")
# Queue fields a --queues file may give, in the API's snake_case or the twilio CLI's camelCase.
QUEUE_FIELDS = {
    "friendly_name": "friendly_name",
    "friendlyName": "friendly_name",
    "target_workers": "target_workers",
    "targetWorkers": "target_workers",
    "max_reserved_workers": "max_reserved_workers",
    "maxReservedWorkers": "max_reserved_workers",
    "task_order": "task_order",
    "taskOrder": "task_order",
}


def register(subparsers: Subparsers) -> None:
    """Add ``route``, ``check-expression`` and ``lint``."""
    route = subparsers.add_parser(
        "route",
        help="show which filter matches a task and which queues it goes through",
        description="Route a task's attributes through a workflow: the filter that matches, the queues tried "
        "in order with their timeouts, and (with --workers) who is eligible at each step.",
    )
    route.add_argument("workflow", metavar="WORKFLOW", nargs="?",
                       help="workflow configuration JSON file, STACK or STACK:<workflow name>")
    route.add_argument("--stack", metavar="STACK",
                       help="route through this stack's workflow (WORKFLOW then names it, when it has several)")
    route.add_argument("--task", required=True, metavar="JSON", help="task attributes as JSON, or @FILE")
    route.add_argument(
        "--workers",
        type=Path,
        metavar="WORKERS.json",
        help="worker pool: a JSON list of workers (friendly_name, attributes, activity_name or available, sid, "
             "channels: per task channel assigned_tasks, configured_capacity, ...)",
    )
    route.add_argument(
        "--queues",
        type=Path,
        metavar="QUEUES.json",
        help="queue value (SID or ${PLACEHOLDER}) -> {friendly_name, target_workers}, or a list "
        "of queue resources with sid",
    )
    route.add_argument("--at", metavar="ISO-TIME", help="UTC time for taskrouter.* variables (default: now)")
    route.add_argument("--json", action="store_true", help="print the route as JSON")
    route.set_defaults(handler=run_route)

    check = subparsers.add_parser(
        "check-expression",
        help="parse a TaskRouter expression and show errors and probable mistakes",
        description="Exit 0 if the expression is valid (warnings are printed but do not fail), else 1 with "
        "the column, the message and the fix.",
    )
    check.add_argument("expression", metavar="EXPR")
    check.add_argument("--kind", choices=KINDS, default="filter", help="where the expression is used (default: filter)")
    check.set_defaults(handler=run_check_expression)

    lint = subparsers.add_parser(
        "lint",
        help="find routing mistakes in a workflow configuration",
        description="Report unreachable filters and targets, undefined queues (with --queues), type "
        "mismatches and probable expression mistakes, one per line; exit 1 if any.",
    )
    lint.add_argument("workflow", metavar="WORKFLOW", nargs="?",
                      help="workflow configuration JSON file, STACK or STACK:<workflow name>")
    lint.add_argument("--stack", metavar="STACK", help="lint every workflow this stack deploys")
    lint.add_argument(
        "--queues",
        type=Path,
        metavar="QUEUES.json",
        help="the queues that exist; any other queue value is reported (same format as route)",
    )
    lint.add_argument("--task", metavar="JSON", help="a sample task (JSON or @FILE) whose attribute types to check")
    lint.set_defaults(handler=run_lint)


def run_route(args: argparse.Namespace) -> int:
    """Handle ``flexctl route``."""
    from taskrouter.lint import json_types, lint
    from taskrouter.routing import route

    queues = load_queues(args.queues) if args.queues else None
    workflow = load_workflow(_source(args), queues)
    task = load_object(args.task, "--task")
    workers = load_workers(args.workers) if args.workers else None
    now = parse_time(args.at) if args.at else datetime.now(UTC)
    result = route(workflow, task, workers=workers, now=now)
    print(json.dumps(result.to_dict(), indent=2, sort_keys=True) if args.json else result.render())
    for finding in lint(workflow, task_types=json_types(task)):  # why a filter written for it did not match
        if finding.code == "type-mismatch":
            print(f"note: {finding}", file=sys.stderr)
    return ExitCode.OK


def run_check_expression(args: argparse.Namespace) -> int:
    """Handle ``flexctl check-expression``."""
    from taskrouter.expression import check, parse

    diagnostics = check(args.expression, args.kind)
    for diagnostic in diagnostics:
        print(diagnostic)
    if any(diagnostic.severity == "error" for diagnostic in diagnostics):
        return ExitCode.FINDINGS
    print(f"valid {args.kind} expression: {parse(args.expression, args.kind)}")
    return ExitCode.OK


def run_lint(args: argparse.Namespace) -> int:
    """Handle ``flexctl lint``."""
    from taskrouter.lint import json_types, lint, lint_configuration

    queues = load_queues(args.queues) if args.queues else None
    task_types = json_types(load_object(args.task, "--task")) if args.task else None
    if args.stack and not args.workflow:
        findings = [finding for name, workflow in load_stack_workflows(args.stack).items()
                    for finding in lint(workflow, task_types=task_types)]
        return _report(findings, f"stack {args.stack}")
    path = Path(_source(args))
    if path.is_file():
        data, name = read_configuration(path)
        findings = lint_configuration(data, friendly_name=name, queues=queues, task_types=task_types)
    else:
        workflow = load_workflow(args.workflow, queues)
        findings = lint(workflow, task_types=task_types)
    return _report(findings, _source(args))


def _report(findings: list[Any], what: str) -> int:
    for finding in findings:
        print(finding)
    if not findings:
        print(f"{what}: no findings")
    return ExitCode.FINDINGS if findings else ExitCode.OK


def _source(args: argparse.Namespace) -> str:
    """WORKFLOW, or with --stack the stack (and WORKFLOW as its workflow's name)."""
    if args.stack:
        return f"{args.stack}:{args.workflow}" if args.workflow else args.stack
    if not args.workflow:
        raise InputError("name a workflow configuration file, or a stack with --stack local")
    return str(args.workflow)


def load_stack_workflows(stack: str) -> Mapping[str, Workflow]:
    """The workflows a stack deploys, by friendly name (from its stack file and ``flows/``)."""
    from components.plan import ROUTING_PROBLEM, read_stack_plan
    from components.settings import StackSettingsError
    from flexctl.render_commands import ROOT

    if not (ROOT / f"Pulumi.{stack}.yaml").is_file():
        raise InputError(
            f"{stack!r} is neither a file nor a stack (no {ROOT / f'Pulumi.{stack}.yaml'}); pass the path of a "
            "workflow configuration JSON file or a stack name such as dev"
        )
    try:
        plan = read_stack_plan(ROOT, stack)
    except StackSettingsError as error:
        raise InputError(str(error)) from None
    unrouted = [problem for problem in plan.problems if problem.startswith(ROUTING_PROBLEM)]
    if unrouted:  # the stack would deploy no workflow: 'no findings' would hide why
        raise InputError(f"stack {stack!r}: {unrouted[0]}; fix it first (`flexctl render {stack}` lists every "
                         "problem)")
    workflows = {workflow.friendly_name: workflow for workflow in plan.workspace.workflows}
    used = {source.name for planned in plan.flows for source in planned.sources.values() if source.kind == "workflow"}
    # The workflow the stack's flows send to comes first: `route --stack local` means that one.
    return dict(sorted(workflows.items(), key=lambda item: item[0] not in used)) if len(used) == 1 else workflows


def load_workflow(source: str, queues: Mapping[str, TaskQueue] | None) -> Workflow:
    """A workflow from a configuration file, or from a stack (``STACK`` or ``STACK:workflow name``)."""
    from taskrouter.configuration import ConfigurationError
    from taskrouter.models import Workflow

    path = Path(source)
    if path.is_file():
        data, name = read_configuration(path)
        try:
            return Workflow.from_configuration(data, friendly_name=name, queues=queues)
        except ConfigurationError as error:
            raise InputError(f"{path}: {error}") from None
    stack, _, wanted = source.partition(":")
    workflows = load_stack_workflows(stack)
    if wanted in workflows:
        return workflows[wanted]
    if not wanted and workflows and (len(workflows) == 1 or _used_alone(stack)):
        return next(iter(workflows.values()))
    from flows.registry import suggest

    names = ', '.join(map(repr, workflows)) or 'none'
    has = f"no workflow {wanted!r}{suggest(wanted, list(workflows))}; its workflows are {names}" if wanted else (
        f"workflows {names}")
    raise InputError(
        f"stack {stack!r} has {has}; name one: --stack {stack} '<workflow name>' (or {stack}:<workflow name>)"
    )


def _used_alone(stack: str) -> bool:
    """Whether the stack's flows send to exactly one workflow (listed first by load_stack_workflows)."""
    from components.plan import read_stack_plan
    from flexctl.render_commands import ROOT

    plan = read_stack_plan(ROOT, stack)
    return len({s.name for f in plan.flows for s in f.sources.values() if s.kind == "workflow"}) == 1


def read_configuration(path: Path) -> tuple[object, str]:
    """A configuration from a file, and a workflow name for it; a Workflow resource is unwrapped."""
    data = _read_json(path)
    name = path.stem[:64]
    if isinstance(data, dict) and "configuration" in data and "task_routing" not in data:
        name = str(data.get("friendly_name") or data.get("friendlyName") or name)[:64]
        data = data["configuration"]  # the REST API returns it as a JSON string; check_configuration reads both
    return data, name


def load_queues(path: Path) -> dict[str, TaskQueue]:
    """Queue models by the value the configuration uses for them (SID or placeholder)."""
    from pydantic import ValidationError

    from taskrouter.models import TaskQueue

    data = _read_json(path)
    if isinstance(data, list):
        if not all(isinstance(item, dict) and isinstance(item.get("sid"), str) for item in data):
            raise InputError(f'{path}: a list of queues needs a "sid" string in every item')
        data = {item["sid"]: item for item in data}
    if not isinstance(data, dict) or not all(isinstance(value, dict) for value in data.values()):
        raise InputError(
            f'{path}: expected {{"<queue SID or ${{PLACEHOLDER}}>": {{"friendly_name": '
            '"Everyone", "target_workers": "1==1"}, ...}'
        )
    queues = {}
    for reference, fields in data.items():
        known = {QUEUE_FIELDS[key]: value for key, value in fields.items() if key in QUEUE_FIELDS}
        try:
            queues[reference] = TaskQueue(key=reference, **known)
        except ValidationError as error:
            raise InputError(f"{path}: queue {reference!r}: {_first_error(error)}") from None
    return queues


def load_workers(path: Path) -> list[Worker]:
    """The worker pool in a file: a list of workers, or an object with a ``workers`` list."""
    from pydantic import ValidationError

    from taskrouter.routing import Worker

    data = _read_json(path)
    items = data.get("workers") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(
            f'{path}: expected a JSON list of workers, e.g. [{{"friendly_name": "Alice", '
            '"attributes": {"routing": {"skills": ["vip"]}}}]'
        )
    workers = []
    for index, item in enumerate(items):
        try:
            workers.append(Worker.model_validate(item))
        except (ValidationError, ValueError) as error:
            detail = _first_error(error) if isinstance(error, ValidationError) else str(error)
            raise InputError(f"{path}: worker [{index}]: {detail}") from None
    return workers


def load_object(text: str, option: str) -> dict[str, Any]:
    """A JSON object given inline or as ``@FILE``."""
    if text.startswith("@"):
        data = _read_json(Path(text[1:]))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                f"{option} is not valid JSON ({error.msg} at column {error.colno}); "
                'write an object such as \'{"vip": true, "language": "es"}\''
            ) from None
    if not isinstance(data, dict):
        raise InputError(f"{option} must be a JSON object of task attributes, e.g. '{{\"vip\": true}}'")
    return data


def parse_time(text: str) -> datetime:
    """An ISO time, taken as UTC unless it names another offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {text!r} is not an ISO time; write e.g. 2024-05-06T14:30") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_json(path: Path) -> Any:
    return read_json_file(path)


def _first_error(error: Any) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {detail['msg']}" if where else str(detail["msg"])
