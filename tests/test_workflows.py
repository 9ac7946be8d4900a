"""The GitHub Actions workflows: valid against GitHub's schema; every command they run is one the tests run."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]  # no stubs pinned
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# check-jsonschema (pinned in requirements-dev.txt) ships GitHub's workflow schema from SchemaStore as package data.
SCHEMA = json.loads(resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("github-workflows.json")
                    .read_text(encoding="utf-8"))

# Each command a workflow runs -> (the file that runs it in the tests, the words that show it there).
TESTED: dict[str, tuple[str, str]] = {
    "make test": ("Makefile", "test: lint typecheck unit"),  # the suite itself
    "make .venv/.installed": ("Makefile", "$(STAMP): requirements.txt"),  # what every test needs first
    "make .venv/.installed engine": ("flexctl/engine.py", "BUILD_SCRIPT"),  # the lifecycle tests build the engine
    "pulumi refresh --preview-only --expect-no-changes": (
        "tests/lifecycle/test_reviews.py", '"refresh", "--preview-only", "--expect-no-changes"'),
    ".venv/bin/python -m flexctl pr-summary": ("tests/program/test_pr_summary.py", '"pr-summary", "--base"'),
    ".venv/bin/python -m flexctl pr-comment": ("tests/program/test_pr_summary.py", '"pr-comment", "--pr"'),
    ".venv/bin/python -m flexctl promote-diff": ("tests/lifecycle/test_promotion.py", '"promote-diff"'),
}
# pulumi/actions commands -> where the tests run the same CLI command.
ACTION_COMMANDS: dict[str, tuple[str, str]] = {
    "preview": ("tests/lifecycle/test_reviews.py", '"preview", "--diff"'),
    "up": ("tests/lifecycle/test_promotion.py", ".up("),
}
SHELL_PLUMBING = re.compile(r'^echo "\$PWD/[^"]+" >> "\$GITHUB_PATH"$')


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # YAML 1.2, as GitHub reads it


def steps(workflow: Any) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_commands(workflow: Any) -> list[str]:
    """Each command a `run:` step runs, with ${{ ... }} expressions and trailing options after them dropped."""
    commands = []
    for step in steps(workflow):
        for line in str(step.get("run", "")).splitlines():
            text = re.sub(r"\$\{\{.*?\}\}", " ", line).strip()
            if text:
                commands.append(" ".join(text.split()))
    return commands


def test_there_are_workflows_for_pull_requests_deploys_and_drift() -> None:
    assert {path.stem for path in WORKFLOWS} == {"pull-request", "deploy", "drift"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_each_workflow_is_valid_against_githubs_schema(path: Path) -> None:
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in Draft7Validator(SCHEMA).iter_errors(load(path))]
    assert errors == []


def test_the_schema_refuses_a_broken_workflow() -> None:
    broken = {"on": "push", "jobs": {"x": {"runs-on": "ubuntu-latest", "steps": [{"uses": 3}]}}}
    assert list(Draft7Validator(SCHEMA).iter_errors(broken))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_command_a_workflow_runs_is_one_the_tests_run(path: Path) -> None:
    workflow = load(path)
    for command in run_commands(workflow):
        if SHELL_PLUMBING.match(command):
            continue
        known = max((prefix for prefix in TESTED if command == prefix or command.startswith(prefix + " ")),
                    key=len, default=None)
        assert known is not None, f"{path.name}: {command!r} is run by no test; add one, then list it in TESTED"
        where, evidence = TESTED[known]
        assert evidence in (ROOT / where).read_text(encoding="utf-8"), f"{where} no longer runs {known!r}"
    for step in steps(workflow):
        if str(step.get("uses", "")).startswith("pulumi/actions@"):
            where, evidence = ACTION_COMMANDS[step["with"]["command"]]
            assert evidence in (ROOT / where).read_text(encoding="utf-8")
            assert "plan" not in step["with"], "update plans are unreliable upstream: never `up --plan`"


def test_prod_deploys_only_after_dev_behind_an_environment_with_reviewers() -> None:
    jobs = load(ROOT / ".github" / "workflows" / "deploy.yml")["jobs"]
    assert jobs["prod"]["needs"] == "dev"
    assert jobs["prod"]["environment"] == "prod"
    checkout = jobs["prod"]["steps"][0]
    assert checkout["with"]["ref"] == "${{ github.sha }}"  # the same commit dev ran


def test_the_pull_request_preview_does_not_use_the_actions_own_comments() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    previews = [step for step in steps(workflow) if str(step.get("uses", "")).startswith("pulumi/actions@")]
    assert previews
    assert all(step["with"]["comment-on-pr"] is False for step in previews)
    assert workflow["jobs"]["preview"]["strategy"]["matrix"]["stack"] == ["dev", "prod"]


def test_workflow_commands_are_split_as_a_shell_would() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "drift.yml")
    assert shlex.split(run_commands(workflow)[-1])[:4] == ["pulumi", "refresh", "--preview-only", "--expect-no-changes"]
