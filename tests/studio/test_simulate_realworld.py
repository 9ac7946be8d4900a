"""The simulator on what real flows written by others do: Liquid Studio renders, malformed widgets, and saying
what it assumed. Each flow here is small and keeps only the fact that mattered in the flow it came from."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from studio.simulate import Contact, Mock, Simulation, SimulationInputError, simulate

JSON = dict[str, Any]
AT = dt.datetime(2026, 12, 4, 19, 5)  # a Friday


def flow(*states: JSON, event: str = "incomingCall", **top: Any) -> JSON:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event, "next": states[0]["name"]}],
               "properties": {}}
    return {"initial_state": "Trigger", "states": [trigger, *states], **top}


def widget(name: str, type_: str, properties: Any = None, **events: str) -> JSON:
    return {"name": name, "type": type_, "properties": {} if properties is None else properties,
            "transitions": [{"event": event, "next": target} for event, target in events.items()]}


def say(text: str, name: str = "s") -> JSON:
    return widget(name, "say-play", {"say": text})


def heard(text: str, *before: JSON, contact: Contact | None = None) -> tuple[str, Simulation]:
    """What a say-play of ``text`` (after ``before``) says, and the run."""
    states = [*before, say(text)]
    run = simulate(flow(*states), contact or Contact(at=AT))
    spoken = [output.text for output in run.outputs if output.widget == "s"]
    return (spoken[0] if spoken else ""), run


def assumed(run: Simulation) -> str:
    return "\n".join(f"{item.widget}: {item.text}" for item in run.assumptions)


# -- Liquid as Shopify Liquid (and Studio) renders it ----------------------------------------------------------


@pytest.mark.parametrize(("template", "expected"), [
    ("{% if false and false or true %}T{% else %}F{% endif %}", "F"),  # and/or read right to left
    ("{% if true or false and false %}T{% else %}F{% endif %}", "T"),
    ("{{ '  Hola  ' | strip | upcase | append: '!' }}", "HOLA!"),
    ("{{ 'a,b,c' | split: ',' | size }}/{{ 'a,b,c' | split: ',' | last }}", "3/c"),
    ("{{ '' | default: 'none' }}/{{ nothing | default: 'none' }}", "none/none"),
    ("{{ '5' | plus: 1 }}/{{ nothing | plus: 1 }}/{{ 7 | divided_by: 2 }}", "6/1/3"),
    ("{{ 'a b&c' | url_encode }}", "a+b%26c"),
    ("{% case '2' %}{% when '1', '2' %}one or two{% else %}other{% endcase %}", "one or two"),
    ("{% if '1' == 1 %}number{% else %}text{% endif %}", "text"),  # no coercion in ==
    ("a {{- ' b ' -}} c", "a b c"),
    ("{{ 'Hello World' | slice: -5, 5 }}", "World"),
    ("{% capture c %}x{{ 'y' }}{% endcapture %}{{ c | upcase }}", "XY"),
    ("{{ 'Hello' | truncate: 5 }}|{{ 'Hello!' | truncate: 5 }}|{{ 'Hello' | truncate: 2 }}", "Hello|He...|..."),
    ("{{ 'Hello' | truncate: 3, '' }}", "Hel"),
])
def test_liquid_renders_as_shopify_liquid_does(template: str, expected: str) -> None:
    assert heard(template)[0] == expected


def test_to_json_puts_an_object_into_task_attributes() -> None:
    # techmatters' webchat flow: "memory": {{widgets.ChatBot.memory | to_json}} in Send to Flex attributes.
    fn = widget("fn", "run-function", {}, success="flex")
    flex = widget("flex", "send-to-flex", {"workflow": "WW1", "channel": "TC1",
                                           "attributes": '{"memory": {{widgets.fn.parsed.memory | to_json}}, '
                                                         '"gone": {{widgets.fn.parsed.gone | to_json}}}'})
    contact = Contact(mocks={"fn": Mock(outputs={"body": {"memory": {"lang": "fr", "tries": [1, 2]}}})})
    run = simulate(flow(fn, flex), contact)
    assert run.handoff is not None
    assert run.handoff.attributes == {"memory": {"lang": "fr", "tries": [1, 2]}, "gone": None}


def test_a_liquid_failure_renders_nothing_there_and_says_so() -> None:
    setter = widget("set", "set-variables", {"variables": [{"key": "n", "value": "5"}]}, next="s")
    text, run = heard("{% if flow.variables.n > 3 %}many{% else %}few{% endif %}, {{ 5 | divided_by: 0 }}ok",
                      setter)
    assert text == ", ok"  # neither branch of the failing if, and the rest of the text
    assert "Liquid error" in assumed(run)
    assert "s: say:" in assumed(run)
    assert "divided_by" in assumed(run)


def test_an_unknown_filter_passes_the_value_through_and_says_so() -> None:
    text, run = heard("{{ 'abc' | sha256 | upcase }}")
    assert text == "ABC"
    assert "unknown filter 'sha256'" in assumed(run)


def test_an_object_renders_as_json_and_says_so() -> None:
    http = widget("h", "make-http-request", {}, success="s")
    contact = Contact(mocks={"h": Mock(outputs={"body": {"status": "open", "n": None}})})
    text, run = heard("{{ widgets.h.parsed }}", http, contact=contact)
    assert json.loads(text) == {"status": "open", "n": None}
    assert "is an object: rendered as JSON" in assumed(run)


def test_a_canned_body_object_is_text_in_body_and_json_in_parsed() -> None:
    # A split on {{widgets.h.body}} contains "closed" (techmatters' ph-lex flow) reads the answer's text.
    http = widget("h", "make-http-request", {}, success="s")
    contact = Contact(mocks={"h": Mock(outputs={"body": {"status": "closed"}})})
    text, run = heard("{{ widgets.h.body }}|{{ widgets.h.parsed.status }}", http, contact=contact)
    assert json.loads(text.split("|")[0]) == {"status": "closed"}
    assert text.endswith("|closed")
    assert not run.assumptions
    failed = Contact(mocks={"h": Mock(event="failed", outputs={"status_code": 500, "body": {"error": "down"}})})
    down = simulate(flow(widget("h", "make-http-request", {}, failed="s"), say("{{ widgets.h.body }}")), failed)
    assert json.loads(down.heard[0]) == {"error": "down"}


def test_a_liquid_loop_stops_at_fifteen_items() -> None:
    text, run = heard("{% for i in (1..20) %}{{ i }} {% endfor %}")
    assert text.split() == [str(i) for i in range(1, 16)]
    assert "only the first 15" in assumed(run)
    assert not run.undefined  # the engine's own forloop.parentloop lookup is no undefined reference


def test_date_reads_plain_dates_and_ruby_directives() -> None:
    assert heard("{{ 'December 4, 2026' | date: '%A %Y-%m-%d' }}")[0] == "Friday 2026-12-04"
    assert heard("{{ 'now' | date: '%H:%M:%S.%L %:z' }}", contact=Contact(at=AT, tz="America/New_York"))[0] \
        == "19:05:00.000 -05:00"
    assert "Time.parse" in assumed(heard("{{ '10:30' | date: '%H' }}")[1])
    assert heard("{{ 'not a date' | date: '%H' }}")[0] == "not a date"


def test_unreadable_liquid_is_used_as_written_and_said() -> None:
    text, run = heard("Hello {% if %}")
    assert text == "Hello {% if %}"
    assert "Liquid the engine cannot read" in assumed(run)


# -- what the contact does -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("properties", "pressed", "event", "digits"), [
    ({}, "12#3", "keypress", "12"),
    ({"finish_on_key": ""}, "12#", "keypress", "12#"),  # "" is no finish key (Twilio's finishOnKey)
    ({"number_of_digits": 1}, "23", "keypress", "2"),
    ({"finish_on_key": "#"}, "#", "timeout", None),  # only the finish key: no digits, the gather moves on
])
def test_a_gather_keeps_the_digits_twilio_keeps(properties: JSON, pressed: str, event: str, digits: str | None) -> None:
    menu = widget("menu", "gather-input-on-call", {"say": "Press", **properties}, keypress="s", timeout="s")
    run = simulate(flow(menu, say("[{{widgets.menu.Digits}}]")), Contact(answers=(pressed,)))
    assert run.path[1].event == event
    assert run.context["widgets"].get("menu", {}).get("Digits") == digits


# -- Split Based On ---------------------------------------------------------------------------------------------


def test_a_condition_that_tests_another_variable_than_the_input_says_so() -> None:
    # techmatters' post-call survey: copied splits keep the first gather in their conditions' arguments.
    gather = widget("g2", "gather-input-on-call", {}, keypress="split")
    split = {"name": "split", "type": "split-based-on", "properties": {"input": "{{widgets.g2.Digits}}"},
             "transitions": [{"event": "noMatch", "next": "bad"},
                             {"event": "match", "next": "s", "conditions": [
                                 {"friendly_name": "valid", "arguments": ["{{widgets.g1.Digits}}"], "type": "less_than",
                                  "value": "5"}]}]}
    run = simulate(flow(gather, split, say("ok"), say("bad", "bad")), Contact(answers=("3",)))
    assert "tests '{{widgets.g1.Digits}}', not the split's input" in assumed(run)


@pytest.mark.parametrize(("kind", "value", "said"), [
    ("greater_than", "0", "'' is not a number"),  # a counsellor count from an HTTP answer that did not come
    ("is_before_time", "9am", "'' and '9am' are not a time (HH:MM)"),
    ("regex", "([", "'([' is not a regular expression"),
])
def test_a_condition_that_cannot_compare_says_so(kind: str, value: str, said: str) -> None:
    split = {"name": "split", "type": "split-based-on", "properties": {"input": "{{widgets.h.parsed.count}}"},
             "transitions": [{"event": "noMatch", "next": "s"},
                             {"event": "match", "next": "s", "conditions": [
                                 {"friendly_name": "available", "arguments": ["{{widgets.h.parsed.count}}"],
                                  "type": kind, "value": value}]}]}
    run = simulate(flow(widget("h", "make-http-request", {}, success="split"), split, say("x")),
                   Contact(mocks={"h": Mock(outputs={"body": {}})}))
    assert run.path[2].event == "noMatch"
    assert f"condition 'available': {said}, so it does not hold" in assumed(run)


# -- saying what it cannot know ------------------------------------------------------------------------------


def test_a_call_out_without_a_canned_result_says_what_it_assumed() -> None:
    sub = widget("sub", "run-subflow", {"flow_sid": "FW1"}, completed="s")
    _, run = heard("done", sub)
    assert "sub: no canned result, so the subflow completes with no outputs (completed)" in assumed(run)
    _, mocked = heard("done", sub, contact=Contact(mocks={"sub": Mock(event="completed")}))
    assert not mocked.assumptions


@pytest.mark.parametrize("broken", [
    {"properties": "say hi"},
    {"transitions": 3},
    {"transitions": [{"event": "audioComplete", "next": ["s"]}]},
    {"transitions": ["audioComplete"]},
    {"type": "split-based-on", "properties": {"input": "x"}, "transitions": [{"event": "match", "conditions": "x"}]},
    {"type": "split-based-on", "properties": {"input": "x"},
     "transitions": [{"event": "match", "conditions": [{"type": "equal_to", "arguments": "x", "value": "x"}]}]},
    {"type": "set-variables", "properties": {"variables": {"key": "a"}}},
])
def test_a_malformed_widget_stops_the_run(broken: JSON) -> None:
    bad = {**widget("w", "say-play", {"say": "hi"}, audioComplete="s"), **broken}
    run = simulate(flow(bad, say("end")), Contact())
    assert run.ending.kind == "stopped"
    assert run.ending.widget == "w"
    assert "Studio would reject this flow" in run.ending.reason


def test_a_definition_with_a_junk_initial_state_or_states_still_runs() -> None:
    definition = flow(say("hi"), initial_state=["Trigger"])
    definition["states"] += [None, 3, {"type": "say-play"}]
    assert simulate(definition, Contact()).heard == ("hi",)


def test_a_canned_event_the_widget_does_not_have_is_refused_with_its_events() -> None:
    fn = widget("fn", "run-function", {}, success="s", fail="s")
    with pytest.raises(SimulationInputError, match=r"'failed' for fn is not an event of run-function: did you mean "
                                                   r"'fail'\? \(its events: success, fail\)"):
        simulate(flow(fn, say("x")), Contact(mocks={"fn": Mock(event="failed")}))


def test_what_the_trigger_carries_can_be_given() -> None:
    # techmatters' webchat flow routes on trigger.conversation.ChannelAttributes.pre_engagement_data.language.
    split = {"name": "lang", "type": "split-based-on",
             "properties": {"input": "{{trigger.conversation.ChannelAttributes.pre_engagement_data.language}}"},
             "transitions": [{"event": "noMatch", "next": "s"},
                             {"event": "match", "next": "fr", "conditions": [
                                 {"friendly_name": "fr", "arguments": [
                                     "{{trigger.conversation.ChannelAttributes.pre_engagement_data.language}}"],
                                  "type": "contains", "value": "fr"}]}]}
    definition = flow(split, say("en"), say("fr", "fr"), event="incomingConversationMessage")
    unknown = simulate(definition, Contact(event="incomingConversationMessage"))
    assert "--trigger ChannelAttributes=VALUE" in unknown.render()
    given = Contact(event="incomingConversationMessage",
                    trigger={"ChannelAttributes": {"pre_engagement_data": {"language": "fr-CA"}}})
    assert simulate(definition, given).heard == ("fr",)


@pytest.mark.parametrize("definition", [[], "flow", None])
def test_something_that_is_no_definition_is_unusable_input(definition: Any) -> None:
    with pytest.raises(SimulationInputError, match="no 'states' list"):
        simulate(definition, Contact())


def test_an_answer_given_as_a_number_is_the_digits() -> None:
    menu = widget("menu", "gather-input-on-call", {}, keypress="s")
    run = simulate(flow(menu, say("{{widgets.menu.Digits}}")), Contact(answers=(2,)))  # type: ignore[arg-type]
    assert run.heard == ("2",)


def test_send_message_stores_what_it_sent_under_outbound_as_studio_does() -> None:
    sent = widget("sms", "send-message", {"body": "Your code is 42", "to": "{{contact.channel.address}}"},
                  sent="s")
    spoken, _ = heard("{{widgets.sms.outbound.Body}}|{{widgets.sms.Body}}", sent)
    assert spoken == "Your code is 42|"


def test_record_voicemail_stores_no_transcription_text() -> None:
    record = widget("vm", "record-voicemail", {}, recordingComplete="s")
    spoken, run = heard("[{{widgets.vm.RecordingDuration}}][{{widgets.vm.TranscriptionText}}]", record)
    assert spoken == "[10][]"
    assert [item.path for item in run.undefined] == ["widgets.vm.TranscriptionText"]
