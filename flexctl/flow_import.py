"""``flexctl import FLOW.json --as NAME``: a Console export becomes ``flows/NAME.py``, a registered flow.

Every SID and template placeholder of the export (:mod:`studio.references`) becomes a named parameter the
stack fills: a Send to Flex workflow is the workflow whose friendly name ``--workflow`` gives, a task
channel the one ``--channel`` names (guessed from the trigger otherwise), a Run Subflow SID the flow
``--subflow`` names, the account SID the stack's ``accountSid``; anything else (a Function, a Sync service)
stays a parameter with a TODO saying to set it under ``flowParameters`` in each stack file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.codegen import Names, constant_case, quote
from studio.importer import Registration, import_definition
from studio.references import Reference, find_references, replace_references

MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ImportAsError(ValueError):
    """The flow cannot be written under that name or with those options (the message says how to fix it)."""


@dataclass(frozen=True)
class Naming:
    """What the user told the import about the export's references: ``REF=NAME`` or ``NAME`` for all."""

    workflows: Sequence[str] = ()
    channels: Sequence[str] = ()
    subflows: Sequence[str] = ()

    @staticmethod
    def pick(options: Sequence[str], reference: Reference) -> str | None:
        """The name given for ``reference`` (by its SID, placeholder or ``${...}`` text), else one given for all."""
        fallback = None
        for option in options:
            key, sep, name = option.rpartition("=")
            if not sep:
                fallback = option
            elif key in (reference.text, reference.placeholder):
                return name
        return fallback


def module_source(data: Mapping[str, Any], *, name: str, friendly_name: str | None, naming: Naming,
                  source: str, taken: Mapping[str, Any] | None = None, used: Collection[str] = ()) -> str:
    """The source of ``flows/<name>.py`` for the export ``data``.

    ``taken`` maps parameter names declared elsewhere in the project to their sources: the same source keeps
    its name, another one gets a suffix. ``used``: the parameters other flows read from ``flowParameters``.
    """
    if not MODULE_NAME.fullmatch(name):
        raise ImportAsError(f"--as {name!r}: a flow name is lower_snake_case (letters, digits, _), e.g. sales_ivr")
    parameters, declarations = parameterize(data, naming, taken, flow_name=name, used=used)
    description = data.get("description")
    title = friendly_name or (description if isinstance(description, str) and description.strip() else name)
    registration = Registration(name=name, friendly_name=title[:64], declarations=declarations)
    return import_definition(replace_references(data, parameters), source=source, registration=registration)


def parameterize(data: Mapping[str, Any], naming: Naming, taken: Mapping[str, Any] | None = None, *,
                 flow_name: str = "", used: Collection[str] = (),
                 ) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Each reference's parameter name (reference text -> name), and each parameter's declaration and comment.

    A parameter declared elsewhere with the same source (``registry.task_channel_sid("voice")``) keeps its
    name. One the stack sets under ``flowParameters`` is prefixed with the flow's name when another flow
    already reads that name (``SALES_IVR_FUNCTION_SID``): one ``flowParameters`` key would set both.
    """
    events = _trigger_events(data)
    declared = dict(taken or {})
    names = Names(set(declared) | set(used))
    parameters: dict[str, str] = {}
    declarations: dict[str, tuple[str, str]] = {}
    for reference in find_references(data):
        wanted, expression, comment = _declaration(reference, naming, events)
        same = _source_of(expression)
        if same is not None and wanted in declared and _source_of_declared(declared[wanted]) == same:
            parameter = wanted
        elif not expression and wanted in used and flow_name:
            parameter = names.claim(f"{constant_case(flow_name)}_{wanted}")
        else:
            parameter = names.claim(wanted)
        parameters[reference.text] = parameter
        declarations[parameter] = (expression.replace("{parameter}", parameter),
                                   comment.replace("{parameter}", parameter))
    return parameters, declarations


def _declaration(reference: Reference, naming: Naming, events: set[str]) -> tuple[str, str, str]:
    """(parameter name wanted, expression with ``{parameter}``, comment) for one reference."""
    seen = f"{reference.text} in the export ({reference.widget}.{reference.key})"
    placeholder = reference.placeholder
    stem = constant_case(placeholder) if placeholder else None
    if reference.kind == "workflow":
        given = Naming.pick(naming.workflows, reference)
        if given:
            return (stem or f"{constant_case(given)}_WORKFLOW_SID",
                    f'registry.workflow_sid({_q(given)}, parameter="{{parameter}}")', f"{seen}: workflow {given!r}")
        return (stem or "WORKFLOW_SID", "", f"TODO {seen}: a workflow; name it with `flexctl import ... --workflow "
                f"'{reference.text}=<its friendly name>'`, or declare registry.workflow_sid(...) here")
    if reference.kind == "task_channel":
        given = Naming.pick(naming.channels, reference)
        guessed = given or ("voice" if events == {"incomingCall"} else "chat" if events else None)
        if guessed:
            note = "" if given else f" (guessed from the trigger: pass --channel '{reference.text}=<unique name>')"
            return (stem or f"{constant_case(guessed)}_CHANNEL_SID",
                    f'registry.task_channel_sid({_q(guessed)}, parameter="{{parameter}}")',
                    f"{seen}: task channel {guessed!r}{note}")
    if reference.kind == "flow":
        given = Naming.pick(naming.subflows, reference)
        if given:
            return (stem or f"{constant_case(given)}_FLOW_SID",
                    f'registry.flow_sid({_q(given)}, parameter="{{parameter}}")', f"{seen}: the flow {given!r}")
        return (stem or "SUBFLOW_SID", "", f"TODO {seen}: a subflow; import it too and pass --subflow "
                f"'{reference.text}=<its flow name>', or declare registry.flow_sid(...) here")
    if reference.kind == "account":
        return (stem or "ACCOUNT_SID", 'registry.config_value("accountSid", parameter="{parameter}")',
                f"{seen}: the stack's account")
    wanted = stem or constant_case(reference.key.split(".")[-1])
    return (wanted, "", f"TODO {seen}: set flowParameters.{{parameter}} to this account's value in each "
            "Pulumi.<stack>.yaml")


_DECLARERS = {"workflow": "workflow_sid", "task_channel": "task_channel_sid", "queue": "queue_sid",
              "flow": "flow_sid", "config": "config_value"}


def declared(parameters: Collection[str], sources: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Each of ``parameters`` that ``sources`` (``flows.registry.sources()``) knows, declared the same way again: a
    rewritten module keeps where its values come from, even one it declared itself."""
    return {name: (f'registry.{_DECLARERS[sources[name].kind]}({_q(sources[name].name)}, parameter="{name}")', "")
            for name in parameters if name in sources}


