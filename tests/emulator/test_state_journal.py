"""`--state FILE` under load: a journal line per write, snapshots now and then, no acknowledged write lost."""

from __future__ import annotations

import base64
import http.client
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.emulator.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MINIMAL_FLOW,
    emulator_args,
    emulator_subprocess,
    saved_state,
)
from tests.emulator.support import (
    http as raw_http,
)
from twilio_emulator import journal
from twilio_emulator.journal import StateStore
from twilio_emulator.server import Emulator
from twilio_emulator.state import StateFileError

AUTH = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def post(connection: http.client.HTTPConnection, path: str, form: dict[str, str], method: str = "POST") -> Any:
    body = urlencode(form).encode()
    headers = {"Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request(method, path, body=body if method == "POST" else None, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    assert response.status in (200, 201, 204), payload
    return json.loads(payload) if payload else None


def connect(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)


def flex_workspace(base_url: str) -> str:
    answer = raw_http(base_url, "GET", "/taskrouter/v1/Workspaces", auth=(ACCOUNT_SID, AUTH_TOKEN))
    return str(answer.body["workspaces"][0]["sid"])


def test_every_kind_of_write_is_journaled_and_replayed_as_the_account_is(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, state_file=state_file) as emulator:
        connection = connect(emulator.base_url)
        workspace = flex_workspace(emulator.base_url)
        queues = f"/taskrouter/v1/Workspaces/{workspace}/TaskQueues"
        sales = post(connection, queues, {"FriendlyName": "Sales"})["sid"]
        support = post(connection, queues, {"FriendlyName": "Support"})["sid"]
        post(connection, f"{queues}/{sales}", {"FriendlyName": "Sales EMEA", "MaxReservedWorkers": "3"})
        post(connection, f"{queues}/{support}", {}, method="DELETE")
        flow = post(connection, "/studio/v2/Flows", {"FriendlyName": "IVR", "Status": "published",
                                                     "Definition": json.dumps(MINIMAL_FLOW)})["sid"]
        post(connection, f"/studio/v2/Flows/{flow}", {"Status": "published", "CommitMessage": "again"})
        snapshot = json.loads(state_file.read_text())
        assert "Sales EMEA" not in json.dumps(snapshot)  # the writes are in the journal, not a rewritten file
        assert len(state_file.with_name("state.json.journal").read_text().splitlines()) == 6
        assert saved_state(state_file) == emulator.api.state_data()


def test_a_line_cut_short_by_a_kill_is_dropped_and_a_bad_line_before_it_refused(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, state_file=state_file) as emulator:
        workspace = flex_workspace(emulator.base_url)
        post(connect(emulator.base_url), f"/taskrouter/v1/Workspaces/{workspace}/TaskQueues", {"FriendlyName": "A"})
        expected = emulator.api.state_data()
    journal_file = state_file.with_name("state.json.journal")
    whole = journal_file.read_text()
    journal_file.write_text(whole + '{"changes": [{"table": "task_qu')  # a request never answered
    assert saved_state(state_file) == expected
    journal_file.write_text('{"changes": [{"ta\n' + whole)
    with pytest.raises(StateFileError, match=r"state\.json\.journal:1 is not a journal line"):
        StateStore(state_file).load()


def test_a_long_journal_is_folded_into_a_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "MIN_LINES_BEFORE_SNAPSHOT", 5)
    state_file = tmp_path / "state.json"
    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, port=0, state_file=state_file) as emulator:
        connection = connect(emulator.base_url)
        queues = f"/taskrouter/v1/Workspaces/{flex_workspace(emulator.base_url)}/TaskQueues"
        for number in range(40):  # a fresh account has fewer than 20 records: snapshots after as many lines
            post(connection, queues, {"FriendlyName": f"Q{number}"})
        snapshot_names = {row["friendly_name"] for row in json.loads(state_file.read_text())["task_queues"]}
        assert {"Q0", "Q20"} <= snapshot_names
        assert len(state_file.with_name("state.json.journal").read_text().splitlines()) < 40 - 20
        assert saved_state(state_file) == emulator.api.state_data()


def test_a_killed_emulator_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    acknowledged: list[str] = []
    enough = threading.Event()
    with emulator_subprocess(emulator_args(state_file)) as running:
        queues = f"/taskrouter/v1/Workspaces/{flex_workspace(running.base_url)}/TaskQueues"

        def create_until_killed() -> None:
            connection = connect(running.base_url)
            try:
                for number in range(10_000):
                    acknowledged.append(post(connection, queues, {"FriendlyName": f"Q{number}"})["sid"])
                    if len(acknowledged) == 300:  # past the first snapshot (256 lines)
                        enough.set()
            except (OSError, http.client.HTTPException):
                return  # killed
            finally:
                enough.set()

        writer = threading.Thread(target=create_until_killed)
        writer.start()
        assert enough.wait(timeout=120)
        running.process.kill()  # SIGKILL while the writer is still sending
        running.process.wait()
        writer.join(timeout=60)
    assert len(acknowledged) >= 300
    with emulator_subprocess(emulator_args(state_file)) as restarted:
        answer = raw_http(restarted.base_url, "GET", f"{queues}?PageSize=1000", auth=(ACCOUNT_SID, AUTH_TOKEN))
        sids = {row["sid"] for row in answer.body["task_queues"]}
        if answer.body["meta"]["next_page_url"]:
            page = raw_http(restarted.base_url, "GET", f"{queues}?PageSize=1000&Page=1&PageToken=PT1000",
                            auth=(ACCOUNT_SID, AUTH_TOKEN))
            sids |= {row["sid"] for row in page.body["task_queues"]}
    assert set(acknowledged) <= sids


def test_tables_index_records_by_workspace_in_insertion_order() -> None:
    from twilio_emulator.records import TaskQueue
    from twilio_emulator.state import Table

    def queue(sid: str, workspace: str) -> TaskQueue:
        return TaskQueue(sid=sid, workspace_sid=workspace, friendly_name=sid, target_workers="1==1",
                         max_reserved_workers=1, task_order="FIFO", reservation_activity_sid=None,
                         assignment_activity_sid=None, date_created="", date_updated="")

    table: Table[TaskQueue] = Table("task_queues")
    for sid, workspace in [("q1", "WS1"), ("q2", "WS2"), ("q3", "WS1"), ("q4", "WS1")]:
        table[sid] = queue(sid, workspace)
    del table["q3"]
    table.pop("q2")
    table["q1"] = queue("q1", "WS1")
    table["q4"] = queue("q4", "WS2")
    assert [q.sid for q in table.children("WS1")] == ["q1"]
    table["q5"] = queue("q5", "WS1")
    assert [q.sid for q in table.children("WS2")] == ["q4"]
    assert [q.sid for q in table.children("WS1")] == [q.sid for q in table.values() if q.workspace_sid == "WS1"]
