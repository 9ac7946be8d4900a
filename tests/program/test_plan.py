"""``plan_stack``: which flows a stack deploys, where every parameter gets its value, and what cannot be filled."""

from __future__ import annotations

from typing import Any

import pytest

from components.plan import StackPlanError, explain, plan_stack
from components.settings import parse_stack_settings, read_stack_file
from flows.registry import RegistryError, all_flows, flow
from studio import Flow, SayPlay
from tests.program.support import ROOT

DEV = read_stack_file(ROOT, "dev").model_dump(by_alias=True, mode="json")


def plan(**changes: Any) -> Any:
    return plan_stack(parse_stack_settings({**DEV, **changes}, "dev"), "dev")


def test_a_stack_deploys_the_flows_its_numbers_and_addresses_start() -> None:
    voice_only = plan(phoneNumbers=[{"number": "+15005550010", "voice": "voice"}], conversationsAddresses=[])
    assert [planned.name for planned in voice_only.flows] == ["voice"]
    assert set(voice_only.not_deployed) == set(all_flows()) - {"voice"}
    assert voice_only.problems == ()


def test_a_flow_listed_under_flows_is_deployed_though_nothing_starts_it() -> None:
    listed = plan(phoneNumbers=[], conversationsAddresses=[], flows=["messaging"])
    assert [planned.name for planned in listed.flows] == ["messaging"]
    assert listed.flow("messaging").triggers == ("listed under flows in Pulumi.dev.yaml",)


def test_parameters_are_filled_by_name_from_the_routing_and_the_config() -> None:
    voice = plan().flow("voice")
    assert {name: source.describe() for name, source in voice.sources.items()} == {
        "VOICE_CHANNEL_SID": "task channel 'voice'", "WORKFLOW_SID": "workflow 'Pre-agent routing'"}
    assert voice.values["TIME_ZONE"] == "America/New_York"
    assert voice.values["BUSINESS_DAYS"] == "Mon, Tue, Wed, Thu, Fri"
    assert "${WORKFLOW_SID}" in str(voice.definition())


def test_an_unknown_flow_name_is_a_problem_with_a_suggestion() -> None:
    problems = plan(phoneNumbers=[{"number": "+15005550010", "voice": "voise"}]).problems
    assert any("phoneNumbers[0].voice (+15005550010) names flow 'voise'" in p and "did you mean 'voice'?" in p
               for p in problems), problems


def test_a_number_pointed_at_a_flow_that_cannot_answer_it_is_a_problem() -> None:
    problems = plan(phoneNumbers=[{"number": "+15005550010", "voice": "messaging"}]).problems
    assert any("starts flow 'messaging', whose trigger has no incomingCall transition" in p for p in problems)


def test_a_url_setting_the_stack_leaves_out_is_needed_only_by_a_flow_that_reads_it() -> None:
    without = {key: value for key, value in DEV.items() if key not in ("holdMusicUrl", "selfServiceUrl")}
    messaging_only = plan_stack(parse_stack_settings(
        {**without, "phoneNumbers": [{"number": "+15005550010", "messaging": "messaging"}],
         "conversationsAddresses": []}, "dev"), "dev")
    assert messaging_only.problems == ()
    voice = plan_stack(parse_stack_settings(without, "dev"), "dev").problems
    assert any("parameter HOLD_MUSIC_URL (config holdMusicUrl): Pulumi.dev.yaml has no value at holdMusicUrl; "
               "set it, or set flowParameters.HOLD_MUSIC_URL" in problem for problem in voice), voice


