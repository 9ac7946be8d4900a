"""What every Twilio dynamic provider shares: offline check and diff, canonical comparison, errors.

A provider subclass declares its inputs as ``Field``s and implements four calls against Twilio
(``_create``, ``_update``, ``_read``, ``_delete``). This base turns them into Pulumi's contract:
``check`` and ``diff`` make no API calls and survive unknown values, ``diff`` compares canonical
inputs, ``update`` returns every output, ``read`` returns live inputs so drift shows, and every
Twilio error names the resource and carries Twilio's code and message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from twilio.base.exceptions import TwilioException, TwilioRestException

from components.providers.twilio_api import (
    ACCOUNT_SID_KEY,
    API_BASE_URL_KEY,
    API_KEY_KEY,
    API_SECRET_KEY,
    AUTH_TOKEN_KEY,
    Connection,
    TwilioSetupError,
    check_account,
    resolve_connection,
)

Props = dict[str, Any]
_CONFIG_KEYS = (ACCOUNT_SID_KEY, AUTH_TOKEN_KEY, API_KEY_KEY, API_SECRET_KEY, API_BASE_URL_KEY)
_HINTS = {
    20003: "check the credentials for this stack's account (authToken, or TWILIO_* in the environment)",
    20404: "it was deleted outside Pulumi: run `pulumi refresh` so the stack forgets it, then `pulumi up`",
    20429: "Twilio kept rate-limiting after every retry: run again later",
}


class TwilioProviderError(RuntimeError):
    """A Twilio call failed; the message names the resource, the call and Twilio's code."""


@dataclass(frozen=True)
class Field:
    """One input of a resource: how it compares, and whether changing it needs a new object."""

    replace: bool = False  # Twilio cannot change it in place
    json: bool = False  # a JSON document: compared as data, not text
    compare: bool = True  # False for metadata that never causes an update (a commit message)


