"""Studio v2: Flows, Flow Validate and Revisions."""

from __future__ import annotations

import hashlib
from typing import Any

from twilio_emulator import validation
from twilio_emulator.errors import FLOW_VALIDATION_FAILED, ApiError, not_found
from twilio_emulator.paging import meta_page
from twilio_emulator.params import is_sid
from twilio_emulator.records import Flow, FlowRevision, new_sid, now, revision_key
from twilio_emulator.routing import Call, Reply, Route

STATUSES = ("draft", "published")
# Studio's sentence, word for word (a live answer: terraform-provider-twilio's acceptance test); what failed
# and where is only in `details.errors[]`.
FLOW_VALIDATION_MESSAGE = "Flow definition validation failed, check `details` for more information."


def author_sid(account_sid: str) -> str:
    """The `US` SID of the (one) user who edits flows in this account."""
    return "US" + hashlib.sha256(account_sid.encode()).hexdigest()[:32]


def webhook_url(account_sid: str, flow_sid: str) -> str:
    """The URL Twilio calls to start the flow (what a phone number's VoiceUrl points at)."""
    return f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{flow_sid}"


def _flow(call: Call) -> Flow:
    sid = call.args["Sid"]
    flow = call.state.flows.get(sid) if is_sid(sid, "FW") else None
    if flow is None:
        raise not_found(call.path)
    return flow


def _latest(call: Call, flow: Flow) -> FlowRevision:
    return call.state.flow_revisions[revision_key(flow.sid, flow.revision)]


def _checked_definition(call: Call) -> tuple[Any, list[dict[str, str]]]:
    """The `Definition` parameter, validated as Studio does; returns it with its warnings."""
    definition = call.form.json("Definition", required=True)
    report = validation.check_flow_definition(definition)
    if report.errors:
        raise ApiError(
            status=400,
            code=FLOW_VALIDATION_FAILED,
            message=FLOW_VALIDATION_MESSAGE,
            details={"errors": report.errors, "warnings": report.warnings},
        )
    return definition, report.warnings


def _render_flow(call: Call, flow: Flow, *, in_list: bool = False) -> dict[str, Any]:
    latest = _latest(call, flow)
    url = call.twilio_url(f"/v2/Flows/{flow.sid}")
    return {
        "sid": flow.sid,
        "account_sid": call.account_sid,
        "author_sid": author_sid(call.account_sid),
        "friendly_name": latest.friendly_name,
        "definition": None if in_list else latest.definition,
        "status": latest.status,
        "revision": flow.revision,
        "commit_message": None if in_list else latest.commit_message,
        "valid": None if in_list else True,
        "errors": None if in_list else [],
        "warnings": None if in_list else latest.warnings,
        "webhook_url": webhook_url(call.account_sid, flow.sid),
        "date_created": flow.date_created,
        "date_updated": flow.date_updated,
        "url": url,
        "links": {
            "test_users": f"{url}/TestUsers",
            "revisions": f"{url}/Revisions",
            "executions": f"{url}/Executions",
        },
    }


def _list_item(call: Call, flow: Flow) -> dict[str, Any]:
    return _render_flow(call, flow, in_list=True)


def _render_revision(call: Call, revision: FlowRevision, *, in_list: bool = False) -> dict[str, Any]:
    return {
        "sid": revision.sid,
        "account_sid": call.account_sid,
        "author_sid": author_sid(call.account_sid),
        "friendly_name": revision.friendly_name,
        "definition": None if in_list else revision.definition,
        "status": revision.status,
        "revision": revision.revision,
        "commit_message": revision.commit_message,
        "valid": None if in_list else True,
        "errors": None if in_list else [],
        "date_created": revision.date_created,
        "date_updated": revision.date_created,
        "url": call.twilio_url(f"/v2/Flows/{revision.sid}/Revisions/{revision.revision}"),
    }


def _save_revision(call: Call, revision: FlowRevision) -> None:
    call.state.flow_revisions[revision.key] = revision


def create_flow(call: Call) -> Reply:
    friendly_name = call.form.required("FriendlyName")
    status = call.form.choice("Status", STATUSES, required=True)
    definition, warnings = _checked_definition(call)
    revision = FlowRevision(
        sid=new_sid("FW"),
        revision=1,
        friendly_name=friendly_name,
        status=status,
        definition=definition,
        commit_message=call.form.text("CommitMessage"),
        warnings=warnings,
        date_created=now(),
    )
    flow = Flow(sid=revision.sid, revision=1, date_created=revision.date_created)
    _save_revision(call, revision)
    call.state.flows[flow.sid] = flow
    return Reply(201, _render_flow(call, flow))


def list_flows(call: Call) -> Reply:
    flows = list(call.state.flows.values())
    return Reply(200, meta_page(call, key="flows", path="/v2/Flows", items=flows, render=lambda f: _list_item(call, f)))


