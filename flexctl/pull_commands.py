"""``flexctl pull --stack dev [FLOW] [--write]``: a managed flow's live definition, compared with the code and
written back as the flow's Python, so a Console edit becomes a reviewed pull request instead of being lost.

The live definition holds the account's SIDs and the stack's config values where the code has ``Parameter``s.
They are turned back into the parameters the code uses by reading the code's own template next to the live
definition: wherever a code string with ``${NAME}`` matches the live string, the value found is NAME's in this
stack; SIDs and URLs found so are put back wherever they appear, other values only where the code had them.
``--write`` regenerates the flow's module (``flows/<name>.py``) with the importer: same registered name,
same friendly name, same parameters, so the stack then deploys it as a no-op.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from flexctl.cli import ExitCode, InputError, Subparsers
from flexctl.review import FlowChange, Plan, StackChange
from flexctl.review_commands import repo_root
from studio.diff import diff_flows
from studio.graph import states_by_name
from studio.params import PLACEHOLDER
from studio.references import SID, replace_references


def register(subparsers: Subparsers) -> None:
    pull = subparsers.add_parser(
        "pull", help="a managed flow's live definition vs the code; --write regenerates the flow's Python")
    pull.add_argument("--stack", required=True, help="the stack whose account to read, e.g. dev")
    pull.add_argument("flow", nargs="?", help="the flow's registered name (default: every flow the stack deploys)")
    pull.add_argument("--write", action="store_true", help="rewrite flows/<flow>.py from the live definition")
    pull.set_defaults(handler=run_pull)


def learned_values(code: Mapping[str, Any], live: Mapping[str, Any]) -> dict[tuple[str, ...], dict[str, str]]:
    """Where the code's template has parameters, the live value of each: path -> {parameter name: value}."""
    found: dict[tuple[str, ...], dict[str, str]] = {}
    live_states = states_by_name(live)
    for name, state in states_by_name(code).items():
        if name in live_states:
            for path, text, other in _pairs(_behaviour(state), _behaviour(live_states[name]), (name,)):
                values = _match(text, other)
                if values:
                    found[path] = values
    return found


def _behaviour(state: Mapping[str, Any]) -> dict[str, Any]:
    return {"properties": state.get("properties"), "transitions": state.get("transitions")}


def _pairs(code: Any, live: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, str]]:
    if isinstance(code, str) and isinstance(live, str) and PLACEHOLDER.search(code):
        yield path, code, live
    elif isinstance(code, Mapping) and isinstance(live, Mapping):
        for key in code:
            yield from _pairs(code[key], live.get(key), (*path, str(key)))
    elif isinstance(code, list) and isinstance(live, list):
        for index, (item, other) in enumerate(zip(code, live, strict=False)):
            yield from _pairs(item, other, (*path, str(index)))


def _match(code: str, live: str) -> dict[str, str]:
    """``"Visit ${URL}"`` against ``"Visit https://x"`` -> ``{"URL": "https://x"}`` ({} when they do not match)."""
    pieces = PLACEHOLDER.split(code)  # text, name, text, name, ..., text
    pattern = "".join(re.escape(piece) if index % 2 == 0 else "(.+?)" for index, piece in enumerate(pieces))
    found = re.fullmatch(pattern, live, re.DOTALL)
    return dict(zip(pieces[1::2], found.groups(), strict=True)) if found else {}


def live_template(code: Mapping[str, Any], live: Mapping[str, Any], known: Mapping[str, str] | None = None,
                  ) -> tuple[dict[str, Any], list[str]]:
    """The live definition with the code's parameters back as ``${NAME}``, and the SIDs nothing names.

    ``known``: parameter values the stack's config gives (``PlannedFlow.values``), found even where the code
    does not have them when they are distinctive (a URL).
    """
    from components.providers.base import strings_in

    learned = learned_values(code, live)
    values = [*(known or {}).items(), *(pair for found in learned.values() for pair in found.items())]
    everywhere = {value: name for name, value in values if SID.fullmatch(value) or "://" in value}
    code_states = states_by_name(code)
    states = []
    for live_state in live.get("states") or []:
        state = dict(live_state)
        name = str(state.get("name", ""))
        if name in code_states:
            state.update(_restore(_behaviour(state), _behaviour(code_states[name]), learned, (name,)))
        states.append(replace_references(state, everywhere))
    template = {**live, "states": states}
    unnamed = sorted({match.group(0) for text in strings_in(template) for match in SID.finditer(text)})
    return template, unnamed


