"""Verdicts from the sixth real-world audit: public Studio flows kept whole under tests/studio/audit6/ (one file
each, the text as read), with the repository, path and commit each was read from in audit6/provenance.json."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flexctl.cli import main
from studio import validate_definition
from tests.studio.flow_samples import (
    audit_accepted,
    audit_flows,
    drop_property,
    set_event,
    set_property,
    widget_copy,
)
from tests.studio.flow_samples import console_flow as flow

JSON = dict[str, Any]
AUDIT6 = Path(__file__).parent / "audit6"
FLOWS = audit_flows("audit6")
ACCEPTED = audit_accepted("audit6")


# The checks every stored flow gets (provenance, no error, round trip, diagram, simulation): test_stored_audits.py.


def test_the_warnings_on_the_real_flows_are_the_true_ones() -> None:
    codes = {flow_id: sorted({p.code for p in validate_definition(FLOWS[flow_id])}) for flow_id in ACCEPTED}
    # cancel_reservation's parameter is '{{flow.variables.reservation_id' (never closed): Studio sends it as it is
    assert codes.pop("HlsRobot_twilio-apaleo") == ["liquid-syntax"]
    # connect_call_to_support and split_9 are on the canvas, linked from nothing; a say reads {{become}}
    assert codes.pop("sheikplastk_twilio-db-test") == ["reference-not-before", "unknown-liquid-variable",
                                                       "unreachable"]
    assert all(found == [] for found in codes.values()), codes


def test_a_read_of_a_name_studio_does_not_give_is_a_warning_that_it_renders_empty() -> None:
    (problem,) = [p for p in validate_definition(FLOWS["sheikplastk_twilio-db-test"])
                  if p.code == "unknown-liquid-variable"]
    assert problem.severity == "warning"
    assert problem.message.startswith("{{become}} reads 'become', which is none of Studio's variables")
    assert "it renders empty" in problem.message


def test_the_unclosed_liquid_is_a_warning_naming_widget_and_parameter() -> None:
    (problem,) = validate_definition(FLOWS["HlsRobot_twilio-apaleo"])
    assert (problem.severity, problem.widget) == ("warning", "cancel_reservation")
    assert problem.property_path.endswith("/properties/parameters/0/value")
    assert "close every {{" in problem.message


# -- the flow Studio would refuse: it does not pass, and each error says what to write ---------------------------


def test_a_flow_studio_would_refuse_has_the_errors_studio_would_raise() -> None:
    problems = validate_definition(FLOWS["SarabpreetBedi_lovable-voice-lead-capture"])
    errors = {(p.code, p.widget) for p in problems if p.severity == "error"}
    assert {("unknown-widget-type", "Menu"), ("unknown-widget-type", "Connect_Representative"),
            ("unknown-widget-type", "End")} <= errors
    assert ("missing-key", "Trigger") in errors
    assert ("json-type", "Record_Message") in errors
    hints = [p.message for p in problems if p.code == "invalid-event"]
    assert "trigger has no event 'incoming': did you mean 'incomingCall'?" in hints
    assert "say-play has no event 'complete': did you mean 'audioComplete'?" in hints
    assert "record-voicemail has no event 'recording-complete': did you mean 'recordingComplete'?" in hints


def test_flexctl_validate_fails_it_and_import_refuses_it_with_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(AUDIT6 / "SarabpreetBedi_lovable-voice-lead-capture.json")
    assert main(["validate", path]) == 1
    assert main(["import", path]) == 2
    assert 'add "properties": {} and import again' in capsys.readouterr().err


# -- rejection: the new shapes, broken as Studio would refuse them ---------------------------------------------


def widget(flow_id: str, name: str, change: Callable[[JSON], object] | None = None) -> JSON:
    """A copy of one widget of a real flow, ``change`` applied to it, without its nexts."""
    return widget_copy(FLOWS[flow_id], name, change)


PAY = ("byteofprash_twilio-demo", "pay_card", "incomingCall")
FLEX = ("twilio-se-anz_twilio-flex-future-cc-demo", "SendConversationToAgent", "incomingConversationMessage")
VARIABLES = ("HlsRobot_twilio-apaleo", "set_booking_variables", "incomingMessage")
FUNCTION = ("Zainab-Fahim_the-last-server", "set_task_complete", "incomingMessage")

REJECTED = [
    # capture-payments as the export writes it: security_code a boolean, postal_code a string, counts integers
    (PAY, set_property("security_code", "true"), "json-type", "properties/security_code", "write true without quotes"),
    (PAY, set_property("postal_code", False), "json-type", "properties/postal_code", 'write it in quotes, "false"'),
    (PAY, set_property("max_attempts", "1"), "json-type", "properties/max_attempts", "write 1 without quotes"),
    (PAY, set_property("timeout", "5"), "json-type", "properties/timeout", "write 5 without quotes"),
    (PAY, set_property("valid_card_types", "visa"), "json-type", "properties/valid_card_types", "must be an array"),
    (PAY, set_property("payment_amount", 1), "json-type", "properties/payment_amount", 'write it in quotes, "1"'),
    (PAY, set_property("payment_token_type", "once"), "enum", "properties/payment_token_type",
     "choose one of 'one-time', 'reusable'"),
    (PAY, set_event(1, "maxFailedAttempt"), "invalid-event", "transitions/1/event",
     "did you mean 'maxFailedAttempts'?"),
    (FLEX, drop_property("channel"), "required", "properties/channel", '"channel": "TC..."'),
    (FLEX, set_property("attributes", {"from": "x"}), "json-type", "properties/attributes", "must be a string"),
    (FLEX, set_property("waitUrlMethod", "PUT"), "enum", "properties/waitUrlMethod", "choose one of 'GET', 'POST'"),
    (VARIABLES, lambda state: state["properties"]["variables"][1].pop("value"), "missing-key",
     "properties/variables/1/value", 'add "value": "..."'),
    (VARIABLES, set_property("variables", {"reservation_id": "x"}), "json-type", "properties/variables",
     "must be an array"),
    (FUNCTION, drop_property("url"), "required", "properties/url", "needs property 'url'"),
    (FUNCTION, set_event(1, "failed"), "invalid-event", "transitions/1/event", "did you mean 'fail'?"),
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


@pytest.mark.parametrize("where", [PAY, FLEX, VARIABLES, FUNCTION], ids=lambda where: where[1])
def test_each_new_shape_as_exported_is_clean_on_its_own(where: tuple[str, str, str]) -> None:
    flow_id, name, event = where
    problems = [p for p in validate_definition(flow(widget(flow_id, name), event=event))
                if p.code != "unknown-widget-reference"]  # the widgets it reads are not in the one-widget flow
    assert problems == []


def test_a_next_to_no_widget_is_an_error_with_the_near_name() -> None:
    definition = copy.deepcopy(FLOWS["byteofprash_twilio-demo"])
    index = next(i for i, state in enumerate(definition["states"]) if state["name"] == "pay_card")
    definition["states"][index]["transitions"][0]["next"] = "confirm_taxii"
    (problem,) = [p for p in validate_definition(definition) if p.severity == "error"]
    assert (problem.code, problem.widget) == ("unknown-next", "pay_card")
    assert problem.property_path == f"#/states/{index}/transitions/0/next"
    assert "did you mean 'confirm_taxi'?" in problem.message


def test_a_subflow_trigger_event_misnamed_is_an_error_pointing_to_incoming_parent() -> None:
    definition = copy.deepcopy(FLOWS["AnaClaudiaSac_triforsys-retry-message"])
    definition["states"][0]["transitions"][4]["event"] = "incomingSubflow"
    (problem,) = [p for p in validate_definition(definition) if p.severity == "error"]
    assert (problem.code, problem.widget) == ("invalid-event", "Trigger")
    assert "did you mean 'incomingParent'?" in problem.message
