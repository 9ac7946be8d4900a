"""A stack of the lifecycle program, deployed by the local engine through the real provider server."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from twilio.rest import Client

from components.providers.twilio_api import make_client
from flexctl.local_engine import LocalEngine, provider_server
from flexctl.stack_config import load_stack_config, project_name

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).with_name("program") / "__main__.py"


class Stack:
    """The engine for the `local` stack plus handy views of the emulator behind it."""

    def __init__(self, engine: LocalEngine, emulator: Any) -> None:
        self.engine = engine
        self.emulator = emulator
        self.client: Client = make_client(
            emulator.account_sid, emulator.account_sid, emulator.auth_token, emulator.base_url
        )

    def set(self, key: str, value: str) -> None:
        """`pulumi config set key value` for this stack."""
        self.engine.config[f"flex-pre-agent:{key}"] = value

    def writes(self) -> list[dict[str, Any]]:
        """Requests since the last reset that could change anything in the account."""
        return [r for r in self.emulator.requests() if r["method"] in {"POST", "DELETE"}]

    def output(self, name: str, key: str) -> Any:
        return next(r.outputs[key] for r in self.engine.state.values() if r.name == name)


@pytest.fixture
def stack(emulator: Any, tmp_path: Path) -> Iterator[Stack]:
    config = load_stack_config(ROOT, "local")
    config.update(
        {
            "flex-pre-agent:accountSid": emulator.account_sid,
            "flex-pre-agent:authToken": emulator.auth_token,
            "flex-pre-agent:phoneNumbers": json.dumps(list(emulator.phone_numbers)),
        }
    )
    env = {"TWILIO_API_BASE_URL": emulator.base_url, "PULUMI_PROJECT": project_name(ROOT)}
    with provider_server(ROOT, env, config, tmp_path / "provider.log") as server:
        engine = LocalEngine(
            PROGRAM, project_name(ROOT), "local", config, server, secret_keys=("flex-pre-agent:authToken",)
        )
        yield Stack(engine, emulator)
