"""What the emulator stores: one flat record type per Twilio resource, plus SIDs and timestamps.

Records hold only what cannot be derived; the product modules render them into Twilio's JSON.
Timestamps are stored as ISO-8601 UTC strings (`2017-11-06T12:00:00Z`).
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SID_PATTERN = re.compile(r"\b([A-Z]{2})[0-9a-fA-F]{32}\b")
"""Any SID inside a text: group 1 is its two-letter prefix."""


def new_sid(prefix: str) -> str:
    """A fresh SID: two-letter prefix and 32 lowercase hex characters, like Twilio's."""
    return prefix + secrets.token_hex(16)


def now() -> str:
    """The current UTC time, to the second, in ISO-8601."""
    return datetime.now(UTC).strftime(ISO_FORMAT)


def rfc2822(iso: str) -> str:
    """An ISO-8601 timestamp in the RFC-2822 form the 2010 API uses (`Thu, 30 Jul 2015 23:19:04 +0000`)."""
    return format_datetime(datetime.strptime(iso, ISO_FORMAT).replace(tzinfo=UTC))


def sent(values: dict[str, Any]) -> dict[str, Any]:
    """The field values a request set: parameters it did not send come as None and are dropped."""
    return {name: value for name, value in values.items() if value is not None}


def apply_changes(record: object, changes: dict[str, Any]) -> None:
    """Set validated field values on a record (handlers validate every parameter first, then apply)."""
    for name, value in changes.items():
        if not hasattr(record, name):
            raise AttributeError(f"{type(record).__name__} has no field {name}")
        setattr(record, name, value)


CHANGED: ContextVar[dict[int, Record] | None] = ContextVar("changed_records", default=None)
"""While a request is recorded for the state file (state.py `recording`), the records it set a field of."""


class Record:
    """Base of every record: setting a field while a request is recorded marks the record changed.

    Handlers change records only by setting their fields (`apply_changes`, `record.x = ...`), never by
    changing a nested value in place, so this sees every change the state file's journal must keep.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        changed = CHANGED.get()
        if changed is not None:
            changed[id(self)] = self


@dataclass(kw_only=True)
class FlowRevision(Record):
    """One saved version of a Studio flow; every create and update adds one."""

    sid: str
    revision: int
    friendly_name: str
    status: str
    definition: Any
    commit_message: str | None
    warnings: list[dict[str, str]]
    date_created: str

    @property
    def key(self) -> str:
        return revision_key(self.sid, self.revision)


def revision_key(flow_sid: str, revision: int) -> str:
    """The key of a revision in `State.flow_revisions`."""
    return f"{flow_sid}/{revision}"


@dataclass(kw_only=True)
class Flow(Record):
    """A Studio flow: its current content is its latest revision."""

    sid: str
    revision: int
    date_created: str
    date_updated: str | None = None
    test_users: list[str] = field(default_factory=list)
    """Addresses that run the latest revision, draft or not; everyone else runs the latest published one."""

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class Workspace(Record):
    """A TaskRouter workspace; `flex` marks the one a Flex account is created with."""

    sid: str
    friendly_name: str
    event_callback_url: str | None
    events_filter: str | None
    multi_task_enabled: bool
    prioritize_queue_order: str
    default_activity_sid: str | None
    timeout_activity_sid: str | None
    date_created: str
    date_updated: str
    flex: bool = False

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class Activity(Record):
    """A worker activity of a workspace."""

    sid: str
    workspace_sid: str
    friendly_name: str
    available: bool
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class TaskChannel(Record):
    """A task channel of a workspace, addressable by SID or unique name."""

    sid: str
    workspace_sid: str
    friendly_name: str
    unique_name: str
    channel_optimized_routing: bool
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class TaskQueue(Record):
    """A task queue of a workspace."""

    sid: str
    workspace_sid: str
    friendly_name: str
    target_workers: str
    max_reserved_workers: int
    task_order: str
    reservation_activity_sid: str | None
    assignment_activity_sid: str | None
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class Workflow(Record):
    """A workflow of a workspace; `configuration` is the JSON string as sent."""

    sid: str
    workspace_sid: str
    friendly_name: str
    configuration: str
    assignment_callback_url: str | None
    fallback_assignment_callback_url: str | None
    task_reservation_timeout: int
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class PhoneNumber(Record):
    """An incoming phone number the account owns; field names are the 2010 API's."""

    sid: str
    phone_number: str
    friendly_name: str
    date_created: str
    date_updated: str
    voice_url: str | None = "https://demo.twilio.com/welcome/voice/"
    voice_method: str = "POST"
    voice_fallback_url: str | None = ""
    voice_fallback_method: str = "POST"
    voice_caller_id_lookup: bool = False
    voice_application_sid: str | None = None
    voice_receive_mode: str = "voice"
    sms_url: str | None = ""
    sms_method: str = "POST"
    sms_fallback_url: str | None = ""
    sms_fallback_method: str = "POST"
    sms_application_sid: str | None = None
    status_callback: str | None = ""
    status_callback_method: str = "POST"
    trunk_sid: str | None = None
    api_version: str = "2010-04-01"
    emergency_status: str = "Inactive"
    emergency_address_sid: str | None = None
    identity_sid: str | None = None
    address_sid: str | None = None
    bundle_sid: str | None = None
    capabilities: dict[str, bool] = field(
        default_factory=lambda: {"voice": True, "sms": True, "mms": True, "fax": False}
    )

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class AddressConfiguration(Record):
    """A Conversations address configuration (what sends inbound conversations to Studio)."""

    sid: str
    type: str
    address: str
    friendly_name: str | None
    address_country: str | None
    auto_creation: dict[str, Any]
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid


@dataclass(kw_only=True)
class SyncDocument(Record):
    """A Sync Document of the default Sync service: a small JSON object, optionally under a unique name."""

    sid: str
    unique_name: str | None
    data: dict[str, Any]
    revision: int
    date_created: str
    date_updated: str

    @property
    def key(self) -> str:
        return self.sid
