"""Incoming Message: look the customer up, greet them, ask for a language by reply, send to Flex (chat)."""

from __future__ import annotations

from collections.abc import Sequence

from flows.catalog import LANGUAGES
from flows.handoff import send_to_flex
from flows.parameters import CHAT_CHANNEL_SID
from flows.profile import PROFILE, profile_lookup, vip_condition
from flows.registry import flow
from studio import (
    CONTACT_ADDRESS,
    FLOW_ADDRESS,
    Condition,
    Flow,
    SendAndWaitForReply,
    SendMessage,
    SetVariables,
    SplitBasedOn,
    Trigger,
)

SENDER = "{{trigger.message.From}}"


@flow("messaging", friendly_name="Pre-agent messaging")
def messaging_flow(*, languages: Sequence[str], vip_trait: str) -> Flow:
    """The Incoming Message flow for ``languages`` (menu order) and the VIP profile trait ``vip_trait``."""
    first = LANGUAGES[languages[0]]
    with Flow("Pre-agent messaging: profile lookup, greeting, language menu") as built:
        trigger = Trigger()
        lookup = profile_lookup(SENDER)
        greeting = SendMessage(
            "greeting",
            from_=FLOW_ADDRESS,
            to=CONTACT_ADDRESS,
            body=f"Hi{{% if {PROFILE}.traits.name %}} {{{{{PROFILE}.traits.name}}}}{{% endif %}}, "
            "thanks for your message.",
        )
        menu = SendAndWaitForReply(
            "language_menu",
            from_=FLOW_ADDRESS,
            body=" ".join(f"Reply {LANGUAGES[code].digit} for {LANGUAGES[code].name}." for code in languages),
            timeout=3600,
        )
        reply = SplitBasedOn("language_reply", input=menu.ref.inbound.Body)
        to_flex = send_to_flex("to_flex", channel=CHAT_CHANNEL_SID, contact=SENDER,
                               language="{{flow.variables.language}}", vip=vip_condition(vip_trait))
        chosen = {code: SetVariables(f"language_{code}", variables={"language": code}) for code in languages}

        trigger.on_incoming_message >> lookup >> greeting >> menu >> reply
        lookup.on_failed >> greeting
        greeting.on_failed >> menu
        for code, choice in chosen.items():
            reply.when(Condition.equal_to(LANGUAGES[code].digit)) >> choice >> to_flex
        [reply.on_no_match, menu.on_timeout] >> chosen[first.code]
    return built
