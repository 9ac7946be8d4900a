"""Shared fixtures for the taskrouter tests: the workflow corpus and small real-world queues and workers."""

from __future__ import annotations

from taskrouter import TaskQueue, Worker
from tests.shared_data import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "workflows"
CORPUS_WORKFLOWS = sorted(CORPUS.glob("*.json"))
REALWORLD_WORKFLOWS = sorted((SHARED_CORPUS / "realworld" / "workflows").glob("*.json"))

EVERYONE = TaskQueue(key="everyone", friendly_name="Everyone")
VIP = TaskQueue(key="vip", friendly_name="VIP", target_workers="routing.skills HAS 'vip'")
SPANISH = TaskQueue(key="spanish", friendly_name="Spanish", target_workers="languages HAS 'es'")
FRENCH = TaskQueue(key="french", friendly_name="French", target_workers="languages HAS 'fr'")


def worker(name: str, *, available: bool = True, sid: str | None = None, activity_sid: str | None = None,
           **attributes: object) -> Worker:
    """A worker in the Available (or Offline) activity with the given attributes."""
    return Worker(friendly_name=name, sid=sid or f"WK{name.lower()}", attributes=attributes,
                  activity_name="Available" if available else "Offline", activity_sid=activity_sid)
