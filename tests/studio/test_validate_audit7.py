"""Verdicts from the seventh real-world audit: public Studio flows kept whole under tests/studio/audit7/ (one file
each, the text as read), with the repository, path and commit each was read from in audit7/provenance.json."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flexctl.cli import main
from studio import validate_definition
from studio.importer import import_definition
from studio.simulate import Contact, Mock, simulate
from tests.studio.flow_samples import (
    audit_accepted,
    audit_flows,
    drop_property,
    run_generated,
    set_event,
    set_property,
    widget_copy,
)
from tests.studio.flow_samples import console_flow as flow

JSON = dict[str, Any]
AUDIT7 = Path(__file__).parent / "audit7"
FLOWS = audit_flows("audit7")
ACCEPTED = audit_accepted("audit7")


# The checks every stored flow gets (provenance, no error, round trip, diagram, simulation): test_stored_audits.py.


def test_the_warnings_on_the_real_flows_are_the_true_ones() -> None:
    codes = {flow_id: sorted({p.code for p in validate_definition(FLOWS[flow_id])}) for flow_id in ACCEPTED}
    # loop_checker is linked from nothing; the attributes read widgets.send_service_options, which the flow lacks
    assert codes.pop("twilio_webchat-react-app") == ["unknown-widget-reference", "unreachable"]
    # set_msg_participant is on the canvas, linked from nothing
    assert codes.pop("Waxal-Multilingual_speech-data") == ["unreachable"]
    # {{trigger.parameters.*}} renders empty; content_type lacks the charset the Console offers
    assert codes.pop("davidgljay_comic-relief-survey") == ["suggested", "unknown-liquid-variable"]
    assert all(found == [] for found in codes.values()), codes


# -- what the warnings tell the reader to write --------------------------------------------------------------


def test_trigger_parameters_is_pointed_to_flow_data_not_to_trigger_parent() -> None:
    problems = [p for p in validate_definition(FLOWS["davidgljay_comic-relief-survey"])
                if p.code == "unknown-liquid-variable"]
    assert problems
    assert all(p.severity == "warning" for p in problems)
    assert "Studio gives this value as flow.data, so read flow.data... instead" in problems[0].message
    assert all("trigger.parent" not in p.message for p in problems)


@pytest.mark.parametrize(("text", "fix"), [
    ("{{Digits}}", "Digits is an output of a widget (gather-input-on-call, record-voicemail), read under the "
                   "widget's name: widgets.NAME.Digits"),
    ("{{RecordingUrl}}", "read under the widget's name: widgets.NAME.RecordingUrl"),
    ("{{From}}", "the webhook's From is read from the trigger: trigger.call.From or trigger.message.From"),
])
def test_a_twiml_style_bare_name_is_told_where_studio_keeps_it(text: str, fix: str) -> None:
    say = {"name": "say", "type": "say-play", "transitions": [{"event": "audioComplete"}],
           "properties": {"say": text, "offset": {"x": 0, "y": 200}}}
    (problem,) = validate_definition(flow(say))
    assert (problem.code, problem.severity, problem.widget) == ("unknown-liquid-variable", "warning", "say")
    assert problem.message.endswith(fix)
    assert "did you mean widgets?" not in problem.message


# -- the flows Studio would refuse: they do not pass, and each error says what to write -----------------------


def test_a_v1_export_is_refused_by_validate_and_import_with_the_way_out(capsys: pytest.CaptureFixture[str]) -> None:
    errors = {p.code for p in validate_definition(FLOWS["tigerfarm_payment-v1"]) if p.severity == "error"}
    assert errors == {"v1-format", "missing-key"}
    path = str(AUDIT7 / "tigerfarm_payment-v1.json")
    assert main(["validate", path]) == 1
    assert main(["import", path]) == 2
    assert "this is a Studio v1 export" in capsys.readouterr().err


def test_a_generated_flow_with_events_studio_lacks_fails_naming_each_widget_and_the_event() -> None:
    problems = validate_definition(FLOWS["Odiabackend099_meetcallwaiting"])
    errors = [(p.code, p.widget, p.property_path) for p in problems if p.severity == "error"]
    assert errors == [("invalid-event", name, f"#/states/{index}/transitions/1/event")
                      for name, index in (("CollectOrderDetails", 5), ("CollectBookingDetails", 9),
                                          ("CollectVoicemail", 13))]
    assert all("record-voicemail has no event 'recordingError': did you mean 'recordingComplete'?" in p.message
               for p in problems if p.severity == "error")
    hints = {p.message for p in problems if p.code == "unknown-property"}
    assert ("gather-input-on-call has no property 'numDigits': did you mean 'number_of_digits'? (it is sent as is)"
            in hints)
    assert "make-http-request has no property 'contentType': did you mean 'content_type'? (it is sent as is)" in hints
    assert main(["validate", str(AUDIT7 / "Odiabackend099_meetcallwaiting.json")]) == 1


def test_a_flow_studio_refuses_still_imports_exactly_so_it_can_be_fixed_in_python() -> None:
    refused = FLOWS["Odiabackend099_meetcallwaiting"]  # unknown events and camelCase properties kept as written
    assert json.loads(run_generated(import_definition(refused))) == refused


# -- the simulator says what it was told ----------------------------------------------------------------------


def test_a_canned_result_with_the_widgets_own_event_is_reported_as_canned() -> None:
    contact = Contact(answers=("2",), mocks={"sendToFlex": Mock("return", {"transferToIVRMenu": "main"})})
    run = simulate(FLOWS["bruno222_transfer-to-ivr"], contact)
    redirect = next(step for step in run.path if step.widget == "sendToFlex")
    assert (redirect.event, redirect.why) == ("return", "canned result")
    assert [step.widget for step in run.path].count("mainMenu") == 2  # the returned menu was read


# -- rejection: the new shapes, broken as Studio would refuse them ---------------------------------------------


def widget(flow_id: str, name: str, change: Callable[[JSON], object] | None = None) -> JSON:
    """A copy of one widget of a real flow, ``change`` applied to it, without its nexts."""
    return widget_copy(FLOWS[flow_id], name, change)


REDIRECT = ("bruno222_transfer-to-ivr", "sendToFlex", "incomingCall")
RECORDING = ("tigerfarm_gather-until-code", "call_recording_3", "incomingCall")
REPLY = ("twilio_webchat-react-app", "selection_offering", "incomingConversationMessage")
MENU = ("manimotion_ivr-call", "menu", "incomingCall")
VARIABLES = ("Waxal-Multilingual_speech-data", "set_current_prompt_value", "incomingRequest")
FUNCTION = ("Waxal-Multilingual_speech-data", "send_to_drive", "incomingRequest")

REJECTED = [
    (REDIRECT, drop_property("url"), "required", "properties/url", "add-twiml-redirect needs property 'url'"),
    (REDIRECT, set_event(0, "returned"), "invalid-event", "transitions/0/event", "did you mean 'return'?"),
    (RECORDING, set_property("record_call", "true"), "json-type", "properties/record_call",
     "write true without quotes"),
    (RECORDING, drop_property("record_call"), "required", "properties/record_call",
     "record-call needs property 'record_call'"),
    (RECORDING, set_event(1, "fail"), "invalid-event", "transitions/1/event", "did you mean 'failed'?"),
    (REPLY, drop_property("from"), "required", "properties/from", '"from": "{{flow.channel.address}}"'),
    (REPLY, set_property("attributes", {"selections": ["New"]}), "json-type", "properties/attributes",
     "must be a string"),
    (REPLY, set_event(2, "deliveryFailed"), "invalid-event", "transitions/2/event", "did you mean 'deliveryFailure'?"),
    (MENU, set_property("number_of_digits", "1"), "json-type", "properties/number_of_digits",
     "write 1 without quotes"),
    (MENU, set_property("stop_gather", "true"), "json-type", "properties/stop_gather", "write true without quotes"),
    (MENU, set_property("profanity_filter", True), "json-type", "properties/profanity_filter",
     'write it in quotes, "true"'),
    (MENU, set_property("speech_timeout", 5), "json-type", "properties/speech_timeout", 'write it in quotes, "5"'),
    (MENU, lambda state: state.__setitem__("type", "gather-input"), "unknown-widget-type", "type",
     "Studio refuses types it does not know"),
    (VARIABLES, lambda state: state["properties"]["variables"][0].pop("key"), "missing-key",
     "properties/variables/0/key", 'add "key": "..."'),
    (FUNCTION, set_property("parameters", {"phone": "x"}), "json-type", "properties/parameters", "must be an array"),
]


@pytest.mark.parametrize(("where", "change", "code", "path", "fix"), REJECTED,
                         ids=[f"{row[0][1]}-{row[2]}-{row[3]}" for row in REJECTED])
def test_a_broken_copy_of_a_real_widget_is_an_error_naming_widget_property_and_fix(
    where: tuple[str, str, str], change: Callable[[JSON], object], code: str, path: str, fix: str
) -> None:
    flow_id, name, event = where
    broken = widget(flow_id, name, change)
    errors = [p for p in validate_definition(flow(broken, event=event)) if p.severity == "error"]
    assert [(p.code, p.widget, p.property_path) for p in errors] == [(code, name, f"#/states/1/{path}")]
    assert fix in errors[0].message


@pytest.mark.parametrize("where", [REDIRECT, RECORDING, REPLY, MENU, VARIABLES, FUNCTION], ids=lambda where: where[1])
def test_each_new_shape_as_exported_is_clean_on_its_own(where: tuple[str, str, str]) -> None:
    flow_id, name, event = where
    problems = [p for p in validate_definition(flow(widget(flow_id, name), event=event))
                if p.code != "unknown-widget-reference"]  # the widgets it reads are not in the one-widget flow
    assert problems == []


def test_a_return_to_a_misspelt_widget_is_an_error_with_the_near_name() -> None:
    definition = copy.deepcopy(FLOWS["bruno222_transfer-to-ivr"])
    definition["states"][1]["transitions"][0]["next"] = "backToIvrSplit"
    (problem,) = [p for p in validate_definition(definition) if p.severity == "error"]
    assert (problem.code, problem.widget, problem.property_path) == (
        "unknown-next", "sendToFlex", "#/states/1/transitions/0/next")
    assert "did you mean 'backToIVRSplit'?" in problem.message


def test_a_widget_type_studio_lacks_in_a_real_flow_is_an_error_at_its_type() -> None:
    definition = copy.deepcopy(FLOWS["tigerfarm_gather-until-code"])
    definition["states"][5]["type"] = "call-recording"
    (problem,) = [p for p in validate_definition(definition) if p.severity == "error"]
    assert (problem.code, problem.widget, problem.property_path) == (
        "unknown-widget-type", "call_recording_2", "#/states/5/type")
    assert "unknown widget type 'call-recording'" in problem.message
