"""Studio v2 Flow provider.

Every update of a Studio flow makes a new revision, so ``diff`` compares definitions as data and a
commit message alone never causes an update.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from components.providers.args import StudioFlowArgs
from components.providers.base import Props, TwilioProvider, canonical, unset_if_none
from components.providers.listing import PAGE_SIZE, listings_of
from components.providers.twilio_api import Connection
from studio.keyed import keyed_definition, studio_definition

STATUSES = ("draft", "published")
_STATE_PATH = re.compile(r"^#/states/(\d+)")


def definition_data(definition: Any) -> Any:
    """The definition as Studio takes it, whether the program passed JSON text, a mapping or states by name."""
    return studio_definition(canonical(definition, as_json=True))


class StudioFlowProvider(TwilioProvider):
    """A Studio flow: friendly_name, status, definition, commit_message, test_users -> sid, revision, webhook_url,
    valid. A ``draft`` status with ``test_users`` is a canary: only those addresses run the new revision."""

    kind = "StudioFlow"
    args = StudioFlowArgs

    def validate(self, inputs: Props) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if inputs.get("friendly_name") == "":
            problems.append(("friendly_name", "friendly_name is empty; a Studio flow needs a name"))
        status = inputs.get("status")
        if status is not None and status not in STATUSES:
            problems.append(("status", f"status is {status!r}; use 'draft' or 'published'"))
        if "definition" in inputs:
            problems.extend(("definition", reason) for reason in _definition_problems(inputs["definition"]))
        return problems

    def changed_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """As every provider's, except that a ``draft`` status alone is no change.

        ``status: draft`` (a canary) says how a changed definition is deployed: a flow whose definition did not
        change gets no draft revision of itself. Going back to ``published`` publishes the draft.
        """
        changed, unknown = super().changed_fields(olds, news)
        if "status" in changed and self._value(news, "status") == "draft" and "definition" not in changed:
            changed.remove("status")
        return changed, unknown

    def _create(self, conn: Connection, inputs: Props) -> Props:
        flows = conn.client().studio.v2.flows
        name = inputs["friendly_name"]
        # Studio allows two flows of one name, so a lost answer is reconciled by what is new. The flows
        # are listed once per process (listing.py), not once per flow.
        listing = listings_of(self).get(conn, lambda: flows.list(page_size=PAGE_SIZE))
        before = {flow.sid for flow in listing.items() if flow.friendly_name == name}
        # A canary gates a change to what callers already reach; a new flow has no published revision to keep
        # serving, so it is published (its number binding is the change callers see).
        status = "published" if inputs.get("test_users") is not None else inputs["status"]
        flow = self.create_once(
            conn,
            lambda: flows.create(
                friendly_name=name,
                status=status,
                definition=definition_data(inputs["definition"]),
                commit_message=unset_if_none(inputs.get("commit_message")),
            ),
            lambda: [flows(f.sid).fetch() for f in flows.list(page_size=PAGE_SIZE)
                     if f.friendly_name == name and f.sid not in before],
        )
        listing.put(flow)
        self._set_test_users(conn, flow.sid, inputs)
        return {**_outputs(flow), "status": flow.status}

    def _update(self, conn: Connection, id_: str, olds: Props, inputs: Props) -> Props:
        context = conn.client().studio.v2.flows(id_)
        definition = definition_data(inputs["definition"])
        changed, _ = self.changed_fields(olds, inputs)
        if set(changed) <= {"test_users"}:  # who tests the draft is not a revision: none is made
            self._set_test_users(conn, id_, inputs)
            flow = self.resend(conn, context.fetch)
            return {**_outputs(flow), "status": flow.status}  # the live revision's, not a draft never made

        def landed() -> Any:
            # Every update is a new revision, so a lost one that was applied is not sent again.
            flow = context.fetch()
            newer = flow.revision > (canonical(olds.get("revision")) or 0)
            same = keyed_definition(canonical(flow.definition)) == keyed_definition(definition)
            return flow if newer and same else None

        flow = self.resend(
            conn,
            lambda: context.update(
                status=inputs["status"],
                friendly_name=inputs["friendly_name"],
                definition=definition,
                commit_message=unset_if_none(inputs.get("commit_message")),
            ),
            landed,
        )
        self._set_test_users(conn, id_, inputs)
        return _outputs(flow)

    def _set_test_users(self, conn: Connection, sid: str, inputs: Props) -> None:
        """Studio's test users of the flow (the list is replaced whole), when the program manages them."""
        users = inputs.get("test_users")
        if users is not None:
            context = conn.client().studio.v2.flows(sid).test_users()
            self.resend(conn, lambda: context.update(test_users=list(users)))

    def _read(self, conn: Connection, id_: str, olds: Props) -> tuple[Props, Props]:
        flow = conn.client().studio.v2.flows(id_).fetch()
        live = {
            "friendly_name": flow.friendly_name,
            "status": flow.status,
            "definition": json.dumps(flow.definition, sort_keys=True, separators=(",", ":")),
        }
        if olds.get("test_users") is not None:
            live["test_users"] = list(conn.client().studio.v2.flows(id_).test_users().fetch().test_users or [])
        return live, _outputs(flow)

    def _delete(self, conn: Connection, id_: str, olds: Props) -> None:
        self.resend(conn, conn.client().studio.v2.flows(id_).delete)

    def find_created(self, conn: Connection, inputs: Props, known: set[str]) -> str | None:
        flows = conn.client().studio.v2.flows.list()
        return self.only_candidate(
            inputs, [f.sid for f in flows if f.friendly_name == inputs["friendly_name"] and f.sid not in known]
        )

    def explain_details(self, props: Mapping[str, Any], details: Any) -> list[str]:
        """Studio reports ``#/states/3/...``; say which widget that is."""
        lines = super().explain_details(props, details)
        data = definition_data(props.get("definition"))
        states = data.get("states") if isinstance(data, Mapping) else None
        if not isinstance(states, list):
            return lines
        named = []
        for line in lines:
            match = _STATE_PATH.match(line)
            index = int(match.group(1)) if match else -1
            if 0 <= index < len(states) and isinstance(states[index], Mapping):
                named.append(f"widget {states[index].get('name')!r} ({line})")
            else:
                named.append(line)
        return named


def _outputs(flow: Any) -> Props:
    return {
        "sid": flow.sid,
        "account_sid": flow.account_sid,
        "revision": flow.revision,
        "webhook_url": flow.webhook_url,
        "valid": flow.valid,
    }


def _definition_problems(definition: Any) -> list[str]:
    """What Studio itself would reject, found offline (our toolkit's own warnings are not failures)."""
    data = definition_data(definition)
    if isinstance(definition, str) and data == definition:
        return ["definition is not valid JSON: pass the toolkit's flow.to_json(...) or a mapping"]
    if not isinstance(data, Mapping):
        return ["definition must be a JSON object with initial_state and states"]
    from studio.validate import validate_definition

    # Not `rejected_by_studio`: that also rejects widget types our catalogue does not model, and real
    # Studio may well know them (a generic widget must never block a user). The emulator, whose
    # catalogue is ours, does reject them.
    return [str(p) for p in validate_definition(data) if p.enforced_by_studio and p.severity == "error"]
