"""Checks a deployment makes against the account before the program registers anything.

Offline checks (settings, flows, routing, provider inputs) catch what is wrong in the program itself. What
only the account can answer (does it own the numbers the stack binds?) is asked here, once, during `up`,
so a stack that names a number it does not own stops before its first write instead of half-deploying.
A preview makes no Twilio call at all, so there (and under Pulumi's mocks) it is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.providers.twilio_api import TwilioSetupError, resolve_connection
from components.settings import StackSettings


def missing_numbers(settings: StackSettings, owned: set[str]) -> list[str]:
    """The stack's numbers the account does not own, in the stack file's order."""
    return [number for number in settings.owned_numbers if number not in owned]


def check_account(settings: StackSettings, config: Mapping[str, Any], stack: str) -> None:
    """Raise ``pulumi.RunError`` naming the stack file and key when the account lacks a number."""
    import pulumi
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_monitor
    from twilio.base.exceptions import TwilioException

    if pulumi.runtime.is_dry_run() or isinstance(get_monitor(), MockMonitor) or not settings.owned_numbers:
        return  # a preview makes no Twilio call; under Pulumi's mocks there is no account to ask
    try:
        connection = resolve_connection(config)
        numbers = connection.client().api.v2010.accounts(connection.account_sid).incoming_phone_numbers
        owned = {number.phone_number for number in numbers.list()}
    except (TwilioSetupError, TwilioException) as error:
        raise pulumi.RunError(f"cannot list the numbers of {settings.account_sid} before deploying: {error}") from None
    missing = missing_numbers(settings, owned)
    if missing:
        raise pulumi.RunError(
            f"Pulumi.{stack}.yaml: phoneNumbers/conversationsAddresses name {missing[0]}, which account "
            f"{settings.account_sid} does not own; nothing was deployed. flex-pre-agent never buys numbers: buy or "
            f"port it in the Twilio console, or remove it from the stack file."
        )
