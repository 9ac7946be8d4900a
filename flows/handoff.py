"""Send to Flex, the way every flow of this contact center hands a customer over to an agent."""

from __future__ import annotations

from typing import Any

from flows.parameters import WORKFLOW_SID
from flows.profile import customer_name, profile_sid
from flows.task_attributes import LiquidCondition, TaskAttributes
from studio import Parameter, SendToFlex


def send_to_flex(
    name: str, *, channel: Parameter, contact: str, language: str, vip: bool | LiquidCondition, **options: Any
) -> SendToFlex:
    """Send to Flex on the pre-agent workflow and the task ``channel``, with the shared task attributes.

    ``contact`` is Liquid printing the customer's address; ``options`` are further Send to Flex
    properties (``priority``, ``wait_url``...).
    """
    attributes = TaskAttributes(
        name=contact, customer_name=customer_name(), language=language, vip=vip, profile_sid=profile_sid()
    )
    return SendToFlex(
        name, workflow=WORKFLOW_SID, channel=channel, attributes=attributes.to_mapping(), **options
    )
