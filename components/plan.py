"""What a stack deploys, decided from its settings and the flows under ``flows/``, without Pulumi.

:func:`plan_stack` is the one check that ``flexctl render``, ``pulumi preview``/``up`` (through
``__main__.py``) and ``flexctl pr-summary`` share, so they always agree: which registered flows the stack
deploys (those its numbers and addresses start, plus its ``flows`` list), each flow built with the stack's
:class:`~flows.registry.FlowContext`, where each of its parameters gets its value, the routing, and every
problem (an unknown flow name, a number pointed at a flow that does not handle its trigger, a parameter
nothing can fill, a subflow the stack does not deploy, a flow Studio would reject), each naming the stack
file or flow file and the fix.
"""

from __future__ import annotations

import builtins
import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from components.settings import StackSettings, config_keys, config_path, plain_message, read_stack_file
from flows import registry
from flows.registry import FlowContext, FlowEntry, RegistryError, Source, definition_hash, suggest
from studio import Flow
from studio.params import PLACEHOLDER
from studio.validate import Problem, validate_definition
from studio.words import count
from taskrouter import Workspace, lint
from taskrouter.models import Workflow

ROUTING_PROBLEM = "routing cannot be built: "
"""How a problem with the ``@routing`` function starts (every task of the stack would go nowhere)."""


class StackPlanError(ValueError):
    """A stack that cannot be deployed as it stands; the message lists every problem with its fix."""


@dataclass(frozen=True)
class PlannedFlow:
    """One flow a stack deploys: built, its parameters' sources and config values, its triggers."""

    entry: FlowEntry
    flow: Flow
    sources: Mapping[str, Source]
    """Every parameter the flow uses that a deployed object fills (workflow, channel, queue, another flow)."""
    values: Mapping[str, str]
    """Every parameter the stack's config fills, with its value."""
    triggers: tuple[str, ...]
    """The numbers and addresses that start it, in words."""
    findings: tuple[Problem, ...] = ()
    """What Studio's rules say about the definition (errors and warnings)."""

    @property
    def name(self) -> str:
        """The flow's registered name (``voice``): stack files and resource names use it."""
        return self.entry.name

    @property
    def friendly_name(self) -> str:
        """The Studio flow's friendly name."""
        return self.entry.friendly_name

    @property
    def definition_hash(self) -> str:
        """SHA-256 of the environment-independent definition (every parameter as ``${NAME}``)."""
        return definition_hash(self.flow)

    def definition(self) -> dict[str, Any]:
        """The definition with config values filled and SIDs of deployed objects left as ``${NAME}``."""
        return self.flow.to_definition(dict(self.values), placeholders=True)

    def subflows(self) -> list[str]:
        """The flows whose SID this one uses (Run Subflow)."""
        return sorted({source.name for source in self.sources.values() if source.kind == "flow"})


@dataclass(frozen=True)
class StackPlan:
    """Everything one stack deploys, before any SID is known, and everything wrong with it."""

    stack: str
    settings: StackSettings
    workspace: Workspace
    flows: tuple[PlannedFlow, ...]
    """In deployment order: a subflow before the flows that run it."""
    not_deployed: tuple[str, ...]
    """Registered flows that nothing in this stack starts or lists."""
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def where(self) -> str:
        """The stack file."""
        return f"Pulumi.{self.stack}.yaml"

    def flow(self, name: str) -> PlannedFlow:
        """The deployed flow ``name``."""
        return next(planned for planned in self.flows if planned.name == name)

    def raise_if_problems(self) -> None:
        """Raise :class:`StackPlanError` listing every problem, if there is any."""
        if self.problems:
            listed = "\n".join(f"  - {problem}" for problem in self.problems)
            raise StackPlanError(f"stack {self.stack!r} cannot be deployed ({count(len(self.problems), 'problem')})"
                                 f":\n{listed}")

    def workflow_configurations(self) -> dict[str, str]:
        """Each workflow's configuration JSON (indented) by friendly name, queue SIDs as ``${<queue key>}``."""
        return {workflow.friendly_name: json.dumps(json.loads(workflow.to_json(
            {queue.key: "${" + queue.key + "}" for queue in workflow.queues()})), indent=2, ensure_ascii=False) + "\n"
            for workflow in self.workspace.workflows}

    def workflow(self, friendly_name: str) -> Workflow:
        """The workflow named ``friendly_name``."""
        return next(workflow for workflow in self.workspace.workflows if workflow.friendly_name == friendly_name)


def context_of(settings: StackSettings, stack: str) -> FlowContext:
    """The :class:`FlowContext` builders get in ``stack``."""
    hours = settings.business_hours
    return FlowContext(languages=settings.languages, vip_trait=settings.vip_trait, time_zone=settings.time_zone,
                       business_days=hours.days, open_time=hours.open, close_time=hours.close, stack=stack)


