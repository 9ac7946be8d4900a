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


def test_route_with_stack_takes_the_workflow_the_stacks_flows_send_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--stack", "local", "--task", '{"vip": true}', "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"][0]["queue"] == "vip"
    assert main(["route", "--stack", "local", "Assign to Anyone", "--task", "{}", "--json"]) == 0
    assert [step["queue"] for step in json.loads(capsys.readouterr().out)["steps"]] == ["everyone"]


def test_lint_with_stack_reads_every_workflow_of_the_stack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--stack", "local"]) == 0
    assert "stack local: no findings" in capsys.readouterr().out


def test_an_unknown_workflow_of_a_stack_names_the_ones_it_has(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--stack", "local", "Sales", "--task", "{}"]) == 2
    assert ("stack 'local' has no workflow 'Sales'; its workflows are 'Pre-agent routing', 'Assign to Anyone'; name "
            "one: --stack local '<workflow name>'") in capsys.readouterr().err
    assert main(["route", "--stack", "local", "Pre-agent routng", "--task", "{}"]) == 2
    assert "no workflow 'Pre-agent routng' (did you mean 'Pre-agent routing'?)" in capsys.readouterr().err


def test_every_stack_workflow_lints_clean(capsys: pytest.CaptureFixture[str]) -> None:
    for stack in ("local", "dev", "prod"):
        assert main(["lint", f"{stack}:Pre-agent routing"]) == 0
    assert "no findings" in capsys.readouterr().out