_DECLARED = re.compile(r'^registry\.(workflow|task_channel|flow|config)(?:_sid|_value)\((".*?"), parameter=')


def _source_of(expression: str) -> tuple[str, str] | None:
    """(kind, name) a declaration expression reads its value from, e.g. ("task_channel", "voice")."""
    import ast

    found = _DECLARED.match(expression)
    return None if found is None else (found.group(1), str(ast.literal_eval(found.group(2))))


def _source_of_declared(source: Any) -> tuple[str, str] | None:
    kind, name = getattr(source, "kind", None), getattr(source, "name", None)
    return (str(kind), str(name)) if kind and name is not None else None


def _q(text: str) -> str:
    return quote(text)


def _trigger_events(data: Mapping[str, Any]) -> set[str]:
    return {str(transition.get("event")) for state in data.get("states") or []
            if isinstance(state, Mapping) and state.get("type") == "trigger"
            for transition in state.get("transitions") or []
            if isinstance(transition, Mapping) and transition.get("next")}


def write_flow_module(data: Mapping[str, Any], *, name: str, friendly_name: str | None, naming: Naming,
                      source: str, project: Path, force: bool = False) -> Path:
    """Write ``flows/<name>.py`` in ``project`` and return its path."""
    from flows.registry import all_flows, sources

    path = project / "flows" / f"{name}.py"
    if path.exists() and not force:
        raise ImportAsError(f"{path} exists; pick another --as name, or pass --force to replace it")
    known = all_flows()
    if name in known and known[name].where != f"flows/{name}.py":
        raise ImportAsError(f"--as {name!r}: {known[name].where} already registers a flow {name!r}; pick another name")
    check_routing_names(naming, project)
    text = module_source(data, name=name, friendly_name=friendly_name, naming=naming, source=source,
                         taken=sources(), used=_flow_parameters(known, besides=f"flows/{name}.py"))
    path.write_text(text, encoding="utf-8")
    return path


def check_routing_names(naming: Naming, project: Path) -> None:
    """Refuse a ``--workflow`` or ``--channel`` name the routing has in no stack of ``project``: the parameter
    would be filled by nothing, and only `flexctl render` of a stack binding the flow would say so."""
    from flows.registry import suggest

    workflows, channels = _routing_names(project)
    for option, given, known in (("--workflow", naming.workflows, workflows),
                                 ("--channel", naming.channels, channels)):
        for name in (text.rpartition("=")[2] for text in given):
            if known and name not in known:
                noun = "workflow" if option == "--workflow" else "task channel"
                raise ImportAsError(
                    f"{option} {name!r}: the routing (the @routing function under flows/) has no {noun} of that name "
                    f"in any stack{suggest(name, known)}; it has {', '.join(map(repr, known))}. Name one of them, or "
                    f"add the {noun} to the routing first")


def _routing_names(project: Path) -> tuple[list[str], list[str]]:
    """The workflow friendly names and task channel unique names of the routing, over every stack of ``project``."""
    from components.plan import context_of
    from components.settings import read_stack_file, stack_names
    from flows.registry import FlowContext, workspace

    workflows: dict[str, None] = {}
    channels: dict[str, None] = {}
    contexts: list[Any] = []
    for stack in stack_names(project):
        try:
            contexts.append(context_of(read_stack_file(project, stack), stack))
        except Exception:  # a stack file with mistakes is reported by render, not here
            continue
    for context in contexts or [FlowContext()]:
        try:
            routing = workspace(context)
        except Exception:  # a routing that does not build is reported by render, not here
            continue
        workflows.update(dict.fromkeys(workflow.friendly_name for workflow in routing.workflows))
        channels.update(dict.fromkeys(channel.unique_name for channel in routing.task_channels))
    return list(workflows), list(channels)


def _flow_parameters(known: Mapping[str, Any], *, besides: str) -> set[str]:
    """The parameters the registered flows (but the one in ``besides``) read, as the default context builds them."""
    from flows.registry import FlowContext

    used: set[str] = set()
    for entry in known.values():
        if entry.where == besides:
            continue
        try:
            used.update(entry.flow(FlowContext()).parameter_names())
        except Exception:  # a flow that does not build is reported by render, not here
            continue
    return used
