"""``simulate`` (one contact through a flow, caller to queue) and ``test-flows`` (every flow's scenarios).

Exit codes: flexctl's one table (:class:`flexctl.cli.ExitCode`): 0 the run ends (``test-flows``: every
scenario passes), 1 it ends on an error path or is stopped (a failed widget with nothing after it, a
dead end, an unknown widget type, Studio's step limit; ``test-flows``: a scenario fails), 2 unusable
input (a missing or unreadable file, a bad option value, a trigger event the flow does not handle).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flexctl.cli import ExitCode, InputError, Subparsers
from studio.words import count

if TYPE_CHECKING:
    from flexctl.scenarios import CallerToQueue, FlowReport
    from studio.simulate import Contact
    from taskrouter import Workflow


DEFAULT_FROM = "+14155550100"  # 555-0100 to 0199 are reserved for fiction: never a stack's own number


def register(subparsers: Subparsers) -> None:
    """Add ``simulate`` and ``test-flows``."""
    parser = subparsers.add_parser(
        "simulate",
        help="run one contact through a Studio flow offline: the path, what they hear, and the queue",
        description="Simulate a Studio flow execution from a trigger event with a simulated contact, then route "
        "the task Send to Flex creates through the workflow. Lines starting 'assumed:' say what the simulator could "
        "not know and assumed (a call-out with no --mock, Liquid that failed, a condition that could not compare); "
        "Studio may differ there. Exit 0 when the run ends, 1 when it ends on an error path or is stopped, 2 for "
        "unusable input (including a --mock event the widget's type does not have).",
    )
    parser.add_argument("flow", nargs="?", type=Path, metavar="FLOW.json", help="a flow definition (or use --stack)")
    parser.add_argument("--stack", metavar="STACK", help="simulate a flow this stack deploys (with --flow)")
    parser.add_argument("--flow", dest="flow_name", metavar="NAME", help="the flow's name in the stack (voice...)")
    parser.add_argument("--event", default=None, metavar="EVENT",
                        help="trigger event (default: the first the flow handles): incomingCall, incomingMessage, "
                        "incomingConversationMessage, incomingRequest, incomingParent")
    parser.add_argument("--from", dest="from_", default=DEFAULT_FROM, metavar="NUMBER",
                        help=f"the contact's address (default: {DEFAULT_FROM}, a fictional number)")
    parser.add_argument("--to", default=None, metavar="NUMBER",
                        help="the flow's address (default: with --stack, the number or address the stack binds to "
                             "the flow for the event; else the simulator's test number)")
    parser.add_argument("--body", default="", metavar="TEXT", help="the first message's text")
    parser.add_argument("--at", metavar="YYYY-MM-DDTHH:MM", help="when the contact arrives (default: now)")
    parser.add_argument("--tz", metavar="ZONE", help="IANA time zone of --at (default: the stack's, else UTC)")
    parser.add_argument("--input", dest="answers", action="append", default=[], metavar="ANSWER",
                        help="what the contact answers next (digits, words, or '' for silence); repeat in order")
    parser.add_argument("--trait", action="append", default=[], metavar="KEY=VALUE",
                        help="a profile trait the lookup finds (VALUE read as JSON if it is JSON)")
    parser.add_argument("--mock", action="append", default=[], metavar="WIDGET=JSON",
                        help="a canned result for a widget: an event name or {\"event\": ..., outputs...}; for Make "
                        "HTTP Request and Run Function, {\"body\": {...}} is what the flow reads as parsed")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="flow.data parameters")
    parser.add_argument("--trigger", action="append", default=[], metavar="KEY=VALUE",
                        help="more of what the trigger carries (trigger.call, .message, .conversation...), VALUE read "
                        "as JSON if it is JSON: --trigger ChannelAttributes='{\"pre_engagement_data\": {...}}'")
    parser.add_argument("--workflow", metavar="WORKFLOW",
                        help="route the task through this workflow (configuration JSON, or STACK[:name])")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run_simulate)

    tests = subparsers.add_parser(
        "test-flows",
        help="run every flow's scenarios (flows/scenarios/<flow>.yaml) and report coverage",
        description="Run the scenarios of every flow a stack deploys, caller to queue, and list the widgets and "
        "transitions no scenario exercised. Exit 0 when every scenario passes, 1 when one fails, 2 when a "
        "scenario file or the stack cannot be used.",
    )
    tests.add_argument("--stack", default="local", metavar="STACK", help="default: local")
    tests.add_argument("--flow", dest="flows", action="append", default=[], metavar="NAME",
                       help="only this flow (repeat for several)")
    tests.add_argument("--project", type=Path, default=None, metavar="DIR",
                       help="the Pulumi project holding the stack files and flows/scenarios (default: this checkout)")
    tests.set_defaults(handler=run_test_flows)


def run_simulate(args: argparse.Namespace) -> int:
    """Handle ``flexctl simulate``."""
    from flexctl.scenarios import caller_to_queue
    from studio.simulate import SimulationInputError

    definition, workflows, zone, addresses = _flow_and_workflows(args)
    contact = _contact(args, definition, zone, addresses)
    try:
        result = caller_to_queue(definition, contact, workflows)
    except SimulationInputError as error:
        raise InputError(str(error)) from None
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(_text(result))
    return ExitCode.OK if result.simulation.ending.ok else ExitCode.FINDINGS


def _text(result: CallerToQueue) -> str:
    text = result.render()
    if result.route is not None:
        text += f"\nqueue: {' -> '.join(result.queues) or 'none'}, priority {result.priority}"
    return text


def _flow_and_workflows(
    args: argparse.Namespace,
) -> tuple[Mapping[str, Any], dict[str, Workflow], str | None, Mapping[str, str]]:
    """The definition, the workflows its Send to Flex may name, the stack's time zone and the flow's addresses by
    trigger event (the last two only with --stack)."""
    from flexctl.flow_view_commands import load_definition
    from flexctl.routing_commands import load_workflow

    workflows: dict[str, Workflow] = {}
    zone = None
    addresses: Mapping[str, str] = {}
    if args.stack:
        if args.flow is not None:
            raise InputError("--stack simulates a flow the stack deploys: give --flow NAME and no FLOW.json")
        from components.settings import StackSettingsError
        from flexctl.scenarios import ScenarioError, not_deployed, stack_flows

        try:
            flows = stack_flows(args.stack)
        except (ScenarioError, StackSettingsError, OSError) as error:
            raise InputError(str(error)) from None
        if not args.flow_name:
            raise InputError(f"--stack simulates a flow the stack deploys: give --flow NAME, one of {', '.join(flows)}")
        if args.flow_name not in flows:
            raise InputError(not_deployed(args.stack, flows, [args.flow_name]))
        chosen = flows[args.flow_name]
        definition, zone, addresses = chosen.definition, chosen.time_zone, chosen.addresses
        workflows.update(chosen.workflows)
    elif args.flow is not None:
        definition = load_definition(args.flow)
        _warn_if_studio_rejects(args.flow, definition)
    else:
        raise InputError("give a flow: FLOW.json, or --stack STACK --flow NAME")
    if args.workflow:
        workflows["*"] = load_workflow(args.workflow, None)
    return definition, workflows, zone, addresses


def _warn_if_studio_rejects(path: Path, definition: Mapping[str, Any]) -> None:
    """Say so (on stderr) when the flow simulated is one Studio would refuse; the simulation still runs."""
    from studio.validate import validate_definition

    errors = [problem for problem in validate_definition(definition) if problem.severity == "error"]
    if errors:
        print(f"{path}: Studio would reject this flow ({count(len(errors), 'error')}; `flexctl validate {path}` "
              f"lists them), simulated anyway. First: {errors[0]}", file=sys.stderr)


def _contact(args: argparse.Namespace, definition: Mapping[str, Any], zone: str | None,
             addresses: Mapping[str, str]) -> Contact:
    from flexctl.scenarios import unknown_mocks
    from studio.simulate import TRIGGER_EVENTS, Contact, Mock, SimulationInputError

    tz = args.tz or zone or "UTC"
    event = args.event or _first_event(definition, TRIGGER_EVENTS)
    try:
        mocks = {name: Mock.from_value(value) for name, value in _pairs(args.mock, "--mock", json_only=True).items()}
        unknown = unknown_mocks(definition, mocks, "--mock")
        if unknown:
            raise InputError(unknown)
        contact = Contact(event=event, from_=args.from_, body=args.body, answers=tuple(args.answers),
                          tz=tz, traits=_pairs(args.trait, "--trait"), mocks=mocks,
                          parameters=_pairs(args.param, "--param"), trigger=_pairs(args.trigger, "--trigger"))
        contact = replace(contact, to=args.to or addresses.get(event) or contact.to)  # else the simulator's own
        zone_info = contact.zone()
    except SimulationInputError as error:
        raise InputError(str(error)) from None
    if args.at is None:
        at = dt.datetime.now(zone_info).replace(tzinfo=None, second=0, microsecond=0)
    else:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            raise InputError(f"--at {args.at!r} is not a date and time: write it as 2026-12-04T19:05") from None
    return replace(contact, at=at)


def _first_event(definition: Mapping[str, Any], events: tuple[str, ...]) -> str:
    for state in definition.get("states", ()):
        if isinstance(state, Mapping) and state.get("type") == "trigger":
            for transition in state.get("transitions") or ():
                if isinstance(transition, Mapping) and transition.get("next") and transition.get("event") in events:
                    return str(transition["event"])
    return events[0]


def _pairs(items: list[str], flag: str, *, json_only: bool = False) -> dict[str, Any]:
    pairs: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"{flag} {item!r}: write KEY=VALUE, e.g. {flag} vip=true")
        try:
            pairs[key] = json.loads(value)
        except json.JSONDecodeError:
            if json_only and value.lstrip().startswith(("{", "[")):
                raise InputError(f"{flag} {item!r}: the value is not valid JSON") from None
            pairs[key] = value
    return pairs


def run_test_flows(args: argparse.Namespace) -> int:
    """Handle ``flexctl test-flows``."""
    from components.settings import StackSettingsError
    from flexctl.scenarios import ROOT, ScenarioError, run_scenarios, unrun_scenarios

    root = args.project or ROOT
    try:
        reports = run_scenarios(args.stack, root=root, only=args.flows)
    except (ScenarioError, StackSettingsError, OSError) as error:
        raise InputError(str(error)) from None
    print(report_text(reports))
    if not args.flows:  # a scenario file of a flow this stack does not deploy is not run: say so, not 29/29
        for line in unrun_scenarios(args.stack, reports, root):
            print(f"note: {line}")
    failed = sum(not result.passed for report in reports for result in report.results)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def report_text(reports: list[FlowReport]) -> str:
    """Every scenario's verdict, each flow's coverage, and a total line."""
    lines = []
    for report in reports:
        if not report.results:
            lines.append(f"{report.flow}: no scenarios (write {report.path.relative_to(report.path.parents[2])})")
            continue
        lines.append(f"{report.flow}: {report.coverage.summary()} exercised")
        where = report.path.relative_to(report.path.parents[2])
        for result in report.results:
            lines.append(f"  PASS {result.name}" if result.passed else f"  FAIL {result.name} ({where})")
            lines += [f"       {failure}" for failure in result.failures]
        if report.coverage.missed_widgets:
            lines.append(f"  not visited by any scenario: {', '.join(report.coverage.missed_widgets)}")
        if report.coverage.missed_transitions:
            lines.append(f"  transitions no scenario took: {', '.join(report.coverage.missed_transitions)}")
    results = [result for report in reports for result in report.results]
    passed = sum(result.passed for result in results)
    failed = len(results) - passed
    lines.append(f"{passed}/{len(results)} scenarios pass" + (
        "" if not failed else f"; {failed} failed: fix the flow, or, if the change is meant, that scenario's "
        "expect: in the file named after it"))
    return "\n".join(lines)
