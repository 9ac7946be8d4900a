"""All emulated data of one account, and its JSON state file (`--state FILE`)."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twilio_emulator.records import (
    Activity,
    AddressConfiguration,
    Flow,
    FlowRevision,
    PhoneNumber,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
    new_sid,
)

STATE_FORMAT = "flex-pre-agent/twilio-emulator-state"
STATE_VERSION = 1


@dataclass
class State:
    """Every table of the emulated account, keyed by `record.key`."""

    conversation_service_sid: str = field(default_factory=lambda: new_sid("IS"))
    flows: dict[str, Flow] = field(default_factory=dict)
    flow_revisions: dict[str, FlowRevision] = field(default_factory=dict)
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    task_channels: dict[str, TaskChannel] = field(default_factory=dict)
    task_queues: dict[str, TaskQueue] = field(default_factory=dict)
    workflows: dict[str, Workflow] = field(default_factory=dict)
    phone_numbers: dict[str, PhoneNumber] = field(default_factory=dict)
    address_configurations: dict[str, AddressConfiguration] = field(default_factory=dict)


# The record type of each table, for loading a state file.
_TABLES: dict[str, type[Any]] = {
    "flows": Flow,
    "flow_revisions": FlowRevision,
    "workspaces": Workspace,
    "activities": Activity,
    "task_channels": TaskChannel,
    "task_queues": TaskQueue,
    "workflows": Workflow,
    "phone_numbers": PhoneNumber,
    "address_configurations": AddressConfiguration,
}


def dump_state(state: State) -> dict[str, Any]:
    """The state as JSON-ready data."""
    data: dict[str, Any] = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "conversation_service_sid": state.conversation_service_sid,
    }
    for name in _TABLES:
        table: dict[str, Any] = getattr(state, name)
        data[name] = [dataclasses.asdict(record) for record in table.values()]
    return data


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
    for name, record_type in _TABLES.items():
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
