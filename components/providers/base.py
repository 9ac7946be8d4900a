"""What every Twilio dynamic provider shares: offline check and diff, canonical comparison, errors.

A provider subclass names its inputs' declaration (``args``, a TypedDict of ``components.providers.args``)
and implements four calls against Twilio (``_create``, ``_update``, ``_read``, ``_delete``). This base
turns them into Pulumi's contract: ``check`` and ``diff`` make no API calls and survive unknown values,
``diff`` compares canonical inputs, ``update`` returns every output, ``read`` returns live inputs so
drift shows, writes are safe to retry, and every Twilio error names the resource and carries Twilio's
code and message.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar

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

from components.providers.args import InputField, input_fields
from components.providers.twilio_api import (
    ACCOUNT_SID_KEY,
    API_BASE_URL_KEY,
    API_KEY_KEY,
    API_SECRET_KEY,
    AUTH_TOKEN_KEY,
    BASE_URL_ENV,
    AnswerLost,
    Connection,
    TwilioSetupError,
    check_account,
    error_parts,
    prove_key_account,
    resolve_connection,
)

Props = dict[str, Any]
T = TypeVar("T")
_CONFIG_KEYS = (ACCOUNT_SID_KEY, AUTH_TOKEN_KEY, API_KEY_KEY, API_SECRET_KEY, API_BASE_URL_KEY)
_HINTS = {
    20003: "check the credentials for this stack's account (authToken, or TWILIO_* in the environment)",
    20429: "Twilio kept rate-limiting after every retry: run again later",
}
# A 404 means something else to a create (a SID it names does not exist) than to a call on the
# object itself (the object is gone).
GONE_FROM_ACCOUNT = (
    "it is gone from the account (deleted outside Pulumi, or an emulator restarted without its state file), but "
    "the stack still lists it. Run `pulumi refresh`: it reads every object the stack lists from Twilio and drops "
    "the ones that are gone from the stack's state, writing nothing to Twilio; then `pulumi up` creates them again"
)
_NOT_FOUND_HINTS = {
    "create": "a SID this resource names (its workspace, flow or service) does not exist in this account: "
    "check the value, or create that object first",
    "read": GONE_FROM_ACCOUNT,
}
_SID_NAMES = {
    "WS": "TaskRouter workspace",
    "WA": "activity",
    "WQ": "task queue",
    "WW": "workflow",
    "TC": "task channel",
    "FW": "Studio flow",
    "IS": "Conversations service",
}
# How ``diff`` reports a change: "unknown" to the Python provider server, which then lets the engine
# diff the inputs itself. The server cannot send which inputs changed, and without those keys the
# engine cannot apply ``replace_on_changes``. No change is reported as False (none), so the number
# and JSON noise of the gRPC path never causes an update; replacements are reported by the provider.
CHANGED = None
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TwilioProviderError(RuntimeError):
    """A Twilio call failed; the message names the resource, the call and Twilio's code."""


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


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def input_problems(field: InputField, value: Any) -> list[str]:
    """What is wrong with one known input, offline: missing, type, characters, size, SID prefix."""
    if value is None:
        return ["is missing: the program must set it"] if field.required else []
    wanted = field.types
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        names = " or ".join("a mapping" if t is Mapping else t.__name__ for t in wanted)
        return [f"is {value!r} ({type(value).__name__}); it must be {names}"]
    if field.json:
        if any("\x00" in text for text in strings_in(canonical(value, as_json=True))):
            return ["contains a NUL character; remove it"]
        return []
    bounds = field.spec.bounds
    if bounds is not None and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
        return [f"is {value}; Twilio allows {bounds[0]} to {bounds[1]}"]
    if not isinstance(value, str):
        return []
    control = (_CONTROL_BUT_LINES if field.spec.multiline else _CONTROL).search(value)
    if control:
        return [f"contains the control character U+{ord(control.group()):04X} at position {control.start()}; "
                "remove it"]
    if field.spec.max_length is not None and len(value) > field.spec.max_length:
        return [f"is {len(value)} characters long; Twilio allows at most {field.spec.max_length}"]
    prefix = field.spec.sid
    if prefix and not is_sid(value, prefix):
        return [sid_problem(value, prefix)]
    return []


def is_sid(value: str, prefix: str) -> bool:
    """Whether ``value`` is a Twilio SID with this two-letter prefix."""
    return re.fullmatch(prefix + r"[0-9a-fA-F]{32}", value) is not None


