"""Typed TaskRouter models: activities, task channels, task queues and workflows.

Models are immutable and validate on construction: every expression is parsed with its kind, so a
typo fails here (with the column and the fix) instead of in Twilio. A workflow references queues by
their model; SIDs are supplied only when the configuration JSON is built.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from taskrouter.configuration import (
    DEFAULT_FILTER_PATH,
    KNOWN_WORKER_KEYS,
    TARGET_EXPRESSION_KINDS,
    TARGET_INTEGER_RANGES,
    TARGET_KEYS,
    ConfigProblem,
    ConfigurationError,
    configuration_problems,
    decode,
    integer_value,
    selects_no_worker,
    target_path,
    target_queue,
)
from taskrouter.expression import ExpressionKind, parse, parse_task_reference


def _expression(kind: ExpressionKind) -> AfterValidator:
    def check(text: str) -> str:
        parse(text, kind)  # raises ExpressionError, a ValueError carrying the column and the fix
        return text

    return AfterValidator(check)


def _task_reference(text: str) -> str:
    parse_task_reference(text)
    return text


def _target_workers(text: str) -> str:
    if not selects_no_worker(text):
        parse(text, "queue")
    return text


FilterExpression = Annotated[str, _expression("filter")]
TargetExpression = Annotated[str, _expression("target")]
QueueExpression = Annotated[str, AfterValidator(_target_workers)]
SkipIfExpression = Annotated[str, _expression("skip_if")]
OrderByExpression = Annotated[str, _expression("order_by")]
TaskReference = Annotated[str, AfterValidator(_task_reference)]


def _target_integer(key: str) -> Any:
    """The bounds of a target's ``key`` (priority, timeout), as configuration.TARGET_INTEGER_RANGES holds them."""
    smallest, largest = TARGET_INTEGER_RANGES[key]
    return Field(ge=smallest, le=largest)


