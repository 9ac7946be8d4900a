"""TaskRouter providers: Workspace, Activity, TaskChannel, TaskQueue and Workflow.

A Flex account already holds its workspace, activities, channels, the "Everyone" queue and the
"Assign to Anyone" workflow. Creating one of these finds an existing object of the same name (or the
SID given in ``adopt_sid``) and adopts it instead of making a duplicate. An adopted object is never
deleted: removing it from the program only releases it from management.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from components.providers.base import (
    Field,
    Props,
    TwilioProvider,
    TwilioProviderError,
    canonical,
    unset_if_none,
)
from components.providers.twilio_api import Connection

# Inputs every TaskRouter resource has besides its own: how to adopt, never compared.
ADOPTION_FIELDS: Mapping[str, Field] = {"adopt_sid": Field(compare=False)}
TASK_ORDERS = ("FIFO", "LIFO")


class TaskRouterProvider(TwilioProvider):
    """Create-or-adopt, update, read and delete-unless-adopted over one SDK collection."""

    match_field: ClassVar[str] = "friendly_name"  # the name an existing object is adopted by
    case_insensitive_match: ClassVar[bool] = True  # Flex tooling spells "Assign To Anyone" both ways

    def collection(self, conn: Connection, props: Props) -> Any:
        """The SDK list object this resource lives in."""
        raise NotImplementedError

    def settable(self) -> list[str]:
        """The inputs that are the object's own fields (not its parent workspace, not how to adopt it)."""
        return [key for key in self.fields if key != "workspace_sid" and key not in ADOPTION_FIELDS]

    def create_params(self, inputs: Props) -> Props:
        """Keyword arguments of the SDK's create call."""
        return {key: inputs.get(key) for key in self.settable()}

    def update_params(self, inputs: Props) -> Props:
        """Keyword arguments of the SDK's update call (all fields, unless Twilio fixes some at creation)."""
        return self.create_params(inputs)

    def live_inputs(self, instance: Any) -> Props:
        """The inputs as Twilio has them now."""
        return {key: getattr(instance, key) for key in self.settable()}

    def outputs(self, instance: Any) -> Props:
        return {"sid": instance.sid, "account_sid": instance.account_sid}

    # ---- the four calls --------------------------------------------------------------------

    def _create(self, conn: Connection, inputs: Props) -> Props:
        collection = self.collection(conn, inputs)
        existing = self._existing(collection, inputs)
        if existing is None:
            instance = collection.create(**self._params(self.create_params(inputs)))
            return {**self.outputs(instance), "adopted": False}
        self.check_adoptable(existing, inputs)
        instance = collection(existing.sid).update(**self._params(self.update_params(inputs)))
        return {**self.outputs(instance), "adopted": True}

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        instance = self.collection(conn, inputs)(id_).update(**self._params(self.update_params(inputs)))
        return {**self.outputs(instance), "adopted": bool(olds.get("adopted"))}

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        instance = self.collection(conn, olds)(id_).fetch()
        return self.live_inputs(instance), {**self.outputs(instance), "adopted": bool(olds.get("adopted"))}

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        if not olds.get("adopted"):
            self.collection(conn, olds)(id_).delete()

    # ---- adoption --------------------------------------------------------------------------

    def check_adoptable(self, existing: Any, inputs: Props) -> None:
        """Raise when an existing object cannot become what the program asks for."""

    def _existing(self, collection: Any, inputs: Props) -> Any | None:
        sid = inputs.get("adopt_sid")
        if sid:
            return collection(sid).fetch()
        wanted = self._key(inputs.get(self.match_field))
        matches = [item for item in collection.list() if self._key(getattr(item, self.match_field)) == wanted]
        if len(matches) > 1:
            sids = ", ".join(item.sid for item in matches)
            raise TwilioProviderError(
                f"{self.describe(inputs)}: {len(matches)} objects named {inputs.get(self.match_field)!r} "
                f"exist ({sids}); choose one with adopt_sid"
            )
        return matches[0] if matches else None

    def _key(self, value: Any) -> Any:
        return value.casefold() if self.case_insensitive_match and isinstance(value, str) else value

    @staticmethod
    def _params(params: Props) -> Props:
        return {key: unset_if_none(value) for key, value in params.items()}