def read_stack_plan(root: Path, stack: str) -> StackPlan:
    """The plan of ``Pulumi.<stack>.yaml`` in ``root`` (a bad stack file raises ``StackSettingsError``)."""
    return plan_stack(read_stack_file(root, stack), stack)


def plan_stack(settings: StackSettings, stack: str) -> StackPlan:
    """Which flows ``stack`` deploys, built and resolved, its routing, and every problem (never raises for them).

    Used by ``flexctl render``, the Pulumi program and ``pr-summary``: what one accepts the others accept.
    """
    where = f"Pulumi.{stack}.yaml"
    context = context_of(settings, stack)
    problems: list[str] = []
    try:
        entries = registry.all_flows()
        parameter_sources = registry.sources()
    except Exception as error:  # a user's flow module that does not import is reported, not raised
        return StackPlan(stack, settings, Workspace(), (), (), (f"flows/ cannot be loaded: {explain(error)}",))
    try:
        workspace: Workspace | None = registry.workspace(context)
    except Exception as error:  # as above, for the routing module
        problems.append(f"{ROUTING_PROBLEM}{explain(error)}")
        workspace = None

    bound = settings.bound_flows
    wanted = [*bound, *(name for name in settings.flows if name not in bound)]
    renamed = {old: entry for entry in entries.values() for old in entry.formerly}
    for name in wanted:
        if name not in entries:
            keys = [binding.where for binding in bound.get(name, [])] or [f"flows ({name})"]
            if name in renamed:
                problems.append(f"{where}: {keys[0]} names flow {name!r}, which is now {renamed[name].name!r} "
                                f"({renamed[name].where}, formerly={name!r}): write {renamed[name].name} there")
                continue
            problems.append(f"{where}: {keys[0]} names flow {name!r}, which no module under flows/ registers"
                            f"{suggest(name, list(entries))}; registered flows: {', '.join(entries) or 'none'}")
    deployed = [name for name in wanted if name in entries]
    planned: dict[str, PlannedFlow] = {}
    for name in deployed:
        entry = entries[name]
        try:
            built = entry.flow(context)
        except Exception as error:  # a builder's mistake is the user's, shown with its place
            problems.append(f"flow {name!r} ({entry.where}) cannot be built: {explain(error)}")
            continue
        sources, values, unfilled = _resolve(entry, built, parameter_sources, settings, workspace, deployed, where)
        problems += unfilled
        for trigger, event, _ in bound.get(name, []):
            handled = handled_events(built)
            if event not in handled:
                fits = "; ".join(binding_example(other, name) for other in sorted(handled)) or (
                    "it handles no trigger event yet: connect one in its trigger")
                problems.append(f"{where}: {trigger} starts flow {name!r}, whose trigger has no {event} transition; "
                                f"point it at a flow that handles {event}, or bind {name} as it is started: {fits}")
        findings = tuple(validate_definition(built.to_definition(values, placeholders=True)))
        if findings and settings.flow_parameters:  # the flow rendered once more, only to name the keys
            template = built.to_definition(placeholders=True)
            findings = tuple(_name_flow_parameters(problem, template, settings.flow_parameters, where)
                             for problem in findings)
        problems += [f"flow {name!r} ({entry.where}): {p}" for p in findings if p.severity == "error"]
        triggers = tuple(binding.where for binding in bound.get(name, [])) or (f"listed under flows in {where}",)
        planned[name] = PlannedFlow(entry, built, sources, values, triggers, findings)
    ordered, cycle = _deployment_order(planned)
    if cycle:
        problems.append(f"flows {' -> '.join(map(repr, cycle))} run each other as subflows; each needs the "
                        "other's SID first, so break the cycle")
    workspace = workspace or Workspace()
    problems += [f"workflow {workflow.friendly_name!r}: {finding}" for workflow in workspace.workflows
                 for finding in lint(workflow, defined_queues=workspace.task_queues)]
    problems += _configuration_problems(workspace)
    problems += _adoption_problems(settings, workspace, where)
    not_deployed = tuple(name for name in entries if name not in planned and name not in wanted)
    return StackPlan(stack, settings, workspace, ordered, not_deployed, tuple(problems))


def _adoption_problems(settings: StackSettings, workspace: Workspace, where: str) -> list[str]:
    """``adopt`` names only queues and workflows the stack's routing has (by friendly name, as Twilio names them)."""
    known = {"queues": [queue.friendly_name for queue in workspace.task_queues],
             "workflows": [workflow.friendly_name for workflow in workspace.workflows]}
    return [f"{where}: adopt.{kind}[{index}] is {name!r}, which is no {kind[:-1]} of this stack's routing"
            f"{suggest(name, known[kind])}; its {kind}: {', '.join(map(repr, known[kind])) or 'none'}. Name it as "
            f"the routing names it (its friendly_name), or remove it"
            for kind in ("queues", "workflows") for index, name in enumerate(getattr(settings.adopt, kind))
            if name not in known[kind]]


