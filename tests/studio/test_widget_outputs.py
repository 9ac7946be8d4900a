"""Reads of an output a widget's type does not store (``{{widgets.menu.Digit}}``): a warning, with the near miss."""

from __future__ import annotations

from typing import Any

import pytest

from studio import validate_definition
from studio.catalogue import CATALOGUE
from studio.rules import RULES
from studio.spec import DECLARED_WIDGET_TYPES, OUTPUTS_NOT_CHECKED, WIDGET_OUTPUTS
from studio.validate import Problem

JSON = dict[str, Any]
CODE = "unknown-widget-output"


def state(name: str, type_: str, properties: JSON | None = None, transitions: list[JSON] | None = None) -> JSON:
    return {"name": name, "type": type_, "transitions": transitions or [], "properties": properties or {}}


def reading(source: JSON, event: str, text: str, *, key: str = "say") -> JSON:
    """A voice flow: the trigger leads to ``source``, whose ``event`` leads to a say-play whose ``key`` is ``text``."""
    source = {**source, "transitions": [{"event": event, "next": "reader"}]}
    return {
        "description": "test",
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [
            state("Trigger", "trigger", {}, [{"event": "incomingCall", "next": source["name"]}]),
            source,
            state("reader", "say-play", {key: text}, [{"event": "audioComplete"}]),
        ],
    }


MENU = state("menu", "gather-input-on-call", {"say": "Press 1 for sales"})
HTTP = state(
    "api", "make-http-request", {"method": "GET", "url": "https://example.com", "content_type": "application/json"}
)
FUNCTION = state("fn", "run-function", {"url": "https://example.twil.io/x"})


def warnings(definition: JSON) -> list[Problem]:
    return [problem for problem in validate_definition(definition) if problem.code == CODE]


def test_digit_for_digits_is_a_warning_with_the_near_miss() -> None:
    (problem,) = warnings(reading(MENU, "keypress", "You pressed {{widgets.menu.Digit}}"))
    assert problem.severity == "warning"
    assert (problem.widget, problem.property_path) == ("reader", "#/states/2/properties/say")
    assert "{{widgets.menu.Digit}}" in problem.message
    assert "'menu' (gather-input-on-call)" in problem.message
    assert "did you mean 'Digits'?" in problem.message
    assert "Digits, SpeechResult, Confidence" in problem.message
    assert str(problem).startswith("warning [liquid] widget 'reader' at #/states/2/properties/say: ")


def test_it_is_a_warning_so_the_flow_stays_valid() -> None:
    problems = validate_definition(reading(MENU, "keypress", "{{widgets.menu.Digit}}"))
    assert [problem.code for problem in problems] == [CODE]
    assert not [problem for problem in problems if problem.severity == "error"]
    assert RULES[CODE].severity == "warning"
    assert not RULES[CODE].studio


def test_another_case_of_an_output_is_named_as_such() -> None:
    (problem,) = warnings(reading(MENU, "keypress", "{{widgets.menu.digits}}"))
    assert "did you mean 'Digits'? (case matters in Liquid)" in problem.message


def test_a_name_near_no_output_lists_what_the_type_stores() -> None:
    (problem,) = warnings(reading(MENU, "keypress", "{{widgets.menu.Pressed}}"))
    assert "did you mean" not in problem.message
    assert "gather-input-on-call stores Digits, SpeechResult, Confidence, and the call's properties" in problem.message


@pytest.mark.parametrize(
    ("source", "event", "text"),
    [
        (MENU, "keypress", "{{widgets.menu.Digits}}"),
        (MENU, "speech", "{{widgets.menu.SpeechResult}} ({{widgets.menu.Confidence}})"),
        (MENU, "keypress", "{{widgets.menu.CallSid}} {{widgets.menu.From}}"),  # the call's properties
        (MENU, "keypress", "{% if widgets.menu.Digits == '1' %}sales{% endif %}"),
        (MENU, "keypress", "{{widgets.menu}} {{widgets.menu.size}}"),  # the whole widget, Liquid's own property
        (HTTP, "success", "{{widgets.api.status_code}} {{widgets.api.body}} {{widgets.api.content_type}}"),
        (FUNCTION, "success", '{{widgets.fn.headers["x-twilio-function-concurrency"]}}'),
    ],
)
def test_an_output_the_type_stores_is_no_warning(source: JSON, event: str, text: str) -> None:
    assert validate_definition(reading(source, event, text)) == []


@pytest.mark.parametrize(
    ("source", "event", "text"),
    [
        (HTTP, "success", "{{widgets.api.parsed.anything.at.all}}"),
        (FUNCTION, "success", "{{widgets.fn.parsed.Whatever | default: 'x'}}"),
        (state("wait", "send-and-wait-for-reply", {"from": "{{flow.channel.address}}", "body": "Hi"}),
         "incomingMessage", "{{widgets.wait.inbound.AnyParameter}}"),
    ],
)
def test_only_the_first_segment_of_an_open_ended_output_is_checked(source: JSON, event: str, text: str) -> None:
    assert warnings(reading(source, event, text)) == []


def test_a_wrong_first_segment_of_an_open_ended_output_is_a_warning() -> None:
    (problem,) = warnings(reading(HTTP, "success", "{{widgets.api.Parsed.name}}"))
    assert "did you mean 'parsed'? (case matters in Liquid)" in problem.message


@pytest.mark.parametrize(
    ("source", "event"),
    [
        (state("sub", "run-subflow", {"flow_sid": "FW" + "0" * 32, "flow_revision": "LatestPublished"}), "completed"),
        (state("redirect", "add-twiml-redirect", {"url": "https://example.com/twiml"}), "return"),
        (state("task", "create-task", {}), "success"),  # declared, not modelled: nothing known of it
        (state("bye", "hangup", {}), "next"),  # a type Studio does not know: an error of its own, no output check
    ],
)
def test_a_type_whose_outputs_are_not_known_is_not_checked(source: JSON, event: str) -> None:
    assert warnings(reading(source, event, "{{widgets." + source["name"] + ".NoSuchThing}}")) == []


def test_a_read_in_brackets_is_checked_too() -> None:
    (problem,) = warnings(reading(MENU, "keypress", '{{ widgets["menu"].Digit | upcase }}'))
    assert "did you mean 'Digits'?" in problem.message


def test_each_wrong_output_of_a_text_is_named_and_the_widget_order_is_checked_once() -> None:
    flow = reading(MENU, "keypress", "{{widgets.menu.Digit}} {{widgets.menu.Speech}}")
    flow["states"][2]["properties"]["say"] += " {{widgets.later.language}} {{widgets.later.voice}}"
    flow["states"][2]["transitions"] = [{"event": "audioComplete", "next": "later"}]
    flow["states"].append(state("later", "say-play", {"say": "bye"}, [{"event": "audioComplete"}]))
    problems = validate_definition(flow)
    assert [problem.code for problem in problems] == [CODE, CODE, "reference-not-before"]
    assert "'Digit'" in problems[0].message
    assert "'Speech'" in problems[1].message


def test_the_table_names_only_types_studio_has_each_once_with_a_source() -> None:
    known = set(CATALOGUE) | set(DECLARED_WIDGET_TYPES)
    assert set(WIDGET_OUTPUTS) <= known
    assert set(OUTPUTS_NOT_CHECKED) <= known
    assert not set(WIDGET_OUTPUTS) & set(OUTPUTS_NOT_CHECKED)
    for widget_type, outputs in WIDGET_OUTPUTS.items():
        assert "https://" in outputs.source, widget_type
        assert outputs.own, widget_type
        assert set(outputs.own) <= outputs.names, widget_type
