"""The Pulumi CLI as users run it: every committed stack, credentials, moved endpoints, import, --cwd."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pulumi
import pytest

from flexctl.engine import LOCAL_PASSPHRASE, Engine, EngineError
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, PHONE_NUMBERS, EmulatorHandle
from tests.lifecycle import golden
from tests.lifecycle.conftest import ROOT, Stack, copy_project
from twilio_emulator.server import Emulator

COMMITTED_STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in ROOT.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("credentials", ["secret-config", "environment"])
@pytest.mark.parametrize("stack_name", COMMITTED_STACKS)
def test_every_committed_stack_previews_without_calling_twilio(
    emulator: EmulatorHandle, tmp_path: Path, stack_name: str, credentials: str
) -> None:
    project = copy_project(tmp_path / "project", program=None)  # the real program
    env = {"TWILIO_API_BASE_URL": emulator.base_url}  # any call would show in the emulator's log
    if credentials == "environment":
        env["TWILIO_AUTH_TOKEN"] = "token-from-the-environment"
    # The local stack's salt is committed for the well-known local passphrase; other stacks bring their own.
    passphrase = LOCAL_PASSPHRASE if stack_name == "local" else "a passphrase of this team's"
    engine = Engine(project, stack_name, tmp_path / "state", env=env, passphrase=passphrase)
    if credentials == "secret-config":
        engine.set_config("flex-pre-agent:authToken", "token-set-as-a-secret", secret=True)
        stack_file = (project / f"Pulumi.{stack_name}.yaml").read_text()
        assert "token-set-as-a-secret" not in stack_file
        assert "secure:" in stack_file
    emulator.reset_log()

    outcome = engine.preview(policy_packs=[str(project / "policy")])  # the safety rules stay quiet

    assert outcome.changed()
    assert set(outcome.changed().values()) == {"create"}
    assert emulator.requests() == []


@contextmanager
def running_emulator(state_file: Path, token: str = AUTH_TOKEN) -> Iterator[EmulatorHandle]:
    """An emulator that keeps its account in ``state_file``, so another one can take over where it stopped."""
    with Emulator(
        account_sid=ACCOUNT_SID, auth_token=token, phone_numbers=PHONE_NUMBERS, port=0, state_file=state_file
    ) as running:
        yield EmulatorHandle(base_url=running.base_url, auth_token=token, state_file=state_file)


def lifecycle_engine(project: Path, state: Path, env: dict[str, str]) -> Engine:
    engine = Engine(project, "local", state, env=env)
    engine.set_configs({"flex-pre-agent:accountSid": ACCOUNT_SID, "lifecycle:phoneNumbers": list(PHONE_NUMBERS)})
    return engine


def test_a_rotated_token_in_the_environment_still_refreshes_and_destroys(project: Path, tmp_path: Path) -> None:
    state, account = tmp_path / "state", tmp_path / "account.json"
    with running_emulator(account) as before:
        lifecycle_engine(project, state, {"TWILIO_API_BASE_URL": before.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}).up()

    with running_emulator(account, token="rotated-token") as after:
        engine = lifecycle_engine(
            project, state, {"TWILIO_API_BASE_URL": after.base_url, "TWILIO_AUTH_TOKEN": "rotated-token"}
        )
        engine.refresh(expect_no_changes=True)
        engine.destroy()
        assert engine.resources() == []


def test_a_rotated_token_in_stack_config_refreshes_and_destroys_with_the_program(
    project: Path, tmp_path: Path
) -> None:
    state, account = tmp_path / "state", tmp_path / "account.json"
    with running_emulator(account) as before:
        engine = lifecycle_engine(project, state, {"TWILIO_API_BASE_URL": before.base_url})
        engine.set_config("flex-pre-agent:authToken", AUTH_TOKEN, secret=True)
        engine.up()

    with running_emulator(account, token="rotated-token") as after:
        engine = lifecycle_engine(project, state, {"TWILIO_API_BASE_URL": after.base_url})
        engine.set_config("flex-pre-agent:authToken", "rotated-token", secret=True)
        # Without the program, the engine configures the provider from the config stored at the last `up`.
        engine.refresh(run_program=True, expect_no_changes=True)
        engine.destroy(run_program=True)
        assert engine.resources() == []


def test_a_moved_api_base_url_still_refreshes_and_destroys(project: Path, tmp_path: Path) -> None:
    state, account = tmp_path / "state", tmp_path / "account.json"
    with running_emulator(account) as before:
        engine = lifecycle_engine(project, state, {"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        engine.set_config("flex-pre-agent:apiBaseUrl", before.base_url)
        engine.up()

    with running_emulator(account) as after:
        engine = lifecycle_engine(project, state, {"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
        engine.set_config("flex-pre-agent:apiBaseUrl", after.base_url)
        engine.refresh(run_program=True, expect_no_changes=True)
        engine.destroy(run_program=True)
        assert engine.resources() == []


def test_pulumi_import_fails_with_a_message_that_points_to_adoption(stack: Stack) -> None:
    stack.engine.up()
    writes = len(stack.writes())

    with pytest.raises(EngineError, match="adopt_sid") as refused:
        stack.engine.import_resource("pulumi-python:dynamic/twilio:TaskQueue", "imported", stack.sid("support"))

    assert "pulumi/pulumi#16175" in str(refused.value)
    assert len(stack.writes()) == writes


def test_the_import_option_fails_with_a_message_that_points_to_adopt_sid(stack: Stack) -> None:
    stack.set(importSupport="WQ" + "0" * 32)

    with pytest.raises(EngineError, match="adopt_sid"):
        stack.engine.preview()

    assert stack.writes() == []


def test_the_cli_from_another_directory_uses_the_projects_virtualenv(stack: Stack, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    done = stack.engine.cli("preview", "--cwd", str(stack.engine.project_dir), "--stack", "local", cwd=elsewhere)

    assert done.returncode == 0, done.stdout + done.stderr
    # The program reports its sys.prefix: the project's .venv (a link to the clone's, in this copy).
    prefix = re.search(r'python    : "([^"]+)"', done.stdout)
    assert prefix is not None, done.stdout
    assert Path(prefix.group(1)).resolve() == (stack.engine.project_dir / ".venv").resolve()


def test_a_plain_text_token_stops_the_program_before_anything_is_registered(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project", program=None)
    engine = Engine(project, "local", tmp_path / "state", env={"TWILIO_API_BASE_URL": emulator.base_url})
    engine.set_config("flex-pre-agent:authToken", "a-token-in-plain-text")  # no --secret

    with pytest.raises(EngineError, match=r"authToken is a credential in plain text(.|\n)*--secret") as error:
        engine.preview()

    assert "Traceback" not in str(error.value)
    assert emulator.requests() == []


def test_a_golden_state_from_earlier_code_still_refreshes_and_destroys(project: Path, tmp_path: Path) -> None:
    account = tmp_path / "account.json"
    shutil.copy(golden.ACCOUNT, account)
    with running_emulator(account) as emulator:
        engine = lifecycle_engine(
            project, tmp_path / "state", {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        )
        engine.import_state(json.loads(golden.STATE.read_text()))

        engine.refresh(expect_no_changes=True)
        engine.destroy()

        assert engine.resources() == []
        tr = Stack(engine, emulator).client.taskrouter.v1
        assert [q.friendly_name for q in tr.workspaces(tr.workspaces.list()[0].sid).task_queues.list()] == ["Everyone"]


def test_a_virtualenv_of_requirements_alone_runs_the_program_and_its_providers(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    """What `pulumi install` makes: the project itself is not installed, Pulumi's plugins import it from its
    directory (the program runner and `python -m pulumi.dynamic` both start there)."""
    project = copy_project(tmp_path / "project", program=None)  # the real program
    (project / ".venv").unlink()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    site = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    # The clone's packages, without its editable install of the project: a path in a .pth file is added to
    # sys.path, but the .pth files inside it (the editable finder) are not run.
    (site / "requirements.pth").write_text(f"{Path(pulumi.__file__).parents[1]}\n")
    engine = Engine(project, "local", tmp_path / "state",
                    env={"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})

    outcome = engine.preview()  # the providers' check runs: they import components from the project

    assert set(outcome.changed().values()) == {"create"}
    imported = subprocess.run([str(project / ".venv" / "bin" / "python"), "-c", "import components"],
                              cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "No module named 'components'" in imported.stderr  # nothing but the project's directory has it
