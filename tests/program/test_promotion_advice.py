"""The promotion gate's refusal says why what prod would deploy never ran in dev: the code was not deployed to
dev yet, or dev's stack file builds it differently. The refusal itself runs on the engine in
``tests/lifecycle/test_promotion.py``."""

from __future__ import annotations

from typing import Any

import pytest

from components.plan import read_stack_plan
from components.promotion import FLOW_HASHES, ROUTING_HASHES, PromotionGate, routing_hashes
from tests.program.support import ROOT


def gate(prod: Any, ran: dict[str, Any]) -> PromotionGate:
    refused = PromotionGate.__new__(PromotionGate)  # the engine's StackReference is not needed to word a refusal
    refused.stack, refused.source, refused.override, refused.ran = "prod", "dev", "", ran
    refused.flows = {flow.name: flow.definition_hash for flow in prod.flows}
    refused.friendly_names = {flow.name: flow.friendly_name for flow in prod.flows}
    refused.routing = routing_hashes(prod.workspace)
    return refused


@pytest.fixture
def dev_outputs(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(ROOT)  # where the program runs: the project, with Pulumi.dev.yaml
    dev = read_stack_plan(ROOT, "dev")
    return {FLOW_HASHES: {flow.name: flow.definition_hash for flow in dev.flows},
            ROUTING_HASHES: routing_hashes(dev.workspace)}


def test_code_that_never_ran_in_dev_is_told_to_deploy_dev_first(dev_outputs: dict[str, Any]) -> None:
    prod = read_stack_plan(ROOT, "prod")
    ran = {**dev_outputs, FLOW_HASHES: {**dev_outputs[FLOW_HASHES], "messaging": "0" * 64}}  # dev ran older code
    message = gate(prod, ran)._message(["flow 'messaging' (Pre-agent messaging): ..."])
    assert ("flow 'messaging': Pulumi.dev.yaml builds it from this code as prod does, so this code has not run in dev "
            "yet: deploy it there first (`pulumi up --stack dev`); or in an emergency") in message
    assert "promote-diff" not in message


def test_a_flow_dev_builds_differently_points_at_promote_diff(dev_outputs: dict[str, Any]) -> None:
    prod = read_stack_plan(ROOT, "prod")
    refused = gate(prod, dev_outputs)
    refused.flows = {**refused.flows, "voice": "f" * 64}  # as if prod's stack file shaped the flow otherwise
    message = refused._message(["flow 'voice' (Pre-agent voice): ..."])
    assert ("flow 'voice': deploy the change to dev first; if it ran there, the two stack files build it "
            "differently (`python -m flexctl promote-diff dev prod` shows how)") in message
    assert "`pulumi up --stack dev`" not in message


def test_promote_diff_of_a_misspelt_stack_names_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    from flexctl.cli import main

    assert main(["promote-diff", "dev", "prd"]) == 2
    err = capsys.readouterr().err
    assert "there is no Pulumi.prd.yaml in " in err
    assert "stacks here: dev, local, prod (did you mean prod?)" in err
