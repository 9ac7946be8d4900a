"""Lint: routing that is valid JSON but cannot do what it says.

Finds filters that can never match, targets that are never reached, queues that are referenced but
not defined, keys compared with values of another type, operators used on the wrong type, the
probable mistakes the expression parser warns about, and (from configuration JSON) keys TaskRouter may
ignore or reads only in a legacy spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from taskrouter.configuration import (
    DEFAULT_FILTER_PATH,
    ConfigProblem,
    ConfigurationError,
    filter_path,
    selects_no_worker,
    target_path,
)
from taskrouter.evaluation import evaluate, is_constant, parsed
from taskrouter.expression import (
    ArrayLiteral,
    Comparison,
    Condition,
    Constant,
    Expression,
    ExpressionKind,
    Operand,
    Reference,
    excerpt,
    format_operand,
    iter_comparisons,
)
from taskrouter.models import Filter, TaskQueue, Workflow, undefined_queues

JsonType = Literal["string", "number", "boolean", "array", "object"]
Namespace = Literal["task", "worker", "taskrouter", "workers"]

# Types TaskRouter itself gives (see evaluation.time_variables and the worker fields).
BUILTIN_TYPES: Mapping[tuple[Namespace, str], JsonType] = {
    **{("taskrouter", name): "number" for name in ("currentTime", "currentHour", "currentMin")},
    ("taskrouter", "dayOfWeek"): "string",
    **{("worker", name): "string" for name in ("sid", "friendly_name", "activity_sid", "activity_name")},
    ("workers", "available"): "number",
    ("workers", "unavailable"): "number",
}


@dataclass(frozen=True)
class Finding:
    """One lint finding: a stable code, a message with the fix, and the JSON path it is about."""

    code: str
    message: str
    path: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


def json_type(value: object) -> JsonType | None:
    """The TaskRouter type of a JSON value (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def json_types(sample: Mapping[str, object], prefix: str = "") -> dict[str, JsonType]:
    """Attribute types from a sample (e.g. a task's attributes), keyed by dotted path.

    Arrays whose items share one type also give ``path[]``: the item type.
    """
    types: dict[str, JsonType] = {}
    for key, value in sample.items():
        path = f"{prefix}{key}"
        kind = json_type(value)
        if kind is None:
            continue
        types[path] = kind
        if isinstance(value, Mapping):
            types.update(json_types(value, f"{path}."))
        elif isinstance(value, list):
            item_types = {kind for kind in map(json_type, value) if kind is not None}
            if len(item_types) == 1:
                types[f"{path}[]"] = item_types.pop()
    return types


def _label(item: Filter, index: int) -> str:
    return f"[{index}] {item.name!r}" if item.name else f"[{index}]"


def _keeps_tasks(item: Filter) -> bool:
    # A task leaves a filter only through its last reachable step's timeout or skip_if.
    return any(not target.leaves for target in item.targets)


def _filter_findings(workflow: Workflow, places: list[_Place]) -> Iterator[Finding]:
    # One pass, so 10,000 filters lint in seconds: the earlier filters that keep every task they take are
    # remembered by canonical expression, plus the first of them that matches every task.
    catch_all: tuple[int, Filter] | None = None
    keepers: dict[str, tuple[int, Filter]] = {}
    for index, (item, place) in enumerate(zip(workflow.filters, places, strict=False)):
        condition = place.expression.condition
        constant = is_constant(condition)
        always = constant and bool(evaluate(condition, {}))
        canonical = str(place.expression)
        if constant and not always:
            yield Finding("never-matches", f"filter {_label(item, index)} can never match: {item.expression!r} is "
                          "always false; fix the expression or remove the filter", filter_path(index))
        else:
            shadows = [earlier for earlier in (catch_all, keepers.get(canonical)) if earlier is not None]
            if shadows:
                earlier_index, earlier = min(shadows, key=lambda pair: pair[0])
                matches_all = catch_all is not None and catch_all[0] == earlier_index
                reason = f"matches every task ({earlier.expression!r})" if matches_all else "has the same expression"
                yield Finding("unreachable-filter", f"filter {_label(item, index)} can never match: filter "
                              f"{_label(earlier, earlier_index)} before it {reason} and keeps every task it takes "
                              "(a step without timeout or skip_if); move this filter above it, or give the earlier "
                              "filter's last step a timeout", filter_path(index))
        if _keeps_tasks(item):
            keepers.setdefault(canonical, (index, item))
            if always and catch_all is None:
                catch_all = (index, item)


def _target_findings(workflow: Workflow) -> Iterator[Finding]:
    for index, item in enumerate(workflow.filters):
        for target_index, target in enumerate(item.targets[:-1]):
            if not target.leaves:
                unreached = len(item.targets) - target_index - 1
                yield Finding("unreachable-target", f"filter {_label(item, index)}: {unreached} target(s) from here "
                              f"on are never reached: target {target_index} has no timeout (nor skip_if), so tasks "
                              f"stay in it; add \"timeout\" to target {target_index} or remove the targets after it",
                              target_path(index, target_index + 1))
                break


def _queue_findings(workflow: Workflow, defined: Iterable[TaskQueue]) -> Iterator[Finding]:
    defined = tuple(defined)
    known = ", ".join(queue.key for queue in defined) or "none"
    for path, queue in undefined_queues(workflow, defined):
        yield Finding("undefined-queue", f"queue {queue.key!r} is referenced but not defined (defined: {known}); "
                      "define the queue or fix the reference", path)


@dataclass(frozen=True)
class _Place:
    path: str
    text: str
    kind: ExpressionKind
    expression: Expression


def _expression_places(workflow: Workflow) -> list[_Place]:
    """Every expression of the workflow, parsed once: the filters' first, in filter order."""
    sources: list[tuple[str, str, ExpressionKind]] = [
        (f"{filter_path(index)}.expression", item.expression, "filter")
        for index, item in enumerate(workflow.filters)
    ]
    for path, target in workflow.targets():
        if target.expression is not None:
            sources.append((f"{path}.expression", target.expression, "target"))
        if target.skip_if is not None:
            sources.append((f"{path}.skip_if", target.skip_if, "skip_if"))
    sources += [(f"task_queues[{queue.key}].target_workers", queue.target_workers, "queue")
                for queue in workflow.queues() if not selects_no_worker(queue.target_workers)]
    return [_Place(path, text, kind, parsed(text, kind)) for path, text, kind in sources]


def _order_by_places(workflow: Workflow) -> list[_Place]:
    """The targets' order_by expressions, kept apart: they order workers, they hold no condition to type-check."""
    return [_Place(f"{path}.order_by", target.order_by, "order_by", parsed(target.order_by, "order_by"))
            for path, target in workflow.targets() if target.order_by is not None]


def _warning_findings(places: list[_Place]) -> Iterator[Finding]:
    for place in places:
        for warning in place.expression.warnings:
            shown = excerpt(place.text, warning.column)
            yield Finding(warning.code, f"{warning.message} in {shown!r} (column {warning.column}; "
                          f"fix: {warning.hint})", place.path)


def _key(reference: Reference, kind: ExpressionKind) -> tuple[Namespace, str] | None:
    root, rest = reference.path[0], Reference(reference.path[1:]).name if len(reference.path) > 1 else ""
    if root == "taskrouter" and kind in ("filter", "target"):
        return "taskrouter", rest
    if kind == "target":
        if root == "task" and rest:
            return "task", rest
        return ("worker", rest) if root == "worker" and rest else None
    if kind == "skip_if":
        return "workers", rest
    return ("task" if kind == "filter" else "worker"), reference.name


@dataclass(frozen=True)
class _Use:
    key: tuple[Namespace, str]
    type: JsonType
    shown: str
    place: _Place
    column: int  # of the comparison, 1-based


def _constant_type(operand: Operand) -> JsonType | None:
    return json_type(operand.value) if isinstance(operand, Constant) else None


def _comparison_uses(comparison: Comparison, place: _Place) -> Iterator[_Use]:
    """The types a comparison needs its keys to have to hold (NOT IN holds for any type, so it needs none)."""
    left, operator, right = comparison.left, comparison.operator, comparison.right
    for reference, other in ((left, right), (right, left)):
        if not isinstance(reference, Reference) or (key := _key(reference, place.kind)) is None:
            continue
        if operator == "IN" and reference is left and isinstance(other, ArrayLiteral):
            items = [(item, _constant_type(item)) for item in other.items]
            yield from (_Use(key, kind, format_operand(item), place, comparison.start + 1)
                        for item, kind in items if kind)
        elif operator == "HAS" and reference is left and (kind := _constant_type(other)):
            yield _Use((key[0], f"{key[1]}[]"), kind, format_operand(other), place, comparison.start + 1)
        elif operator not in ("IN", "NOT IN", "HAS") and (kind := _constant_type(other)):
            yield _Use(key, kind, format_operand(other), place, comparison.start + 1)


def _describe(key: tuple[Namespace, str]) -> str:
    namespace, name = key
    if namespace == "workers":
        return f"skip_if variable workers.{name}"
    if namespace == "taskrouter":
        return f"time-of-day variable taskrouter.{name}"
    if name.endswith("[]"):
        return f"items of {namespace} attribute {name[:-2]!r}"
    return f"{namespace} attribute {name!r}"


# The types each key must have for a condition to hold, with the comparison that asks for each type.
# A key the condition does not constrain is absent.
_Needs = dict[tuple[Namespace, str], dict[JsonType, _Use]]


class _TypeCheck:
    """Keys compared with a value of a type they cannot have, which never matches.

    A key of known type (a sample's, or TaskRouter's own) against any other type. A key of unknown type
    against two types in comparisons that must hold together: those an AND joins, a filter's expression
    with the expression of each of its targets (task keys), and a target's expression with its queue's
    target_workers (worker keys). Across an OR, or across filters, a key may hold a number on one task and
    a string on another (``age > 13 OR age == '>20'``); array items may mix types.
    """

    def __init__(self, known: Mapping[tuple[Namespace, str], JsonType]) -> None:
        self.known = known
        self.findings: list[Finding] = []
        self.needs: dict[str, _Needs] = {}

    def of(self, place: _Place | None) -> _Needs:
        """What one expression needs; its own findings are reported on the first call."""
        if place is None:
            return {}
        if place.path not in self.needs:
            self.needs[place.path] = self.condition(place.expression.condition, place)
        return self.needs[place.path]

    def condition(self, condition: Condition, place: _Place) -> _Needs:
        if isinstance(condition, Comparison):
            return self.comparison(condition, place)
        parts = [self.condition(part, place) for part in condition.operands]
        if condition.operator == "AND":
            return self.together(parts)
        # OR: a key is constrained only if every alternative constrains it, to any of their types.
        shared = set(parts[0]).intersection(*parts[1:])
        return {key: {kind: use for part in reversed(parts) for kind, use in part[key].items()} for key in shared}

    def comparison(self, comparison: Comparison, place: _Place) -> _Needs:
        needs: _Needs = {}
        for use in _comparison_uses(comparison, place):
            expected = self.known.get(use.key, "number" if use.key[0] == "workers" else None)  # workers.WA… counts
            if expected is None and not use.key[1].endswith("[]"):
                needs.setdefault(use.key, {}).setdefault(use.type, use)
            elif expected is not None and expected != use.type:
                shown = excerpt(place.text, use.column)
                self.findings.append(Finding(
                    "type-mismatch", f"{_describe(use.key)} is a {expected}, but {shown!r} compares it with "
                    f"{use.shown} (a {use.type}), which never matches; compare with a {expected}", place.path))
        return needs

    def together(self, parts: list[_Needs]) -> _Needs:
        """What conditions that must all hold need; a key they need in two types is a finding."""
        combined: _Needs = {}
        for part in parts:
            for key, kinds in part.items():
                if key not in combined:
                    combined[key] = kinds
                    continue
                common = {kind: use for kind, use in combined[key].items() if kind in kinds}
                if common:
                    combined[key] = common
                else:
                    self.conflict(next(iter(combined[key].values())), next(iter(kinds.values())))
        return combined

    def conflict(self, earlier: _Use, use: _Use) -> None:
        where = "in the same expression" if earlier.place is use.place else f"at {earlier.place.path}"
        shown = excerpt(use.place.text, use.column)
        self.findings.append(Finding(
            "type-mismatch", f"{_describe(use.key)} is compared with {use.shown} (a {use.type}) in {shown!r} and "
            f"with {earlier.shown} (a {earlier.type}) {where}, and both must hold; a value has one type, so they "
            "never match together: use the same type in both", use.place.path))


def _type_findings(workflow: Workflow, places: list[_Place],
                   known: Mapping[tuple[Namespace, str], JsonType]) -> list[Finding]:
    check = _TypeCheck(known)
    for place in places:
        check.of(place)
    by_path = {place.path: place for place in places}

    def step(condition: _Place | None, path: str, queue: TaskQueue | None) -> None:
        target_workers = by_path.get(f"task_queues[{queue.key}].target_workers") if queue else None
        check.together([check.of(condition), check.of(by_path.get(f"{path}.expression")), check.of(target_workers)])

    for index, item in enumerate(workflow.filters):
        queue = None
        for target_index, target in enumerate(item.targets):
            queue = target.queue or queue  # a target without a queue inherits the previous one
            step(by_path[f"{filter_path(index)}.expression"], target_path(index, target_index), queue)
    if workflow.default_filter is not None:
        step(None, DEFAULT_FILTER_PATH, workflow.default_filter.queue)
    return check.findings


def _operator_findings(places: list[_Place]) -> Iterator[Finding]:
    for place in places:
        for comparison in iter_comparisons(place.expression.condition):
            problem = _operator_problem(comparison)
            if problem:
                shown = excerpt(place.text, comparison.start + 1)
                yield Finding("operator-type", f"{problem} in {shown!r}", place.path)


def _operator_problem(comparison: Comparison) -> str | None:
    left, operator, right = comparison.left, comparison.operator, comparison.right
    left_type, right_type = _constant_type(left), _constant_type(right)
    shown = f"{format_operand(left)} {operator} {format_operand(right)}"
    if operator in (">", ">=", "<", "<=") and "boolean" in (left_type, right_type):
        return f"{shown} orders a boolean, which is always false; use == or !="
    if operator in ("IN", "NOT IN") and right_type is not None:
        return (f"{shown}: {operator} needs an array on the right, so this is always false; write "
                f"{format_operand(left)} {'!=' if operator == 'NOT IN' else '=='} {format_operand(right)} "
                f"or {format_operand(left)} {operator} [{format_operand(right)}]")
    if operator == "HAS" and (isinstance(right, ArrayLiteral) or left_type is not None):
        return f"{shown}: HAS needs an array key on the left and one value on the right (e.g. skills HAS 'sales')"
    if operator == "CONTAINS" and (left_type not in (None, "string") or right_type not in (None, "string")):
        return f"{shown}: CONTAINS tests text within text; compare numbers and booleans with =="
    if isinstance(left, ArrayLiteral) or (isinstance(right, ArrayLiteral) and operator not in ("IN", "NOT IN")):
        return f"{shown}: {operator} on an array is always false; use IN, NOT IN or HAS"
    return None


_NUMBERS = re.compile(r"(\d+)")


def _order(finding: Finding) -> tuple[object, ...]:
    # Filters in index order, then default_filter, then queues (as a reader meets them in the JSON).
    section = next((rank for rank, start in enumerate(("task_routing.filters", "task_routing.default_filter"))
                    if finding.path.startswith(start)), 2)
    return (section, *(int(part) if part.isdigit() else part for part in _NUMBERS.split(finding.path)))


def lint(workflow: Workflow, *, defined_queues: Iterable[TaskQueue] | None = None,
         task_types: Mapping[str, JsonType] | None = None,
         worker_types: Mapping[str, JsonType] | None = None) -> list[Finding]:
    """Every finding for a workflow, in path order.

    Args:
        workflow: the workflow to check.
        defined_queues: the queues that exist; when given, any other queue is reported.
        task_types: known task attribute types by dotted path (see ``json_types``).
        worker_types: known worker attribute types by dotted path.
    """
    known: dict[tuple[Namespace, str], JsonType] = dict(BUILTIN_TYPES)
    known.update({("task", key): kind for key, kind in (task_types or {}).items()})
    known.update({("worker", key): kind for key, kind in (worker_types or {}).items()})
    places = _expression_places(workflow)
    findings = [*_filter_findings(workflow, places), *_target_findings(workflow),
                *_type_findings(workflow, places, known), *_operator_findings(places),
                *_warning_findings([*places, *_order_by_places(workflow)])]
    if defined_queues is not None:
        findings += _queue_findings(workflow, defined_queues)
    return sorted(findings, key=_order)


def lint_configuration(data: object, *, friendly_name: str = "workflow",
                       queues: Mapping[str, TaskQueue] | None = None,
                       task_types: Mapping[str, JsonType] | None = None) -> list[Finding]:
    """Lint configuration JSON (object or text): its problems (invalid-configuration) if invalid, else
    ``lint`` of it; its warnings (unknown-key, legacy-key) either way.

    ``queues`` maps queue values in the JSON (SIDs or placeholders) to models; when given, every
    other queue value is reported as undefined.
    """
    try:
        workflow, problems = Workflow.read_configuration(data, friendly_name=friendly_name, queues=queues)
    except ConfigurationError as error:
        return [_problem_finding(problem) for problem in error.problems]
    defined = None if queues is None else queues.values()
    findings = lint(workflow, defined_queues=defined, task_types=task_types)
    return sorted([*findings, *map(_problem_finding, problems)], key=_order)


def _problem_finding(problem: ConfigProblem) -> Finding:
    return Finding(problem.code, problem.message, problem.path or "configuration")