def test_the_adopt_setting_names_only_queues_and_workflows_of_the_stacks_routing() -> None:
    ok = plan(adopt={"queues": ["VIP"], "workflows": ["Pre-agent routing"]})
    assert [p for p in ok.problems if "adopt" in p] == []
    problems = plan(adopt={"queues": ["Vip queue", "VIP"], "workflows": ["Pre-agent Routing"]}).problems
    assert [p for p in problems if "adopt" in p] == [
        "Pulumi.dev.yaml: adopt.queues[0] is 'Vip queue', which is no queue of this stack's routing; its queues: "
        "'Everyone', 'VIP', 'English', 'Spanish'. Name it as the routing names it (its friendly_name), or remove it",
        "Pulumi.dev.yaml: adopt.workflows[0] is 'Pre-agent Routing', which is no workflow of this stack's routing "
        "(did you mean 'Pre-agent routing'?); its workflows: 'Pre-agent routing', 'Assign to Anyone'. Name it as "
        "the routing names it (its friendly_name), or remove it",
    ]


def test_a_plan_with_problems_refuses_to_deploy_and_lists_them() -> None:
    broken = plan(phoneNumbers=[{"number": "+15005550010", "voice": "nope"}])
    with pytest.raises(StackPlanError, match=r"stack 'dev' cannot be deployed \(1 problem\):\n  - Pulumi\.dev\.yaml"):
        broken.raise_if_problems()


def test_every_workflow_configuration_is_written_with_queue_placeholders() -> None:
    configurations = plan().workflow_configurations()
    assert set(configurations) == {workflow.friendly_name for workflow in plan().workspace.workflows}
    assert '"queue": "${vip}"' in configurations["Pre-agent routing"]


def test_a_builder_asking_for_something_no_context_gives_is_refused_where_it_is_registered() -> None:
    with pytest.raises(RegistryError, match=r"asks for 'langs', which no flow context gives.*did you mean"):
        @flow("broken_builder", friendly_name="Broken")
        def broken(*, langs: list[str]) -> Flow:  # pragma: no cover - never built
            raise AssertionError
    assert "broken_builder" not in all_flows()


def test_a_misspelt_port_or_name_in_flow_code_is_explained_with_what_was_meant() -> None:
    greet = SayPlay("greet", say="Hello")
    with pytest.raises(AttributeError) as port:
        greet.on_audio_complet  # type: ignore[attr-defined]  # noqa: B018 - the misspelt port a user writes
    assert explain(port.value).endswith("has no attribute 'on_audio_complet' (did you mean 'on_audio_complete'?)")

    def build() -> object:
        return SayPlai("greet", say="Hello")  # type: ignore[name-defined]  # noqa: F821 - the misspelt widget class

    with pytest.raises(NameError) as name:
        build()
    assert explain(name.value).endswith("name 'SayPlai' is not defined (did you mean 'SayPlay'?)")
    assert explain(ValueError("no such prompt")) == "no such prompt"


@pytest.fixture
def team_flow(monkeypatch: pytest.MonkeyPatch) -> str:
    """A team's flow registered for one test: a Function from flowParameters, a greeting from config."""
    from flows import registry
    from studio import Parameter, RunFunction, Trigger

    def build() -> Flow:
        with Flow("Team flow") as built:
            greet = SayPlay("greet", play=Parameter("GREETING"))
            lookup = RunFunction("lookup", service_sid=Parameter("SERVICE_SID"),
                                 function_sid=Parameter("FUNCTION_SID"), url="https://x-1234.twil.io/lookup")
            Trigger().on_incoming_call >> greet >> lookup
        return built

    all_flows()
    monkeypatch.setitem(registry._REGISTRY.flows, "team", registry.FlowEntry("team", "Team", build, "flows.team"))
    monkeypatch.setitem(registry._REGISTRY.sources, "GREETING",
                        (registry.Source("config", "teamGreeting"), "flows/team.py:9"))
    return "team"