def sid_problem(value: str, prefix: str) -> str:
    """The reason a value is not a SID of the expected kind, with the fix."""
    what = _SID_NAMES.get(prefix, "object")
    return (f"is {value!r}; it must be a {what} SID ({prefix} followed by 32 hex digits): "
            f"pass the `.id` of the {what} resource, or copy the SID from the Twilio console")


class TwilioProvider(ResourceProvider):
    """Base of every Twilio provider. Subclasses set ``kind``, ``args`` and the four calls."""

    # Pickled by reference and holding no secret, so the state blob need not be encrypted.
    serialize_as_secret_always = False

    kind: ClassVar[str] = "Resource"
    args: ClassVar[type]  # the resource's inputs, declared once (components.providers.args)
    fields: ClassVar[Mapping[str, InputField]] = {}  # read from ``args``
    label_field: ClassVar[str] = "friendly_name"
    adopt_setting: ClassVar[str | None] = None  # the key of the stack file's adopt setting that takes one over
    carried: ClassVar[tuple[str, ...]] = ()  # outputs only a create decides; update and read keep them

    _config: Mapping[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "args" in cls.__dict__:
            cls.fields = input_fields(cls.args)

    def __getstate__(self) -> dict[str, Any]:
        # Stateless by design: even a configured provider pickles without its config (credentials).
        return {}

    # ---- Pulumi's contract -------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in preview too, so it only records config: problems surface when a call is made.
        # It is set after unpickling, so it never reaches the state.
        self._config = {key: req.config.get(key) for key in _CONFIG_KEYS}

    def check(self, _olds: Props, news: Props) -> CheckResult:
        # An unknown input (in a preview) is neither checked nor missing: it is checked when known.
        unknown = {key for key in self.fields if has_unknowns(news.get(key))}
        known = {key: self._value(news, key) for key in self.fields if key not in unknown}
        problems = [(key, f"{key} {reason}") for key, f in self.fields.items() if key in known
                    for reason in input_problems(f, known[key])]
        # A provider's own rules see only well-formed inputs (right type, no control characters).
        problems += self.validate({key: value for key, value in known.items() if key not in dict(problems)})
        failures = [CheckFailure(key, reason) for key, reason in problems if key not in unknown]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        """Which inputs changed; an input only unknown (in a preview) is at most an update.

        A real preview cannot know a dependency's outputs after that dependency is updated (the
        dynamic provider server does not preview updates), so ``workspace_sid=workspace.sid`` is
        unknown whenever the workspace changes at all. Counting that as a replacement would preview
        every child as replaced (which ``protect`` turns into a failed ``up``). The resource's id
        stays known in a preview, so programs wire parents by ``.id``; a parent really replaced
        then shows as a known change, and the ``up`` itself diffs known values and replaces.
        The price: when a parent is replaced delete-first, the engine asks each dependent's diff with
        the parent's outputs unknown and replaces only the dependents that answer "replace", so a
        child of a replaced workspace is not replaced with it (a workspace is only replaced on request).
        """
        self._guard_stack_account(olds)
        changed, unknown = self.changed_fields(olds, news)
        replaces = [key for key in changed if self.fields[key].replace]
        return DiffResult(
            changes=CHANGED if changed or unknown else False,
            replaces=replaces,
            # The old object goes first: its replacement keeps the name, which Twilio may keep unique
            # and adoption by a Flex name would find again.
            delete_before_replace=True if replaces else None,
        )

    def create(self, props: Props) -> CreateResult:
        inputs = self.inputs_of(props)
        with self._calling("create", inputs) as conn:
            prove_key_account(conn)
            outs = self._create(conn, inputs)
            check_account(self.describe(inputs), conn.account_sid, outs.get("account_sid"))
        return CreateResult(outs["sid"], {**inputs, **outs})

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        inputs = self.inputs_of(news)
        self._guard_stack_account(olds)
        with self._calling("update", inputs) as conn:
            prove_key_account(conn)
            outs = self._update(conn, id_, olds, inputs)
        return UpdateResult({**inputs, **self._carried(olds), **outs})

    def read(self, id_: str, props: Props) -> ReadResult:
        self._guard_stack_account(props)
        try:
            with self._calling("read", props) as conn:
                try:
                    live = self._read(conn, id_, props)
                except TwilioRestException as error:
                    if error.status == 404:
                        return ReadResult(None, {})
                    raise
        except _AlreadyRefused:
            # Another resource of this command already said the credentials were refused: one message is
            # enough (the command fails with it), and this resource's state stays as it was.
            return ReadResult(id_, props, self.inputs_of(props))
        if live is None:
            return ReadResult(None, {})
        live_inputs, live_outs = live
        # Only what the program manages is read back: an input it leaves unset stays unset, so a
        # refresh never invents a change the next `up` would have to revert.
        managed = self.inputs_of(props)
        inputs = {
            key: self._unless_same(value, live_inputs[key], self.fields[key].json, self.fields[key].spec.shape)
            if key in live_inputs and value is not None
            else value
            for key, value in managed.items()
        }
        outs = {key: self._unless_same(props.get(key), value) for key, value in live_outs.items()}
        return ReadResult(id_, {**inputs, **self._carried(props), **outs}, inputs)

    @staticmethod
    def _unless_same(old: Any, live: Any, as_json: bool = False, shape: Callable[[Any], Any] | None = None) -> Any:
        """The live value, or the state's own spelling of it when both are the same data (in ``shape``)."""
        def form(value: Any) -> Any:
            data = canonical(value, as_json)
            return data if shape is None else shape(data)

        return old if form(old) == form(live) else live

    def delete(self, id_: str, props: Props) -> None:
        self._guard_stack_account(props)
        with self._calling("delete", props) as conn:
            prove_key_account(conn)
            try:
                self._delete(conn, id_, props)
            except TwilioRestException as error:
                if error.status != 404:  # already gone (perhaps by an earlier try) is what delete wants
                    raise

    # ---- what subclasses implement -------------------------------------------------------------

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        """Offline rules of the resource over its known, well-typed inputs: (property, reason) pairs."""
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

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        """The SID of what a create with ``inputs`` made, when its answer never reached the state; else None.

        The lost-answer lookup, run by a recovery (``flexctl recover``) for a pending create the engine left
        in the state: ``known`` are the SIDs the state already holds, never the answer.
        """
        raise NotImplementedError

    def only_candidate(self, inputs: Props, candidates: list[str]) -> str | None:
        """The one object a lost create could have made, None for none; several is for a person to sort out."""
        if len(candidates) > 1:
            raise TwilioProviderError(
                f"{self.describe(inputs)}: {len(candidates)} objects could be the one a lost create made "
                f"({', '.join(candidates)}); delete the extra ones in the Twilio console, then run again"
            )
        return candidates[0] if candidates else None

    # ---- writes that are safe to retry ---------------------------------------------------------

    @classmethod
    def resend_unless_gone(cls, conn: Connection, write: Callable[[], object]) -> None:
        """``resend`` for a delete or a restore: an object already gone (404, perhaps by an earlier try) is fine."""
        try:
            cls.resend(conn, write)
        except TwilioRestException as error:
            if error.status != 404:
                raise

    @staticmethod
    def resend(conn: Connection, write: Callable[[], T], landed: Callable[[], T | None] | None = None) -> T:
        """An idempotent write (an update, a delete): sent again when its answer was lost.

        ``landed`` looks first whether the lost write was applied after all (a Studio update, which
        would otherwise make one more revision), and returns the object when it was.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return write()
            except AnswerLost:
                found = landed() if landed is not None else None
                if found is not None:
                    return found
                if not conn.pause_before_retry(attempt):
                    raise

    def create_once(self, conn: Connection, send: Callable[[], T], appeared: Callable[[], list[T]]) -> T:
        """A create whose lost answer is reconciled, never blindly sent again.

        ``appeared`` looks the object up (by name, unique name or address) and returns what was not
        there before the create: that is this program's own object, whose answer was lost. Only
        when nothing appeared is the create sent again.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return send()
            except AnswerLost:
                found = appeared()
                if len(found) == 1:
                    return found[0]
                if found:
                    sids = ", ".join(str(getattr(item, "sid", item)) for item in found)
                    raise TwilioProviderError(
                        f"{self.kind}: a create lost its answer and {len(found)} new objects appeared ({sids}); "
                        f"something else is creating them too. Delete the extra ones, then run again."
                    ) from None
                if not conn.pause_before_retry(attempt):
                    raise

    # ---- helpers -------------------------------------------------------------------------------

    def _value(self, props: Mapping[str, Any], key: str) -> Any:
        value = canonical(props.get(key))
        return self.fields[key].spec.default if value is None else value

    def inputs_of(self, props: Mapping[str, Any]) -> Props:
        """The declared inputs in ``props`` (never ``__provider`` or outputs), as canonical values.

        Canonical here means the numbers the gRPC path turned into floats are whole numbers again,
        so no provider has to convert them one field at a time.
        """
        return {key: self._value(props, key) for key in self.fields}

    def _carried(self, olds: Mapping[str, Any]) -> Props:
        return {key: canonical(olds.get(key)) for key in self.carried}

    def cleared(self, olds: Mapping[str, Any], inputs: Mapping[str, Any]) -> Props:
        """What clears each value the program set and no longer sets, where Twilio can clear it (``Spec.cleared_by``).

        Left unsent, Twilio would keep it (and keep calling a callback URL) while the state says there is none.
        """
        return {key: field.spec.cleared_by for key, field in self.fields.items()
                if field.spec.cleared_by is not None and inputs.get(key) is None
                and canonical(olds.get(key)) is not None}

    def changed_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """(inputs whose canonical values differ, inputs not known yet) among the compared ones."""
        changed, unknown = [], []
        for key, field in self.fields.items():
            if not field.compare:
                continue
            new = news.get(key)
            if has_unknowns(new):
                unknown.append(key)
            elif self.comparable(key, olds) != self.comparable(key, news):
                changed.append(key)
        return changed, unknown

    def comparable(self, key: str, props: Mapping[str, Any]) -> Any:
        """An input as ``diff`` compares it: canonical data, in its declared shape (a flow's states by name)."""
        field = self.fields[key]
        value = canonical(self._value(props, key), field.json)
        return value if field.spec.shape is None else field.spec.shape(value)

    def describe(self, props: Mapping[str, Any]) -> str:
        label = props.get(self.label_field)
        return f"{self.kind} {label!r}" if label else self.kind

    def connection(self) -> Connection:
        return resolve_connection(getattr(self, "_config", {}))

    def _guard_stack_account(self, olds: Mapping[str, Any]) -> None:
        """Offline: the object in state must belong to the account this stack is configured for."""
        expected = getattr(self, "_config", {}).get(ACCOUNT_SID_KEY)
        if expected:
            try:
                check_account(self.describe(olds), expected, olds.get("account_sid"))
            except TwilioSetupError as error:  # its message, not one traceback per resource (diff and read too)
                raise TwilioProviderError(str(error)) from None

    @contextmanager
    def _calling(self, action: str, props: Mapping[str, Any]) -> Iterator[Connection]:
        connection: Connection | None = None
        try:
            connection = self.connection()
            if connection in _refused:
                raise _AlreadyRefused(connection)
            yield connection
        except TwilioException as error:
            if connection is not None and error_parts(error)[0] == 401 and not _first_refusal(
                    connection, f"Twilio refused the credentials of {connection.account_sid}"):
                raise _AlreadyRefused(connection) from None
            raise TwilioProviderError(self._explain(action, props, error, connection)) from None
        except TwilioSetupError as error:
            raise TwilioProviderError(f"{self.describe(props)}: cannot {action}: {error}") from None
        except AnswerLost as error:
            if connection is not None and error.unreachable:
                if not _first_refusal(connection, f"nothing answers at {connection.base_url or 'api.twilio.com'}"):
                    raise _AlreadyRefused(connection) from None
                raise TwilioProviderError(f"{self.describe(props)}: cannot {action}: {_unreachable(connection, error)}"
                                          ) from None
            raise TwilioProviderError(
                f"{self.describe(props)}: cannot {action}: Twilio gave no answer to {error} after every retry. "
                f"Nothing was assumed: run the command again (a create first looks up what an earlier try "
                f"may have made)."
            ) from None

    def _explain(self, action: str, props: Mapping[str, Any], error: TwilioException,
                 connection: Connection | None = None) -> str:
        status, code, message, details = error_parts(error)
        message = message.removeprefix(f"Unable to {action} record: ")
        text = f"{self.describe(props)}: {action} failed: Twilio error {code or 'none'} (HTTP {status}): {message}"
        lines = self.explain_details(props, details)
        if code == 20404:
            hint: str | None = _NOT_FOUND_HINTS["create" if action == "create" else "read"]
        elif code == 20001 and "already exists" in message:
            hint = self.name_taken_hint(props, self.holder_of_name(connection, props) if connection else None)
        else:
            hint = _HINTS.get(code or 0)
        return text + "".join(f"\n  - {line}" for line in lines) + (f"\n  fix: {hint}" if hint else "")

    def name_taken_hint(self, props: Mapping[str, Any], holder: str | None = None) -> str:
        """The fix when Twilio refuses a name another object of this kind already has (400, code 20001).

        Twilio keeps a queue's name unique in its workspace (nash-md/twilio-contact-center#23 quotes its answer);
        so a replacement the engine creates before deleting the old object (Pulumi's default order: a resource
        renamed in code without an alias, `up --replace`, replace_on_changes) cannot keep the name. ``holder``
        is the SID of the object that has the name, when one lookup found it.
        """
        name = props.get(self.label_field)
        take_over = (f"take it over by listing it in the stack file's adopt setting (adopt: {{{self.adopt_setting}: "
                     f"[{name}]}}) when the @routing function makes it, or " if self.adopt_setting else "")
        return (f"Twilio keeps {self.kind} names unique and one named {name!r} exists"
                f"{f' ({holder})' if holder else ''}. If this stack is replacing "
                f"its own: a resource renamed in code keeps its object with aliases=[pulumi.Alias(name=\"<old "
                f"name>\")]; a setting changes in place (drop replace_on_changes or --replace); or give it another "
                f"name in the same change. If it was made outside this stack (in the Console): {take_over}adopt it "
                f"with adopt_sid=\"{holder or '<its SID>'}\" on a {self.kind} resource declared in code; or rename "
                f"the existing one in the Console, or choose another name")

    def holder_of_name(self, conn: Connection, props: Mapping[str, Any]) -> str | None:
        """The SID of the object that already has this one's name (after Twilio refused it), if one lookup says."""
        return None

    def explain_details(self, props: Mapping[str, Any], details: Any) -> list[str]:
        """Lines that make Twilio's error details readable; subclasses map paths to names."""
        if not isinstance(details, Mapping):
            return []
        errors = details.get("errors") or []
        return [f"{e.get('property_path', '')}: {e.get('message', '')}" for e in errors if isinstance(e, Mapping)]


def _unreachable(connection: Connection, error: AnswerLost) -> str:
    """Nothing answers where this connection sends its calls: where that is and the fix, said once a command."""
    if connection.base_url is None:
        return f"{error}; nothing was sent. Fix: check this machine's connection to Twilio and run again"
    return (f"nothing answers at {connection.base_url} ({error}); nothing was sent. Fix: start what should answer "
            f"there (`make emulator` for the local stack), or correct {BASE_URL_ENV} or the stack's apiBaseUrl")


class _AlreadyRefused(TwilioProviderError):
    """Another resource of this command already said why this connection cannot work (HTTP 401, nothing answers)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(f"not done: {_refused[connection]} (see the first error)")


_refused: dict[Connection, str] = {}
"""Connections that cannot work in this process, with why: every resource after the first says so in one line."""
_refused_lock = threading.Lock()


def _first_refusal(connection: Connection, why: str) -> bool:
    """Record that ``connection`` cannot work (``why``); True only for the first resource to learn it in a process."""
    with _refused_lock:
        first = connection not in _refused
        _refused.setdefault(connection, why)
    return first


def plain_errors_in_provider_server() -> None:
    """In the dynamic-provider server, our own errors reach the engine as their message, without a traceback.

    The SDK's server reports every exception as ``traceback.format_exc()``: for a wrong token that is one
    traceback per resource around a message that already says what is wrong and how to fix it.
    """
    server = sys.modules.get("__main__")
    spec = getattr(server, "__spec__", None)
    if server is None or spec is None or spec.name != "pulumi.dynamic.__main__":
        return

    class _Traceback:
        def __getattr__(self, name: str) -> Any:
            return getattr(traceback, name)

        @staticmethod
        def format_exc(*args: Any, **kwargs: Any) -> str:
            error = sys.exc_info()[1]
            if isinstance(error, TwilioProviderError):
                return str(error)
            return traceback.format_exc(*args, **kwargs)

    server.traceback = _Traceback()  # type: ignore[attr-defined]


plain_errors_in_provider_server()


def unset_if_none(value: Any) -> Any:
    """The SDK's marker for "do not send this parameter" in place of None."""
    from twilio.base import values

    return values.unset if value is None else value