def _restore(live: Any, code: Any, learned: Mapping[tuple[str, ...], Mapping[str, str]], path: tuple[str, ...]) -> Any:
    if path in learned and isinstance(code, str):
        return code  # the live string is the code's, filled: keep the code's parameters
    if isinstance(live, Mapping) and isinstance(code, Mapping):
        return {key: _restore(value, code.get(key), learned, (*path, str(key))) for key, value in live.items()}
    if isinstance(live, list) and isinstance(code, list):
        return [_restore(item, code[i] if i < len(code) else None, learned, (*path, str(i)))
                for i, item in enumerate(live)]
    return live


def fetch_live(settings: Any, friendly_name: str) -> Mapping[str, Any]:
    """The live definition of the stack's flow named ``friendly_name`` (credentials from the environment)."""
    from components.providers.twilio_api import ACCOUNT_SID_KEY, API_BASE_URL_KEY, TwilioSetupError, resolve_connection

    try:
        flows = resolve_connection({ACCOUNT_SID_KEY: settings.account_sid,
                                    API_BASE_URL_KEY: settings.api_base_url}).client().studio.v2.flows
        found = [flow for flow in flows.list() if flow.friendly_name == friendly_name]
    except TwilioSetupError as error:
        import os

        if not (os.environ.get("TWILIO_AUTH_TOKEN") or (os.environ.get("TWILIO_API_KEY")
                                                         and os.environ.get("TWILIO_API_SECRET"))):
            raise InputError(f"no Twilio credentials for {settings.account_sid} in the environment: flexctl reads them "
                             "from there only, not from the stack's authToken secret. Fix: export TWILIO_AUTH_TOKEN "
                             "(the local emulator's is emulator-token), or TWILIO_API_KEY with TWILIO_API_SECRET"
                             ) from None
        raise InputError(f"cannot use the stack's account: {error}") from None
    if len(found) != 1:
        raise InputError(f"the account has {len(found)} Studio flows named {friendly_name!r}; expected exactly one")
    definition: Mapping[str, Any] = flows(found[0].sid).fetch().definition
    return definition


def read_live(settings: Any, friendly_name: str, stack: str) -> Mapping[str, Any]:
    """``fetch_live``, with an account that does not answer or refuses the credentials said as such (where, the fix)."""
    from twilio.base.exceptions import TwilioException

    from components.providers.twilio_api import AnswerLost, error_parts

    try:
        return fetch_live(settings, friendly_name)
    except AnswerLost as error:
        where, fix = _where_sought(settings, stack)
        raise InputError(f"cannot reach Twilio at {where} to read flow {friendly_name!r} of stack {stack}: "
                         f"{error.reason}, after every retry. Fix: {fix}.") from None
    except TwilioException as error:
        status, code, message, _ = error_parts(error)
        answer = f"HTTP {status}" + (f", error {code}" if code else "") + (f": {message}" if message else "")
        raise InputError(f"Twilio refused to list the Studio flows of account {settings.account_sid} (stack {stack}) "
                         f"to the credentials in use ({answer}). Fix: use credentials of {settings.account_sid} "
                         "(TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET; the local emulator's token "
                         "is emulator-token), or correct accountSid in "
                         f"Pulumi.{stack}.yaml") from None


def _where_sought(settings: Any, stack: str) -> tuple[str, str]:
    """Where the stack's Twilio calls went (as the providers choose it), and how to make something answer there."""
    import os

    from components.providers.twilio_api import BASE_URL_ENV

    start = "start what should answer there (`make emulator` in another shell, for the local stack)"
    if os.environ.get(BASE_URL_ENV):
        return f"{os.environ[BASE_URL_ENV]} ({BASE_URL_ENV})", f"{start}, or unset {BASE_URL_ENV}"
    if settings.api_base_url:
        return f"{settings.api_base_url} (apiBaseUrl in Pulumi.{stack}.yaml)", f"{start}, or correct apiBaseUrl"
    return "api.twilio.com", "check this machine's connection to Twilio and run again"