def fetch_flow(call: Call) -> Reply:
    return Reply(200, _render_flow(call, _flow(call)))


def update_flow(call: Call) -> Reply:
    """Every update saves a new revision, even when nothing changed (as Studio does)."""
    flow = _flow(call)
    status = call.form.choice("Status", STATUSES, required=True)
    latest = _latest(call, flow)
    definition, warnings = (
        _checked_definition(call) if call.form.has("Definition") else (latest.definition, latest.warnings)
    )
    revision = FlowRevision(
        sid=flow.sid,
        revision=flow.revision + 1,
        friendly_name=call.form.text("FriendlyName") or latest.friendly_name,
        status=status,
        definition=definition,
        commit_message=call.form.text("CommitMessage"),
        warnings=warnings,
        date_created=now(),
    )
    _save_revision(call, revision)
    flow.revision = revision.revision
    flow.date_updated = revision.date_created
    return Reply(200, _render_flow(call, flow))


def delete_flow(call: Call) -> Reply:
    flow = _flow(call)
    for number in range(1, flow.revision + 1):
        call.state.flow_revisions.pop(revision_key(flow.sid, number), None)
    del call.state.flows[flow.sid]
    return Reply(204)


def _render_test_users(call: Call, flow: Flow) -> dict[str, Any]:
    return {"sid": flow.sid, "test_users": list(flow.test_users),
            "url": call.twilio_url(f"/v2/Flows/{flow.sid}/TestUsers")}


def fetch_test_users(call: Call) -> Reply:
    return Reply(200, _render_test_users(call, _flow(call)))


def update_test_users(call: Call) -> Reply:
    """The list is replaced whole (``TestUsers`` repeated; none sent clears it)."""
    flow = _flow(call)
    flow.test_users = [user for user in call.form.values("TestUsers") if user]
    return Reply(200, _render_test_users(call, flow))


def served_revision(state: Any, flow_sid: str, address: str) -> FlowRevision | None:
    """The revision Studio runs for a contact from ``address``: a test user gets the latest revision (a draft
    included), everyone else the latest published one (None: the flow has never been published)."""
    flow = state.flows[flow_sid]
    numbers = range(flow.revision, 0, -1)
    if address in flow.test_users:
        return state.flow_revisions[revision_key(flow_sid, flow.revision)]  # type: ignore[no-any-return]
    published = (state.flow_revisions[revision_key(flow_sid, n)] for n in numbers)
    return next((revision for revision in published if revision.status == "published"), None)


def validate_flow(call: Call) -> Reply:
    call.form.required("FriendlyName")
    call.form.choice("Status", STATUSES, required=True)
    _checked_definition(call)
    return Reply(200, {"valid": True})


def list_revisions(call: Call) -> Reply:
    flow = _flow(call)
    revisions = [
        call.state.flow_revisions[revision_key(flow.sid, number)] for number in range(flow.revision, 0, -1)
    ]
    return Reply(
        200,
        meta_page(
            call,
            key="revisions",
            path=f"/v2/Flows/{flow.sid}/Revisions",
            items=revisions,
            render=lambda r: _render_revision(call, r, in_list=True),
        ),
    )


def fetch_revision(call: Call) -> Reply:
    """A revision by number, or the literals `LatestRevision` / `LatestPublished`."""
    flow = _flow(call)
    wanted = call.args["Revision"]
    numbers = range(flow.revision, 0, -1)
    revision: FlowRevision | None = None
    if wanted == "LatestRevision":
        revision = _latest(call, flow)
    elif wanted == "LatestPublished":
        published = (call.state.flow_revisions[revision_key(flow.sid, n)] for n in numbers)
        revision = next((r for r in published if r.status == "published"), None)
    elif wanted.isdigit():
        revision = call.state.flow_revisions.get(revision_key(flow.sid, int(wanted)))
    if revision is None:
        raise not_found(call.path)
    return Reply(200, _render_revision(call, revision))


ROUTES = [
    Route("POST", "/studio/v2/Flows", create_flow),
    Route("GET", "/studio/v2/Flows", list_flows),
    Route("POST", "/studio/v2/Flows/Validate", validate_flow),
    Route("GET", "/studio/v2/Flows/{Sid}", fetch_flow),
    Route("POST", "/studio/v2/Flows/{Sid}", update_flow),
    Route("DELETE", "/studio/v2/Flows/{Sid}", delete_flow),
    Route("GET", "/studio/v2/Flows/{Sid}/Revisions", list_revisions),
    Route("GET", "/studio/v2/Flows/{Sid}/Revisions/{Revision}", fetch_revision),
    Route("GET", "/studio/v2/Flows/{Sid}/TestUsers", fetch_test_users),
    Route("POST", "/studio/v2/Flows/{Sid}/TestUsers", update_test_users),
]
