"""Day to day on the real CLI: readable previews, stacks from earlier code, drift named by the scheduled check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from twilio.rest import Client

from components.providers.twilio_http import make_client
from components.settings import read_stack_file
from flexctl.engine import Engine
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle import golden
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")


class Deployed:
    """The real program's `local` stack, deployed by the code before structured definitions, on its account."""

    def __init__(self, engine: Engine, emulator: Emulator) -> None:
        self.engine, self.emulator = engine, emulator

    def client(self) -> Client:
        api = self.emulator
        return make_client(LOCAL.account_sid, LOCAL.account_sid, AUTH_TOKEN, api.base_url)

    def writes(self) -> list[dict[str, object]]:
        return [r for r in self.emulator.api.requests() if r["method"] in {"POST", "DELETE"}]


@pytest.fixture
def earlier(tmp_path: Path) -> Iterator[Deployed]:
    account = tmp_path / "account.json"
    shutil.copy(golden.PROGRAM_ACCOUNT, account)
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=LOCAL.owned_numbers, port=0,
                  state_file=account) as emulator:
        env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        engine = Engine(copy_project(tmp_path / "project", program=None), "local", tmp_path / "state", env=env)
        engine.import_state(json.loads(golden.PROGRAM_STATE.read_text()))
        yield Deployed(engine, emulator)


def test_a_stack_from_earlier_code_is_a_no_op_and_then_previews_a_one_prompt_change_in_40_lines(
    earlier: Deployed,
) -> None:
    engine = earlier.engine
    earlier.emulator.api.reset_log()

    # Definitions stored as JSON text compare equal to the keyed ones: no update, no revision, no migration
    # (a resource added since that code is created, and nothing else).
    assert set(engine.preview().changed().values()) <= {"create"}
    assert set(engine.up().changed().values()) <= {"create"}
    assert [w for w in earlier.writes() if "/Flows" in str(w["path"]) or "/Workflows" in str(w["path"])] == []
    assert engine.preview(expect_no_changes=True).changed() == {}

    engine.set_config("flex-pre-agent:selfServiceUrl", "https://example.com/help")
    done = engine.cli("preview", "--diff", "--stack", "local")

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) <= 40, done.stdout
    assert any("~ send_self_service_link: {" in line for line in lines), done.stdout  # one path: the widget
    assert any("https://example.com/help" in line for line in lines), done.stdout


def test_a_flow_gone_from_the_account_stops_the_preview_with_the_refresh_that_brings_it_back(
    earlier: Deployed,
) -> None:
    flows = earlier.client().studio.v2.flows
    voice = next(flow for flow in flows.list() if flow.friendly_name == "Pre-agent voice")
    assert flows(voice.sid).delete()  # a fresh emulator, or a delete in the Console
    stopped = earlier.engine.cli("preview", "--stack", "local")
    said = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0, said  # it said "unchanged" and exited 0, with the flow gone
    assert f"flow 'voice' ({voice.sid}): it is gone from the account" in said
    assert "Run `pulumi refresh`: it reads every object the stack lists from Twilio" in said
    assert "Traceback" not in said
    assert earlier.engine.cli("refresh", "--yes", "--stack", "local").returncode == 0
    assert "create" in earlier.engine.preview().changed().values()  # the flow, made again by the next up


def test_a_preview_with_twilio_unreachable_says_so_once_with_where_and_the_fix(earlier: Deployed) -> None:
    """It warned 'could not read its latest revision' once per flow, without saying how to make Twilio answer."""
    earlier.engine.env["TWILIO_API_BASE_URL"] = "http://127.0.0.1:9"  # nothing answers there (the emulator not started)
    done = earlier.engine.cli("preview", "--stack", "local")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said  # a preview still shows the plan
    assert "could not read its latest revision" not in said
    shown = [line.strip() for line in said.splitlines() if "cannot reach Twilio at http://127.0.0.1:9" in line]
    assert len({line.split("warning: ", 1)[-1] for line in shown}) == 1, said  # one warning, not one per flow
    assert "(TWILIO_API_BASE_URL)" in shown[0]
    assert "No flow was checked for Console edits" in shown[0]
    assert "Fix: start what should answer there (`make emulator` for the local stack)" in shown[0]


