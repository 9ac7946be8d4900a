"""``Routing``: a TaskRouter workspace model deployed, Flex's defaults adopted rather than duplicated."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

import taskrouter
from components.options import child_options
from components.resources import Activity, TaskChannel, TaskQueue, TaskRouterWorkflow, Workspace

TYPE = "flex-pre-agent:routing:Routing"


@dataclass(frozen=True, kw_only=True)
class RoutingArgs:
    """The workspace to deploy: its activities, task channels, queues and workflows (``taskrouter`` models)."""

    workspace: taskrouter.Workspace


def slug(text: str) -> str:
    """A resource-name fragment for a friendly name: ``"Assign to Anyone"`` -> ``assign-to-anyone``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class Routing(pulumi.ComponentResource):
    """Creates (or adopts, by name) the workspace, its activities, channels, queues and workflows.

    Children are wired by ``.id`` (the SID of every Twilio resource), which a preview keeps known when
    a parent is only updated; queue SIDs are filled into each workflow's configuration by reference.
    """

    workspace_sid: pulumi.Output[str]
    activity_sids: dict[str, pulumi.Output[str]]
    """By friendly name."""
    channel_sids: dict[str, pulumi.Output[str]]
    """By unique name."""
    queue_sids: dict[str, pulumi.Output[str]]
    """By ``TaskQueue.key``."""
    workflow_sids: dict[str, pulumi.Output[str]]
    """By friendly name."""

    def __init__(self, name: str, args: RoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        model = args.workspace
        workspace = Workspace(
            f"{name}-workspace",
            friendly_name=model.friendly_name,
            multi_task_enabled=model.multi_task_enabled,
            prioritize_queue_order=model.prioritize_queue_order,
            event_callback_url=model.event_callback_url,
            opts=child_options(self, f"{name}-workspace"),
        )
        self.workspace_sid = workspace.id
        self.activity_sids = {
            activity.friendly_name: Activity(
                f"{name}-activity-{slug(activity.friendly_name)}",
                workspace_sid=workspace.id,
                friendly_name=activity.friendly_name,
                available=activity.available,
                opts=child_options(self, f"{name}-activity-{slug(activity.friendly_name)}"),
            ).id
            for activity in model.activities
        }
        self.channel_sids = {
            channel.unique_name: TaskChannel(
                f"{name}-channel-{slug(channel.unique_name)}",
                workspace_sid=workspace.id,
                unique_name=channel.unique_name,
                friendly_name=channel.friendly_name,
                channel_optimized_routing=channel.channel_optimized_routing,
                opts=child_options(self, f"{name}-channel-{slug(channel.unique_name)}"),
            ).id
            for channel in model.task_channels
        }
        self.queue_sids = {queue.key: self._queue(name, workspace, queue) for queue in model.task_queues}
        self.workflow_sids = {
            workflow.friendly_name: self._workflow(name, workspace, workflow) for workflow in model.workflows
        }
        self.register_outputs(
            {
                "workspace_sid": self.workspace_sid,
                "activity_sids": self.activity_sids,
                "channel_sids": self.channel_sids,
                "queue_sids": self.queue_sids,
                "workflow_sids": self.workflow_sids,
            }
        )

    def _queue(self, name: str, workspace: Workspace, queue: taskrouter.TaskQueue) -> pulumi.Output[str]:
        resource_name = f"{name}-queue-{slug(queue.key)}"
        return TaskQueue(
            resource_name,
            workspace_sid=workspace.id,
            friendly_name=queue.friendly_name,
            target_workers=queue.target_workers,
            max_reserved_workers=queue.max_reserved_workers,
            task_order=queue.task_order,
            reservation_activity_sid=self._activity(queue.reservation_activity),
            assignment_activity_sid=self._activity(queue.assignment_activity),
            opts=child_options(self, resource_name),
        ).id

    def _activity(self, friendly_name: str | None) -> pulumi.Output[str] | None:
        return None if friendly_name is None else self.activity_sids[friendly_name]

    def _workflow(self, name: str, workspace: Workspace, workflow: taskrouter.Workflow) -> pulumi.Output[str]:
        resource_name = f"{name}-workflow-{slug(workflow.friendly_name)}"
        sids = {queue.key: self.queue_sids[queue.key] for queue in workflow.queues()}
        return TaskRouterWorkflow(
            resource_name,
            workspace_sid=workspace.id,
            friendly_name=workflow.friendly_name,
            configuration=pulumi.Output.all(**sids).apply(workflow.to_json),
            task_reservation_timeout=workflow.task_reservation_timeout,
            opts=child_options(self, resource_name),
        ).id
