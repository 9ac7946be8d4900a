"""The Studio simulator: each widget's step, the context Liquid reads, endings, limits and real flows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from studio.catalogue import CATALOGUE
from studio.simulate import STEPS, TRIGGER_EVENTS, Contact, Mock, SimulationInputError, simulate
from tests.shared_data import CORPUS

JSON = dict[str, Any]
REALWORLD = sorted((CORPUS / "realworld" / "flows").glob("*.json"))


def flow(*states: JSON, event: str = "incomingCall") -> JSON:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event, "next": states[0]["name"]}],
               "properties": {}}
    return {"initial_state": "Trigger", "states": [trigger, *states]}


def widget(name: str, type_: str, properties: JSON | None = None, **events: str) -> JSON:
    return {"name": name, "type": type_, "properties": properties or {},
            "transitions": [{"event": event, "next": target} for event, target in events.items()]}


def say(name: str, text: str) -> JSON:
    return widget(name, "say-play", {"say": text})


# -- every widget type has a step ------------------------------------------------------------------------------


def test_every_catalogue_type_but_the_trigger_has_a_step() -> None:
    assert set(CATALOGUE) - {"trigger"} <= set(STEPS)


@pytest.mark.parametrize("widget_type", sorted(set(CATALOGUE) - {"trigger"}))
def test_each_widget_step_takes_one_of_its_own_events(widget_type: str) -> None:
    run = simulate(flow(widget("w", widget_type)), Contact())
    (taken,) = [step for step in run.path if step.widget == "w"]
    assert taken.event in CATALOGUE[widget_type].events
    assert taken.why


def test_gather_reads_digits_then_speech_then_times_out() -> None:
    menu = widget("menu", "gather-input-on-call", {"say": "Press 1"}, keypress="menu", timeout="menu", speech="bye")
    run = simulate(flow(menu, say("bye", "{{widgets.menu.SpeechResult}}")), Contact(answers=("1", "", "sales")))
    assert [step.event for step in run.path[1:4]] == ["keypress", "timeout", "speech"]
    assert run.heard == ("Press 1", "Press 1", "Press 1", "sales")


def test_a_widget_that_runs_again_exposes_only_its_latest_outputs() -> None:
    menu = widget("menu", "gather-input-on-call", {}, keypress="menu", timeout="bye")
    run = simulate(flow(menu, say("bye", "[{{widgets.menu.Digits}}]")), Contact(answers=("1",)))
    assert run.heard == ("[]",)


def test_send_and_wait_exposes_the_reply_as_inbound_body() -> None:
    ask = widget("ask", "send-and-wait-for-reply", {"from": "x", "body": "Language?"}, incomingMessage="echo")
    echo = widget("echo", "send-message", {"from": "x", "body": "You said {{widgets.ask.inbound.Body}}"})
    run = simulate(flow(ask, echo, event="incomingMessage"), Contact(event="incomingMessage", answers=("es",)))
    assert (run.heard, run.ending.kind) == (("Language?", "You said es"), "message")


def test_an_ending_after_a_message_names_the_widget_that_ran_last_and_the_one_that_sent() -> None:
    send = widget("notify", "send-message", {"from": "x", "body": "Hi"}, sent="delay")
    delay = widget("delay", "run-function", {"url": "https://example.com/delay"})
    run = simulate(flow(send, delay, event="incomingMessage"), Contact(event="incomingMessage"))
    assert (run.ending.kind, run.ending.widget) == ("message", "delay")
    assert run.ending.reason == "the execution ends after delay (success); the last message sent was notify's"

    alone = simulate(flow(widget("notify", "send-message", {"from": "x", "body": "Hi"}), event="incomingMessage"),
                     Contact(event="incomingMessage"))
    assert alone.ending.reason == "the execution ends after notify sent its message"


def test_set_variables_are_read_as_flow_variables() -> None:
    setter = widget("set", "set-variables", {"variables": [{"key": "lang", "value": "{{trigger.call.From}}"}]},
                    next="s")
    run = simulate(flow(setter, say("s", "lang={{flow.variables.lang}}")), Contact(from_="+1999"))
    assert (run.variables, run.heard) == ({"lang": "+1999"}, ("lang=+1999",))


def test_http_answers_from_a_canned_body_parsed_as_json() -> None:
    http = widget("http", "make-http-request", {"method": "GET", "url": "https://x"}, success="s", failed="f")
    flow_ = flow(http, say("s", "tier {{widgets.http.parsed.tier}}"), say("f", "down"))
    assert simulate(flow_, Contact(mocks={"http": Mock(outputs={"body": {"tier": "gold"}})})).heard == ("tier gold",)
    assert simulate(flow_, Contact(mocks={"http": Mock(outputs={"status_code": 503})})).heard == ("down",)


def test_profile_traits_are_exposed_as_the_lookup_profile() -> None:
    lookup = widget("lookup", "search-for-a-profile", {}, success="s")
    run = simulate(flow(lookup, say("s", "{{widgets.lookup.profile.traits.tier}}")), Contact(traits={"tier": "vip"}))
    assert run.heard == ("vip",)


def test_send_to_flex_renders_the_task_and_ends_in_flex() -> None:
    flex = widget("flex", "send-to-flex", {"workflow": "WW1", "channel": "TC1", "priority": "{{flow.data.p}}",
                                           "timeout": "600", "attributes": '{"from": "{{trigger.call.From}}"}'})
    run = simulate(flow(flex), Contact(from_="+1777", parameters={"p": "5"}))
    assert run.handoff is not None
    assert run.ending.kind == "flex"
    assert (dict(run.handoff.attributes), run.handoff.priority, run.handoff.timeout) == ({"from": "+1777"}, 5, 600)


def test_send_to_flex_with_broken_attributes_fails_to_enqueue() -> None:
    flex = widget("flex", "send-to-flex", {"workflow": "WW1", "channel": "TC1", "attributes": '{"a": {{x}}}'},
                  failedToEnqueue="sorry")
    run = simulate(flow(flex, say("sorry", "sorry")), Contact())
    assert (run.path[1].event, run.handoff, run.heard) == ("failedToEnqueue", None, ("sorry",))


# -- Liquid context, endings, limits ------------------------------------------------------------------------------


def test_an_undefined_reference_renders_empty_and_is_in_the_trace() -> None:
    run = simulate(flow(say("s", "Hi {{widgets.nobody.Body}}!")), Contact())
    assert run.heard == ("Hi !",)
    assert [(u.widget, u.property, u.path) for u in run.undefined] == [("s", "say", "widgets.nobody")]


def test_a_reference_a_canned_result_does_not_fill_says_what_the_canned_result_gives() -> None:
    flow_ = flow(widget("http", "make-http-request", {"url": "https://x", "method": "GET"}, success="s"),
                 say("s", "Hi {{widgets.http.parsed.name}} {{widgets.other.x}}"))
    run = simulate(flow_, Contact(mocks={"http": Mock(outputs={"name": "Ann"})}))
    assert run.heard == ("Hi  ",)
    assert run.render().splitlines()[-3:-1] == [
        "undefined: {{widgets.http.parsed.name}} in s.say (rendered empty); the canned result for http gives name "
        "(an HTTP or Function answer goes in body, read as parsed)",
        "undefined: {{widgets.other}} in s.say (rendered empty)"]
    run = simulate(flow_, Contact(mocks={"http": Mock(outputs={"body": {"nom": "Ann"}})}))
    assert run.render().splitlines()[-3] == (
        "undefined: {{widgets.http.parsed.name}} in s.say (rendered empty); the canned result for http gives body")


def test_liquid_now_is_the_contacts_clock() -> None:
    text = '{{ "now" | date: "%A %H:%M" }}'
    run = simulate(flow(say("s", text)), Contact(at=dt.datetime(2026, 12, 4, 19, 5), tz="America/New_York"))
    assert run.heard == ("Friday 19:05",)


def test_a_failure_with_nothing_after_it_ends_in_error() -> None:
    run = simulate(flow(widget("f", "run-function", {"url": "https://x"})), Contact(mocks={"f": Mock("fail")}))
    assert (run.ending.kind, run.ending.ok) == ("error", False)


def test_a_split_whose_no_match_leads_nowhere_is_a_dead_end() -> None:
    split = widget("split", "split-based-on", {"input": "x"})
    assert simulate(flow(split), Contact()).ending.kind == "error"


def test_an_unknown_widget_type_stops_with_a_clear_message() -> None:
    run = simulate(flow(widget("bye", "hangup")), Contact())
    assert run.ending.kind == "stopped"
    assert "'hangup', not in the catalogue" in run.ending.reason
    assert "--mock bye=" in run.ending.reason


def test_an_unknown_widget_type_runs_with_a_canned_event() -> None:
    run = simulate(flow(widget("new", "brand-new-widget", {}, done="s"), say("s", "ok")),
                   Contact(mocks={"new": Mock("done")}))
    assert run.heard == ("ok",)


def test_a_loop_stops_at_studios_limit_with_a_clear_message() -> None:
    loop = widget("loop", "gather-input-on-call", {"say": "again"}, timeout="loop")
    run = simulate(flow(loop), Contact())
    assert run.ending.kind == "stopped"
    assert "10 times in a row" in run.ending.reason
    ping = widget("a", "set-variables", {}, next="b")
    pong = widget("b", "set-variables", {}, next="a")
    run = simulate(flow(ping, pong), Contact())
    assert run.ending.kind == "stopped"
    assert "1000 steps" in run.ending.reason
    assert len(run.path) == 1000


def test_a_trigger_event_the_flow_does_not_handle_is_unusable_input() -> None:
    with pytest.raises(SimulationInputError, match="does not handle incomingMessage: it starts on incomingCall"):
        simulate(flow(say("s", "x")), Contact(event="incomingMessage"))


# -- real flows ------------------------------------------------------------------------------------------------------


def handled_events(definition: JSON) -> list[str]:
    trigger = next(state for state in definition["states"] if state["type"] == "trigger")
    return [t["event"] for t in trigger["transitions"] if t.get("next") and t["event"] in TRIGGER_EVENTS]


@pytest.mark.parametrize("path", REALWORLD, ids=lambda path: path.stem)
def test_every_real_flow_runs_on_each_trigger_it_handles(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    definition = data.get("definition", data)
    events = handled_events(definition)
    assert events
    for event in events:
        for answers in ((), ("1", "yes", "2")):
            run = simulate(definition, Contact(event=event, body="hello", answers=answers))
            assert run.path[0].event == event
            assert run.ending.reason
