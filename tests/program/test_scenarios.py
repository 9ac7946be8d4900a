"""The reference flows' scenarios, caller to queue, and the ``simulate`` / ``test-flows`` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flexctl.cli import main
from flexctl.scenarios import ROOT, FlowReport, ScenarioError, run_scenarios

REFERENCE_FLOWS = ("voice", "messaging", "conversations")


@pytest.fixture(scope="module")
def local_reports() -> dict[str, FlowReport]:
    return {report.flow: report for report in run_scenarios("local")}


@pytest.mark.parametrize("flow", REFERENCE_FLOWS)
def test_the_reference_flows_scenarios_pass_and_cover_every_transition(flow: str,
                                                                       local_reports: dict[str, FlowReport]) -> None:
    report = local_reports[flow]
    failures = [(result.name, result.failures) for result in report.results if not result.passed]
    assert failures == []
    assert report.coverage.missed_transitions == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_reference_scenarios_pass_in_every_committed_stack(stack: str) -> None:
    failures = [(report.flow, result.name, result.failures) for report in run_scenarios(stack)
                for result in report.results if not result.passed]
    assert failures == []  # a scenario at an hour only some stacks are closed failed in prod (open until 20:00)


def test_the_voice_scenarios_cover_what_the_issue_asks(local_reports: dict[str, FlowReport]) -> None:
    names = " / ".join(result.name for result in local_reports["voice"].results)
    for topic in ("VIP by profile trait", "English by profile", "Spanish by profile", "English by menu",
                  "Spanish by menu", "after hours to voicemail", "deflection to the self-service text",
                  "failedToEnqueue to the apology", "profile lookup failure"):
        assert topic in names


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the stack files and scenarios, to edit without touching the clone."""
    for name in ("Pulumi.yaml", "Pulumi.local.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "flows" / "scenarios", tmp_path / "flows" / "scenarios")
    return tmp_path


def test_a_wrong_expectation_fails_and_says_what_happened(project: Path) -> None:
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("queue: es", "queue: vip", 1))
    report = next(r for r in run_scenarios("local", root=project) if r.flow == "conversations")
    (failed,) = [result for result in report.results if not result.passed]
    assert failed.failures == ("queue: expected vip, got es",)


def test_a_bad_scenario_file_names_the_file_the_scenario_and_the_key(project: Path) -> None:
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("expect: {ending: flex, queue: es", "expect: {endng: flex, queue: es"))
    with pytest.raises(ScenarioError, match=r"conversations.yaml: scenarios\[1\] \('Spanish by profile'\)"
                       r"\.expect\.endng: unknown key; did you mean ending\? the keys here are ending, queue, "
                       r"queues, priority, attributes, heard, widgets"):
        run_scenarios("local", root=project)


@pytest.mark.parametrize(("wrong", "message"), [
    ("contact: {traits: {preferred_language: es}}", None),
    ("contact: {trait: {preferred_language: es}}", r"\.contact\.trait: unknown key; did you mean traits\? the keys "
     r"here are event, from, to, body, answers, at, tz, traits, mocks, parameters"),
])
def test_an_unknown_contact_key_says_which_keys_a_contact_takes(project: Path, wrong: str,
                                                                message: str | None) -> None:
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("contact: {traits: {preferred_language: es}}", wrong, 1))
    if message is None:
        run_scenarios("local", root=project)
        return
    with pytest.raises(ScenarioError, match=message):
        run_scenarios("local", root=project)


def test_a_mock_of_a_widget_the_flow_does_not_have_is_refused(project: Path) -> None:
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("mocks: {lookup_profile: failed}", "mocks: {lookup_profle: failed}"))
    with pytest.raises(ScenarioError, match=r"conversations.yaml: scenario 'a profile lookup failure routes in the "
                       r"first language': mocks lookup_profle: the flow has no widget of that name \(did you mean "
                       r"lookup_profile\?\)"):
        run_scenarios("local", root=project)


