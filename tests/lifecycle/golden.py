"""A golden stack: the state today's code wrote, with the emulated account it describes.

The state stores each resource's provider as a pickled reference to its class (module path and name), so
those paths are a contract: state written by earlier code must still refresh and destroy. Regenerate only
when that contract changes on purpose: `python -m tests.lifecycle.golden`.

The real program's `local` stack as code before structured definitions deployed it (definitions and
configurations stored as JSON text) is kept too: `python -m tests.lifecycle.golden program <git ref>`.
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
PROGRAM_STATE = GOLDEN / "program-state.json"  # the real program's `local` stack, deployed by earlier code
PROGRAM_ACCOUNT = GOLDEN / "program-account.json"


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


def write_program_golden(ref: str) -> None:
    """The real program's `local` stack as the code at git ``ref`` deploys it, and its account."""
    import subprocess

    from components.settings import read_stack_file
    from flexctl.engine import Engine
    from tests.lifecycle.conftest import ROOT

    local = read_stack_file(ROOT, "local")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        subprocess.run(["git", "worktree", "add", "--detach", str(source), ref], cwd=ROOT, check=True)
        try:
            account = Path(tmp) / "account.json"
            with Emulator(account_sid=local.account_sid, auth_token=AUTH_TOKEN, phone_numbers=local.owned_numbers,
                          port=0, state_file=account) as emulator:
                env = {"TWILIO_API_BASE_URL": emulator.base_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
                project = copy_project(Path(tmp) / "project", program=None, root=source)
                engine = Engine(project, "local", Path(tmp) / "state", env=env)
                engine.up()
                deployment = engine.export()
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(source)], cwd=ROOT, check=True)
        PROGRAM_STATE.write_text(json.dumps(deployment, indent=1, sort_keys=True) + "\n")
        shutil.copy(account, PROGRAM_ACCOUNT)


if __name__ == "__main__":
    if sys.argv[1:2] == ["program"]:
        write_program_golden(sys.argv[2])
    else:
        write_golden()
    sys.exit(0)
