"""Console edits, caught before a deploy overwrites them.

Every flow revision a deploy makes carries the commit message ``flex-pre-agent <git sha>`` (:func:`deploy_stamp`),
so a revision with any other message was made elsewhere (the Studio Console, another tool). Before a deploy,
:func:`warn_console_edits` reads each existing flow's latest revision (one GET per flow, the only Twilio read a
preview makes, and only for flows that already exist) and warns, naming the flow and the revision, when it was
not made by a deploy: ``pulumi up`` would put the code's definition back over it. ``flexctl pull`` brings such
an edit back into code instead.
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


def console_edit_warning(stack: str, name: str, flow: Any) -> str | None:
    """The warning for one fetched flow (an SDK ``FlowInstance``), or None when a deploy made its latest revision."""
    if made_by_deploy(flow.commit_message):
        return None
    return (f"flow {name!r} ({flow.sid}): its latest revision {flow.revision} was not made by a deploy (commit "
            f"message {flow.commit_message!r}: edited in the Console?); `pulumi up` puts the code's definition back "
            f"over it. To keep the edit, bring it into code first: python -m flexctl pull --stack {stack} {name}")


def warn_console_edits(flow_sids: Mapping[str, pulumi.Output[str]], config: Mapping[str, Any]) -> None:
    """Warn for every existing flow whose latest revision a deploy did not make (flows not created yet are skipped);
    stop the preview when one the state lists is gone from the account (an `up` would only fail on its update)."""
    stack = pulumi.get_stack()

    def check(name: str, sid: str | None) -> None:
        if not sid:
            return
        from components.providers.twilio_api import resolve_connection

        try:
            flow = resolve_connection(config).client().studio.v2.flows(sid).fetch()
        except TwilioRestException as error:
            if error.status == 404:
                stop(f"flow {name!r} ({sid}): {GONE_FROM_ACCOUNT}")
            pulumi.log.warn(f"flow {name!r} ({sid}): could not read its latest revision to look for Console edits: "
                            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}")
            return
        except Exception as error:  # a warning must never stop a deploy; say what could not be checked
            pulumi.log.warn(f"flow {name!r} ({sid}): could not read its latest revision to look for Console edits: "
                            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}")
            return
        warning = console_edit_warning(stack, name, flow)
        if warning:
            pulumi.log.warn(warning)

    if not pulumi.runtime.is_dry_run():
        return  # during `up` the flows are being written: the preview before it is where this is said
    for name, sid in flow_sids.items():
        sid.apply(partial(check, name))
