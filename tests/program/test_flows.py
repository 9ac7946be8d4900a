"""The reference contact center: what each flow does, and that flows and routing agree on task attributes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from components.plan import handled_events
from flows.registry import FlowContext, all_flows, workspace
from flows.routing import OVERFLOW_AFTER, PRE_AGENT_WORKFLOW, VIP_PRIORITY
from flows.task_attributes import LiquidCondition, TaskAttributes, sample_task, task_types
from studio import Flow
from taskrouter import lint, route

CONTEXT = FlowContext(languages=("en", "es"), vip_trait="vip")
WORKSPACE = workspace(CONTEXT)
REFERENCE = {"voice": "incomingCall", "messaging": "incomingMessage", "conversations": "incomingConversationMessage"}


def build(name: str, context: FlowContext = CONTEXT) -> Flow:
    return all_flows()[name].flow(context)


def states(name: str) -> dict[str, dict[str, Any]]:
    definition = build(name).to_definition(placeholders=True)
    return {state["name"]: state for state in definition["states"]}


def next_of(state: dict[str, Any], event: str) -> list[str]:
    return [t["next"] for t in state["transitions"] if t["event"] == event and t.get("next")]


def attributes(state: dict[str, Any]) -> str:
    text: str = state["properties"]["attributes"]
    return text


def test_the_reference_flows_are_valid_and_start_from_their_trigger() -> None:
    for name, event in REFERENCE.items():
        assert [p for p in build(name).validate() if p.severity == "error"] == [], name
        assert next_of(states(name)["Trigger"], event) == ["lookup_profile"], name
        assert event in handled_events(build(name))


def test_voice_looks_the_caller_up_and_sends_vips_to_flex_at_high_priority() -> None:
    voice = states("voice")
    assert voice["lookup_profile"]["properties"]["identifier"] == "{{trigger.call.From}}"
    assert next_of(voice["lookup_profile"], "success") == ["vip_check"]
    vip = voice["vip_check"]
    assert vip["properties"]["input"] == "{{widgets.lookup_profile.profile.traits.vip}}"
    assert next_of(vip, "match") == ["vip_to_flex"]
    to_flex = voice["vip_to_flex"]["properties"]
    assert to_flex["priority"] == str(VIP_PRIORITY)
    assert '"vip":true' in attributes(voice["vip_to_flex"])
    assert to_flex["waitUrl"] == "${HOLD_MUSIC_URL}"


def test_voice_routes_everyone_else_by_profile_language_or_menu_choice() -> None:
    voice = states("voice")
    assert next_of(voice["profile_language"], "match") == ["language_en", "language_es"]
    assert next_of(voice["profile_language"], "noMatch") == ["main_menu"]
    assert next_of(voice["menu_choice"], "match") == ["language_en", "language_es", "send_self_service_link"]
    assert next_of(voice["language_es"], "next") == ["to_flex"]
    assert '"vip":false' in attributes(voice["to_flex"])
    assert '"language":"{{flow.variables.language}}"' in attributes(voice["to_flex"])
    assert "Para español, oprima 2." in voice["main_menu"]["properties"]["say"]


def test_voice_deflection_texts_the_self_service_link_then_hangs_up() -> None:
    voice = states("voice")
    link = voice["send_self_service_link"]
    assert "${SELF_SERVICE_URL}" in link["properties"]["body"]
    assert next_of(link, "sent") == ["goodbye"]
    assert next_of(voice["goodbye"], "audioComplete") == []  # the flow ends: Studio hangs up


def test_voice_after_hours_goes_to_voicemail_in_the_stacks_time_zone() -> None:
    voice = states("voice")
    assert '"${TIME_ZONE}"' in voice["business_hours"]["properties"]["input"]
    conditions = [c for t in voice["business_hours"]["transitions"] for c in t.get("conditions", [])]
    assert [(c["type"], c["value"]) for c in conditions] == [("is_after_time", "${OPEN_TIME}"),
                                                            ("is_before_time", "${CLOSE_TIME}")]
    assert next_of(voice["business_hours"], "noMatch") == ["after_hours"]
    assert next_of(voice["business_day"], "noMatch") == ["after_hours"]
    assert next_of(voice["after_hours"], "audioComplete") == ["voicemail"]
    assert voice["voicemail"]["type"] == "record-voicemail"


def test_overnight_hours_are_open_after_opening_or_before_closing() -> None:
    night = build("voice", FlowContext(languages=("en",), open_time="19:00", close_time="07:00"))
    split = {state["name"]: state for state in night.to_definition(placeholders=True)["states"]}["business_hours"]
    matches = [t for t in split["transitions"] if t["event"] == "match"]
    branches = [[(c["type"], c["value"]) for c in t["conditions"]] for t in matches]
    assert branches == [[("is_after_time", "${OPEN_TIME}")], [("is_before_time", "${CLOSE_TIME}")]]
    assert {t["next"] for t in split["transitions"] if t["event"] == "match"} == {"profile_language"}


def test_failed_to_enqueue_plays_an_apology() -> None:
    voice = states("voice")
    for sender in ("vip_to_flex", "to_flex"):
        assert next_of(voice[sender], "failedToEnqueue") == ["apology"]


def test_messaging_greets_asks_by_reply_and_sends_to_flex() -> None:
    messaging = states("messaging")
    assert next_of(messaging["lookup_profile"], "success") == ["greeting"]
    assert next_of(messaging["greeting"], "sent") == ["language_menu"]
    assert messaging["language_menu"]["type"] == "send-and-wait-for-reply"
    assert messaging["language_reply"]["properties"]["input"] == "{{widgets.language_menu.inbound.Body}}"
    assert messaging["to_flex"]["properties"]["channel"] == "${CHAT_CHANNEL_SID}"
    assert '"vip":{% if widgets.lookup_profile.profile.traits.vip == true %}true{% else %}false{% endif %}' in (
        attributes(messaging["to_flex"])
    )


def test_conversations_send_to_flex_with_the_same_attributes() -> None:
    conversations = states("conversations")
    text = attributes(conversations["to_flex"])
    for name in TaskAttributes.model_fields:
        assert f'"{name}":' in text


@pytest.mark.parametrize(("task", "queues"), [
    (sample_task(vip=True, language="es"), ("vip", "everyone")),
    (sample_task(language="en"), ("en", "everyone")),
    (sample_task(language="es"), ("es", "everyone")),
    (sample_task(language="de"), ("everyone",)),
])
def test_routing_sends_vips_first_then_by_language_falling_back_to_everyone(
    task: dict[str, Any], queues: tuple[str, ...]
) -> None:
    workflow = next(w for w in WORKSPACE.workflows if w.friendly_name == PRE_AGENT_WORKFLOW)
    result = route(workflow, task)
    assert result.queues == queues
    if len(queues) > 1:
        assert result.steps[0].timeout == OVERFLOW_AFTER


def test_workflows_lint_clean_against_the_attributes_flows_send() -> None:
    for workflow in WORKSPACE.workflows:
        assert lint(workflow, defined_queues=WORKSPACE.task_queues, task_types=task_types()) == []
    assert task_types()["vip"] == "boolean"


def test_a_flow_cannot_send_vip_as_text() -> None:
    with pytest.raises(ValidationError, match="vip"):
        TaskAttributes(name="x", language="en", vip="true")  # type: ignore[arg-type]
    decided = TaskAttributes(name="x", language="en", vip=LiquidCondition("profile.vip == true"))
    rendered = decided.to_mapping()["vip"]
    assert json.loads(rendered.replace("{% if profile.vip == true %}", "").replace("{% else %}false{% endif %}", ""))


def test_queues_are_everyone_vip_and_one_per_language() -> None:
    assert [queue.friendly_name for queue in WORKSPACE.task_queues] == ["Everyone", "VIP", "English", "Spanish"]
    other = FlowContext(languages=("fr", "en"), vip_trait="is_vip")
    assert [queue.key for queue in workspace(other).task_queues] == ["everyone", "vip", "fr", "en"]
    assert "traits.is_vip" in json.dumps(build("voice", other).to_definition(placeholders=True))


@pytest.mark.parametrize("stack", ["local", "dev", "prod"])
def test_each_flow_compared_with_its_own_json_shows_no_change(stack: str) -> None:
    """What `flexctl pull` compares right after an `up`: the code's definition (widget references are Output, a
    str subclass) with the same definition read back as JSON. Any change shown would be a Console edit nobody made."""
    from components.plan import read_stack_plan
    from studio.diff import diff_flows
    from tests.program.support import ROOT

    for planned in read_stack_plan(ROOT, stack).flows:
        code = planned.flow.to_definition(placeholders=True)
        assert diff_flows(code, json.loads(json.dumps(code))).is_empty, planned.name
