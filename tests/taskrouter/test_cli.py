"""flexctl route, check-expression and lint: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flexctl.cli import main
from tests.taskrouter.support import CORPUS_WORKFLOWS

PARK = next(path for path in CORPUS_WORKFLOWS if path.name == "fpt_template_example_park_resume.json")
VIP_CONFIG = {"task_routing": {"filters": [
    {"filter_friendly_name": "VIP", "expression": "vip == true", "targets": [{"queue": "${QUEUE_SID_VIP}"}]},
    {"filter_friendly_name": "Spanish", "expression": "language == 'es'",
     "targets": [{"queue": "${QUEUE_SID_ES}", "timeout": 30}, {"queue": "${QUEUE_SID_EVERYONE}"}]},
], "default_filter": {"queue": "${QUEUE_SID_EVERYONE}"}}}
QUEUES = {"${QUEUE_SID_VIP}": {"friendly_name": "VIP", "target_workers": "routing.skills HAS 'vip'"},
          "${QUEUE_SID_ES}": {"friendly_name": "Spanish", "target_workers": "languages HAS 'es'"},
          "${QUEUE_SID_EVERYONE}": {"friendly_name": "Everyone"}}
WORKERS = [{"friendly_name": "Ana", "sid": "WK1", "attributes": {"languages": ["es"]}},
           {"friendly_name": "Bo", "sid": "WK2", "activity_name": "Offline",
            "attributes": {"routing": {"skills": ["vip"]}}}]


def write(directory: Path, name: str, data: Any) -> str:
    path = directory / name
    path.write_text(json.dumps(data))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_route_prints_the_matching_filter_and_queues(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", VIP_CONFIG), "--task",
                       '{"vip": false, "language": "es"}', "--queues", write(tmp_path, "q.json", QUEUES))
    assert code == 0
    assert "filter [1] Spanish: language == 'es'  -> MATCH" in out
    assert "step 1 at 0s: queue 'Spanish' (${QUEUE_SID_ES}), timeout 30s" in out
    assert "step 2 at 30s: queue 'Everyone' (${QUEUE_SID_EVERYONE}), stays until a worker accepts" in out


def test_route_says_why_a_filter_written_for_the_task_does_not_match_it(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path) -> None:
    workflow = write(tmp_path, "wf.json", VIP_CONFIG)
    code, out, err = run(capsys, "route", workflow, "--task", '{"vip": "true"}')
    assert code == 0
    assert "filter [0] VIP: vip == true  -> no match" in out
    assert err == ("note: task_routing.filters[0].expression: task attribute 'vip' is a string, but 'vip == true' "
                   "compares it with true (a boolean), which never matches; compare with a string [type-mismatch]\n")
    assert run(capsys, "route", workflow, "--task", '{"vip": true}')[2] == ""


def test_route_without_queue_names_shows_the_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "route", str(PARK), "--task", '{"selected_queue": "sales"}')
    assert code == 0
    assert "queue '${QUEUE_SID_TEMPLATE_EXAMPLE_SALES}', stays until a worker accepts" in out


def test_route_with_workers_shows_eligibility(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", VIP_CONFIG), "--task", '{"vip": true}',
                       "--queues", write(tmp_path, "q.json", QUEUES), "--workers", write(tmp_path, "w.json", WORKERS))
    assert code == 0
    assert "      eligible: Bo (unavailable)" in out
    assert out.rstrip().endswith("first reservation: none (no eligible worker is available)")


def test_route_through_a_queue_with_empty_target_workers_offers_it_to_nobody(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [], "default_filter": {"queue": "Q"}}}
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", config), "--task", "{}",
                       "--queues", write(tmp_path, "q.json", {"Q": {"target_workers": ""}}),
                       "--workers", write(tmp_path, "w.json", WORKERS))
    assert code == 0
    assert "      eligible: nobody" in out


def test_lint_accepts_a_queue_with_empty_target_workers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [], "default_filter": {"queue": "Q"}}}
    code, out, _ = run(capsys, "lint", write(tmp_path, "wf.json", config),
                       "--queues", write(tmp_path, "q.json", {"Q": {"target_workers": ""}}))
    assert (code, out.endswith("no findings\n")) == (0, True)


def test_route_reads_the_task_from_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", VIP_CONFIG), "--task",
                       "@" + write(tmp_path, "task.json", {"vip": True}), "--json")
    assert code == 0
    assert [step["queue"] for step in json.loads(out)["steps"]] == ["${QUEUE_SID_VIP}"]


def test_route_accepts_a_workflow_resource_with_a_configuration_string(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    resource = {"sid": "WW1", "friendly_name": "Pre-agent", "configuration": json.dumps(VIP_CONFIG)}
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", resource), "--task", "{}", "--json")
    assert (code, json.loads(out)["default_filter"]) == (0, True)


def test_route_uses_the_given_time_for_time_of_day_filters(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [{"expression": "taskrouter.dayOfWeek == 'Sat'",
                                            "targets": [{"queue": "WEEKEND"}]}], "default_filter": {"queue": "WEEK"}}}
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", config), "--task", "{}", "--at", "2024-05-04T10:00",
                       "--json")
    assert (code, [step["queue"] for step in json.loads(out)["steps"]]) == (0, ["WEEKEND"])


def test_route_with_an_invalid_configuration_lists_its_problems(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [{"expression": "vip = = true", "targets": [{"queue": "Q"}]}]}}
    code, _, err = run(capsys, "route", write(tmp_path, "wf.json", config), "--task", "{}")
    assert code == 2  # unusable input (flexctl.cli.ExitCode)
    assert "task_routing.filters[0].expression: invalid filter expression 'vip = = true': column 7" in err


@pytest.mark.parametrize("task", ["[1]", "{nope"])
def test_route_refuses_a_task_that_is_not_a_json_object(capsys: pytest.CaptureFixture[str], task: str) -> None:
    code, _, err = run(capsys, "route", str(PARK), "--task", task)
    assert code == 2  # unusable input (flexctl.cli.ExitCode)
    assert err.startswith("flexctl route: --task")


def test_route_names_what_is_neither_a_file_nor_a_stack(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "route", "nostack", "--task", "{}")
    assert code == 2  # unusable input (flexctl.cli.ExitCode)
    assert "'nostack' is neither a file nor a stack" in err


def test_route_reports_an_unreadable_workers_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "route", str(PARK), "--task", "{}", "--workers", write(tmp_path, "w.json", {"a": 1}))
    assert code == 2  # unusable input (flexctl.cli.ExitCode)
    assert "expected a JSON list of workers" in err


def test_check_expression_accepts_a_valid_expression(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-expression", "vip == true")
    assert (code, out) == (0, "valid filter expression: vip == true\n")


def test_check_expression_fails_with_column_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-expression", "skill-level > 3")
    assert code == 1
    assert out.splitlines()[0].startswith("column 6: 'skill-level' contains a hyphen")


def test_check_expression_uses_the_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-expression", "worker.level DESC")
    assert code == 1
    code, out, _ = run(capsys, "check-expression", "--kind", "order_by", "worker.level DESC")
    assert code == 0
    code, out, _ = run(capsys, "check-expression", "--kind", "queue", "task.language == 'es'")
    assert code == 0
    assert "warning: column 1: 'task.language': a queue's target_workers reads worker attributes" in out


def test_check_expression_warns_about_an_unprefixed_key_in_a_target_but_passes(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-expression", "--kind", "target", "isSurveyTask==true")
    assert code == 0
    assert out.startswith("warning: column 1: key 'isSurveyTask' has no task. or worker. prefix: the docs say")
    assert out.rstrip().endswith("valid target expression: isSurveyTask == true")


def test_lint_reports_an_unprefixed_target_key_as_a_finding(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [{"expression": "isSurveyTask==true", "targets": [
        {"expression": "isSurveyTask==true", "queue": "Q"}]}]}}
    code, out, _ = run(capsys, "lint", write(tmp_path, "wf.json", config))
    assert code == 1
    assert out.startswith("task_routing.filters[0].targets[0].expression: key 'isSurveyTask' has no task. or worker.")
    assert out.rstrip().endswith("[missing-prefix]")


def test_check_expression_prints_warnings_but_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check-expression", "language = es")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("warning")] == [
        "warning: column 10: single '=' is read as '==' (equality), not assignment",
        "warning: column 12: 'es' is read as a key, not as the text 'es'"]


def test_check_expression_prints_a_long_expression_once_not_once_per_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = " OR ".join(f"lang{n} == es{n}" for n in range(1000))
    code, out, _ = run(capsys, "check-expression", text)
    warnings = [line for line in out.splitlines() if line.startswith("warning")]
    assert (code, len(warnings), out.count(text)) == (0, 1000, 1)  # the whole text only in the "valid" line
    assert len(out) < 2 * len(text) + 1000 * 300


def test_check_expression_rejects_an_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check-expression", "--kind", "workflow", "1==1"])
    assert caught.value.code == 2


def test_lint_of_a_clean_corpus_workflow_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", str(PARK))
    assert (code, out) == (0, f"{PARK}: no findings\n")


def test_lint_prints_one_line_per_finding_and_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = {"task_routing": {"filters": [
        {"expression": "1==1", "targets": [{"queue": "A"}, {"queue": "B"}]},
        {"expression": "vip == true", "targets": [{"queue": "A"}]}]}}
    code, out, _ = run(capsys, "lint", write(tmp_path, "wf.json", config))
    assert code == 1
    assert [line.rsplit(" ", 1)[-1] for line in out.splitlines()] == ["[unreachable-target]", "[unreachable-filter]"]


def test_lint_reports_queues_missing_from_the_queue_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    queues = {key: value for key, value in QUEUES.items() if key != "${QUEUE_SID_ES}"}
    code, out, _ = run(capsys, "lint", write(tmp_path, "wf.json", VIP_CONFIG), "--queues",
                       write(tmp_path, "q.json", queues))
    assert code == 1
    assert out.startswith("task_routing.filters[1].targets[0].queue: queue '${QUEUE_SID_ES}' is referenced but not")


def test_lint_checks_types_against_a_sample_task(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "lint", write(tmp_path, "wf.json", VIP_CONFIG), "--task", '{"vip": "yes"}')
    assert code == 1
    assert "task attribute 'vip' is a string, but 'vip == true' compares it with true" in out


def test_queue_file_may_be_a_list_of_queue_resources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    queues = [{"sid": "WQ1", "friendlyName": "Everyone", "targetWorkers": "1==1", "url": "https://…"}]
    config = {"task_routing": {"filters": [], "default_filter": {"queue": "WQ1"}}}
    code, out, _ = run(capsys, "route", write(tmp_path, "wf.json", config), "--task", "{}", "--queues",
                       write(tmp_path, "q.json", queues))
    assert code == 0
    assert "queue 'Everyone' (WQ1)" in out
