"""The README's recipes on the real engine: a flow added as one new file plus a stack binding, and a Console
export imported with `flexctl import --as`, render and deploy to `local`; a second `up` is a no-op. Mistakes
in a flow, the routing or the account stop `pulumi up` before any write, and the CLI's output says what, where
and the fix, with no traceback, no "unhandled" line, no pydantic link and no KeyboardInterrupt.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.settings import read_stack_file
from flexctl.engine import Engine
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from tests.shared_data import CORPUS
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")
IVR = CORPUS / "realworld" / "flows" / "slintab_twilio-flex-terraform_voice-ivr-flow.json"
HOTLINE = '''"""A hotline: a greeting, then an agent (one new file, as the README's "Adding a flow" says)."""

from flows.registry import flow, task_channel_sid, workflow_sid
from studio import Flow, SayPlay, SendToFlex, Trigger

ANYONE = workflow_sid("Assign to Anyone")
VOICE = task_channel_sid("voice")


@flow("hotline", friendly_name="Hotline")
def hotline() -> Flow:
    """Greet the caller and send the call to Flex."""
    with Flow("Hotline") as built:
        trigger = Trigger()
        hello = SayPlay("hello", say="Thanks for calling the hotline.")
        trigger.on_incoming_call >> hello >> SendToFlex("to_flex", workflow=ANYONE, channel=VOICE)
    return built
'''


def bind(project: Path, *entries: dict[str, Any], **config: Any) -> None:
    """Add phone number entries (and other config) to the project's Pulumi.local.yaml."""
    path = project / "Pulumi.local.yaml"
    stack = yaml.safe_load(path.read_text())
    stack["config"]["flex-pre-agent:phoneNumbers"] += list(entries)
    stack["config"].update({f"flex-pre-agent:{key}": value for key, value in config.items()})
    path.write_text(yaml.safe_dump(stack, sort_keys=False))


def flexctl(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flexctl", *args], cwd=project, capture_output=True, text=True,
                          timeout=300, check=False, env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})


def up_twice(project: Path, state: Path) -> dict[str, Any]:
    numbers = read_stack_file(project, "local").owned_numbers
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0) as emulator:
        engine = Engine(project, "local", state,
                        env={"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        engine.up(preview_first=True)
        outputs: dict[str, Any] = engine.outputs()
        emulator.api.reset_log()
        assert engine.up(expect_no_changes=True).changed() == {}
        assert [r for r in emulator.api.requests() if r["method"] != "GET"] == []
    return outputs


def test_a_new_flow_file_and_an_imported_export_deploy_to_local_and_settle(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", program=None)
    (project / "flows" / "hotline.py").write_text(HOTLINE)
    IVR.read_bytes()  # without shared/ beside the clone: FileNotFoundError, which skips (tests/conftest.py)
    imported = flexctl(project, "import", str(IVR), "--as", "sales_ivr", "--workflow", "Pre-agent routing")
    assert imported.returncode == 0, imported.stderr
    bind(project, {"number": "+15005550009", "voice": "hotline"}, {"number": "+15005550010", "voice": "sales_ivr"})

    rendered = flexctl(project, "render", "local")
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr

    outputs = up_twice(project, tmp_path / "state")
    assert {"hotline", "sales_ivr"} <= set(outputs["flowSids"])
    assert outputs["flowWebhookUrls"]["hotline"].endswith(outputs["flowSids"]["hotline"])


DANGLING = HOTLINE.replace('trigger.on_incoming_call >> hello >> SendToFlex(', 'hello >> "nowhere"\n'
                           '        trigger.on_incoming_call >> hello\n        _ = SendToFlex(')
UNFILLED = HOTLINE.replace('ANYONE = workflow_sid("Assign to Anyone")', 'ANYONE = Parameter("SUPPORT_WORKFLOW")')
UNFILLED = UNFILLED.replace("from studio import Flow,", "from studio import Flow, Parameter,")
OTHER_ACCOUNT = "AC" + "0123456789abcdef" * 2


def unclosed_quote(project: Path) -> None:
    routing = project / "flows" / "routing.py"
    routing.write_text(routing.read_text().replace("\"routing.skills HAS 'vip'\"", "\"routing.skills HAS 'vip\""))


# (case, flows/hotline.py, a change to the project, what answers as Twilio, what the user reads)
CASES: list[tuple[str, str, Callable[[Path], None] | None, str, str]] = [
    ("a dangling transition", DANGLING, None, "emulator",
     r"flow 'hotline' \(flows/hotline\.py\).*widget 'hello'.*leads to 'nowhere'.*choose one of"),
    ("a parameter without a value", UNFILLED, None, "emulator",
     r"parameter SUPPORT_WORKFLOW has no value: it is a Send to Flex workflow, so declare in flows/hotline\.py "
     r"SUPPORT_WORKFLOW = registry\.workflow_sid\(\"<its friendly name>\", parameter=\"SUPPORT_WORKFLOW\"\)"),
    ("an unclosed quote in a target expression", HOTLINE, unclosed_quote, "emulator",
     r"flows/routing\.py:\d+: TaskQueue\.target_workers: column 20: this string is never closed(.|\n)*"
     r"routing\.skills HAS 'vip\n\s+\^\n\s+fix: add the closing '"),
    ("an unreachable Twilio at preflight", HOTLINE, None, "nothing",
     r"cannot reach Twilio at http://127\.0\.0\.1:\d+ \(TWILIO_API_BASE_URL\) to check account AC\w+ before "
     r"deploying: .*nothing was deployed\. Fix: start what should answer there \(`make emulator`"),
    ("a wrong account", HOTLINE, None, "another account",
     r"Twilio refused to show account AC\w+ to the credentials in use \(HTTP 401, error 20003.*nothing was "
     r"deployed\. Fix: use credentials of AC\w+ .*or set accountSid in Pulumi\.local\.yaml"),
]
def closed_port() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


NOISE = ("Traceback", "Program failed with an unhandled exception", "an unhandled error occurred",
         "errors.pydantic.dev", "KeyboardInterrupt")


@pytest.mark.parametrize(("case", "source", "change", "twilio", "message"), CASES, ids=[case[0] for case in CASES])
def test_a_mistake_stops_up_with_what_where_and_the_fix_and_nothing_else(
    tmp_path: Path, case: str, source: str, change: Callable[[Path], None] | None, twilio: str, message: str
) -> None:
    project = copy_project(tmp_path / "project", program=None)
    (project / "flows" / "hotline.py").write_text(source)
    bind(project, {"number": "+15005550009", "voice": "hotline"})
    if change is not None:
        change(project)
    numbers = read_stack_file(project, "local").owned_numbers
    account = OTHER_ACCOUNT if twilio == "another account" else LOCAL.account_sid
    with Emulator(account_sid=account, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0) as emulator:
        base_url = closed_port() if twilio == "nothing" else emulator.base_url
        engine = Engine(project, "local", tmp_path / "state",
                        env={"TWILIO_API_BASE_URL": base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})

        done = engine.cli("up", "--yes", "--stack", "local")  # what the user reads

        output = done.stdout + done.stderr
        assert done.returncode != 0
        assert re.search(message, output), output
        assert [noise for noise in NOISE if noise in output] == [], output
        assert [r for r in emulator.api.requests() if r["method"] != "GET"] == []
    if twilio == "emulator":  # a mistake in the program: render runs the same check and says the same
        rendered = flexctl(project, "render", "local")
        assert rendered.returncode == 1
        assert re.search(message, rendered.stdout + rendered.stderr), rendered.stdout + rendered.stderr
