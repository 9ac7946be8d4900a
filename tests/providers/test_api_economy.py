"""API economy: one list per collection per provider process, one write per created object, batched reads."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from components.providers.taskrouter import TaskQueueProvider, WorkspaceProvider
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, MINIMAL_FLOW, EmulatorHandle
from tests.providers.support import client, connected, flex_workspace_sid, through_the_wire

TASKROUTER = re.compile(r"^/taskrouter/")


def taskrouter_requests(emulator: EmulatorHandle) -> list[tuple[str, str]]:
    """(method, path without query) of the TaskRouter requests since the last reset."""
    return [(r["method"], r["path"].split("?")[0]) for r in emulator.requests() if TASKROUTER.match(r["path"])]


def test_creates_list_their_collection_once_and_write_once_each(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    emulator.reset_log()
    provider = connected(TaskQueueProvider(), emulator)
    names = [f"Queue {n}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=4) as pool:  # as the provider server runs them
        created = list(pool.map(lambda name: provider.create({"workspace_sid": workspace, "friendly_name": name}),
                                names))
    queues = f"/taskrouter/v1/Workspaces/{workspace}/TaskQueues"
    assert sorted(taskrouter_requests(emulator)) == sorted([("GET", queues)] + [("POST", queues)] * 12)
    assert len({c.id for c in created}) == 12


def test_the_listing_follows_the_providers_own_writes(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    provider = connected(TaskQueueProvider(), emulator)
    first = provider.create({"workspace_sid": workspace, "friendly_name": "Support", "max_reserved_workers": 1})
    state = through_the_wire(first.outs or {})
    provider.update(first.id, state, {**state, "max_reserved_workers": 4})
    emulator.reset_log()
    read = provider.read(first.id, state)  # served from the listing the create made, updated by the update
    assert (read.outs or {})["max_reserved_workers"] == 4
    assert taskrouter_requests(emulator) == []
    provider.delete(first.id, state)
    emulator.reset_log()
    assert provider.read(first.id, state).id is None  # not in the listing any more: fetched, and gone
    assert [method for method, _ in taskrouter_requests(emulator)] == ["GET"]


def test_reads_of_a_collection_are_one_list(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    sids = [queues.create(friendly_name=f"Q{n}").sid for n in range(8)]
    queues(sids[0]).update(max_reserved_workers=7)  # drift made before the command starts
    emulator.reset_log()
    provider = connected(TaskQueueProvider(), emulator)  # a new command: a new provider process
    reads = [provider.read(sid, {"workspace_sid": workspace, "friendly_name": f"Q{n}", "max_reserved_workers": 1})
             for n, sid in enumerate(sids)]
    assert [(r.outs or {})["max_reserved_workers"] for r in reads] == [7] + [1] * 7
    assert [method for method, _ in taskrouter_requests(emulator)] == ["GET"]


def test_an_adopted_object_that_already_matches_is_not_written(emulator: EmulatorHandle) -> None:
    emulator.reset_log()
    provider = connected(WorkspaceProvider(), emulator)
    created = provider.create({"friendly_name": "Flex Task Assignment"})
    assert (created.outs or {})["adopted"] is True
    assert [method for method, _ in taskrouter_requests(emulator)] == ["GET"]
    assert [r["method"] for r in emulator.requests()] == ["GET", "GET"]  # and no record: the records listed once


def test_releasing_an_adopted_object_the_program_never_changed_writes_nothing(emulator: EmulatorHandle) -> None:
    inputs = {"friendly_name": "Flex Task Assignment"}
    created = connected(WorkspaceProvider(), emulator).create(inputs)
    emulator.reset_log()
    connected(WorkspaceProvider(), emulator).delete(created.id, through_the_wire({**inputs, **(created.outs or {})}))
    # The workspace's recorded values are what it shows (one list says so), and it has no record to delete.
    assert [r["method"] for r in emulator.requests()] == ["GET", "GET"]


def test_an_adopted_object_that_differs_gets_one_update(emulator: EmulatorHandle) -> None:
    emulator.reset_log()
    provider = connected(WorkspaceProvider(), emulator)
    provider.create({"friendly_name": "Flex Task Assignment", "event_callback_url": "https://example.com/events"})
    assert [method for method, _ in taskrouter_requests(emulator)] == ["GET", "POST"]


# ---- triggers: numbers and addresses, and the account's records (ledger.py) ------------------------------

MANY = tuple(f"+1500555{7000 + n:04d}" for n in range(12))
SID = re.compile(r"\b[A-Z]{2}[0-9a-f]{32}\b")
RECORD = re.compile(r"(/Documents/).+")
HOOK = "https://webhooks.twilio.com/v1/Accounts/AC1/Flows/FW1"


@pytest.fixture
def many_numbers() -> Iterator[EmulatorHandle]:
    """A fresh emulated account that owns twelve numbers."""
    from twilio_emulator.server import Emulator

    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=MANY, port=0) as running:
        yield EmulatorHandle(base_url=running.base_url, phone_numbers=MANY)


def requests_made(emulator: EmulatorHandle) -> Counter[tuple[str, str]]:
    """(method, path with every SID as <sid> and no query) of each request since the last reset, counted."""
    return Counter((r["method"], RECORD.sub(r"\1<record>", SID.sub("<sid>", r["path"].split("?")[0])))
                   for r in emulator.requests())


NUMBERS = "/api/2010-04-01/Accounts/<sid>/IncomingPhoneNumbers"
ADDRESSES = "/conversations/v1/Configuration/Addresses"
RECORDS = "/sync/v1/Services/default/Documents"


def bind_all(emulator: EmulatorHandle, provider: PhoneNumberBindingProvider, **channels: bool) -> list[Any]:
    with ThreadPoolExecutor(max_workers=4) as pool:  # as the provider server runs them
        return list(pool.map(lambda number: provider.create(
            {"phone_number": number, "webhook_url": HOOK, **channels}), emulator.phone_numbers))


def test_bindings_list_the_numbers_once_and_write_once_each_with_no_record_when_nothing_was_set(
    many_numbers: EmulatorHandle,
) -> None:
    emulator = many_numbers
    emulator.reset_log()
    created = bind_all(emulator, connected(PhoneNumberBindingProvider(), emulator), voice=False, messaging=True)
    # No SMS URL was set on any number: nothing to put back, so nothing recorded.
    assert requests_made(emulator) == {("GET", f"{NUMBERS}.json"): 1, ("GET", RECORDS): 1,
                                       ("POST", f"{NUMBERS}/<sid>.json"): 12}
    assert len({c.id for c in created}) == 12

    emulator.reset_log()
    refresh = connected(PhoneNumberBindingProvider(), emulator)  # the next command: a new provider process
    reads = [refresh.read(c.id, through_the_wire(c.outs or {})) for c in created]
    assert all((r.inputs or {})["messaging"] is True for r in reads)
    assert requests_made(emulator) == {("GET", f"{NUMBERS}.json"): 1}

    emulator.reset_log()
    destroy = connected(PhoneNumberBindingProvider(), emulator)
    for c in created:
        destroy.delete(c.id, through_the_wire(c.outs or {}))
    assert requests_made(emulator) == {("GET", RECORDS): 1, ("POST", f"{NUMBERS}/<sid>.json"): 12}
    numbers = client(emulator).api.v2010.accounts(emulator.account_sid).incoming_phone_numbers.list()
    assert {(n.sms_url or "", n.sms_method) for n in numbers} == {("", "POST")}


def test_bindings_of_numbers_with_webhooks_record_them_once_each_before_the_write(
    many_numbers: EmulatorHandle,
) -> None:
    emulator = many_numbers
    emulator.reset_log()
    created = bind_all(emulator, connected(PhoneNumberBindingProvider(), emulator), voice=True)
    # Each number answered calls with Twilio's demo URL: that is recorded, one document each.
    assert requests_made(emulator) == {("GET", f"{NUMBERS}.json"): 1, ("GET", RECORDS): 1, ("POST", RECORDS): 12,
                                       ("POST", f"{NUMBERS}/<sid>.json"): 12}
    assert {(c.outs or {})["previous"]["voice_url"] for c in created} == {"https://demo.twilio.com/welcome/voice/"}

    emulator.reset_log()
    destroy = connected(PhoneNumberBindingProvider(), emulator)
    for c in created:
        destroy.delete(c.id, through_the_wire(c.outs or {}))
    assert requests_made(emulator) == {("GET", RECORDS): 1, ("POST", f"{NUMBERS}/<sid>.json"): 12,
                                       ("DELETE", f"{RECORDS}/<record>"): 12}
    assert client(emulator).sync.v1.services("default").documents.list() == []


def test_addresses_list_once_and_write_once_per_create_with_no_record(many_numbers: EmulatorHandle) -> None:
    emulator = many_numbers
    flow = client(emulator).studio.v2.flows.create(friendly_name="IVR", status="published", definition=MINIMAL_FLOW)
    emulator.reset_log()
    provider = connected(ConversationsAddressProvider(), emulator)
    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(lambda number: provider.create(
            {"address": number, "address_type": "sms", "flow_sid": flow.sid}), emulator.phone_numbers))
    assert requests_made(emulator) == {("GET", ADDRESSES): 1, ("GET", RECORDS): 1, ("POST", ADDRESSES): 12}
    assert {(c.outs or {})["adopted"] for c in created} == {False}

    emulator.reset_log()
    refresh = connected(ConversationsAddressProvider(), emulator)
    inputs = {"address_type": "sms", "flow_sid": flow.sid}
    reads = [refresh.read(c.id, through_the_wire({**inputs, **(c.outs or {})})) for c in created]
    assert {(r.inputs or {})["flow_sid"] for r in reads} == {flow.sid}
    assert requests_made(emulator) == {("GET", ADDRESSES): 1}

    emulator.reset_log()
    destroy = connected(ConversationsAddressProvider(), emulator)
    for c in created:
        destroy.delete(c.id, through_the_wire({**inputs, **(c.outs or {})}))
    assert requests_made(emulator) == {("GET", RECORDS): 1, ("DELETE", f"{ADDRESSES}/<sid>"): 12}
    assert client(emulator).conversations.v1.address_configurations.list() == []
