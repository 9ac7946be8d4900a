"""Scenarios: contacts with expected outcomes, run caller to queue through a stack's flows and routing.

A flow's scenarios live beside the flows, in ``flows/scenarios/<flow name>.yaml`` (found by the flow's
name; nothing lists them)::

    defaults:                      # optional: merged into every contact
      at: "2026-12-07T10:00"       # a Monday, in the stack's timeZone unless tz is given
    scenarios:
      - name: VIP by profile trait
        contact: {traits: {vip: true}}          # event, from, to, body, answers, at, tz, traits, mocks, parameters
        expect: {ending: flex, queue: vip, priority: 100, attributes: {vip: true},
                 heard: ["..."], widgets: [vip_check, vip_to_flex]}

``expect`` keys: ``ending`` (flex, hangup, voicemail, message, ...), ``queue`` (the first queue's key),
``queues`` (every queue in order), ``priority`` (the task's: the workflow step's, else Send to Flex's),
``attributes`` (a subset of the task attributes), ``heard`` (texts, each contained in what the contact
heard or read, in order), ``widgets`` (visited in this order, others in between allowed).

Coverage: the widgets and transitions (widget, event) of a flow that no scenario took.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from studio.simulate import Contact, Mock, Simulation, SimulationInputError, simulate

if TYPE_CHECKING:
    from taskrouter import RouteResult, Workflow

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = Path("flows") / "scenarios"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file, the scenario and the key."""


# --- one stack's flows: the one place that knows how they are built ------------------------------------


@dataclass(frozen=True)
class StackFlow:
    """A flow as a stack deploys it, and the workflows its Send to Flex can name."""

    name: str
    definition: Mapping[str, Any]
    workflows: Mapping[str, Workflow]
    """By the text Send to Flex's ``workflow`` renders to (``${WORKFLOW_SID}``) and by friendly name."""
    time_zone: str
    addresses: Mapping[str, str] = field(default_factory=dict)
    """The number or address that starts it, by trigger event (the first the stack file binds)."""


def stack_flows(stack: str, root: Path = ROOT) -> dict[str, StackFlow]:
    """Every flow ``stack`` deploys, by name (built by ``components.plan``, as ``flexctl render`` does)."""
    from components.plan import ROUTING_PROBLEM, read_stack_plan

    plan = read_stack_plan(root, stack)
    unrouted = [problem for problem in plan.problems if problem.startswith(ROUTING_PROBLEM)]
    if unrouted:  # every task would be routed nowhere: say why once, rather than fail every scenario for it
        raise ScenarioError(f"stack {stack!r}: {unrouted[0]}; fix it first (`flexctl render {stack}` lists every "
                            "problem)")
    planned_names = {planned.name for planned in plan.flows}
    unbuilt = [name for name in (*plan.settings.bound_flows, *plan.settings.flows) if name not in planned_names]
    if unbuilt or (plan.problems and not plan.flows):  # its scenarios would be skipped, and 0/0 would pass
        why = [problem for problem in plan.problems if any(f"flow {name!r}" in problem for name in unbuilt)]
        names = ", ".join(dict.fromkeys(unbuilt)) or "any flow"
        raise ScenarioError(f"stack {stack!r}: {(why or plan.problems)[0]}; the scenarios of {names} cannot run: fix "
                            f"it first (`flexctl render {stack}` lists every problem)")
    by_name = {workflow.friendly_name: workflow for workflow in plan.workspace.workflows}
    flows = {}
    for planned in plan.flows:
        workflows = dict(by_name)
        workflows.update({"${" + parameter + "}": by_name[source.name] for parameter, source in planned.sources.items()
                          if source.kind == "workflow" and source.name in by_name})
        addresses: dict[str, str] = {}
        for binding in plan.settings.bound_flows.get(planned.name, []):
            addresses.setdefault(binding.event, binding.address)
        flows[planned.name] = StackFlow(planned.name, planned.definition(), workflows, plan.settings.time_zone,
                                        addresses)
    return flows


