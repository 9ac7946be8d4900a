"""The validator's verdict matches Studio's: each finding from real flows, shown on a flow of our own."""

from __future__ import annotations

import re
from typing import Any

import pytest

from studio import validate_definition
from studio.rules import RULES, STUDIO_ENFORCED_CODES
from studio.spec import DECLARED_WIDGET_TYPES, UNCONFIRMED_PROPERTIES, UNCONFIRMED_TYPES
from studio.validate import Problem, near_miss
from tests.shared_data import CORPUS

JSON = dict[str, Any]
SID = "0123456789abcdef0123456789abcdef"
REALWORLD_FLOWS = sorted((CORPUS / "realworld" / "flows").glob("*.json"))


def flow(*states: JSON, event: str = "incomingMessage") -> JSON:
    trigger = {
        "name": "Trigger",
        "type": "trigger",
        "transitions": [{"event": event, "next": states[0]["name"]}],
        "properties": {},
    }
    return {"initial_state": "Trigger", "states": [trigger, *states]}


def state(name: str, type_: str, properties: JSON, *events: str, **nexts: str) -> JSON:
    transitions = [{"event": event, **({"next": nexts[event]} if event in nexts else {})} for event in events]
    return {"name": name, "type": type_, "transitions": transitions, "properties": properties}


def problems_of(definition: JSON, code: str | None = None) -> list[Problem]:
    return [p for p in validate_definition(definition) if code is None or p.code == code]


def errors(definition: JSON) -> list[str]:
    return [str(p) for p in validate_definition(definition) if p.severity == "error"]


SEND = {"from": "{{flow.channel.address}}", "to": "{{contact.channel.address}}", "body": "Hi"}


# -- the rule table ------------------------------------------------------------------------------------------


def test_every_error_rule_is_studios_or_a_flow_that_cannot_run() -> None:
    for rule in RULES.values():
        if rule.severity == "error":
            assert rule.studio or rule.source.startswith("Cannot run"), rule.code


def test_every_studio_rule_names_the_source_that_shows_studio_enforces_it() -> None:
    for code in STUDIO_ENFORCED_CODES:
        assert re.search(r"\[(schema-doc|err-81022|ai|sdkgo|sdkgo-def)\]", RULES[code].source), code


@pytest.mark.parametrize("path", REALWORLD_FLOWS, ids=lambda path: path.name)
def test_real_flows_studio_published_have_no_error(path: Any) -> None:
    import json

    assert errors(json.loads(path.read_text(encoding="utf-8"))) == []


# -- found on real flows -------------------------------------------------------------------------------------


def test_twilios_flow_definition_sample_with_trim_true_has_no_error() -> None:
    # The make-outgoing-call-v2 of https://www.twilio.com/docs/studio/rest-api/v2/flow-definition ("Simple Flow
    # Definition", to POST as the Definition): Studio takes "trim": "true", so trim is only a suggestion.
    properties = {"from": "{{flow.channel.address}}", "to": "{{contact.channel.address}}", "trim": "true",
                  "recording_channels": "mono", "machine_detection": "Enable", "timeout": 60, "record": False}
    call = state("call_user_1", "make-outgoing-call-v2", properties, "answered", "busy", "noAnswer", "failed")
    found = problems_of(flow(call, event="incomingRequest"))
    assert [(p.severity, p.code, p.property_path) for p in found] == [
        ("warning", "suggested", "#/states/1/properties/trim")]
    assert "'trim-silence'" in str(found[0])


def test_a_value_outside_an_enum_studio_enforces_is_an_error() -> None:
    properties = {"method": "PUT", "url": "https://x", "content_type": "application/json"}
    fetch = state("fetch", "make-http-request", properties, "success", "failed")
    assert [p.severity for p in problems_of(flow(fetch)) if p.property_path.endswith("/method")] == ["error"]


def test_a_number_where_a_numeric_string_is_expected_is_accepted() -> None:
    properties = {"from": "{{flow.channel.address}}", "body": "Your order number?", "timeout": 3600}
    wait = state("wait", "send-and-wait-for-reply", properties, "incomingMessage")
    assert problems_of(flow(wait)) == []


def test_a_numeric_number_is_still_range_checked() -> None:
    redirect = state("r", "add-twiml-redirect", {"url": "https://x", "timeout": 99999}, "return")
    assert [p.code for p in problems_of(flow(redirect), "range")] == ["range"]


def test_liquid_in_a_condition_friendly_name_is_a_label_not_a_reference() -> None:
    condition = {
        "friendly_name": "If value equal_to {{widgets.gone.Body}} {{",
        "arguments": ["{{trigger.message.Body}}"],
        "type": "equal_to",
        "value": "yes",
    }
    split = {
        "name": "split",
        "type": "split-based-on",
        "transitions": [{"event": "noMatch"}, {"event": "match", "conditions": [condition]}],
        "properties": {"input": "{{trigger.message.Body}}"},
    }
    assert problems_of(flow(split)) == []


