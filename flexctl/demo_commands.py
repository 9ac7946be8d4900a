"""``flexctl demo``: the main job, on the embedded Twilio emulator with the real Pulumi engine.

1. renders every stack into ``build/<stack>/`` (flow JSON, Mermaid, SVG, routing summary, index.html);
2. validates everything (rendering fails on any error);
3. starts the emulator as a fresh Flex account (the `local` stack's account and numbers) and deploys the
   program's `local` stack to it with the Pulumi CLI: the preview, then `up`, then what the emulator holds;
4. runs `up` again and shows that nothing changed (no write reached the emulator).

State lives in ``.pulumi-local/demo`` (a file backend, started afresh each run, kept for inspection).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from flexctl.cli import ExitCode, Subparsers

ROOT = Path(__file__).resolve().parents[1]


def register(subparsers: Subparsers) -> None:
    """Add ``demo``."""
    parser = subparsers.add_parser(
        "demo", help="render every stack, then deploy `local` to the embedded Twilio emulator with Pulumi"
    )
    parser.add_argument("--state", type=Path, default=ROOT / ".pulumi-local" / "demo", help="file backend folder")
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from components.providers.twilio_http import make_client
    from components.settings import read_stack_file, stack_names
    from flexctl.engine import POLICY_PACK, Engine, EngineError
    from flexctl.render_commands import render_stack
    from twilio_emulator.config import WELL_KNOWN_AUTH_TOKEN
    from twilio_emulator.server import Emulator

    print("1-2. Render and validate every stack")
    for stack in stack_names(ROOT):
        print(f"  {stack}: {render_stack(stack, ROOT / 'build' / stack, root=ROOT) / 'index.html'}")

    settings = read_stack_file(ROOT, "local")
    emulator = Emulator(  # it owns the numbers the stack binds, as `make emulator` does (not a whatsapp: address)
        account_sid=settings.account_sid, auth_token=WELL_KNOWN_AUTH_TOKEN, phone_numbers=settings.owned_numbers,
        port=0,
    )
    base_url = emulator.start()
    step = "3. the first deploy"
    try:
        print(f"\n3. Deploy `local` with the Pulumi CLI to the Twilio emulator at {base_url} (a fresh Flex account)")
        shutil.rmtree(args.state, ignore_errors=True)
        env = {"TWILIO_API_BASE_URL": base_url, "TWILIO_AUTH_TOKEN": WELL_KNOWN_AUTH_TOKEN}
        engine = Engine(ROOT, "local", args.state, env=env)
        safety: dict[str, Any] = {"policy_packs": [str(POLICY_PACK)]}  # the safety rules (policy/), every run
        preview = engine.preview(**safety)
        print(f"  pulumi preview --policy-pack policy: {_counts(preview.changed())}")
        up = engine.up(**safety)
        print(f"  pulumi up: {_counts(up.changed())}")
        for name, op in sorted(up.changed().items()):
            changed = f" ({', '.join(up.diffs[name])})" if op != "create" and up.diffs.get(name) else ""
            print(f"    {op:8} {name}{changed}")
        client = make_client(settings.account_sid, settings.account_sid, WELL_KNOWN_AUTH_TOKEN, base_url)
        print("  The emulator now holds:")
        for line in describe_account(client, settings.account_sid):
            print(f"    {line}")

        print("\n4. Run `up` again: nothing changes")
        step = "4. the second `up`, which must change nothing,"
        emulator.api.reset_log()
        again = engine.up(expect_no_changes=True, **safety)
        print(f"  pulumi up: {_counts(again.changed())}; writes to Twilio: {len(_writes(emulator.api))}")
    except EngineError as error:  # the CLI's own output says what: no traceback of ours under it
        print(error, file=sys.stderr)
        again_hint = " If you edited a flow or a stack file while the demo ran, run it again." if "4." in step else ""
        print(f"flexctl demo: {step} failed: the Pulumi CLI's output above says why.{again_hint}", file=sys.stderr)
        return int(ExitCode.FINDINGS)
    finally:
        emulator.stop()
    print(f"\nOpen build/local/index.html to read the flows; the state is in {args.state}.")
    return 0


def _counts(changed: dict[str, str]) -> str:
    if not changed:
        return "no changes"
    ops: dict[str, int] = {}
    for op in changed.values():
        ops[op] = ops.get(op, 0) + 1
    return ", ".join(f"{count} to {op}" for op, count in sorted(ops.items()))


def _writes(emulator: Any) -> list[dict[str, Any]]:
    return [r for r in emulator.requests() if r["method"] in {"POST", "DELETE"}]


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
