"""What a stack keeps in the Twilio account itself: Sync Documents of the account's default Sync service.

Two things must outlive a CLI killed between "Twilio applied a write" and "the engine saw the answer" (the
engine keeps no outputs for a create it never saw answered), and must be seen by every stack that points
at the account:

* **which stack owns the account**: the claim, document ``flex-pre-agent.account``
  (``{"project", "stack", "claimed"}``, plus ``taken_over_from`` after a take-over);
* **what a trigger found before its first write**: ``flex-pre-agent.found.<kind>.<key>``, a number
  channel's webhooks or whether an address configuration existed and how it was set. It is written before
  the write, kept by every later try while the object still points at the program, and deleted once the
  resource is deleted (so destroy leaves the account as it was).

Why Sync Documents, the one choice made here: every account has a default Sync service, addressed as
``default`` (Twilio's Sync docs; the project's OpenAPI references do not cover Sync, so this is
**unverified** against a spec: twilio_emulator/sync.py serves the same subset); a document holds up to 16 KiB
of JSON; a unique name is unique within its service, so a create is atomic (Twilio answers 409, code 54301,
to the second create of a name): of two stacks claiming one account at once, exactly one wins. No Flex or
Twilio tool writes documents under these names, and nothing the program manages lives in Sync.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from twilio.base.exceptions import TwilioRestException

from components.providers.twilio_api import AnswerLost, Connection

SERVICE = "default"
PREFIX = "flex-pre-agent"
CLAIM = f"{PREFIX}.account"
TAKE_OVER_ENV = "FLEX_PRE_AGENT_TAKE_OVER_FROM"
"""Set to the owning stack's name to let this stack take the account over (logged, and kept in the claim)."""
_NAME_TAKEN = 54301


def found_name(kind: str, *parts: str) -> str:
    """The document that holds what a ``kind`` of trigger found at ``parts`` (a number and a channel...)."""
    return ".".join((PREFIX, "found", kind, *parts))


def _documents(conn: Connection) -> Any:
    return conn.client().sync.v1.services(SERVICE).documents


def recall(conn: Connection, name: str) -> dict[str, Any] | None:
    """The data of document ``name``, or None when there is none."""
    try:
        data = _documents(conn)(name).fetch().data
    except TwilioRestException as error:
        if error.status == 404:
            return None
        raise
    return dict(data) if isinstance(data, Mapping) else {}


def record(conn: Connection, name: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Create document ``name`` with ``data`` unless it exists: (the data it holds, whether this call made it).

    A unique name makes the create safe to send again after a lost answer: if the lost one landed, the
    next one is refused as a duplicate and the document is read instead.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            _documents(conn).create(unique_name=name, data=dict(data))
            return dict(data), True
        except AnswerLost:
            if not conn.pause_before_retry(attempt):
                raise
        except TwilioRestException as error:
            if error.status != 409 and error.code != _NAME_TAKEN:
                raise
            existing = recall(conn, name)
            if existing is not None:
                return existing, False
            # Deleted between the create and the read: try again.


def rewrite(conn: Connection, name: str, data: Mapping[str, Any]) -> None:
    """Replace the data of an existing document (sent again after a lost answer: an update is idempotent)."""
    _resend(conn, lambda: _documents(conn)(name).update(data=dict(data)))


def forget(conn: Connection, name: str) -> None:
    """Delete document ``name``; one already gone is fine."""
    try:
        _resend(conn, _documents(conn)(name).delete)
    except TwilioRestException as error:
        if error.status != 404:
            raise


def remember(conn: Connection, name: str, finding: Mapping[str, Any], *, earlier_try_shows: bool) -> dict[str, Any]:
    """What was found before the first write: ``finding`` now, or what an earlier try recorded.

    An earlier record is kept when the live object still shows that try's write (``earlier_try_shows``: it
    was killed or lost its answer after the write): the live object then shows the program's values, and
    only the record knows what was there before. Otherwise the record is stale (say a destroy killed after
    it restored the object) and ``finding`` replaces it.
    """
    recorded, created = record(conn, name, finding)
    if created or earlier_try_shows:
        return recorded
    if recorded != dict(finding):
        rewrite(conn, name, finding)
    return dict(finding)


class AccountClaimed(RuntimeError):
    """Another stack owns the account; the message names it and how to proceed."""


def claim_account(
    conn: Connection, project: str, stack: str, take_over_from: str | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Claim the account for ``project``/``stack`` before any other write, or raise AccountClaimed.

    The first claim wins atomically (a unique name). The owner's own claim is read only (no write on a
    no-op `up`). A take-over must name the owning stack, is logged and is kept in the claim.
    """
    mine = {"project": project, "stack": stack}
    data = recall(conn, CLAIM)  # read first: the owner's every later `up` writes nothing
    if data is None:
        data, _ = record(conn, CLAIM, {**mine, "claimed": _now()})
    if _owner(data) == (project, stack):
        return data
    owner = f"{data.get('project')}/{data.get('stack')}"
    if take_over_from and take_over_from in (data.get("stack"), owner):
        taken = {**mine, "claimed": _now(), "taken_over_from": owner}
        rewrite(conn, CLAIM, taken)
        log(f"account {conn.account_sid}: stack {project}/{stack} took it over from stack {owner} "
            f"({TAKE_OVER_ENV}={take_over_from}); {owner} must not deploy to it any more")
        return taken
    raise AccountClaimed(
        f"account {conn.account_sid} belongs to stack {owner} (claimed {data.get('claimed', 'earlier')}); stack "
        f"{project}/{stack} refuses to deploy to it and nothing was written. One account, one stack: point this "
        f"stack at its own account (accountSid), or destroy {owner} first. To move the account to this stack "
        f"on purpose, run again with {TAKE_OVER_ENV}={data.get('stack')} (logged, and kept in the claim)."
    )


def release_account(conn: Connection, project: str, stack: str) -> None:
    """Give the account up, if this stack still owns it (a stack taken over leaves the new owner's claim)."""
    data = recall(conn, CLAIM)
    if data is not None and _owner(data) == (project, stack):
        forget(conn, CLAIM)


def claim_owner(conn: Connection) -> str | None:
    """``project/stack`` of the stack that owns the account, or None when none does."""
    data = recall(conn, CLAIM)
    return None if data is None else f"{data.get('project')}/{data.get('stack')}"


def _owner(data: Mapping[str, Any]) -> tuple[Any, Any]:
    return data.get("project"), data.get("stack")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resend(conn: Connection, write: Callable[[], Any]) -> Any:
    from components.providers.base import TwilioProvider

    return TwilioProvider.resend(conn, write)
