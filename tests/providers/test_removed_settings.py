"""A number, choice or expression the program stops setting goes back to what Twilio gives a new object.

Left unsent, Twilio would keep the last value (a queue still reserving five workers) while the state and the
code say nothing is set. Created objects get Twilio's documented default (``Spec.cleared_by``); an adopted
one (a Flex default) gets back its own value from before the adoption.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.providers.base import TwilioProvider
from components.providers.taskrouter import TaskQueueProvider, WorkflowProvider, WorkspaceProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import client, connected, flex_workspace_sid, through_the_wire


def _state(props: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in through_the_wire(props or {}).items() if value is not None}


def _queue(emulator: EmulatorHandle) -> dict[str, Any]:
    return {"workspace_sid": flex_workspace_sid(emulator), "friendly_name": "Removed settings"}


def _workflow(emulator: EmulatorHandle) -> dict[str, Any]:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues.list()
    everyone = next(q.sid for q in queues if q.friendly_name == "Everyone")
    routing = {"task_routing": {"filters": [], "default_filter": {"queue": everyone}}}
    return {"workspace_sid": workspace, "friendly_name": "Removed settings", "configuration": routing}


def _live(provider: type[TwilioProvider], emulator: EmulatorHandle, inputs: dict[str, Any], sid: str) -> Any:
    workspaces = client(emulator).taskrouter.v1.workspaces
    if provider is WorkspaceProvider:
        return workspaces(sid).fetch()
    collection = "task_queues" if provider is TaskQueueProvider else "workflows"
    return getattr(workspaces(inputs["workspace_sid"]), collection)(sid).fetch()


@pytest.mark.parametrize(
    ("provider", "make", "key", "value", "default"),
    [
        (TaskQueueProvider, _queue, "max_reserved_workers", 5, 1),
        (TaskQueueProvider, _queue, "task_order", "LIFO", "FIFO"),
        (TaskQueueProvider, _queue, "target_workers", "routing.skills HAS 'sales'", "1==1"),
        (WorkflowProvider, _workflow, "task_reservation_timeout", 300, 120),
        (WorkspaceProvider, lambda e: {"friendly_name": "Removed settings"}, "prioritize_queue_order", "LIFO", "FIFO"),
        (WorkspaceProvider, lambda e: {"friendly_name": "Removed settings"}, "multi_task_enabled", False, True),
    ],
)
def test_a_created_objects_setting_the_program_stops_setting_goes_back_to_twilios_default(
    provider: type[TwilioProvider], make: Callable[[EmulatorHandle], dict[str, Any]], key: str, value: Any,
    default: Any, emulator: EmulatorHandle,
) -> None:
    inputs = make(emulator)
    created = connected(provider(), emulator).create({**inputs, key: value})
    assert getattr(_live(provider, emulator, inputs, created.id), key) == value

    updated = connected(provider(), emulator).update(created.id, _state(created.outs), inputs)

    assert getattr(_live(provider, emulator, inputs, created.id), key) == default
    assert (updated.outs or {}).get(key) is None  # the state says "not set", and Twilio holds its default
    read = connected(provider(), emulator).read(created.id, _state(updated.outs))
    assert connected(provider(), emulator).diff(created.id, _state(read.outs), inputs).changes is False


def test_an_adopted_flex_queue_gets_back_its_own_value_not_twilios_default(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    everyone = next(q for q in queues.list() if q.friendly_name == "Everyone")
    queues(everyone.sid).update(max_reserved_workers=3)  # the account's own setting before the program
    inputs = {"workspace_sid": workspace, "friendly_name": "Everyone"}
    adopted = connected(TaskQueueProvider(), emulator).create({**inputs, "max_reserved_workers": 7})
    assert adopted.id == everyone.sid
    assert queues(everyone.sid).fetch().max_reserved_workers == 7

    connected(TaskQueueProvider(), emulator).update(adopted.id, _state(adopted.outs), inputs)

    assert queues(everyone.sid).fetch().max_reserved_workers == 3
