"""TaskRouter v1: Workspaces, Activities, TaskChannels, TaskQueues and Workflows."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from twilio_emulator import validation
from twilio_emulator.errors import bad_request, not_found
from twilio_emulator.paging import meta_page
from twilio_emulator.params import Params, is_sid
from twilio_emulator.records import (
    Activity,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
    apply_changes,
    new_sid,
    now,
    sent,
)
from twilio_emulator.routing import Call, Reply, Route
from twilio_emulator.state import State, Table

R = TypeVar("R", Activity, TaskChannel, TaskQueue, Workflow)

QUEUE_ORDERS = ("FIFO", "LIFO")
# What TaskRouter puts in every new (non-Flex) workspace: (friendly name, available), and its channel.
DEFAULT_ACTIVITIES = (("Offline", False), ("Available", True), ("Unavailable", False))
DEFAULT_CHANNELS = (("Default", "default"),)
# New workers start in it, and it is where timed-out workers go.
DEFAULT_ACTIVITY = "Offline"


# ----------------------------------------------------------------------------------------- building


def add_workspace(
    state: State,
    friendly_name: str,
    *,
    multi_task_enabled: bool = True,
    event_callback_url: str | None = None,
    events_filter: str | None = None,
    prioritize_queue_order: str = "FIFO",
    flex: bool = False,
) -> Workspace:
    """A new workspace with TaskRouter's default activities and channels (Flex's when `flex`)."""
    stamp = now()
    workspace = Workspace(
        sid=new_sid("WS"),
        friendly_name=friendly_name,
        event_callback_url=event_callback_url,
        events_filter=events_filter,
        multi_task_enabled=multi_task_enabled,
        prioritize_queue_order=prioritize_queue_order,
        default_activity_sid=None,
        timeout_activity_sid=None,
        date_created=stamp,
        date_updated=stamp,
        flex=flex,
    )
    state.workspaces[workspace.sid] = workspace
    defaults = validation.FLEX_DEFAULTS
    for name, available in defaults.activities if flex else DEFAULT_ACTIVITIES:
        activity = add_activity(state, workspace.sid, name, available)
        if name == DEFAULT_ACTIVITY:
            workspace.default_activity_sid = workspace.timeout_activity_sid = activity.sid
    for channel_name, unique_name in defaults.channels if flex else DEFAULT_CHANNELS:
        add_channel(state, workspace.sid, channel_name, unique_name)
    return workspace


def add_flex_workspace(state: State) -> Workspace:
    """The workspace a fresh Flex account has: activities, channels, "Everyone" and "Assign to Anyone"."""
    workspace = add_workspace(state, validation.FLEX_DEFAULTS.workspace_name, flex=True)
    everyone = add_queue(state, workspace.sid, "Everyone")
    add_workflow(state, workspace.sid, "Assign to Anyone", _default_filter_configuration(everyone.sid))
    return workspace


def _default_filter_configuration(queue_sid: str) -> str:
    return json.dumps({"task_routing": {"filters": [], "default_filter": {"queue": queue_sid}}})


def add_activity(state: State, workspace_sid: str, friendly_name: str, available: bool) -> Activity:
    stamp = now()
    activity = Activity(
        sid=new_sid("WA"),
        workspace_sid=workspace_sid,
        friendly_name=friendly_name,
        available=available,
        date_created=stamp,
        date_updated=stamp,
    )
    state.activities[activity.sid] = activity
    return activity


def add_channel(
    state: State, workspace_sid: str, friendly_name: str, unique_name: str, *, optimized: bool = False
) -> TaskChannel:
    stamp = now()
    channel = TaskChannel(
        sid=new_sid("TC"),
        workspace_sid=workspace_sid,
        friendly_name=friendly_name,
        unique_name=unique_name,
        channel_optimized_routing=optimized,
        date_created=stamp,
        date_updated=stamp,
    )
    state.task_channels[channel.sid] = channel
    return channel


def add_queue(state: State, workspace_sid: str, friendly_name: str, target_workers: str = "1==1") -> TaskQueue:
    stamp = now()
    queue = TaskQueue(
        sid=new_sid("WQ"),
        workspace_sid=workspace_sid,
        friendly_name=friendly_name,
        target_workers=target_workers,
        max_reserved_workers=1,
        task_order="FIFO",
        reservation_activity_sid=None,
        assignment_activity_sid=None,
        date_created=stamp,
        date_updated=stamp,
    )
    state.task_queues[queue.sid] = queue
    return queue


def add_workflow(state: State, workspace_sid: str, friendly_name: str, configuration: str) -> Workflow:
    stamp = now()
    workflow = Workflow(
        sid=new_sid("WW"),
        workspace_sid=workspace_sid,
        friendly_name=friendly_name,
        configuration=configuration,
        assignment_callback_url=None,
        fallback_assignment_callback_url=None,
        task_reservation_timeout=120,
        date_created=stamp,
        date_updated=stamp,
    )
    state.workflows[workflow.sid] = workflow
    return workflow


# ------------------------------------------------------------------------------------------ lookups


def _workspace(call: Call, arg: str = "WorkspaceSid") -> Workspace:
    sid = call.args[arg]
    workspace = call.state.workspaces.get(sid) if is_sid(sid, "WS") else None
    if workspace is None:
        raise not_found(call.path)
    return workspace


def _child(call: Call, table: dict[str, R], prefix: str) -> R:
    """The record named by the path's `{Sid}` inside the path's workspace."""
    workspace = _workspace(call)
    sid = call.args["Sid"]
    record = table.get(sid) if is_sid(sid, prefix) else None
    if record is None or record.workspace_sid != workspace.sid:
        raise not_found(call.path)
    return record


def _children(table: Table[R], workspace_sid: str) -> list[R]:
    return table.children(workspace_sid)  # indexed by workspace (state.Table)


def _drop_children(table: Table[R], workspace_sid: str) -> None:
    for record in _children(table, workspace_sid):
        del table[record.sid]


@functools.lru_cache(maxsize=4096)
def _queue_sids(configuration: str) -> frozenset[str]:
    """The queues a stored (accepted) workflow configuration routes to; parsed once per configuration text."""
    return frozenset(validation.referenced_queue_sids(configuration))


def _friendly_name_filter(query: Params, records: Iterable[R]) -> list[R]:
    wanted = query.text("FriendlyName")
    return [r for r in records if wanted is None or r.friendly_name == wanted]


# How TaskRouter names a resource in its "already exists" answer.
_KINDS = {Activity: "Activity", TaskQueue: "Queue", Workflow: "Workflow"}


def _unique_name(
    call: Call, table: Table[R], workspace: Workspace, friendly_name: str | None, *, renaming: R | None = None
) -> None:
    """400/20001 when another record of the workspace has this friendly name (exact match).

    Twilio's own words for a queue: "Queue named Sales already exists for workspace WS... for account AC..."
    (a live answer: nash-md/twilio-contact-center#23); activities and workflows get the same sentence
    with their own kind (unverified, README "Choices").
    """
    if friendly_name is None:
        return
    for record in _children(table, workspace.sid):
        if record.friendly_name == friendly_name and record is not renaming:
            raise bad_request(
                f"{_KINDS[type(record)]} named {friendly_name} already exists for workspace {workspace.sid} "
                f"for account {call.account_sid}"
            )


def _activity_sid(call: Call, workspace: Workspace, name: str) -> str | None:
    """An activity SID parameter, which must name an activity of this workspace."""
    sid = call.form.sid(name, "WA")
    if sid is None:
        return None
    activity = call.state.activities.get(sid)
    if activity is None or activity.workspace_sid != workspace.sid:
        raise bad_request(
            f"{name} {sid} is not an Activity of Workspace {workspace.sid} ({workspace.friendly_name}); "
            "list the workspace's Activities for valid SIDs"
        )
    return sid


def _target_workers(call: Call) -> str | None:
    """The TargetWorkers expression, parsed to catch what TaskRouter rejects ("" is allowed: no worker)."""
    text = call.form.text("TargetWorkers")
    problems = validation.check_target_workers(text) if text else []
    if problems:
        raise bad_request(f"Invalid TargetWorkers expression {text!r}: {problems[0]}")
    return text


def _workspace_url(call: Call, workspace_sid: str, rest: str = "") -> str:
    return call.twilio_url(f"/v1/Workspaces/{workspace_sid}{rest}")


# --------------------------------------------------------------------------------------- workspaces


def _render_workspace(call: Call, workspace: Workspace) -> dict[str, Any]:
    activities = call.state.activities
    default = activities.get(workspace.default_activity_sid or "")
    timeout = activities.get(workspace.timeout_activity_sid or "")
    url = _workspace_url(call, workspace.sid)
    links = (
        "activities:Activities statistics:Statistics real_time_statistics:RealTimeStatistics "
        "cumulative_statistics:CumulativeStatistics task_queues:TaskQueues tasks:Tasks workers:Workers "
        "workflows:Workflows task_channels:TaskChannels events:Events"
    )
    return {
        "account_sid": call.account_sid,
        "date_created": workspace.date_created,
        "date_updated": workspace.date_updated,
        "default_activity_name": default.friendly_name if default else None,
        "default_activity_sid": workspace.default_activity_sid,
        "event_callback_url": workspace.event_callback_url,
        "events_filter": workspace.events_filter,
        "friendly_name": workspace.friendly_name,
        "multi_task_enabled": workspace.multi_task_enabled,
        "sid": workspace.sid,
        "timeout_activity_name": timeout.friendly_name if timeout else None,
        "timeout_activity_sid": workspace.timeout_activity_sid,
        "prioritize_queue_order": workspace.prioritize_queue_order,
        "url": url,
        "links": {key: f"{url}/{path}" for key, path in (link.split(":") for link in links.split())},
    }


def create_workspace(call: Call) -> Reply:
    form = call.form
    friendly_name = form.required("FriendlyName", max_length=64)
    template = form.choice("Template", ("NONE", "FIFO"), case_insensitive=True) or "NONE"
    workspace = add_workspace(
        call.state,
        friendly_name,
        multi_task_enabled=form.boolean("MultiTaskEnabled") is not False,
        event_callback_url=form.url("EventCallbackUrl"),
        events_filter=form.text("EventsFilter"),
        prioritize_queue_order=form.choice("PrioritizeQueueOrder", QUEUE_ORDERS) or "FIFO",
    )
    if template == "FIFO":
        queue = add_queue(call.state, workspace.sid, "Sample Queue")
        add_workflow(call.state, workspace.sid, "Default Fifo Workflow", _default_filter_configuration(queue.sid))
    return Reply(201, _render_workspace(call, workspace))


def list_workspaces(call: Call) -> Reply:
    wanted = call.query.text("FriendlyName")
    workspaces = [w for w in call.state.workspaces.values() if wanted is None or w.friendly_name == wanted]
    return Reply(
        200,
        meta_page(
            call, key="workspaces", path="/v1/Workspaces", items=workspaces,
            render=lambda w: _render_workspace(call, w),
        ),
    )


def fetch_workspace(call: Call) -> Reply:
    return Reply(200, _render_workspace(call, _workspace(call, "Sid")))


def update_workspace(call: Call) -> Reply:
    workspace = _workspace(call, "Sid")
    form = call.form
    multi_task = form.boolean("MultiTaskEnabled")
    if multi_task is False and workspace.flex:
        raise bad_request(
            f"Workspace {workspace.sid} ({workspace.friendly_name}) is a Flex workspace: Flex workspaces are "
            "always multitasking, so MultiTaskEnabled cannot be set to false"
        )
    changes = sent({
        "friendly_name": form.text("FriendlyName", max_length=64) or None,
        "default_activity_sid": _activity_sid(call, workspace, "DefaultActivitySid"),
        "timeout_activity_sid": _activity_sid(call, workspace, "TimeoutActivitySid"),
        "multi_task_enabled": multi_task,
        "prioritize_queue_order": form.choice("PrioritizeQueueOrder", QUEUE_ORDERS),
    })
    if form.has("EventCallbackUrl"):
        changes["event_callback_url"] = form.url("EventCallbackUrl")
    if form.has("EventsFilter"):
        changes["events_filter"] = form.text("EventsFilter")
    apply_changes(workspace, changes)
    workspace.date_updated = now()
    return Reply(200, _render_workspace(call, workspace))


def delete_workspace(call: Call) -> Reply:
    workspace = _workspace(call, "Sid")
    state = call.state
    _drop_children(state.activities, workspace.sid)
    _drop_children(state.task_channels, workspace.sid)
    _drop_children(state.task_queues, workspace.sid)
    _drop_children(state.workflows, workspace.sid)
    del state.workspaces[workspace.sid]
    return Reply(204)


# --------------------------------------------------------------------------------------- activities


def _render_activity(call: Call, activity: Activity) -> dict[str, Any]:
    return {
        "account_sid": call.account_sid,
        "available": activity.available,
        "date_created": activity.date_created,
        "date_updated": activity.date_updated,
        "friendly_name": activity.friendly_name,
        "sid": activity.sid,
        "workspace_sid": activity.workspace_sid,
        "url": _workspace_url(call, activity.workspace_sid, f"/Activities/{activity.sid}"),
        "links": {"workspace": _workspace_url(call, activity.workspace_sid)},
    }


def create_activity(call: Call) -> Reply:
    workspace = _workspace(call)
    friendly_name = call.form.required("FriendlyName", max_length=64)
    available = call.form.boolean("Available", also_true=("1", "yes")) or False
    _unique_name(call, call.state.activities, workspace, friendly_name)
    activity = add_activity(call.state, workspace.sid, friendly_name, available)
    return Reply(201, _render_activity(call, activity))


def list_activities(call: Call) -> Reply:
    workspace = _workspace(call)
    activities = _friendly_name_filter(call.query, _children(call.state.activities, workspace.sid))
    available = call.query.boolean("Available", also_true=("1", "yes"))
    if available is not None:
        activities = [a for a in activities if a.available == available]
    return Reply(
        200,
        meta_page(
            call, key="activities", path=f"/v1/Workspaces/{workspace.sid}/Activities", items=activities,
            render=lambda a: _render_activity(call, a),
        ),
    )


def fetch_activity(call: Call) -> Reply:
    return Reply(200, _render_activity(call, _child(call, call.state.activities, "WA")))


def update_activity(call: Call) -> Reply:
    """Only FriendlyName changes; `Available` is fixed at creation and ignored here, as TaskRouter does."""
    activity = _child(call, call.state.activities, "WA")
    friendly_name = call.form.text("FriendlyName", max_length=64) or activity.friendly_name
    workspace = call.state.workspaces[activity.workspace_sid]
    _unique_name(call, call.state.activities, workspace, friendly_name, renaming=activity)
    activity.friendly_name = friendly_name
    activity.date_updated = now()
    return Reply(200, _render_activity(call, activity))


def delete_activity(call: Call) -> Reply:
    activity = _child(call, call.state.activities, "WA")
    workspace = call.state.workspaces[activity.workspace_sid]
    roles = [
        role
        for role, sid in (("default", workspace.default_activity_sid), ("timeout", workspace.timeout_activity_sid))
        if sid == activity.sid
    ]
    if roles:
        raise bad_request(
            f"Cannot delete Activity {activity.sid} ({activity.friendly_name}): it is the {' and '.join(roles)} "
            f"activity of Workspace {workspace.sid} ({workspace.friendly_name}). Update the workspace's "
            "DefaultActivitySid/TimeoutActivitySid to another activity first."
        )
    users = [
        q for q in _children(call.state.task_queues, workspace.sid)
        if activity.sid in (q.reservation_activity_sid, q.assignment_activity_sid)
    ]
    if users:
        raise bad_request(
            f"Cannot delete Activity {activity.sid} ({activity.friendly_name}): TaskQueue "
            f"{users[0].sid} ({users[0].friendly_name}) uses it as its reservation or assignment activity. "
            "Update the queue first."
        )
    del call.state.activities[activity.sid]
    return Reply(204)


# ------------------------------------------------------------------------------------ task channels


def _render_channel(call: Call, channel: TaskChannel) -> dict[str, Any]:
    return {
        "account_sid": call.account_sid,
        "date_created": channel.date_created,
        "date_updated": channel.date_updated,
        "friendly_name": channel.friendly_name,
        "sid": channel.sid,
        "unique_name": channel.unique_name,
        "workspace_sid": channel.workspace_sid,
        "channel_optimized_routing": channel.channel_optimized_routing,
        "url": _workspace_url(call, channel.workspace_sid, f"/TaskChannels/{channel.sid}"),
        "links": {"workspace": _workspace_url(call, channel.workspace_sid)},
    }


def _channel(call: Call) -> TaskChannel:
    """The channel named by SID or by unique name (TaskRouter accepts both)."""
    workspace = _workspace(call)
    wanted = call.args["Sid"]
    for channel in _children(call.state.task_channels, workspace.sid):
        if wanted in (channel.sid, channel.unique_name):
            return channel
    raise not_found(call.path)


def _no_hyphen(name: str, value: str) -> str:
    if "-" in value:
        raise bad_request(f"{name} {value!r} contains a hyphen; Task Channel names do not support hyphens")
    return value


def create_channel(call: Call) -> Reply:
    workspace = _workspace(call)
    friendly_name = _no_hyphen("FriendlyName", call.form.required("FriendlyName", max_length=64))
    unique_name = _no_hyphen("UniqueName", call.form.required("UniqueName", max_length=64))
    for existing in _children(call.state.task_channels, workspace.sid):
        if existing.unique_name == unique_name:
            raise bad_request(
                f"A TaskChannel with UniqueName {unique_name!r} already exists in Workspace {workspace.sid}: "
                f"{existing.sid}. Unique names are unique per workspace; update that channel instead."
            )
    channel = add_channel(
        call.state, workspace.sid, friendly_name, unique_name,
        optimized=call.form.boolean("ChannelOptimizedRouting") or False,
    )
    return Reply(201, _render_channel(call, channel))


def list_channels(call: Call) -> Reply:
    workspace = _workspace(call)
    return Reply(
        200,
        meta_page(
            call, key="channels", path=f"/v1/Workspaces/{workspace.sid}/TaskChannels",
            items=_children(call.state.task_channels, workspace.sid),
            render=lambda c: _render_channel(call, c),
        ),
    )


def fetch_channel(call: Call) -> Reply:
    return Reply(200, _render_channel(call, _channel(call)))


def update_channel(call: Call) -> Reply:
    channel = _channel(call)
    friendly_name = call.form.text("FriendlyName", max_length=64)
    changes = sent({
        "friendly_name": _no_hyphen("FriendlyName", friendly_name) if friendly_name else None,
        "channel_optimized_routing": call.form.boolean("ChannelOptimizedRouting"),
    })
    apply_changes(channel, changes)
    channel.date_updated = now()
    return Reply(200, _render_channel(call, channel))


def delete_channel(call: Call) -> Reply:
    del call.state.task_channels[_channel(call).sid]
    return Reply(204)


# -------------------------------------------------------------------------------------- task queues


def _render_queue(call: Call, queue: TaskQueue) -> dict[str, Any]:
    activities = call.state.activities
    reservation = activities.get(queue.reservation_activity_sid or "")
    assignment = activities.get(queue.assignment_activity_sid or "")
    url = _workspace_url(call, queue.workspace_sid, f"/TaskQueues/{queue.sid}")
    queues_url = _workspace_url(call, queue.workspace_sid, "/TaskQueues")

    def activity_url(sid: str | None) -> str | None:
        return None if sid is None else _workspace_url(call, queue.workspace_sid, f"/Activities/{sid}")

    return {
        "account_sid": call.account_sid,
        "assignment_activity_sid": queue.assignment_activity_sid,
        "assignment_activity_name": assignment.friendly_name if assignment else None,
        "date_created": queue.date_created,
        "date_updated": queue.date_updated,
        "friendly_name": queue.friendly_name,
        "max_reserved_workers": queue.max_reserved_workers,
        "reservation_activity_sid": queue.reservation_activity_sid,
        "reservation_activity_name": reservation.friendly_name if reservation else None,
        "sid": queue.sid,
        "target_workers": queue.target_workers,
        "task_order": queue.task_order,
        "url": url,
        "workspace_sid": queue.workspace_sid,
        "links": {
            "assignment_activity": activity_url(queue.assignment_activity_sid),
            "reservation_activity": activity_url(queue.reservation_activity_sid),
            "workspace": _workspace_url(call, queue.workspace_sid),
            "statistics": f"{url}/Statistics",
            "real_time_statistics": f"{url}/RealTimeStatistics",
            "cumulative_statistics": f"{url}/CumulativeStatistics",
            "list_statistics": f"{queues_url}/Statistics",
            "bulk_real_time_statistics": f"{queues_url}/RealTimeStatistics",
        },
    }


def _queue_changes(call: Call, workspace: Workspace) -> dict[str, Any]:
    """The queue fields this request sets, all validated before anything changes."""
    form = call.form
    changes: dict[str, Any] = {
        "friendly_name": form.text("FriendlyName", max_length=64) or None,
        "target_workers": _target_workers(call),
        "max_reserved_workers": form.integer("MaxReservedWorkers", minimum=1, maximum=50),
        "task_order": form.choice("TaskOrder", QUEUE_ORDERS),
    }
    changes = sent(changes)
    for param, field in (
        ("ReservationActivitySid", "reservation_activity_sid"),
        ("AssignmentActivitySid", "assignment_activity_sid"),
    ):
        if form.has(param):
            changes[field] = _activity_sid(call, workspace, param)
    return changes


def create_queue(call: Call) -> Reply:
    workspace = _workspace(call)
    call.form.required("FriendlyName", max_length=64)
    changes = _queue_changes(call, workspace)
    _unique_name(call, call.state.task_queues, workspace, changes["friendly_name"])
    queue = add_queue(call.state, workspace.sid, changes.pop("friendly_name"))
    apply_changes(queue, changes)
    return Reply(201, _render_queue(call, queue))


_UNSUPPORTED_QUEUE_FILTERS = ("EvaluateWorkerAttributes", "WorkerSid")


def list_queues(call: Call) -> Reply:
    workspace = _workspace(call)
    for name in _UNSUPPORTED_QUEUE_FILTERS:
        if call.query.has(name):
            raise bad_request(
                f"The local emulator does not support the {name} filter on TaskQueues (it has no workers); "
                "filter by FriendlyName or list all queues"
            )
    queues = _friendly_name_filter(call.query, _children(call.state.task_queues, workspace.sid))
    return Reply(
        200,
        meta_page(
            call, key="task_queues", path=f"/v1/Workspaces/{workspace.sid}/TaskQueues", items=queues,
            render=lambda q: _render_queue(call, q),
        ),
    )


def fetch_queue(call: Call) -> Reply:
    return Reply(200, _render_queue(call, _child(call, call.state.task_queues, "WQ")))


def update_queue(call: Call) -> Reply:
    queue = _child(call, call.state.task_queues, "WQ")
    workspace = call.state.workspaces[queue.workspace_sid]
    changes = _queue_changes(call, workspace)
    _unique_name(call, call.state.task_queues, workspace, changes.get("friendly_name"), renaming=queue)
    apply_changes(queue, changes)
    queue.date_updated = now()
    return Reply(200, _render_queue(call, queue))


def delete_queue(call: Call) -> Reply:
    """A queue a workflow routes to cannot go (TaskRouter refuses, naming the workflow)."""
    queue = _child(call, call.state.task_queues, "WQ")
    workflows = _children(call.state.workflows, queue.workspace_sid)
    users = [w for w in workflows if queue.sid in _queue_sids(w.configuration)]
    if users:
        names = ", ".join(f"{w.sid} ({w.friendly_name})" for w in users)
        raise bad_request(
            f"Cannot delete TaskQueue {queue.sid} ({queue.friendly_name}): it is referenced by Workflow {names}. "
            "Remove the queue from the workflow configuration (or delete the workflow) first."
        )
    del call.state.task_queues[queue.sid]
    return Reply(204)


# ---------------------------------------------------------------------------------------- workflows


def _render_workflow(call: Call, workflow: Workflow) -> dict[str, Any]:
    url = _workspace_url(call, workflow.workspace_sid, f"/Workflows/{workflow.sid}")
    return {
        "account_sid": call.account_sid,
        "assignment_callback_url": workflow.assignment_callback_url,
        "configuration": workflow.configuration,
        "date_created": workflow.date_created,
        "date_updated": workflow.date_updated,
        "document_content_type": "application/json",
        "fallback_assignment_callback_url": workflow.fallback_assignment_callback_url,
        "friendly_name": workflow.friendly_name,
        "sid": workflow.sid,
        "task_reservation_timeout": workflow.task_reservation_timeout,
        "workspace_sid": workflow.workspace_sid,
        "url": url,
        "links": {
            "statistics": f"{url}/Statistics",
            "real_time_statistics": f"{url}/RealTimeStatistics",
            "cumulative_statistics": f"{url}/CumulativeStatistics",
        },
    }


def _checked_configuration(call: Call, workspace: Workspace, *, required: bool) -> str | None:
    """The `Configuration` parameter, validated: JSON shape, expressions, queues of this workspace."""
    data = call.form.json("Configuration", required=required)
    if data is None and not call.form.has("Configuration"):
        return None
    problems = validation.check_workflow_configuration(data)
    if problems:
        raise bad_request(
            "Invalid Configuration: " + "; ".join(problems) + ". See "
            "https://www.twilio.com/docs/taskrouter/workflow-configuration for the format."
        )
    for sid in validation.referenced_queue_sids(data):
        queue = call.state.task_queues.get(sid)
        if queue is None or queue.workspace_sid != workspace.sid:
            raise bad_request(
                f"Invalid Configuration: TaskQueue {sid} does not exist in Workspace {workspace.sid} "
                f"({workspace.friendly_name}); create the queue first or use the SID of one of its TaskQueues"
            )
    return call.form.text("Configuration")


def _workflow_changes(call: Call, workspace: Workspace, *, creating: bool) -> dict[str, Any]:
    """The workflow fields this request sets, all validated before anything changes."""
    form = call.form
    changes: dict[str, Any] = {
        "friendly_name": form.required("FriendlyName", max_length=64)
        if creating
        else form.text("FriendlyName", max_length=64) or None,
        "configuration": _checked_configuration(call, workspace, required=creating),
        "task_reservation_timeout": form.integer("TaskReservationTimeout", minimum=1, maximum=86400),
    }
    changes = sent(changes)
    for param, field in (
        ("AssignmentCallbackUrl", "assignment_callback_url"),
        ("FallbackAssignmentCallbackUrl", "fallback_assignment_callback_url"),
    ):
        if form.has(param):
            changes[field] = form.url(param)
    form.choice("ReEvaluateTasks", ("true", "false"), case_insensitive=True)  # accepted; there are no tasks
    return changes


def create_workflow(call: Call) -> Reply:
    workspace = _workspace(call)
    changes = _workflow_changes(call, workspace, creating=True)
    _unique_name(call, call.state.workflows, workspace, changes["friendly_name"])
    workflow = add_workflow(
        call.state, workspace.sid, changes.pop("friendly_name"), changes.pop("configuration")
    )
    apply_changes(workflow, changes)
    return Reply(201, _render_workflow(call, workflow))


def list_workflows(call: Call) -> Reply:
    workspace = _workspace(call)
    workflows = _friendly_name_filter(call.query, _children(call.state.workflows, workspace.sid))
    return Reply(
        200,
        meta_page(
            call, key="workflows", path=f"/v1/Workspaces/{workspace.sid}/Workflows", items=workflows,
            render=lambda w: _render_workflow(call, w),
        ),
    )


def fetch_workflow(call: Call) -> Reply:
    return Reply(200, _render_workflow(call, _child(call, call.state.workflows, "WW")))


def update_workflow(call: Call) -> Reply:
    workflow = _child(call, call.state.workflows, "WW")
    workspace = call.state.workspaces[workflow.workspace_sid]
    changes = _workflow_changes(call, workspace, creating=False)
    _unique_name(call, call.state.workflows, workspace, changes.get("friendly_name"), renaming=workflow)
    apply_changes(workflow, changes)
    workflow.date_updated = now()
    return Reply(200, _render_workflow(call, workflow))


def delete_workflow(call: Call) -> Reply:
    del call.state.workflows[_child(call, call.state.workflows, "WW").sid]
    return Reply(204)


# ------------------------------------------------------------------------------------------- routes


def _crud(collection: str, handlers: tuple[Callable[[Call], Reply], ...]) -> list[Route]:
    create, listing, fetch, update, delete = handlers
    base = f"/taskrouter/v1/Workspaces/{{WorkspaceSid}}/{collection}"
    return [
        Route("POST", base, create),
        Route("GET", base, listing),
        Route("GET", base + "/{Sid}", fetch),
        Route("POST", base + "/{Sid}", update),
        Route("DELETE", base + "/{Sid}", delete),
    ]


ROUTES = [
    Route("POST", "/taskrouter/v1/Workspaces", create_workspace),
    Route("GET", "/taskrouter/v1/Workspaces", list_workspaces),
    Route("GET", "/taskrouter/v1/Workspaces/{Sid}", fetch_workspace),
    Route("POST", "/taskrouter/v1/Workspaces/{Sid}", update_workspace),
    Route("DELETE", "/taskrouter/v1/Workspaces/{Sid}", delete_workspace),
    *_crud("Activities", (create_activity, list_activities, fetch_activity, update_activity, delete_activity)),
    *_crud("TaskChannels", (create_channel, list_channels, fetch_channel, update_channel, delete_channel)),
    *_crud("TaskQueues", (create_queue, list_queues, fetch_queue, update_queue, delete_queue)),
    *_crud("Workflows", (create_workflow, list_workflows, fetch_workflow, update_workflow, delete_workflow)),
]
