"""Routing semantics: which filter matches, which queues are tried in which order, and how it ends."""

from __future__ import annotations

from datetime import UTC, datetime

from taskrouter import Filter, Target, TaskQueue, Workflow, route
from tests.taskrouter.support import EVERYONE, FRENCH, SPANISH, VIP, worker

SALES = TaskQueue(key="sales", friendly_name="Sales")


def workflow(*filters: Filter, default: TaskQueue | None = EVERYONE) -> Workflow:
    return Workflow(friendly_name="w", filters=filters,
                    default_filter=Target(queue=default) if default is not None else None)


def test_first_matching_filter_wins() -> None:
    result = route(workflow(Filter(name="Spanish", expression="language == 'es'", targets=(Target(queue=SPANISH),)),
                            Filter(name="Any", expression="1==1", targets=(Target(queue=FRENCH),))),
                   {"language": "es"})
    assert (result.matched_filter and result.matched_filter.name, result.queues) == ("Spanish", ("spanish",))


def test_filters_are_tried_in_order_until_one_matches() -> None:
    result = route(workflow(Filter(expression="a == 1", targets=(Target(queue=VIP),)),
                            Filter(expression="b == 1", targets=(Target(queue=SALES),)),
                            Filter(expression="c == 1", targets=(Target(queue=FRENCH),))), {"b": 1, "c": 1})
    assert [(check.index, check.matched) for check in result.checks] == [(0, False), (1, True)]


def test_task_matching_no_filter_goes_to_default_filter() -> None:
    result = route(workflow(Filter(expression="vip == true", targets=(Target(queue=VIP),))), {"vip": False})
    assert (result.used_default_filter, result.queues, result.outcome) == (True, ("everyone",), "waiting")


def test_task_matching_nothing_without_default_filter_is_unrouted() -> None:
    result = route(workflow(Filter(expression="vip == true", targets=(Target(queue=VIP),)), default=None), {})
    assert (result.outcome, result.steps) == ("unrouted", ())


def test_targets_are_tried_in_order_with_their_timeouts() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, timeout=30), Target(queue=SALES, timeout=60), Target(queue=EVERYONE)))), {})
    assert [(step.queue.key, step.starts_after, step.exit) for step in result.steps] == [
        ("vip", 0, "timeout"), ("sales", 30, "timeout"), ("everyone", 90, "stays")]


def test_target_without_timeout_keeps_the_task() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(Target(queue=VIP), Target(queue=SALES)))), {})
    assert (result.queues, result.outcome) == (("vip",), "waiting")


def test_target_without_queue_inherits_the_previous_one() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, timeout=10), Target(expression="worker.level > 2")))), {})
    assert [(step.queue.key, step.queue_inherited) for step in result.steps] == [("vip", False), ("vip", True)]


def test_priority_persists_until_a_step_redefines_it() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, priority=5, timeout=10), Target(queue=SALES, timeout=10),
        Target(queue=EVERYONE, priority=1)))), {})
    assert [step.priority for step in result.steps] == [5, 5, 1]


def test_last_target_timing_out_cancels_the_task() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, timeout=30), Target(queue=SALES, timeout=45)))), {})
    assert (result.outcome, result.ends_after) == ("canceled", 75)


def test_default_filter_does_not_catch_a_task_that_timed_out() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(Target(queue=VIP, timeout=30),))), {})
    assert (result.outcome, result.used_default_filter) == ("canceled", False)


def test_after_a_timeout_a_later_matching_filter_takes_the_task() -> None:
    result = route(workflow(Filter(expression="vip == true", targets=(Target(queue=VIP, timeout=30),)),
                            Filter(expression="language == 'es'", targets=(Target(queue=SPANISH),))),
                   {"vip": True, "language": "es"})
    assert [(step.queue.key, step.starts_after) for step in result.steps] == [("vip", 0), ("spanish", 30)]


def test_skip_if_moves_on_at_once_when_nobody_is_available() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, timeout=60, skip_if="workers.available == 0"), Target(queue=EVERYONE)))),
        {}, workers=[worker("Ana", available=False, routing={"skills": ["vip"]}), worker("Bo")])
    assert [(step.queue.key, step.exit, step.starts_after) for step in result.steps] == [
        ("vip", "skipped", 0), ("everyone", "stays", 0)]


def test_skip_if_is_not_evaluated_when_a_worker_can_take_the_task() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=EVERYONE, timeout=60, skip_if="1==1"), Target(queue=SALES)))), {}, workers=[worker("Bo")])
    assert result.steps[0].exit == "timeout"


def test_skip_if_is_not_evaluated_without_a_worker_pool() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, timeout=60, skip_if="workers.available == 0"), Target(queue=EVERYONE)))), {})
    assert result.steps[0].exit == "timeout"


def test_skipping_the_last_target_lets_default_filter_take_the_task() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=VIP, skip_if="workers.available == 0"),))), {}, workers=[worker("Bo")])
    assert (result.queues, result.used_default_filter) == (("vip", "everyone"), True)


