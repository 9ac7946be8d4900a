"""Presets route as intended: VIP always to the VIP queue, a language to its queue, else Everyone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskrouter import (
    Workflow,
    default_route,
    everyone_queue,
    language_routing,
    lint,
    pre_agent_routing,
    route,
    vip_filter,
    vip_routing,
)
from tests.taskrouter.support import EVERYONE, FRENCH, SPANISH, VIP

LANGUAGES = {"es": SPANISH, "fr": FRENCH}
PRE_AGENT = pre_agent_routing(everyone=EVERYONE, vip_queue=VIP, language_queues=LANGUAGES)
other_attributes = st.dictionaries(st.sampled_from(["language", "preferred_language", "channel", "vip_level"]),
                                   st.sampled_from(["es", "fr", "en", "voice", 1, None]), max_size=3)


@settings(max_examples=60, deadline=None)
@given(other_attributes)
def test_vip_task_always_goes_to_the_vip_queue(attributes: dict[str, object]) -> None:
    assert route(PRE_AGENT, {**attributes, "vip": True}).queues == ("vip",)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["es", "fr"]), st.sampled_from([False, None, "true"]))
def test_non_vip_task_goes_to_its_language_queue(language: str, vip: object) -> None:
    assert route(PRE_AGENT, {"language": language, "vip": vip}).queues == (LANGUAGES[language].key,)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["en", "de", None, 3]))
def test_other_task_goes_to_everyone(language: object) -> None:
    assert route(PRE_AGENT, {"language": language}).queues == ("everyone",)


def test_vip_routing_sends_vip_to_vip_queue() -> None:
    assert route(vip_routing(VIP, EVERYONE), {"vip": True}).queues == ("vip",)


def test_vip_routing_sends_others_to_the_default_queue() -> None:
    assert route(vip_routing(VIP, EVERYONE), {"vip": False}).queues == ("everyone",)


def test_vip_trait_as_text_does_not_count_as_vip() -> None:
    assert route(vip_routing(VIP, EVERYONE), {"vip": "true"}).queues == ("everyone",)


def test_vip_routing_reads_a_nested_trait() -> None:
    workflow = vip_routing(VIP, EVERYONE, attribute="profile.vip")
    assert route(workflow, {"profile": {"vip": True}}).queues == ("vip",)


def test_vip_overflow_moves_to_the_default_queue_after_the_wait() -> None:
    result = route(vip_routing(VIP, EVERYONE, overflow_after=120), {"vip": True})
    assert [(step.queue.key, step.starts_after) for step in result.steps] == [("vip", 0), ("everyone", 120)]


def test_vip_priority_is_set_on_its_step() -> None:
    assert route(vip_routing(VIP, EVERYONE, priority=50), {"vip": True}).steps[0].priority == 50


def test_ivr_choice_wins_over_the_preferred_language_trait() -> None:
    workflow = language_routing(LANGUAGES, EVERYONE, fallback_attribute="preferred_language")
    assert route(workflow, {"language": "fr", "preferred_language": "es"}).queues == ("french",)


def test_preferred_language_trait_is_used_without_an_ivr_choice() -> None:
    workflow = language_routing(LANGUAGES, EVERYONE, fallback_attribute="preferred_language")
    assert route(workflow, {"preferred_language": "es"}).queues == ("spanish",)


def test_language_routing_uses_the_given_attribute() -> None:
    workflow = language_routing(LANGUAGES, EVERYONE, attribute="ivr_language")
    assert route(workflow, {"ivr_language": "es", "language": "fr"}).queues == ("spanish",)


def test_default_route_is_flex_assign_to_anyone() -> None:
    assert default_route(everyone_queue()).to_json({"everyone": "WQ1"}) == (
        '{"task_routing":{"default_filter":{"queue":"WQ1"},"filters":[]}}')


def test_everyone_queue_targets_every_worker() -> None:
    assert (everyone_queue().friendly_name, everyone_queue().target_workers) == ("Everyone", "1==1")


@pytest.mark.parametrize("workflow", [
    PRE_AGENT,
    pre_agent_routing(everyone=EVERYONE, vip_queue=VIP, language_queues=LANGUAGES, overflow_after=60,
                      fallback_language_attribute="preferred_language"),
    vip_routing(VIP, EVERYONE),
    language_routing(LANGUAGES, EVERYONE),
    default_route(EVERYONE),
], ids=["pre-agent", "pre-agent-overflow", "vip", "language", "default"])
def test_preset_has_no_lint_finding(workflow: Workflow) -> None:
    assert lint(workflow, defined_queues=(EVERYONE, VIP, SPANISH, FRENCH)) == []


def test_language_code_with_a_hyphen_is_refused_with_a_fix() -> None:
    with pytest.raises(ValueError, match="use 'es_MX' or 'es'"):
        language_routing({"es-MX": SPANISH}, EVERYONE)


@pytest.mark.parametrize("attribute", ["task.vip", "vip OR", "vip-level", "vip == 1 OR x", ""])
def test_attribute_must_be_a_plain_key_path(attribute: str) -> None:
    with pytest.raises(ValueError, match="is not a task attribute path"):
        vip_filter(VIP, attribute=attribute)


def test_overflow_needs_a_queue_to_overflow_to() -> None:
    with pytest.raises(ValueError, match="overflow_after needs an overflow_queue"):
        vip_filter(VIP, overflow_after=30)
