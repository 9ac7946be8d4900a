"""Promotion on the real engine: dev and prod stacks in one file backend, prod deploys only what ran in dev."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from components.providers.twilio_http import make_client
from components.settings import read_stack_file
from flexctl.engine import Engine, EngineError
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator

DEV, PROD = read_stack_file(ROOT, "dev"), read_stack_file(ROOT, "prod")


def account(settings: object) -> Emulator:
    return Emulator(account_sid=settings.account_sid, auth_token=AUTH_TOKEN,  # type: ignore[attr-defined]
                    phone_numbers=settings.owned_numbers, port=0)  # type: ignore[attr-defined]


def test_prod_deploys_only_flows_that_ran_in_dev_unless_overridden(tmp_path: Path) -> None:
    assert PROD.promote_from == "dev"  # the committed prod stack promotes from dev
    project, state = copy_project(tmp_path / "project", program=None), tmp_path / "state"
    with account(DEV) as dev_account, account(PROD) as prod_account:
        dev = Engine(project, "dev", state, env={"TWILIO_API_BASE_URL": dev_account.base_url,
                                                 "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "GITHUB_SHA": "0123abc"})
        prod = Engine(project, "prod", state, env={"TWILIO_API_BASE_URL": prod_account.base_url,
                                                   "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        dev.up()
        prod.up()
        assert prod.outputs()["promotion"] == {"from": "dev", "checked": True, "differs": [], "override": None}
        voice_sid = prod.outputs()["flowSids"]["voice"]

        voice = project / "flows" / "voice.py"
        voice.write_text(voice.read_text().replace("Manage your account any time at", "Visit"))
        prod_account.api.reset_log()
        with pytest.raises(EngineError, match=r"(?s)promotes from dev.*flow 'voice' \(Pre-agent voice\)"):
            prod.up()
        assert [r for r in prod_account.api.requests() if voice_sid in r["path"] and r["method"] == "POST"] == []

        differ = subprocess.run([sys.executable, "-m", "flexctl", "promote-diff", "dev", "prod"], cwd=project,
                                capture_output=True, text=True, check=False)
        assert differ.returncode == 0, differ.stderr
        assert "config protect: false -> true" in differ.stdout, differ.stdout

        prod.set_config("flex-pre-agent:promotionOverride", "hotfix INC-42")
        overridden = prod.up()
        promotion = prod.outputs()["promotion"]
        assert promotion["override"] == "hotfix INC-42"
        assert [item.split(":")[0] for item in promotion["differs"]] == ["flow 'voice' (Pre-agent voice)"]
        assert any("promotion gate overridden" in line for line in overridden.output)

        prod.set_config("flex-pre-agent:promotionOverride", "")
        dev.up()  # the change runs in dev: now prod may have it
        prod.up()
        assert prod.outputs()["promotion"]["differs"] == []
        client = make_client(DEV.account_sid, DEV.account_sid, AUTH_TOKEN, dev_account.base_url)
        revisions = client.studio.v2.flows(dev.outputs()["flowSids"]["voice"]).revisions.list()
        assert [r.commit_message for r in revisions] == ["flex-pre-agent 0123abc"] * 2  # every deploy stamps its commit


def test_a_queue_change_that_never_ran_in_dev_is_not_sent_to_prod(tmp_path: Path) -> None:
    """The VIP queue's target_workers is part of the routing hash, and the refusal named the workflow; yet the
    queue itself was updated in prod before the refusal stopped the run."""
    project, state = copy_project(tmp_path / "project", program=None), tmp_path / "state"
    with account(DEV) as dev_account, account(PROD) as prod_account:
        dev = Engine(project, "dev", state, env={"TWILIO_API_BASE_URL": dev_account.base_url,
                                                 "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        prod = Engine(project, "prod", state, env={"TWILIO_API_BASE_URL": prod_account.base_url,
                                                   "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        dev.up()
        prod.up()
        vip = prod.outputs()["queueSids"]["VIP"]

        routing = project / "flows" / "routing.py"
        routing.write_text(routing.read_text().replace("target_workers=\"routing.skills HAS 'vip'\"",
                                                       "target_workers=\"routing.skills HAS 'vip' AND level >= 2\""))
        prod_account.api.reset_log()
        with pytest.raises(EngineError, match=r"(?s)promotes from dev.*workflow 'Pre-agent routing'"):
            prod.up()
        assert [r for r in prod_account.api.requests() if r["method"] == "POST"] == []  # the queue was updated
        client = make_client(PROD.account_sid, PROD.account_sid, AUTH_TOKEN, prod_account.base_url)
        queue = client.taskrouter.v1.workspaces(prod.outputs()["workspaceSid"]).task_queues(vip).fetch()
        assert queue.target_workers == "routing.skills HAS 'vip'"

        dev.up()  # the change runs in dev: now prod may have it
        prod.up()
        assert prod.outputs()["promotion"]["differs"] == []
        queue = client.taskrouter.v1.workspaces(prod.outputs()["workspaceSid"]).task_queues(vip).fetch()
        assert queue.target_workers == "routing.skills HAS 'vip' AND level >= 2"


def test_prod_before_dev_is_told_to_deploy_dev_first(tmp_path: Path) -> None:
    """A new backend, prod run first: the engine said only `unknown stack "dev"`."""
    project, state = copy_project(tmp_path / "project", program=None), tmp_path / "state"
    with account(PROD) as prod_account:
        prod = Engine(project, "prod", state, env={"TWILIO_API_BASE_URL": prod_account.base_url,
                                                   "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        with pytest.raises(EngineError) as refused:
            prod.up()
        assert ("stack prod promotes from dev (promoteFrom in Pulumi.prod.yaml), and this backend has no stack dev: "
                "prod deploys only what ran there. Deploy dev first (`pulumi stack init dev` the first time, then "
                "`pulumi up --stack dev`), then prod") in str(refused.value)
        assert "Traceback" not in str(refused.value)
        # Refused before the account claim too: nothing at all is written to prod's account.
        assert [r for r in prod_account.api.requests() if r["method"] != "GET"] == []
