"""Lint findings, one kind each: typed (code, message, path) and rendered as one line."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from taskrouter import Filter, Finding, Target, Workflow, json_types, lint, lint_configuration
from tests.taskrouter.support import EVERYONE, SPANISH, VIP


def flow(*filters: Filter) -> Workflow:
    return Workflow(friendly_name="w", filters=filters, default_filter=Target(queue=EVERYONE))


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.code, finding.path) for finding in findings]


def test_pre_agent_style_workflow_has_no_finding() -> None:
    assert lint(flow(Filter(name="VIP", expression="vip == true", targets=(Target(queue=VIP, timeout=30),
                                                                          Target(queue=EVERYONE))),
                     Filter(name="es", expression="language == 'es'", targets=(Target(queue=SPANISH),))),
                defined_queues=(EVERYONE, VIP, SPANISH)) == []


def test_an_order_by_key_without_worker_prefix_is_reported() -> None:
    workflow = flow(Filter(expression="1==1", targets=(Target(queue=EVERYONE, order_by="routing.levels.es DESC"),)))
    assert codes(lint(workflow)) == [("missing-prefix", "task_routing.filters[0].targets[0].order_by")]


def test_filter_after_a_catch_all_that_keeps_its_tasks_is_unreachable() -> None:
    findings = lint(flow(Filter(name="All", expression="1==1", targets=(Target(queue=EVERYONE),)),
                         Filter(name="VIP", expression="vip == true", targets=(Target(queue=VIP),))))
    assert codes(findings) == [("unreachable-filter", "task_routing.filters[1]")]


def test_filter_after_a_catch_all_with_a_timeout_is_reachable() -> None:
    assert lint(flow(Filter(expression="1==1", targets=(Target(queue=EVERYONE, timeout=60),)),
                     Filter(expression="vip == true", targets=(Target(queue=VIP),)))) == []


def test_filter_repeating_an_earlier_expression_is_unreachable() -> None:
    findings = lint(flow(Filter(expression="vip == true", targets=(Target(queue=VIP),)),
                         Filter(expression="vip=true", targets=(Target(queue=EVERYONE),))))
    assert ("unreachable-filter", "task_routing.filters[1]") in codes(findings)


def test_an_unreachable_filter_names_the_first_earlier_filter_that_shadows_it() -> None:
    keep = (Target(queue=VIP),)
    findings = lint(flow(Filter(name="A", expression="vip == true", targets=keep),
                         Filter(name="B", expression="1==1", targets=keep),
                         Filter(name="C", expression="vip == true", targets=keep),
                         Filter(name="D", expression="language == 'es'", targets=keep)))
    messages = {finding.path: finding.message for finding in findings if finding.code == "unreachable-filter"}
    assert "filter [0] 'A' before it has the same expression" in messages["task_routing.filters[2]"]
    assert "filter [1] 'B' before it matches every task ('1==1')" in messages["task_routing.filters[3]"]


def test_a_repeated_expression_after_a_filter_that_lets_tasks_go_is_reachable() -> None:
    assert lint(flow(Filter(expression="vip == true", targets=(Target(queue=VIP, timeout=30),)),
                     Filter(expression="vip == true", targets=(Target(queue=EVERYONE),)))) == []


def test_lint_looks_at_each_filter_once_not_once_per_earlier_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_module = importlib.import_module("taskrouter.lint")  # `taskrouter.lint` is the function
    calls = {"is_constant": 0, "parsed": 0}

    def counted(name: str) -> Any:
        original = getattr(lint_module, name)

        def wrapper(*args: Any) -> Any:
            calls[name] += 1
            return original(*args)
        return wrapper

    for name in calls:
        monkeypatch.setattr(lint_module, name, counted(name))
    count = 300
    filters = [Filter(expression=f"skill{n} == true", targets=(Target(queue=VIP),)) for n in range(count)]
    assert lint(flow(*filters)) == []
    assert calls["is_constant"] == count
    assert calls["parsed"] == count + 2  # each filter, and the target_workers of VIP and Everyone, once


def test_findings_in_a_long_expression_quote_only_the_part_around_each_problem() -> None:
    text = " OR ".join(f"lang{n} == es{n} OR n{n} > true" for n in range(300))
    findings = lint(flow(Filter(expression=text, targets=(Target(queue=VIP),))))
    assert sorted({finding.code for finding in findings}) == ["bare-word", "operator-type"]
    assert len(findings) == 600
    assert max(len(finding.message) for finding in findings) < 400
    (es150,) = [finding for finding in findings if "'es150' is read as a key" in finding.message]
    quoted = "'...9 == es149 OR n149 > true OR lang150 == es150 OR n150 > true OR lang151 == es151 ...'"
    assert f" in {quoted} (column " in es150.message


def test_always_false_filter_never_matches() -> None:
    findings = lint(flow(Filter(expression="1 == 0", targets=(Target(queue=VIP),))))
    assert codes(findings) == [("never-matches", "task_routing.filters[0]")]


def test_target_after_a_target_without_timeout_is_unreachable() -> None:
    findings = lint(flow(Filter(name="VIP", expression="vip == true", targets=(
        Target(queue=VIP), Target(queue=EVERYONE), Target(queue=SPANISH)))))
    assert codes(findings) == [("unreachable-target", "task_routing.filters[0].targets[1]")]
    assert "2 target(s) from here on are never reached" in findings[0].message


def test_target_after_a_skip_if_is_reachable() -> None:
    assert lint(flow(Filter(expression="vip == true", targets=(
        Target(queue=VIP, skip_if="workers.available == 0"), Target(queue=EVERYONE))))) == []


def test_referenced_queue_that_is_not_defined_is_reported_where_it_is_used() -> None:
    findings = lint(flow(Filter(expression="vip == true", targets=(Target(queue=VIP),))), defined_queues=(EVERYONE,))
    assert codes(findings) == [("undefined-queue", "task_routing.filters[0].targets[0].queue")]


def test_queues_are_not_checked_without_a_definition_list() -> None:
    assert lint(flow(Filter(expression="vip == true", targets=(Target(queue=VIP),)))) == []


def test_key_compared_with_two_types_where_both_must_hold_is_a_mismatch() -> None:
    findings = lint(flow(Filter(expression="vip == true AND vip == 'true'", targets=(Target(queue=VIP),))))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]
    assert "with true (a boolean) in the same expression, and both must hold" in findings[0].message


@pytest.mark.parametrize("expression", [
    "(preEngagementData.age > 13 OR preEngagementData.age == '>20')",  # techmatters' sg master workflow
    "age IN [13, 'teen']",
    "(age == 1 OR other == 2) AND age == 'x'",
    "age NOT IN ['x'] AND age == 1",
])
def test_key_compared_with_two_types_as_alternatives_is_not_a_mismatch(expression: str) -> None:
    assert lint(flow(Filter(expression=expression, targets=(Target(queue=VIP),)))) == []


@pytest.mark.parametrize("expression", [
    "(age == 1 OR age == 2) AND age == 'x'",
    "age IN ['a', 'b'] AND age == 1",
    "(age == 1 AND x == 1) OR (age == 2 AND age == 'x')",
])
def test_alternatives_that_all_need_one_type_conflict_with_another_type_beside_them(expression: str) -> None:
    findings = lint(flow(Filter(expression=expression, targets=(Target(queue=VIP),))))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]


def test_key_compared_with_two_types_in_different_filters_is_not_a_mismatch() -> None:
    assert lint(flow(Filter(expression="vip == true", targets=(Target(queue=VIP),)),
                     Filter(expression="vip == 'true'", targets=(Target(queue=SPANISH),)))) == []


def test_filter_key_and_target_task_key_are_the_same_attribute() -> None:
    findings = lint(flow(Filter(expression="level > 2", targets=(
        Target(queue=VIP, expression="task.level == 'high'"),))))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].targets[0].expression")]
    assert "at task_routing.filters[0].expression, and both must hold" in findings[0].message


def test_target_task_key_is_not_checked_against_another_filters_expression() -> None:
    assert lint(flow(Filter(expression="level > 2", targets=(Target(queue=VIP),)),
                     Filter(expression="1==1", targets=(Target(queue=SPANISH, expression="task.level == 'x'"),)))) == []


def test_filter_that_lets_either_type_through_does_not_conflict_with_its_target() -> None:
    assert lint(flow(Filter(expression="level > 2 OR level == 'high'", targets=(
        Target(queue=VIP, expression="task.level == 'high'"),)))) == []


def test_key_compared_with_a_value_of_another_known_type_is_a_mismatch() -> None:
    findings = lint(flow(Filter(expression="vip == 'yes'", targets=(Target(queue=VIP),))),
                    task_types=json_types({"vip": True}))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]


def test_array_items_are_typed_by_the_sample() -> None:
    findings = lint(flow(Filter(expression="skills HAS 1", targets=(Target(queue=VIP),))),
                    task_types=json_types({"skills": ["vip"]}))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]


def test_in_array_of_one_type_conflicts_with_a_known_type() -> None:
    findings = lint(flow(Filter(expression="language IN ['en', 1]", targets=(Target(queue=VIP),))),
                    task_types=json_types({"language": "en"}))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]
    assert "compares it with 1 (a number), which never matches" in findings[0].message


def test_time_of_day_variable_has_a_builtin_type() -> None:
    findings = lint(flow(Filter(expression="taskrouter.dayOfWeek == 6", targets=(Target(queue=VIP),))))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].expression")]


def test_skip_if_counts_are_numbers() -> None:
    findings = lint(flow(Filter(expression="a == 1", targets=(
        Target(queue=VIP, skip_if="workers.available == 'none'", timeout=5), Target(queue=EVERYONE)))))
    assert codes(findings) == [("type-mismatch", "task_routing.filters[0].targets[0].skip_if")]


def test_worker_attribute_types_come_from_queues_and_targets() -> None:
    queue = VIP.model_copy(update={"target_workers": "level > 2"})
    findings = lint(flow(Filter(expression="1==1", targets=(Target(queue=queue, expression="worker.level == 'x'"),))))
    assert codes(findings) == [("type-mismatch", "task_queues[vip].target_workers")]


def test_a_target_without_a_queue_is_checked_against_the_queue_it_inherits() -> None:
    queue = VIP.model_copy(update={"target_workers": "level > 2"})
    findings = lint(flow(Filter(expression="1==1", targets=(
        Target(queue=queue, timeout=5), Target(expression="worker.level == 'x'")))))
    assert codes(findings) == [("type-mismatch", "task_queues[vip].target_workers")]
    assert "at task_routing.filters[0].targets[1].expression" in findings[0].message


def test_a_target_expression_is_not_checked_against_a_queue_it_does_not_use() -> None:
    queue = VIP.model_copy(update={"target_workers": "level > 2"})
    assert lint(flow(Filter(expression="vip == true", targets=(Target(queue=queue),)),
                     Filter(expression="1==1", targets=(Target(queue=SPANISH, expression="worker.level == 'x'"),)))
                ) == []


@pytest.mark.parametrize("expression", ["a IN 'x'", "a > true", "a CONTAINS 5", "'x' HAS a.b", "a == ['x']"])
def test_operator_on_the_wrong_type_is_reported(expression: str) -> None:
    findings = lint(flow(Filter(expression=expression, targets=(Target(queue=VIP),))))
    assert [finding.code for finding in findings] == ["operator-type"]


def test_expression_warnings_are_findings() -> None:
    findings = lint(flow(Filter(expression="language = 'es'", targets=(Target(queue=SPANISH),))))
    assert codes(findings) == [("single-equals", "task_routing.filters[0].expression")]


def test_finding_renders_as_one_line_with_path_and_code() -> None:
    finding = Finding("undefined-queue", "queue 'x' is referenced but not defined", "task_routing.default_filter")
    assert str(finding) == "task_routing.default_filter: queue 'x' is referenced but not defined [undefined-queue]"


def test_findings_come_in_document_order() -> None:
    findings = lint(Workflow(friendly_name="w", filters=tuple(
        Filter(expression="1 == 0", targets=(Target(queue=VIP),)) for _ in range(11)),
        default_filter=Target(queue=EVERYONE)), defined_queues=(VIP,))
    assert [finding.path for finding in findings][-3:] == [
        "task_routing.filters[9]", "task_routing.filters[10]", "task_routing.default_filter.queue"]


def config(default: str = "Q1", **first_target: Any) -> dict[str, Any]:
    return {"task_routing": {"filters": [{"expression": "1==1", "targets": [{"queue": "Q1", **first_target}]}],
                             "default_filter": {"queue": default}}}


def test_configuration_queues_are_checked_against_the_given_ones() -> None:
    findings = lint_configuration(config(default="Q2"), queues={"Q1": EVERYONE})
    assert codes(findings) == [("undefined-queue", "task_routing.default_filter.queue")]


def test_invalid_configuration_is_reported_as_findings() -> None:
    findings = lint_configuration(config(timeout="soon"))
    assert codes(findings) == [("invalid-configuration", "task_routing.filters[0].targets[0].timeout")]


def test_unknown_and_legacy_keys_are_findings_of_a_valid_configuration() -> None:
    data = {"task_routing": {"filters": [{"expression": "1==1", "targets": [{"task_queue_sid": "Q1", "timout": 5}]}],
                             "default_filter": {"queue": "Q1"}}}
    assert codes(lint_configuration(data)) == [("legacy-key", "task_routing.filters[0].targets[0].task_queue_sid"),
                                               ("unknown-key", "task_routing.filters[0].targets[0].timout")]


def test_json_types_flattens_nested_attributes() -> None:
    assert json_types({"a": {"b": 1}, "c": ["x", "y"], "d": None, "e": [1, "x"]}) == {
        "a": "object", "a.b": "number", "c": "array", "c[]": "string", "e": "array"}
