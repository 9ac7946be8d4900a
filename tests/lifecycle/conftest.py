"""A stack of a program, deployed by the real Pulumi CLI (Automation API) to the in-process emulator.

Each test gets a copy of the project in a temporary directory (so stack files and state never touch the
clone), with the clone's ``.venv`` linked in, and a file backend of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from twilio.rest import Client

from components.providers.twilio_http import make_client
from flexctl.engine import Engine
from tests.emulator.support import EmulatorHandle

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).with_name("program") / "__main__.py"
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", ".pulumi*", "__pycache__", ".*_cache", ".hypothesis", "*.egg-info"
)


def copy_project(dest: Path, program: Path | None = PROGRAM, *, root: Path = ROOT) -> Path:
    """The project as a user's clone has it (``root``: another checkout), with ``program`` as its ``__main__.py``."""
    shutil.copytree(root, dest, ignore=_NOT_COPIED)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    if program is not None:
        shutil.copy(program, dest / "__main__.py")
    return dest


class Stack:
    """The `local` stack of a project copy, and views of the emulator behind it."""

    def __init__(self, engine: Engine, emulator: EmulatorHandle) -> None:
        self.engine = engine
        self.emulator = emulator
        self.client: Client = make_client(
            emulator.account_sid, emulator.account_sid, emulator.auth_token, emulator.base_url
        )

    def set(self, **knobs: str) -> None:
        """`pulumi config set-all lifecycle:<knob>=<value>...`: the lifecycle program's own knobs, in one CLI run."""
        self.engine.set_configs({f"lifecycle:{knob}": value for knob, value in knobs.items()})

    def writes(self) -> list[dict[str, Any]]:
        """Requests since the last reset that could change anything in the account."""
        return [r for r in self.emulator.requests() if r["method"] in {"POST", "DELETE"}]

    def calls(self) -> list[dict[str, Any]]:
        return self.emulator.requests()

    def outputs(self, name: str) -> dict[str, Any]:
        outputs: dict[str, Any] = self.engine.state_of(name)["outputs"]
        return outputs

    def sid(self, name: str) -> str:
        return str(self.outputs(name)["sid"])


def local_stack(project: Path, state: Path, emulator: EmulatorHandle, *, token_in_env: bool = True) -> Engine:
    """The project's `local` stack pointed at ``emulator``: its account and numbers in config."""
    env = {"TWILIO_API_BASE_URL": emulator.base_url}
    if token_in_env:
        env["TWILIO_AUTH_TOKEN"] = emulator.auth_token
    engine = Engine(project, "local", state, env=env)
    engine.set_configs(
        {"flex-pre-agent:accountSid": emulator.account_sid, "lifecycle:phoneNumbers": list(emulator.phone_numbers)}
    )
    if not token_in_env:
        engine.set_config("flex-pre-agent:authToken", emulator.auth_token, secret=True)
    return engine


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def stack(emulator: EmulatorHandle, project: Path, tmp_path: Path) -> Stack:
    return Stack(local_stack(project, tmp_path / "state", emulator), emulator)
