"""How TaskRouter evaluates an expression against attributes (taskrouter.md §2).

Value semantics, in one place:

* A missing key, or an index past the end of an array, is NULL (``None``) ("If the document does not contain
  the requested key, it resolves to NULL", Twilio's expression page). NULL equals NULL, whether written ``null``
  or a second missing key (``task.a == task.b`` holds when both are missing): flex-project-template's internal
  calls workflow routes a call to an agent through ``targetWorker != null AND callToQueue == null``, which
  holds only if a missing callToQueue equals null (infra-as-code/terraform/environments/default/workflows/
  template_example_internal_calls.json).
* A missing key is ``!=`` any value and not ``!=`` null (nor a second missing key). techmatters/flex-plugins
  deploys, as every helpline's only target, ``worker.waitingOfflineContact != true AND ...
  (task.transferTargetType != 'worker' AND worker.sid != task.ignoreAgent)``; workers without
  waitingOfflineContact and tasks that are no transfer (no transferTargetType, no ignoreAgent) are routed only if
  a missing key is ``!=`` a value (twilio-iac/terraform-modules/taskRouter/default/main.tf). Its master workflow's
  first filter was ``flexOutboundDialerTargetWorker != null`` with no timeout
  (https://github.com/techmatters/flex-plugins/pull/1683): were a missing key ``!= null``, every task would have
  stayed there.
* Scalar operators (== != > >= < <= CONTAINS) on an array or object are false; array operators
  (HAS, IN, NOT IN) without an array on the expected side are false.
* Values of different types never compare: ``1 == '1'``, ``1 != '1'`` and ``'a' > 1`` are all
  false (a boolean is not a number). NULL against a non-null value is false except for ``!=``.
* CONTAINS is a case-sensitive substring test on two strings.
* Numbers compare numerically (int and float alike); strings compare lexically.
"""

from __future__ import annotations

import operator as operators
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import cast

from taskrouter.expression import (
    ArrayLiteral,
    Comparison,
    Condition,
    Constant,
    Expression,
    ExpressionKind,
    Logical,
    Operand,
    OrderBy,
    Reference,
    parse,
)

Value = object  # a decoded JSON value: None, bool, int, float, str, list or dict


@lru_cache(maxsize=4096)
def parsed(text: str, kind: ExpressionKind) -> Expression:
    """Parse once per (text, kind): routing evaluates the same expressions for every worker."""
    return parse(text, kind)


def resolve(scope: Mapping[str, Value], path: Sequence[str | int]) -> Value:
    """Follow a key path through nested objects and arrays; NULL (None) where it leads nowhere."""
    current: Value = scope
    for part in path:
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return None
            current = current[part]
        elif isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return None
    return current


def _number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_type(left: Value, right: Value) -> bool:
    """Whether two scalars have the same TaskRouter type (number, string, boolean, null)."""
    if _number(left) and _number(right):
        return True
    return type(left) is type(right) and isinstance(left, str | bool | type(None))


def _equal(left: Value, right: Value) -> bool:
    return same_type(left, right) and left == right


def _is_scalar(value: Value) -> bool:
    return not isinstance(value, list | dict)


_ORDERINGS = {">": operators.gt, ">=": operators.ge, "<": operators.lt, "<=": operators.le}


def compare(operator: str, left: Value, right: Value) -> bool:
    """Apply one comparison operator with TaskRouter's type rules (see the module docstring)."""
    if operator in ("HAS", "IN", "NOT IN"):
        array, item = (left, right) if operator == "HAS" else (right, left)
        if not isinstance(array, list) or not _is_scalar(item):
            return False
        found = any(_equal(element, item) for element in array)
        return not found if operator == "NOT IN" else found
    if not (_is_scalar(left) and _is_scalar(right)):
        return False
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        if left is None or right is None:
            return (left is None) != (right is None)
        return same_type(left, right) and left != right
    if operator == "CONTAINS":
        return isinstance(left, str) and isinstance(right, str) and right in left
    if same_type(left, right) and isinstance(left, int | float | str) and not isinstance(left, bool):
        return bool(_ORDERINGS[operator](left, cast(float | str, right)))  # same_type: right is like left
    return False