# --- caller to queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerToQueue:
    """A simulated execution and, when it handed a task over, where TaskRouter routes it."""

    simulation: Simulation
    route: RouteResult | None
    workflow: str | None = None
    """The workflow the task was routed through (friendly name), or why none was."""

    @property
    def queues(self) -> tuple[str, ...]:
        """Queue keys the task goes through, in order (empty without a route)."""
        return () if self.route is None else self.route.queues

    @property
    def priority(self) -> int | None:
        """The task's priority in its first queue: the workflow step's, else Send to Flex's."""
        if self.route is not None and self.route.steps and self.route.steps[0].priority is not None:
            return self.route.steps[0].priority
        handoff = self.simulation.handoff
        return None if handoff is None else handoff.priority

    def render(self) -> str:
        """The simulation's account, then the route."""
        text = self.simulation.render()
        if self.route is not None:
            text += f"\nrouting through {self.workflow}:\n" + self.route.render()
        elif self.simulation.handoff is not None:
            text += f"\nrouting: {self.workflow}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {**self.simulation.to_dict(), "workflow": self.workflow,
                "route": None if self.route is None else self.route.to_dict(), "priority": self.priority}


def caller_to_queue(definition: Mapping[str, Any], contact: Contact,
                    workflows: Mapping[str, Workflow] | None = None) -> CallerToQueue:
    """Simulate ``contact`` through the flow, then route its task through the workflow Send to Flex names.

    ``workflows`` maps what Send to Flex's ``workflow`` renders to (a SID, ``${NAME}``, a friendly name) to
    the workflow; a single workflow given under ``"*"`` routes every task.
    """
    from taskrouter import route

    simulation = simulate(definition, contact)
    handoff = simulation.handoff
    if handoff is None or not workflows:
        return CallerToQueue(simulation, None, None if handoff is None else "no workflow given (--workflow)")
    workflow = workflows.get(handoff.workflow) or workflows.get("*")
    if workflow is None:
        return CallerToQueue(simulation, None, f"no workflow known as {handoff.workflow!r}")
    return CallerToQueue(simulation, route(workflow, dict(handoff.attributes)), workflow.friendly_name)


# --- scenario files -------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ContactSpec(_Strict):
    """A contact as a scenario file writes it."""

    event: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    body: str | None = None
    answers: tuple[str | int, ...] | None = None
    """Digits may be written unquoted in YAML (answers: [1, 2]); they are read as the keys pressed."""
    at: dt.datetime | None = None
    tz: str | None = None
    traits: dict[str, Any] | None = None
    mocks: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None
    trigger: dict[str, Any] | None = None
    """More of what the trigger carries (trigger.call/message/conversation...): ChannelAttributes, FromCity..."""

    @field_validator("mocks")
    @classmethod
    def _mapping_not_json_text(cls, mocks: dict[str, Any] | None) -> dict[str, Any] | None:
        # `simulate --mock NAME='{"event": ...}'` takes JSON text; copied into YAML in quotes it read as an event name
        for name, value in (mocks or {}).items():
            if isinstance(value, str) and value.lstrip().startswith("{"):
                raise ValueError(
                    f"the mock of {name} is JSON text in quotes, read as an event name; a scenario file writes the "
                    f"canned result as YAML itself: {name}: {{event: success, body: {{...}}}} (or {name}: EVENT)")
        return mocks


class Expect(_Strict):
    """What a scenario expects; every key is optional."""

    ending: str | None = None
    queue: str | None = None
    queues: tuple[str, ...] | None = None
    priority: int | None = None
    attributes: dict[str, Any] | None = None
    heard: tuple[str, ...] | None = None
    widgets: tuple[str, ...] | None = None


class Scenario(_Strict):
    """One contact and what should happen to it."""

    name: str
    contact: ContactSpec = ContactSpec()
    expect: Expect


class ScenarioFile(_Strict):
    """A flow's scenario file."""

    defaults: ContactSpec = ContactSpec()
    scenarios: tuple[Scenario, ...] = Field(min_length=1)


def scenario_file(flow: str, root: Path = ROOT) -> Path:
    """Where the scenarios of ``flow`` live."""
    return root / SCENARIO_DIR / f"{flow}.yaml"


