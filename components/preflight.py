"""Checks a deployment makes against the account before the program registers anything.

Offline checks (settings, flows, routing, provider inputs) catch what is wrong in the program itself. What
only the account can answer is asked here, once, during `up`, before the first write:

* is it the account the stack's objects are in? A stack file whose ``accountSid`` changed since the last
  deployment (the stack's own ``accountSid`` output, read from the backend, also in a preview) stops before
  the claim below would write to the new account;
* does it own the numbers the stack binds? A stack that names a number it does not own stops instead of
  half-deploying;
* is it this stack's account? The first `up` claims the account for its stack (``ledger.claim_account``:
  atomic, so of two stacks deploying at once exactly one proceeds); every other stack stops here, naming
  the owner, with nothing written, unless ``FLEX_PRE_AGENT_TAKE_OVER_FROM`` names the owner (logged).

A preview makes no Twilio call at all, so there (and under Pulumi's mocks) the account is not asked; the
claim is registered as a resource in both (``AccountClaim``), and every resource registered after it
depends on it, so `destroy` gives the account back last.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

import pulumi

from components.providers import ledger
from components.providers.claim import AccountClaimArgs, AccountClaimProvider
from components.providers.triggers import never_buys
from components.providers.twilio_api import (
    API_BASE_URL_KEY,
    BASE_URL_ENV,
    AnswerLost,
    TwilioSetupError,
    error_parts,
    resolve_connection,
)
from components.resources import Opts, TwilioResource
from components.settings import StackSettings, config_path

if TYPE_CHECKING:
    from twilio.base.exceptions import TwilioException


class AccountClaim(TwilioResource, module="twilio", name="AccountClaim"):
    """This stack's claim on its account (see ``components.providers.ledger``)."""

    provider = AccountClaimProvider
    import_hint = "the account claim is made by `pulumi up` itself"

    def __init__(self, name: str, *, opts: Opts = None, **args: Unpack[AccountClaimArgs]) -> None:
        super().__init__(name, args, opts)


def number_key(settings: StackSettings, number: str) -> str:
    """Where the stack file lists ``number``: ``phoneNumbers[1].number`` or ``conversationsAddresses[0].address``."""
    for index, entry in enumerate(settings.phone_numbers):
        if entry.number == number:
            return config_path(["phoneNumbers", index, "number"])
    index = next(i for i, address in enumerate(settings.conversations_addresses) if address.address == number)
    return config_path(["conversationsAddresses", index, "address"])


def not_owned(settings: StackSettings, stack: str, number: str, base_url: str | None) -> str:
    """The stack names a number its account lacks: where, and how to get it (from Twilio, or the local emulator)."""
    return (f"Pulumi.{stack}.yaml: {number_key(settings, number)} is {number}, which account {settings.account_sid} "
            f"does not own; nothing was deployed. {never_buys(base_url)}")


def unreachable(settings: StackSettings, config: Mapping[str, Any], stack: str, error: AnswerLost) -> str:
    """Twilio (or the emulator) did not answer the preflight's first read: where it was sought, and the fix."""
    start = "start what should answer there (`make emulator` for the local stack)"
    if os.environ.get(BASE_URL_ENV):
        where, fix = f"{os.environ[BASE_URL_ENV]} ({BASE_URL_ENV})", f"{start} or unset {BASE_URL_ENV}"
    elif config.get(API_BASE_URL_KEY):
        where, fix = f"{config[API_BASE_URL_KEY]} (apiBaseUrl in Pulumi.{stack}.yaml)", f"{start} or correct apiBaseUrl"
    else:
        where, fix = "api.twilio.com", "check this machine's connection to Twilio and run again"
    return (f"cannot reach Twilio at {where} to check account {settings.account_sid} before deploying: "
            f"{error.reason}, after every retry; nothing was deployed. Fix: {fix}.")


def refused(settings: StackSettings, stack: str, error: TwilioException) -> str:
    """Twilio answered the preflight's first read with an error: the credentials are not this account's."""
    status, code, message, _ = error_parts(error)
    answer = f"HTTP {status}" + (f", error {code}" if code else "") + (f": {message}" if message else "")
    return (f"Twilio refused to show account {settings.account_sid} to the credentials in use ({answer}); nothing "
            f"was deployed. Fix: use credentials of {settings.account_sid} (the authToken stack secret, "
            f"TWILIO_AUTH_TOKEN, or an API key made in that account), or set accountSid in Pulumi.{stack}.yaml to "
            f"the account they belong to.")