def test_liquid_in_condition_arguments_is_still_read() -> None:
    condition = {"friendly_name": "f", "arguments": ["{{widgets.gone.Body}}"], "type": "equal_to", "value": "1"}
    split = {
        "name": "split",
        "type": "split-based-on",
        "transitions": [{"event": "noMatch"}, {"event": "match", "conditions": [condition]}],
        "properties": {"input": "x"},
    }
    assert [p.code for p in problems_of(flow(split))] == ["unknown-widget-reference"]


def http(content_type: str) -> JSON:
    properties = {"method": "POST", "url": "https://example.com", "content_type": content_type}
    return state("http", "make-http-request", properties, "success", "failed")


def test_studios_json_content_type_is_not_warned() -> None:
    assert problems_of(flow(http("application/json;charset=utf-8"))) == []


def test_a_content_type_suggestion_never_changes_the_encoding() -> None:
    (problem,) = problems_of(flow(http("application/json; charset=UTF8")), "suggested")
    hint = problem.message.split(": ", 1)[1] if "did you mean" in problem.message else ""
    assert "x-www-form-urlencoded" not in hint
    assert problem.severity == "warning"


def test_a_content_type_near_miss_of_the_same_media_type_is_suggested() -> None:
    (problem,) = problems_of(flow(http("application/jsn;charset=utf-8")), "suggested")
    assert "did you mean" not in problem.message  # another media type: no hint that would change it


def test_send_message_with_a_content_template_and_no_body_is_fine() -> None:
    message: JSON = {"from": "{{flow.channel.address}}", "to": "{{contact.channel.address}}", "content_sid": "HX" + SID}
    message["shorten_urls"] = True
    assert problems_of(flow(state("m", "send-message", message, "sent", "failed"))) == []


def test_send_message_with_neither_body_nor_template_is_warned() -> None:
    message = {"from": "{{flow.channel.address}}"}
    (problem,) = problems_of(flow(state("m", "send-message", message, "sent")), "one-of")
    assert problem.severity == "warning"
    assert "body, content_sid, media_url" in problem.message


def test_classic_functions_default_service_is_accepted() -> None:
    function = {"url": "https://x.twil.io/f", "service_sid": "default", "environment_sid": "default"}
    assert problems_of(flow(state("f", "run-function", function, "success", "fail"))) == []


def test_a_reference_to_a_widget_that_no_longer_exists_is_a_warning_naming_it() -> None:
    say = state("m", "send-message", {**SEND, "body": "{{widgets.deleted_menu.inbound.Body}}"}, "sent")
    (problem,) = problems_of(flow(say))
    assert (problem.code, problem.severity) == ("unknown-widget-reference", "warning")
    assert "widgets.deleted_menu" in problem.message
    assert errors(flow(say)) == []


def test_a_missing_reference_message_never_lists_every_widget() -> None:
    many = [state(f"w{i}", "send-message", SEND, "sent", sent=f"w{i + 1}") for i in range(30)]
    many.append(state("w30", "send-message", {**SEND, "body": "{{widgets.zzz.Body}}"}, "sent"))
    (problem,) = problems_of(flow(*many), "unknown-widget-reference")
    assert "w17" not in problem.message


# -- unknown widget types ----------------------------------------------------------------------------------


def test_a_typo_of_a_known_type_is_an_error_naming_the_type() -> None:
    (problem,) = problems_of(flow(state("m", "send-mesage", SEND, "sent")), "widget-type-typo")
    assert problem.severity == "error"
    assert problem.rejected_by_studio
    assert "'send-message'" in problem.message


@pytest.mark.parametrize("typo", ["Send-Message", "send_message", "sned-message", "send-messages"])
def test_near_misses_of_a_type_are_typos(typo: str) -> None:
    assert [p.code for p in problems_of(flow(state("m", typo, SEND, "sent")))] == ["widget-type-typo"]


@pytest.mark.parametrize("new_type", ["hangup", "record", "twiml-redirect", "connect-virtual-agent-v3"])
def test_a_type_neither_in_the_catalogue_nor_declared_is_an_error_that_says_how_to_declare_it(new_type: str) -> None:
    (problem,) = problems_of(flow(state("x", new_type, {}, "success")))
    assert (problem.code, problem.severity) == ("unknown-widget-type", "error")
    assert "Studio refuses types it does not know" in problem.message
    assert "DECLARED_WIDGET_TYPES in studio/spec.py" in problem.message