def _workspace(conn: Connection, props: Props) -> Any:
    return conn.client().taskrouter.v1.workspaces(props["workspace_sid"])


class WorkspaceProvider(TaskRouterProvider):
    """A TaskRouter workspace; "Flex Task Assignment" is adopted, never created twice."""

    kind = "Workspace"
    fields: ClassVar[Mapping[str, Field]] = {
        "friendly_name": Field(),
        "event_callback_url": Field(),
        "events_filter": Field(),
        "multi_task_enabled": Field(),
        "prioritize_queue_order": Field(),
        **ADOPTION_FIELDS,
    }

    def collection(self, conn: Connection, props: Props) -> Any:
        return conn.client().taskrouter.v1.workspaces

    def outputs(self, instance: Any) -> Props:
        return {
            **super().outputs(instance),
            "default_activity_sid": instance.default_activity_sid,
            "timeout_activity_sid": instance.timeout_activity_sid,
        }


class ActivityProvider(TaskRouterProvider):
    """A worker activity. ``available`` cannot change after creation, so changing it replaces it."""

    kind = "Activity"
    fields: ClassVar[Mapping[str, Field]] = {
        "workspace_sid": Field(replace=True),
        "friendly_name": Field(),
        "available": Field(replace=True),
        **ADOPTION_FIELDS,
    }

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).activities

    def update_params(self, inputs: Props) -> Props:
        return {"friendly_name": inputs["friendly_name"]}

    def check_adoptable(self, existing: Any, inputs: Props) -> None:
        wanted = inputs.get("available")
        if wanted is not None and bool(wanted) != bool(existing.available):
            raise TwilioProviderError(
                f"{self.describe(inputs)}: the existing activity {existing.sid} has available="
                f"{existing.available} and Twilio cannot change that; rename this activity or set "
                f"available={existing.available}"
            )


class TaskChannelProvider(TaskRouterProvider):
    """A task channel, adopted by unique name (Flex has default, voice, chat, sms and video)."""

    kind = "TaskChannel"
    match_field = "unique_name"
    case_insensitive_match = False
    label_field = "unique_name"
    fields: ClassVar[Mapping[str, Field]] = {
        "workspace_sid": Field(replace=True),
        "friendly_name": Field(),
        "unique_name": Field(replace=True),
        "channel_optimized_routing": Field(),
        **ADOPTION_FIELDS,
    }

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).task_channels

    def update_params(self, inputs: Props) -> Props:
        return {key: value for key, value in self.create_params(inputs).items() if key != "unique_name"}


class TaskQueueProvider(TaskRouterProvider):
    """A task queue: who may take its tasks (target_workers) and in which order."""

    kind = "TaskQueue"
    fields: ClassVar[Mapping[str, Field]] = {
        "workspace_sid": Field(replace=True),
        "friendly_name": Field(),
        "target_workers": Field(),
        "max_reserved_workers": Field(),
        "task_order": Field(),
        "reservation_activity_sid": Field(),
        "assignment_activity_sid": Field(),
        **ADOPTION_FIELDS,
    }

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems = []
        reserved = inputs.get("max_reserved_workers")
        if reserved is not None and not (isinstance(reserved, int) and 1 <= reserved <= 50):
            problems.append(("max_reserved_workers", f"is {reserved}; Twilio allows 1 to 50"))
        order = inputs.get("task_order")
        if order is not None and order not in TASK_ORDERS:
            problems.append(("task_order", f"is {order!r}; use 'FIFO' or 'LIFO'"))
        return problems

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).task_queues


class WorkflowProvider(TaskRouterProvider):
    """A workflow; its configuration JSON is compared as data, never as text."""

    kind = "Workflow"
    fields: ClassVar[Mapping[str, Field]] = {
        "workspace_sid": Field(replace=True),
        "friendly_name": Field(),
        "configuration": Field(json=True),
        "assignment_callback_url": Field(),
        "fallback_assignment_callback_url": Field(),
        "task_reservation_timeout": Field(),
        **ADOPTION_FIELDS,
    }

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).workflows

    def create_params(self, inputs: Props) -> Props:
        # Twilio takes the configuration as JSON text; the program may have passed a mapping.
        configuration = canonical(inputs["configuration"], as_json=True)
        return {**super().create_params(inputs), "configuration": _json_text(configuration)}


def _json_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))
