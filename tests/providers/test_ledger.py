"""What a stack keeps in the account: its claim (first wins, others refused, a take-over named and logged) and
what a trigger found before its first write (kept while the object shows the program's write, else replaced)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from components.providers import ledger
from components.providers.twilio_api import Connection
from tests.emulator.support import EmulatorHandle
from tests.providers.support import writes


def connection(emulator: EmulatorHandle) -> Connection:
    return Connection(emulator.account_sid, emulator.account_sid, emulator.auth_token, emulator.base_url)


def test_the_first_stack_claims_the_account_and_any_other_is_refused_naming_it(emulator: EmulatorHandle) -> None:
    conn = connection(emulator)
    ledger.claim_account(conn, "flex-pre-agent", "dev")
    emulator.reset_log()
    ledger.claim_account(conn, "flex-pre-agent", "dev")  # the owner's next up: one read, no write
    assert writes(emulator) == []

    with pytest.raises(ledger.AccountClaimed, match=r"belongs to stack flex-pre-agent/dev .* nothing was written"):
        ledger.claim_account(conn, "flex-pre-agent", "copy")
    with pytest.raises(ledger.AccountClaimed):
        ledger.claim_account(conn, "flex-pre-agent", "copy", take_over_from="prod")  # names the wrong owner
    assert ledger.claim_owner(conn) == "flex-pre-agent/dev"


def test_a_take_over_names_the_owner_is_logged_and_kept(emulator: EmulatorHandle) -> None:
    conn, logged = connection(emulator), list[str]()
    ledger.claim_account(conn, "flex-pre-agent", "dev")
    claim = ledger.claim_account(conn, "flex-pre-agent", "copy", take_over_from="dev", log=logged.append)

    assert claim["taken_over_from"] == "flex-pre-agent/dev"
    assert logged == [f"account {conn.account_sid}: stack flex-pre-agent/copy took it over from stack "
                      f"flex-pre-agent/dev (FLEX_PRE_AGENT_TAKE_OVER_FROM=dev); flex-pre-agent/dev must not deploy "
                      f"to it any more"]
    ledger.release_account(conn, "flex-pre-agent", "dev")  # the old owner's destroy leaves the new claim
    assert ledger.claim_owner(conn) == "flex-pre-agent/copy"
    ledger.release_account(conn, "flex-pre-agent", "copy")
    assert ledger.claim_owner(conn) is None


def test_a_finding_is_kept_while_the_object_shows_the_earlier_write_and_replaced_when_stale(
    emulator: EmulatorHandle,
) -> None:
    conn, name = connection(emulator), ledger.found_name("number", "+15005550006", "voice")

    def process() -> ledger.Findings:  # each try is a new provider process, with its own listing of the records
        return ledger.Findings(SimpleNamespace(), conn)

    assert process().remember(name, {"voice_url": "https://old"}, earlier_try_shows=False) == {
        "voice_url": "https://old"}
    # An earlier try wrote, and was killed: the number now shows the program's URL, the record the old one.
    assert process().remember(name, {"voice_url": None}, earlier_try_shows=True) == {"voice_url": "https://old"}
    # A destroy restored the number and was killed before forgetting: what the number shows now wins.
    assert process().remember(name, {"voice_url": "https://new"}, earlier_try_shows=False) == {
        "voice_url": "https://new"}
    assert ledger.recall(conn, name) == {"voice_url": "https://new"}
    # Stale again, and what is found now needs no record: the stale one is deleted, not left to be used.
    assert process().remember(name, {"voice_url": ""}, earlier_try_shows=False, needed=False) == {"voice_url": ""}
    assert ledger.recall(conn, name) is None
    findings = process()
    findings.forget(name)
    findings.forget(name, look=True)  # already gone is fine
    assert ledger.recall(conn, name) is None


def test_a_finding_that_needs_no_record_is_never_written(emulator: EmulatorHandle) -> None:
    conn, name = connection(emulator), ledger.found_name("number", "+15005550006", "voice")
    emulator.reset_log()
    findings = ledger.Findings(SimpleNamespace(), conn)
    assert findings.remember(name, {"voice_url": ""}, earlier_try_shows=False, needed=False) == {"voice_url": ""}
    findings.forget(name)  # the records are listed: none to delete
    assert writes(emulator) == writes(emulator, "DELETE") == []
    assert [r["method"] for r in emulator.requests()] == ["GET"]  # the one listing of the records
