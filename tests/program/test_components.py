"""The components on their own: Args validation before anything registers, wiring by id, aliases."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pulumi
import pytest

import studio
import taskrouter
from components import drift
from components.flow import FlowDefinitionError, FlowDeployment, FlowDeploymentArgs
from components.promotion import PromotionGate
from components.routing import Routing, RoutingArgs
from flows.registry import definition_hash
from tests.program.support import ROOT, Recorder

ACCOUNT = "AC" + "1" * 32
SID = studio.Parameter("WORKFLOW_SID")


@pytest.fixture
def mocks() -> Recorder:
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="flex-pre-agent", stack="test", preview=False)
    return recorder


def ivr(say: str = "Hello") -> studio.Flow:
    with studio.Flow("IVR") as flow:
        trigger = studio.Trigger()
        to_flex = studio.SendToFlex("to_flex", workflow=SID, channel=studio.Parameter("CHANNEL"))
        trigger.on_incoming_call >> studio.SayPlay("hello", say=say) >> to_flex
    return flow


@pulumi.runtime.test
def test_a_flow_binds_its_parameters_itself_and_derives_its_webhook_url(mocks: Recorder) -> pulumi.Output[Any]:
    deployed = FlowDeployment("ivr", FlowDeploymentArgs(
        flow=ivr(), friendly_name="IVR", account_sid=ACCOUNT,
        parameters={SID: pulumi.Output.from_input("WW" + "2" * 32), studio.Parameter("CHANNEL"): "TC" + "3" * 32},
    ))

    def check(values: list[Any]) -> None:
        sid, url = values
        states = mocks.inputs["ivr-studio"]["definition"]["states"]  # keyed by widget name
        assert states["to_flex"]["properties"]["workflow"] == "WW" + "2" * 32
        assert url == f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Flows/{sid}"

    return pulumi.Output.all(deployed.sid, deployed.webhook_url).apply(check)


@pulumi.runtime.test
def test_a_parameter_without_a_value_stops_the_flow_before_it_registers(mocks: Recorder) -> None:
    with pytest.raises(FlowDefinitionError, match="parameters without a value: CHANNEL"):
        FlowDeployment("ivr", FlowDeploymentArgs(flow=ivr(), friendly_name="IVR", account_sid=ACCOUNT,
                                                 parameters={SID: "x"}))
    assert mocks.inputs == {}


@pulumi.runtime.test
def test_a_flow_studio_would_reject_stops_before_it_registers(mocks: Recorder) -> None:
    with studio.Flow("Broken") as broken:
        trigger = studio.Trigger()
        trigger.on_incoming_call >> "nowhere"
    with pytest.raises(FlowDefinitionError, match=r"flow 'broken' is not valid(.|\n)*'nowhere', which is not a widget"):
        FlowDeployment("broken", FlowDeploymentArgs(flow=broken, friendly_name="Broken", account_sid=ACCOUNT,
                                                    parameters={}))
    assert mocks.inputs == {}


@pulumi.runtime.test
def test_routing_fills_queue_sids_into_workflows_by_reference(mocks: Recorder) -> pulumi.Output[Any]:
    everyone = taskrouter.everyone_queue()
    support = taskrouter.TaskQueue(key="support", friendly_name="Support")
    workflow = taskrouter.Workflow(
        friendly_name="Support first",
        filters=(taskrouter.Filter(expression="needs == 'support'", targets=(taskrouter.Target(queue=support),)),),
        default_filter=taskrouter.Target(queue=everyone),
    )
    routing = Routing("r", RoutingArgs(workspace=taskrouter.Workspace(task_queues=(everyone, support),
                                                                        workflows=(workflow,))))

    def check(_: object) -> None:
        routing = mocks.inputs["r-workflow-support-first"]["configuration"]["task_routing"]
        assert routing["filters"][0]["targets"] == [{"queue": mocks.ids["r-queue-support"]}]  # no name: a list
        assert routing["default_filter"] == {"queue": mocks.ids["r-queue-everyone"]}
        assert mocks.inputs["r-queue-support"]["workspace_sid"] == mocks.ids["r-workspace"]

    return pulumi.Output.all(*routing.workflow_sids.values()).apply(check)


@pulumi.runtime.test
def test_routing_asks_to_adopt_only_the_queues_and_workflows_the_adopt_setting_names(
    mocks: Recorder,
) -> pulumi.Output[Any]:
    everyone = taskrouter.everyone_queue()
    sales = taskrouter.TaskQueue(key="sales", friendly_name="Sales")
    workflow = taskrouter.Workflow(friendly_name="Sales routing", default_filter=taskrouter.Target(queue=sales))
    routing = Routing("r", RoutingArgs(workspace=taskrouter.Workspace(task_queues=(everyone, sales),
                                                                        workflows=(workflow,)),
                                       adopt_queues=frozenset({"Sales"}), adopt_workflows=frozenset({"Sales routing"})))

    def check(_: object) -> None:
        assert mocks.inputs["r-queue-sales"]["adopt_existing"] is True
        assert mocks.inputs["r-workflow-sales-routing"]["adopt_existing"] is True
        assert mocks.inputs["r-queue-everyone"].get("adopt_existing") is None  # Flex's: adopted by its own name

    return pulumi.Output.all(*routing.workflow_sids.values(), *routing.queue_sids.values()).apply(check)


@pulumi.runtime.test
def test_the_promotion_gate_passes_a_flow_through_whole(mocks: Recorder,
                                                         monkeypatch: pytest.MonkeyPatch) -> pulumi.Output[Any]:
    """Gating a definition waits for the verdict without making an Output of each of its values (a 300-widget
    flow would make thousands, for every flow of a stack that promotes)."""
    with studio.Flow("IVR") as flow:
        step: Any = studio.Trigger().on_incoming_call
        for n in range(300):
            step = step >> studio.SayPlay(f"say_{n}", say=f"Part {n}")
    gate = PromotionGate(stack="prod", source="dev", override="", flows={"ivr": definition_hash(flow)},
                         friendly_names={"ivr": "IVR"}, routing={})
    created: list[pulumi.Output[Any]] = []
    track = pulumi.Output._track  # every Output the SDK makes registers itself here

    def counted(output: pulumi.Output[Any]) -> None:
        created.append(output)
        track(output)

    monkeypatch.setattr(pulumi.Output, "_track", counted)
    deployed = FlowDeployment("ivr", FlowDeploymentArgs(flow=flow, friendly_name="IVR", account_sid=ACCOUNT,
                                                        parameters={}),
                              pulumi.ResourceOptions(transformations=[gate.transformation]))

    def check(_: object) -> None:  # the id is known once the definition registered
        states = mocks.inputs["ivr-studio"]["definition"]["states"]
        assert states["say_299"]["properties"]["say"] == "Part 299"
        assert len(created) < 100

    return deployed.sid.apply(check)


def test_the_deploy_stamp_asks_git_once_per_process_whatever_the_flows(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("FLEX_PRE_AGENT_COMMIT", raising=False)
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counted(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", counted)
    drift._head.cache_clear()
    stamps = {drift.deploy_stamp(ROOT) for _ in range(3)} | {drift.deploy_stamp(ROOT / "flows" / "..")}
    head = real_run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert stamps == {f"flex-pre-agent {head.strip()}"}
    assert drift.deploy_stamp(tmp_path) == "flex-pre-agent uncommitted"  # not a checkout
    assert len(calls) == 2  # once for the checkout (asked four times), once for tmp_path
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    assert drift.deploy_stamp(ROOT) == "flex-pre-agent abc123"
