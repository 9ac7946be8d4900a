"""A fresh emulator is a fresh Flex account (taskrouter.md §3)."""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.fixture
def flex(client: Any) -> Any:
    """The one workspace a fresh Flex account has."""
    (workspace,) = client.taskrouter.v1.workspaces.list()
    return workspace


def test_the_only_workspace_is_flex_task_assignment(flex: Any) -> None:
    assert flex.friendly_name == "Flex Task Assignment"


def test_the_flex_workspace_is_multitasking(flex: Any) -> None:
    assert flex.multi_task_enabled is True


def test_default_and_timeout_activities_are_offline(flex: Any) -> None:
    assert (flex.default_activity_name, flex.timeout_activity_name) == ("Offline", "Offline")


def test_activities_are_flex_four_with_only_available_available(client: Any, flex: Any) -> None:
    activities = client.taskrouter.v1.workspaces(flex.sid).activities.list()
    assert {a.friendly_name: a.available for a in activities} == {
        "Offline": False, "Available": True, "Unavailable": False, "Break": False,
    }


def test_task_channels_are_default_voice_chat_sms_video(client: Any, flex: Any) -> None:
    channels = client.taskrouter.v1.workspaces(flex.sid).task_channels.list()
    assert sorted(c.unique_name for c in channels) == ["chat", "default", "sms", "video", "voice"]


def test_everyone_queue_targets_every_worker(client: Any, flex: Any) -> None:
    (queue,) = client.taskrouter.v1.workspaces(flex.sid).task_queues.list(friendly_name="Everyone")
    assert (queue.target_workers, queue.max_reserved_workers, queue.task_order) == ("1==1", 1, "FIFO")


def test_assign_to_anyone_sends_everything_to_everyone(client: Any, flex: Any) -> None:
    workspace = client.taskrouter.v1.workspaces(flex.sid)
    (everyone,) = workspace.task_queues.list(friendly_name="Everyone")
    (workflow,) = workspace.workflows.list(friendly_name="Assign to Anyone")
    assert json.loads(workflow.configuration) == {
        "task_routing": {"filters": [], "default_filter": {"queue": everyone.sid}}
    }


def test_the_phone_numbers_given_are_owned(client: Any, emulator: Any) -> None:
    numbers = client.incoming_phone_numbers.list()
    assert sorted(n.phone_number for n in numbers) == sorted(emulator.phone_numbers)
