"""Just enough Liquid for validation: is a value a template, and which widgets does it read."""

from __future__ import annotations

import re

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_WIDGET_REF = re.compile(r"""\bwidgets\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*["']([^"']+)["']\s*\])""")


def is_template(value: str) -> bool:
    """True if the string holds a Liquid output (``{{...}}``) or tag (``{%...%}``)."""
    return "{{" in value or "{%" in value


def unclosed_tag(value: str) -> str | None:
    """The opener (``{{`` or ``{%``) of the first Liquid tag that is never closed, or None."""
    if all(_closed_after(value, opener, closer) for opener, closer in (("{{", "}}"), ("{%", "%}"))):
        return None  # the last opener of each kind is closed, so every earlier one is too
    rest = _TAG.sub("", _RAW.sub("", value))
    found = [(rest.find(opener), opener) for opener in ("{{", "{%") if opener in rest]
    return min(found)[1] if found else None


def _closed_after(value: str, opener: str, closer: str) -> bool:
    last = value.rfind(opener)
    return last < 0 or value.find(closer, last + 2) >= 0


def widget_references(value: str) -> list[str]:
    """Names of the widgets a string reads through ``{{widgets.NAME...}}``, in order, without repeats."""
    if "widgets" not in value:
        return []
    names: list[str] = []
    for tag in _TAG.findall(value):
        for dotted, quoted in _WIDGET_REF.findall(tag):
            name = dotted or quoted
            if name not in names:
                names.append(name)
    return names
