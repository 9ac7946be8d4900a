"""Routing semantics as a function: where a task goes, step by step, and which workers can take it.

The rules (taskrouter.md §1.2) as ``route`` applies them:

* Filters are tried top to bottom; the first whose expression matches takes the task.
* Its targets are steps: the task waits in a step's queue until ``timeout`` seconds pass (then the
  next step), or skips it at once when ``skip_if`` holds and no worker could be reserved at once.
  A step without either keeps the task until a worker accepts it; later steps are never reached.
* A step without a queue inherits the previous one; a priority persists until a step redefines it.
* After the last step of a filter times out, the filters below it are tried; if none matches the
  task is canceled (``default_filter`` does not count). A task that skipped the last step is
  treated as not matching that filter, so it can still land in ``default_filter``.
* A worker is eligible at a step when it is in the queue (``target_workers``), satisfies the
  step's ``expression`` and, with known-worker routing, is that worker. It can be reserved at once
  when it is also available. Eligible workers are listed in ``order_by`` order, then pool order.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from taskrouter.configuration import DEFAULT_FILTER_PATH, selects_no_worker, target_path
from taskrouter.evaluation import Value, evaluate, filter_scope, order_key, parsed, resolve, target_scope
from taskrouter.expression import parse_task_reference
from taskrouter.models import Target, TaskQueue, Workflow

# The per-channel capacity TaskRouter gives a target expression as worker.channel.<task channel unique name>.<field>:
# Twilio's Multitasking page documents configured_capacity, assigned_tasks and available_capacity_percentage as
# "pre-defined attributes" (e.g. ``worker.channel.voice.available_capacity_percentage == 100``); flex-project-template's
# multi-call feature asks for that expression and techmatters/flex-plugins deploys ``worker.channel.chat.assigned_tasks
# == 0`` (Terraform plans in its PRs #1884, #2314, #2583). ``available`` is the WorkerChannel resource's flag. A worker
# given without ``channels`` is idle on every channel: these values. Unverified: which TaskRouter reads when the
# worker's attributes also hold a key named ``channel``; here the attributes, as written.
IDLE_CHANNEL: Mapping[str, Value] = {"assigned_tasks": 0, "available": True, "available_capacity_percentage": 100,
                                     "configured_capacity": 1}


class _IdleChannels(Mapping[str, Value]):
    """``worker.channel`` of a worker given without ``channels``: every task channel is idle (IDLE_CHANNEL)."""

    def __getitem__(self, name: str) -> Value:
        return dict(IDLE_CHANNEL)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class Worker(BaseModel):
    """A worker as TaskRouter sees it: attributes, current activity and per-channel capacity.

    Accepts the REST API's shape (``attributes`` as a JSON string, snake_case or camelCase names)
    and ignores other fields. ``available`` defaults to "the activity is named Available".
    ``channels`` maps a task channel's unique name to its WorkerChannel fields (``assigned_tasks``,
    ``available``, ``available_capacity_percentage``, ``configured_capacity``), or is the REST list of
    WorkerChannels; without it the worker is idle on every channel (see IDLE_CHANNEL).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    friendly_name: str = Field(validation_alias=AliasChoices("friendly_name", "friendlyName"))
    attributes: dict[str, Any] = Field(default_factory=dict)
    sid: str | None = None
    activity_name: str = Field(default="Available", validation_alias=AliasChoices("activity_name", "activityName"))
    activity_sid: str | None = Field(default=None, validation_alias=AliasChoices("activity_sid", "activitySid"))
    available: bool | None = None
    channels: dict[str, dict[str, Any]] | None = None

    @field_validator("attributes", mode="before")
    @classmethod
    def _decode_attributes(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("channels", mode="before")
    @classmethod
    def _key_channels(cls, value: object) -> object:
        # The REST list of WorkerChannels names each by its task channel's unique name.
        if isinstance(value, list):
            return {str(item.get("task_channel_unique_name") or item.get("taskChannelUniqueName")): item
                    for item in value if isinstance(item, dict)}
        return value

    @property
    def is_available(self) -> bool:
        """Whether the worker's activity lets it receive tasks now."""
        return self.available if self.available is not None else self.activity_name == "Available"

    def scope(self) -> dict[str, Value]:
        """What ``worker.*`` resolves to: the attributes plus sid, friendly_name and activity fields."""
        fields = {"sid": self.sid, "friendly_name": self.friendly_name, "activity_sid": self.activity_sid,
                  "activity_name": self.activity_name}
        channels: Mapping[str, Value] = _IdleChannels() if self.channels is None else self.channels
        return {"channel": channels, **self.attributes,
                **{key: value for key, value in fields.items() if value is not None}}


def in_queue(queue: TaskQueue, worker: Worker) -> bool:
    """Whether the queue's ``target_workers`` selects the worker (an empty one selects nobody)."""
    if selects_no_worker(queue.target_workers):
        return False
    return evaluate(parsed(queue.target_workers, "queue"), worker.attributes)


def known_worker_value(target: Target, task: Mapping[str, Value]) -> Value:
    """The task attribute a known-worker target points at (NULL without one)."""
    pinned = target.known_worker
    return None if pinned is None else resolve({"task": task}, parse_task_reference(pinned[1]).path)


def is_eligible(worker: Worker, target: Target, queue: TaskQueue, task: Mapping[str, Value],
                now: datetime | None = None) -> bool:
    """Whether ``worker`` can be offered the task at this step (queue, expression, known worker)."""
    if not in_queue(queue, worker):
        return False
    if target.expression is not None and not evaluate(parsed(target.expression, "target"),
                                                      target_scope(task, worker.scope(), now)):
        return False
    pinned = target.known_worker
    if pinned is None:
        return True
    # Known Agent Routing targets the one worker the attribute names: a missing or null attribute names nobody.
    wanted = known_worker_value(target, task)
    return wanted is not None and worker.scope().get(pinned[0]) == wanted


def eligible_workers(workers: Sequence[Worker], target: Target, queue: TaskQueue, task: Mapping[str, Value],
                     now: datetime | None = None) -> tuple[Worker, ...]:
    """The workers eligible at a step, in the order TaskRouter would offer them."""
    chosen = [worker for worker in workers if is_eligible(worker, target, queue, task, now)]
    if target.order_by is not None:
        order = parsed(target.order_by, "order_by").order
        chosen.sort(key=lambda worker: order_key(order, worker.scope()))  # stable: ties keep pool order
    return tuple(chosen)


def skip_variables(queue: TaskQueue, workers: Sequence[Worker]) -> dict[str, Value]:
    """``workers.*`` for skip_if: counts of the queue's workers by availability and activity SID."""
    members = [worker for worker in workers if in_queue(queue, worker)]
    by_activity = Counter(worker.activity_sid for worker in members if worker.activity_sid)
    return {"workers": {"available": sum(worker.is_available for worker in members),
                        "unavailable": sum(not worker.is_available for worker in members), **by_activity}}


StepExit = Literal["timeout", "skipped", "stays"]
Outcome = Literal["waiting", "canceled", "unrouted"]


@dataclass(frozen=True)
class FilterCheck:
    """Whether one filter matched the task when it was tried."""

    index: int
    name: str
    expression: str
    matched: bool


@dataclass(frozen=True)
class Step:
    """One routing step the task goes through, and what happens there."""

    path: str
    filter_name: str
    queue: TaskQueue
    queue_inherited: bool
    priority: int | None
    timeout: int | None
    expression: str | None
    order_by: str | None
    skip_if: str | None
    known_worker: str | None
    starts_after: int
    exit: StepExit
    eligible: tuple[Worker, ...] | None = None

    @property
    def available(self) -> tuple[Worker, ...]:
        """Eligible workers that could be reserved at once (empty without a worker pool)."""
        return tuple(worker for worker in self.eligible or () if worker.is_available)


@dataclass(frozen=True)
class RouteResult:
    """Where a task goes: filters tried, steps taken, and how it ends."""

    task: Mapping[str, Value]
    checks: tuple[FilterCheck, ...]
    steps: tuple[Step, ...]
    outcome: Outcome
    ends_after: int = 0
    used_default_filter: bool = False
    workers_known: bool = False

    @property
    def matched_filter(self) -> FilterCheck | None:
        """The first filter that took the task (None if only default_filter or nothing did)."""
        return next((check for check in self.checks if check.matched), None)

    @property
    def queues(self) -> tuple[str, ...]:
        """Keys of the queues tried, in order (a queue repeats if a later step returns to it)."""
        return tuple(step.queue.key for step in self.steps)

    @property
    def first_reservation(self) -> tuple[Step, Worker] | None:
        """The first step with an eligible available worker, and that worker (needs a worker pool)."""
        return next(((step, step.available[0]) for step in self.steps if step.available), None)

    def render(self) -> str:
        """A readable, line-per-fact account of the route."""
        lines = [f"task {json.dumps(self.task, sort_keys=True)}"]
        lines += [f"  filter [{check.index}] {check.name or '(unnamed)'}: {check.expression}  -> "
                  f"{'MATCH' if check.matched else 'no match'}" for check in self.checks]
        if self.used_default_filter:
            lines.append("  no filter matched: default_filter")
        for number, step in enumerate(self.steps, start=1):
            lines += _render_step(number, step, self.workers_known)
        lines.append(f"outcome: {self.describe_outcome()}")
        reservation = self.first_reservation
        if self.workers_known:
            lines.append(f"first reservation: {reservation[1].friendly_name} at step "
                         f"{self.steps.index(reservation[0]) + 1} ({_queue_name(reservation[0].queue)})"
                         if reservation else "first reservation: none (no eligible worker is available)")
        return "\n".join(lines)

    def describe_outcome(self) -> str:
        """How routing ends, in one sentence."""
        if self.outcome == "waiting":
            return f"the task waits in {_queue_name(self.steps[-1].queue)} until a worker accepts it"
        if self.outcome == "canceled":
            return (f"after {self.ends_after}s the last step times out and no later filter matches: "
                    "TaskRouter cancels the task")
        return "no filter matches and there is no default_filter: the task has no queue (add a default_filter)"

    def to_dict(self) -> dict[str, object]:
        """The route as plain JSON-ready data."""
        return {
            "task": dict(self.task),
            "filters": [{"index": check.index, "name": check.name, "matched": check.matched}
                        for check in self.checks],
            "default_filter": self.used_default_filter,
            "steps": [{"path": step.path, "queue": step.queue.key, "queue_name": step.queue.friendly_name,
                       "priority": step.priority, "timeout": step.timeout, "starts_after": step.starts_after,
                       "exit": step.exit,
                       "eligible": None if step.eligible is None else [w.friendly_name for w in step.eligible],
                       "available": None if step.eligible is None else [w.friendly_name for w in step.available]}
                      for step in self.steps],
            "outcome": self.outcome,
            "ends_after": self.ends_after,
        }


def _queue_name(queue: TaskQueue) -> str:
    if queue.friendly_name == queue.key:
        return f"queue {queue.key!r}"
    return f"queue {queue.friendly_name!r} ({queue.key})"


def _render_step(number: int, step: Step, workers_known: bool) -> list[str]:
    inherited = " (inherited)" if step.queue_inherited else ""
    head = f"  step {number} at {step.starts_after}s: {_queue_name(step.queue)}{inherited}"
    if step.priority is not None:
        head += f", priority {step.priority}"
    head += {"timeout": f", timeout {step.timeout}s", "skipped": ", skipped (skip_if holds)",
             "stays": ", stays until a worker accepts"}[step.exit]
    if step.skip_if is not None and not workers_known and step.exit != "skipped":
        # Without a pool there is nobody to reserve, and route never fires skip_if: say so rather than imply it.
        head += " (skip_if not evaluated: it needs a worker pool, e.g. flexctl route --workers)"
    lines = [head]
    details = [("expression", step.expression), ("known worker", step.known_worker), ("order by", step.order_by),
               ("skip if", step.skip_if)]
    lines += [f"      {label}: {value}" for label, value in details if value is not None]
    if workers_known and step.eligible is not None:
        names = [worker.friendly_name + ("" if worker.is_available else " (unavailable)")
                 for worker in step.eligible]
        lines.append(f"      eligible: {', '.join(names) if names else 'nobody'}")
    return lines


class _Router:
    def __init__(self, workflow: Workflow, task: Mapping[str, Value], workers: Sequence[Worker] | None,
                 now: datetime | None) -> None:
        self.workflow = workflow
        self.task = task
        self.workers = workers
        self.now = now
        self.clock = 0
        self.priority: int | None = None
        self.steps: list[Step] = []
        self.checks: list[FilterCheck] = []

    def step(self, path: str, name: str, target: Target, queue: TaskQueue, inherited: bool, *,
             final: bool = False) -> Step:
        if target.priority is not None:
            self.priority = target.priority
        eligible = None if self.workers is None else eligible_workers(self.workers, target, queue, self.task, self.now)
        exit_: StepExit = "stays"
        if final:
            pass  # default_filter: the task stays whatever the target says
        elif target.skip_if is not None and self._skips(target.skip_if, queue, eligible):
            exit_ = "skipped"
        elif target.timeout is not None:
            exit_ = "timeout"
        step = Step(path, name, queue, inherited, self.priority, target.timeout, target.expression, target.order_by,
                    target.skip_if, self._known_worker(target), self.clock, exit_, eligible)
        self.steps.append(step)
        if exit_ == "timeout":
            self.clock += target.timeout or 0
        return step

    def _skips(self, skip_if: str, queue: TaskQueue, eligible: tuple[Worker, ...] | None) -> bool:
        # Skip Timeout is evaluated only when nobody can be reserved at once, and needs the pool.
        if self.workers is None or eligible is None or any(worker.is_available for worker in eligible):
            return False
        return evaluate(parsed(skip_if, "skip_if"), skip_variables(queue, self.workers))

    def _known_worker(self, target: Target) -> str | None:
        pinned = target.known_worker
        if pinned is None:
            return None
        return f"{pinned[0]} == {pinned[1]} ({json.dumps(known_worker_value(target, self.task))})"

    def run_filter(self, index: int) -> StepExit:
        item = self.workflow.filters[index]
        queue: TaskQueue | None = None
        exit_: StepExit = "stays"
        for target_index, target in enumerate(item.targets):
            inherited = target.queue is None
            queue = target.queue or queue
            assert queue is not None  # the model requires a queue on a filter's first target
            exit_ = self.step(target_path(index, target_index), item.name, target, queue, inherited).exit
            if exit_ == "stays":
                break
        return exit_

    def route(self) -> RouteResult:
        scope = filter_scope(self.task, self.now)
        start, timed_out = 0, False
        while True:
            matched = None
            for index in range(start, len(self.workflow.filters)):
                item = self.workflow.filters[index]
                hit = evaluate(parsed(item.expression, "filter"), scope)
                self.checks.append(FilterCheck(index, item.name, item.expression, hit))
                if hit:
                    matched = index
                    break
            if matched is None:
                return self.finish(timed_out)
            exit_ = self.run_filter(matched)
            if exit_ == "stays":
                return self.result("waiting")
            timed_out = timed_out or exit_ == "timeout"
            start = matched + 1

    def finish(self, timed_out: bool) -> RouteResult:
        default = self.workflow.default_filter
        if timed_out:
            return self.result("canceled")
        if default is None or default.queue is None:
            return self.result("unrouted")
        self.step(DEFAULT_FILTER_PATH, "default_filter", default, default.queue, False, final=True)
        return self.result("waiting", used_default=True)

    def result(self, outcome: Outcome, *, used_default: bool = False) -> RouteResult:
        return RouteResult(dict(self.task), tuple(self.checks), tuple(self.steps), outcome,
                           self.clock if outcome == "canceled" else 0, used_default, self.workers is not None)


def route(workflow: Workflow, task: Mapping[str, Value], *, workers: Sequence[Worker] | None = None,
          now: datetime | None = None) -> RouteResult:
    """Route a task's attributes through a workflow.

    Args:
        workflow: the routing rules.
        task: the task's attributes (what Send to Flex sets).
        workers: a worker pool; when given, each step lists its eligible workers and skip_if is
            evaluated. Without it skip_if never fires.
        now: UTC time for ``taskrouter.*`` time-of-day variables; without it they are NULL.
    """
    return _Router(workflow, task, workers, now).route()
