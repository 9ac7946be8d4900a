"""``flexctl render [STACK ...] [--out DIR]``: what a stack deploys, drawn and checked, without deploying.

For each stack it writes ``build/<stack>/``: per flow the definition JSON (config values filled in,
resource SIDs left as ``${NAME}``), Mermaid and SVG; ``routing.md``; and ``index.html`` showing all of
it. It validates everything on the way (stack config, flows, workflows, triggers) and exits 1 when
anything is wrong, after writing the page that shows what.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flexctl.cli import Subparsers, fail
from studio.words import count

if TYPE_CHECKING:
    from components.settings import StackSettings
    from flexctl.scenarios import FlowReport
    from studio.validate import Problem
    from taskrouter import Target, Workspace

ROOT = Path(__file__).resolve().parents[1]
FINDINGS, UNUSABLE_INPUT = 1, 2


class RenderError(Exception):
    """A stack that does not render cleanly; the message lists every problem (the files are still written)."""


@dataclass
class Rendered:
    """What rendering one stack found: the files, its errors and its warnings."""

    stack: str
    out_dir: Path
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def register(subparsers: Subparsers) -> None:
    """Add ``render``."""
    parser = subparsers.add_parser(
        "render",
        help="render and validate stacks: flow JSON, Mermaid, SVG, a routing summary and index.html",
        description="Render every stack (or the ones named) into build/<stack>/ and validate it. Exit 0 when "
        "everything is valid, 1 when something is not (the page is written and lists the problems), 2 when a "
        "stack file cannot be used.",
    )
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="stack names (default: every Pulumi.<stack>.yaml)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write here (one stack) or into DIR/<stack>/")
    parser.add_argument("--project", type=Path, default=ROOT, metavar="DIR",
                        help="the Pulumi project holding the stack files (default: this checkout)")
    parser.set_defaults(handler=run_render)


def run_render(args: argparse.Namespace) -> int:
    """Handle ``flexctl render``."""
    from components.settings import stack_names

    root: Path = args.project
    stacks: list[str] = args.stacks or stack_names(root)
    status = 0
    for stack in stacks:
        out = args.out if args.out is not None and len(stacks) == 1 else (args.out or root / "build") / stack
        try:
            result = render(stack, out, root=root)
        except (ValueError, OSError) as error:  # unusable stack file: exit 2, like every command's bad input
            status = max(status, fail("render", error, UNUSABLE_INPUT))
            continue
        print(f"{stack}: {result.out_dir / 'index.html'}")
        for line in result.notes:
            print(f"  note: {line}")
        for line in result.warnings:
            print(f"  warning: {line}")
        for line in result.errors:
            print(f"  error: {line}")
        status = max(status, FINDINGS if result.errors else 0)
    return status


def render_stack(stack: str, out_dir: Path | None = None, *, root: Path = ROOT) -> Path:
    """Render and validate ``stack`` into ``out_dir`` (default ``build/<stack>``); the directory written.

    Raises:
        RenderError: the stack has problems (listed); its files are written anyway.
        StackSettingsError: the stack file is missing or has bad values.
    """
    result = render(stack, out_dir or root / "build" / stack, root=root)
    if result.errors:
        problems = "\n".join(f"  - {line}" for line in result.errors)
        raise RenderError(f"stack {stack!r} has problems (see {result.out_dir / 'index.html'}):\n{problems}")
    return result.out_dir


def _addresses(settings: StackSettings) -> dict[str, str]:
    """Each number and Conversations address the stack file lists, with its key path (the first, if twice)."""
    found: dict[str, str] = {}
    for index, number in enumerate(settings.phone_numbers):
        found.setdefault(number.number, f"phoneNumbers[{index}].number")
    for index, address in enumerate(settings.conversations_addresses):
        found.setdefault(address.address, f"conversationsAddresses[{index}].address")
    return found


def numbers_of_other_stacks(stack: str, settings: StackSettings, root: Path) -> list[str]:
    """A number or address this stack lists that another stack file of the project lists too, on the same Twilio.

    A number belongs to one account, and an account to one stack (its claim): one of the two `up`s would fail,
    or point the other environment's calls at its flows. Stacks on another API base (the emulator) are apart.
    """
    from components.settings import StackSettingsError, read_stack_file, stack_names

    mine = _addresses(settings)
    problems = []
    for other in stack_names(root):
        if other == stack:
            continue
        try:
            theirs = read_stack_file(root, other)
        except (StackSettingsError, ValueError, OSError):  # said when that stack is rendered
            continue
        if theirs.api_base_url != settings.api_base_url:
            continue
        for address, where in _addresses(theirs).items():
            if address in mine:
                problems.append(
                    f"Pulumi.{stack}.yaml: {mine[address]} ({address}) is also in Pulumi.{other}.yaml ({where}); a "
                    f"number belongs to one Twilio account and an account to one stack, so give each stack its own "
                    f"(the {stack} account's numbers in Pulumi.{stack}.yaml)")
    return problems


def _keep_hand_edit(path: Path, text: str, rendered_at: float | None, source: str, result: Rendered) -> None:
    """A generated file changed by hand since the last render is moved aside (``.edited``) and said, not lost:
    build/ is output, and editing it changes nothing that deploys."""
    if rendered_at is None or not path.is_file() or path.stat().st_mtime <= rendered_at:
        return
    if path.read_text(encoding="utf-8", errors="replace") == text:
        return
    kept = path.with_name(path.name + ".edited")
    path.replace(kept)
    shown = "" if path.name.startswith("workflow-") else f" (`python -m flexctl diff {path} {kept}` shows it)"
    result.warnings.append(
        f"{path} was edited by hand since the last render; build/ is generated (a deploy never reads it), so it was "
        f"written again and your edit is kept as {kept.name}. Make the change in {source} instead{shown}")


def render(stack: str, out_dir: Path, *, root: Path = ROOT) -> Rendered:
    """Write every file of ``stack`` into ``out_dir`` and report what is wrong with it.

    What is checked is the stack's plan (``components.plan.plan_stack``), the same check ``pulumi preview``
    runs, so the two always agree.
    """
    from components.plan import read_stack_plan
    from components.routing import slug
    from studio.captions import captions
    from studio.diagram import to_mermaid, to_svg

    plan = read_stack_plan(root, stack)
    result = Rendered(stack, out_dir)
    result.errors += plan.problems
    result.errors += numbers_of_other_stacks(stack, plan.settings, root)
    if plan.not_deployed:
        result.notes.append(f"not deployed in {stack} (no number or address starts them, and flows in "
                            f"Pulumi.{stack}.yaml does not list them): {', '.join(plan.not_deployed)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    rendered_at = index.stat().st_mtime if index.is_file() else None
    sections: dict[str, str] = {}
    result.warnings += grouped_warnings([(planned.name, problem) for planned in plan.flows
                                         for problem in planned.findings if problem.severity != "error"])
    for planned in plan.flows:
        definition = planned.definition()
        named = {parameter: source.name for parameter, source in planned.sources.items()}
        mermaid, svg = to_mermaid(definition), to_svg(definition, captions(definition, named))
        text = json.dumps(definition, indent=2, ensure_ascii=False) + "\n"
        _keep_hand_edit(out_dir / f"{planned.name}.json", text, rendered_at, planned.entry.where, result)
        (out_dir / f"{planned.name}.json").write_text(text)
        (out_dir / f"{planned.name}.mmd").write_text(mermaid)
        (out_dir / f"{planned.name}.svg").write_text(svg)
        filled = [f"{name} ({source.describe()})" for name, source in sorted(planned.sources.items())]
        sections[planned.name] = _flow_section(planned.name, planned.friendly_name, planned.definition_hash,
                                               planned.triggers, filled, svg, mermaid)
    reports = scenario_reports(stack, root, result)
    summary = routing_summary(plan.workspace, reports)
    (out_dir / "routing.md").write_text("\n".join(line for table in summary for line in table.markdown()))
    for friendly_name, configuration in plan.workflow_configurations().items():
        path = out_dir / f"workflow-{slug(friendly_name)}.json"
        _keep_hand_edit(path, configuration, rendered_at, "the module of the @routing function", result)
        path.write_text(configuration)
    scenarios = scenario_tables(stack, reports, result)
    (out_dir / "index.html").write_text(_page(stack, plan.settings.account_sid, sections, summary, result, scenarios))
    return result


def grouped_warnings(found: Sequence[tuple[str, Problem]]) -> list[str]:
    """Each warning once: one that several flows share (the same widget in each) names them all, in words.

    The lines are warnings wherever they are shown (``warning:`` in the terminal, the page's warning list), so
    they do not say it again.
    """
    groups: dict[tuple[str, str], list[tuple[str, Problem]]] = {}
    for flow, problem in found:
        groups.setdefault((problem.code, problem.message), []).append((flow, problem))
    lines = []
    for (code, message), members in groups.items():
        if len({(flow, problem.widget) for flow, problem in members}) == 1:  # one widget: one or more properties
            flow, problem = members[0]
            where = f"widget {problem.widget!r}" if problem.widget is not None else "flow"
            lines.append(f"flow {flow}: [{problem.kind}] {where} at "
                         f"{' and '.join(p.property_path for _, p in members)}: {message}")
            continue
        places = ", ".join(dict.fromkeys(f"{flow} ({problem.widget})" if problem.widget else flow
                                         for flow, problem in members))
        guess = _UNCONFIRMED_TYPE.search(message) if code == "unconfirmed" else None
        if guess:
            lines.append(f"To check once before going live (nothing is wrong now): the Studio step type "
                         f"'{guess[1]}' is our best reading of Twilio's documentation, not yet confirmed by a flow "
                         f"exported from the Twilio Console; export one of these flows from the Console and compare. "
                         f"Used in {places}.")
        else:
            lines.append(f"flows {places}: {message}")
    return lines


_UNCONFIRMED_TYPE = re.compile(r"no public source confirms the type string '([^']+)'")


def scenario_reports(stack: str, root: Path, result: Rendered) -> list[FlowReport]:
    """The stack's scenarios run (``flexctl test-flows``); none, with a warning, when they cannot run."""
    from flexctl.scenarios import ScenarioError, run_scenarios

    try:
        return run_scenarios(stack, root=root)
    except ScenarioError as error:
        if not result.errors:  # else it is one of them, said once
            result.warnings.append(f"scenarios: {error}")
        return []


def scenario_tables(stack: str, reports: Sequence[FlowReport], result: Rendered) -> list[Table]:
    """Each flow's scenarios with pass/fail and coverage; failures become warnings."""
    tables = []
    failing = [(report.flow, item) for report in reports for item in report.results if not item.passed]
    if failing and result.errors:  # mostly what the errors above cause: one line, the details in index.html
        result.notes.append(f"{count(len(failing), 'scenario')} of {', '.join(dict.fromkeys(f for f, _ in failing))} "
                            f"{'fails' if len(failing) == 1 else 'fail'} while the stack has the errors below; fix "
                            f"them first, then `flexctl test-flows --stack {stack}`")
    else:
        result.warnings += [f"scenario {flow}: {item.name!r} fails: {'; '.join(item.failures)}"
                            for flow, item in failing]
    for report in reports:
        rows = tuple((item.name, "pass" if item.passed else "FAIL", "; ".join(item.failures))
                     for item in report.results)
        missed = report.coverage.missed_widgets + report.coverage.missed_transitions
        rows += (("coverage", report.coverage.summary(), "not exercised: " + (", ".join(missed) or "nothing")),)
        tables.append(Table(f"Scenarios of {report.flow}", ("scenario", "result", "details"), rows))
    return tables


@dataclass(frozen=True)
class Table:
    """A titled table of the routing summary; drawn as Markdown (routing.md) and HTML (index.html)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def markdown(self) -> list[str]:
        """The table as Markdown lines."""
        return [f"## {self.title}", "", "| " + " | ".join(self.header) + " |", "|" + " --- |" * len(self.header),
                *("| " + " | ".join(row) + " |" for row in self.rows), ""]

    def html(self) -> str:
        """The table as HTML."""
        esc = html.escape
        head = "".join(f"<th>{esc(cell)}</th>" for cell in self.header)
        body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in self.rows)
        return f"<h3>{esc(self.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def routing_summary(workspace: Workspace, reports: Sequence[FlowReport] = ()) -> list[Table]:
    """The queues, each workflow's filters and targets, and where the tasks of the stack's scenarios go (each
    scenario that hands a task to a workflow: the queues it is offered to, in order)."""
    tables = [Table(f"Queues of {workspace.friendly_name}", ("queue", "key", "target workers"),
                    tuple((q.friendly_name, q.key, q.target_workers) for q in workspace.task_queues))]
    for workflow in workspace.workflows:
        rules = [(item.name or item.expression, item.expression, " → ".join(map(_target, item.targets)))
                 for item in workflow.filters]
        if workflow.default_filter is not None:
            rules.append(("default", "(no filter matched)", _target(workflow.default_filter)))
        tables.append(Table(f"Workflow {workflow.friendly_name}", ("filter", "expression", "targets"), tuple(rules)))
        routes = tuple((f"{item.name} ({report.flow})", " → ".join(item.run.queues))
                       for report in reports for item in report.results
                       if item.run is not None and item.run.route is not None
                       and item.run.workflow == workflow.friendly_name)
        if routes:
            tables.append(Table(f"Where the scenarios' tasks go through {workflow.friendly_name}",
                                ("scenario (flow)", "queues in order"), routes))
    return tables


def _target(target: Target) -> str:
    parts = [target.queue.friendly_name if target.queue is not None else "(same queue)"]
    if target.priority is not None:
        parts.append(f"priority {target.priority}")
    if target.timeout is not None:
        parts.append(f"for {target.timeout}s")
    return " ".join(parts)


def _flow_section(key: str, name: str, digest: str, triggers: Sequence[str], unfilled: Sequence[str],
                  svg: str, mermaid: str) -> str:
    esc = html.escape
    svg = re.sub(r'id="arrow"', f'id="arrow-{key}"', svg).replace("url(#arrow)", f"url(#arrow-{key})")
    svg = svg.replace("<svg ", f'<svg data-flow="{esc(key)}" role="img" aria-label="{esc(name)}" '
                      f'style="{diagram_size(svg)}" ', 1)
    return f"""<section id="flow-{esc(key)}">
<h2>{esc(name)} <small>({esc(key)})</small></h2>
<p>Started by: {esc(", ".join(triggers))}.
Filled at deploy time: {esc(", ".join(unfilled) or "nothing")}.
Definition hash: <code>{esc(digest[:16])}</code>.
Files: <a href="{esc(key)}.json">{esc(key)}.json</a>, <a href="{esc(key)}.mmd">{esc(key)}.mmd</a>,
<a href="{esc(key)}.svg">{esc(key)}.svg</a>.</p>
<div class="diagram">{svg}</div>
<details><summary>Mermaid</summary><pre>{esc(mermaid)}</pre></details>
</section>"""


SMALLEST_SCALE = 0.6
"""A diagram wider than its frame is drawn smaller, down to this scale; below it, it scrolls inside the frame."""


def diagram_size(svg: str) -> str:
    """The CSS that fits a diagram to its frame: as wide as the frame and no wider than drawn, never smaller
    than :data:`SMALLEST_SCALE` of its drawn width (the frame scrolls instead), its height following."""
    drawn = re.search(r'<svg[^>]*\swidth="(\d+(?:\.\d+)?)"', svg)
    width = float(drawn[1]) if drawn else 0.0
    if not width:
        return "max-width: 100%; height: auto"
    return f"width: 100%; max-width: {width:.0f}px; min-width: {width * SMALLEST_SCALE:.0f}px; height: auto"


def _page(stack: str, account_sid: str, sections: Mapping[str, str], summary: Sequence[Table], result: Rendered,
          scenarios: Sequence[Table] = ()) -> str:
    esc = html.escape
    problems = "".join(f'<li class="error">{esc(line)}</li>' for line in result.errors)
    notes = "".join(f'<li class="warning">{esc(line)}</li>' for line in result.warnings)
    notes += "".join(f'<li class="note">{esc(line)}</li>' for line in result.notes)
    status = "valid" if not result.errors else count(len(result.errors), "error")
    nav = " · ".join(f'<a href="#flow-{esc(key)}">{esc(key)}</a>' for key in sections)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>flex-pre-agent: stack {esc(stack)}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em auto; padding: 0 2em; max-width: 1600px;
  color: #1f2933; }}
.diagram {{ overflow: auto; border: 1px solid #cbd2d9; padding: 0.5em; }}
.diagram svg {{ display: block; margin: 0 auto; }}
.error {{ color: #b42318; }} .warning, .note {{ color: #3e4c59; }}
li {{ margin-bottom: 0.3em; }} code {{ overflow-wrap: anywhere; }}
pre {{ background: #f5f7fa; padding: 1em; overflow: auto; }}
table {{ border-collapse: collapse; margin-bottom: 1em; }} th, td {{ border: 1px solid #cbd2d9; padding: 0.3em 0.6em; }}
</style>
</head>
<body>
<h1>Stack {esc(stack)} <small>({esc(account_sid)}, {esc(status)})</small></h1>
<nav>{nav} · <a href="#routing">routing</a> · <a href="#scenarios">scenarios</a></nav>
<h2>Problems</h2>
<ul>{problems or "<li>none</li>"}</ul>
{f"<h2>Good to know</h2><ul>{notes}</ul>" if notes else ""}
{"".join(sections.values())}
<section id="routing">
<h2>Routing</h2>
{"".join(table.html() for table in summary)}
</section>
<section id="scenarios">
<h2>Scenarios</h2>
{"".join(table.html() for table in scenarios) or "<p>none (write flows/scenarios/&lt;flow&gt;.yaml)</p>"}
</section>
</body>
</html>
"""