def operand_value(operand: Operand, scope: Mapping[str, Value]) -> Value:
    """The value of one operand in a scope."""
    if isinstance(operand, Constant):
        return operand.value
    if isinstance(operand, Reference):
        return resolve(scope, operand.path)
    return [operand_value(item, scope) for item in operand.items]


def evaluate(expression: Expression | Condition, scope: Mapping[str, Value]) -> bool:
    """Whether a condition holds for the attributes in ``scope``."""
    condition = expression.condition if isinstance(expression, Expression) else expression
    if isinstance(condition, Comparison):
        return compare(condition.operator, operand_value(condition.left, scope),
                       operand_value(condition.right, scope))
    if condition.operator == "AND":
        return all(evaluate(part, scope) for part in condition.operands)
    return any(evaluate(part, scope) for part in condition.operands)


def is_constant(condition: Condition) -> bool:
    """Whether a condition reads no key at all (so it is always true or always false)."""
    if isinstance(condition, Logical):
        return all(is_constant(part) for part in condition.operands)
    return not any(isinstance(side, Reference) or (isinstance(side, ArrayLiteral) and not _constant_array(side))
                   for side in (condition.left, condition.right))


def _constant_array(array: ArrayLiteral) -> bool:
    return all(isinstance(item, Constant) or (isinstance(item, ArrayLiteral) and _constant_array(item))
               for item in array.items)


def time_variables(now: datetime | None) -> dict[str, Value]:
    """The ``taskrouter.*`` time-of-day variables for a UTC time; empty (all NULL) when unknown.

    ``currentHour`` and ``currentMin`` are numbers here although the docs call currentHour a string:
    the docs' own example compares it with numbers (``taskrouter.currentHour > 8``).
    """
    if now is None:
        return {}
    return {"currentTime": now.hour * 100 + now.minute, "currentHour": now.hour, "currentMin": now.minute,
            "dayOfWeek": now.strftime("%a")}


def filter_scope(task: Mapping[str, Value], now: datetime | None) -> dict[str, Value]:
    """Scope of a workflow filter: the task's attributes plus ``taskrouter.*``."""
    return {**task, "taskrouter": time_variables(now)}


def unprefixed_target_keys(task: Mapping[str, Value], now: datetime | None) -> dict[str, Value]:
    """What a key without ``task.`` or ``worker.`` reads in a target expression: here, the task's attribute.

    Unverified: the docs say every key in a target expression is prefixed, and do not say how TaskRouter
    reads one that is not; yet it accepts one. techmatters/flex-plugins deploys the target
    ``isSurveyTask==true`` under a filter with the same expression
    (twilio-iac/terraform-modules/survey/default/main.tf), so the task's attribute, as a filter reads it,
    is the reading under which that configuration routes its tasks.
    """
    return filter_scope(task, now)


def target_scope(task: Mapping[str, Value], worker: Mapping[str, Value], now: datetime | None) -> dict[str, Value]:
    """Scope of a target expression: ``task.*``, ``worker.*``, ``taskrouter.*`` and the unprefixed keys."""
    return {**unprefixed_target_keys(task, now), "task": task, "worker": worker, "taskrouter": time_variables(now)}


def order_key(order: OrderBy, worker: Mapping[str, Value]) -> tuple[tuple[int, float], ...]:
    """Sort key for one worker (worker fields under ``worker``); missing or non-numeric values sort last."""
    key: list[tuple[int, float]] = []
    for clause in order.clauses:
        value = resolve({"worker": worker}, clause.reference.path)
        if isinstance(value, int | float) and not isinstance(value, bool):
            key.append((0, value if clause.direction == "ASC" else -value))
        else:
            key.append((1, 0.0))
    return tuple(key)