def load_scenarios(path: Path) -> ScenarioFile:
    """Read and check a scenario file; :class:`ScenarioError` names the file, scenario and key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as error:
        problems = []
        errors = error.errors()
        for item in errors:
            if item["type"] == "too_short" and len(errors) > 1:  # pydantic counts only the scenarios that validated
                continue
            where = _where(data, item["loc"])
            unknown = item["type"] == "extra_forbidden"
            problems.append(f"{where}: {_unknown_key(item['loc']) if unknown else item['msg']}")
        raise ScenarioError(f"{path}: " + "; ".join(problems)) from None


def _unknown_key(loc: Sequence[int | str]) -> str:
    """An unknown key in words: the keys its section takes, and the near miss (``queu``: did you mean queue?)."""
    parent = next((key for key in reversed(loc[:-1]) if isinstance(key, str)), None)
    models: dict[str, type[_Strict]] = {"expect": Expect, "contact": ContactSpec, "defaults": ContactSpec,
                                        "scenarios": Scenario}
    model = models.get(str(parent), ScenarioFile)
    known = [field.alias or name for name, field in model.model_fields.items()]
    close = get_close_matches(str(loc[-1]), known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown key; {hint}the keys here are {', '.join(known)}"


def _where(data: object, loc: Sequence[int | str]) -> str:
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            name = node.get("name") if isinstance(node, dict) else None
            parts.append(f"[{key}]" + (f" ({name!r})" if name else ""))
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(f".{key}" if parts else str(key))
    return "".join(parts) or "the file"


def contact_of(spec: ContactSpec, defaults: ContactSpec, time_zone: str) -> Contact:
    """The simulator's :class:`Contact` for a scenario (its values over the file's defaults)."""
    merged = {**defaults.model_dump(exclude_none=True), **spec.model_dump(exclude_none=True)}
    options: dict[str, Any] = {"tz": merged.get("tz", time_zone)}
    for key in ("event", "from_", "to", "body", "at", "traits", "parameters", "trigger"):
        if key in merged:
            options[key] = merged[key]
    if "answers" in merged:
        options["answers"] = tuple(str(answer) for answer in merged["answers"])
    if "mocks" in merged:
        options["mocks"] = {name: Mock.from_value(value) for name, value in merged["mocks"].items()}
    return Contact(**options)


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's run and what did not go as expected (empty when it passed)."""

    flow: str
    name: str
    run: CallerToQueue | None
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


def check(expect: Expect, run: CallerToQueue, queues: Mapping[str, str] | None = None,
          widgets: Sequence[str] = ()) -> list[str]:
    """Every expectation of ``expect`` that ``run`` does not meet, in words.

    ``queues``: the stack's queues, friendly name by key, to say when an expected queue is none of their keys;
    ``widgets``: the flow's widget names, to say when an expected widget is none of them.
    """
    simulation = run.simulation
    failures = []
    if expect.ending is not None and simulation.ending.kind != expect.ending:
        failures.append(f"ending: expected {expect.ending}, got {simulation.ending.kind} ({simulation.ending.reason})")
    if expect.queue is not None and run.queues[:1] != (expect.queue,):
        failures.append(f"queue: expected {expect.queue}, got {run.queues[0] if run.queues else 'none'}"
                        + ("" if run.route else f" ({run.workflow or 'no task was handed over'})")
                        + _not_a_queue_key((expect.queue,), queues))
    if expect.queues is not None and run.queues != expect.queues:
        failures.append(f"queues: expected {list(expect.queues)}, got {list(run.queues)}"
                        + _not_a_queue_key(expect.queues, queues))
    if expect.priority is not None and run.priority != expect.priority:
        failures.append(f"priority: expected {expect.priority}, got {run.priority}")
    if expect.attributes is not None:
        actual = dict(simulation.handoff.attributes) if simulation.handoff else {}
        wrong = {key: actual.get(key, "(missing)") for key, value in expect.attributes.items()
                 if actual.get(key, object()) != value}
        if wrong:
            failures.append(f"attributes: expected {json.dumps(expect.attributes)}, got {json.dumps(wrong)} for them")
    if expect.heard is not None:
        missing = _not_in_order(expect.heard, simulation.heard, contains=True)
        if missing is not None:
            failures.append(f"heard: {missing!r} not heard (in order); heard {list(simulation.heard)}")
    if expect.widgets is not None:
        missing = _not_in_order(expect.widgets, simulation.widgets, contains=False)
        if missing is not None:
            failures.append(f"widgets: {missing!r} not visited (in order)"
                            f"{_not_a_widget(missing, widgets)}; path {list(simulation.widgets)}")
    if failures:  # a Liquid read that found nothing explains many a failure: a near miss, or what was compared
        failed = {failure.split(":", 1)[0] for failure in failures}
        compared = {output.widget for output in simulation.outputs} if "heard" in failed else set()
        if simulation.handoff is not None and "attributes" in failed:
            compared.add(simulation.handoff.widget)
        for item in simulation.undefined:
            hint = _stored_instead(item.path, simulation.context)
            if "did you mean" in hint or item.widget in compared:
                failures.append(f"rendered empty: {{{{{item.path}}}}} in {item.widget}.{item.property}{hint}")
    return failures


