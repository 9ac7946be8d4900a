"""Triggers of a flow: a phone number pointed at its webhook, and a Conversations address that starts it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.options import child_options
from components.resources import ConversationsAddress, PhoneNumberBinding


@dataclass(frozen=True, kw_only=True)
class PhoneNumberTriggerArgs:
    """A number the account owns, the flow webhook it points at, and for which channels."""

    phone_number: str
    webhook_url: pulumi.Input[str]
    voice: bool = True
    messaging: bool = False
    retain_on_delete: bool = False
    """Keep the number pointed at the flow when the stack deletes the trigger (prod)."""


class PhoneNumberTrigger(pulumi.ComponentResource):
    """Points an existing number at a flow; delete puts back what it pointed at before."""

    sid: pulumi.Output[str]

    def __init__(self, name: str, args: PhoneNumberTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("flex-pre-agent:triggers:PhoneNumberTrigger", name, None, opts)
        binding = PhoneNumberBinding(
            f"{name}-binding",
            phone_number=args.phone_number,
            webhook_url=args.webhook_url,
            voice=args.voice,
            messaging=args.messaging,
            opts=child_options(self, f"{name}-binding", retain_on_delete=args.retain_on_delete),
        )
        self.sid = binding.id
        self.register_outputs({"sid": self.sid})


@dataclass(frozen=True, kw_only=True)
class ConversationsAddressTriggerArgs:
    """An address (a number for SMS or WhatsApp) whose new conversations start ``flow_sid``."""

    address: str
    address_type: str
    flow_sid: pulumi.Input[str]
    retry_count: int = 3


class ConversationsAddressTrigger(pulumi.ComponentResource):
    """Makes Flex Conversations start a flow (Incoming Conversation) for new conversations on an address."""

    sid: pulumi.Output[str]

    def __init__(
        self, name: str, args: ConversationsAddressTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("flex-pre-agent:triggers:ConversationsAddressTrigger", name, None, opts)
        address = ConversationsAddress(
            f"{name}-address",
            address=args.address,
            address_type=args.address_type,
            flow_sid=args.flow_sid,
            retry_count=args.retry_count,
            opts=child_options(self, f"{name}-address"),
        )
        self.sid = address.id
        self.register_outputs({"sid": self.sid})
