"""All emulated data of one account, and its JSON state file (`--state FILE`)."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from twilio_emulator.records import (
    SID_PATTERN,
    Activity,
    AddressConfiguration,
    Flow,
    FlowRevision,
    PhoneNumber,
    SyncDocument,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
    new_sid,
    revision_key,
)

STATE_FORMAT = "flex-pre-agent/twilio-emulator-state"
STATE_VERSION = 1


TOUCHED: ContextVar[set[tuple[str, str]] | None] = ContextVar("touched_keys", default=None)
"""While a request is recorded for the state file (journal.py), the (table, key) pairs it inserted or deleted."""


R = TypeVar("R")


class Table(dict[str, R], Generic[R]):
    """One table of `State`, by `record.key`, indexed by workspace; inserts and deletes are noted for the journal.

    Handlers insert with `table[key] = record` and delete with `del table[key]` or `table.pop(key)`; a record's
    `workspace_sid` never changes, so `children(workspace_sid)` costs the workspace's records, not the table's.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._by_workspace: dict[str, dict[str, None]] = {}  # insertion-ordered, like the table

    def children(self, workspace_sid: str) -> list[R]:
        """The records of one workspace, in the order they were inserted."""
        return [self[key] for key in self._by_workspace.get(workspace_sid, ())]

    def __setitem__(self, key: str, value: R) -> None:
        parent = getattr(value, "workspace_sid", None)
        if key in self and getattr(self[key], "workspace_sid", None) != parent:
            self._unindex(key)
        super().__setitem__(key, value)  # a key set again keeps its place, in the table and in the index
        if isinstance(parent, str):
            self._by_workspace.setdefault(parent, {})[key] = None
        self._note(key)

    def __delitem__(self, key: str) -> None:
        self._unindex(key)
        super().__delitem__(key)
        self._note(key)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self._unindex(key)
        value = super().pop(key, *default)
        self._note(key)
        return value

    def _unindex(self, key: str) -> None:
        parent = getattr(self[key], "workspace_sid", None)
        siblings = self._by_workspace.get(parent) if isinstance(parent, str) else None
        if siblings is not None:
            siblings.pop(key, None)
            if not siblings:
                del self._by_workspace[parent]  # type: ignore[arg-type]

    def _note(self, key: str) -> None:
        touched = TOUCHED.get()
        if touched is not None:
            touched.add((self.name, key))


@dataclass
class State:
    """Every table of the emulated account, keyed by `record.key`."""

    conversation_service_sid: str = field(default_factory=lambda: new_sid("IS"))
    sync_service_sid: str = field(default_factory=lambda: new_sid("IS"))  # the account's default Sync service
    flows: Table[Flow] = field(default_factory=partial(Table, "flows"))
    flow_revisions: Table[FlowRevision] = field(default_factory=partial(Table, "flow_revisions"))
    workspaces: Table[Workspace] = field(default_factory=partial(Table, "workspaces"))
    activities: Table[Activity] = field(default_factory=partial(Table, "activities"))
    task_channels: Table[TaskChannel] = field(default_factory=partial(Table, "task_channels"))
    task_queues: Table[TaskQueue] = field(default_factory=partial(Table, "task_queues"))
    workflows: Table[Workflow] = field(default_factory=partial(Table, "workflows"))
    phone_numbers: Table[PhoneNumber] = field(default_factory=partial(Table, "phone_numbers"))
    address_configurations: Table[AddressConfiguration] = field(
        default_factory=partial(Table, "address_configurations")
    )
    sync_documents: Table[SyncDocument] = field(default_factory=partial(Table, "sync_documents"))


# The record type of each table, for loading a state file.
TABLES: dict[str, type[Any]] = {
    "flows": Flow,
    "flow_revisions": FlowRevision,
    "workspaces": Workspace,
    "activities": Activity,
    "task_channels": TaskChannel,
    "task_queues": TaskQueue,
    "workflows": Workflow,
    "phone_numbers": PhoneNumber,
    "address_configurations": AddressConfiguration,
    "sync_documents": SyncDocument,
}


def dump_state(state: State) -> dict[str, Any]:
    """The state as JSON-ready data."""
    data: dict[str, Any] = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "conversation_service_sid": state.conversation_service_sid,
        "sync_service_sid": state.sync_service_sid,
    }
    for name in TABLES:
        table: dict[str, Any] = getattr(state, name)
        data[name] = [dataclasses.asdict(record) for record in table.values()]
    return data


