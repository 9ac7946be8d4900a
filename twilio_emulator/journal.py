"""`--state FILE` under load: a snapshot plus an append-only journal, so a write costs its own size, not the account's.

`FILE` is a snapshot in the state format (state.py); `FILE.journal` holds, one JSON line per write request, the
rows that request inserted, changed or deleted, in the order they were applied. A request's line is written and
flushed to the operating system before the request is answered, so a killed emulator loses no acknowledged
write: at start the snapshot is read, the journal replayed, and a last line cut short by the kill (a request
never answered) dropped. A line holds whole rows, so replaying a line twice changes nothing.

The journal is folded into a new snapshot (written atomically, then the journal emptied) at start and once it
has as many lines as the last snapshot had records (at least `MIN_LINES_BEFORE_SNAPSHOT`): a write costs O(1)
amortized instead of a whole-file rewrite per request. A crash between the snapshot's rename and the journal's
truncation only replays lines the snapshot already holds.

What a request changed is seen without comparing the account: records note the fields set on them
(`records.Record`), tables note inserts and deletes (`state.Table`), while `recording()` is active.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from twilio_emulator.records import CHANGED, Record
from twilio_emulator.state import TABLES, TOUCHED, State, StateFileError, read_state_file, write_state_file

MIN_LINES_BEFORE_SNAPSHOT = 256
_TABLE_OF: dict[type[Any], str] = {record_type: name for name, record_type in TABLES.items()}


@dataclass
class Changes:
    """What one request changed: records whose fields it set, and (table, key) pairs it inserted or deleted."""

    records: dict[int, Record] = field(default_factory=dict)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def entries(self, state: State) -> list[dict[str, Any]]:
        """The journal entries: each touched row as it is now, or its deletion."""
        keys = set(self.keys)
        for record in self.records.values():
            name = _TABLE_OF.get(type(record))
            key = getattr(record, "key", None)
            if name is not None and isinstance(key, str) and getattr(state, name).get(key) is record:
                keys.add((name, key))  # a record made but never stored, or since deleted, is not a row
        entries: list[dict[str, Any]] = []
        for name, key in sorted(keys):
            row = getattr(state, name).get(key)
            entries.append({"table": name, "key": key, "row": None if row is None else dataclasses.asdict(row)})
        return entries


@contextmanager
def recording() -> Iterator[Changes]:
    """Note what the code inside changes (in this thread or task only)."""
    changes = Changes()
    records, keys = CHANGED.set(changes.records), TOUCHED.set(changes.keys)
    try:
        yield changes
    finally:
        CHANGED.reset(records)
        TOUCHED.reset(keys)


class StateStore:
    """The state file and its journal. Not thread-safe: the emulator calls it under its store lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self._journal: IO[str] | None = None
        self._lines = 0
        self._snapshot_after = MIN_LINES_BEFORE_SNAPSHOT

    def load(self) -> State | None:
        """The saved state (snapshot and journal), or None when there is none yet."""
        state = read_state_file(self.path)
        if state is None:
            return None
        try:
            text = self.journal_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return state
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                entries = json.loads(line)["changes"]
            except (ValueError, KeyError, TypeError):
                if number == len(lines):  # cut short by a kill before it was answered: never acknowledged
                    break
                raise StateFileError(
                    f"{self.journal_path}:{number} is not a journal line; delete {self.path} and "
                    f"{self.journal_path.name} to start from a fresh account"
                ) from None
            _replay(state, entries, f"{self.journal_path}:{number}")
        return state

    def start(self, state: State) -> None:
        """Write `state` as the snapshot, with an empty journal to append to."""
        self.snapshot(state)

    def snapshot(self, state: State) -> None:
        """Fold everything into a new snapshot (atomic), then empty the journal."""
        write_state_file(self.path, state)
        if self._journal is not None:
            self._journal.close()
        self._journal = self.journal_path.open("w", encoding="utf-8")
        self._lines = 0
        # As many lines as the snapshot has records: its O(n) cost is spread over n writes.
        self._snapshot_after = max(MIN_LINES_BEFORE_SNAPSHOT, _record_count(state))

    def append(self, state: State, changes: Changes) -> None:
        """Journal one request's changes, flushed before it is answered; snapshot when the journal is long."""
        entries = changes.entries(state)
        if not entries:
            return
        if self._journal is None:
            self.start(state)
            return
        self._journal.write(json.dumps({"changes": entries}, separators=(",", ":")) + "\n")
        self._journal.flush()
        self._lines += 1
        if self._lines >= self._snapshot_after:
            self.snapshot(state)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def _replay(state: State, entries: object, where: str) -> None:
    if not isinstance(entries, list):
        raise StateFileError(f"{where}: changes must be a list; delete the state file to start afresh")
    for entry in entries:
        name, key, row = entry.get("table"), entry.get("key"), entry.get("row")
        if name not in TABLES or not isinstance(key, str):
            raise StateFileError(f"{where}: unknown table {name!r}; delete the state file to start afresh")
        table: dict[str, Any] = getattr(state, name)
        if row is None:
            table.pop(key, None)
        else:
            try:
                table[key] = TABLES[name](**row)
            except TypeError as error:
                raise StateFileError(f"{where}: a {name} row does not fit this emulator ({error})") from None


def _record_count(state: State) -> int:
    return sum(len(getattr(state, name)) for name in TABLES)
