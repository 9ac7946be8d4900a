"""A canary on the real engine: a changed flow is a Studio draft only test users run; a later run publishes it."""

from __future__ import annotations

from pathlib import Path

from components.settings import read_stack_file
from flexctl.engine import Engine
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator
from twilio_emulator.studio import served_revision

LOCAL = read_stack_file(ROOT, "local")
TESTER, CALLER = "+15551230000", "+15559870000"


def test_a_changed_flow_is_a_draft_for_test_users_until_a_later_run_publishes_it(tmp_path: Path) -> None:
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=LOCAL.owned_numbers,
                  port=0) as emulator:
        project = copy_project(tmp_path / "project", program=None)
        engine = Engine(project, "local", tmp_path / "state",
                        env={"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        engine.up()
        sids = engine.outputs()["flowSids"]
        state = emulator.api.state

        engine.set_config("flex-pre-agent:canaryTestUsers", [TESTER])
        voice = project / "flows" / "voice.py"
        voice.write_text(voice.read_text().replace("Manage your account any time at", "Visit"))
        engine.up()

        assert state.flows[sids["voice"]].test_users == [TESTER]  # Studio's list, replaced whole
        tester, caller = served_revision(state, sids["voice"], TESTER), served_revision(state, sids["voice"], CALLER)
        assert tester is not None
        assert caller is not None
        assert (tester.revision, tester.status, caller.revision) == (2, "draft", 1)  # the draft; the published one
        assert state.flows[sids["voice"]].revision == 2
        assert state.flows[sids["messaging"]].revision == 1  # unchanged flows get no draft of themselves

        engine.set_config("flex-pre-agent:canaryTestUsers", [])
        engine.up()

        published = served_revision(state, sids["voice"], CALLER)
        assert published is not None
        assert (published.revision, published.status) == (3, "published")
        assert "Visit" in str(published.definition)
        assert state.flows[sids["messaging"]].revision == 1