GENERATED = "by `flexctl import`"
"""In the docstring of every module the importer writes (``flexctl import --as``, ``pull --write``)."""


def _refuse_shared_module(entry: Any) -> None:
    """--write replaces the whole module: refuse when it registers other flows too, which it would delete."""
    from flows.registry import all_flows

    others = [name for name, other in all_flows().items() if other.where == entry.where and name != entry.name]
    if others:
        raise InputError(f"{entry.where} registers {', '.join(others)} besides {entry.name}: --write would replace "
                         f"the whole file with {entry.name} alone; move {entry.name} into a file of its own first, or "
                         "make the changes shown without --write by hand")


def _by_hand_note(planned: Any, stack: str) -> str:
    """What a hand-written module lost when --write replaced it with the importer's code."""
    import inspect

    asked = list(inspect.signature(planned.entry.build).parameters)
    shaped = f" (its builder took {', '.join(asked)}; the new code is the flow as stack {stack} builds it)" if asked \
        else ""
    where = planned.entry.where
    return (f"flexctl pull: {where} was written by hand and is now the importer's code{shaped}: review `git diff "
            f"{where}`; to keep the hand-written builder instead, `git checkout {where}` and make the changes above "
            "in it")


def run_pull(args: argparse.Namespace) -> int:
    from components.plan import read_stack_plan
    from components.settings import StackSettingsError
    from flexctl.flow_import import declared
    from flexctl.scenarios import not_deployed
    from flows.registry import sources
    from studio.importer import Registration, import_definition

    root = repo_root()
    try:
        plan = read_stack_plan(root, args.stack)
    except StackSettingsError as error:
        raise InputError(str(error)) from None
    names = [flow.name for flow in plan.flows]
    if args.flow is not None and args.flow not in names:
        raise InputError(not_deployed(args.stack, names, [args.flow], root))
    changes, written = [], []
    for planned in plan.flows:
        if args.flow is not None and planned.name != args.flow:
            continue
        code = planned.flow.to_definition(placeholders=True)
        live = read_live(plan.settings, planned.friendly_name, args.stack)
        template, unnamed = live_template(code, live, planned.values)
        diff = diff_flows(code, template)
        if not diff.only_moves:
            changes.append(FlowChange(planned.name, "changed", diff))
        for sid in unnamed:
            print(f"flexctl pull: flow {planned.name!r} uses {sid}, which the code does not name: give it a "
                  "Parameter (see flows/parameters.py) before committing", file=sys.stderr)
        if args.write and diff.is_empty:
            print(f"{planned.entry.where}: left as it is (the live flow is what it builds)")
        elif args.write:
            path = root / planned.entry.where
            _refuse_shared_module(planned.entry)
            by_hand = path.is_file() and GENERATED not in path.read_text(encoding="utf-8")
            declarations = declared(planned.flow.parameter_names(), sources())
            source = import_definition(template, source=f"stack {args.stack} (flexctl pull)",
                                       registration=Registration(planned.name, planned.friendly_name, declarations))
            path.write_text(source, encoding="utf-8")
            print(f"wrote {path.relative_to(root)}")
            written.append(str(path.relative_to(root)))
            if by_hand:
                print(_by_hand_note(planned, args.stack), file=sys.stderr)
    review = Plan(f"the code of stack {args.stack}", "its live account",
                  (StackChange(args.stack, "changed" if changes else "same", flows=tuple(changes)),), thresholds=None)
    print(review.to_text(), end="")
    if written:
        print(next_steps(args.stack, written))
    return int(ExitCode.OK)


def next_steps(stack: str, written: list[str]) -> str:
    """What to do after --write: the changes above are the code's now, and the account already has them."""
    files = " ".join(written)
    return (f"\nThe changes above are now in {files}. Next: review `git diff {files}` and commit it; then "
            f"`pulumi up --refresh --stack {stack}` takes the live flow as deployed, with no write to Twilio (a plain "
            "`pulumi up` sends the same definition again, as one more revision).")
