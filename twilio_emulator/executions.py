"""Studio v2 Executions, Steps and their Context: a REST API execution runs the flow in `studio.simulate`.

`POST /v2/Flows/{FlowSid}/Executions` starts the flow's latest published revision on its REST API trigger
(`incomingRequest`) for the contact `To` (`contact.channel.address`) from the Twilio address `From`
(`flow.channel.address`), with `Parameters` as `flow.data`, and runs it to its end with the same simulator
`flexctl simulate` uses. Nothing calls the contact back here, so a widget that waits for an answer times
out and a widget that calls out succeeds with an empty answer; the execution is `ended` when it is
answered. Its Steps are the simulator's path (`name` is the event taken, `transitioned_from` the widget,
`transitioned_to` the next widget or `Ended`); an Execution's Context is Studio's context at the end
(`flow`, `trigger`, `contact`, `widgets`) and a Step's Context is what that widget exposed in that step
(the trigger's step: `trigger`). A trigger whose `incomingRequest` leads nowhere makes an execution of
one step, Trigger to Ended, as Studio's example shows.

Choices Studio's docs do not settle (list order, `initiated_by`, an unpublished flow, memory only) are
listed in README.md, "Choices where the contract is silent or unverified".
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from studio.simulate import Contact, PathStep, SimulationInputError, simulate
from twilio_emulator.errors import bad_request, not_found
from twilio_emulator.paging import meta_page
from twilio_emulator.params import is_sid
from twilio_emulator.records import Flow, FlowRevision, new_sid, now, revision_key
from twilio_emulator.routing import Call, Reply, Route
from twilio_emulator.state import State

REST_EVENT = "incomingRequest"
ENDED = "Ended"
"""`transitioned_to` of the last step (the OpenAPI example's value)."""


@dataclass
class Step:
    """One step of an execution, as the simulator ran it."""

    sid: str
    name: str
    type: str
    transitioned_from: str
    transitioned_to: str
    context: dict[str, Any]
    date_created: str


@dataclass
class Execution:
    """One run of a flow."""

    sid: str
    flow_sid: str
    flow_version: int
    contact_channel_address: str
    contact_sid: str
    status: str
    context: dict[str, Any]
    date_created: str
    date_updated: str
    steps: list[Step] = field(default_factory=list)


_EXECUTIONS: dict[int, dict[str, Execution]] = {}
"""The executions of each live `State`, by SID (a State is a dataclass, so not hashable: by id, dropped with it)."""


def _executions(state: State) -> dict[str, Execution]:
    key = id(state)
    table = _EXECUTIONS.get(key)
    if table is None:
        table = _EXECUTIONS[key] = {}
        weakref.finalize(state, _EXECUTIONS.pop, key, None)
    return table


def _flow(call: Call) -> Flow:
    sid = call.args["FlowSid"]
    flow = call.state.flows.get(sid) if is_sid(sid, "FW") else None
    if flow is None:
        raise not_found(call.path)
    return flow


def _execution(call: Call, flow: Flow, arg: str) -> Execution:
    execution = _executions(call.state).get(call.args[arg])
    if execution is None or execution.flow_sid != flow.sid:
        raise not_found(call.path)
    return execution


def _published(call: Call, flow: Flow) -> FlowRevision:
    for number in range(flow.revision, 0, -1):
        revision = call.state.flow_revisions[revision_key(flow.sid, number)]
        if revision.status == "published":
            return revision
    raise bad_request(f"Flow {flow.sid} has no published revision to execute: publish it (Status=published) first")


def _run(definition: Any, contact: Contact, flow_sid: str, sid: str) -> tuple[tuple[PathStep, ...], dict[str, Any]]:
    """The simulator's path and final context; a trigger that does not handle REST requests ends at once."""
    try:
        run = simulate(definition, contact, flow_sid=flow_sid, execution_sid=sid)
    except SimulationInputError:
        start = str(definition.get("initial_state") or "Trigger")
        path = (PathStep(start, "trigger", contact.event, None, "the trigger does not handle REST API requests"),)
        context = {"flow": {"sid": sid, "flow_sid": flow_sid, "channel": {"address": contact.to},
                            "variables": {}, "data": dict(contact.parameters)},
                   "trigger": {"request": {"from": contact.from_, "to": contact.to,
                                           "parameters": dict(contact.parameters)}},
                   "contact": {"channel": {"address": contact.from_}}, "widgets": {}}
        return path, context
    return run.path, dict(run.context)


def create_execution(call: Call) -> Reply:
    flow = _flow(call)
    to = call.form.required("To")
    from_ = call.form.required("From")
    parameters = call.form.json("Parameters")
    if parameters is not None and not isinstance(parameters, dict):
        raise bad_request("Parameters must be a JSON object, such as {\"name\": \"Zeke\"}")
    revision = _published(call, flow)
    sid = new_sid("FN")
    contact = Contact(event=REST_EVENT, from_=to, to=from_, parameters=parameters or {})
    path, context = _run(revision.definition, contact, flow.sid, sid)
    created = now()
    steps = [
        Step(
            sid=new_sid("FT"),
            name=step.event,
            type=step.type,
            transitioned_from=step.widget,
            transitioned_to=step.next or ENDED,
            context=dict(context["trigger"]) if step.type == "trigger" else dict(step.exposed),
            date_created=created,
        )
        for step in path
    ]
    execution = Execution(
        sid=sid, flow_sid=flow.sid, flow_version=revision.revision, contact_channel_address=to,
        contact_sid=new_sid("FC"), status="ended", context=context, date_created=created, date_updated=created,
        steps=steps,
    )
    _executions(call.state)[sid] = execution
    return Reply(201, _render_execution(call, execution))


def _execution_url(call: Call, execution: Execution) -> str:
    return call.twilio_url(f"/v2/Flows/{execution.flow_sid}/Executions/{execution.sid}")


def _render_execution(call: Call, execution: Execution) -> dict[str, Any]:
    url = _execution_url(call, execution)
    return {
        "sid": execution.sid,
        "account_sid": call.account_sid,
        "flow_sid": execution.flow_sid,
        "contact_channel_address": execution.contact_channel_address,
        "contact_sid": execution.contact_sid,
        "flow_version": execution.flow_version,
        "context": {},  # as Studio's examples show: the context is its own resource
        "status": execution.status,
        "date_created": execution.date_created,
        "date_updated": execution.date_updated,
        "initiated_by": call.account_sid,
        "url": url,
        "links": {"steps": f"{url}/Steps", "execution_context": f"{url}/Context"},
    }


def _render_step(call: Call, execution: Execution, step: Step) -> dict[str, Any]:
    url = f"{_execution_url(call, execution)}/Steps/{step.sid}"
    return {
        "sid": step.sid,
        "account_sid": call.account_sid,
        "flow_sid": execution.flow_sid,
        "execution_sid": execution.sid,
        "parent_step_sid": None,
        "name": step.name,
        "context": step.context,
        "transitioned_from": step.transitioned_from,
        "transitioned_to": step.transitioned_to,
        "type": step.type,
        "date_created": step.date_created,
        "date_updated": None,
        "url": url,
        "links": {"step_context": f"{url}/Context"},
    }


def list_executions(call: Call) -> Reply:
    flow = _flow(call)
    status = call.query.choice("status", ("active", "ended"))  # the OpenAPI spells this filter lower-case
    since, until = call.query.text("DateCreatedFrom"), call.query.text("DateCreatedTo")
    chosen = [
        execution for execution in reversed(_executions(call.state).values())
        if execution.flow_sid == flow.sid and (status is None or execution.status == status)
        and (since is None or execution.date_created >= since) and (until is None or execution.date_created <= until)
    ]
    body = meta_page(call, key="executions", path=f"/v2/Flows/{flow.sid}/Executions", items=chosen,
                     render=lambda execution: _render_execution(call, execution))
    return Reply(200, body)


def fetch_execution(call: Call) -> Reply:
    return Reply(200, _render_execution(call, _execution(call, _flow(call), "Sid")))


def update_execution(call: Call) -> Reply:
    """Only `Status=ended` is allowed; an ended execution stays ended."""
    execution = _execution(call, _flow(call), "Sid")
    call.form.choice("Status", ("ended",), required=True)
    if execution.status != "ended":
        execution.status, execution.date_updated = "ended", now()
    return Reply(200, _render_execution(call, execution))


def delete_execution(call: Call) -> Reply:
    execution = _execution(call, _flow(call), "Sid")
    del _executions(call.state)[execution.sid]
    return Reply(204)


def fetch_execution_context(call: Call) -> Reply:
    execution = _execution(call, _flow(call), "ExecutionSid")
    return Reply(200, {
        "account_sid": call.account_sid,
        "context": execution.context,
        "flow_sid": execution.flow_sid,
        "execution_sid": execution.sid,
        "url": f"{_execution_url(call, execution)}/Context",
    })


def _step(call: Call, execution: Execution, sid: str) -> Step:
    step = next((step for step in execution.steps if step.sid == sid), None)
    if step is None:
        raise not_found(call.path)
    return step


def list_steps(call: Call) -> Reply:
    execution = _execution(call, _flow(call), "ExecutionSid")
    body = meta_page(call, key="steps", path=f"/v2/Flows/{execution.flow_sid}/Executions/{execution.sid}/Steps",
                     items=execution.steps, render=lambda step: _render_step(call, execution, step))
    return Reply(200, body)


def fetch_step(call: Call) -> Reply:
    execution = _execution(call, _flow(call), "ExecutionSid")
    return Reply(200, _render_step(call, execution, _step(call, execution, call.args["Sid"])))


def fetch_step_context(call: Call) -> Reply:
    execution = _execution(call, _flow(call), "ExecutionSid")
    step = _step(call, execution, call.args["StepSid"])
    return Reply(200, {
        "account_sid": call.account_sid,
        "context": step.context,
        "execution_sid": execution.sid,
        "flow_sid": execution.flow_sid,
        "step_sid": step.sid,
        "url": f"{_execution_url(call, execution)}/Steps/{step.sid}/Context",
    })


_EXECUTION = "/studio/v2/Flows/{FlowSid}/Executions"
ROUTES = [
    Route("POST", _EXECUTION, create_execution),
    Route("GET", _EXECUTION, list_executions),
    Route("GET", _EXECUTION + "/{Sid}", fetch_execution),
    Route("POST", _EXECUTION + "/{Sid}", update_execution),
    Route("DELETE", _EXECUTION + "/{Sid}", delete_execution),
    Route("GET", _EXECUTION + "/{ExecutionSid}/Context", fetch_execution_context),
    Route("GET", _EXECUTION + "/{ExecutionSid}/Steps", list_steps),
    Route("GET", _EXECUTION + "/{ExecutionSid}/Steps/{Sid}", fetch_step),
    Route("GET", _EXECUTION + "/{ExecutionSid}/Steps/{StepSid}/Context", fetch_step_context),
]