def test_skip_if_counts_workers_by_activity_sid() -> None:
    activity = "WA" + "0" * 32
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=EVERYONE, skip_if=f"workers.{activity} >= 2", timeout=9), Target(queue=SALES)))), {},
        workers=[worker("A", available=False, activity_sid=activity), worker("B", available=False,
                                                                          activity_sid=activity)])
    assert result.steps[0].exit == "skipped"


def test_known_worker_step_offers_the_task_only_to_that_worker() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=EVERYONE, known_worker_sid="task.agent_sid", timeout=30), Target(queue=EVERYONE)))),
        {"agent_sid": "WKbo"}, workers=[worker("Ana"), worker("Bo")])
    assert [[w.friendly_name for w in step.eligible or ()] for step in result.steps] == [["Bo"], ["Ana", "Bo"]]


def test_known_worker_by_friendly_name() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(
        Target(queue=EVERYONE, known_worker_friendly_name="task.last_agent"),))),
        {"last_agent": "Ana"}, workers=[worker("Ana"), worker("Bo")])
    assert [w.friendly_name for w in result.steps[0].eligible or ()] == ["Ana"]


def test_known_worker_missing_from_the_task_means_nobody_is_eligible() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(Target(queue=EVERYONE, known_worker_sid="task.x"),))),
                   {}, workers=[worker("Ana")])
    assert result.steps[0].eligible == ()


def test_unprefixed_key_in_a_target_expression_reads_the_task_attribute() -> None:
    flow = workflow(Filter(expression="1==1", targets=(Target(queue=EVERYONE, expression="level == 3"),)))
    pool = [worker("Ana", level=3), worker("Bo", level=1)]
    assert [w.friendly_name for w in route(flow, {"level": 3}, workers=pool).steps[0].eligible or ()] == ["Ana", "Bo"]
    assert route(flow, {"level": 1}, workers=pool).steps[0].eligible == ()


def test_prefixed_worker_key_in_a_target_reads_the_worker_even_beside_a_task_attribute_named_worker() -> None:
    flow = workflow(Filter(expression="1==1", targets=(Target(queue=EVERYONE, expression="worker.level == 3"),)))
    result = route(flow, {"worker": {"level": 3}}, workers=[worker("Ana", level=3), worker("Bo", level=1)])
    assert [w.friendly_name for w in result.steps[0].eligible or ()] == ["Ana"]


def test_first_reservation_is_the_first_available_eligible_worker() -> None:
    result = route(workflow(Filter(expression="1==1", targets=(Target(queue=VIP, timeout=20), Target(queue=SALES)))),
                   {}, workers=[worker("Ana", available=False, routing={"skills": ["vip"]}), worker("Bo")])
    reservation = result.first_reservation
    assert reservation is not None
    assert (reservation[0].queue.key, reservation[1].friendly_name) == ("sales", "Bo")


def test_time_of_day_filter_uses_the_given_time() -> None:
    flow = workflow(Filter(expression="taskrouter.dayOfWeek IN ['Sat', 'Sun']", targets=(Target(queue=SALES),)))
    weekend, weekday = datetime(2024, 5, 4, 12, tzinfo=UTC), datetime(2024, 5, 6, 12, tzinfo=UTC)
    assert (route(flow, {}, now=weekend).queues, route(flow, {}, now=weekday).queues) == (("sales",), ("everyone",))


def test_render_lists_filters_steps_and_outcome() -> None:
    result = route(workflow(Filter(name="VIP", expression="vip == true", targets=(
        Target(queue=VIP, priority=10, timeout=30), Target(queue=EVERYONE)))), {"vip": True})
    assert result.render().splitlines() == [
        'task {"vip": true}',
        "  filter [0] VIP: vip == true  -> MATCH",
        "  step 1 at 0s: queue 'VIP' (vip), priority 10, timeout 30s",
        "  step 2 at 30s: queue 'Everyone' (everyone), priority 10, stays until a worker accepts",
        "outcome: the task waits in queue 'Everyone' (everyone) until a worker accepts it",
    ]


def test_render_with_workers_shows_who_is_eligible_and_the_first_reservation() -> None:
    result = route(workflow(), {}, workers=[worker("Ana", available=False), worker("Bo")])
    assert result.render().splitlines()[-3:] == [
        "      eligible: Ana (unavailable), Bo",
        "outcome: the task waits in queue 'Everyone' (everyone) until a worker accepts it",
        "first reservation: Bo at step 1 (queue 'Everyone' (everyone))",
    ]


def test_to_dict_is_plain_data() -> None:
    result = route(workflow(), {"a": 1}, workers=[worker("Bo")])
    assert result.to_dict()["steps"] == [{
        "path": "task_routing.default_filter", "queue": "everyone", "queue_name": "Everyone", "priority": None,
        "timeout": None, "starts_after": 0, "exit": "stays", "eligible": ["Bo"], "available": ["Bo"]}]
