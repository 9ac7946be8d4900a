"""Incoming Conversation (Flex Conversations): look the customer up and send to Flex, creating an Interaction."""

from __future__ import annotations

from collections.abc import Sequence

from flows.parameters import TASK_CHANNEL_SID, WORKFLOW_SID
from flows.profile import PROFILE, customer_name, profile_lookup, profile_sid
from flows.task_attributes import LiquidCondition, TaskAttributes
from studio import Flow, SendToFlex, Trigger

AUTHOR = "{{trigger.conversation.Author}}"


def conversations_flow(*, languages: Sequence[str], vip_trait: str) -> Flow:
    """The Incoming Conversation flow; the language is the profile's, else the first of ``languages``."""
    with Flow("Pre-agent Flex Conversations: profile lookup, send to Flex") as flow:
        trigger = Trigger()
        lookup = profile_lookup(AUTHOR)
        to_flex = SendToFlex(
            "to_flex",
            workflow=WORKFLOW_SID,
            channel=TASK_CHANNEL_SID,
            attributes=TaskAttributes(
                name=AUTHOR,
                customer_name=customer_name(),
                language=f"{{{{{PROFILE}.traits.preferred_language | default: '{languages[0]}'}}}}",
                vip=LiquidCondition(f"{PROFILE}.traits.{vip_trait} == true"),
                profile_sid=profile_sid(),
            ).to_mapping(),
        )
        trigger.on_incoming_conversation_message >> lookup >> to_flex
        lookup.on_failed >> to_flex
    return flow
