"""API economy: one list per collection per provider process, one write per created object, batched reads."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from components.providers.taskrouter import TaskQueueProvider, WorkspaceProvider
from tests.emulator.support import EmulatorHandle
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


def test_an_adopted_object_that_differs_gets_one_update(emulator: EmulatorHandle) -> None:
    emulator.reset_log()
    provider = connected(WorkspaceProvider(), emulator)
    provider.create({"friendly_name": "Flex Task Assignment", "event_callback_url": "https://example.com/events"})
    assert [method for method, _ in taskrouter_requests(emulator)] == ["GET", "POST"]
