"""One account, one stack: of two stacks deploying the real program to one account at once, exactly one
proceeds; the other refuses before any write, naming the owner. A take-over is explicit and logged.

The two stacks use different credentials (the auth token, an API key) so that the emulator's request log
tells their requests apart.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from components.providers.ledger import CLAIM, TAKE_OVER_ENV
from components.providers.twilio_http import make_client
from components.settings import read_stack_file
from flexctl.engine import Engine, EngineError
from tests.emulator.support import AUTH_TOKEN
from tests.lifecycle.conftest import ROOT, copy_project
from twilio_emulator.server import Emulator

LOCAL = read_stack_file(ROOT, "local")
API_KEY, API_SECRET = "SK" + "5e" * 16, "key-secret"


@pytest.fixture
def account() -> Iterator[Emulator]:
    with Emulator(account_sid=LOCAL.account_sid, auth_token=AUTH_TOKEN, phone_numbers=LOCAL.owned_numbers,
                  api_key=API_KEY, api_secret=API_SECRET, port=0) as emulator:
        yield emulator


def stacks(tmp_path: Path, emulator: Emulator) -> dict[str, Engine]:
    """`local` (auth token) and `copy` (same accountSid, an API key), each in its own clone and backend."""
    engines = {}
    for stack, credentials in (("local", {"TWILIO_AUTH_TOKEN": AUTH_TOKEN}),
                               ("copy", {"TWILIO_API_KEY": API_KEY, "TWILIO_API_SECRET": API_SECRET})):
        project = copy_project(tmp_path / stack, program=None)
        if stack != "local":
            shutil.copy(project / "Pulumi.local.yaml", project / f"Pulumi.{stack}.yaml")
        env = {"TWILIO_API_BASE_URL": emulator.base_url, **credentials}
        engines[stack] = Engine(project, stack, tmp_path / stack / "state", env=env)
    return engines


def claim_owner(emulator: Emulator) -> str:
    documents = {d["unique_name"]: d["data"] for d in emulator.api.state_data()["sync_documents"]}
    return str(documents[CLAIM]["stack"])


def test_two_stacks_deploying_one_account_at_once_exactly_one_proceeds_until_a_logged_take_over(
    tmp_path: Path, account: Emulator
) -> None:
    engines = stacks(tmp_path, account)

    def up(stack: str) -> str:
        try:
            engines[stack].up()
        except EngineError as error:
            return str(error)
        return "deployed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip(engines, pool.map(up, engines), strict=True))

    winner = claim_owner(account)
    loser = next(stack for stack in engines if stack != winner)
    assert outcomes[winner] == "deployed"
    assert f"belongs to stack flex-pre-agent/{winner}" in outcomes[loser]
    assert "nothing was written" in outcomes[loser]
    assert "Traceback" not in outcomes[loser]
    user = API_KEY if loser == "copy" else LOCAL.account_sid
    # Nothing but reads and, at most, its claim refused as a duplicate (409) came from the loser.
    assert [(r["method"], r["status"]) for r in account.api.requests()
            if r["user"] == user and r["method"] != "GET"] in ([], [("POST", 409)])
    assert engines[loser].resources() == []
    client = make_client(LOCAL.account_sid, LOCAL.account_sid, AUTH_TOKEN, account.base_url)
    flows = [flow.friendly_name for flow in client.studio.v2.flows.list()]
    assert len(flows) == len(set(flows)) == 3  # nothing twice

    # A take-over is explicit: the refused stack names the owner it takes the account from, and the log says so.
    # The previous owner's objects stay in the account: its queues' names are taken (Twilio keeps them unique
    # in a workspace), so the taking stack's queues are refused with the fix (adopt them, or delete them first).
    taking = Engine(engines[loser].project_dir, loser, tmp_path / loser / "state",
                    env={**engines[loser].env, TAKE_OVER_ENV: winner})
    with pytest.raises(EngineError) as refused:
        taking.up()

    assert claim_owner(account) == loser
    assert f"took it over from stack flex-pre-agent/{winner}" in str(refused.value)
    assert 'adopt it with adopt_sid="WQ' in str(refused.value)
