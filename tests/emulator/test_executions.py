"""Studio Executions, Steps and Context through the official SDK: the emulator runs the flow in studio.simulate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.support import MINIMAL_FLOW

CONTACT, TWILIO_NUMBER = "+15005550100", "+15005550006"


def _message(name: str, body: str, y: int) -> dict[str, Any]:
    return {"name": name, "type": "send-message", "transitions": [{"event": "sent"}, {"event": "failed"}],
            "properties": {"offset": {"x": 0, "y": y}, "from": "{{flow.channel.address}}",
                           "to": "{{contact.channel.address}}", "body": body}}


# A REST API flow: the tier parameter picks the text the contact gets.
FLOW: dict[str, Any] = {
    "description": "Outbound notice",
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
    "states": [
        {"name": "Trigger", "type": "trigger", "properties": {"offset": {"x": 0, "y": 0}},
         "transitions": [{"event": "incomingMessage"}, {"event": "incomingCall"},
                         {"event": "incomingRequest", "next": "by_tier"}]},
        {"name": "by_tier", "type": "split-based-on",
         "properties": {"offset": {"x": 0, "y": 200}, "input": "{{flow.data.tier}}"},
         "transitions": [
             {"event": "noMatch", "next": "standard_text"},
             {"event": "match", "next": "vip_text", "conditions": [
                 {"friendly_name": "vip", "arguments": ["{{flow.data.tier}}"], "type": "equal_to", "value": "VIP"}]},
         ]},
        _message("vip_text", "Hello {{flow.data.name}}, your VIP line is open.", 400),
        _message("standard_text", "Hello {{flow.data.name}}.", 600),
    ],
}


@pytest.fixture
def flow(client: Any) -> Any:
    return client.studio.v2.flows.create(friendly_name="Notice", status="published", definition=FLOW)


def _run(client: Any, flow: Any, **parameters: str) -> Any:
    return client.studio.v2.flows(flow.sid).executions.create(
        to=CONTACT, from_=TWILIO_NUMBER, parameters=json.dumps(parameters))


def test_an_execution_runs_the_flow_and_its_steps_are_the_path_taken(client: Any, flow: Any) -> None:
    execution = _run(client, flow, tier="vip", name="Ana")
    assert (execution.status, execution.contact_channel_address, execution.flow_version) == ("ended", CONTACT, 1)
    steps = client.studio.v2.flows(flow.sid).executions(execution.sid).steps.list()
    assert [(s.transitioned_from, s.name, s.transitioned_to, s.type) for s in steps] == [
        ("Trigger", "incomingRequest", "by_tier", "trigger"),
        ("by_tier", "match", "vip_text", "split-based-on"),
        ("vip_text", "sent", "Ended", "send-message"),
    ]


def test_the_execution_context_has_the_parameters_addresses_and_widget_outputs(client: Any, flow: Any) -> None:
    execution = _run(client, flow, tier="gold", name="Bo")
    context = client.studio.v2.flows(flow.sid).executions(execution.sid).execution_context().fetch().context
    assert context["flow"]["data"] == {"tier": "gold", "name": "Bo"}
    assert (context["flow"]["sid"], context["flow"]["flow_sid"]) == (execution.sid, flow.sid)
    assert (context["contact"]["channel"]["address"], context["flow"]["channel"]["address"]) == (CONTACT, TWILIO_NUMBER)
    assert context["widgets"]["standard_text"]["outbound"]["Body"] == "Hello Bo."


def test_a_step_context_is_what_its_widget_exposed(client: Any, flow: Any) -> None:
    execution = client.studio.v2.flows(flow.sid).executions(_run(client, flow, tier="VIP", name="Ana").sid)
    trigger, _, message = execution.steps.list()
    assert execution.steps(message.sid).step_context().fetch().context == {"outbound": {
        "Body": "Hello Ana, your VIP line is open.", "From": TWILIO_NUMBER, "Sid": "SM" + "0" * 32, "Status": "sent",
        "To": CONTACT}}
    assert execution.steps(trigger.sid).step_context().fetch().context["request"]["to"] == TWILIO_NUMBER
    assert execution.steps(message.sid).fetch().transitioned_from == "vip_text"


def test_a_trigger_without_a_rest_api_transition_ends_at_once(client: Any) -> None:
    flow = client.studio.v2.flows.create(friendly_name="Empty", status="published", definition=MINIMAL_FLOW)
    execution = client.studio.v2.flows(flow.sid).executions.create(to=CONTACT, from_=TWILIO_NUMBER)
    steps = client.studio.v2.flows(flow.sid).executions(execution.sid).steps.list()
    assert [(s.transitioned_from, s.name, s.transitioned_to) for s in steps] == [
        ("Trigger", "incomingRequest", "Ended")]


def test_executions_are_listed_newest_first_ended_and_deleted(client: Any, flow: Any) -> None:
    executions = client.studio.v2.flows(flow.sid).executions
    first, second = _run(client, flow, tier="a"), _run(client, flow, tier="b")
    assert [e.sid for e in executions.list()] == [second.sid, first.sid]
    assert executions(first.sid).update(status="ended").status == "ended"
    executions(first.sid).delete()
    with pytest.raises(TwilioRestException) as error:
        executions(first.sid).fetch()
    assert error.value.status == 404
    assert [e.sid for e in executions.list()] == [second.sid]


def test_the_published_revision_runs_not_a_later_draft(client: Any, flow: Any) -> None:
    draft = json.loads(json.dumps(FLOW))
    draft["states"][3]["properties"]["body"] = "draft text"
    client.studio.v2.flows(flow.sid).update(status="draft", definition=draft)
    execution = _run(client, flow, tier="x", name="Cy")
    context = client.studio.v2.flows(flow.sid).executions(execution.sid).execution_context().fetch().context
    assert (execution.flow_version, context["widgets"]["standard_text"]["outbound"]["Body"]) == (1, "Hello Cy.")


@pytest.mark.parametrize(("form", "message"), [
    ({"From": TWILIO_NUMBER}, "Missing required parameter To in the post body"),
    ({"To": CONTACT, "From": TWILIO_NUMBER, "Parameters": "[1]"}, "Parameters must be a JSON object"),
])
def test_unusable_requests_are_400(emulator: Any, flow: Any, form: dict[str, str], message: str) -> None:
    answer = emulator.api("POST", f"/studio/v2/Flows/{flow.sid}/Executions", form=form)
    assert (answer.status, answer.body["message"].startswith(message)) == (400, True)