def _not_a_queue_key(expected: Sequence[str], queues: Mapping[str, str] | None) -> str:
    """Why an expected queue can never match: it is a queue's friendly name, or no queue's key at all."""
    if not queues:
        return ""
    for name in expected:
        if name in queues:
            continue
        by_name = [key for key, friendly in queues.items() if friendly.casefold() == name.casefold()]
        if by_name:
            return f"; {name!r} is the friendly name of queue {by_name[0]!r}: scenarios name queues by key"
        close = get_close_matches(name, list(queues), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"; {name!r} is no queue key of the stack's routing{hint}: the keys are {', '.join(queues)}"
    return ""


def _not_a_widget(name: str, widgets: Sequence[str]) -> str:
    """Why an expected widget can never be visited: the flow has none of that name (a typo, a renamed widget)."""
    if not widgets or name in widgets:
        return ""
    close = get_close_matches(name, list(widgets), n=1)
    named = f"did you mean {close[0]!r}?" if close else f"its widgets are {', '.join(widgets)}"
    return f"; {name!r} is no widget of this flow ({named})"


def _stored_instead(path: str, context: Mapping[str, Any]) -> str:
    """What the run held where a Liquid path found nothing: the near miss one level down (a trait read without
    ``profile``), a misspelt key, or the keys there are."""
    segments = path.split(".")
    node: Any = context
    for depth, segment in enumerate(segments):
        if not isinstance(node, Mapping):
            return ""
        if segment not in node:
            where = ".".join(segments[:depth])
            below = [key for key, value in node.items() if isinstance(value, Mapping) and segment in value]
            if below:
                return f" ({where} holds {below[0]}.{segment}: did you mean {{{{{where}.{below[0]}.{segment}}}}}?)"
            close = get_close_matches(segment, [str(key) for key in node], n=1)
            if close:
                return f" (did you mean {{{{{where}.{close[0]}}}}}?)"
            keys = ", ".join(sorted(map(str, node))) or "nothing"
            return f" ({where} holds {keys})" if where else ""
        node = node[segment]
    return ""


def _not_in_order(wanted: Sequence[str], seen: Sequence[str], *, contains: bool) -> str | None:
    position = 0
    for item in wanted:
        while position < len(seen) and not (item in seen[position] if contains else item == seen[position]):
            position += 1
        if position == len(seen):
            return item
        position += 1
    return None


@dataclass
class Coverage:
    """What a flow's scenarios exercised."""

    flow: str
    widgets: set[str] = field(default_factory=set)
    transitions: set[tuple[str, str]] = field(default_factory=set)
    taken_widgets: set[str] = field(default_factory=set)
    taken_transitions: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, flow: str, definition: Mapping[str, Any]) -> Coverage:
        """Every widget and connected transition of ``definition``."""
        coverage = cls(flow)
        for state in definition.get("states", ()):
            coverage.widgets.add(state["name"])
            coverage.transitions |= {(state["name"], t["event"]) for t in state.get("transitions", ())
                                     if t.get("next")}
        return coverage

    def add(self, simulation: Simulation) -> None:
        """Count what one run took."""
        self.taken_widgets.update(simulation.widgets)
        self.taken_transitions.update((step.widget, step.event) for step in simulation.path if step.next)

    @property
    def missed_widgets(self) -> list[str]:
        """Widgets no scenario visited."""
        return sorted(self.widgets - self.taken_widgets)

    @property
    def missed_transitions(self) -> list[str]:
        """Connected transitions no scenario took, as ``widget.event``."""
        return [f"{widget}.{event}" for widget, event in sorted(self.transitions - self.taken_transitions)]

    def summary(self) -> str:
        """One line: the share of widgets and transitions exercised."""
        return (f"{len(self.widgets & self.taken_widgets)}/{len(self.widgets)} widgets, "
                f"{len(self.transitions & self.taken_transitions)}/{len(self.transitions)} transitions")


@dataclass(frozen=True)
class FlowReport:
    """A flow's scenario results and coverage (``results`` is empty when it has no scenario file)."""

    flow: str
    path: Path
    results: tuple[ScenarioResult, ...]
    coverage: Coverage


def widget_names(definition: Mapping[str, Any]) -> list[str]:
    """The names of the widgets of a flow definition, in its order."""
    return [str(state.get("name")) for state in definition.get("states") or () if isinstance(state, Mapping)]