def test_uncovered_transitions_are_reported(project: Path) -> None:
    (project / "flows" / "scenarios" / "conversations.yaml").write_text(
        "scenarios:\n  - name: one\n    contact: {event: incomingConversationMessage}\n    expect: {ending: flex}\n")
    report = next(r for r in run_scenarios("local", root=project) if r.flow == "conversations")
    assert report.coverage.missed_transitions == ["lookup_profile.failed"]


# -- the commands ------------------------------------------------------------------------------------------------


def test_simulate_answers_the_vip_in_spanish_on_friday_evening(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["simulate", "--stack", "local", "--flow", "voice", "--at", "2026-12-04T19:05", "--tz",
                   "America/New_York", "--trait", "vip=true", "--trait", "preferred_language=es", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (result["ending"]["kind"], result["route"]["steps"][0]["queue"], result["priority"]) == ("flex", "vip", 100)
    assert result["handoff"]["attributes"]["language"] == "es"


def test_simulate_a_file_with_answers_and_a_workflow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["render", "local", "--out", str(tmp_path)])
    capsys.readouterr()
    page = (tmp_path / "index.html").read_text()
    assert "<h3>Scenarios of voice</h3>" in page
    assert "<td>VIP by profile trait</td><td>pass</td>" in page
    assert "<td>coverage</td><td>17/17 widgets, 24/24 transitions</td>" in page
    status = main(["simulate", str(tmp_path / "voice.json"), "--at", "2026-12-07T10:00", "--tz", "America/New_York",
                   "--input", "2", "--mock", "lookup_profile=failed", "--workflow", "local:Pre-agent routing"])
    out = capsys.readouterr().out
    assert status == 0
    assert "Para español, oprima 2." in out
    assert "queue: es -> everyone, priority None" in out


def test_simulate_exits_1_on_an_error_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = {"initial_state": "Trigger", "states": [
        {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "f"}],
         "properties": {}},
        {"name": "f", "type": "run-function", "transitions": [{"event": "success"}, {"event": "fail"}],
         "properties": {"url": "https://x"}}]}
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(flow))
    assert main(["simulate", str(path), "--mock", 'f={"status_code": 500}']) == 1
    captured = capsys.readouterr()
    assert "ending: error: f took fail and nothing follows it" in captured.out
    assert captured.err == ""


