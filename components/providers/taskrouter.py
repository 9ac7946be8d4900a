"""TaskRouter providers: Workspace, Activity, TaskChannel, TaskQueue and Workflow.

A Flex account already holds its workspace, activities, channels, the "Everyone" queue and the
"Assign to Anyone" workflow. Creating one of these (by its Flex name) finds the existing object and
adopts it instead of making a duplicate; any other existing object is adopted only when its SID is
given as ``adopt_sid``. Matching only Flex's own names means an object this program created is never
taken for a pre-existing one (a replacement or a renamed resource creates its own object). An adopted
object's settable values are recorded (``previous``) before the program's are applied, and it is
never deleted: removing it from the program puts the recorded values back and releases it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from twilio.base.exceptions import TwilioException, TwilioRestException

from components.providers import ledger
from components.providers.args import (
    ActivityArgs,
    TaskChannelArgs,
    TaskQueueArgs,
    TaskRouterWorkflowArgs,
    WorkspaceArgs,
)
from components.providers.base import (
    Props,
    TwilioProvider,
    TwilioProviderError,
    canonical,
    is_sid,
    sid_problem,
    unset_if_none,
)
from components.providers.listing import PAGE_SIZE, Listing, listings_of
from components.providers.twilio_api import Connection, error_parts
from taskrouter import FLEX_ACTIVITIES, FLEX_TASK_CHANNELS, default_route, everyone_queue
from taskrouter.keyed import taskrouter_configuration
from taskrouter.models import FLEX_WORKSPACE_NAME

TASK_ORDERS = ("FIFO", "LIFO")
# The parent, and how to adopt: not the object's fields.
_NOT_SETTABLE = ("workspace_sid", "adopt_sid", "adopt_existing")
_QUEUE_ACTIVITIES = ("reservation_activity_sid", "assignment_activity_sid")


class TaskRouterProvider(TwilioProvider):
    """Create-or-adopt, update, read and delete-or-restore over one SDK collection."""

    match_field: ClassVar[str] = "friendly_name"  # the name an existing object is adopted by
    flex_names: ClassVar[tuple[str, ...]] = ()  # Flex's own objects of this kind, adopted by name
    case_insensitive_match: ClassVar[bool] = True  # Flex tooling spells "Assign To Anyone" both ways
    sid_prefix: ClassVar[str]
    fixed: ClassVar[tuple[str, ...]] = ()  # fields Twilio takes only at creation
    carried = ("adopted", "previous")

    def collection(self, conn: Connection, props: Props) -> Any:
        """The SDK list object this resource lives in."""
        raise NotImplementedError

    def settable(self) -> list[str]:
        """The inputs that are the object's own fields."""
        return [key for key in self.fields if key not in _NOT_SETTABLE]

    def create_params(self, inputs: Props) -> Props:
        """Keyword arguments of the SDK's create call."""
        return {key: inputs.get(key) for key in self.settable()}

    def updatable(self) -> list[str]:
        """The fields Twilio lets change after creation."""
        return [key for key in self.settable() if key not in self.fixed]

    def update_params(self, inputs: Props) -> Props:
        """Keyword arguments of the SDK's update call."""
        params = self.create_params(inputs)
        return {key: params[key] for key in self.updatable()}

    def live_inputs(self, instance: Any) -> Props:
        """The inputs as Twilio has them now."""
        return {key: getattr(instance, key) for key in self.settable()}

    def outputs(self, instance: Any) -> Props:
        return {"sid": instance.sid, "account_sid": instance.account_sid}

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        sid = inputs.get("adopt_sid")
        if sid is not None and not is_sid(sid, self.sid_prefix):
            return [("adopt_sid", f"adopt_sid {sid_problem(sid, self.sid_prefix)}")]
        return []

    # ---- the four calls --------------------------------------------------------------------

    def _create(self, conn: Connection, inputs: Props) -> Props:
        """One list of the collection per process (listing.py), then one write: the create, or an adoption's
        update when the existing object differs from the program (none when it already matches)."""
        collection = self.collection(conn, inputs)
        listing = self._listing(conn, inputs)
        existing = self._existing(collection, inputs, self._matching(listing.items(), inputs))
        if existing is None:
            known = listing.sids()
            instance = self.create_once(
                conn,
                lambda: collection.create(**self._params(self.create_params(inputs))),
                # What matches now and did not before the create is this program's own.
                lambda: [item for item in self._matching(self._relisted(conn, inputs), inputs)
                         if item.sid not in known],
            )
            listing.put(instance)
            return {**self.outputs(instance), "adopted": False, "previous": None}
        self.check_adoptable(existing, inputs)
        changes = self.update_params(inputs)
        live = {key: value for key, value in self.live_inputs(existing).items() if key in changes}
        # An object that already has every value the program sets is not written to, and needs no record.
        already = all(value is None or self._same(key, live.get(key), value) for key, value in changes.items())
        # Kept in the account before the write: a CLI killed after it leaves the object showing the program's
        # values (so "already"), and that try's record is what destroy puts back.
        found = ledger.Findings(self, conn).remember(
            self._record_name(existing.sid), {"previous": live}, earlier_try_shows=already, needed=not already
        )
        previous = found.get("previous") or live
        instance = existing
        if not already:
            instance = self.resend(conn, lambda: collection(existing.sid).update(**self._params(changes)))
            listing.put(instance)
        return {**self.outputs(instance), "adopted": True, "previous": previous}

    def _record_name(self, sid: str) -> str:
        return ledger.found_name(self.kind.lower(), sid)

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        if inputs.get("adopt_sid"):
            return str(inputs["adopt_sid"])
        matches = self._matching(self._relisted(conn, inputs), inputs)
        return self.only_candidate(inputs, [item.sid for item in matches if item.sid not in known])

    def holder_of_name(self, conn: Connection, props: Mapping[str, Any]) -> str | None:
        try:
            matches = self._matching(self._relisted(conn, dict(props)), dict(props))
        except TwilioException:  # the refusal is what matters; its SID only helps
            return None
        return str(matches[0].sid) if len(matches) == 1 else None

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        context = self.collection(conn, inputs)(id_)
        params = self.update_params({**inputs, **self.cleared(olds, inputs)})
        instance = self.resend(conn, lambda: context.update(**self._params(params)))
        self._remember(conn, inputs, instance)
        return self.outputs(instance)

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        # Batched: the collection's one listing answers every read of this command; what it lacks is fetched.
        instance = self._listed(conn, olds, id_)
        if instance is None:
            instance = self.collection(conn, olds)(id_).fetch()
        outs = self.outputs(instance)
        if olds.get("adopted") is None:  # imported by a recovery: adopted when Flex's or named by adopt_sid
            adopted = bool(olds.get("adopt_sid")) or self.adopts_by_name(olds.get(self.match_field), olds)
            found = ledger.Findings(self, conn).recall(self._record_name(id_)) if adopted else None
            outs.update(adopted=adopted, previous=(found or {}).get("previous"))
        return self.live_inputs(instance), outs

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        context = self.collection(conn, olds)(id_)
        if not olds.get("adopted"):
            self.resend(conn, context.delete)
            loaded = listings_of(self).loaded(self._listing_key(conn, olds))
            if loaded is not None:
                loaded.drop(id_)
            return
        restore = self.restore_params(olds)
        try:
            listed = self._listed(conn, olds, id_) if restore else None
            if listed is not None:  # what the object already shows again (or never stopped showing) is not sent
                restore = {key: value for key, value in restore.items()
                           if not self._same(key, getattr(listed, key), value)}
            if restore:
                self._remember(conn, olds, self.resend(conn, lambda: context.update(**self._params(restore))))
        except TwilioRestException as error:
            if error.status != 404:
                raise
        # Also when the object was gone already; listed first, so an adoption with no record costs no write.
        ledger.Findings(self, conn).forget(self._record_name(id_), look=True)

    # ---- the collection's listing (listing.py) ------------------------------------------------

    def _listing_key(self, conn: Connection, props: Props) -> tuple[Connection, str, Any]:
        return (conn, self.kind, props.get("workspace_sid"))

    def _listing(self, conn: Connection, props: Props) -> Listing:
        collection = self.collection(conn, props)
        return listings_of(self).get(self._listing_key(conn, props), lambda: collection.list(page_size=PAGE_SIZE))

    def _relisted(self, conn: Connection, props: Props) -> list[Any]:
        """A fresh listing (a create lost its answer, or a recovery asks): it replaces the kept one."""
        items = list(self.collection(conn, props).list(page_size=PAGE_SIZE))
        listings_of(self).fresh(self._listing_key(conn, props), items)
        return items

    def _listed(self, conn: Connection, props: Props, sid: str) -> Any | None:
        """The object as the collection's listing has it; None when it is not there (or the list failed)."""
        try:
            return self._listing(conn, props).get(sid)
        except TwilioException as error:
            if error_parts(error)[0] == 404:  # the workspace is gone: the fetch says so for this object
                return None
            raise

    def _remember(self, conn: Connection, props: Props, instance: Any) -> None:
        loaded = listings_of(self).loaded(self._listing_key(conn, props))
        if loaded is not None:
            loaded.put(instance)

    # ---- adoption --------------------------------------------------------------------------

    def check_adoptable(self, existing: Any, inputs: Props) -> None:
        """Raise when an existing object cannot become what the program asks for."""

    def restore_params(self, olds: Props) -> Props:
        """What puts an adopted object back as it was: each recorded value the program changed.

        Values come back from state through gRPC (numbers as floats, None dropped), hence
        ``canonical``; a text field that was empty is cleared with ``""``. State written before
        values were recorded has no ``previous``: the object is then only released.
        """
        previous = canonical(olds.get("previous"))
        if not previous:
            return {}
        restore: Props = {}
        for key in self.updatable():
            field = self.fields[key]
            before, now = previous.get(key), canonical(olds.get(key))
            if canonical(before, field.json) == canonical(now, field.json):
                continue
            if before is None and str in field.types:
                before = ""
            if before is not None:
                restore[key] = before
        return restore

    def cleared(self, olds: Mapping[str, Any], inputs: Mapping[str, Any]) -> Props:
        """As for any kind, except that an adopted object gets back its own value from before the adoption
        (recorded in ``previous``), not Twilio's default: a Flex default is left as Flex made it."""
        cleared = super().cleared(olds, inputs)
        previous = canonical(olds.get("previous")) if olds.get("adopted") else None
        if isinstance(previous, Mapping):
            cleared.update({key: previous[key] for key in cleared if previous.get(key) is not None})
        return cleared

    def _same(self, key: str, one: Any, other: Any) -> bool:
        """Whether two values of field ``key`` are the same data (for a text, no value and an empty one alike)."""
        field = self.fields[key]
        blank = "" if str in field.types else None
        return bool(canonical(blank if one is None else one, field.json)
                    == canonical(blank if other is None else other, field.json))

    def adopts_by_name(self, name: object, inputs: Mapping[str, Any] | None = None) -> bool:
        """Whether an existing object of this name is adopted: one of Flex's own, or one the inputs say to adopt
        (``adopt_existing``: made in the Console, named in the stack's ``adopt`` setting)."""
        if inputs is not None and inputs.get("adopt_existing"):
            return isinstance(name, str)
        return isinstance(name, str) and self._key(name) in {self._key(flex) for flex in self.flex_names}

    def _existing(self, collection: Any, inputs: Props, matches: list[Any]) -> Any | None:
        sid = inputs.get("adopt_sid")
        if sid:
            return collection(sid).fetch()
        if not self.adopts_by_name(inputs.get(self.match_field), inputs):
            return None
        if len(matches) > 1:
            sids = ", ".join(item.sid for item in matches)
            raise TwilioProviderError(
                f"{self.describe(inputs)}: {len(matches)} objects named {inputs.get(self.match_field)!r} "
                f"exist ({sids}); choose one with adopt_sid"
            )
        return matches[0] if matches else None

    def _matching(self, items: list[Any], inputs: Props) -> list[Any]:
        wanted = self._key(inputs.get(self.match_field))
        return [item for item in items if self._key(getattr(item, self.match_field)) == wanted]

    def _key(self, value: Any) -> Any:
        return value.casefold() if self.case_insensitive_match and isinstance(value, str) else value

    @staticmethod
    def _params(params: Props) -> Props:
        return {key: unset_if_none(value) for key, value in params.items()}