def deployed_account(project: str, stack: str) -> str | None:
    """The account this stack's last deployment was made in (its ``accountSid`` output), or None if it has none.

    Read from the backend through the engine (the stack's own outputs, as a StackReference reads them): no
    Twilio call, so a preview asks it too. A stack never deployed, or destroyed, has no outputs.
    """
    name = f"{pulumi.get_organization()}/{project}/{stack}"
    try:
        result = pulumi.runtime.invoke("pulumi:pulumi:readStackOutputs", {"name": name})
    except Exception:  # a backend that cannot say: the providers still refuse any object of another account
        return None
    outputs = (result.value or {}).get("outputs") or {}
    account = outputs.get("accountSid") if isinstance(outputs, Mapping) else None
    return account if isinstance(account, str) else None


def moved_account(settings: StackSettings, stack: str, deployed: str) -> str:
    """The stack file names another account than the one the stack's objects are in: which, and the two fixes."""
    return (f"Pulumi.{stack}.yaml: accountSid is {settings.account_sid}, but stack {stack} was last deployed to "
            f"account {deployed}, where the objects in its state are; nothing was written to either account. If "
            f"{settings.account_sid} is a mistake, set accountSid back to {deployed} (`pulumi config set accountSid "
            f"{deployed} --stack {stack}`). To move the stack to {settings.account_sid}, first run `pulumi destroy "
            f"--stack {stack}` with accountSid {deployed} and its credentials (it gives that account's objects and "
            f"claim back), then set accountSid to {settings.account_sid} and run `pulumi up`.")


def missing_numbers(settings: StackSettings, owned: set[str]) -> list[str]:
    """The stack's numbers the account does not own, in the stack file's order."""
    return [number for number in settings.owned_numbers if number not in owned]


def check_account(settings: StackSettings, config: Mapping[str, Any], stack: str) -> AccountClaim | None:
    """Raise ``pulumi.RunError`` naming the stack file and key when the account lacks a number, or naming the
    stack that owns the account; then register this stack's claim (None under Pulumi's mocks)."""
    from pulumi.runtime.mocks import MockMonitor
    from pulumi.runtime.settings import get_monitor
    from twilio.base.exceptions import TwilioException

    if isinstance(get_monitor(), MockMonitor):
        return None  # under Pulumi's mocks there is no account to ask
    project = pulumi.get_project()
    deployed = deployed_account(project, stack)
    if deployed and deployed != settings.account_sid:
        raise pulumi.RunError(moved_account(settings, stack, deployed))
    if not pulumi.runtime.is_dry_run():  # a preview makes no Twilio call
        try:
            connection = resolve_connection(config)
            if settings.owned_numbers:
                numbers = connection.client().api.v2010.accounts(connection.account_sid).incoming_phone_numbers
                missing = missing_numbers(settings, {number.phone_number for number in numbers.list()})
                if missing:
                    raise pulumi.RunError(not_owned(settings, stack, missing[0], connection.base_url))
            ledger.claim_account(connection, project, stack, os.environ.get(ledger.TAKE_OVER_ENV), pulumi.log.warn)
        except ledger.AccountClaimed as error:
            raise pulumi.RunError(str(error)) from None
        except AnswerLost as error:
            raise pulumi.RunError(unreachable(settings, config, stack, error)) from None
        except TwilioException as error:
            raise pulumi.RunError(refused(settings, stack, error)) from None
        except TwilioSetupError as error:
            raise pulumi.RunError(f"cannot check account {settings.account_sid} before deploying: {error}") from None
    # Protected like everything else in a protected stack (the policy pack's protected-stack rule).
    claim = AccountClaim("account-claim", project=project, stack=stack,
                         opts=pulumi.ResourceOptions(protect=settings.protect))
    pulumi.runtime.register_stack_transformation(lambda args: _after(claim, args))
    return claim


def _after(claim: AccountClaim, args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
    """Every resource registered after the claim depends on it: destroy deletes them first."""
    depends = pulumi.ResourceOptions(depends_on=[claim])
    return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(args.opts, depends))
