"""The contact center's TaskRouter routing: Everyone (Flex's, adopted), VIP and one queue per language.

Workflows read the attribute names of :mod:`flows.task_attributes`; a VIP or language task that waits
longer than :data:`OVERFLOW_AFTER` seconds falls back to Everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.catalog import LANGUAGES
from flows.registry import routing
from flows.task_attributes import LANGUAGE, VIP
from taskrouter import TaskQueue, Workflow, Workspace, default_route, everyone_queue, pre_agent_routing

OVERFLOW_AFTER = 120
"""Seconds a task waits in its VIP or language queue before Everyone may take it."""
VIP_PRIORITY = 100
"""TaskRouter priority of VIP tasks (others have 0): they are offered first in every queue."""
PRE_AGENT_WORKFLOW = "Pre-agent routing"
"""The workflow every flow's Send to Flex uses."""
VOICE_CHANNEL, CHAT_CHANNEL = "voice", "chat"
"""Task channels (Flex's, adopted) of calls and of messages and conversations."""


def language_queue(code: str) -> TaskQueue:
    """The queue of agents who speak ``code``."""
    language = LANGUAGES[code]
    return TaskQueue(key=code, friendly_name=language.name, target_workers=f"routing.skills HAS '{language.skill}'")


VIP_QUEUE = TaskQueue(key="vip", friendly_name="VIP", target_workers="routing.skills HAS 'vip'")


def pre_agent_workflow(languages: Sequence[str]) -> Workflow:
    """VIPs first (high priority), then the caller's language, then Everyone."""
    return pre_agent_routing(
        everyone=everyone_queue(),
        vip_queue=VIP_QUEUE,
        language_queues={code: language_queue(code) for code in languages},
        vip_attribute=VIP,
        vip_priority=VIP_PRIORITY,
        language_attribute=LANGUAGE,
        overflow_after=OVERFLOW_AFTER,
        friendly_name=PRE_AGENT_WORKFLOW,
    )


@routing
def contact_center_workspace(languages: Sequence[str]) -> Workspace:
    """Flex's workspace with its activities and channels, this contact center's queues and workflows."""
    everyone = everyone_queue()
    return Workspace(
        task_queues=(everyone, VIP_QUEUE, *(language_queue(code) for code in languages)),
        workflows=(pre_agent_workflow(languages), default_route(everyone)),
    )