def _configuration_problems(workspace: Workspace) -> list[str]:
    """What building each workflow's configuration would raise, found before anything is registered (the
    program builds it again inside an ``Output.apply``, where an exception would be a traceback)."""
    problems: list[str] = []
    for workflow in workspace.workflows:
        try:
            workflow.to_json({queue.key: "${" + queue.key + "}" for queue in workflow.queues()})
        except Exception as error:  # a user's routing mistake, shown with its place
            problems.append(f"workflow {workflow.friendly_name!r} cannot be configured: {explain(error)}")
    return problems


def _send_to_flex_workflows(built: Flow) -> set[str]:
    """The parameters that are a Send to Flex's workflow (an import's Console SID that no --workflow named)."""
    states = built.to_definition(placeholders=True).get("states", [])
    return {workflow[2:-1] for state in states if state.get("type") == "send-to-flex"
            for workflow in [(state.get("properties") or {}).get("workflow")]
            if isinstance(workflow, str) and workflow.startswith("${") and workflow.endswith("}")}


def _resolve(
    entry: FlowEntry, built: Flow, declared: Mapping[str, Source], settings: StackSettings,
    workspace: Workspace | None, deployed: list[str], where: str,
) -> tuple[dict[str, Source], dict[str, str], list[str]]:
    """Where each parameter of ``built`` gets its value in this stack, its config values, and what nothing fills
    (``workspace`` None: the routing could not be built, which is reported once, not for each parameter)."""
    routing = workspace or Workspace()
    available: dict[str, list[str]] = {
        "workflow": [workflow.friendly_name for workflow in routing.workflows],
        "task_channel": [channel.unique_name for channel in routing.task_channels],
        "queue": [queue.friendly_name for queue in routing.task_queues],
        "flow": deployed,
    }
    sources: dict[str, Source] = {}
    values: dict[str, str] = {}
    problems: list[str] = []
    flow_where = f"flow {entry.name!r} ({entry.where})"
    workflow_parameters = _send_to_flex_workflows(built)
    for parameter in built.parameter_names():
        source = declared.get(parameter)
        if parameter in settings.flow_parameters:
            values[parameter] = settings.flow_parameters[parameter]
        elif source is None and parameter in workflow_parameters:
            workflows = ", ".join(map(repr, available["workflow"])) or "no workflow"
            problems.append(
                f"{flow_where}: parameter {parameter} has no value: it is a Send to Flex workflow, so declare in "
                f"{entry.where} {parameter} = registry.workflow_sid(\"<its friendly name>\", "
                f"parameter=\"{parameter}\") (this stack's routing has {workflows}); a WW... "
                f"SID under flowParameters would send tasks to a workflow this stack does not deploy")
        elif source is None:
            problems.append(
                f"{flow_where}: parameter {parameter} has no value: set flowParameters.{parameter} in {where}, "
                f"or declare in {entry.where} where it comes from (registry.workflow_sid, task_channel_sid, "
                "queue_sid, flow_sid or config_value)"
                f"{suggest(parameter, [*declared, *settings.flow_parameters])}"
            )
        elif source.kind == "config":
            value = settings.config_value(source.name)
            if value is None and source.name.split(".")[0] not in config_keys():
                problems.append(
                    f"{flow_where}: parameter {parameter} reads config {source.name}, which is no stack setting "
                    f"(a stack file refuses it as an unknown key){suggest(source.name, list(config_keys()))}: set "
                    f"flowParameters.{parameter} in {where}, or read a setting there is (config_value(...))"
                )
            elif value is None:
                problems.append(f"{flow_where}: parameter {parameter} ({source.describe()}): {where} has no value "
                                f"at {source.name}; set it, or set flowParameters.{parameter}")
            else:
                values[parameter] = value
        elif source.name in available[source.kind]:
            sources[parameter] = source
        elif source.kind == "flow":
            known = source.name in registry.all_flows()
            fix = (f"add {source.name!r} to flows in {where} (or bind it to a number)" if known else
                   f"no module under flows/ registers it{suggest(source.name, list(registry.all_flows()))}")
            problems.append(f"{flow_where}: parameter {parameter} is the SID of flow {source.name!r}, which this "
                            f"stack does not deploy: {fix}")
        elif workspace is not None:
            names = available[source.kind]
            problems.append(f"{flow_where}: parameter {parameter} is the SID of {source.describe()}, which this "
                            f"stack's routing does not have{suggest(source.name, names)}; "
                            f"{_PLURAL[source.kind]} here: {_names(names)}")
    return sources, values, problems


