"""``flexctl route`` and ``lint`` take a stack name: the workflows that stack deploys."""

from __future__ import annotations

import json

import pytest

from flexctl.cli import main


def test_route_follows_a_stacks_workflow(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["route", "dev:Pre-agent routing", "--task", '{"vip": true, "language": "es"}', "--json"])
    assert code == 0
    route = json.loads(capsys.readouterr().out)
    assert [step["queue"] for step in route["steps"]][:1] == ["vip"]


def test_a_stack_with_several_workflows_asks_which(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "local", "--task", "{}"]) == 2
    assert "name one as local:<workflow name>" in capsys.readouterr().err


def test_every_stack_workflow_lints_clean(capsys: pytest.CaptureFixture[str]) -> None:
    for stack in ("local", "dev", "prod"):
        assert main(["lint", f"{stack}:Pre-agent routing"]) == 0
    assert "no findings" in capsys.readouterr().out
