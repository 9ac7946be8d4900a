"""The contact center's flows, routing and parameters, found by name: each is declared where it is written.

A flow is a builder function decorated with :func:`flow` in any module under ``flows/``; :func:`all_flows`
imports every module of the package, so adding a flow is adding a file, and nothing else names it::

    from flows.registry import flow, workflow_sid, task_channel_sid

    SALES = workflow_sid("Sales")                      # Parameter SALES_WORKFLOW_SID: that workflow's SID
    VOICE = task_channel_sid("voice")                  # Parameter VOICE_CHANNEL_SID

    @flow("sales_ivr", friendly_name="Sales IVR")
    def sales_ivr(*, languages: Sequence[str]) -> Flow:  # asks only for what it uses (see FlowContext)
        ...

A builder takes keyword arguments named after :class:`FlowContext` fields (or ``context: FlowContext``).
Its ``Parameter``\\ s are filled by name from what the stack deploys: each parameter declared here says
where its value comes from (:func:`workflow_sid`, :func:`task_channel_sid`, :func:`queue_sid`,
:func:`flow_sid`, :func:`config_value`); any other parameter is read from the stack's ``flowParameters``.
The routing (queues and workflows) is the one function decorated with :func:`routing`.

Pure: imports only the toolkits.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeVar

from studio import Flow, Parameter
from taskrouter import Workspace

PACKAGE = "flows"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistryError(ValueError):
    """A flow, routing or parameter declared in a way that cannot be used; the message says where and the fix."""


@dataclass(frozen=True)
class FlowContext:
    """The contact center's shared knobs, from the stack's settings: a builder asks for the ones it uses.

    Per-environment values (URLs, hours, SIDs) belong in ``Parameter``\\ s, so that a flow's definition
    hash is equal in dev and prod; the hours here are for a flow that must shape its widgets by them.
    """

    languages: tuple[str, ...] = ("en",)
    """Language codes, in menu order (``languages``)."""
    vip_trait: str = "vip"
    """The Unified Profiles trait that marks a VIP (``vipTrait``)."""
    time_zone: str = "UTC"
    business_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    open_time: str = "08:00"
    close_time: str = "18:00"
    stack: str = ""


CONTEXT_FIELDS = tuple(item.name for item in fields(FlowContext))
Builder = Callable[..., Flow]
RoutingBuilder = Callable[..., Workspace]
_Built = TypeVar("_Built")


@dataclass(frozen=True)
class FlowEntry:
    """One registered flow: its name (stack files and resource names use it), friendly name and builder."""

    name: str
    friendly_name: str
    build: Builder
    module: str
    """Where it is written (``flows.voice``), for messages."""
    formerly: tuple[str, ...] = ()
    """Names it was registered under before (``formerly=("voice",)``): a stack that deployed it under one of
    them keeps its Studio flow (SID, webhook, executions) and updates it, rather than deleting it and creating
    another."""

    @property
    def where(self) -> str:
        """The flow's file, relative to the project (``flows/voice.py``)."""
        return self.module.replace(".", "/") + ".py"

    def flow(self, context: FlowContext) -> Flow:
        """Build the flow, passing the builder only the context fields it asks for."""
        return call_with_context(self.build, context)


SourceKind = Literal["workflow", "task_channel", "queue", "flow", "config"]


@dataclass(frozen=True)
class Source:
    """Where a parameter's value comes from: a deployed object by name, or a stack config value."""

    kind: SourceKind
    name: str
    """Workflow friendly name, task channel unique name, queue friendly name, flow name, or config key path."""

    def describe(self) -> str:
        """In words: ``workflow 'Sales'``, ``config businessHours.open``."""
        noun = {"workflow": "workflow", "task_channel": "task channel", "queue": "queue", "flow": "flow",
                "config": "config"}[self.kind]
        return f"{noun} {self.name}" if self.kind == "config" else f"{noun} {self.name!r}"


@dataclass
class _Registry:
    flows: dict[str, FlowEntry] = field(default_factory=dict)
    routing: list[tuple[RoutingBuilder, str]] = field(default_factory=list)
    sources: dict[str, tuple[Source, str]] = field(default_factory=dict)
    loaded: bool = False


_REGISTRY = _Registry()


