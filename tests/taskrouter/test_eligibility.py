"""Worker eligibility: queue membership AND the step's expression AND the known worker, in offer order."""

from __future__ import annotations

import pytest

from taskrouter import Target, TaskQueue, Worker, eligible_workers
from taskrouter.routing import in_queue, skip_variables
from tests.taskrouter.support import EVERYONE, SPANISH, worker

ANA = worker("Ana", languages=["es", "en"], level=3, routing={"skills": ["vip"]})
BO = worker("Bo", languages=["en"], level=5)
CY = worker("Cy", available=False, languages=["es"], level=9)
POOL = [ANA, BO, CY]


def names(workers: tuple[Worker, ...]) -> list[str]:
    return [w.friendly_name for w in workers]


def test_queue_target_workers_selects_its_members() -> None:
    assert [w.friendly_name for w in POOL if in_queue(SPANISH, w)] == ["Ana", "Cy"]


def test_every_worker_is_in_a_one_equals_one_queue() -> None:
    assert all(in_queue(EVERYONE, w) for w in POOL)


def test_nobody_is_in_a_one_equals_zero_queue() -> None:
    assert not any(in_queue(TaskQueue(key="parked", target_workers="1==0"), w) for w in POOL)


def test_nobody_is_in_a_queue_with_empty_target_workers() -> None:
    parked = TaskQueue(key="parked", target_workers="")
    assert [w.friendly_name for w in POOL if in_queue(parked, w)] == []
    assert skip_variables(parked, POOL) == {"workers": {"available": 0, "unavailable": 0}}


def test_eligible_workers_must_be_in_the_queue() -> None:
    assert names(eligible_workers(POOL, Target(queue=SPANISH), SPANISH, {})) == ["Ana", "Cy"]


def test_target_expression_compares_task_and_worker_attributes() -> None:
    target = Target(queue=EVERYONE, expression="task.language IN worker.languages")
    assert names(eligible_workers(POOL, target, EVERYONE, {"language": "en"})) == ["Ana", "Bo"]


def test_target_expression_and_queue_both_apply() -> None:
    target = Target(queue=SPANISH, expression="worker.level > 4")
    assert names(eligible_workers(POOL, target, SPANISH, {})) == ["Cy"]


def test_target_expression_reads_worker_sid_and_activity() -> None:
    expression = "worker.sid NOT IN task.excluded AND worker.activity_name == 'Available'"
    target = Target(queue=EVERYONE, expression=expression)
    assert names(eligible_workers(POOL, target, EVERYONE, {"excluded": ["WKana"]})) == ["Bo"]


def test_unavailable_workers_are_eligible_but_not_reservable() -> None:
    eligible = eligible_workers(POOL, Target(queue=SPANISH), SPANISH, {})
    assert [(w.friendly_name, w.is_available) for w in eligible] == [("Ana", True), ("Cy", False)]


def test_order_by_sorts_eligible_workers() -> None:
    target = Target(queue=EVERYONE, order_by="worker.level DESC")
    assert names(eligible_workers(POOL, target, EVERYONE, {})) == ["Cy", "Bo", "Ana"]


def test_order_by_ties_keep_pool_order_and_missing_values_go_last() -> None:
    pool = [worker("A"), worker("B", level=1), worker("C", level=1)]
    target = Target(queue=EVERYONE, order_by="worker.level ASC")
    assert names(eligible_workers(pool, target, EVERYONE, {})) == ["B", "C", "A"]


def test_order_by_second_clause_breaks_ties() -> None:
    pool = [worker("Alice", finance=10, support=8), worker("Bob", finance=10, support=5)]
    target = Target(queue=EVERYONE, order_by="worker.finance ASC, worker.support ASC")
    assert names(eligible_workers(pool, target, EVERYONE, {})) == ["Bob", "Alice"]


def test_skip_variables_count_the_queue_members_by_availability() -> None:
    assert skip_variables(SPANISH, POOL) == {"workers": {"available": 1, "unavailable": 1}}


def test_worker_reads_the_rest_api_shape() -> None:
    api = {"sid": "WK1", "friendlyName": "Ana", "activityName": "Break", "attributes": '{"level": 2}',
           "account_sid": "AC1"}
    parsed = Worker.model_validate(api)
    assert (parsed.friendly_name, parsed.attributes, parsed.is_available) == ("Ana", {"level": 2}, False)


def test_explicit_availability_overrides_the_activity_name() -> None:
    assert Worker(friendly_name="Ana", activity_name="Busy", available=True).is_available


@pytest.mark.parametrize("key", ["known_worker_sid", "known_worker_friendly_name"])
@pytest.mark.parametrize("task", [{}, {"target": None}], ids=["missing", "null"])
def test_known_worker_with_a_missing_or_null_attribute_matches_no_worker(key: str, task: dict[str, object]) -> None:
    pool = [Worker(friendly_name="alice"), Worker(friendly_name="bob", sid="WK1")]
    target = Target.model_validate({"queue": EVERYONE, "timeout": 30, key: "task.target"})
    assert names(eligible_workers(pool, target, EVERYONE, task)) == []


@pytest.mark.parametrize(("key", "value"), [("known_worker_sid", "WK1"), ("known_worker_friendly_name", "bob")])
def test_known_worker_matches_the_worker_the_attribute_names(key: str, value: str) -> None:
    pool = [Worker(friendly_name="alice"), Worker(friendly_name="bob", sid="WK1")]
    target = Target.model_validate({"queue": EVERYONE, "timeout": 30, key: "task.target"})
    assert names(eligible_workers(pool, target, EVERYONE, {"target": value})) == ["bob"]
