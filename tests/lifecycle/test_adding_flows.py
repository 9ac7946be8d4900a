"""The README's recipes on the real engine: a flow added as one new file plus a stack binding, and a Console
export imported with `flexctl import --as`, render and deploy to `local`; a second `up` is a no-op. Mistakes
in a flow, the routing or the account stop `pulumi up` with a message and no traceback, before any write.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.settings import read_stack_file
from flexctl.engine import Engine, EngineError
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
CASES = [
    ("a dangling transition", DANGLING, r"flow 'hotline' \(flows/hotline\.py\).*'nowhere'"),
    ("a parameter nothing fills", UNFILLED,
     r"parameter SUPPORT_WORKFLOW has no value: set flowParameters\.SUPPORT_WORKFLOW in Pulumi\.local\.yaml"),
]


@pytest.mark.parametrize(("case", "source", "message"), CASES, ids=[case[0] for case in CASES])
def test_a_flow_mistake_stops_up_with_a_message_and_no_traceback(
    tmp_path: Path, case: str, source: str, message: str
) -> None:
    project = copy_project(tmp_path / "project", program=None)
    (project / "flows" / "hotline.py").write_text(source)
    bind(project, {"number": "+15005550009", "voice": "hotline"})
    numbers = read_stack_file(project, "local").owned_numbers
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0) as emulator:
        engine = Engine(project, "local", tmp_path / "state",
                        env={"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        with pytest.raises(EngineError, match=message) as error:
            engine.up(preview_first=True)
        assert "Traceback" not in str(error.value)
        assert "unhandled exception" not in str(error.value)
        assert [r for r in emulator.api.requests() if r["method"] != "GET"] == []
    rendered = flexctl(project, "render", "local")  # render runs the same check and says the same
    assert rendered.returncode == 1
    assert any(line for line in rendered.stdout.splitlines() if "hotline" in line and "error" in line)
