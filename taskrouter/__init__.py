"""TaskRouter routing toolkit: typed workflows, expressions, routing semantics and lint.

Pure: imports neither Pulumi nor twilio (stdlib and pydantic only).

Build a workflow from models, route a task through it, lint it, and render the configuration JSON
with SIDs supplied by the caller (a Pulumi ``Output`` resolves to them inside ``apply``)::

    from taskrouter import TaskQueue, route, lint, pre_agent_routing

    everyone = TaskQueue(key="everyone", friendly_name="Everyone")
    vip = TaskQueue(key="vip", friendly_name="VIP", target_workers="routing.skills HAS 'vip'")
    workflow = pre_agent_routing(everyone=everyone, vip_queue=vip)

    route(workflow, {"vip": True}).queues          # ("vip",)
    lint(workflow)                                 # []
    [queue.key for queue in workflow.queues()]     # ["vip", "everyone"]: stable, first use first
    workflow.to_json({"vip": "WQ…", "everyone": "WQ…"})  # canonical JSON; MissingQueueError names a missing key

    # In the Pulumi layer:
    # Output.all(**{q.key: queues[q.key].sid for q in workflow.queues()}).apply(workflow.to_json)

Public API:

* Models (``taskrouter.models``): ``Activity``, ``TaskChannel``, ``TaskQueue`` (``key`` names it in
  ``queue_sids``; ``target_workers``, ``max_reserved_workers`` 1–50, ``task_order`` FIFO|LIFO),
  ``Target``, ``Filter``, ``Workflow`` (``queues()``, ``to_configuration(queue_sids)``,
  ``to_json(queue_sids)``, ``from_configuration(data, friendly_name=, queues=)``, ``read_configuration``
  for the warnings too), ``Workspace``,
  ``MissingQueueError``, ``FLEX_ACTIVITIES``, ``FLEX_TASK_CHANNELS``.
* Expressions (``taskrouter.expression``): ``parse(text, kind) -> Expression`` raising
  ``ExpressionError`` (``.column`` 1-based, ``.message``, ``.hint``, ``.expression``);
  ``check(text, kind) -> list[Diagnostic]`` for warnings without failing; ``ExpressionKind`` is
  ``"filter" | "target" | "queue" | "skip_if" | "order_by"``. Grammar decisions are documented
  in that module's docstring.
* Configuration JSON (``taskrouter.configuration``): ``check_configuration(data) -> list[ConfigProblem]``
  (``.path`` such as ``task_routing.filters[0].targets[1].expression``, ``.message``): what TaskRouter
  would reject; ``configuration_problems(data)`` adds the warnings (``.severity``, ``.code``: unknown-key,
  legacy-key). Never raises, accepts an object or JSON text, does not require queue values to be real
  SIDs. For a provider's offline check, as plain lines: ``check_workflow_configuration(data) -> list[str]`` and
  ``check_target_workers(expression) -> list[str]`` (empty when TaskRouter would accept it).
* Routing (``taskrouter.routing``): ``route(workflow, task, workers=, now=) -> RouteResult``
  (``.steps``, ``.queues``, ``.outcome``, ``.first_reservation``, ``.render()``, ``.to_dict()``);
  ``Worker``; ``eligible_workers(workers, target, queue, task)``.
* Lint (``taskrouter.lint``): ``lint(workflow, defined_queues=, task_types=) -> list[Finding]``,
  ``lint_configuration(data, queues=)``, ``json_types(sample)``; a ``Finding`` has ``code``,
  ``message``, ``path`` and renders as one line.
* Presets (``taskrouter.presets``): ``vip_routing``, ``language_routing``, ``default_route``,
  ``pre_agent_routing``, ``vip_filter``, ``language_filters``, ``everyone_queue``.
"""

from taskrouter.configuration import (
    ConfigProblem,
    ConfigurationError,
    check_configuration,
    check_target_workers,
    check_workflow_configuration,
    configuration_problems,
)
from taskrouter.expression import Diagnostic, Expression, ExpressionError, ExpressionKind, check, parse
from taskrouter.lint import Finding, json_types, lint, lint_configuration
from taskrouter.models import (
    FLEX_ACTIVITIES,
    FLEX_TASK_CHANNELS,
    Activity,
    Filter,
    MissingQueueError,
    Target,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
)
from taskrouter.presets import (
    default_route,
    everyone_queue,
    language_filters,
    language_routing,
    pre_agent_routing,
    vip_filter,
    vip_routing,
)
from taskrouter.routing import RouteResult, Step, Worker, eligible_workers, route

__all__ = [
    "FLEX_ACTIVITIES",
    "FLEX_TASK_CHANNELS",
    "Activity",
    "ConfigProblem",
    "ConfigurationError",
    "Diagnostic",
    "Expression",
    "ExpressionError",
    "ExpressionKind",
    "Filter",
    "Finding",
    "MissingQueueError",
    "RouteResult",
    "Step",
    "Target",
    "TaskChannel",
    "TaskQueue",
    "Worker",
    "Workflow",
    "Workspace",
    "check",
    "check_configuration",
    "check_target_workers",
    "check_workflow_configuration",
    "configuration_problems",
    "default_route",
    "eligible_workers",
    "everyone_queue",
    "json_types",
    "language_filters",
    "language_routing",
    "lint",
    "lint_configuration",
    "parse",
    "pre_agent_routing",
    "route",
    "vip_filter",
    "vip_routing",
]
