"""One Liquid engine (python-liquid) for the validator and the simulator: both read a template alike."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.liquid import LiquidSyntaxError, _plain_paths, parse, render, syntax_error, widget_references

CLOCK = dt.datetime(2026, 12, 4, 19, 5, tzinfo=ZoneInfo("America/New_York"))


def engine_reading(text: str) -> tuple[bool, list[str]]:
    """What python-liquid itself says: does it parse, and which widget names does it read."""
    try:
        template = parse(text)
    except LiquidSyntaxError:
        return False, []
    names: list[str] = []
    for path in template.variable_segments():
        if len(path) > 1 and path[0] == "widgets" and isinstance(path[1], str) and path[1] not in names:
            names.append(path[1])
    return True, names


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="{}% .-_abw1\n\"'|", max_size=24).map(lambda s: s.replace("w", "widgets.")))
def test_the_plain_tag_shortcut_reads_every_text_as_the_engine_does(text: str) -> None:
    parses, names = engine_reading(text)
    if _plain_paths(text) is not None:
        assert parses
    assert (syntax_error(text) is None) == parses
    assert sorted(widget_references(text)) == sorted(names)


def test_an_undefined_reference_renders_empty_and_is_recorded() -> None:
    rendered = render("Hi {{widgets.menu.Digits}} {{widgets.gone.Body}}!", {"widgets": {"menu": {"Digits": "2"}}})
    assert (rendered.text, rendered.undefined) == ("Hi 2 !", ("widgets.gone",))


def test_now_is_the_simulated_clock_in_the_named_zone() -> None:
    text = '{{ "now" | date: "%a %H:%M", "America/New_York" }} / {{ "now" | date: "%H:%M", "UTC" }}'
    assert render(text, {}, clock=CLOCK).text == "Fri 19:05 / 00:05"


def test_a_template_the_engine_cannot_read_is_sent_as_it_is() -> None:
    assert render("Hello {{trigger.call.From", {}).text == "Hello {{trigger.call.From"
    assert syntax_error("Hello {{trigger.call.From") == "expected '}}', found end of file"


def test_widgets_read_in_tags_and_brackets_are_references_in_order() -> None:
    text = '{% if widgets.b.ok %}{{ widgets["a b"].x | default: widgets.c.y }}{% endif %}'
    assert widget_references(text) == ["b", "a b", "c"]
