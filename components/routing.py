"""``Routing``: a TaskRouter workspace model deployed, Flex's defaults adopted rather than duplicated."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

import taskrouter
from components.errors import cleanly
from components.options import child_options
from components.resources import Activity, TaskChannel, TaskQueue, TaskRouterWorkflow, Workspace
from taskrouter.keyed import keyed_configuration

TYPE = "flex-pre-agent:routing:Routing"


@dataclass(frozen=True, kw_only=True)
class RoutingArgs:
    """The workspace to deploy: its activities, task channels, queues and workflows (``taskrouter`` models)."""

    workspace: taskrouter.Workspace
    adopt_queues: frozenset[str] = frozenset()
    """Friendly names of queues the account already has (made in the Console): taken over, not created."""
    adopt_workflows: frozenset[str] = frozenset()
    """The same for workflows."""


def _keyed_configuration(workflow: taskrouter.Workflow) -> Callable[[dict[str, str]], Any]:
    """Queue SIDs -> the configuration with filters keyed by name: a preview shows the one filter a change touches."""
    return lambda sids: keyed_configuration(workflow.to_configuration(sids))


def _adopted(friendly_name: str, names: frozenset[str]) -> dict[str, bool]:
    """``adopt_existing`` for an object the stack's ``adopt`` setting names; nothing otherwise (its state unchanged)."""
    return {"adopt_existing": True} if friendly_name in names else {}


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
    """By ``TaskQueue.key`` (how workflow configurations reference them)."""
    queue_sids_by_name: dict[str, pulumi.Output[str]]
    """By friendly name, as workflows are (the stack output ``queueSids``)."""
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
            activity.friendly_name: self._child(Activity, f"activity-{slug(activity.friendly_name)}",
                                                **activity.model_dump())
            for activity in model.activities
        }
        self.channel_sids = {
            channel.unique_name: self._child(TaskChannel, f"channel-{slug(channel.unique_name)}",
                                             **channel.model_dump())
            for channel in model.task_channels
        }
        self.queue_sids = {
            queue.key: self._child(
                TaskQueue,
                f"queue-{slug(queue.key)}",
                friendly_name=queue.friendly_name,
                target_workers=queue.target_workers,
                max_reserved_workers=queue.max_reserved_workers,
                task_order=queue.task_order,
                reservation_activity_sid=self._activity(queue.reservation_activity),
                assignment_activity_sid=self._activity(queue.assignment_activity),
                **_adopted(queue.friendly_name, args.adopt_queues),
            )
            for queue in model.task_queues
        }
        self.queue_sids_by_name = {queue.friendly_name: self.queue_sids[queue.key] for queue in model.task_queues}
        self.workflow_sids = {
            workflow.friendly_name: self._child(
                TaskRouterWorkflow,
                f"workflow-{slug(workflow.friendly_name)}",
                friendly_name=workflow.friendly_name,
                configuration=pulumi.Output.all(
                    **{queue.key: self.queue_sids[queue.key] for queue in workflow.queues()}
                ).apply(cleanly(_keyed_configuration(workflow))),
                task_reservation_timeout=workflow.task_reservation_timeout,
                **_adopted(workflow.friendly_name, args.adopt_workflows),
            )
            for workflow in model.workflows
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

    def _child(self, kind: Callable[..., pulumi.CustomResource], suffix: str, **inputs: Any) -> pulumi.Output[str]:
        """A resource of the workspace, named ``<component>-<suffix>``; its SID (the id)."""
        name = f"{self.pulumi_resource_name}-{suffix}"
        return kind(name, workspace_sid=self.workspace_sid, **inputs, opts=child_options(self, name)).id

    def _activity(self, friendly_name: str | None) -> pulumi.Output[str] | None:
        return None if friendly_name is None else self.activity_sids[friendly_name]
