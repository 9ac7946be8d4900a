"""The real program's `local` stack lives a whole lifecycle on the real engine, against a Flex account."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.providers.twilio_http import make_client
from components.settings import read_stack_file
from flexctl.engine import Engine
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")


def test_the_local_stack_deploys_changes_one_flow_and_gives_the_account_back(tmp_path: Path) -> None:
    with Emulator(
        account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=LOCAL.owned_numbers, port=0
    ) as emulator:
        # A team migrating from the Console: its own "VIP" queue, which the adopt setting names, is the routing's.
        twilio = make_client(LOCAL.account_sid, LOCAL.account_sid, AUTH_TOKEN, emulator.base_url)
        workspace = next(w for w in twilio.taskrouter.v1.workspaces.list() if w.friendly_name == "Flex Task Assignment")
        queues = twilio.taskrouter.v1.workspaces(workspace.sid).task_queues
        console = queues.create(friendly_name="VIP", target_workers="1==1", max_reserved_workers=3)
        fresh = emulator.api.state_data(comparable=True)
        env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        engine = Engine(copy_project(tmp_path / "project", program=None), "local", tmp_path / "state", env=env)
        engine.set_config("flex-pre-agent:adopt", {"queues": ["VIP"]})

        first = engine.up(preview_first=True)
        assert set(first.changed().values()) == {"create"}
        flows = engine.outputs()["flowSids"]
        assert set(flows) == {"voice", "messaging", "conversations"}
        assert engine.outputs()["queueSids"]["VIP"] == console.sid  # taken over, not a second "VIP"
        assert queues(console.sid).fetch().target_workers != "1==1"  # the routing's expression now

        emulator.api.reset_log()
        assert engine.up(expect_no_changes=True).changed() == {}
        assert [r for r in emulator.api.requests() if r["method"] != "GET"] == []

        engine.set_config("flex-pre-agent:businessHours", {"days": ["Mon", "Tue"], "open": "09:00", "close": "17:00"})
        preview = engine.preview()
        change = engine.up()
        assert preview.changed() == change.changed()
        assert list(change.changed().values()) == ["update"]
        assert engine.state_of(next(iter(change.changed())))["outputs"]["sid"] == flows["voice"]

        engine.refresh(preview_only=True, expect_no_changes=True)
        engine.destroy()

        assert engine.resources() == []
        # The account as it was, the Console's queue included (kept, its own settings put back).
        assert as_data(emulator.api.state_data(comparable=True)) == as_data(fresh)


def as_data(account: dict[str, Any]) -> dict[str, Any]:
    """The account with workflow configurations parsed (a restored one may be spelt differently)."""
    workflows = [{**w, "configuration": json.loads(w["configuration"])} for w in account["workflows"]]
    return {**{k: v for k, v in account.items() if k != "flow_revisions"}, "workflows": workflows}
