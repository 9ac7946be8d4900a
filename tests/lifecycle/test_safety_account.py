"""A stack acts only on its own account, checked before the first write, and keeps secrets out of its state: on
the real engine, with the real program.

A stack deployed to one account whose stack file then names another (a typo, a copied stack file) stops before
its account claim is written to the other one, also on an `up` without preview (`--skip-preview`, or the
Automation API); a setting set with --secret, which would be deployed in clear, stops before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.settings import read_stack_file
from flexctl.engine import Engine, EngineError
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")
OTHER_ACCOUNT = "AC" + "0b" * 16


@pytest.fixture
def accounts() -> Iterator[tuple[Emulator, Emulator]]:
    """The local stack's account and another one, each with the stack's numbers."""
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=LOCAL.owned_numbers,
                  port=0) as mine, Emulator(account_sid=OTHER_ACCOUNT, auth_token=AUTH_TOKEN,
                                            phone_numbers=LOCAL.owned_numbers, port=0) as other:
        yield mine, other


def engine(project: Path, state: Path, account: Emulator) -> Engine:
    return Engine(project, "local", state, env={"TWILIO_API_BASE_URL": account.base_url,
                                                "TWILIO_AUTH_TOKEN": AUTH_TOKEN})


def test_a_stack_file_naming_another_account_than_the_deployed_one_writes_nothing_there(
    tmp_path: Path, accounts: tuple[Emulator, Emulator]
) -> None:
    mine, other = accounts
    project = copy_project(tmp_path / "project", program=None)  # the real program
    engine(project, tmp_path / "state", mine).up()
    moved = engine(project, tmp_path / "state", other)
    moved.set_config("flex-pre-agent:accountSid", OTHER_ACCOUNT)
    other.api.reset_log()

    for run in (moved.preview, moved.up):  # `up` as the Automation API runs it: no preview first
        with pytest.raises(EngineError) as error:
            run()
        message = str(error.value)
        assert (f"accountSid is {OTHER_ACCOUNT}, but stack local was last deployed to account "
                f"{LOCAL.account_sid}") in message
        assert f"pulumi config set accountSid {LOCAL.account_sid} --stack local" in message
        assert "Traceback" not in message

    assert [r for r in other.api.requests() if r["method"] != "GET"] == []
    assert other.api.state_data()["sync_documents"] == []  # no claim on the other account


def test_a_setting_set_as_a_secret_is_refused_before_anything_is_sent_or_kept(
    tmp_path: Path, accounts: tuple[Emulator, Emulator]
) -> None:
    mine, _ = accounts
    project = copy_project(tmp_path / "project", program=None)
    stack = engine(project, tmp_path / "state", mine)
    secret_url = "https://example.com/self-service?key=fake-secret-in-a-url"
    stack.set_config("flex-pre-agent:selfServiceUrl", secret_url, secret=True)

    with pytest.raises(EngineError, match=r"selfServiceUrl is set as a secret(.|\n)*state in clear") as error:
        stack.up()

    assert "fake-secret-in-a-url" not in str(error.value)
    assert mine.api.requests() == []
    assert "fake-secret-in-a-url" not in json.dumps(stack.export())
