"""Renaming a flow (``@flow("front_desk", ..., formerly=("hotline",))``) keeps its Studio flow: same SID, one update.

Without ``formerly`` the rename is a delete and a create: a new SID, the number re-pointed and the flow's
executions left behind on the old one. Real engine, in-process emulator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from components.settings import read_stack_file
from flexctl.engine import Engine
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import copy_project
from tests.lifecycle.test_adding_flows import HOTLINE, LOCAL, bind, flexctl
from twilio_emulator.server import Emulator

RENAMED = HOTLINE.replace('@flow("hotline", friendly_name="Hotline")',
                          '@flow("front_desk", friendly_name="Front desk", formerly=("hotline",))')


def _rebind(project: Path, name: str) -> None:
    path = project / "Pulumi.local.yaml"
    path.write_text(path.read_text().replace("voice: hotline", f"voice: {name}"))


def test_a_flow_renamed_with_formerly_keeps_its_studio_flow(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", program=None)
    (project / "flows" / "hotline.py").write_text(HOTLINE)
    bind(project, {"number": "+15005550009", "voice": "hotline"})
    numbers = read_stack_file(project, "local").owned_numbers
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=numbers, port=0) as emulator:
        engine = Engine(project, "local", tmp_path / "state",
                        env={"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        engine.up(preview_first=True)
        sid = engine.outputs()["flowSids"]["hotline"]

        (project / "flows" / "hotline.py").write_text(RENAMED)
        stale = flexctl(project, "render", "local")  # the stack file still says hotline
        assert stale.returncode == 1
        assert ("Pulumi.local.yaml: phoneNumbers[2].voice (+15005550009) names flow 'hotline', which is now "
                "'front_desk' (flows/hotline.py, formerly='hotline'): write front_desk there") in stale.stdout
        _rebind(project, "front_desk")

        emulator.api.reset_log()
        changed = engine.up(preview_first=True).changed()
        outputs: dict[str, Any] = engine.outputs()
        writes = [(r["method"], r["path"]) for r in emulator.api.requests() if r["method"] != "GET"]
    assert outputs["flowSids"] == {**{k: v for k, v in outputs["flowSids"].items() if k != "front_desk"},
                                   "front_desk": sid}
    assert "hotline" not in outputs["flowSids"]
    assert changed == {"flow-front_desk-studio": "update"}  # the friendly name; nothing deleted or created
    assert writes == [("POST", f"/studio/v2/Flows/{sid}")]
