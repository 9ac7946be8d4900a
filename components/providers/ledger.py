"""What a stack keeps in the Twilio account itself: Sync Documents of the account's default Sync service.

Two things must outlive a CLI killed between "Twilio applied a write" and "the engine saw the answer" (the
engine keeps no outputs for a create it never saw answered), and must be seen by every stack that points
at the account:

* **which stack owns the account**: the claim, document ``flex-pre-agent.account``
  (``{"project", "stack", "claimed"}``, plus ``taken_over_from`` after a take-over);
* **what a trigger or an adoption found before its first write**: ``flex-pre-agent.found.<kind>.<key>``, a
  number channel's webhooks, how an adopted address configuration or TaskRouter object was set. It is written
  before the write, kept by every later try while the object still shows that write, and deleted once the
  resource is deleted (so destroy leaves the account as it was).

A record is written only when it carries information (``Findings.remember``'s ``needed``), so the absence of
a record has a meaning, which each provider states: a number channel had nothing set; an address that starts
the program's flow is the program's own; an adopted object that already showed the program's values is as
the program found it. A record found while the object does not show an earlier try's write is stale (a destroy
killed after it restored the object, before it deleted the record): what is found now replaces it, and it is
deleted when that needs no record.

The records are listed once per provider instance, that is once per provider process and provider class that
needs them (``listing.py``), and kept current by that provider's own writes: a first `up` or a destroy of many
triggers reads them in one request, not one per resource.

Why Sync Documents, the choice made here: every account has a default Sync service, addressed as
``default`` (Twilio's Sync docs; the project's OpenAPI references do not cover Sync, so this is
**unverified** against a spec: twilio_emulator/sync.py serves the same subset); a document holds up to 16 KiB
of JSON; a unique name is unique within its service, so a create is atomic (Twilio answers 409, code 54301,
to the second create of a name): of two stacks claiming one account at once, exactly one wins. No Flex or
Twilio tool writes documents under these names, and nothing the program manages lives in Sync. Also
**unverified** against the project's references: the Documents list (``GET /v1/Services/{ServiceSid}/Documents``,
key ``documents``) takes no filter and pages of at most 1,000 (``PageSize``: "The default is 50, and the maximum
is 1000", in twilio-go's ``rest/sync/v1/docs/ServicesDocumentsApi.md``, generated from Twilio's OpenAPI spec), so
the records are found by listing the whole default service at that size and keeping the ``found`` ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from twilio.base.exceptions import TwilioRestException

from components.providers.listing import PAGE_SIZE, Listing, listings_of
from components.providers.twilio_api import AnswerLost, Connection

SERVICE = "default"
PREFIX = "flex-pre-agent"
CLAIM = f"{PREFIX}.account"
FOUND = f"{PREFIX}.found."
TAKE_OVER_ENV = "FLEX_PRE_AGENT_TAKE_OVER_FROM"
"""Set to the owning stack's name to let this stack take the account over (logged, and kept in the claim)."""
_NAME_TAKEN = 54301


def found_name(kind: str, *parts: str) -> str:
    """The document that holds what a ``kind`` of trigger found at ``parts`` (a number and a channel...)."""
    return FOUND + ".".join((kind, *parts))


def _documents(conn: Connection) -> Any:
    return conn.client().sync.v1.services(SERVICE).documents


def recall(conn: Connection, name: str) -> dict[str, Any] | None:
    """The data of document ``name``, or None when there is none."""
    try:
        document = _documents(conn)(name).fetch()
    except TwilioRestException as error:
        if error.status == 404:
            return None
        raise
    return _data(document)


