"""TaskRouter v1 through the official SDK: Workspaces, Activities, TaskChannels, TaskQueues, Workflows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException


@pytest.fixture
def workspace(client: Any) -> Any:
    """A plain (non-Flex) workspace, as `POST /v1/Workspaces` creates it."""
    return client.taskrouter.v1.workspaces.create(friendly_name="Support")


@pytest.fixture
def ws(client: Any, workspace: Any) -> Any:
    """The SDK context of `workspace`."""
    return client.taskrouter.v1.workspaces(workspace.sid)


def config(*queue_sids: str, expression: str = "1==1") -> str:
    """A workflow configuration: one filter over the first queues, default to the last."""
    return json.dumps({"task_routing": {
        "filters": [{"filter_friendly_name": "f", "expression": expression,
                     "targets": [{"queue": sid} for sid in queue_sids[:-1]]}] if len(queue_sids) > 1 else [],
        "default_filter": {"queue": queue_sids[-1]},
    }})


# ------------------------------------------------------------------------------------------ workspaces


def test_a_new_workspace_has_offline_available_unavailable(ws: Any) -> None:
    assert {a.friendly_name: a.available for a in ws.activities.list()} == {
        "Offline": False, "Available": True, "Unavailable": False,
    }


def test_a_new_workspace_has_the_default_channel(ws: Any) -> None:
    assert [c.unique_name for c in ws.task_channels.list()] == ["default"]


def test_a_new_workspace_defaults_to_offline(workspace: Any) -> None:
    assert (workspace.default_activity_name, workspace.timeout_activity_name) == ("Offline", "Offline")


def test_the_fifo_template_adds_a_queue_and_a_workflow(client: Any) -> None:
    created = client.taskrouter.v1.workspaces.create(friendly_name="Sales", template="FIFO")
    ws = client.taskrouter.v1.workspaces(created.sid)
    assert (len(ws.task_queues.list()), len(ws.workflows.list())) == (1, 1)


def test_workspaces_are_listed_by_friendly_name(client: Any, workspace: Any) -> None:
    assert [w.sid for w in client.taskrouter.v1.workspaces.list(friendly_name="Support")] == [workspace.sid]


def test_a_workspace_is_fetched_by_sid(ws: Any, workspace: Any) -> None:
    assert ws.fetch().friendly_name == "Support"


def test_the_default_activity_can_be_changed(ws: Any) -> None:
    (available,) = ws.activities.list(friendly_name="Available")
    assert ws.update(default_activity_sid=available.sid).default_activity_name == "Available"


def test_an_activity_of_another_workspace_cannot_become_default(client: Any, ws: Any) -> None:
    (flex, *_) = client.taskrouter.v1.workspaces.list(friendly_name="Flex Task Assignment")
    (foreign,) = client.taskrouter.v1.workspaces(flex.sid).activities.list(friendly_name="Break")
    with pytest.raises(TwilioRestException) as caught:
        ws.update(default_activity_sid=foreign.sid)
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert "is not an Activity of Workspace" in caught.value.msg


def test_a_rejected_workspace_update_changes_nothing(ws: Any) -> None:
    with pytest.raises(TwilioRestException, match="EventCallbackUrl"):
        ws.update(friendly_name="Renamed", event_callback_url="not a url")
    assert ws.fetch().friendly_name == "Support"


def test_the_flex_workspace_cannot_stop_multitasking(client: Any) -> None:
    (flex,) = client.taskrouter.v1.workspaces.list(friendly_name="Flex Task Assignment")
    with pytest.raises(TwilioRestException, match="always multitasking"):
        client.taskrouter.v1.workspaces(flex.sid).update(multi_task_enabled=False)


def test_a_deleted_workspace_is_gone(client: Any, ws: Any, workspace: Any) -> None:
    ws.delete()
    with pytest.raises(TwilioRestException) as caught:
        ws.fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert f"The requested resource /Workspaces/{workspace.sid} was not found" in caught.value.msg


def test_a_workspace_without_friendly_name_is_rejected(emulator: Any) -> None:
    answer = emulator.api("POST", "/taskrouter/v1/Workspaces", form={"Template": "NONE"})
    assert (answer.status, answer.body["code"]) == (400, 20001)
    assert answer.body["message"] == "Missing required parameter FriendlyName in the post body"


# ------------------------------------------------------------------------------------------ activities


def test_an_activity_is_created_with_its_availability(ws: Any) -> None:
    created = ws.activities.create(friendly_name="Lunch", available=True)
    assert ws.activities(created.sid).fetch().available is True


def test_activities_are_listed_by_availability(ws: Any) -> None:
    assert [a.friendly_name for a in ws.activities.list(available="true")] == ["Available"]


def test_an_activity_is_renamed(ws: Any) -> None:
    created = ws.activities.create(friendly_name="Lunch")
    assert ws.activities(created.sid).update(friendly_name="Meal").friendly_name == "Meal"


def test_availability_cannot_change_after_creation(ws: Any, emulator: Any, workspace: Any) -> None:
    created = ws.activities.create(friendly_name="Lunch", available=False)
    path = f"/taskrouter/v1/Workspaces/{workspace.sid}/Activities/{created.sid}"
    answer = emulator.api("POST", path, form={"Available": "true"})
    assert (answer.status, answer.body["available"]) == (200, False)


def test_an_unused_activity_is_deleted(ws: Any) -> None:
    created = ws.activities.create(friendly_name="Lunch")
    ws.activities(created.sid).delete()
    assert "Lunch" not in [a.friendly_name for a in ws.activities.list()]


def test_the_default_activity_cannot_be_deleted(ws: Any) -> None:
    (offline,) = ws.activities.list(friendly_name="Offline")
    with pytest.raises(TwilioRestException) as caught:
        ws.activities(offline.sid).delete()
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert "it is the default and timeout activity" in caught.value.msg


def test_an_activity_a_queue_reserves_with_cannot_be_deleted(ws: Any) -> None:
    busy = ws.activities.create(friendly_name="Busy")
    ws.task_queues.create(friendly_name="Q", reservation_activity_sid=busy.sid)
    with pytest.raises(TwilioRestException, match=r"TaskQueue WQ\w+ \(Q\) uses it"):
        ws.activities(busy.sid).delete()


# ---------------------------------------------------------------------------------------- task channels


def test_a_channel_is_fetched_by_unique_name(ws: Any) -> None:
    created = ws.task_channels.create(friendly_name="Callback", unique_name="callback")
    assert ws.task_channels("callback").fetch().sid == created.sid


def test_a_duplicate_unique_name_is_rejected(ws: Any) -> None:
    with pytest.raises(TwilioRestException, match="UniqueName 'default' already exists") as caught:
        ws.task_channels.create(friendly_name="Other default", unique_name="default")
    assert caught.value.code == 20001


def test_a_hyphenated_unique_name_is_rejected(ws: Any) -> None:
    with pytest.raises(TwilioRestException, match="do not support hyphens"):
        ws.task_channels.create(friendly_name="Call back", unique_name="call-back")


def test_a_channel_is_updated_by_unique_name(ws: Any) -> None:
    updated = ws.task_channels("default").update(channel_optimized_routing=True)
    assert updated.channel_optimized_routing is True


def test_a_channel_is_deleted_by_unique_name(ws: Any) -> None:
    ws.task_channels("default").delete()
    assert ws.task_channels.list() == []


# ------------------------------------------------------------------------------------------ task queues


def test_a_queue_defaults_to_every_worker_one_reservation_fifo(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    assert (queue.target_workers, queue.max_reserved_workers, queue.task_order) == ("1==1", 1, "FIFO")


def test_a_queue_names_its_reservation_activity(ws: Any) -> None:
    (unavailable,) = ws.activities.list(friendly_name="Unavailable")
    queue = ws.task_queues.create(friendly_name="Billing", reservation_activity_sid=unavailable.sid)
    assert queue.reservation_activity_name == "Unavailable"


def test_a_queue_is_updated(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    updated = ws.task_queues(queue.sid).update(target_workers="skills HAS 'billing'", task_order="LIFO")
    assert (updated.target_workers, updated.task_order) == ("skills HAS 'billing'", "LIFO")


def test_an_invalid_target_workers_expression_is_rejected_with_20001(ws: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        ws.task_queues.create(friendly_name="Billing", target_workers="skills HAS")
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert "Invalid TargetWorkers expression 'skills HAS'" in caught.value.msg


@pytest.mark.parametrize("workers", [0, 51])
def test_max_reserved_workers_stays_within_1_to_50(ws: Any, workers: int) -> None:
    with pytest.raises(TwilioRestException, match="MaxReservedWorkers"):
        ws.task_queues.create(friendly_name="Billing", max_reserved_workers=workers)


def test_a_rejected_update_changes_nothing(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    with pytest.raises(TwilioRestException):
        ws.task_queues(queue.sid).update(friendly_name="Renamed", task_order="RANDOM")
    assert ws.task_queues(queue.sid).fetch().friendly_name == "Billing"


def test_an_unused_queue_is_deleted(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    ws.task_queues(queue.sid).delete()
    assert ws.task_queues.list() == []


def test_a_queue_a_workflow_routes_to_cannot_be_deleted(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    workflow = ws.workflows.create(friendly_name="Route billing", configuration=config(queue.sid))
    with pytest.raises(TwilioRestException) as caught:
        ws.task_queues(queue.sid).delete()
    assert caught.value.status == 400
    assert f"referenced by Workflow {workflow.sid} (Route billing)" in caught.value.msg


# -------------------------------------------------------------------------------------------- workflows


def test_a_workflow_answers_its_configuration_as_the_json_string_sent(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    workflow = ws.workflows.create(friendly_name="Route", configuration=config(queue.sid))
    assert (workflow.configuration, workflow.document_content_type) == (config(queue.sid), "application/json")


def test_a_workflow_is_fetched_with_its_defaults(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    created = ws.workflows.create(friendly_name="Route", configuration=config(queue.sid))
    assert ws.workflows(created.sid).fetch().task_reservation_timeout == 120


def test_a_workflow_configuration_is_updated(ws: Any) -> None:
    first = ws.task_queues.create(friendly_name="Billing")
    second = ws.task_queues.create(friendly_name="Sales")
    created = ws.workflows.create(friendly_name="Route", configuration=config(first.sid))
    updated = ws.workflows(created.sid).update(configuration=config(first.sid, second.sid))
    assert json.loads(updated.configuration)["task_routing"]["default_filter"]["queue"] == second.sid


def test_workflows_are_listed_by_friendly_name(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    ws.workflows.create(friendly_name="A", configuration=config(queue.sid))
    ws.workflows.create(friendly_name="B", configuration=config(queue.sid))
    assert [w.friendly_name for w in ws.workflows.list(friendly_name="B")] == ["B"]


def test_a_workflow_is_deleted(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    created = ws.workflows.create(friendly_name="Route", configuration=config(queue.sid))
    ws.workflows(created.sid).delete()
    assert ws.workflows.list() == []


def test_a_workflow_routing_to_an_unknown_queue_is_rejected_with_20001(ws: Any, workspace: Any) -> None:
    missing = "WQ" + "0" * 32
    with pytest.raises(TwilioRestException) as caught:
        ws.workflows.create(friendly_name="Route", configuration=config(missing))
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert f"TaskQueue {missing} does not exist in Workspace {workspace.sid}" in caught.value.msg


def test_a_workflow_routing_to_another_workspaces_queue_is_rejected(client: Any, ws: Any) -> None:
    (flex,) = client.taskrouter.v1.workspaces.list(friendly_name="Flex Task Assignment")
    (everyone,) = client.taskrouter.v1.workspaces(flex.sid).task_queues.list(friendly_name="Everyone")
    with pytest.raises(TwilioRestException, match=f"TaskQueue {everyone.sid} does not exist"):
        ws.workflows.create(friendly_name="Route", configuration=config(everyone.sid))


def test_a_workflow_with_an_invalid_filter_expression_is_rejected_with_20001(ws: Any) -> None:
    queue = ws.task_queues.create(friendly_name="Billing")
    with pytest.raises(TwilioRestException) as caught:
        ws.workflows.create(friendly_name="Route", configuration=config(queue.sid, queue.sid, expression="type =="))
    assert (caught.value.status, caught.value.code) == (400, 20001)
    assert "task_routing.filters[0].expression" in caught.value.msg


def test_a_workflow_configuration_without_task_routing_is_rejected(ws: Any) -> None:
    with pytest.raises(TwilioRestException, match="task_routing"):
        ws.workflows.create(friendly_name="Route", configuration=json.dumps({"filters": []}))


def test_a_workflow_configuration_that_is_not_json_is_rejected(ws: Any) -> None:
    with pytest.raises(TwilioRestException, match="Parameter Configuration is not valid JSON"):
        ws.workflows.create(friendly_name="Route", configuration="{task_routing:")