def call_with_context(build: Callable[..., _Built], context: FlowContext) -> _Built:
    """Call ``build`` with the :class:`FlowContext` fields it names (``context`` gets the whole object)."""
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(build).parameters.items():
        if name == "context" or parameter.annotation in (FlowContext, "FlowContext"):
            arguments[name] = context
        elif name in CONTEXT_FIELDS:
            arguments[name] = getattr(context, name)
    return build(**arguments)


def _check_builder(build: Callable[..., object], what: str) -> None:
    for name, parameter in inspect.signature(build).parameters.items():
        takes = name == "context" or name in CONTEXT_FIELDS or parameter.annotation in (FlowContext, "FlowContext")
        if not takes and parameter.default is inspect.Parameter.empty and parameter.kind not in (
                inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
            raise RegistryError(
                f"{what} asks for {name!r}, which no flow context gives; ask for any of "
                f"{', '.join(CONTEXT_FIELDS)}, or `context: FlowContext` for all of them{_hint(name, CONTEXT_FIELDS)}"
            )


def flow(name: str, *, friendly_name: str, formerly: Sequence[str] = ()) -> Callable[[Builder], Builder]:
    """Register the decorated builder as the flow ``name`` (lower_snake_case), deployed as ``friendly_name``.

    ``formerly``: the names it had before a rename, so that stacks that deployed it keep its Studio flow.

    Example:
        >>> @flow("after_hours", friendly_name="After hours")   # doctest: +SKIP
        ... def after_hours(*, languages: Sequence[str]) -> Flow: ...
    """

    def register(build: Builder) -> Builder:
        where = f"{build.__module__.replace('.', '/')}.py"
        if not NAME.fullmatch(name):
            raise RegistryError(f"{where}: flow name {name!r} must be lower_snake_case (letters, digits, _), "
                                "as stack files and resource names use it")
        if not friendly_name.strip() or len(friendly_name) > 64:
            raise RegistryError(f"{where}: flow {name!r} needs a friendly_name of 1 to 64 characters")
        _check_builder(build, f"{where}: flow {name!r} ({build.__qualname__})")
        former = (formerly,) if isinstance(formerly, str) else tuple(formerly)
        for old in former:
            if not NAME.fullmatch(old) or old == name:
                raise RegistryError(f"{where}: flow {name!r}: formerly={old!r} must be another lower_snake_case name, "
                                    "the one the flow was registered under before its rename")
        entry = FlowEntry(name, friendly_name, build, build.__module__, tuple(dict.fromkeys(former)))
        known = _REGISTRY.flows.get(name)
        if known is not None and known.module != entry.module:
            raise RegistryError(f"flow {name!r} is registered twice, in {known.where} and {entry.where}; "
                                "rename one of them")
        for other in _REGISTRY.flows.values():
            clash = {other.name, *other.formerly} & {name, *entry.formerly} if other.name != name else set()
            if clash:
                raise RegistryError(f"{where}: flow {name!r} and flow {other.name!r} ({other.where}) both claim the "
                                    f"name {sorted(clash)[0]!r} (as their name or formerly=); one Studio flow cannot "
                                    "become two: keep it on one of them")
        _REGISTRY.flows[name] = entry
        return build

    return register


def routing(build: RoutingBuilder) -> RoutingBuilder:
    """Register the decorated function as the contact center's routing: it returns a ``taskrouter.Workspace``.

    It takes :class:`FlowContext` fields by name, as flow builders do. Without one, a stack deploys Flex's
    workspace with Everyone and Assign to Anyone.
    """
    _check_builder(build, f"{build.__module__.replace('.', '/')}.py: routing {build.__qualname__}")
    key = (build.__module__, build.__qualname__)
    _REGISTRY.routing[:] = [item for item in _REGISTRY.routing if (item[0].__module__, item[0].__qualname__) != key]
    _REGISTRY.routing.append((build, build.__module__))
    return build


def _declare(parameter: str | None, default: str, source: Source) -> Parameter:
    name = parameter or default
    result = Parameter(name)
    caller = sys._getframe(2)
    where = f"{Path(caller.f_code.co_filename).parent.name}/{Path(caller.f_code.co_filename).name}:{caller.f_lineno}"
    known = _REGISTRY.sources.get(name)
    if known is not None and known[0] != source:
        if known[0].kind == source.kind and (known[0].name.casefold() == source.name.casefold()
                                             or get_close_matches(source.name, [known[0].name], n=1, cutoff=0.8)):
            raise RegistryError(
                f"{where}: {source.describe()} is a near miss of {known[0].describe()}, which {known[1]} declares "
                f"(both are parameter {name}): write {known[0].name!r} if it is the same one, or pass "
                "parameter=\"...\" if it is another"
            )
        raise RegistryError(
            f"{where}: parameter {name} is declared as {source.describe()}, but {known[1]} declares it as "
            f"{known[0].describe()}; a parameter name means one thing: pass parameter=\"...\" to name this one"
        )
    _REGISTRY.sources.setdefault(name, (source, where))
    return result


def _stem(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_") or "X"


def workflow_sid(friendly_name: str, *, parameter: str | None = None) -> Parameter:
    """A parameter filled with the SID of the stack's workflow ``friendly_name`` (``<NAME>_WORKFLOW_SID``)."""
    return _declare(parameter, f"{_stem(friendly_name)}_WORKFLOW_SID", Source("workflow", friendly_name))


def task_channel_sid(unique_name: str, *, parameter: str | None = None) -> Parameter:
    """A parameter filled with the SID of the task channel ``unique_name`` (``<NAME>_CHANNEL_SID``)."""
    return _declare(parameter, f"{_stem(unique_name)}_CHANNEL_SID", Source("task_channel", unique_name))


def queue_sid(friendly_name: str, *, parameter: str | None = None) -> Parameter:
    """A parameter filled with the SID of the stack's task queue ``friendly_name`` (``<NAME>_QUEUE_SID``)."""
    return _declare(parameter, f"{_stem(friendly_name)}_QUEUE_SID", Source("queue", friendly_name))


def flow_sid(name: str, *, parameter: str | None = None) -> Parameter:
    """A parameter filled with the SID of the flow registered as ``name`` (Run Subflow), ``<NAME>_FLOW_SID``."""
    return _declare(parameter, f"{_stem(name)}_FLOW_SID", Source("flow", name))


def config_value(key: str, *, parameter: str | None = None) -> Parameter:
    """A parameter filled with the stack's config value ``key`` (``holdMusicUrl``, ``businessHours.open``).

    A list is written as its items joined by ", ".
    """
    return _declare(parameter, _stem(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)), Source("config", key))


def load() -> None:
    """Import every module under ``flows/`` once, so each flow and routing registers itself."""
    if _REGISTRY.loaded:
        return
    package = importlib.import_module(PACKAGE)
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{PACKAGE}.{module.name}")
    _REGISTRY.loaded = True


def all_flows() -> dict[str, FlowEntry]:
    """Every registered flow by name (sorted), after importing every module under ``flows/``.

    This is the catalogue other tools build on (``flexctl render``, ``pr-summary``); which of them a stack
    deploys, with every parameter resolved, is ``components.plan.plan_stack``.
    """
    load()
    return dict(sorted(_REGISTRY.flows.items()))


def sources() -> dict[str, Source]:
    """Every declared parameter by name: where its value comes from."""
    load()
    return {name: source for name, (source, _) in sorted(_REGISTRY.sources.items())}


def workspace(context: FlowContext) -> Workspace:
    """The contact center's routing (the one :func:`routing` function), or Flex's defaults without one."""
    load()
    if len(_REGISTRY.routing) > 1:
        where = ", ".join(f"{module.replace('.', '/')}.py ({build.__qualname__})"
                          for build, module in _REGISTRY.routing)
        raise RegistryError(f"more than one routing is registered: {where}; keep one @routing function")
    if not _REGISTRY.routing:
        from taskrouter import default_route, everyone_queue

        everyone = everyone_queue()
        return Workspace(task_queues=(everyone,), workflows=(default_route(everyone),))
    build, _ = _REGISTRY.routing[0]
    return call_with_context(build, context)


def suggest(name: str, known: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` when ``name`` is a near miss of one of ``known``, else empty."""
    return _hint(name, known)


def _hint(name: str, known: Sequence[str]) -> str:
    close = get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def definition_hash(flow: Flow) -> str:
    """SHA-256 of a flow's environment-independent definition (parameters as ``${NAME}``), for promotion."""
    return hashlib.sha256(flow.to_json(placeholders=True).encode()).hexdigest()