def _workspace(conn: Connection, props: Props) -> Any:
    return conn.client().taskrouter.v1.workspaces(props["workspace_sid"])


class WorkspaceProvider(TaskRouterProvider):
    """A TaskRouter workspace; "Flex Task Assignment" is adopted, never created twice."""

    kind = "Workspace"
    args = WorkspaceArgs
    sid_prefix = "WS"
    flex_names = (FLEX_WORKSPACE_NAME,)

    def collection(self, conn: Connection, props: Props) -> Any:
        return conn.client().taskrouter.v1.workspaces

    def outputs(self, instance: Any) -> Props:
        return {
            **super().outputs(instance),
            "default_activity_sid": instance.default_activity_sid,
            "timeout_activity_sid": instance.timeout_activity_sid,
        }


class ActivityProvider(TaskRouterProvider):
    """A worker activity. ``available`` cannot change after creation, so changing it replaces it."""

    kind = "Activity"
    args = ActivityArgs
    sid_prefix = "WA"
    flex_names = tuple(activity.friendly_name for activity in FLEX_ACTIVITIES)
    fixed = ("available",)

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).activities

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        if not olds.get("adopted"):
            self._release_queues(conn, id_, olds)
        super()._delete(conn, id_, olds)

    def _release_queues(self, conn: Connection, id_: str, olds: Props) -> None:
        """Queues still using this activity move to the workspace's default activity first.

        TaskRouter refuses to delete an activity a queue uses. A replaced activity is deleted before
        its replacement exists (its name is Flex's, or unique), so the program's queues still point
        at it; the update that follows points them at the replacement.
        """
        workspace = _workspace(conn, olds)
        fallback = workspace.fetch().default_activity_sid
        for queue in workspace.task_queues.list():
            uses = {key: fallback for key in _QUEUE_ACTIVITIES if getattr(queue, key) == id_}
            if uses:
                self.resend(conn, partial(workspace.task_queues(queue.sid).update, **uses))

    def check_adoptable(self, existing: Any, inputs: Props) -> None:
        wanted = inputs.get("available")
        if wanted is not None and bool(wanted) != bool(existing.available):
            raise TwilioProviderError(
                f"{self.describe(inputs)}: the existing activity {existing.sid} has available="
                f"{existing.available} and Twilio cannot change that; rename this activity or set "
                f"available={existing.available}"
            )


