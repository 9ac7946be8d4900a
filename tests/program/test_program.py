"""The Pulumi program under mocks, for every committed stack: graph, names, parents, protection, outputs."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pulumi
import pytest

from components.settings import read_stack_file
from tests.program.support import ROOT, ProgramRun, run, start

STACKS = ("local", "dev", "prod")
SID = re.compile(r"\b(AC|WS|WA|TC|WQ|WW|FW|PN|IG|IS|MG|ZS|HX)[0-9a-fA-F]{32}\b")
COMPONENTS = {
    "pre-agent": "flex-pre-agent:pre_agent:PreAgentWorkflow",
    "routing": "flex-pre-agent:routing:Routing",
}


def outputs(program: ProgramRun) -> pulumi.Output[dict[str, Any]]:
    """Every stack output, resolved."""
    return pulumi.Output.from_input(program.namespace["workflow"].outputs())


@pytest.mark.parametrize("stack", STACKS)
@pulumi.runtime.test
def test_each_stack_registers_routing_the_flows_it_binds_and_its_triggers(stack: str) -> pulumi.Output[Any]:
    program = start(stack)
    run(program)
    settings = read_stack_file(ROOT, stack)
    kinds = Counter(item.type for item in program.resources)
    assert kinds["flex-pre-agent:pre_agent:PreAgentWorkflow"] == 1
    assert kinds["flex-pre-agent:routing:Routing"] == 1
    flows = len(set(settings.bound_flows) | set(settings.flows))
    assert kinds["flex-pre-agent:flow:FlowDeployment"] == kinds["pulumi-python:dynamic/twilio:StudioFlow"] == flows
    assert kinds["pulumi-python:dynamic/twilio:Workspace"] == 1
    assert kinds["pulumi-python:dynamic/twilio:TaskQueue"] == 2 + len(settings.languages)
    assert kinds["pulumi-python:dynamic/twilio:Workflow"] == 2
    assert kinds["pulumi-python:dynamic/twilio:PhoneNumberBinding"] == len(settings.phone_numbers)
    assert kinds["pulumi-python:dynamic/twilio:ConversationsAddress"] == len(settings.conversations_addresses)
    return pulumi.Output.from_input(None)


@pulumi.runtime.test
def test_every_resource_has_a_stable_unique_name_and_the_component_that_owns_it() -> None:
    program = start("local")
    run(program)
    names = [(item.type, item.name) for item in program.resources]
    assert len(names) == len(set(names))
    parents = {item.name: item.parent for item in program.resources if item.type.startswith("pulumi-python:")}
    assert parents["routing-workspace"] == parents["routing-queue-vip"] == "routing"
    assert parents["routing-workflow-pre-agent-routing"] == "routing"
    assert parents["flow-voice-studio"] == "flow-voice"  # the StudioFlow under its FlowDeployment
    assert parents["number-15005550006-binding"] == "number-15005550006"
    assert parents["address-sms-15005550008-address"] == "address-sms-15005550008"
    components = {item.name: (item.type, item.parent) for item in program.resources if item.type.startswith("flex")}
    assert components["pre-agent"] == (COMPONENTS["pre-agent"], None)
    assert components["routing"] == (COMPONENTS["routing"], "pre-agent")
    assert components["flow-voice"] == ("flex-pre-agent:flow:FlowDeployment", "pre-agent")
    assert components["number-15005550006"] == ("flex-pre-agent:triggers:PhoneNumberTrigger", "pre-agent")
    assert components["address-sms-15005550008"] == ("flex-pre-agent:triggers:ConversationsAddressTrigger",
                                                       "pre-agent")
    assert all(re.fullmatch(r"flex-pre-agent:[a-z_]+:[A-Z][A-Za-z]+", kind) for kind, _ in components.values())


@pytest.mark.parametrize(("stack", "protected"), [("local", False), ("dev", False), ("prod", True)])
@pulumi.runtime.test
def test_prod_protects_everything_and_no_stack_keeps_a_number_pointing_at_its_flows(stack: str,
                                                                                    protected: bool) -> None:
    program = start(stack)
    run(program)
    assert {bool(item.resource._protect) for item in program.resources} == {protected}
    bindings = program.of_type("PhoneNumberBinding")
    assert bindings
    assert {bool(item.retain_on_delete) for item in bindings} == {False}  # destroy puts each number back


@pulumi.runtime.test
def test_outputs_give_every_sid_webhook_url_and_definition_hash() -> pulumi.Output[Any]:
    program = start("local")
    run(program)
    account = read_stack_file(ROOT, "local").account_sid
    ids = program.mocks.ids

    def check(values: dict[str, Any]) -> None:
        bound = read_stack_file(ROOT, "local").bound_flows
        assert values["flowSids"] == {key: ids[f"flow-{key}-studio"] for key in bound}
        assert values["flowWebhookUrls"]["voice"] == (
            f"https://webhooks.twilio.com/v1/Accounts/{account}/Flows/{ids['flow-voice-studio']}"
        )
        assert values["workflowSids"] == {"Pre-agent routing": ids["routing-workflow-pre-agent-routing"],
                                          "Assign to Anyone": ids["routing-workflow-assign-to-anyone"]}
        assert values["queueSids"]["VIP"] == ids["routing-queue-vip"]
        assert set(values["queueSids"]) == {"Everyone", "VIP", "English", "Spanish"}  # by name, as workflowSids
        assert values["workspaceSid"] == ids["routing-workspace"]
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in values["flowDefinitionHashes"].values())
        assert values["phoneNumberBindingSids"]["+15005550006"] == ids["number-15005550006-binding"]
        assert values["conversationsAddressSids"]["+15005550008"] == ids["address-sms-15005550008-address"]

    return outputs(program).apply(check)


@pulumi.runtime.test
def test_flows_and_workflows_reference_sids_only_through_outputs() -> pulumi.Output[Any]:
    program = start("local")
    run(program)

    def check(_: object) -> None:
        inputs, ids = program.mocks.inputs, program.mocks.ids
        # Definitions keyed by widget name, configurations by filter name (one path per change in a preview).
        to_flex = inputs["flow-voice-studio"]["definition"]["states"]["to_flex"]["properties"]
        assert to_flex["workflow"] == ids["routing-workflow-pre-agent-routing"]
        assert to_flex["channel"] == ids["routing-channel-voice"]
        messaging = inputs["flow-messaging-studio"]["definition"]["states"].values()
        chat = next(state for state in messaging if state["type"] == "send-to-flex")["properties"]
        assert chat["channel"] == ids["routing-channel-chat"]
        routing = inputs["routing-workflow-pre-agent-routing"]["configuration"]["task_routing"]
        assert routing["filters"]["VIP"]["targets"][0]["queue"] == ids["routing-queue-vip"]
        assert routing["default_filter"]["queue"] == ids["routing-queue-everyone"]
        produced = set(ids.values()) | {read_stack_file(ROOT, "local").account_sid}
        for name, values in inputs.items():
            text = json.dumps({key: value for key, value in values.items() if key != "__provider"})
            assert {match.group(0) for match in SID.finditer(text)} <= produced, name
        assert inputs["number-15005550006-binding"]["webhook_url"].endswith(f"/Flows/{ids['flow-voice-studio']}")
        assert inputs["address-sms-15005550008-address"]["flow_sid"] == ids["flow-conversations-studio"]

    return outputs(program).apply(check)


def test_no_sid_is_written_in_the_program_flows_or_components() -> None:
    sources = [ROOT / "__main__.py", *(ROOT / "flows").glob("*.py"), *(ROOT / "components").glob("*.py")]
    for path in sources:
        assert not SID.search(path.read_text()), path


def test_definition_hashes_are_equal_across_stacks_with_the_same_flows() -> None:
    from components.plan import read_stack_plan
    from flows.registry import FlowContext, all_flows, definition_hash

    hashes = {stack: {planned.name: planned.definition_hash for planned in read_stack_plan(ROOT, stack).flows}
              for stack in STACKS}
    assert hashes["local"] == hashes["dev"] == hashes["prod"]  # prod's other business hours are parameters
    three = all_flows()["voice"].flow(FlowContext(languages=("en", "es", "fr")))
    assert definition_hash(three) != hashes["dev"]["voice"]


@pulumi.runtime.test
def test_bad_config_stops_the_program_before_any_resource() -> None:
    config = dict(_config("dev"))
    config["flex-pre-agent:timeZone"] = "Mars/Olympus"
    config["flex-pre-agent:phonenumbers"] = "[]"
    program = start("dev", config)
    with pytest.raises(pulumi.RunError) as raised:
        run(program)
    message = str(raised.value)
    assert "Pulumi.dev.yaml has invalid config" in message
    assert "flex-pre-agent:timeZone is 'Mars/Olympus'" in message
    assert "flex-pre-agent:phonenumbers: unknown key" in message
    assert program.resources == []
    assert program.mocks.inputs == {}


def _config(stack: str) -> dict[str, str]:
    from flexctl.stack_config import load_stack_config

    return load_stack_config(ROOT, stack)


@pulumi.runtime.test
def test_a_number_starting_two_flows_gets_one_binding_per_flow() -> pulumi.Output[Any]:
    config = dict(_config("dev"))
    numbers = json.loads(config["flex-pre-agent:phoneNumbers"])
    config["flex-pre-agent:phoneNumbers"] = json.dumps(
        [{"number": numbers[0]["number"], "voice": "voice", "messaging": "messaging"}, *numbers[2:]]
    )
    program = start("dev", config)
    run(program)

    bindings = sorted(item.name for item in program.of_type("PhoneNumberBinding"))
    number = numbers[0]["number"].lstrip("+")
    assert bindings == [f"number-{number}-binding", f"number-{number}-messaging-binding"]
    return pulumi.Output.from_input(None)