def test_a_preview_whose_credentials_twilio_refuses_says_so_once_with_where_and_the_fix(earlier: Deployed) -> None:
    """Another stack's emulator (a wrong port) or a wrong token: 'could not read its latest revision ... HTTP 401'
    was said once per flow, without the fix."""
    earlier.engine.env["TWILIO_AUTH_TOKEN"] = "not-the-token"
    done = earlier.engine.cli("preview", "--stack", "local")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said  # a preview still shows the plan
    assert "could not read its latest revision" not in said
    shown = {line.strip().split("warning: ", 1)[-1] for line in said.splitlines() if "refused the credentials" in line}
    assert len(shown) == 1, said  # one warning, not one per flow
    (warning,) = shown
    assert warning.startswith(f"Twilio at {earlier.emulator.base_url} (TWILIO_API_BASE_URL) refused the credentials "
                              f"in use for {LOCAL.account_sid}: ")
    assert warning.endswith(f"Fix: use credentials of {LOCAL.account_sid} (the authToken stack secret, "
                            "TWILIO_AUTH_TOKEN, or an API key made in that account), or correct TWILIO_API_BASE_URL if "
                            "it points at another stack's emulator.")


def test_the_scheduled_drift_check_fails_on_a_console_edit_and_names_the_flow(earlier: Deployed) -> None:
    command = ("refresh", "--preview-only", "--expect-no-changes", "--stack", "local")  # as .github/workflows/drift.yml
    assert earlier.engine.cli(*command).returncode == 0, "a clean stack has no drift"
    flows = earlier.client().studio.v2.flows
    voice = next(flow for flow in flows.list() if flow.friendly_name == "Pre-agent voice")
    edited = flows(voice.sid).fetch().definition
    next(state for state in edited["states"] if state["name"] == "send_self_service_link")["properties"]["body"] = "x"
    flows(voice.sid).update(status="published", definition=edited, commit_message="edited in the Console")

    done = earlier.engine.cli(*command)

    assert done.returncode != 0
    assert "flow-voice-studio" in done.stdout  # the log names the flow

    preview = "\n".join(earlier.engine.preview().output)  # and a preview warns before `up` overwrites it
    revision = flows(voice.sid).fetch().revision
    assert f"flow 'voice' ({voice.sid}): its latest revision {revision} was not made by a deploy" in preview
    assert "flow 'messaging'" not in preview  # made by a deploy (the stamp of earlier code)
    assert "python -m flexctl pull --stack local voice" in preview


def test_pull_shows_a_console_edit_and_writes_code_that_deploys_as_a_no_op(earlier: Deployed) -> None:
    flows = earlier.client().studio.v2.flows
    voice = next(flow for flow in flows.list() if flow.friendly_name == "Pre-agent voice")
    edited = flows(voice.sid).fetch().definition
    menu = next(state for state in edited["states"] if state["name"] == "send_self_service_link")
    menu["properties"]["body"] = menu["properties"]["body"].replace("Manage your account any time at", "Visit")
    flows(voice.sid).update(status="published", definition=edited, commit_message="edited in the Console")
    project, env = earlier.engine.project_dir, {**os.environ, **earlier.engine.env}

    def pull(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "flexctl", "pull", "--stack", "local", "voice", *extra],
                              cwd=project, env=env, capture_output=True, text=True, check=False)

    untouched = project / "flows" / "conversations.py"
    before = untouched.read_text()
    same = subprocess.run([sys.executable, "-m", "flexctl", "pull", "--stack", "local", "conversations", "--write"],
                          cwd=project, env=env, capture_output=True, text=True, check=False)
    assert same.returncode == 0, same.stderr
    assert "flows/conversations.py: left as it is (the live flow is what it builds)" in same.stdout
    assert untouched.read_text() == before  # a hand-written flow is not regenerated for nothing

    shown = pull()
    assert shown.returncode == 0, shown.stderr
    assert "~ widget send_self_service_link" in shown.stdout
    assert shown.stdout.count("~ widget ") == 1, shown.stdout  # the edit, and no drift nobody made
    assert '"Visit ${SELF_SERVICE_URL}"' in shown.stdout  # the stack's URL is the code's parameter again
    written = pull("--write")
    assert written.returncode == 0, written.stderr
    code = (project / "flows" / "voice.py").read_text()
    assert "Visit" in code
    assert "SELF_SERVICE_URL" in code
    assert "https://example.com/self-service" not in code  # the stack's value went back to its Parameter
    assert "WW" not in code.replace("WORKFLOW", "")  # no SID written into the code

    assert "`pulumi up --refresh --stack local` takes the live flow as deployed" in written.stdout  # what next

    # The Console revision is the code's now: no preview warns about it any more (every one did, forever).
    plain = "\n".join(earlier.engine.preview().output)
    assert "was not made by a deploy" not in plain, plain
    # The code now says what the account has: with the state refreshed from it, no flow changes.
    preview = earlier.engine.preview(refresh=True)
    assert {name: op for name, op in preview.changed().items() if "studio" in name} == {}, "\n".join(preview.output)
    assert "was not made by a deploy" not in "\n".join(preview.output)