Priority = Annotated[StrictInt, _target_integer("priority")]
Seconds = Annotated[StrictInt, _target_integer("timeout")]
TaskOrder = Literal["FIFO", "LIFO"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MissingQueueError(LookupError):
    """A workflow references a queue for which no SID was supplied."""


class Activity(_Model):
    """A worker state; ``available`` decides whether workers in it receive tasks."""

    friendly_name: str = Field(min_length=1, max_length=64)
    available: bool


# A task channel's unique name is read as a key (worker.channel.<unique name>), so it follows the rule for keys
# (taskrouter.expression): Twilio's Multitasking page limits it to letters, digits, _ and $, not starting with a digit.
_CHANNEL_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class TaskChannel(_Model):
    """A kind of work (voice, chat, …); unique names are keys: letters, digits, _ and $, no leading digit."""

    unique_name: str = Field(min_length=1)
    # OAI-tr, TaskChannels POST: FriendlyName "can be up to 64 characters long"; the provider checks both rules too.
    friendly_name: str = Field(min_length=1, max_length=64)
    channel_optimized_routing: bool | None = None

    @field_validator("friendly_name", "unique_name")
    @classmethod
    def _no_hyphen(cls, value: str, info: ValidationInfo) -> str:
        # "Task Channel friendlyName and uniqueName values do not support hyphens" (twilio.com/docs/taskrouter/api/
        # task-channel): both names, so the model refuses what `pulumi preview` would.
        unique = info.field_name == "unique_name"
        if "-" in value:
            raise ValueError(f"task channel {'unique' if unique else 'friendly'} name {value!r} contains a hyphen, "
                             f"which TaskRouter does not support; use {value.replace('-', '_' if unique else ' ')!r}")
        if unique and not _CHANNEL_NAME.fullmatch(value):
            fixed = re.sub(r"[^A-Za-z0-9_$]", "_", value)
            fixed = f"_{fixed}" if fixed[0].isdigit() else fixed
            raise ValueError(f"task channel unique name {value!r} cannot be read as worker.channel.{value}: Twilio "
                             f"allows letters, digits, _ and $, not starting with a digit; use {fixed!r}")
        return value


class TaskQueue(_Model):
    """A queue of tasks and the workers eligible for them.

    ``key`` is the stable name other code uses for the queue (e.g. in ``queue_sids``);
    ``friendly_name`` defaults to it. ``target_workers=""`` selects no worker: tasks wait there.
    """

    key: str = Field(min_length=1)
    friendly_name: str = ""
    target_workers: QueueExpression = "1==1"
    max_reserved_workers: int = Field(default=1, ge=1, le=50)
    task_order: TaskOrder = "FIFO"
    reservation_activity: str | None = None
    assignment_activity: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_friendly_name(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("friendly_name") and isinstance(data.get("key"), str):
            return {**data, "friendly_name": data["key"]}
        return data


class Target(_Model):
    """One routing step: a queue (inherited from the previous step if omitted) and its rules."""

    queue: TaskQueue | None = None
    priority: Priority | None = None
    timeout: Seconds | None = None
    expression: TargetExpression | None = None
    order_by: OrderByExpression | None = None
    skip_if: SkipIfExpression | None = None
    known_worker_sid: TaskReference | None = None
    known_worker_friendly_name: TaskReference | None = None

    @model_validator(mode="after")
    def _one_known_worker(self) -> Target:
        if self.known_worker_sid and self.known_worker_friendly_name:
            raise ValueError("a target takes either known_worker_sid or known_worker_friendly_name, not both")
        return self

    @property
    def known_worker(self) -> tuple[Literal["sid", "friendly_name"], str] | None:
        """Which worker field the target pins, and the task attribute holding its value."""
        if self.known_worker_sid:
            return "sid", self.known_worker_sid
        if self.known_worker_friendly_name:
            return "friendly_name", self.known_worker_friendly_name
        return None

    @property
    def leaves(self) -> bool:
        """Whether a task can leave this step for the next one (after a timeout or a skip)."""
        return self.timeout is not None or self.skip_if is not None

    def configuration(self, queue_sid: Mapping[str, str], workflow: str) -> dict[str, object]:
        """This target as configuration JSON, with the queue replaced by its SID."""
        data: dict[str, object] = {}
        if self.queue is not None:
            data["queue"] = _sid(queue_sid, self.queue, workflow)
        if self.priority is not None:
            data["priority"] = self.priority
        if self.timeout is not None:
            data["timeout"] = self.timeout
        for key in (*TARGET_EXPRESSION_KINDS, *KNOWN_WORKER_KEYS):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


def _sid(queue_sids: Mapping[str, str], queue: TaskQueue, workflow: str) -> str:
    try:
        return queue_sids[queue.key]
    except KeyError:
        known = ", ".join(sorted(queue_sids)) or "none"
        raise MissingQueueError(
            f"workflow {workflow!r} routes to queue {queue.key!r} ({queue.friendly_name}) but queue_sids has no "
            f"SID for it (keys given: {known}); add queue_sids[{queue.key!r}] = <its WQ… SID>") from None


class Filter(_Model):
    """A condition on task attributes and the steps a matching task goes through."""

    expression: FilterExpression
    targets: tuple[Target, ...] = Field(min_length=1)
    name: str = ""

    @model_validator(mode="after")
    def _first_target_has_queue(self) -> Filter:
        if self.targets[0].queue is None:
            raise ValueError(f"the first target of filter {self.name or self.expression!r} needs a queue "
                             "(only later targets inherit the queue of the target before them)")
        return self


class Workflow(_Model):
    """Routing rules: filters tried in order, then ``default_filter`` for tasks matching none."""

    friendly_name: str = Field(min_length=1, max_length=64)
    filters: tuple[Filter, ...] = ()
    default_filter: Target | None = None
    task_reservation_timeout: int = Field(default=120, ge=1, le=86_400)

    @model_validator(mode="after")
    def _consistent(self) -> Workflow:
        if self.default_filter is not None and self.default_filter.queue is None:
            raise ValueError("default_filter needs a queue: where tasks that match no filter go")
        seen: dict[str, TaskQueue] = {}
        for _, target in self.targets():
            queue = target.queue
            if queue is not None and seen.setdefault(queue.key, queue) != queue:
                raise ValueError(f"two different queues share the key {queue.key!r}; give each queue its own key")
        return self

    def targets(self) -> Iterator[tuple[str, Target]]:
        """Every target with its JSON path, filters first, then the default filter."""
        for filter_index, item in enumerate(self.filters):
            for target_index, target in enumerate(item.targets):
                yield target_path(filter_index, target_index), target
        if self.default_filter is not None:
            yield DEFAULT_FILTER_PATH, self.default_filter

    def queues(self) -> tuple[TaskQueue, ...]:
        """The queues this workflow routes to, each once, in order of first reference."""
        found: dict[str, TaskQueue] = {}
        for _, target in self.targets():
            if target.queue is not None:
                found.setdefault(target.queue.key, target.queue)
        return tuple(found.values())

    def to_configuration(self, queue_sids: Mapping[str, str]) -> dict[str, object]:
        """The configuration JSON object Twilio expects, with queue SIDs keyed by ``TaskQueue.key``."""
        filters: list[dict[str, object]] = []
        for item in self.filters:
            data: dict[str, object] = {"expression": item.expression}
            if item.name:
                data["filter_friendly_name"] = item.name
            data["targets"] = [target.configuration(queue_sids, self.friendly_name) for target in item.targets]
            filters.append(data)
        routing: dict[str, object] = {"filters": filters}
        if self.default_filter is not None:
            routing["default_filter"] = self.default_filter.configuration(queue_sids, self.friendly_name)
        return {"task_routing": routing}

    def to_json(self, queue_sids: Mapping[str, str]) -> str:
        """Canonical configuration JSON: sorted keys, no spaces; identical inputs give identical bytes."""
        return json.dumps(self.to_configuration(queue_sids), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    @classmethod
    def from_configuration(cls, data: object, *, friendly_name: str,
                           queues: Mapping[str, TaskQueue] | None = None) -> Workflow:
        """Import configuration JSON (object or text); raise ConfigurationError listing every problem.

        ``queues`` maps the queue values found in the JSON (SIDs or ``${PLACEHOLDER}``s) to models;
        a value it lacks becomes a stand-in queue whose key and name are that value and whose
        target_workers is ``1==1``. Unknown keys are ignored; a legacy ``task_queue_sid`` is read.
        """
        return cls.read_configuration(data, friendly_name=friendly_name, queues=queues)[0]

    @classmethod
    def read_configuration(cls, data: object, *, friendly_name: str, queues: Mapping[str, TaskQueue] | None = None
                           ) -> tuple[Workflow, list[ConfigProblem]]:
        """``from_configuration``, and the configuration's warnings (unknown keys, legacy spellings)."""
        problems = configuration_problems(data)
        if any(problem.severity == "error" for problem in problems):
            raise ConfigurationError(problems, f"workflow {friendly_name!r}")
        decoded, _ = decode(data)
        assert isinstance(decoded, dict)  # configuration_problems found no error
        known = dict(queues or {})

        def target(raw: dict[str, object]) -> Target:
            fields: dict[str, object] = {key: value for key, value in raw.items()
                                         if key in TARGET_KEYS and key != "queue"}
            for key in ("priority", "timeout"):
                if key in fields:
                    fields[key] = integer_value(fields[key])
            _, reference = target_queue(raw)
            if isinstance(reference, str):
                fields["queue"] = known.setdefault(reference, TaskQueue(key=reference))
            return Target.model_validate(fields)

        routing = decoded["task_routing"]
        try:
            filters = [Filter(expression=item["expression"], targets=tuple(target(raw) for raw in item["targets"]),
                              name=item.get("filter_friendly_name") or item.get("friendly_name") or "")
                       for item in routing.get("filters", [])]
            default = routing.get("default_filter")
            workflow = cls(friendly_name=friendly_name, filters=tuple(filters),
                           default_filter=target(default) if default is not None else None)
        except ValidationError as error:  # e.g. two queue values mapped to different queues with one key
            errors = [ConfigProblem(".".join(map(str, detail["loc"])), detail["msg"]) for detail in error.errors()]
            raise ConfigurationError([*problems, *errors], f"workflow {friendly_name!r}") from None
        return workflow, problems


def undefined_queues(workflow: Workflow, defined: Iterable[TaskQueue]) -> list[tuple[str, TaskQueue]]:
    """Where ``workflow`` routes to a queue that is not among ``defined`` (compared by key and settings)."""
    known = {queue.key: queue for queue in defined}
    return [(f"{path}.queue", target.queue) for path, target in workflow.targets()
            if target.queue is not None and known.get(target.queue.key) != target.queue]


def _unique(names: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"two {what} are named {name!r}; names must be unique")
        seen.add(name)


# Flex's defaults (taskrouter.md §3).
FLEX_WORKSPACE_NAME = "Flex Task Assignment"
FLEX_ACTIVITIES = (
    Activity(friendly_name="Available", available=True),
    Activity(friendly_name="Unavailable", available=False),
    Activity(friendly_name="Break", available=False),
    Activity(friendly_name="Offline", available=False),
)
FLEX_TASK_CHANNELS = tuple(TaskChannel(unique_name=unique, friendly_name=friendly) for unique, friendly in (
    ("default", "Default"), ("voice", "Voice"), ("chat", "Chat"), ("sms", "SMS"), ("video", "Video")))


class Workspace(_Model):
    """Workspace settings and everything in it; defaults are those of a fresh Flex account."""

    # OAI-tr, Workspaces POST: FriendlyName "can be up to 64 characters long" (the provider refused it, not the model).
    friendly_name: str = Field(default=FLEX_WORKSPACE_NAME, min_length=1, max_length=64)
    multi_task_enabled: bool = True
    prioritize_queue_order: TaskOrder = "FIFO"
    event_callback_url: str | None = None
    default_activity: str = "Offline"
    timeout_activity: str = "Offline"
    activities: tuple[Activity, ...] = FLEX_ACTIVITIES
    task_channels: tuple[TaskChannel, ...] = FLEX_TASK_CHANNELS
    task_queues: tuple[TaskQueue, ...] = ()
    workflows: tuple[Workflow, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> Workspace:
        _unique((activity.friendly_name for activity in self.activities), "activities")
        _unique((channel.unique_name for channel in self.task_channels), "task channels")
        _unique((queue.key for queue in self.task_queues), "task queues (key)")
        _unique((workflow.friendly_name for workflow in self.workflows), "workflows")
        activities = {activity.friendly_name for activity in self.activities}
        wanted = [("default_activity", self.default_activity), ("timeout_activity", self.timeout_activity)]
        for queue in self.task_queues:
            wanted += [(f"task queue {queue.key!r} {field}", name) for field, name in
                       (("reservation_activity", queue.reservation_activity),
                        ("assignment_activity", queue.assignment_activity)) if name is not None]
        for where, name in wanted:
            if name not in activities:
                raise ValueError(f"{where} is {name!r}, which is not an activity of this workspace; "
                                 f"use one of {', '.join(sorted(activities))} or add it to activities")
        for workflow in self.workflows:
            missing = undefined_queues(workflow, self.task_queues)
            if missing:
                path, queue = missing[0]
                raise ValueError(f"workflow {workflow.friendly_name!r} routes to queue {queue.key!r} at {path}, "
                                 "but task_queues does not define that queue; add it to task_queues")
        return self