def test_simulate_says_when_studio_would_reject_the_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = {"initial_state": "Trigger", "states": [
        {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "hello"}],
         "properties": {}},
        {"name": "hello", "type": "say-play", "transitions": [{"event": "audioComplete", "next": "gone"}],
         "properties": {"say": "Hello"}}]}
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(flow))
    assert main(["simulate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "say: Hello" in captured.out
    assert captured.err.startswith(f"{path}: Studio would reject this flow (1 error; `flexctl validate {path}` lists "
                                   "them), simulated anyway. First: ")
    assert "'gone'" in captured.err


@pytest.mark.parametrize(("arguments", "message"), [
    (["--event", "incomingMessage"], "the trigger does not handle incomingMessage"),
    (["--at", "Friday"], "--at 'Friday' is not a date and time"),
    (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    (["--trait", "vip"], "--trait 'vip': write KEY=VALUE"),
    (["--mock", "lookup_profile={oops"], "the value is not valid JSON"),
    (["--mock", "lookup_profil=failed"], "--mock lookup_profil: the flow has no widget of that name (did you mean "
                                         "lookup_profile?), so the mock would never be used; mock one of Trigger, "),
])
def test_simulate_exits_2_on_unusable_input_without_a_traceback(arguments: list[str], message: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--stack", "local", "--flow", "voice", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("arguments", "message"), [
    (["simulate", "--stack", "local", "--flow", "voce"],
     "stack 'local' deploys voice, messaging, conversations, not voce (did you mean voice?)"),
    (["simulate", "--stack", "local"], "give --flow NAME, one of voice, messaging, conversations"),
    (["test-flows", "--stack", "local", "--flow", "chat"], "stack 'local' deploys voice, messaging, conversations, "
                                                           "not chat\n"),
    (["pull", "--stack", "local", "voce"], "stack 'local' deploys voice, messaging, conversations, not voce "
                                          "(did you mean voice?)"),
])
def test_a_flow_the_stack_does_not_deploy_is_answered_with_those_it_does(arguments: list[str], message: str,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("arguments", "trigger"), [
    (["--flow", "voice"], "a call from +14155550100 to +15005550006"),  # the number local binds to voice
    (["--flow", "messaging", "--body", "hola"], "a message from +14155550100 to +15005550007"),
    (["--flow", "voice", "--from", "+15005550009", "--to", "+15005550010"], "a call from +15005550009 to +15005550010"),
])
def test_simulate_calls_the_number_the_stack_binds_to_the_flow_from_a_caller_that_is_not_the_stacks(
    arguments: list[str], trigger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["simulate", "--stack", "local", *arguments, "--at", "2026-12-07T10:00"])
    assert trigger in capsys.readouterr().out.splitlines()[0]


def test_test_flows_exits_1_when_a_scenario_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("queue: es", "queue: vip", 1))
    assert main(["test-flows", "--flow", "conversations", "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert "FAIL Spanish by profile (flows/scenarios/conversations.yaml)" in out  # where the expectation is
    assert ("3/4 scenarios pass; 1 failed: fix the flow, or, if the change is meant, that scenario's expect: in the "
            "file named after it") in out


def test_an_expected_widget_the_flow_does_not_have_is_named_with_the_near_miss(project: Path) -> None:
    """It said only "not visited (in order)", as for a widget the caller did not reach."""
    path = project / "flows" / "scenarios" / "conversations.yaml"
    path.write_text(path.read_text().replace("widgets: [lookup_profile, to_flex]", "widgets: [lookup_profle]"))
    failed = [failure for report in run_scenarios("local", root=project) if report.flow == "conversations"
              for result in report.results for failure in result.failures]
    assert any(failure.startswith("widgets: 'lookup_profle' not visited (in order); 'lookup_profle' is no widget of "
                                  "this flow (did you mean 'lookup_profile'?); path ") for failure in failed), failed


@pytest.fixture
def conversations_only_in_dev(project: Path) -> Path:
    """The project with dev and prod too, and no Conversations address in local: local does not deploy it."""
    for name in ("Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, project / name)
    local = project / "Pulumi.local.yaml"
    text = local.read_text()
    start = text.index("  flex-pre-agent:conversationsAddresses:")
    end = text.index("  flex-pre-agent:", start + 1)
    local.write_text(text[:start] + text[end:])
    return project


def test_scenarios_of_a_flow_the_stack_does_not_deploy_are_said_not_to_run(
        conversations_only_in_dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """They were skipped without a word, and the total said every scenario passed."""
    assert main(["test-flows", "--project", str(conversations_only_in_dev)]) == 0
    assert ("note: conversations: not deployed in local, so flows/scenarios/conversations.yaml did not run; dev and "
            "prod deploy conversations: pass --stack dev") in capsys.readouterr().out


def test_a_flow_the_stack_does_not_deploy_names_the_stacks_that_do(
        conversations_only_in_dev: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test-flows", "--flow", "conversations", "--project", str(conversations_only_in_dev)]) == 2
    assert ("stack 'local' deploys voice, messaging, not conversations; dev and prod deploy conversations: pass "
            "--stack dev") in capsys.readouterr().err


def test_a_scenario_file_named_after_no_flow_is_said_never_to_run(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(project / "flows" / "scenarios" / "voice.yaml", project / "flows" / "scenarios" / "voise.yaml")
    assert main(["test-flows", "--project", str(project)]) == 0
    assert ("note: flows/scenarios/voise.yaml is named after no registered flow (did you mean 'voice'?), so it never "
            "runs: name it after its flow") in capsys.readouterr().out
