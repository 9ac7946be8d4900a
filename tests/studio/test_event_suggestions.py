"""A wrong event name gets a "did you mean" for the event it means, not the one it looks most like.

Found in the third real-world audit: a trigger event written ``incomingSms`` was answered with
"did you mean 'incomingCall'?" (the closer spelling), and ``restApi`` (an LLM-written flow) with no hint.
"""

from __future__ import annotations

from typing import Any

import pytest

from studio import GatherInputOnCall, Trigger, validate_definition
from studio.simulate import Contact, SimulationInputError, simulate


def trigger_flow(event: str) -> dict[str, Any]:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [{"event": event}], "properties": {}}
    return {"initial_state": "Trigger", "states": [trigger]}


def event_error(definition: dict[str, Any]) -> str:
    (problem,) = [p for p in validate_definition(definition) if p.code == "invalid-event"]
    return problem.message


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("incomingSms", "incomingMessage"),
        ("incomingSMS", "incomingMessage"),
        ("incomingText", "incomingMessage"),
        ("incomingWhatsapp", "incomingMessage"),
        ("sms", "incomingMessage"),
        ("restApi", "incomingRequest"),
        ("incomingWebhook", "incomingRequest"),
        ("incomingVoice", "incomingCall"),
        ("subflow", "incomingParent"),
        ("conversationMessage", "incomingConversationMessage"),
        # plain typos still get the nearest spelling
        ("incomingCalls", "incomingCall"),
        ("incomingMesage", "incomingMessage"),
        ("incoming_message", "incomingMessage"),
    ],
)
def test_a_trigger_event_in_other_words_suggests_the_event_it_means(written: str, meant: str) -> None:
    assert event_error(trigger_flow(written)) == f"trigger has no event {written!r}: did you mean {meant!r}?"


def test_a_gather_no_input_event_suggests_timeout() -> None:
    definition = trigger_flow("incomingCall")
    definition["states"][0]["transitions"][0]["next"] = "menu"
    definition["states"].append(
        {"name": "menu", "type": "gather-input-on-call", "transitions": [{"event": "noInput"}], "properties": {}}
    )
    assert event_error(definition).endswith("did you mean 'timeout'?")


def test_the_builder_suggests_the_meant_event_too() -> None:
    with pytest.raises(ValueError, match="did you mean 'incomingMessage'"):
        Trigger("Trigger").on("incomingSms")
    with pytest.raises(ValueError, match="did you mean 'timeout'"):
        GatherInputOnCall("menu").on("noInput")


def test_simulate_suggests_the_meant_trigger_event() -> None:
    expected = "unknown trigger event 'incomingSms': did you mean 'incomingMessage'"
    with pytest.raises(SimulationInputError, match=expected):
        simulate(trigger_flow("incomingMessage"), Contact(event="incomingSms"))