def canonical(value: Any, as_json: bool = False) -> Any:
    """The value as data: JSON text parsed, integral floats as ints, and None-valued keys dropped.

    The gRPC path turns every number into a float and drops None values, so these differences
    must not count as changes.
    """
    if as_json and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def has_unknowns(value: Any) -> bool:
    """True when the value, or anything inside it, is not known yet (in a preview)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknowns(v) for v in value)
    return False


class TwilioProvider(ResourceProvider):
    """Base of every Twilio provider. Subclasses set ``kind``, ``fields`` and the four calls."""

    # Pickled by reference and holding no secret, so the state blob need not be encrypted.
    serialize_as_secret_always = False

    kind: ClassVar[str] = "Resource"
    fields: ClassVar[Mapping[str, Field]] = {}
    label_field: ClassVar[str] = "friendly_name"

    _config: Mapping[str, Any]

    def __getstate__(self) -> dict[str, Any]:
        # Stateless by design: even a configured provider pickles without its config (credentials).
        return {}

    # ---- Pulumi's contract -------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in preview too, so it only records config: problems surface when a call is made.
        # It is set after unpickling, so it never reaches the state.
        self._config = {key: req.config.get(key) for key in _CONFIG_KEYS}

    def check(self, _olds: Props, news: Props) -> CheckResult:
        known = {key: canonical(value) for key, value in news.items() if not has_unknowns(value)}
        failures = [CheckFailure(key, reason) for key, reason in self.validate(known)]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        self._guard_stack_account(olds)
        changed = self.changed_fields(olds, news)
        replaces = [key for key in changed if self.fields[key].replace]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            # An object replaced under the same name must go first, or adoption by name would
            # find the old one again.
            delete_before_replace=True if replaces else None,
        )

    def create(self, props: Props) -> CreateResult:
        inputs = self.inputs_of(props)
        with self._calling("create", inputs) as conn:
            outs = self._create(conn, inputs)
            check_account(self.describe(inputs), conn.account_sid, outs.get("account_sid"))
        return CreateResult(outs["sid"], {**inputs, **outs})

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        inputs = self.inputs_of(news)
        self._guard_stack_account(olds)
        with self._calling("update", inputs) as conn:
            outs = self._update(conn, id_, olds, inputs)
        return UpdateResult({**inputs, **outs})

    def read(self, id_: str, props: Props) -> ReadResult:
        self._guard_stack_account(props)
        with self._calling("read", props) as conn:
            try:
                live = self._read(conn, id_, props)
            except TwilioRestException as error:
                if error.status == 404:
                    return ReadResult(None, {})
                raise
        if live is None:
            return ReadResult(None, {})
        live_inputs, live_outs = live
        # Only what the program manages is read back: an input it leaves unset stays unset, so a
        # refresh never invents a change the next `up` would have to revert.
        managed = self.inputs_of(props)
        inputs = {
            key: self._unless_same(value, live_inputs[key], self.fields[key].json)
            if key in live_inputs and value is not None
            else value
            for key, value in managed.items()
        }
        outs = {key: self._unless_same(props.get(key), value) for key, value in live_outs.items()}
        return ReadResult(id_, {**inputs, **outs}, inputs)

    @staticmethod
    def _unless_same(old: Any, live: Any, as_json: bool = False) -> Any:
        """The live value, or the state's own spelling of it when both are the same data."""
        return old if canonical(old, as_json) == canonical(live, as_json) else live

    def delete(self, id_: str, props: Props) -> None:
        self._guard_stack_account(props)
        with self._calling("delete", props) as conn:
            try:
                self._delete(conn, id_, props)
            except TwilioRestException as error:
                if error.status != 404:  # already gone is what delete wants
                    raise

    # ---- what subclasses implement -------------------------------------------------------------

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        """Offline checks of known inputs: (property, reason) pairs."""
        return []

    def _create(self, conn: Connection, inputs: Props) -> Props:
        raise NotImplementedError

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        raise NotImplementedError

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props] | None:
        """Fetch the live object: (inputs as Twilio has them, outputs), or None when it is gone."""
        raise NotImplementedError

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        raise NotImplementedError

    # ---- helpers -------------------------------------------------------------------------------

    def inputs_of(self, props: Mapping[str, Any]) -> Props:
        """The declared inputs in ``props`` (never ``__provider`` or outputs), as canonical values.

        Canonical here means the numbers the gRPC path turned into floats are whole numbers again,
        so no provider has to convert them one field at a time.
        """
        return {key: canonical(props.get(key)) for key in self.fields}

    def changed_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Inputs whose canonical values differ; an unknown new value counts as a change."""
        changed = []
        for key, spec in self.fields.items():
            if not spec.compare:
                continue
            new = news.get(key)
            if has_unknowns(new) or canonical(olds.get(key), spec.json) != canonical(new, spec.json):
                changed.append(key)
        return changed

    def describe(self, props: Mapping[str, Any]) -> str:
        label = props.get(self.label_field)
        return f"{self.kind} {label!r}" if label else self.kind

    def connection(self) -> Connection:
        return resolve_connection(getattr(self, "_config", {}))

    def _guard_stack_account(self, olds: Mapping[str, Any]) -> None:
        """Offline: the object in state must belong to the account this stack is configured for."""
        expected = getattr(self, "_config", {}).get(ACCOUNT_SID_KEY)
        if expected:
            check_account(self.describe(olds), expected, olds.get("account_sid"))

    @contextmanager
    def _calling(self, action: str, props: Mapping[str, Any]) -> Iterator[Connection]:
        try:
            yield self.connection()
        except TwilioException as error:
            raise TwilioProviderError(self._explain(action, props, error)) from None
        except TwilioSetupError as error:
            raise TwilioProviderError(f"{self.describe(props)}: cannot {action}: {error}") from None

    def _explain(self, action: str, props: Mapping[str, Any], error: TwilioException) -> str:
        status, code, message, details = _error_parts(error)
        message = message.removeprefix(f"Unable to {action} record: ")
        text = f"{self.describe(props)}: {action} failed: Twilio error {code or 'none'} (HTTP {status}): {message}"
        lines = self.explain_details(props, details)
        hint = _HINTS.get(code or 0)
        return text + "".join(f"\n  - {line}" for line in lines) + (f"\n  fix: {hint}" if hint else "")

    def explain_details(self, props: Mapping[str, Any], details: Any) -> list[str]:
        """Lines that make Twilio's error details readable; subclasses map paths to names."""
        if not isinstance(details, Mapping):
            return []
        errors = details.get("errors") or []
        return [f"{e.get('property_path', '')}: {e.get('message', '')}" for e in errors if isinstance(e, Mapping)]


def _error_parts(error: TwilioException) -> tuple[Any, int | None, str, Any]:
    """(HTTP status, Twilio code, message, details) of either kind of SDK error.

    Single-record calls raise TwilioRestException; list pages raise a bare TwilioException that
    carries the HTTP response.
    """
    if isinstance(error, TwilioRestException):
        return error.status, error.code, error.msg, error.details
    response = error.args[1] if len(error.args) > 1 else None
    try:
        body = json.loads(response.text) if response is not None else {}
    except (ValueError, AttributeError):
        body = {}
    status = getattr(response, "status_code", None)
    return status, body.get("code"), str(body.get("message") or error.args[0]), body.get("details")


def unset_if_none(value: Any) -> Any:
    """The SDK's marker for "do not send this parameter" in place of None."""
    from twilio.base import values

    return values.unset if value is None else value