def test_a_declared_type_is_accepted_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DECLARED_WIDGET_TYPES, "make-outgoing-call-v3", "Twilio changelog (example)")
    (problem,) = problems_of(flow(state("x", "make-outgoing-call-v3", {}, "success")))
    assert (problem.code, problem.severity) == ("unconfirmed", "warning")
    assert errors(flow(state("x", "run-model-inference", {}, "success"))) == []


def test_a_near_miss_of_an_unconfirmed_type_is_no_typo() -> None:
    assert near_miss("resolve-profiles", ["send-message"]) is None
    assert "resolve-profile" in UNCONFIRMED_TYPES
    (problem,) = problems_of(flow(state("p", "resolve-profiles", {}, "success")))
    assert problem.code == "unknown-widget-type"


def test_using_an_unconfirmed_type_says_so_with_its_source() -> None:
    (problem,) = problems_of(flow(state("p", "create-or-update-profile", {"identifier": "x"}, "success")))
    assert (problem.code, problem.severity) == ("unconfirmed", "warning")
    assert UNCONFIRMED_TYPES["create-or-update-profile"] in problem.message


def test_a_problem_on_an_unconfirmed_property_is_a_warning_that_says_so() -> None:
    assert ("connect-virtual-agent-v2", "timeout") in UNCONFIRMED_PROPERTIES
    agent = {"connector_name": "x", "timeout": "soon"}
    (problem,) = problems_of(flow(state("va", "connect-virtual-agent-v2", agent, "completed"), event="incomingCall"))
    assert (problem.code, problem.severity, problem.studio) == ("json-type", "warning", False)
    assert "no public source confirms this property" in problem.message


def test_a_confirmed_property_of_the_wrong_type_is_an_error() -> None:
    assert ("send-message", "shorten_urls") not in UNCONFIRMED_PROPERTIES  # an API export writes it as true
    (problem,) = problems_of(flow(state("m", "send-message", {**SEND, "shorten_urls": "yes"}, "sent")))
    assert (problem.code, problem.severity, problem.studio) == ("json-type", "error", True)


# -- Liquid, names, limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Hello {{trigger.message.From", "{% if flow.data.x yes", "{{a}} then {{ b"])
def test_broken_liquid_is_a_warning_at_the_property(text: str) -> None:
    (problem,) = problems_of(flow(state("m", "send-message", {**SEND, "body": text}, "sent")))
    assert (problem.code, problem.severity, problem.property_path) == (
        "liquid-syntax",
        "warning",
        "#/states/1/properties/body",
    )


def test_closed_liquid_and_json_braces_are_fine() -> None:
    attributes = '{"name": "{{trigger.message.From}}", "n": {{flow.variables.n}}, "o": {"a": 1}}'
    flex = {"workflow": "WW" + SID, "channel": "TC" + SID, "attributes": attributes}
    assert problems_of(flow(state("f", "send-to-flex", flex, "callComplete"))) == []


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\u2066", "\ufeff", "\x07"])
def test_invisible_and_bidi_characters_in_a_name_are_named(char: str) -> None:
    name = f"greet{char}ing"
    (problem,) = problems_of(flow(state(name, "send-message", SEND, "sent")))
    assert problem.code == "name-characters"
    assert f"U+{ord(char):04X}" in problem.message


def test_a_message_body_over_twilios_limit_is_warned() -> None:
    (problem,) = problems_of(flow(state("m", "send-message", {**SEND, "body": "x" * 1601}, "sent")))
    assert (problem.code, problem.severity) == ("text-limit", "warning")
    assert "1,601 characters, over the 1,600" in problem.message


def test_a_message_body_at_the_limit_is_fine() -> None:
    assert problems_of(flow(state("m", "send-message", {**SEND, "body": "x" * 1600}, "sent"))) == []


# -- deeply nested input ----------------------------------------------------------------------------------------


def deep(levels: int) -> Any:
    value: Any = "x"
    for level in range(levels):
        value = [value] if level % 2 else {"k": value}
    return value


def test_a_definition_thousands_of_levels_deep_gives_problems_not_a_traceback() -> None:
    definition = flow(state("m", "send-message", {**SEND, "custom": deep(50_000)}, "sent"))
    codes = [p.code for p in validate_definition(definition)]
    assert codes == ["unknown-property", "nesting-depth"]


def test_deep_states_are_one_problem_not_a_traceback() -> None:
    problems = validate_definition({"initial_state": "Trigger", "states": deep(50_001)})
    assert [p.code for p in problems] == ["json-type"]  # 50,001 levels: the outermost is an object


def test_braces_inside_a_raw_block_are_literal() -> None:
    body = "Type {% raw %}{{{% endraw %} to start"
    assert problems_of(flow(state("m", "send-message", {**SEND, "body": body}, "sent"))) == []
