"""Typed models: validation on construction, queues by model, canonical configuration JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from taskrouter import (
    ConfigurationError,
    Filter,
    MissingQueueError,
    Target,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
    check_target_workers,
    pre_agent_routing,
)
from tests.taskrouter.support import EVERYONE, FRENCH, SPANISH, VIP

SIDS = {"everyone": "WQ0001", "vip": "WQ0002", "spanish": "WQ0003", "french": "WQ0004"}


def two_step_workflow() -> Workflow:
    return Workflow(friendly_name="Support", filters=(
        Filter(name="VIP", expression="vip == true", targets=(
            Target(queue=VIP, priority=10, timeout=30, order_by="worker.level DESC"),
            Target(queue=EVERYONE, skip_if="workers.available == 0"))),
        Filter(name="Spanish", expression="language == 'es'", targets=(Target(queue=SPANISH),)),
    ), default_filter=Target(queue=EVERYONE))


def test_queue_friendly_name_defaults_to_its_key() -> None:
    assert TaskQueue(key="sales").friendly_name == "sales"


def test_queue_targets_every_worker_by_default() -> None:
    assert (EVERYONE.target_workers, EVERYONE.max_reserved_workers, EVERYONE.task_order) == ("1==1", 1, "FIFO")


@pytest.mark.parametrize("count", [0, 51])
def test_max_reserved_workers_is_between_1_and_50(count: int) -> None:
    with pytest.raises(ValidationError, match="max_reserved_workers"):
        TaskQueue(key="q", max_reserved_workers=count)


def test_task_order_is_fifo_or_lifo() -> None:
    with pytest.raises(ValidationError, match="task_order"):
        TaskQueue(key="q", task_order="RANDOM")  # type: ignore[arg-type]


def test_queue_target_workers_is_parsed_as_a_queue_expression() -> None:
    with pytest.raises(ValidationError, match=r"column 11: expected a value after 'HAS'"):
        TaskQueue(key="q", target_workers="skills HAS")
    # task. in target_workers is a task-in-queue warning, not a problem TaskRouter is known to refuse.
    assert TaskQueue(key="q", target_workers="task.language == 'es'").target_workers == "task.language == 'es'"


@pytest.mark.parametrize("target_workers", ["", "  ", "1==1", "skills HAS", "task.x == 1"])
def test_queue_model_accepts_the_target_workers_check_target_workers_accepts(target_workers: str) -> None:
    try:
        TaskQueue(key="q", target_workers=target_workers)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted == (check_target_workers(target_workers) == [])


def test_queue_with_empty_target_workers_is_a_queue_without_workers() -> None:
    assert TaskQueue(key="q", target_workers="").target_workers == ""


def test_target_expression_error_names_the_column_and_fix() -> None:
    with pytest.raises(ValidationError, match=r"column 14: expected a value after '=='"):
        Target(queue=EVERYONE, expression="task.lang == ")


def test_target_takes_one_known_worker_field() -> None:
    with pytest.raises(ValidationError, match="either known_worker_sid or known_worker_friendly_name"):
        Target(queue=EVERYONE, known_worker_sid="task.a", known_worker_friendly_name="task.b")


@pytest.mark.parametrize("field", ["priority", "timeout"])
def test_numbers_must_be_integers_not_text(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Target.model_validate({"queue": EVERYONE, field: "10"})


def test_timeout_must_not_be_negative() -> None:
    with pytest.raises(ValidationError, match="timeout"):
        Target(queue=EVERYONE, timeout=-1)


def test_filter_first_target_needs_a_queue() -> None:
    with pytest.raises(ValidationError, match="first target of filter 'VIP' needs a queue"):
        Filter(name="VIP", expression="vip == true", targets=(Target(timeout=5),))


def test_filter_needs_a_target() -> None:
    with pytest.raises(ValidationError, match="targets"):
        Filter(expression="1==1", targets=())


def test_default_filter_needs_a_queue() -> None:
    with pytest.raises(ValidationError, match="default_filter needs a queue"):
        Workflow(friendly_name="w", default_filter=Target())


def test_two_different_queues_cannot_share_a_key() -> None:
    other = TaskQueue(key="everyone", target_workers="1==0")
    with pytest.raises(ValidationError, match="two different queues share the key 'everyone'"):
        Workflow(friendly_name="w", filters=(Filter(expression="1==1", targets=(Target(queue=other),)),),
                 default_filter=Target(queue=EVERYONE))


def test_channel_unique_name_refuses_hyphens() -> None:
    with pytest.raises(ValidationError, match="use 'web_chat'"):
        TaskChannel(unique_name="web-chat", friendly_name="Web chat")


def test_models_are_immutable() -> None:
    with pytest.raises(ValidationError):
        EVERYONE.key = "other"


def test_queues_are_listed_once_in_order_of_first_use() -> None:
    assert [queue.key for queue in two_step_workflow().queues()] == ["vip", "everyone", "spanish"]


def test_configuration_fills_in_sids_by_queue_key() -> None:
    assert two_step_workflow().to_configuration(SIDS) == {"task_routing": {
        "filters": [
            {"filter_friendly_name": "VIP", "expression": "vip == true", "targets": [
                {"queue": "WQ0002", "priority": 10, "timeout": 30, "order_by": "worker.level DESC"},
                {"queue": "WQ0001", "skip_if": "workers.available == 0"}]},
            {"filter_friendly_name": "Spanish", "expression": "language == 'es'", "targets": [{"queue": "WQ0003"}]}],
        "default_filter": {"queue": "WQ0001"}}}


def test_flex_default_workflow_keeps_an_empty_filter_list() -> None:
    workflow = Workflow(friendly_name="Assign to Anyone", default_filter=Target(queue=EVERYONE))
    assert workflow.to_json({"everyone": "WQ1"}) == '{"task_routing":{"default_filter":{"queue":"WQ1"},"filters":[]}}'


def test_json_is_canonical_sorted_and_compact() -> None:
    text = two_step_workflow().to_json(SIDS)
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def test_json_is_identical_for_equal_workflows_built_separately() -> None:
    assert two_step_workflow().to_json(SIDS) == two_step_workflow().to_json(dict(reversed(SIDS.items())))


def test_missing_queue_sid_names_the_queue_and_the_fix() -> None:
    with pytest.raises(MissingQueueError, match=r"queue 'spanish' \(Spanish\).*add queue_sids\['spanish'\]"):
        two_step_workflow().to_json({"vip": "WQ2", "everyone": "WQ1"})


def test_configuration_is_valid_for_the_configuration_checker() -> None:
    from taskrouter import check_configuration

    assert check_configuration(two_step_workflow().to_json(SIDS)) == []


def test_import_maps_queue_values_to_the_given_models() -> None:
    data = two_step_workflow().to_configuration(SIDS)
    by_sid = {SIDS[queue.key]: queue for queue in (EVERYONE, VIP, SPANISH)}
    assert Workflow.from_configuration(data, friendly_name="Support", queues=by_sid) == two_step_workflow()


def test_import_reads_numbers_written_as_text() -> None:
    workflow = Workflow.from_configuration({"task_routing": {"filters": [
        {"expression": "1==1", "targets": [{"queue": "Q", "priority": "10", "timeout": "30"}, {}]}]}},
        friendly_name="w")
    assert (workflow.filters[0].targets[0].priority, workflow.filters[0].targets[0].timeout) == (10, 30)


def test_import_reads_null_keys_as_absent() -> None:
    workflow, problems = Workflow.read_configuration({"task_routing": {"filters": [
        {"friendly_name": None, "expression": "1==1",
         "targets": [{"queue": "Q", "priority": None, "timeout": 30, "skip_if": None}, {"timeout": None}]}],
        "default_filter": {"queue": "Q", "expression": None, "priority": None, "timeout": None}}}, friendly_name="w")
    first = workflow.filters[0].targets[0]
    assert (first.priority, first.timeout, first.skip_if, workflow.filters[0].name) == (None, 30, None, "")
    assert workflow.default_filter == Target(queue=TaskQueue(key="Q"))
    assert {problem.code for problem in problems} == {"null-value"}


@pytest.mark.parametrize("field", ["priority", "timeout"])
def test_numbers_above_the_32_bit_range_are_refused(field: str) -> None:
    assert getattr(Target.model_validate({"queue": EVERYONE, field: 2**31 - 1}), field) == 2**31 - 1
    with pytest.raises(ValidationError, match=field):
        Target.model_validate({"queue": EVERYONE, field: 2**31})


def test_import_makes_a_stand_in_for_an_unknown_queue_value() -> None:
    workflow = Workflow.from_configuration({"task_routing": {"default_filter": {"queue": "${QUEUE_SID}"}}},
                                           friendly_name="w")
    assert workflow.queues() == (TaskQueue(key="${QUEUE_SID}", friendly_name="${QUEUE_SID}"),)


def test_import_reads_the_legacy_friendly_name_of_a_filter() -> None:
    workflow = Workflow.from_configuration({"task_routing": {"filters": [
        {"friendly_name": "Old", "expression": "1==1", "targets": [{"queue": "Q"}]}]}}, friendly_name="w")
    assert workflow.filters[0].name == "Old"


def test_import_of_an_invalid_configuration_lists_its_problems() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Workflow.from_configuration({"task_routing": {"filters": [{"expression": "("}]}}, friendly_name="w")
    assert [problem.path for problem in caught.value.problems] == [
        "task_routing.filters[0].expression", "task_routing.filters[0].targets"]


language_maps = st.dictionaries(st.sampled_from(["es", "fr", "de", "pt"]), st.sampled_from([SPANISH, FRENCH, VIP]),
                                max_size=3)


@settings(max_examples=40, deadline=None)
@given(language_maps, st.booleans(), st.one_of(st.none(), st.integers(1, 600)))
def test_export_then_import_gives_the_same_workflow(languages: dict[str, TaskQueue], with_vip: bool,
                                                     overflow: int | None) -> None:
    workflow = pre_agent_routing(everyone=EVERYONE, vip_queue=VIP if with_vip else None, language_queues=languages,
                                 overflow_after=overflow)
    sids = {queue.key: f"WQ{queue.key}" for queue in workflow.queues()}
    queues = {sids[queue.key]: queue for queue in workflow.queues()}
    imported = Workflow.from_configuration(workflow.to_json(sids), friendly_name=workflow.friendly_name,
                                           queues=queues)
    assert imported == workflow


def test_workspace_defaults_are_a_fresh_flex_account() -> None:
    workspace = Workspace()
    assert (workspace.friendly_name, [a.friendly_name for a in workspace.activities],
            [c.unique_name for c in workspace.task_channels]) == (
        "Flex Task Assignment", ["Available", "Unavailable", "Break", "Offline"],
        ["default", "voice", "chat", "sms", "video"])


def test_workspace_refuses_a_workflow_with_an_undefined_queue() -> None:
    with pytest.raises(ValidationError, match=r"routes to queue 'spanish' at task_routing\.filters\[1\]"):
        Workspace(task_queues=(EVERYONE, VIP), workflows=(two_step_workflow(),))


def test_workspace_accepts_a_workflow_whose_queues_it_defines() -> None:
    workspace = Workspace(task_queues=(EVERYONE, VIP, SPANISH), workflows=(two_step_workflow(),))
    assert workspace.workflows[0].friendly_name == "Support"


def test_workspace_default_activity_must_exist() -> None:
    with pytest.raises(ValidationError, match="default_activity is 'Away'"):
        Workspace(default_activity="Away")


def test_workspace_queue_activity_must_exist() -> None:
    with pytest.raises(ValidationError, match="reservation_activity is 'Busy'"):
        Workspace(task_queues=(TaskQueue(key="q", reservation_activity="Busy"),))


def test_workspace_queue_keys_are_unique() -> None:
    with pytest.raises(ValidationError, match="two task queues \\(key\\) are named 'vip'"):
        Workspace(task_queues=(VIP, VIP))


def test_from_configuration_ignores_unknown_keys() -> None:
    data = {"task_routing": {"filters": [{"friendlyName": "Sales", "expression": "1==1", "targets": [
        {"queue": "Q", "timout": 5}]}], "default_filter": {"queue": "Q"}}}
    workflow = Workflow.from_configuration(data, friendly_name="w")
    assert workflow.filters[0].targets[0] == Target(queue=TaskQueue(key="Q"))


def test_from_configuration_reads_the_legacy_task_queue_sid_as_the_queue() -> None:
    data = {"task_routing": {"filters": [], "default_filter": {"task_queue_sid": "WQ1"}}}
    assert [queue.key for queue in Workflow.from_configuration(data, friendly_name="w").queues()] == ["WQ1"]


def test_read_configuration_returns_the_warnings_beside_the_workflow() -> None:
    data = {"task_routing": {"default_filter": {"queue": "WQ1", "prio": 1}}}
    workflow, warnings = Workflow.read_configuration(data, friendly_name="w")
    assert (workflow.default_filter, [(p.code, p.path) for p in warnings]) == (
        Target(queue=TaskQueue(key="WQ1")), [("unknown-key", "task_routing.default_filter.prio")])
