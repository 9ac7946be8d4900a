"""Twilio resources for Pulumi programs, backed by the dynamic providers in ``components.providers``.

Each resource's inputs are declared once, as an ``<Resource>Args`` TypedDict in
``components.providers.args``: the resource takes them as keywords (``Workspace("ws", friendly_name=...)``,
or ``Workspace("ws", **WorkspaceArgs(...))``) and its provider reads the same declaration.

Type tokens are ``pulumi-python:dynamic/twilio:<Name>``; the provider classes' module paths are part
of the state contract (state stores a reference to them), so moving one needs a re-export at the
old path.

Replacement order (``delete_before_replace`` unless the program's options say otherwise): a resource
that adopts an existing object (Flex's own, ``adopt_sid``, a number, an address) or whose name Twilio
keeps, or may keep, unique (a workspace or an activity: unverified; a channel's unique name) is deleted before
its replacement is
created; with Pulumi's default order the replacement would adopt, or collide with, the very object
the old resource then deletes. Queues and workflows the program creates itself are replaced
create-first: Twilio refuses to delete a queue a workflow still routes to, and a new queue or
workflow is never mistaken for an existing one. Twilio keeps a queue's name unique in its workspace, so
a replacement that keeps the name is refused, with the fix (``TwilioProvider.name_taken_hint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

import pulumi
import pulumi.dynamic

from components import pulumi_sdk
from components.providers.args import (
    ActivityArgs,
    ConversationsAddressArgs,
    PhoneNumberBindingArgs,
    StudioFlowArgs,
    TaskChannelArgs,
    TaskQueueArgs,
    TaskRouterWorkflowArgs,
    WorkspaceArgs,
)
from components.providers.base import TwilioProvider
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    TaskRouterProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider

__all__ = [
    "Activity",
    "ActivityArgs",
    "ConversationsAddress",
    "ConversationsAddressArgs",
    "PhoneNumberBinding",
    "PhoneNumberBindingArgs",
    "StudioFlow",
    "StudioFlowArgs",
    "TaskChannel",
    "TaskChannelArgs",
    "TaskQueue",
    "TaskQueueArgs",
    "TaskRouterWorkflow",
    "TaskRouterWorkflowArgs",
    "Workspace",
    "WorkspaceArgs",
]

pulumi_sdk.install()  # thousands of dynamic resources in one process (see components/pulumi_sdk.py)

Opts = pulumi.ResourceOptions | None
_ADOPT_BY_SID = (
    "to manage an existing TaskRouter object, pass its SID as adopt_sid (an object of the same name is "
    "adopted without it), and remove import_"
)


class TwilioResource(pulumi.dynamic.Resource):
    """What every Twilio resource shares: inputs from its provider's Args, outputs seeded from annotations."""

    provider: ClassVar[type[TwilioProvider]]
    delete_first: ClassVar[bool] = True  # replaced delete-first (see the module docstring)
    import_hint: ClassVar[str] = _ADOPT_BY_SID

    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]

    def __init__(self, name: str, args: Mapping[str, Any], opts: Opts) -> None:
        if opts is not None and opts.import_:
            raise ValueError(
                f"{type(self).__name__} {name!r}: the import_ option cannot work for Twilio's dynamic resources "
                f"(Pulumi calls Read without state, pulumi/pulumi#16175): {self.import_hint}."
            )
        fields = self.provider.fields
        unknown = sorted(set(args) - set(fields))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} {name!r} has no input {', '.join(unknown)}; "
                f"its inputs are {', '.join(fields)}"
            )
        inputs = {key: args.get(key, field.spec.default) for key, field in fields.items()}
        if self._deletes_first(inputs):
            opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(delete_before_replace=True), opts)
        # Outputs are seeded as None inputs so they appear as typed attributes (pulumi-notes §1.2).
        super().__init__(self.provider(), name, {**inputs, **dict.fromkeys(self._outputs())}, opts)

    def _deletes_first(self, inputs: Mapping[str, Any]) -> bool:
        return self.delete_first

    @classmethod
    def _outputs(cls) -> list[str]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            if issubclass(klass, TwilioResource):
                annotations = vars(klass).get("__annotations__", {})
                names += [key for key, hint in annotations.items() if "Output[" in str(hint)]
        return names