COMPARABLE_FORMAT = "flex-pre-agent/twilio-emulator-comparable-state"
_TIMESTAMPS = ("date_created", "date_updated")


def comparable_state(state: State) -> dict[str, Any]:
    """The state with every SID replaced by what names it, timestamps dropped and rows sorted.

    Two runs that made the same things compare equal, whatever SIDs they were given: a queue's SID reads
    `WQ(Flex Task Assignment/Everyone)` wherever it appears (its record, a workflow's configuration, a flow's
    definition). A SID of something that no longer exists stays as it is. Duplicates show as repeated rows.
    """
    labels = _sid_labels(state)

    def relabel(value: Any) -> Any:
        if isinstance(value, str):
            return SID_PATTERN.sub(lambda match: labels.get(match.group(0), match.group(0)), value)
        if isinstance(value, list):
            return [relabel(item) for item in value]
        if isinstance(value, dict):
            return {key: relabel(item) for key, item in value.items()}
        return value

    data: dict[str, Any] = {"format": COMPARABLE_FORMAT, "version": STATE_VERSION}
    for name, rows in dump_state(state).items():
        if name in TABLES:
            kept = [relabel({k: v for k, v in row.items() if k not in _TIMESTAMPS}) for row in rows]
            data[name] = sorted(kept, key=lambda row: json.dumps(row, sort_keys=True))
    return data


def _sid_labels(state: State) -> dict[str, str]:
    """SID -> `XX(name)`, where the name is what a person would call the record."""
    spaces = {workspace.sid: workspace.friendly_name for workspace in state.workspaces.values()}
    names: dict[str, str] = {state.conversation_service_sid: "conversation service",
                             state.sync_service_sid: "sync service"}
    for flow in state.flows.values():
        names[flow.sid] = state.flow_revisions[revision_key(flow.sid, flow.revision)].friendly_name
    names.update((workspace.sid, workspace.friendly_name) for workspace in state.workspaces.values())
    records: list[Activity | TaskQueue | Workflow] = [
        *state.activities.values(), *state.task_queues.values(), *state.workflows.values(),
    ]
    for record in records:
        names[record.sid] = f"{spaces.get(record.workspace_sid, record.workspace_sid)}/{record.friendly_name}"
    for channel in state.task_channels.values():
        names[channel.sid] = f"{spaces.get(channel.workspace_sid, channel.workspace_sid)}/{channel.unique_name}"
    names.update((number.sid, number.phone_number) for number in state.phone_numbers.values())
    names.update((item.sid, f"{item.type}:{item.address}") for item in state.address_configurations.values())
    labels = {sid: f"{sid[:2]}({name})" for sid, name in names.items()}
    for document in state.sync_documents.values():  # its unique name may hold another record's SID
        name = SID_PATTERN.sub(lambda match: labels.get(match.group(0), match.group(0)), document.unique_name or "")
        labels[document.sid] = f"ET({name or 'unnamed'})"
    return labels


def load_state(data: object, *, source: str) -> State:
    """The state from `dump_state` data; `source` names the file in errors."""
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise StateFileError(f"{source} is not a Twilio emulator state file; delete it or pass another --state")
    if data.get("version") != STATE_VERSION:
        raise StateFileError(
            f"{source} has state version {data.get('version')!r}; this emulator reads version "
            f"{STATE_VERSION}. Delete the file to start from a fresh account."
        )
    state = State(conversation_service_sid=str(data["conversation_service_sid"]))
    if "sync_service_sid" in data:  # state files written before Sync was emulated get a fresh one
        state.sync_service_sid = str(data["sync_service_sid"])
    for name, record_type in TABLES.items():
        table: dict[str, Any] = getattr(state, name)
        for index, row in enumerate(data.get(name, [])):
            try:
                record = record_type(**row)
            except TypeError as error:
                raise StateFileError(
                    f"{source}: {name}[{index}] does not fit this emulator ({error}); "
                    "delete the file to start from a fresh account"
                ) from None
            table[record.key] = record
    return state


def read_state_file(path: Path) -> State | None:
    """The state saved in `path`, or None when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StateFileError(f"{path} is not valid JSON ({error}); delete it or pass another --state") from None
    return load_state(data, source=str(path))


def write_state_file(path: Path, state: State) -> None:
    """Save `state` to `path` atomically (write a temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            json.dump(dump_state(state), tmp, indent=1, sort_keys=True)
            tmp.write("\n")
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class StateFileError(Exception):
    """The state file cannot be used; the message says why and what to do."""
