"""Incoming Conversation (Flex Conversations): look the customer up and send to Flex, creating an Interaction."""

from __future__ import annotations

from collections.abc import Sequence

from flows.handoff import send_to_flex
from flows.parameters import CHAT_CHANNEL_SID
from flows.profile import preferred_language, profile_lookup, vip_condition
from flows.registry import flow
from studio import Flow, Trigger

AUTHOR = "{{trigger.conversation.Author}}"


@flow("conversations", friendly_name="Pre-agent conversations")
def conversations_flow(*, languages: Sequence[str], vip_trait: str) -> Flow:
    """The Incoming Conversation flow; the language is the profile's, else the first of ``languages``."""
    with Flow("Pre-agent Flex Conversations: profile lookup, send to Flex") as built:
        trigger = Trigger()
        lookup = profile_lookup(AUTHOR)
        to_flex = send_to_flex("to_flex", channel=CHAT_CHANNEL_SID, contact=AUTHOR,
                               language=preferred_language(languages[0]), vip=vip_condition(vip_trait))
        trigger.on_incoming_conversation_message >> lookup >> to_flex
        lookup.on_failed >> to_flex
    return built