class StudioFlow(TwilioResource, module="twilio", name="StudioFlow"):
    """A Studio flow. ``definition`` is JSON text (e.g. the studio toolkit's ``to_json``) or a mapping."""

    provider = StudioFlowProvider
    delete_first = False
    import_hint = "a Studio flow is never adopted: let this program create it, then delete the old flow"

    revision: pulumi.Output[int]
    webhook_url: pulumi.Output[str]
    valid: pulumi.Output[bool]

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[StudioFlowArgs]) -> None:
        super().__init__(name, args, opts)


class _TaskRouterResource(TwilioResource):
    provider: ClassVar[type[TaskRouterProvider]]

    adopted: pulumi.Output[bool]
    previous: pulumi.Output[dict[str, Any]]  # an adopted object's values before, restored on delete

    def _deletes_first(self, inputs: Mapping[str, Any]) -> bool:
        # A name not known yet might be Flex's: deleting first is then the safe order.
        name = inputs.get(self.provider.match_field)
        adopts = inputs.get("adopt_sid") is not None or not isinstance(name, str)
        return self.delete_first or adopts or self.provider().adopts_by_name(name, inputs)


class Workspace(_TaskRouterResource, module="twilio", name="Workspace"):
    """A TaskRouter workspace; an existing one of the same name (Flex Task Assignment) is adopted."""

    provider = WorkspaceProvider

    default_activity_sid: pulumi.Output[str]
    timeout_activity_sid: pulumi.Output[str]

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[WorkspaceArgs]) -> None:
        super().__init__(name, args, opts)


class Activity(_TaskRouterResource, module="twilio", name="Activity"):
    """A worker activity. Changing ``available`` replaces it: Twilio cannot change it in place."""

    provider = ActivityProvider

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[ActivityArgs]) -> None:
        super().__init__(name, args, opts)


class TaskChannel(_TaskRouterResource, module="twilio", name="TaskChannel"):
    """A task channel, adopted by unique name when the workspace already has it."""

    provider = TaskChannelProvider

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[TaskChannelArgs]) -> None:
        super().__init__(name, args, opts)


class TaskQueue(_TaskRouterResource, module="twilio", name="TaskQueue"):
    """A task queue; an existing queue of the same name (Everyone) is adopted."""

    provider = TaskQueueProvider
    delete_first = False

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[TaskQueueArgs]) -> None:
        super().__init__(name, args, opts)


class TaskRouterWorkflow(_TaskRouterResource, module="twilio", name="Workflow"):
    """A TaskRouter workflow (type token ``...:Workflow``); ``configuration`` is JSON text or a mapping."""

    provider = WorkflowProvider
    delete_first = False

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[TaskRouterWorkflowArgs]) -> None:
        super().__init__(name, args, opts)


class PhoneNumberBinding(TwilioResource, module="twilio", name="PhoneNumberBinding"):
    """Points an existing number at a flow for voice and/or messaging; delete restores its old URLs."""

    provider = PhoneNumberBindingProvider
    import_hint = "a binding finds its number by phone_number and records its settings itself: remove import_"

    previous: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[PhoneNumberBindingArgs]) -> None:
        super().__init__(name, args, opts)


class ConversationsAddress(TwilioResource, module="twilio", name="ConversationsAddress"):
    """A Conversations address whose new conversations start a Studio flow (Incoming Conversation)."""

    provider = ConversationsAddressProvider
    import_hint = "an existing configuration of the same address is adopted (and restored on delete): remove import_"

    adopted: pulumi.Output[bool]
    previous: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[ConversationsAddressArgs]) -> None:
        super().__init__(name, args, opts)
