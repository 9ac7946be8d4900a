"""A CLI killed between "Twilio applied it" and "the engine saw the answer": nothing twice, nothing lost.

The emulator answers every request a moment after applying it (its latency option), so a SIGKILL of the CLI
lands while creates are applied but unanswered: the engine leaves them pending in the state. Each kill is
followed by the documented recovery (`pulumi cancel`, then `python -m flexctl recover`, or `flexctl.engine`'s
own before its next `up`), then `up`; at the end `destroy` must give the account back exactly as it was,
the numbers' previous webhooks included.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from flexctl.engine import Engine, EngineError
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, PHONE_NUMBERS
from tests.lifecycle.conftest import copy_project
from twilio_emulator.latency import Latency
from twilio_emulator.server import Emulator

OLD_VOICE_URL = "https://ivr.example.com/voice-before"
LATENCY = 0.4  # seconds between applying a request and answering it: the window a kill lands in


def kill_once_applied(engine: Engine, emulator: Emulator, *writes: str) -> None:
    """Start `pulumi up`, SIGKILL the CLI as soon as a POST matching each pattern was applied."""
    emulator.api.reset_log()
    process = engine.start("up", "--yes", "--skip-preview", "--stack", "local")
    patterns = [re.compile(write) for write in writes]
    deadline = time.monotonic() + 120
    while not all(any(r["method"] == "POST" and (r["handled_status"] or 500) < 400 and pattern.search(r["path"])
                      for r in emulator.api.requests()) for pattern in patterns):
        assert process.poll() is None, f"up finished before {writes} were applied:\n{process.communicate()[0]}"
        assert time.monotonic() < deadline, f"{writes} never applied"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    # No process outlives the CLI: its language host, program and provider server leave within seconds.
    deadline = time.monotonic() + 5
    while survivors(engine.project_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert survivors(engine.project_dir) == []


def survivors(project: Path) -> list[str]:
    """Processes (other than this one) running in the project's folder: what the CLI started."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if Path(os.readlink(proc / "cwd")) == project.resolve():
                found.append((proc / "cmdline").read_text().replace("\0", " ").strip())
        except OSError:
            continue
    return found


def pending_creates(engine: Engine) -> list[str]:
    """The names of the resources whose create the last run left pending."""
    return [op["resource"]["urn"].rsplit("::", 1)[-1] for op in engine.export().get("pending_operations", [])]


def duplicates(account: dict[str, Any]) -> list[str]:
    """Rows that name the same object twice (a queue, a flow, an address...), by what names them."""
    names = {"flows": "sid", "task_queues": "sid", "task_channels": "sid", "workflows": "sid", "activities": "sid",
             "address_configurations": "sid", "sync_documents": "sid"}
    return [f"{table}: {name}" for table, key in names.items()
            for name, count in Counter(row[key] for row in account.get(table, [])).items() if count > 1]


def test_kills_during_creates_and_trigger_writes_then_recovery_leave_no_duplicate_and_no_loss(tmp_path: Path) -> None:
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as emulator:
        numbers = emulator.api.state.phone_numbers
        next(n for n in numbers.values() if n.phone_number == PHONE_NUMBERS[0]).voice_url = OLD_VOICE_URL
        before = emulator.api.state_data(comparable=True)
        env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        project, state = copy_project(tmp_path / "project"), tmp_path / "state"
        engine = Engine(project, "local", state, env=env)
        engine.set_config("flex-pre-agent:accountSid", ACCOUNT_SID)
        engine.set_config("lifecycle:phoneNumbers", list(PHONE_NUMBERS))
        emulator.api.latency = Latency(base=LATENCY)

        # 1. Killed during queue creates; the documented recovery: `pulumi cancel`, `flexctl recover`.
        kill_once_applied(engine, emulator, r"/TaskQueues$")
        with pytest.raises(EngineError, match=r"pulumi cancel --stack local(.|\n)*After an interrupted run"):
            engine.up()  # the lock is still held: the message says what to do
        assert engine.cli("cancel", "--yes", "--stack", "local").returncode == 0
        # As a user runs it: the CLI on PATH, logged in to the stack's backend (no --state).
        login = {**engine.env, "PULUMI_HOME": engine.stack.workspace.pulumi_home or ""}
        recovered = subprocess.run(
            [sys.executable, "-m", "flexctl", "recover", "--stack", "local", "--cwd", str(project)],
            env={**os.environ, **login}, capture_output=True, text=True, check=False,
        )
        assert recovered.returncode == 0, recovered.stderr
        assert re.search(r"TaskQueue '(Support|Everyone)': made WQ\w+; importing it", recovered.stdout)
        assert "Stack local: recovered (" in recovered.stdout  # said once the state is written, not before

        # 2. Killed during the flow's create; 3. during the address's create, before the number binding (which
        # starts with it, and looks up the number and its records first) writes; 4. after the binding's write.
        # flexctl.engine resolves what was left pending by itself.
        kill_once_applied(engine, emulator, r"/v2/Flows$")
        assert engine.cli("cancel", "--yes", "--stack", "local").returncode == 0
        flow = engine.recover_if_interrupted()
        assert flow is not None
        assert list(flow.imported) == [next(u for u in flow.imported if u.endswith("StudioFlow::ivr"))]
        kill_once_applied(engine, emulator, r"/Configuration/Addresses$")
        assert engine.cli("cancel", "--yes", "--stack", "local").returncode == 0
        assert set(pending_creates(engine)) == {"main-number", "sms-address"}
        assert engine.recover_if_interrupted() is not None
        kill_once_applied(engine, emulator, r"/IncomingPhoneNumbers/PN\w+\.json$")
        assert engine.cli("cancel", "--yes", "--stack", "local").returncode == 0
        assert pending_creates(engine) == ["main-number"]

        emulator.api.latency = Latency()
        engine.up()  # resolves what the last kill left pending first
        deployed = emulator.api.state_data(comparable=True)
        assert duplicates(deployed) == []
        assert engine.export().get("pending_operations") in (None, [])
        assert engine.up(expect_no_changes=True).changed() == {}

        engine.destroy()
        assert engine.resources() == []
        after = emulator.api.state_data(comparable=True)
        assert {k: v for k, v in after.items() if k != "flow_revisions"} == {
            k: v for k, v in before.items() if k != "flow_revisions"}
        number = next(n for n in after["phone_numbers"] if n["phone_number"] == PHONE_NUMBERS[0])
        assert number["voice_url"] == OLD_VOICE_URL
