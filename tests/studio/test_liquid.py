"""One Liquid engine (python-liquid) for the validator and the simulator: both read a template alike."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from itertools import chain
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from liquid.static_analysis import Segments

from studio import liquid_engine
from studio.liquid import (
    LiquidSyntaxError,
    _simple_paths,
    is_template,
    parse,
    syntax_error,
    unknown_variables,
    widget_references,
)
from tests.shared_data import CORPUS

CLOCK = dt.datetime(2026, 12, 4, 19, 5, tzinfo=ZoneInfo("America/New_York"))


def engine_paths(text: str) -> list[Segments] | None:
    """Every variable path python-liquid itself reads in ``text`` (as segments), or None when it cannot parse it."""
    try:
        return parse(text).variable_segments(include_partials=False)
    except LiquidSyntaxError:
        return None


def assert_read_as_the_engine_does(text: str) -> None:
    paths = engine_paths(text)
    simple = _simple_paths(text)
    if simple is not None:
        assert paths is not None, text
        assert set(simple) == {".".join(map(str, path)) for path in paths}, text
    assert (syntax_error(text) is None) == (paths is not None)
    names = {path[1] for path in paths or [] if len(path) > 1 and path[0] == "widgets" and isinstance(path[1], str)}
    assert sorted(widget_references(text)) == sorted(names)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="{}% .-_abw1\n\"'|", max_size=24).map(lambda s: s.replace("w", "widgets.")))
def test_the_simple_reading_reads_every_text_as_the_engine_does(text: str) -> None:
    assert_read_as_the_engine_does(text)


# Texts of the simple shapes, as lists of pieces, and the same with one piece dropped, added or replaced by something
# just beyond them: the reading must agree with the engine on both sides of the boundary.
OPERANDS = ["a", "widgets.a", "widgets.b.c", "'x'", '"y"', '"%H:%M"', '"${ZONE}"', "'{{'", "1", "1.5", "true", "nil",
            "empty"]
PIECES = ["{{", "}}", "{%", "%}", "-", " ", "\n", "if", "elsif", "else", "endif", "unless", "endunless", "raw", "for",
          "a-b", "a?", "a[0]", "a.if", "and", "or", "contains", "not", "|", ":", ",", "==", "<>", "=", "(1..2)", "{",
          "}", ".", "-1", "'}}'", '"%}"', "\\", *OPERANDS]
SPACES = ["", " ", "\n "]


@st.composite
def outputs(draw: st.DrawFn) -> list[str]:
    pieces = [draw(st.sampled_from(["{{", "{{-"])), draw(st.sampled_from(SPACES)), draw(st.sampled_from(OPERANDS))]
    for name in draw(st.lists(st.sampled_from(["default", "date", "upcase"]), max_size=2)):
        arguments = draw(st.lists(st.sampled_from(OPERANDS), max_size=2))
        pieces += ["|", name, *([":", ", ".join(arguments)] if arguments else [])]
    return [*pieces, draw(st.sampled_from(SPACES)), draw(st.sampled_from(["}}", "-}}"]))]


@st.composite
def conditions(draw: st.DrawFn) -> list[str]:
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        if pieces:
            pieces.append(draw(st.sampled_from([" and ", " or "])))
        pieces.append(draw(st.sampled_from(OPERANDS)))
        operator = draw(st.sampled_from(["", "==", "<>", ">=", "<", "contains"]))
        if operator:
            pieces += [" ", operator, " ", draw(st.sampled_from(OPERANDS))]
    return pieces


def tag(name: str, *inside: str) -> list[str]:
    return ["{%", " ", name, *([" ", *inside] if inside else []), " ", "%}"]


@st.composite
def blocks(draw: st.DrawFn, body: st.SearchStrategy[list[str]]) -> list[str]:
    kind = draw(st.sampled_from(["if", "unless", "output"]))
    if kind == "output":
        return draw(outputs())
    pieces = [*tag(kind, *draw(conditions())), *draw(body)]
    if kind == "if" and draw(st.booleans()):
        pieces += [*tag("elsif", *draw(conditions())), *draw(body)]
    if draw(st.booleans()):
        pieces += [*tag("else"), *draw(body)]
    return [*pieces, *tag("end" + kind)]


simple_texts = st.recursive(
    st.sampled_from([["Hi "], [], ["}}"]]),
    lambda inner: st.lists(st.one_of(inner, blocks(inner)), max_size=3).map(lambda parts: list(chain(*parts))),
    max_leaves=8,
)


@st.composite
def near_simple_texts(draw: st.DrawFn) -> str:
    pieces = draw(simple_texts)
    change = draw(st.sampled_from(["none", "drop", "replace", "insert"]))
    if change != "none" and pieces:
        at = draw(st.integers(0, len(pieces) - 1))
        replacement = [] if change == "drop" else [draw(st.sampled_from(PIECES))]
        pieces = pieces[:at] + replacement + pieces[at + (change != "insert"):]
    return "".join(pieces)


@settings(max_examples=1500, deadline=None)
@given(near_simple_texts())
def test_the_simple_reading_of_outputs_and_tags_is_the_engines(text: str) -> None:
    assert_read_as_the_engine_does(text)


def test_the_prod_flows_templates_are_read_without_the_engine() -> None:
    texts = [
        "Hi{% if widgets.lookup_profile.profile.traits.name %} {{widgets.lookup_profile.profile.traits.name}}"
        "{% endif %}, thanks",
        '{"customer_name":"{{widgets.lookup_profile.profile.traits.name | default: \'\'}}"}',
        '{{ "now" | date: "%H:%M", "America/New_York" }}',
        '{%- if a == "b" and c.d >= 3 or e contains \'x\' -%}x{% elsif f <> nil %}y{% else %}z{% endif %}',
        "{% unless a %}{{ b | plus: 1.5 | default: c }}{% endunless %}",
    ]
    for text in texts:
        assert _simple_paths(text) is not None, text
        assert_read_as_the_engine_does(text)


def test_every_template_of_the_corpus_is_read_as_the_engine_reads_it() -> None:
    texts = sorted({text for path in [*CORPUS.rglob("flows/*.json"), *CORPUS.glob("widgets/*.json")]
                    for text in strings(json.loads(path.read_text(encoding="utf-8"))) if is_template(text)})
    assert len(texts) > 150
    for text in texts:
        assert_read_as_the_engine_does(text)
    assert sum(_simple_paths(text) is not None for text in texts) > 0.9 * len(texts)


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def test_shapes_beyond_the_simple_ones_go_to_the_engine() -> None:
    for text in ["{{ a.if }}", "{{ a[0] }}", "{{ a-b }}", "{% if a %}x", "{% endif %}", "{% raw %}{{{% endraw %}",
                 "{% if a %}{% else %}{% else %}{% endif %}", "{{ a | f: }}", '{{ "a}}b" }}',
                 "{% if a = b %}{% endif %}", "{{ a | default: empty }}"]:
        assert _simple_paths(text) is None, text
        assert_read_as_the_engine_does(text)


def test_an_undefined_reference_renders_empty_and_is_recorded() -> None:
    text = "Hi {{widgets.menu.Digits}} {{widgets.gone.Body}}!"
    assert liquid_engine.render(parse(text), {"widgets": {"menu": {"Digits": "2"}}}, None) == ("Hi 2 !",
                                                                                               ["widgets.gone"])


def test_now_is_the_simulated_clock_in_the_named_zone() -> None:
    text = '{{ "now" | date: "%a %H:%M", "America/New_York" }} / {{ "now" | date: "%H:%M", "UTC" }}'
    assert liquid_engine.render(parse(text), {}, CLOCK)[0] == "Fri 19:05 / 00:05"


def test_a_template_the_engine_cannot_read_is_a_syntax_error_with_the_engines_words() -> None:
    assert syntax_error("Hello {{trigger.call.From") == "expected '}}', found end of file"


def test_widgets_read_in_tags_and_brackets_are_references_in_order() -> None:
    text = '{% if widgets.b.ok %}{{ widgets["a b"].x | default: widgets.c.y }}{% endif %}'
    assert widget_references(text) == ["b", "a b", "c"]


def test_an_include_or_render_of_a_partial_is_read_without_loading_it() -> None:
    text = "Hi {{widgets.a.x}} {% include 'greeting' %} {% render 'card' %}"
    assert widget_references(text) == ["a"]
    rendered, _, issues = liquid_engine.render_noting(parse(text), {"widgets": {"a": {"x": 1}}}, None)
    assert (rendered, len(issues)) == ("Hi 1  ", 2)  # no partials in Studio: each renders nothing, and is noted


@pytest.mark.parametrize(("text", "found"), [
    ("{{widget.menu.Digits}}", [("widget", "widgets")]),
    ("{{flows.data.a}} and {{flows.data.b}}", [("flows", "flow")]),
    ("{{become}}", [("become", None)]),
    ("{{flow.variabels.x}}", [("flow.variabels", "flow.variables")]),
    ("{{trigger.mesage.Body}}", [("trigger.mesage", "trigger.message")]),
    ("{{contact.chanel.address}}", [("contact.chanel", "contact.channel")]),
    ("{% if flow.data.tier == 'gold' %}{{fallback}}{% endif %}", [("fallback", None)]),
])
def test_a_name_studio_gives_no_template_is_found_with_its_near_miss(text: str, found: list[object]) -> None:
    assert unknown_variables(text) == found


@pytest.mark.parametrize("text", [
    "{{trigger.message.Body}} {{flow.variables.x}} {{contact.channel.address}} {{widgets.menu.Digits}}",
    "{% assign tier = flow.data.tier %}{{tier}}",
    "{% capture note %}Hi{% endcapture %}{{note}}",
    "{% for item in flow.data.items %}{{item}} {{forloop.index}}{% endfor %}",
    "{{trigger.digits}}",  # not near a documented child: Studio may give it
    "{{ 'text' }} {{ 5 | plus: 1 }}",
    "Hello {{trigger.message.From",  # no Liquid the engine reads: a syntax problem, reported as that
])
def test_studios_variables_and_names_a_template_sets_are_not_reported(text: str) -> None:
    assert unknown_variables(text) == []