def _name_flow_parameters(problem: Problem, template: Mapping[str, Any], flow_parameters: Mapping[str, str],
                          where: str) -> Problem:
    """``problem`` saying which ``flowParameters`` key gave the value it is about (the flow has only ``${NAME}``)."""
    node: Any = template
    for part in problem.property_path.removeprefix("#/").split("/"):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return problem
    names = [name for name in PLACEHOLDER.findall(node) if name in flow_parameters] if isinstance(node, str) else []
    if not names:
        return problem
    keys = " and ".join(f"flowParameters.{name}" for name in names)
    return replace(problem, message=f"{problem.message} (the value is {keys} in {where}: fix it there)")


_PLURAL = {"workflow": "workflows", "task_channel": "task channels", "queue": "queues", "flow": "flows"}


def _names(names: list[str]) -> str:
    return ", ".join(map(repr, names)) or "none"


def _deployment_order(planned: Mapping[str, PlannedFlow]) -> tuple[tuple[PlannedFlow, ...], list[str]]:
    """Flows with each subflow before the flows that use it, and a cycle (names) if there is one."""
    order: list[PlannedFlow] = []
    state: dict[str, str] = {}
    cycle: list[str] = []

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done" or name not in planned:
            return
        if state.get(name) == "open":
            cycle.extend([*path[path.index(name):], name])
            return
        state[name] = "open"
        for child in planned[name].subflows():
            visit(child, [*path, name])
        state[name] = "done"
        order.append(planned[name])

    for name in planned:
        visit(name, [])
    return tuple(order), cycle


BINDINGS: dict[str, str] = {
    "incomingCall": 'phoneNumbers: - {{number: "+1...", voice: {name}}}',
    "incomingMessage": 'phoneNumbers: - {{number: "+1...", messaging: {name}}}',
    "incomingConversationMessage": 'conversationsAddresses: - {{address: "+1...", type: sms, flow: {name}}}',
}
"""How a stack file starts a flow on each trigger event; any other event (a REST API call, a parent flow) is
started by no number: the flow is listed under ``flows``."""


def binding_example(event: str, name: str) -> str:
    """The stack-file entry that starts flow ``name`` on the trigger ``event`` (``incomingCall``...)."""
    example = BINDINGS.get(event, "flows: [{name}]").format(name=name)
    return f"{event}: {example}"


def handled_events(flow: Flow) -> set[str]:
    """The trigger events ``flow`` handles (its trigger's transitions that lead somewhere)."""
    definition = flow.to_definition(placeholders=True)
    return {transition["event"] for state in definition["states"] if state["type"] == "trigger"
            for transition in state.get("transitions", []) if transition.get("next")}


def explain(error: BaseException) -> str:
    """An exception from a user's flow or routing code in words, with the line of ``flows/`` it came from."""
    if isinstance(error, ValidationError):
        text = "; ".join(f"{error.title}{'.' if detail['loc'] else ''}{config_path(detail['loc'])}: "
                         f"{plain_message(detail['msg'])}{_object_wanted(detail)}"
                         for detail in error.errors(include_url=False))
    else:
        text = (str(error) or type(error).__name__) + _near_miss(error)
    if isinstance(error, SyntaxError) and error.filename:
        return f"{_relative(error.filename)}:{error.lineno}: {error.msg}"
    if isinstance(error, RegistryError):  # it names the user's file and line itself; the raise is the registry's
        return text
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/flows/" in frame.filename]
    return f"{_relative(frames[-1].filename)}:{frames[-1].lineno}: {text}" if frames else text


def _object_wanted(detail: Mapping[str, Any]) -> str:
    """The fix when a model was given its key or name as text (``Target(queue="vip")``): pass the object."""
    wanted = (detail.get("ctx") or {}).get("class_name")
    if detail.get("type") != "model_type" or not wanted or not isinstance(detail.get("input"), str):
        return ""
    return (f", not the text {detail['input']!r}: pass the {wanted} itself (the variable that holds it, as in "
            f"task_queues), not its key or name")


def _near_miss(error: BaseException) -> str:
    """`` (did you mean 'x'?)`` for a misspelt attribute (``greet.on_speeech``) or name in a user's code.

    Python 3.11 prints this hint in its tracebacks only; these errors are shown without one.
    """
    if isinstance(error, AttributeError) and error.name and error.obj is not None:
        return suggest(error.name, [name for name in dir(error.obj) if not name.startswith("_")])
    if isinstance(error, NameError) and error.name and error.__traceback__ is not None:
        last = error.__traceback__
        while last.tb_next is not None:
            last = last.tb_next
        frame = last.tb_frame
        return suggest(error.name, [*frame.f_locals, *frame.f_globals, *dir(builtins)])
    return ""


def _relative(filename: str) -> str:
    return "flows/" + filename.rsplit("/flows/", 1)[-1] if "/flows/" in filename else filename
