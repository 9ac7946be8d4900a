"""Console edits, caught before a deploy overwrites them.

Every flow revision a deploy makes carries the commit message ``flex-pre-agent <git sha>`` (:func:`deploy_stamp`),
so a revision with any other message was made elsewhere (the Studio Console, another tool). Before a deploy,
:func:`warn_console_edits` reads each existing flow's latest revision (one GET per flow, the only Twilio read a
preview makes, and only for flows that already exist) and warns, naming the flow and the revision, when it was
not made by a deploy and differs from the code's definition: ``pulumi up --refresh``, or any ``up`` that changes the
flow, would put the code's definition back over it. ``flexctl pull`` brings such an edit back into code instead;
once it has (the code builds what the revision holds), the revision is the code's and nothing is said.

The code's definition is the one the program gives the flow's ``StudioFlow`` (found from the SID's resource, so the
program passes SIDs only); when a preview does not know it yet (a parameter's object is being created), the revision
is reported as it is.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pulumi
from twilio.base.exceptions import TwilioRestException

from components.errors import stop
from components.providers.base import GONE_FROM_ACCOUNT

STAMP = "flex-pre-agent"
EARLIER_STAMPS = ("Deployed by flex-pre-agent",)
"""What deploys wrote before revisions carried the commit."""


def deploy_stamp(root: Path | None = None) -> str:
    """``flex-pre-agent <git sha>``: the commit being deployed (``GITHUB_SHA`` in Actions, else the checkout's HEAD)."""
    sha = os.environ.get("FLEX_PRE_AGENT_COMMIT") or os.environ.get("GITHUB_SHA")
    return f"{STAMP} {sha or _head((root or Path.cwd()).resolve())}"


@functools.cache
def _head(root: Path) -> str:
    """The checkout's HEAD, asked of git once per process: a run deploys one commit, whatever the count of flows."""
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else "uncommitted"


def made_by_deploy(commit_message: str | None) -> bool:
    """Whether a revision with this commit message was made by a deploy of this project."""
    text = commit_message or ""
    return text.startswith(STAMP + " ") or text in EARLIER_STAMPS


def same_definition(code: Any, live: Any) -> bool:
    """Whether the code's definition (keyed by widget name, Studio's list form or JSON text, numbers as the engine
    hands them back: 5.0 for 5) is the live one, canvas offsets included."""
    from components.providers.studio import definition_data
    from studio.diff import diff_flows

    ours, theirs = definition_data(code), definition_data(live)
    if not isinstance(ours, Mapping) or not isinstance(theirs, Mapping):
        return False
    try:
        return diff_flows(ours, theirs).is_empty
    except (TypeError, ValueError, KeyError, AttributeError):
        return False  # something no flow reads as: not the code's


def console_edit_warning(stack: str, name: str, flow: Any, code: Any = None) -> str | None:
    """The warning for one fetched flow (an SDK ``FlowInstance``), or None when a deploy made its latest revision
    or that revision is what the code builds (``code``: the program's definition; None when not known)."""
    if made_by_deploy(flow.commit_message):
        return None
    if code is not None and same_definition(code, flow.definition):
        return None  # brought into code (flexctl pull --write): deploying it changes nothing
    return (f"flow {name!r} ({flow.sid}): its latest revision {flow.revision} was not made by a deploy (commit "
            f"message {flow.commit_message!r}: edited in the Console?) and is not what the code builds; "
            "`pulumi up --refresh`, or any `pulumi up` that changes this flow, puts the code's definition back over "
            f"it. To keep the edit, bring it into code first: python -m flexctl pull --stack {stack} {name} "
            "(shows it; --write rewrites the flow's Python)")


async def _code_definition(sid: pulumi.Output[str]) -> Any:
    """The definition the program gives the ``StudioFlow`` whose SID ``sid`` is, or None when it is not known."""
    for resource in await sid.resources():
        definition = getattr(resource, "definition", None)
        if isinstance(definition, pulumi.Output):
            return await definition.future()  # None while unknown
    return None


def _sought(stack: str, config: Mapping[str, Any]) -> tuple[str, str | None]:
    """Where a preview's reads went, in words, and the setting that sent them there (None: Twilio itself)."""
    from components.providers.twilio_api import API_BASE_URL_KEY, BASE_URL_ENV

    if os.environ.get(BASE_URL_ENV):
        return f"{os.environ[BASE_URL_ENV]} ({BASE_URL_ENV})", BASE_URL_ENV
    if config.get(API_BASE_URL_KEY):
        return f"{config[API_BASE_URL_KEY]} (apiBaseUrl in Pulumi.{stack}.yaml)", "apiBaseUrl"
    return "api.twilio.com", None


def unreachable_warning(stack: str, config: Mapping[str, Any], reason: str) -> str:
    """Twilio (or the emulator) did not answer a preview's read: where it was sought, and the fix."""
    where, setting = _sought(stack, config)
    start = "start what should answer there (`make emulator` for the local stack)"
    fix = {None: "check this machine's connection to Twilio", "apiBaseUrl": f"{start}, or correct apiBaseUrl"}.get(
        setting, f"{start}, or unset {setting}")
    return (f"cannot reach Twilio at {where}: {reason}. No flow was checked for Console edits, and `pulumi up` "
            f"stops before writing anything until it answers. Fix: {fix}.")


def refused_warning(stack: str, config: Mapping[str, Any], error: TwilioRestException) -> str:
    """Twilio (or an emulator) refused a preview's read (HTTP 401): where, and the fix; said once, not per flow."""
    from components.providers.twilio_api import ACCOUNT_SID_KEY

    where, setting = _sought(stack, config)
    account = str(config.get(ACCOUNT_SID_KEY) or "this stack's account")
    elsewhere = f", or correct {setting} if it points at another stack's emulator" if setting else ""
    answer = str(error.msg).splitlines()[0] if error.msg else f"HTTP {error.status}"
    return (f"Twilio at {where} refused the credentials in use for {account}: {answer}. No flow was checked for "
            f"Console edits, and `pulumi up` stops before writing anything until they are accepted. Fix: use "
            f"credentials of {account} (the authToken stack secret, TWILIO_AUTH_TOKEN, or an API key made in that "
            f"account){elsewhere}.")


def warn_console_edits(flow_sids: Mapping[str, pulumi.Output[str]], config: Mapping[str, Any]) -> None:
    """Warn for every existing flow whose latest revision a deploy did not make (flows not created yet are skipped);
    stop the preview when one the state lists is gone from the account (an `up` would only fail on its update)."""
    stack = pulumi.get_stack()

    def check(name: str, sid: str, code: Any) -> None:
        from components.providers.twilio_api import AnswerLost, resolve_connection

        try:
            flow = resolve_connection(config).client().studio.v2.flows(sid).fetch()
        except AnswerLost as error:  # said once, with where and the fix, not once per flow
            if "unreachable" not in said:
                said.add("unreachable")
                pulumi.log.warn(unreachable_warning(stack, config, error.reason))
            return
        except TwilioRestException as error:
            if error.status == 404:
                stop(f"flow {name!r} ({sid}): {GONE_FROM_ACCOUNT}")
            if error.status == 401:  # as above: the same credentials for every flow
                if "refused" not in said:
                    said.add("refused")
                    pulumi.log.warn(refused_warning(stack, config, error))
                return
            pulumi.log.warn(f"flow {name!r} ({sid}): could not read its latest revision to look for Console edits: "
                            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}")
            return
        except Exception as error:  # a warning must never stop a deploy; say what could not be checked
            pulumi.log.warn(f"flow {name!r} ({sid}): could not read its latest revision to look for Console edits: "
                            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}")
            return
        warning = console_edit_warning(stack, name, flow, code)
        if warning:
            pulumi.log.warn(warning)

    if not pulumi.runtime.is_dry_run():
        return  # during `up` the flows are being written: the preview before it is where this is said
    said: set[str] = set()  # what every flow's read would say alike: said once

    def later(name: str, output: pulumi.Output[str], sid: str | None) -> pulumi.Output[None] | None:
        if not sid:
            return None

        async def run() -> None:
            check(name, sid, await _code_definition(output))

        return pulumi.Output.from_input(run())

    for name, sid in flow_sids.items():
        sid.apply(partial(later, name, sid))