def unknown_mocks(definition: Mapping[str, Any], mocks: Iterable[str], what: str) -> str | None:
    """What to say when ``mocks`` name widgets ``definition`` does not have (a mock of none would be ignored)."""
    widgets = widget_names(definition)
    unknown = [name for name in mocks if name not in widgets]
    if not unknown:
        return None
    close = [match for name in unknown for match in get_close_matches(name, widgets, n=1)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return (f"{what} {', '.join(unknown)}: the flow has no widget of that name{hint}, so the mock would never be "
            f"used; mock one of {', '.join(widgets)}")


def not_deployed(stack: str, flows: Iterable[str], names: Sequence[str], root: Path = ROOT) -> str:
    """What to say when ``names`` are not among the ``flows`` a stack deploys: those it does, the nearest, and the
    stacks that deploy them."""
    deployed = list(flows)
    close = [match for name in names for match in get_close_matches(name, deployed, n=1)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    from flows.registry import all_flows

    registered = all_flows()
    elsewhere = "".join(f"; {deployed_elsewhere(name, root)}" for name in names if not close and name in registered)
    return f"stack {stack!r} deploys {', '.join(deployed) or 'no flow'}, not {', '.join(names)}{hint}{elsewhere}"


def deployed_elsewhere(flow: str, root: Path = ROOT) -> str:
    """Which stacks deploy ``flow`` (their files bind or list it), as the fix for a command run on another."""
    from components.settings import read_stack_file, stack_names

    stacks = []
    for stack in stack_names(root):
        try:
            settings = read_stack_file(root, stack)
        except Exception:  # a stack file with mistakes is reported by render, not here
            continue
        if flow in settings.bound_flows or flow in settings.flows:
            stacks.append(stack)
    if stacks:
        named = " and ".join([", ".join(stacks[:-1]), stacks[-1]] if len(stacks) > 1 else stacks)
        return f"{named} {'deploys' if len(stacks) == 1 else 'deploy'} {flow}: pass --stack {stacks[0]}"
    return (f"no stack deploys {flow}: bind it to a number or address in a stack file, or list it under flows "
            "there, to try it")


def unrun_scenarios(stack: str, reports: Sequence[FlowReport], root: Path = ROOT) -> list[str]:
    """A line for each scenario file whose flow ``stack`` does not deploy: it did not run, and where it would."""
    from flows.registry import all_flows, suggest

    ran, registered = {report.flow for report in reports}, all_flows()
    return [f"{path.stem}: not deployed in {stack}, so {path.relative_to(root)} did not run; "
            f"{deployed_elsewhere(path.stem, root)}" if path.stem in registered else
            f"{path.relative_to(root)} is named after no registered flow{suggest(path.stem, list(registered))}, so it "
            "never runs: name it after its flow"
            for path in sorted((root / SCENARIO_DIR).glob("*.yaml")) if path.stem not in ran]


def run_scenarios(stack: str, *, root: Path = ROOT, only: Sequence[str] = ()) -> list[FlowReport]:
    """Run the scenarios of every flow ``stack`` deploys (or those named in ``only``).

    Raises:
        ScenarioError: a scenario file cannot be used, or ``only`` names a flow the stack does not deploy.
    """
    flows = stack_flows(stack, root)
    unknown = [name for name in only if name not in flows]
    if unknown:
        raise ScenarioError(not_deployed(stack, flows, unknown, root))
    reports = []
    for name, flow in flows.items():
        if only and name not in only:
            continue
        path = scenario_file(name, root)
        coverage = Coverage.of(name, flow.definition)
        results: list[ScenarioResult] = []
        if path.is_file():
            scenarios = load_scenarios(path)
            for scenario in scenarios.scenarios:
                results.append(_run_one(name, scenario, scenarios.defaults, flow, coverage, path))
        reports.append(FlowReport(name, path, tuple(results), coverage))
    return reports


def _run_one(flow: str, scenario: Scenario, defaults: ContactSpec, stack_flow: StackFlow, coverage: Coverage,
             path: Path) -> ScenarioResult:
    try:
        contact = contact_of(scenario.contact, defaults, stack_flow.time_zone)
        unknown = unknown_mocks(stack_flow.definition, contact.mocks, "mocks")
        if unknown:
            raise ScenarioError(f"{path}: scenario {scenario.name!r}: {unknown}")
        run = caller_to_queue(stack_flow.definition, contact, stack_flow.workflows)
    except SimulationInputError as error:
        raise ScenarioError(f"{path}: scenario {scenario.name!r}: {error}") from None
    coverage.add(run.simulation)
    queues = {queue.key: queue.friendly_name for workflow in dict.fromkeys(stack_flow.workflows.values())
              for queue in workflow.queues()}
    widgets = widget_names(stack_flow.definition)
    return ScenarioResult(flow, scenario.name, run, tuple(check(scenario.expect, run, queues, widgets)))
