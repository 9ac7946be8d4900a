"""``flexctl demo``: the main job on the embedded emulator, with no Twilio account and no Pulumi CLI.

It starts the emulator as a fresh Flex account (the `local` stack's account and numbers), deploys the
Pulumi program's `local` stack to it with the local engine, and prints what the emulator holds.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from flexctl.cli import Subparsers

ROOT = Path(__file__).resolve().parents[1]


def register(subparsers: Subparsers) -> None:
    """Add ``demo``."""
    parser = subparsers.add_parser(
        "demo", help="deploy the local stack to the embedded Twilio emulator and show what it holds"
    )
    parser.add_argument("--program", type=Path, default=ROOT / "__main__.py", help="the Pulumi program to deploy")
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from components.providers.twilio_api import make_client
    from flexctl.local_engine import LocalEngine, provider_server
    from flexctl.stack_config import load_stack_config, project_name
    from twilio_emulator.server import Emulator

    config = load_stack_config(ROOT, "local")
    account_sid, auth_token = config["flex-pre-agent:accountSid"], config["flex-pre-agent:authToken"]
    numbers = json.loads(config.get("flex-pre-agent:phoneNumbers", "[]"))
    emulator = Emulator(account_sid=account_sid, auth_token=auth_token, phone_numbers=numbers, port=0)
    base_url = emulator.start()
    try:
        print(f"Twilio emulator: {base_url} (a fresh Flex account, {emulator.account_sid})")
        with tempfile.TemporaryDirectory() as tmp:
            env = {"TWILIO_API_BASE_URL": base_url, "PULUMI_PROJECT": project_name(ROOT)}
            with provider_server(ROOT, env, config, Path(tmp) / "provider.log") as server:
                engine = LocalEngine(args.program, project_name(ROOT), "local", config, server)
                steps = engine.up()
        print(f"\npulumi up --stack local ({args.program.name}): {len(steps)} resource(s)")
        for step in steps:
            print(f"  {step}")
        client = make_client(account_sid, account_sid, auth_token, base_url)
        print("\nThe emulator now holds:")
        for line in describe_account(client, emulator.account_sid):
            print(f"  {line}")
    finally:
        emulator.stop()
    return 0


def describe_account(client: Any, account_sid: str) -> list[str]:
    """What a contact-center engineer wants to see of an account, one line per object."""
    lines = []
    for flow in client.studio.v2.flows.list():
        lines.append(f"Studio flow {flow.friendly_name!r} {flow.sid} ({flow.status}, revision {flow.revision})")
    for workspace in client.taskrouter.v1.workspaces.list():
        lines.append(f"Workspace {workspace.friendly_name!r} {workspace.sid}")
        ws = client.taskrouter.v1.workspaces(workspace.sid)
        lines.extend(f"  activity {a.friendly_name!r} available={a.available}" for a in ws.activities.list())
        lines.extend(f"  channel {c.unique_name!r}" for c in ws.task_channels.list())
        lines.extend(f"  queue {q.friendly_name!r} target_workers={q.target_workers!r}" for q in ws.task_queues.list())
        lines.extend(f"  workflow {w.friendly_name!r} {w.sid}" for w in ws.workflows.list())
    for number in client.api.v2010.accounts(account_sid).incoming_phone_numbers.list():
        lines.append(f"Phone number {number.phone_number} voice_url={number.voice_url!r} sms_url={number.sms_url!r}")
    for address in client.conversations.v1.address_configurations.list():
        flow_sid = (address.auto_creation or {}).get("studio_flow_sid")
        lines.append(f"Conversations address {address.address} ({address.type}) -> flow {flow_sid}")
    return lines