def record(conn: Connection, name: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Create document ``name`` with ``data`` unless it exists: (the data it holds, whether this call made it)."""
    document, created = _create(conn, name, data)
    return _data(document), created


def _create(conn: Connection, name: str, data: Mapping[str, Any]) -> tuple[Any, bool]:
    """Create document ``name`` unless it exists: (the document, whether this call made it).

    A unique name makes the create safe to send again after a lost answer: if the lost one landed, the
    next one is refused as a duplicate and the document is read instead.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return _documents(conn).create(unique_name=name, data=dict(data)), True
        except AnswerLost:
            if not conn.pause_before_retry(attempt):
                raise
        except TwilioRestException as error:
            if error.status != 409 and error.code != _NAME_TAKEN:
                raise
            try:
                return _documents(conn)(name).fetch(), False
            except TwilioRestException as gone:
                if gone.status != 404:
                    raise
            # Deleted between the create and the read: try again.


def rewrite(conn: Connection, name: str, data: Mapping[str, Any]) -> Any:
    """Replace the data of an existing document (sent again after a lost answer: an update is idempotent)."""
    return _resend(conn, lambda: _documents(conn)(name).update(data=dict(data)))


def forget(conn: Connection, name: str) -> None:
    """Delete document ``name``; one already gone is fine."""
    try:
        _resend(conn, _documents(conn)(name).delete)
    except TwilioRestException as error:
        if error.status != 404:
            raise


class Findings:
    """What one provider's triggers and adoptions found, as the account keeps it (``found`` documents).

    Bound to a provider instance: its records are listed once per process, when first asked (``listing.py``),
    and its own writes keep that listing current. Thread-safe: each record belongs to one resource.
    """

    def __init__(self, owner: object, conn: Connection) -> None:
        self._owner = owner
        self._conn = conn

    def _key(self) -> tuple[Connection, str]:
        return (self._conn, "ledger")

    def _listing(self) -> Listing:
        conn = self._conn

        def load() -> list[Any]:
            return [d for d in _documents(conn).list(page_size=PAGE_SIZE) if (d.unique_name or "").startswith(FOUND)]

        return listings_of(self._owner).get(self._key(), load, by="unique_name")

    def recall(self, name: str) -> dict[str, Any] | None:
        """The data of record ``name``, or None when there is none."""
        document = self._listing().get(name)
        return None if document is None else _data(document)

    def remember(
        self, name: str, finding: Mapping[str, Any], *, earlier_try_shows: bool, needed: bool = True
    ) -> dict[str, Any]:
        """What was found before the first write: ``finding`` now, or what an earlier try recorded.

        An earlier record is kept when the live object still shows that try's write (``earlier_try_shows``:
        it was killed or lost its answer after the write): the object then shows the program's values, and
        only the record knows what was there before. Otherwise the record is stale (say a destroy killed
        after it restored the object) and ``finding`` replaces it: rewritten when ``needed``, else deleted,
        so that no record then means what ``needed=False`` means to the provider. A finding that is not
        ``needed`` is never written.
        """
        finding = dict(finding)
        listing = self._listing()
        document = listing.get(name)
        if document is None:
            if not needed:
                return finding
            document, created = _create(self._conn, name, finding)
            listing.put(document)
            if created:
                return finding
        recorded = _data(document)
        if earlier_try_shows:
            return recorded
        if not needed:
            self.forget(name)
        elif recorded != finding:
            listing.put(rewrite(self._conn, name, finding))
        return finding

    def forget(self, name: str, *, look: bool = False) -> None:
        """Delete record ``name``: only when listed once the records are listed (``look`` lists them first:
        one read per process rather than a delete per resource that may find nothing), else blindly."""
        listing = self._listing() if look else listings_of(self._owner).loaded(self._key())
        if listing is not None and listing.get(name) is None:
            return
        forget(self._conn, name)
        if listing is not None:
            listing.drop(name)


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


def _data(document: Any) -> dict[str, Any]:
    data = document.data
    return dict(data) if isinstance(data, Mapping) else {}


def _owner(data: Mapping[str, Any]) -> tuple[Any, Any]:
    return data.get("project"), data.get("stack")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resend(conn: Connection, write: Callable[[], Any]) -> Any:
    from components.providers.base import TwilioProvider

    return TwilioProvider.resend(conn, write)
