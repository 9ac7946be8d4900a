"""What a new team reads when it makes the usual first mistakes in its own flows, scenarios and stack files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.plan import explain
from flexctl.cli import ExitCode, main
from flexctl.scenarios import ScenarioError, run_scenarios
from flows import registry
from flows.registry import RegistryError, all_flows, workflow_sid
from studio import Flow, SayPlay
from tests.program.support import ROOT


@pytest.fixture
def clean_sources() -> Iterator[None]:
    """Parameters declared by a test are forgotten after it."""
    all_flows()
    before = dict(registry._REGISTRY.sources)
    yield
    registry._REGISTRY.sources.clear()
    registry._REGISTRY.sources.update(before)


def test_a_workflow_name_in_another_case_is_named_as_a_near_miss_of_the_declared_one(clean_sources: None) -> None:
    workflow_sid("Acme Travel routing")
    with pytest.raises(RegistryError) as caught:
        workflow_sid("Acme travel routing")
    message = str(caught.value)
    assert message.startswith("program/test_newcomer_messages.py:")
    assert ("workflow 'Acme travel routing' is a near miss of workflow 'Acme Travel routing', which "
            "program/test_newcomer_messages.py:" in message)
    assert "write 'Acme Travel routing' if it is the same one" in message


def test_a_registry_error_is_shown_without_the_registry_s_own_line(clean_sources: None) -> None:
    workflow_sid("Sales")
    with pytest.raises(RegistryError) as caught:
        registry.queue_sid("Sales", parameter="SALES_WORKFLOW_SID")
    text = explain(caught.value)
    assert not text.startswith("flows/registry.py"), text
    assert text == str(caught.value)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The local stack file, to edit without touching the clone."""
    for name in ("Pulumi.yaml", "Pulumi.local.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "flows" / "scenarios").mkdir(parents=True)
    return tmp_path


def test_test_flows_fails_naming_a_flow_that_cannot_be_built_rather_than_skipping_it(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def build() -> Flow:
        return SayPlay("greet", say="Hello").on_audio_complet  # type: ignore[attr-defined, no-any-return]

    all_flows()
    monkeypatch.setitem(registry._REGISTRY.flows, "greeter", registry.FlowEntry("greeter", "Greeter", build,
                                                                                "flows.greeter"))
    stack = project / "Pulumi.local.yaml"
    stack.write_text(stack.read_text().replace("voice: voice", "voice: greeter"))
    (project / "flows" / "scenarios" / "greeter.yaml").write_text(
        "scenarios:\n  - name: hello\n    contact: {event: incomingCall}\n    expect: {queue: nowhere}\n")
    with pytest.raises(ScenarioError, match=r"stack 'local': flow 'greeter' \(flows/greeter.py\) cannot be built: "
                       r".*on_audio_complet.*; the scenarios of greeter cannot run: fix it first"):
        run_scenarios("local", root=project)
    assert main(["test-flows", "--stack", "local", "--project", str(project)]) == ExitCode.UNUSABLE_INPUT
    assert "0/0 scenarios pass" not in capsys.readouterr().out


def test_test_flows_fails_when_the_flows_cannot_be_loaded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, registry.FlowEntry]:
        raise RegistryError("flow 'chat' is registered twice, in flows/chat.py and flows/chat_copy.py; rename one")

    monkeypatch.setattr(registry, "all_flows", broken)
    with pytest.raises(ScenarioError, match=r"stack 'local': flows/ cannot be loaded: flow 'chat' is registered "
                       r"twice.*cannot run: fix it first"):
        run_scenarios("local", root=project)


@pytest.mark.parametrize(("written", "said"), [
    ("Spanish", "'Spanish' is the friendly name of queue 'es': scenarios name queues by key"),
    ("spanish_queue", "'spanish_queue' is no queue key of the stack's routing: the keys are "),
])
def test_a_scenario_expecting_a_queue_that_is_no_queue_key_says_so(project: Path, written: str, said: str) -> None:
    scenarios = project / "flows" / "scenarios"
    scenarios.rmdir()
    shutil.copytree(ROOT / "flows" / "scenarios", scenarios)
    path = scenarios / "conversations.yaml"
    path.write_text(path.read_text().replace("queue: es", f"queue: {written}", 1))
    report = next(r for r in run_scenarios("local", root=project) if r.flow == "conversations")
    (failed,) = [result for result in report.results if not result.passed]
    assert failed.failures[0].startswith(f"queue: expected {written}, got es; {said}")


def test_a_failing_scenario_shows_a_trait_read_with_the_wrong_path_and_the_path_that_holds_it(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio import FLOW_ADDRESS, SearchForProfile, SendMessage, Trigger

    def build() -> Flow:
        with Flow("Greeter") as built:
            lookup = SearchForProfile("lookup_profile", profile_connector_instance="default",
                                      identifier="{{contact.channel.address}}")
            hello = SendMessage("hello", from_=FLOW_ADDRESS, body="Hi {{widgets.lookup_profile.traits.name}}!")
            Trigger().on_incoming_message >> lookup >> hello
            lookup.on_failed >> hello
        return built

    all_flows()
    monkeypatch.setitem(registry._REGISTRY.flows, "greeter", registry.FlowEntry("greeter", "Greeter", build,
                                                                                "flows.greeter"))
    stack = project / "Pulumi.local.yaml"
    stack.write_text(stack.read_text().replace("messaging: messaging", "messaging: greeter"))
    (project / "flows" / "scenarios" / "greeter.yaml").write_text(
        "scenarios:\n  - name: hello\n    contact: {event: incomingMessage, traits: {name: Ada}}\n"
        "    expect: {heard: [Hi Ada!]}\n")
    (report,) = run_scenarios("local", root=project, only=["greeter"])
    assert report.results[0].failures == (
        "heard: 'Hi Ada!' not heard (in order); heard ['Hi !']",
        "rendered empty: {{widgets.lookup_profile.traits}} in hello.body (widgets.lookup_profile holds "
        "profile.traits: did you mean {{widgets.lookup_profile.profile.traits}}?)",
    )


def test_render_refuses_a_number_another_stack_file_lists_on_the_same_twilio(tmp_path: Path) -> None:
    from flexctl.render_commands import render

    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.local.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    assert not [e for e in render("prod", tmp_path / "out", root=tmp_path).errors if "also in" in e]
    prod = tmp_path / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("+15005550020", "+15005550010"))
    errors = render("prod", tmp_path / "out", root=tmp_path).errors
    assert errors == ["Pulumi.prod.yaml: phoneNumbers[0].number (+15005550010) is also in Pulumi.dev.yaml "
                      "(phoneNumbers[0].number); a number belongs to one Twilio account and an account to one stack, "
                      "so give each stack its own (the prod account's numbers in Pulumi.prod.yaml)"]
    local = tmp_path / "Pulumi.local.yaml"  # the emulator's numbers are another Twilio's
    local.write_text(local.read_text().replace("+15005550006", "+15005550020"))
    assert not [e for e in render("local", tmp_path / "out-local", root=tmp_path).errors if "also in" in e]


@pytest.mark.parametrize("command", [["lint", "--stack", "local"], ["route", "--stack", "local", "--task", "{}"]])
def test_lint_and_route_of_a_stack_whose_routing_cannot_be_built_say_why(
        command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(context: registry.FlowContext) -> object:
        raise ValueError("workflow 'Acme' routes to queue 'baggage', but task_queues does not define that queue")

    monkeypatch.setattr(registry, "workspace", broken)
    assert main(command) == ExitCode.UNUSABLE_INPUT
    captured = capsys.readouterr()
    assert "no findings" not in captured.out
    assert ("stack 'local': routing cannot be built: workflow 'Acme' routes to queue 'baggage', but task_queues does "
            "not define that queue; fix it first") in captured.err




def test_import_says_how_to_bind_the_flow_by_the_events_its_trigger_handles(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.shared_data import CORPUS

    # A Conversations flow: its trigger handles incomingConversationMessage only.
    parking = CORPUS / "flows" / "fpt_template_example_messaging_with_parking_flow.json"
    (tmp_path / "flows").mkdir()
    assert main(["import", str(parking), "--as", "parking", "--workflow", "Pre-agent routing",
                 "--project", str(tmp_path)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert ('deploy it: bind it in Pulumi.<stack>.yaml by the event that starts it, incomingConversationMessage: '
            'conversationsAddresses: - {address: "+1...", type: sms, flow: parking};') in out
    assert "voice: parking" not in out


def test_a_number_bound_on_the_wrong_channel_says_which_binding_the_flow_fits() -> None:
    from components.plan import plan_stack
    from components.settings import parse_stack_settings, read_stack_file

    dev = read_stack_file(ROOT, "dev").model_dump(by_alias=True, mode="json")
    dev["phoneNumbers"] = [{"number": "+15005550010", "voice": "conversations"}]
    problems = plan_stack(parse_stack_settings(dev, "dev"), "dev").problems
    assert ("Pulumi.dev.yaml: phoneNumbers[0].voice (+15005550010) starts flow 'conversations', whose trigger has no "
            "incomingCall transition; point it at a flow that handles incomingCall, or bind conversations as it is "
            "started: incomingConversationMessage: conversationsAddresses: - {address: \"+1...\", type: sms, "
            "flow: conversations}") in problems


def test_a_queue_given_by_its_key_says_to_pass_the_queue_itself() -> None:
    """`Target(queue="marca_ventas")` in flows/routing.py said only what pydantic wanted, not how to give it."""
    from pydantic import ValidationError

    from components.plan import explain
    from taskrouter import Target

    with pytest.raises(ValidationError) as refused:
        Target(queue="marca_ventas")  # type: ignore[arg-type]
    assert explain(refused.value) == (
        "Target.queue: Input should be a valid dictionary or instance of TaskQueue, not the text 'marca_ventas': pass "
        "the TaskQueue itself (the variable that holds it, as in task_queues), not its key or name")


def test_a_flows_module_that_no_longer_imports_is_named_with_its_line_not_called_a_flexctl_bug(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A team that rewrites flows/routing.py while a reference flow still imports a name from it."""
    import argparse

    from flexctl.cli import run_handler

    def handler(args: argparse.Namespace) -> int:
        exec(compile("\nfrom flows.routing import CHAT_CHANNELS\n", str(ROOT / "flows" / "parameters.py"), "exec"))
        return 0

    status = run_handler(argparse.Namespace(command="import", handler=handler))
    err = capsys.readouterr().err
    assert status == ExitCode.UNUSABLE_INPUT, err
    assert "Traceback" not in err
    assert "bug in flexctl" not in err
    assert err.startswith("flexctl import: the contact center's code under flows/ fails"), err
    assert "flows/parameters.py:2: cannot import name 'CHAT_CHANNELS' from 'flows.routing'" in err
