"""The whole contact center as data: its routing and, for every trigger, the flow and where it sends tasks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flows.catalog import FLOW_KEYS, FlowKey
from flows.conversations import conversations_flow
from flows.messaging import messaging_flow
from flows.routing import CHAT_CHANNEL, PRE_AGENT_WORKFLOW, VOICE_CHANNEL, contact_center_workspace
from flows.voice import voice_flow
from studio import Flow
from taskrouter import Workspace

Builder = Callable[..., Flow]


@dataclass(frozen=True)
class FlowSpec:
    """One flow of the contact center and the routing objects its Send to Flex uses."""

    key: FlowKey
    friendly_name: str
    flow: Flow
    workflow: str
    """Friendly name of the TaskRouter workflow (its SID fills ``WORKFLOW_SID``)."""
    channel: str
    """Unique name of the task channel (its SID fills ``TASK_CHANNEL_SID``)."""


def definition_hash(flow: Flow) -> str:
    """SHA-256 of a flow's environment-independent definition (parameters as ``${NAME}``), for promotion."""
    return hashlib.sha256(flow.to_json(placeholders=True).encode()).hexdigest()


@dataclass(frozen=True)
class ContactCenter:
    """Everything a stack deploys, before any SID is known."""

    workspace: Workspace
    flows: tuple[FlowSpec, ...]

    def flow(self, key: FlowKey) -> FlowSpec:
        """The flow answering ``key``."""
        return next(spec for spec in self.flows if spec.key == key)


_FLOWS: dict[FlowKey, tuple[str, Builder, str]] = {
    "voice": ("Pre-agent voice", voice_flow, VOICE_CHANNEL),
    "messaging": ("Pre-agent messaging", messaging_flow, CHAT_CHANNEL),
    "conversations": ("Pre-agent conversations", conversations_flow, CHAT_CHANNEL),
}
assert tuple(_FLOWS) == FLOW_KEYS


def contact_center(*, languages: Sequence[str], vip_trait: str) -> ContactCenter:
    """The reference contact center for ``languages`` (menu order) and the VIP profile trait ``vip_trait``."""
    flows = tuple(
        FlowSpec(key, name, build(languages=languages, vip_trait=vip_trait), PRE_AGENT_WORKFLOW, channel)
        for key, (name, build, channel) in _FLOWS.items()
    )
    return ContactCenter(contact_center_workspace(languages), flows)
