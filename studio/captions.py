"""What each widget of a flow does, in words a contact-center person reads: the diagram's box text.

A caption is a few short lines (what the caller hears or reads, the menu choices, where Send to Flex sends
the task and with what) and the full text behind them (the diagram's hover). Liquid is shown by what it
names (``{{widgets.lookup_profile.profile.traits.name}}`` reads ``‹name›``), a flow ``Parameter`` by what
the stack fills it with (``${WORKFLOW_SID}`` reads ``Pre-agent routing`` when the caller says so).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from studio.graph import states_by_name

_OUTPUT = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_TAG = re.compile(r"\{%-?.*?-?%\}", re.S)
_PARAMETER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PATH = re.compile(r"^[A-Za-z_][\w.\[\]'\"-]*$")
_KEY = re.compile(r'"([^"\\]+)"\s*:')
_DATE_FORMATS = {"%a": "day of the week", "%A": "day of the week", "%H:%M": "time of day", "%H": "hour",
                 "%Y-%m-%d": "date", "%m-%d": "date", "%d": "day of the month"}


@dataclass(frozen=True, slots=True)
class Caption:
    """A widget's box text: ``lines`` (each may be cut to fit) and ``full``, everything, for the hover."""

    lines: tuple[str, ...]
    full: tuple[str, ...]


def captions(definition: Mapping[str, Any], names: Mapping[str, str] | None = None) -> dict[str, Caption]:
    """The caption of every widget of ``definition`` that has something to say, by widget name.

    Args:
        definition: a Studio flow definition (parameters may still read ``${NAME}``).
        names: what each parameter stands for, e.g. ``{"WORKFLOW_SID": "Pre-agent routing"}``.
    """
    states = states_by_name(definition)
    words = _Words(names or {})
    found: dict[str, Caption] = {}
    for name, state in states.items():
        describe = _DESCRIBE.get(str(state.get("type", "")))
        properties = state.get("properties")
        if describe is None or not isinstance(properties, Mapping):
            continue
        lines, full = describe(properties, words)
        choices = menu_choices(name, states)
        if choices:
            lines.append("choices: " + ", ".join(choices))
            full.append("choices: " + ", ".join(choices))
        if lines:
            found[name] = Caption(tuple(lines), tuple(full))
    return found


