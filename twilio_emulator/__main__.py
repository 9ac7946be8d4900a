"""`python -m twilio_emulator`: serve the local Twilio API until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import errno
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from twilio_emulator.config import DEFAULT_STACK_FILE, StackDefaults, StackFileError, read_stack_defaults
from twilio_emulator.faults import (
    DRAW_BY,
    KINDS,
    RULE_EXAMPLE,
    FaultPlan,
    FaultSpecError,
    configure,
    make_rule,
    parse_kinds,
)
from twilio_emulator.latency import parse_duration
from twilio_emulator.server import Emulator
from twilio_emulator.state import StateFileError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twilio_emulator",
        description="A local Twilio API (Studio, TaskRouter, IncomingPhoneNumbers, Conversations addresses) "
        "for flex-pre-agent. Defaults come from Pulumi.local.yaml; flags override them.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port to bind; 0 picks a free one (default: 8787)")
    parser.add_argument("--account-sid", help="the emulated account (default: the stack's accountSid)")
    parser.add_argument("--auth-token", help="the token clients send (default: $TWILIO_AUTH_TOKEN or emulator-token)")
    parser.add_argument(
        "--phone-number", dest="phone_numbers", action="extend", nargs="+", metavar="+E164",
        help="incoming numbers the account owns; repeatable (default: the stack's phoneNumbers)",
    )
    parser.add_argument("--api-key", help="also accept this API key SID (SK...) as username")
    parser.add_argument("--api-secret", help="the secret of --api-key")
    parser.add_argument("--state", type=Path, help="JSON file that keeps the data across restarts")
    parser.add_argument(
        "--latency", default="0ms", metavar="DURATION",
        help="wait this long after applying each API request, before answering, e.g. 150ms (default: 0ms)",
    )
    parser.add_argument(
        "--latency-jitter", default="0ms", metavar="DURATION",
        help="vary each wait by up to plus or minus this much, drawn with --latency-seed, e.g. 50ms",
    )
    parser.add_argument("--latency-seed", type=int, default=0, metavar="N", help="seed of the jitter (default: 0)")
    parser.add_argument(
        "--stack-file", type=Path, help=f"stack file to read defaults from (default: {DEFAULT_STACK_FILE.name})"
    )
    faults = parser.add_argument_group(
        "fault injection", "fail a seeded share of API requests (the same seed and requests give the same faults)"
    )
    faults.add_argument("--fault-rate", type=float, metavar="P", help="share of matching requests that fail, 0..1")
    faults.add_argument(
        "--fault-kinds", metavar="KIND[:SHARE],...",
        help=f"kinds drawn from, with optional shares (default: all, equally): {', '.join(KINDS)}",
    )
    faults.add_argument("--fault-methods", metavar="METHOD,...", help="only these methods, e.g. POST,DELETE")
    faults.add_argument("--fault-path", metavar="REGEX", help="only paths where this regex is found, e.g. /TaskQueues")
    faults.add_argument("--fault-seed", type=int, metavar="N", help="seed of the draws (default: 0)")
    faults.add_argument(
        "--fault-retry-after", metavar="SECONDS", help="Retry-After of 429 and 503 (default: 0)"
    )
    faults.add_argument("--fault-limit", type=int, metavar="N", help="at most N faults in all (default: no limit)")
    faults.add_argument(
        "--fault-draw-by", choices=DRAW_BY,
        help="what makes requests the same for the draw: method and path, or also query and body (default: path)",
    )
    faults.add_argument(
        "--faults", metavar="JSON|@FILE",
        help="instead of the flags above: what POST /__emulator/faults takes, e.g. several rules with a seed",
    )
    return parser


def _fault_plan(args: argparse.Namespace) -> FaultPlan:
    """The faults the flags describe: `--faults`, or one rule that `--fault-rate` turns on."""
    plan = FaultPlan()
    rest = (args.fault_kinds, args.fault_methods, args.fault_path, args.fault_limit, args.fault_seed,
            args.fault_retry_after, args.fault_draw_by)
    if args.faults is not None:
        if args.fault_rate is not None or any(flag is not None for flag in rest):
            raise FaultSpecError("give either --faults or the --fault-* flags, not both")
        configure(plan, _json_argument(args.faults, "--faults"))
        return plan
    if args.fault_rate is None:
        if any(flag is not None for flag in rest):
            raise FaultSpecError("the --fault-* flags need --fault-rate, e.g. --fault-rate 0.2")
        return plan
    rule = make_rule(
        rate=args.fault_rate,
        kinds=None if args.fault_kinds is None else parse_kinds(args.fault_kinds),
        methods=None if args.fault_methods is None else args.fault_methods.split(","),
        path=args.fault_path,
        retry_after="0" if args.fault_retry_after is None else args.fault_retry_after,
        limit=args.fault_limit,
    )
    plan.set_rules([rule], args.fault_seed or 0, args.fault_draw_by or "path")
    return plan


def _json_argument(value: str, flag: str) -> object:
    """A JSON flag value, given inline or as @FILE."""
    try:
        text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
        return json.loads(text)
    except OSError as error:
        raise FaultSpecError(f"{flag}: cannot read {value[1:]}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise FaultSpecError(f"{flag} is not valid JSON ({error}); e.g. {RULE_EXAMPLE}") from None


def _defaults(args: argparse.Namespace) -> StackDefaults:
    """The stack file's values, read only when a flag leaves something unset."""
    if args.account_sid and args.auth_token and args.phone_numbers is not None and args.stack_file is None:
        return StackDefaults()
    return read_stack_defaults(args.stack_file or DEFAULT_STACK_FILE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        defaults = _defaults(args)
        emulator = Emulator(
            account_sid=args.account_sid or defaults.account_sid or "",
            auth_token=args.auth_token or defaults.auth_token or "",
            phone_numbers=args.phone_numbers if args.phone_numbers is not None else defaults.phone_numbers,
            host=args.host,
            port=args.port,
            state_file=args.state,
            api_key=args.api_key,
            api_secret=args.api_secret,
            faults=_fault_plan(args),
            latency=parse_duration(args.latency),
            latency_jitter=parse_duration(args.latency_jitter, flag="--latency-jitter"),
            latency_seed=args.latency_seed,
        )
        url = emulator.start()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            print(f"twilio_emulator: {error}", file=sys.stderr)
            return 2
        print(f"twilio_emulator: {args.host}:{args.port} is in use (an emulator already running?): stop it, or pass "
              "--port N (and point TWILIO_API_BASE_URL or apiBaseUrl at it)", file=sys.stderr)
        return 2
    except (StackFileError, StateFileError, ValueError) as error:
        print(f"twilio_emulator: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(f"listening on {url}", flush=True)
    stop.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
