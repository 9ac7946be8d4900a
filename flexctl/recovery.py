"""After an interrupted run: resolve the creates the engine left pending, so none is ever made twice.

A CLI killed (SIGKILL, a CI runner's timeout) while Twilio had applied a create but not yet answered leaves
the create "pending" in the stack's state, with no outputs: the next `up` would create it again, and
`destroy` would never delete the first one. Recovery reads the pending creates (`pulumi stack export`), asks
each one's provider what it made (its lost-answer lookup, ``find_created``: a flow or a queue by name, a number
still pointing at the flow, ...) and reads that object back with the provider's own ``read`` (which takes what
a trigger found before its first write from the account's record). What was made becomes a resource of the
state with that SID and those outputs, what was not is cleared (the next `up` creates it), and the stack's
state is imported back (`pulumi stack import`), all in one step.

Why not `pulumi refresh --import-pending-creates URN ID`: at the pinned CLI (3.260.0) that flag turns the
pending creates into pending *imports*, which the refresh then drops from the state (only pending creates are
carried over), so the next `up` created the objects again (seen on the real engine). The state edit is the
same one the flag is meant to make, done here where it can be checked.

It runs before every `up` and `destroy` driven by ``flexctl.engine`` and on demand with
``python -m flexctl recover --stack STACK`` (after ``pulumi cancel`` when the lock was left). README, "After
an interrupted run", tells the whole procedure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.providers.base import TwilioProvider
from components.providers.claim import AccountClaimProvider
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from components.providers.twilio_api import (
    ACCOUNT_SID_KEY,
    API_BASE_URL_KEY,
    API_KEY_KEY,
    API_SECRET_KEY,
    AUTH_TOKEN_KEY,
    Connection,
    resolve_connection,
)
from studio.words import count

README_SECTION = 'README.md, "After an interrupted run"'
_PROVIDERS: dict[str, type[TwilioProvider]] = {
    provider.kind: provider
    for provider in (
        StudioFlowProvider, WorkspaceProvider, ActivityProvider, TaskChannelProvider, TaskQueueProvider,
        WorkflowProvider, PhoneNumberBindingProvider, ConversationsAddressProvider, AccountClaimProvider,
    )
}
_DYNAMIC = "pulumi-python:dynamic/twilio:"
_NEVER_DELETED = ("PhoneNumberBinding", "AccountClaim")  # the number (or claim) is the same object either way


class RecoveryError(RuntimeError):
    """A pending create could not be resolved; nothing was changed. The message says what to do."""


@dataclass(frozen=True)
class Pending:
    """One create the engine started and never saw answered."""

    urn: str
    type: str
    inputs: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Recovery:
    """What recovery found and what it does: URN -> SID imported, URNs cleared, other interrupted steps."""

    imported: dict[str, str] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # URN -> what the provider read back

    @property
    def needed(self) -> bool:
        return bool(self.imported or self.cleared)

    def resolved(self, deployment: Mapping[str, Any]) -> dict[str, Any]:
        """The deployment with every pending create resolved: made ones as resources, the rest gone."""
        resources = list(deployment.get("resources") or [])
        pending = []
        for operation in deployment.get("pending_operations") or []:
            resource = dict(operation.get("resource") or {})
            urn = resource.get("urn")
            if operation.get("type") != "creating":
                pending.append(operation)
            elif urn in self.imported:
                inputs = resource.get("inputs") or {}
                resource["id"] = self.imported[urn]
                resource["outputs"] = {**inputs, **self.outputs[urn], "__provider": inputs.get("__provider")}
                resources.append(resource)  # its parent and dependencies were created before it
        return {**deployment, "resources": resources, "pending_operations": pending}


def pending_operations(deployment: Mapping[str, Any]) -> tuple[list[Pending], list[str]]:
    """(the pending creates, a description of every other pending operation) of a stack export."""
    creates, others = [], []
    for operation in deployment.get("pending_operations") or []:
        resource = operation.get("resource") or {}
        kind = str(operation.get("type"))
        if kind == "creating":
            creates.append(Pending(str(resource.get("urn")), str(resource.get("type")), resource.get("inputs") or {}))
        else:
            others.append(f"{kind} {str(resource.get('urn', '')).rsplit('::', 1)[-1]}")
    return creates, others


def plan_recovery(
    deployment: Mapping[str, Any], config: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Recovery:
    """Ask each pending create's provider what it made (reads only; nothing is changed here)."""
    creates, others = pending_operations(deployment)
    recovery = Recovery(others=others)
    if not creates:
        return recovery
    connection = resolve_connection(config, environ)
    known = {str(r["id"]) for r in deployment.get("resources") or [] if r.get("id")}
    in_state = {str(r.get("urn")) for r in deployment.get("resources") or []}
    for pending in creates:
        kind = pending.type.removeprefix(_DYNAMIC)
        provider_class = _PROVIDERS.get(kind)
        if not pending.type.startswith(_DYNAMIC) or provider_class is None:
            raise RecoveryError(f"{pending.name}: a pending create of {pending.type}, which flex-pre-agent does not "
                                f"manage; resolve it with `pulumi refresh` (see {README_SECTION})")
        provider = provider_class()
        inputs = provider.inputs_of(pending.inputs)
        provider._config = _config_of(connection)  # what configure() records; read() takes it from there
        try:
            sid = provider.find_created(connection, inputs, known)
            read = provider.read(sid, {**pending.inputs, **inputs}) if sid is not None else None
        except Exception as error:  # a Twilio error, or several candidates: a person decides
            raise RecoveryError(f"{pending.name} ({kind}): cannot tell what the interrupted create made: {error}; "
                                f"nothing was changed") from None
        what = f"{kind} {provider.describe(inputs).removeprefix(kind).strip() or pending.name}"
        if pending.urn in in_state:  # a plain `pulumi up` ran since, and made it again
            recovery.cleared.append(pending.urn)
            orphan = f"{read.id} is an orphan the interrupted run made: delete it in the Twilio console" if (
                read is not None and read.id and kind not in _NEVER_DELETED) else "nothing else to do"
            recovery.lines.append(f"  - {what}: a later run already made it again; clearing it ({orphan})")
        elif read is None or not read.id:
            recovery.cleared.append(pending.urn)
            recovery.lines.append(f"  - {what}: Twilio has nothing it made; clearing it (the next `up` creates it)")
        else:
            recovery.imported[pending.urn] = str(read.id)
            recovery.outputs[pending.urn] = dict(read.outs or {})
            known.add(str(read.id))
            recovery.lines.append(f"  - {what}: made {read.id}; importing it (never created again)")
    return recovery


