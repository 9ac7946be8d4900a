"""Replacements with the real engine's orders: Flex's objects adopted by name, the program's own never."""

import pytest

from components.providers.base import TwilioProviderError
from components.providers.taskrouter import ActivityProvider, TaskQueueProvider
from tests.emulator.support import EmulatorHandle
from tests.providers.support import client, connected, flex_workspace_sid, through_the_wire


def test_an_existing_object_of_a_non_flex_name_is_never_adopted_by_name(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    existing = queues.create(friendly_name="Support")
    provider = connected(TaskQueueProvider(), emulator)

    # Twilio keeps queue names unique in a workspace: the create is refused, and says how to take it over.
    with pytest.raises(TwilioProviderError) as refused:
        provider.create({"workspace_sid": workspace, "friendly_name": "Support"})
    assert "Twilio error 20001" in str(refused.value)
    assert 'fix: Twilio keeps TaskQueue names unique and one named \'Support\' exists' in str(refused.value)
    assert f"one named 'Support' exists ({existing.sid})" in str(refused.value)
    assert f'adopt it with adopt_sid="{existing.sid}" on a TaskQueue resource declared in code' in str(refused.value)
    # A queue of the @routing function takes no adopt_sid: the stack file's adopt setting takes it over by name.
    assert ("take it over by listing it in the stack file's adopt setting (adopt: {queues: [Support]}) when the "
            "@routing function makes it" in str(refused.value))
    assert [q.sid for q in queues.list() if q.friendly_name == "Support"] == [existing.sid]

    adopted = provider.create({"workspace_sid": workspace, "friendly_name": "Support", "adopt_sid": existing.sid})
    assert (adopted.id, (adopted.outs or {})["adopted"]) == (existing.sid, True)


def test_a_console_queue_named_in_the_adopt_setting_is_taken_over_and_destroy_puts_it_back(
    emulator: EmulatorHandle,
) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    console = queues.create(friendly_name="Sales", target_workers="routing.skills HAS 'sales'")
    inputs = {"workspace_sid": workspace, "friendly_name": "Sales", "adopt_existing": True,
              "target_workers": "routing.skills HAS 'sales' AND level > 1", "max_reserved_workers": 2}

    adopted = connected(TaskQueueProvider(), emulator).create(inputs)

    assert (adopted.id, (adopted.outs or {})["adopted"]) == (console.sid, True)
    assert [q.sid for q in queues.list() if q.friendly_name == "Sales"] == [console.sid]  # none created beside it
    assert queues(console.sid).fetch().target_workers == "routing.skills HAS 'sales' AND level > 1"
    connected(TaskQueueProvider(), emulator).delete(adopted.id, {**inputs, **(adopted.outs or {})})
    after = queues(console.sid).fetch()  # not deleted: put back as the Console left it
    assert (after.target_workers, after.max_reserved_workers) == ("routing.skills HAS 'sales'", 1)


def test_a_queue_named_in_the_adopt_setting_that_does_not_exist_yet_is_created_and_deleted_as_its_own(
    emulator: EmulatorHandle,
) -> None:
    workspace = flex_workspace_sid(emulator)
    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues
    inputs = {"workspace_sid": workspace, "friendly_name": "Sales", "adopt_existing": True}

    created = connected(TaskQueueProvider(), emulator).create(inputs)

    assert (created.outs or {})["adopted"] is False
    connected(TaskQueueProvider(), emulator).delete(created.id, {**inputs, **(created.outs or {})})
    assert [q.sid for q in queues.list() if q.friendly_name == "Sales"] == []


def test_a_replacement_created_first_gets_its_own_object_and_the_old_one_goes(emulator: EmulatorHandle) -> None:
    # The engine's order for --replace, replace_on_changes or a rename without an alias: create the
    # new resource, update what uses it, then delete the old one. Under another name it works; under the
    # same name Twilio refuses the second queue, and the message says how to keep the object instead.
    workspace = flex_workspace_sid(emulator)
    provider = connected(TaskQueueProvider(), emulator)
    old = provider.create({"workspace_sid": workspace, "friendly_name": "Support"})
    with pytest.raises(TwilioProviderError, match=r"aliases=\[pulumi\.Alias\(name=\"<old name>\"\)\]"):
        provider.create({"workspace_sid": workspace, "friendly_name": "Support"})
    new = provider.create({"workspace_sid": workspace, "friendly_name": "Support desk"})
    provider.delete(old.id, through_the_wire(old.outs or {}))

    queues = client(emulator).taskrouter.v1.workspaces(workspace).task_queues.list()
    assert [q.sid for q in queues if q.friendly_name.startswith("Support")] == [new.id]
    assert (new.outs or {})["adopted"] is False


def test_an_activity_replaced_delete_first_moves_its_queues_to_the_default_activity(emulator: EmulatorHandle) -> None:
    workspace = flex_workspace_sid(emulator)
    tr = client(emulator).taskrouter.v1.workspaces(workspace)
    activities = connected(ActivityProvider(), emulator)
    lunch = activities.create({"workspace_sid": workspace, "friendly_name": "Lunch", "available": False})
    queue = tr.task_queues.create(friendly_name="Support", reservation_activity_sid=lunch.id)

    activities.delete(lunch.id, through_the_wire(lunch.outs or {}))

    assert tr.task_queues(queue.sid).fetch().reservation_activity_sid == tr.fetch().default_activity_sid
    assert lunch.id not in {a.sid for a in tr.activities.list()}