class TaskChannelProvider(TaskRouterProvider):
    """A task channel, adopted by unique name (Flex has default, voice, chat, sms and video)."""

    kind = "TaskChannel"
    args = TaskChannelArgs
    sid_prefix = "TC"
    flex_names = tuple(channel.unique_name for channel in FLEX_TASK_CHANNELS)
    match_field = "unique_name"
    case_insensitive_match = False
    label_field = "unique_name"
    fixed = ("unique_name",)

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).task_channels

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        # "Task Channel friendlyName and uniqueName values do not support hyphens" (Twilio's docs).
        hyphenated = [(key, f"{key} is {inputs[key]!r}; task channel names cannot contain hyphens: use _")
                      for key in ("unique_name", "friendly_name") if "-" in (inputs.get(key) or "")]
        return [*super().validate(inputs), *hyphenated]


class TaskQueueProvider(TaskRouterProvider):
    """A task queue: who may take its tasks (target_workers) and in which order."""

    kind = "TaskQueue"
    adopt_setting = "queues"
    args = TaskQueueArgs
    sid_prefix = "WQ"
    flex_names = (everyone_queue().friendly_name,)

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems = super().validate(inputs)
        order = inputs.get("task_order")
        if order is not None and order not in TASK_ORDERS:
            problems.append(("task_order", f"task_order is {order!r}; use 'FIFO' or 'LIFO'"))
        target = inputs.get("target_workers")
        if target is not None:
            from taskrouter.configuration import check_target_workers

            # The toolkit's offline check never raises (an expression nested thousands deep is a problem line).
            for problem in check_target_workers(target)[:1]:
                reason = f"target_workers is not an expression TaskRouter accepts:\n{problem}"
                problems.append(("target_workers", reason))
        return problems

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).task_queues


class WorkflowProvider(TaskRouterProvider):
    """A workflow; its configuration JSON is compared as data, never as text."""

    kind = "Workflow"
    adopt_setting = "workflows"
    args = TaskRouterWorkflowArgs
    sid_prefix = "WW"
    flex_names = (default_route(everyone_queue()).friendly_name,)

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems = super().validate(inputs)
        if "configuration" in inputs:
            from taskrouter import check_configuration

            problems.extend(("configuration", f"configuration: {problem}")
                            for problem in check_configuration(
                                taskrouter_configuration(canonical(inputs["configuration"], as_json=True))))
        return problems

    def collection(self, conn: Connection, props: Props) -> Any:
        return _workspace(conn, props).workflows

    def create_params(self, inputs: Props) -> Props:
        # Twilio takes the configuration as JSON text; the program may have passed a mapping.
        configuration = taskrouter_configuration(canonical(inputs["configuration"], as_json=True))
        return {**super().create_params(inputs), "configuration": _json_text(configuration)}


def _json_text(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))