def recover(
    stack: str,
    export: Callable[[], Mapping[str, Any]],
    config: Callable[[], Mapping[str, Any]],
    import_state: Callable[[Mapping[str, Any]], None],
    say: Callable[[str], None] = print,
    environ: Mapping[str, str] | None = None,
) -> Recovery:
    """Resolve every pending create of ``stack``: plan from its export, then import the resolved state."""
    deployment = export()
    creates, _ = pending_operations(deployment)
    if not creates:
        return Recovery(others=pending_operations(deployment)[1])
    recovery = plan_recovery(deployment, config(), environ)
    say(f"Stack {stack}: an interrupted run left {count(len(creates), 'create')} pending; "
        "resolving each against Twilio:")
    for line in recovery.lines:
        say(line)
    try:
        import_state(recovery.resolved(deployment))
    except Exception:
        say(f"Stack {stack}: not recovered: its state could not be written, so nothing was imported or cleared "
            "(why, below); run this again once that is fixed.")
        raise
    say(f"Stack {stack}: recovered ({len(recovery.imported)} imported, {len(recovery.cleared)} cleared); "
        f"`pulumi up` now finishes the job without duplicates (see {README_SECTION}).")
    return recovery


def _config_of(connection: Connection) -> dict[str, Any]:
    """Provider config that resolves to ``connection`` (credentials from the environment included)."""
    credentials = ({API_KEY_KEY: connection.username, API_SECRET_KEY: connection.password}
                   if connection.username.startswith("SK") else {AUTH_TOKEN_KEY: connection.password})
    return {ACCOUNT_SID_KEY: connection.account_sid, API_BASE_URL_KEY: connection.base_url, **credentials}


def config_values(entries: Mapping[str, Any]) -> dict[str, Any]:
    """Stack config as providers read it (key -> plain value) from the Automation API's or the CLI's JSON form."""
    values: dict[str, Any] = {}
    for key, entry in entries.items():
        value = getattr(entry, "value", entry)
        if isinstance(value, Mapping):
            value = value.get("value")
        values[key] = value
    return values
