"""Each Twilio resource's inputs, declared once.

An ``<Resource>Args`` TypedDict is the single declaration of a resource's inputs: the resource class
takes its keywords (``**args: Unpack[WorkflowArgs]``), and the provider reads the same class for how
each input compares (``Spec``: replace, JSON, compared at all), its default, its SID prefix and its
size limit. The value types come from the annotations themselves.

This module deliberately does not use ``from __future__ import annotations``: the annotations are
read at import time (``pulumi.Input`` holds a forward reference that ``get_type_hints`` cannot
resolve, so they are read from ``__annotations__`` as objects, never evaluated from text).
"""

import collections.abc
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, NotRequired, TypedDict

import pulumi

from studio.keyed import keyed_definition
from taskrouter.keyed import keyed_configuration


@dataclass(frozen=True)
class Spec:
    """How one input behaves, written next to its annotation as ``Annotated[..., Spec(...)]``."""

    replace: bool = False  # Twilio cannot change it in place: a change makes a new object
    json: bool = False  # a JSON document: compared as data, not text
    compare: bool = True  # False for metadata that never causes an update (a commit message)
    default: Any = None  # what the resource sends when the program leaves it out
    sid: str | None = None  # the SID prefix the value must have (WS, FW, ...)
    max_length: int | None = None  # Twilio's limit on the text
    bounds: tuple[int, int] | None = None  # the whole numbers Twilio allows, inclusive
    multiline: bool = False  # free text that may hold line breaks and tabs (other control characters never)
    # The form a JSON document is compared in, whichever form the program or Twilio spelt it in (a flow's
    # states keyed by widget name): see studio.keyed and taskrouter.keyed.
    shape: Callable[[Any], Any] | None = None
    # What Twilio holds when nobody set the value, sent when the program stops setting it: "" clears a callback
    # URL; a number or choice goes back to the default Twilio documents for a new object (an adopted object's own
    # earlier value comes first: TaskRouterProvider.cleared). None: the SDK's "not sent", which leaves Twilio's
    # value as it was (no default is documented).
    cleared_by: Any = None


@dataclass(frozen=True)
class InputField:
    """One declared input, resolved: its name, whether the program must give it, its plain types."""

    name: str
    spec: Spec
    required: bool
    types: tuple[type, ...]  # the plain (not Output/Awaitable) types it may hold, None excluded

    @property
    def replace(self) -> bool:
        return self.spec.replace

    @property
    def json(self) -> bool:
        return self.spec.json

    @property
    def compare(self) -> bool:
        return self.spec.compare


def input_fields(args: type) -> dict[str, InputField]:
    """The inputs an Args TypedDict declares, in declaration order (a base's inputs first)."""
    required: frozenset[str] = getattr(args, "__required_keys__", frozenset())
    fields = {}
    for name, annotation in args.__annotations__.items():
        spec, hint = _unwrap(annotation)
        fields[name] = InputField(name, spec, name in required, _plain_types(hint))
    return fields


def _unwrap(annotation: Any) -> tuple[Spec, Any]:
    spec = Spec()
    while True:
        origin = typing.get_origin(annotation)
        if origin is NotRequired:
            annotation = typing.get_args(annotation)[0]
        elif origin is Annotated:
            spec = next((m for m in annotation.__metadata__ if isinstance(m, Spec)), spec)
            annotation = annotation.__origin__
        else:
            return spec, annotation


def _plain_types(hint: Any) -> tuple[type, ...]:
    """``pulumi.Input[str] | pulumi.Input[Mapping[str, Any]] | None`` -> ``(str, Mapping)``."""
    found: list[type] = []
    pending = [hint]
    while pending:
        current = pending.pop(0)
        origin = typing.get_origin(current)
        if origin is typing.Union or origin is types.UnionType:
            pending.extend(typing.get_args(current))
        elif origin is collections.abc.Awaitable or isinstance(current, typing.ForwardRef):
            continue  # the Awaitable/Output halves of pulumi.Input are resolved before the provider sees them
        elif current is type(None):
            continue
        else:
            plain = origin or current
            if isinstance(plain, type) and plain not in found:
                found.append(plain)
    return tuple(found)


# ---- the resources' inputs ----------------------------------------------------------------------------

Text = pulumi.Input[str]
Flag = pulumi.Input[bool]
Number = pulumi.Input[int]
Document = pulumi.Input[str] | pulumi.Input[Mapping[str, Any]]
NAME = Spec(max_length=64)  # TaskRouter's limit on friendly and unique names
# A URL (or events filter) Twilio calls with: removed from the program, it is cleared, never left calling.
CALLBACK = Spec(cleared_by="")


class StudioFlowArgs(TypedDict):
    """A Studio flow. ``definition`` is a mapping with its states keyed by widget name (``studio.keyed``),
    or Studio's own form (JSON text or a mapping with a list of states): all compare alike."""

    friendly_name: Text
    definition: Annotated[Document, Spec(json=True, shape=keyed_definition)]
    status: NotRequired[Annotated[Text, Spec(default="published")]]
    commit_message: NotRequired[Annotated[Text | None, Spec(compare=False, multiline=True)]]
    # Addresses (numbers, chat identities) that run the latest revision, draft included: a canary. None leaves
    # Studio's list alone; a list replaces it whole (empty clears it).
    test_users: NotRequired[pulumi.Input[list[str]] | None]