def menu_choices(widget: str, states: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The answers a split right after ``widget`` tells apart (the digits or replies of a menu)."""
    reads = re.compile(rf"widgets\.{re.escape(widget)}\.(Digits|SpeechResult|inbound\.Body)\b")
    choices: list[str] = []
    for state in states.values():
        if state.get("type") != "split-based-on":
            continue
        if not reads.search(str((state.get("properties") or {}).get("input", ""))):
            continue
        for transition in state.get("transitions") or ():
            for condition in transition.get("conditions") or ():
                value = str(condition.get("value", "")).strip() if isinstance(condition, Mapping) else ""
                if value and value not in choices:
                    choices.append(value)
    return choices


class _Words:
    """Liquid and parameters in words."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def __call__(self, text: object) -> str:
        """``text`` as a reader sees it: parameters named, Liquid tags dropped, outputs as ``‹what›``."""
        plain = _PARAMETER.sub(lambda match: self.names.get(match[1], match[1]), str(text))
        plain = _TAG.sub("", plain)
        return " ".join(_OUTPUT.sub(lambda match: f"‹{liquid_name(match[1])}›", plain).split())

    def full(self, text: object) -> str:
        """``text`` whole, with parameters named."""
        return _PARAMETER.sub(lambda match: self.names.get(match[1], match[1]), str(text))


def liquid_name(expression: str) -> str:
    """What a Liquid output names: the last part of its variable, or what a date filter reads."""
    head, _, rest = expression.partition("|")
    head = head.strip()
    date = re.match(r'\s*date:\s*"([^"]*)"(?:\s*,\s*"([^"]*)")?', rest)
    if date:
        what = _DATE_FORMATS.get(date[1], f"date {date[1]}")
        return f"{what}, {date[2]}" if date[2] else what
    answer = re.fullmatch(r"widgets\.([^.]+)\.(?:Digits|SpeechResult|inbound\.Body)", head)
    if answer:
        return f"the answer to {answer[1]}"
    if _PATH.match(head):
        return re.split(r"[.\[]", head.replace("]", ""))[-1].strip("'\"") or head
    return head


_Describe = Callable[[Mapping[str, Any], _Words], tuple[list[str], list[str]]]


def _prompt(verb: str) -> _Describe:
    """Say/Play, Gather and the message widgets: what the caller hears or reads."""

    def describe(properties: Mapping[str, Any], words: _Words) -> tuple[list[str], list[str]]:
        lines: list[str] = []
        full: list[str] = []
        for key in ("say", "body"):
            if properties.get(key):
                lines.append(f"{verb} “{words(properties[key])}”")
                full.append(f"{verb}: {words.full(properties[key])}")
        if properties.get("play"):
            lines.append(f"plays {str(words(properties['play'])).rsplit('/', 1)[-1]}")
            full.append(f"plays: {words.full(properties['play'])}")
        if properties.get("digits"):
            lines.append(f"presses {words(properties['digits'])}")
            full.append(f"presses: {words.full(properties['digits'])}")
        return lines, full

    return describe


def _send_to_flex(properties: Mapping[str, Any], words: _Words) -> tuple[list[str], list[str]]:
    lines, full = [], []
    if properties.get("workflow"):
        lines.append(f"to {words(properties['workflow'])}")
        full.append(f"workflow: {words.full(properties['workflow'])}")
    if properties.get("channel"):
        full.append(f"task channel: {words.full(properties['channel'])}")
    if properties.get("priority") not in (None, ""):
        lines.append(f"priority {words(properties['priority'])}")
        full.append(f"priority: {words.full(properties['priority'])}")
    if properties.get("timeout") not in (None, ""):
        full.append(f"timeout: {words.full(properties['timeout'])} s")
    attributes = properties.get("attributes")
    if attributes:
        keys = list(attributes) if isinstance(attributes, Mapping) else _KEY.findall(str(attributes))
        lines.append("attributes: " + ", ".join(dict.fromkeys(keys)))
        full.append(f"attributes: {_pretty(attributes)}")
    return lines, full


def _pretty(attributes: object) -> str:
    if isinstance(attributes, Mapping):
        return json.dumps(attributes, indent=1, ensure_ascii=False)
    try:
        return json.dumps(json.loads(str(attributes)), indent=1, ensure_ascii=False)
    except ValueError:  # Liquid outside quotes: as written
        return str(attributes)


def _split(properties: Mapping[str, Any], words: _Words) -> tuple[list[str], list[str]]:
    value = properties.get("input")
    if not value:
        return [], []
    single = _OUTPUT.fullmatch(str(value).strip())  # one Liquid output: its name alone
    return [f"checks {liquid_name(single[1]) if single else words(value)}"], [f"checks: {value}"]


def _set_variables(properties: Mapping[str, Any], words: _Words) -> tuple[list[str], list[str]]:
    pairs = [(str(item.get("key", "")), item.get("value", "")) for item in properties.get("variables") or ()
             if isinstance(item, Mapping)]
    return ([", ".join(f"{key} = {words(value)}" for key, value in pairs)] if pairs else [],
            [f"{key} = {words.full(value)}" for key, value in pairs])


def _one(template: str, *keys: str) -> _Describe:
    """A caption from one template over a few properties (skipped when the first is not set)."""

    def describe(properties: Mapping[str, Any], words: _Words) -> tuple[list[str], list[str]]:
        if not properties.get(keys[0]):
            return [], []
        values = {key: words(properties.get(key, "")) for key in keys}
        return [template.format(**values).strip()], [f"{key}: {words.full(properties.get(key, ''))}" for key in keys
                                                     if properties.get(key) not in (None, "")]

    return describe


_DESCRIBE: dict[str, _Describe] = {
    "say-play": _prompt("says"),
    "gather-input-on-call": _prompt("asks"),
    "send-message": _prompt("texts"),
    "send-and-wait-for-reply": _prompt("asks"),
    "send-to-flex": _send_to_flex,
    "enqueue-call": _one("to {workflow_sid}", "workflow_sid"),
    "split-based-on": _split,
    "set-variables": _set_variables,
    "record-voicemail": _one("records a voicemail (at most {max_length} s)", "max_length"),
    "connect-call-to": _one("connects the call to {to}", "to"),
    "run-subflow": _one("runs {flow_sid}", "flow_sid"),
    "make-http-request": _one("{method} {url}", "url", "method"),
    "run-function": _one("runs {url}", "url"),
    "search-for-a-profile": _one("finds the profile of {identifier}", "identifier"),
}
