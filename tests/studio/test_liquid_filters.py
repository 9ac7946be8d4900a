"""Liquid filters and tags Studio does not document: one table (studio.liquid.STUDIO_LIQUID), a warning from the
validator, and an ``assumed:`` line from the simulator, which keeps Shopify Liquid's lax pass-through."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flows.registry import FlowContext, all_flows
from studio.liquid import STUDIO_LIQUID, _simple_reading, parse, undocumented, undocumented_uses
from studio.liquid_engine import ENGINE
from studio.rules import RULES
from studio.simulate import Contact, simulate
from studio.validate import Problem, validate_definition, validate_state
from tests.shared_data import CORPUS

JSON = dict[str, Any]
CODE = "undocumented-liquid"


def say(text: str) -> JSON:
    return {"name": "hello", "type": "say-play", "properties": {"say": text},
            "transitions": [{"event": "audioComplete"}]}


def flow(text: str) -> JSON:
    trigger = {"name": "Trigger", "type": "trigger", "properties": {},
               "transitions": [{"event": "incomingCall", "next": "hello"}]}
    return {"description": "d", "initial_state": "Trigger", "flags": {"allow_concurrent_calls": True},
            "states": [trigger, say(text)]}


def warnings(text: str) -> list[Problem]:
    return [problem for problem in validate_definition(flow(text)) if problem.code == CODE]


def the_warning(text: str) -> str:
    found = warnings(text)
    assert len(found) == 1, found
    return found[0].message


# --- the table -----------------------------------------------------------------------------------------


def test_the_table_says_who_documents_each_filter_and_tag() -> None:
    assert STUDIO_LIQUID["filter", "upcase"] == "studio"
    assert STUDIO_LIQUID["filter", "to_json"] == "flex"
    assert STUDIO_LIQUID["filter", "abs"] == "shopify"
    assert STUDIO_LIQUID["tag", "case"] == "studio"
    assert STUDIO_LIQUID["tag", "echo"] == "shopify"
    assert ("filter", "json") not in STUDIO_LIQUID
    assert ("filter", "sha256") not in STUDIO_LIQUID
    assert set(STUDIO_LIQUID.values()) == {"studio", "flex", "shopify"}


def test_the_engine_has_exactly_the_filters_of_the_table() -> None:
    # python-liquid's own filters (squish, safe, escapejs) are gone: Shopify's Liquid would pass them through.
    assert set(ENGINE.filters) == {name for kind, name in STUDIO_LIQUID if kind == "filter"}


def test_every_tag_of_the_table_but_raw_is_one_the_engine_parses() -> None:
    # raw is read by the lexer, not registered as a tag.
    assert {name for kind, name in STUDIO_LIQUID if kind == "tag"} - {"raw"} <= set(ENGINE.tags)


# --- the validator -------------------------------------------------------------------------------------


def test_a_filter_no_liquid_has_is_a_warning_naming_widget_property_and_what_studio_does() -> None:
    [problem] = warnings("Your code is {{ trigger.call.From | sha256 }}")
    assert problem.severity == "warning"
    assert problem.widget == "hello"
    assert problem.property_path == "#/states/1/properties/say"
    assert "'sha256'" in problem.message
    assert "Studio renders the value unchanged" in problem.message
    assert "Run Function" in problem.message


@pytest.mark.parametrize(("used", "meant"), [
    ("uppercase", "upcase"), ("lowercase", "downcase"), ("json", "to_json"), ("tojson", "to_json"),
    ("trucate", "truncate"),
])
def test_a_near_miss_is_named(used: str, meant: str) -> None:
    assert f"did you mean {meant!r}?" in the_warning(f"{{{{ trigger.call.From | {used} }}}}")


def test_a_shopify_filter_studio_does_not_list_is_a_warning_that_says_so() -> None:
    message = the_warning("{{ flow.variables.n | abs }}")
    assert "Shopify's but not on Studio's Liquid page" in message
    assert "if Studio's Liquid lacks it, the value renders unchanged" in message
    assert "did you mean" not in message  # abs is no typo


def test_an_undocumented_tag_is_a_warning_too() -> None:
    message = the_warning("{% tablerow i in flow.variables.list %}{{ i }}{% endtablerow %}")
    assert "Liquid tag 'tablerow'" in message
    assert "syntax error" in message


def test_a_filter_beyond_the_simple_shapes_is_found_by_the_engine() -> None:
    text = "{% for i in flow.variables.list %}{{ i | json }}{% endfor %}"
    assert _simple_reading(text) is None
    assert [use.name for use in undocumented_uses(text)] == ["json"]


@pytest.mark.parametrize("text", [
    "{{ 'a' | upcase }}{{ x | json }}", "{% if a %}{{ b | sha256 | default: 'c' }}{% endif %}",
    "{{ x | plus: 1 | uppercase: 'y', z }}", "{%- unless a -%}{{ 'b' | abs }}{%- endunless -%}",
])
def test_the_simple_reading_finds_the_filters_the_engine_finds(text: str) -> None:
    simple = _simple_reading(text)
    assert simple is not None
    assert list(simple[1]) == parse(text).filter_names()


def test_each_undocumented_name_is_reported_once_per_text() -> None:
    assert len(warnings("{{ a | json }} and {{ b | json }}")) == 1


@pytest.mark.parametrize("text", [
    "{{ trigger.call.From | upcase | append: '!' }}", "{{ widgets.fn.parsed | to_json }}",
    "{{ 'now' | date: '%H' }}", "{% case a %}{% when 1 %}x{% else %}y{% endcase %}",
    "{% for i in a %}{% if i %}{% break %}{% endif %}{% endfor %}",
    "{% capture c %}{{ x | url_encode }}{% endcapture %}",
    "{% assign n = x | plus: 0 %}{{ n }}", "{% comment %}{{ x | json }}{% endcomment %}",
    "{% raw %}{{ x | json }}{% endraw %}", "plain text",
])
def test_documented_filters_and_tags_are_no_warning(text: str) -> None:
    assert warnings(text) == []


def test_it_is_only_ever_a_warning_so_the_flow_stays_valid() -> None:
    assert RULES[CODE].severity == "warning"
    assert not RULES[CODE].studio
    problems = validate_definition(flow("{{ trigger.call.From | sha256 }}"))
    assert [problem.severity for problem in problems if problem.kind == "liquid"] == ["warning"]
    assert not [problem for problem in problems if problem.severity == "error"]


def test_a_single_widget_is_checked_too() -> None:
    assert [problem.code for problem in validate_state(say("{{ a | json }}"))].count(CODE) == 1


def test_no_flow_of_this_repository_uses_an_undocumented_filter_or_tag() -> None:
    context = FlowContext(languages=("en", "es"), vip_trait="vip")
    flows = all_flows()
    assert flows
    for name, entry in flows.items():
        assert [problem for problem in entry.flow(context).validate() if problem.code == CODE] == [], name


def test_no_flow_of_the_corpus_uses_an_undocumented_filter_or_tag() -> None:
    # They use plus, to_json and downcase, in if and case tags: all documented.
    paths = sorted(CORPUS.rglob("flows/*.json"))
    assert len(paths) >= 20
    for path in paths:
        definition = json.loads(path.read_text(encoding="utf-8"))
        assert [problem for problem in validate_definition(definition) if problem.code == CODE] == [], path.name


# --- the simulator -------------------------------------------------------------------------------------


def heard(text: str) -> tuple[str, list[str]]:
    run = simulate(flow(text), Contact())
    return run.heard[0] if run.heard else "", [f"{item.widget}: {item.text}" for item in run.assumptions]


def test_the_simulator_passes_an_unknown_filter_through_and_says_so_with_the_near_miss() -> None:
    text, assumed = heard("{{ 'Ada' | uppercase | append: '!' }}")
    assert text == "Ada!"
    assert assumed == ["hello: say: unknown filter 'uppercase': the value passed through unchanged, as Liquid's lax "
                       "default does with a filter it lacks (did you mean 'upcase'?)"]


def test_the_simulator_applies_a_shopify_filter_studio_does_not_list_and_says_so() -> None:
    text, assumed = heard("{{ -3 | abs }}")
    assert text == "3"
    assert len(assumed) == 1
    assert "filter 'abs', not on Studio's Liquid page" in assumed[0]
    assert "unverified" in assumed[0]


def test_the_simulator_passes_python_liquids_own_filters_through() -> None:
    text, assumed = heard("{{ 'a  b' | squish }}")
    assert text == "a  b"
    assert "unknown filter 'squish'" in assumed[0]


def test_the_simulator_says_nothing_of_documented_filters() -> None:
    text, assumed = heard("{{ 'ada' | capitalize | append: '!' }}")
    assert (text, assumed) == ("Ada!", [])


def test_undocumented_knows_only_names_studio_does_not_document() -> None:
    assert undocumented("filter", "upcase") is None
    assert undocumented("tag", "if") is None
    item = undocumented("filter", "sha256")
    assert item is not None
    assert not item.in_shopify