def test_a_config_value_no_stack_file_can_hold_says_to_use_flow_parameters(team_flow: str) -> None:
    problems = plan(flows=[team_flow], flowParameters={"SERVICE_SID": "ZS" + "0" * 32,
                                                       "FUNCTION_SID": "ZH" + "0" * 32}).problems
    assert problems == ("flow 'team' (flows/team.py): parameter GREETING reads config teamGreeting, which is no stack "
                        "setting (a stack file refuses it as an unknown key): set flowParameters.GREETING in "
                        "Pulumi.dev.yaml, or read a setting there is (config_value(...))",)
    fixed = plan(flows=[team_flow], flowParameters={"SERVICE_SID": "ZS" + "0" * 32, "FUNCTION_SID": "ZH" + "0" * 32,
                                                    "GREETING": "https://example.com/hello.mp3"})
    assert fixed.problems == ()


def test_a_finding_on_a_flow_parameters_value_names_that_key(team_flow: str) -> None:
    team = plan(flows=[team_flow], flowParameters={"SERVICE_SID": "ZS5e6a380e716e80587d5ca025cd8797a",
                                                   "FUNCTION_SID": "ZH" + "0" * 32, "GREETING": "https://x.example/a"})
    (finding,) = [problem for problem in team.flow(team_flow).findings if problem.widget == "lookup"]
    assert "'ZS5e6a380e716e80587d5ca025cd8797a'" in finding.message
    assert finding.message.endswith("(the value is flowParameters.SERVICE_SID in Pulumi.dev.yaml: fix it there)")


def test_formerly_must_name_another_flow_name_that_no_other_flow_claims() -> None:
    with pytest.raises(RegistryError, match=r"flow 'front_desk': formerly='front_desk' must be another"):
        @flow("front_desk", friendly_name="Front desk", formerly=("front_desk",))
        def same() -> Flow:  # pragma: no cover - never built
            raise AssertionError
    with pytest.raises(RegistryError, match=r"flow 'front_desk' and flow 'voice' \(flows/voice\.py\) both claim the "
                                            r"name 'voice'"):
        @flow("front_desk", friendly_name="Front desk", formerly=("voice",))
        def clash() -> Flow:  # pragma: no cover - never built
            raise AssertionError
    assert "front_desk" not in all_flows()


def test_a_stack_naming_a_flow_by_its_former_name_is_told_the_new_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import registry

    entries = all_flows()
    voice = entries["voice"]
    monkeypatch.delitem(registry._REGISTRY.flows, "voice")
    monkeypatch.setitem(registry._REGISTRY.flows, "main_line", registry.FlowEntry(
        "main_line", "Main line", voice.build, voice.module, formerly=("voice",)))
    problems = plan().problems
    assert ("Pulumi.dev.yaml: phoneNumbers[0].voice (+15005550010) names flow 'voice', which is now 'main_line' "
            "(flows/voice.py, formerly='voice'): write main_line there") in problems


def test_a_send_to_flex_workflow_nothing_fills_says_to_declare_the_routing_s_workflow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An imported Console flow whose WW... SID no --workflow named: flowParameters would pin that SID."""
    from flows import registry
    from studio import Parameter, SendToFlex, Trigger

    def build() -> Flow:
        with Flow("Console IVR") as built:
            Trigger().on_incoming_call >> SendToFlex("to_flex", workflow=Parameter("CONSOLE_IVR_WORKFLOW_SID"),
                                                     channel=registry.task_channel_sid("voice"))
        return built

    all_flows()
    monkeypatch.setitem(registry._REGISTRY.flows, "console_ivr",
                        registry.FlowEntry("console_ivr", "Console IVR", build, "flows.console_ivr"))
    (problem,) = plan(flows=["console_ivr"]).problems
    assert problem.startswith(
        "flow 'console_ivr' (flows/console_ivr.py): parameter CONSOLE_IVR_WORKFLOW_SID has no value: it is a Send to "
        "Flex workflow, so declare in flows/console_ivr.py CONSOLE_IVR_WORKFLOW_SID = registry.workflow_sid(\"<its "
        "friendly name>\", parameter=\"CONSOLE_IVR_WORKFLOW_SID\") (this stack's routing has 'Pre-agent routing', "
        "'Assign to Anyone')"), problem
    assert "flowParameters.CONSOLE_IVR_WORKFLOW_SID in" not in problem
