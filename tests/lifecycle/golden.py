"""A golden stack: the state today's code wrote, with the emulated account it describes.

The state stores each resource's provider as a pickled reference to its class (module path and name), so
those paths are a contract: state written by earlier code must still refresh and destroy. Regenerate only
when that contract changes on purpose: `python -m tests.lifecycle.golden`.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, PHONE_NUMBERS
from tests.lifecycle.conftest import copy_project
from twilio_emulator.server import Emulator

GOLDEN = Path(__file__).with_name("golden")
STATE = GOLDEN / "state.json"  # `pulumi stack export` of the lifecycle program's `local` stack
ACCOUNT = GOLDEN / "account.json"  # the emulator's state file for the account that state describes


def write_golden() -> None:
    from flexctl.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        account = Path(tmp) / "account.json"
        with Emulator(
            account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0, state_file=account
        ) as emulator:
            env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
            engine = Engine(copy_project(Path(tmp) / "project"), "local", Path(tmp) / "state", env=env)
            engine.set_config("flex-pre-agent:accountSid", ACCOUNT_SID)
            engine.set_config("lifecycle:phoneNumbers", list(PHONE_NUMBERS))
            engine.up()
            deployment = engine.export()
        GOLDEN.mkdir(exist_ok=True)
        STATE.write_text(json.dumps(deployment, indent=1, sort_keys=True) + "\n")
        shutil.copy(account, ACCOUNT)


if __name__ == "__main__":
    write_golden()
    sys.exit(0)