class _Adoptable(TypedDict):
    # The SID of an existing object to adopt instead of looking it up by name; never compared.
    adopt_sid: NotRequired[Annotated[Text | None, Spec(compare=False)]]
    # True: an existing object of this name is adopted as Flex's own are (one made in the Console, named in the
    # stack's `adopt` setting); none is created while it exists, and destroy restores it. Never compared.
    adopt_existing: NotRequired[Annotated[Flag | None, Spec(compare=False)]]


class WorkspaceArgs(_Adoptable):
    """A TaskRouter workspace; an existing one of the same name (Flex Task Assignment) is adopted."""

    friendly_name: Annotated[Text, NAME]
    event_callback_url: NotRequired[Annotated[Text | None, CALLBACK]]
    events_filter: NotRequired[Annotated[Text | None, CALLBACK]]
    # Twilio's OpenAPI (twilio_taskrouter_v1.json, Workspaces POST): MultiTaskEnabled "The default is `true`";
    # PrioritizeQueueOrder FIFO when not sent (../shared/reference/twilio-api.md, CreateWorkspace).
    multi_task_enabled: NotRequired[Annotated[Flag | None, Spec(cleared_by=True)]]
    prioritize_queue_order: NotRequired[Annotated[Text | None, Spec(cleared_by="FIFO")]]


class _InWorkspace(_Adoptable):
    workspace_sid: Annotated[Text, Spec(replace=True, sid="WS")]


class ActivityArgs(_InWorkspace):
    """A worker activity. Changing ``available`` replaces it: Twilio cannot change it in place."""

    friendly_name: Annotated[Text, NAME]
    available: Annotated[Flag, Spec(replace=True)]


class TaskChannelArgs(_InWorkspace):
    """A task channel, adopted by unique name when the workspace already has it."""

    unique_name: Annotated[Text, Spec(replace=True, max_length=64)]
    friendly_name: Annotated[Text, NAME]
    channel_optimized_routing: NotRequired[Flag | None]


class TaskQueueArgs(_InWorkspace):
    """A task queue; an existing queue of the same name (Everyone) is adopted."""

    friendly_name: Annotated[Text, NAME]
    # Defaults from Twilio's OpenAPI (TaskQueues POST): TargetWorkers "The default value is `1==1`",
    # MaxReservedWorkers "defaults to 1"; TaskOrder FIFO when not sent (../shared/reference/taskrouter.md §2.3).
    target_workers: NotRequired[Annotated[Text | None, Spec(cleared_by="1==1")]]
    max_reserved_workers: NotRequired[Annotated[Number | None, Spec(bounds=(1, 50), cleared_by=1)]]
    task_order: NotRequired[Annotated[Text | None, Spec(cleared_by="FIFO")]]
    reservation_activity_sid: NotRequired[Annotated[Text | None, Spec(sid="WA")]]
    assignment_activity_sid: NotRequired[Annotated[Text | None, Spec(sid="WA")]]


class TaskRouterWorkflowArgs(_InWorkspace):
    """A workflow; ``configuration`` is a mapping with its filters keyed by name (``taskrouter.keyed``),
    or TaskRouter's own form (JSON text or a mapping): all compare alike."""

    friendly_name: Annotated[Text, NAME]
    configuration: Annotated[Document, Spec(json=True, shape=keyed_configuration)]
    assignment_callback_url: NotRequired[Annotated[Text | None, CALLBACK]]
    fallback_assignment_callback_url: NotRequired[Annotated[Text | None, CALLBACK]]
    # Seconds; Twilio's OpenAPI (Workflows POST): "Can be up to `86,400` (24 hours) and the default is `120`".
    task_reservation_timeout: NotRequired[Annotated[Number | None, Spec(bounds=(1, 86400), cleared_by=120)]]


class PhoneNumberBindingArgs(TypedDict):
    """An existing number (E.164) pointed at a flow's webhook for voice and/or messaging."""

    phone_number: Annotated[Text, Spec(replace=True)]
    webhook_url: Text
    voice: NotRequired[Annotated[Flag, Spec(default=True)]]
    messaging: NotRequired[Annotated[Flag, Spec(default=False)]]


class ConversationsAddressArgs(TypedDict):
    """A Conversations address whose new conversations start a Studio flow (Incoming Conversation)."""

    address: Annotated[Text, Spec(replace=True)]
    flow_sid: Annotated[Text, Spec(sid="FW")]
    address_type: NotRequired[Annotated[Text, Spec(replace=True, default="sms")]]
    friendly_name: NotRequired[Annotated[Text | None, Spec(max_length=256, cleared_by="")]]
    retry_count: NotRequired[Annotated[Number | None, Spec(bounds=(0, 3))]]
    conversation_service_sid: NotRequired[Annotated[Text | None, Spec(sid="IS")]]
