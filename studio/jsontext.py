"""The toolkit's one canonical JSON writer, and JSON text for properties Studio stores as strings.

Studio keeps some JSON objects as text inside a property (Send to Flex ``attributes``, Enqueue Call
``task_attributes``). The builder takes them as a mapping and writes them here, so Liquid braces never
fight f-strings and the text is the same bytes for the same mapping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

CANONICAL_OPTIONS: dict[str, Any] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":"),
                                     "allow_nan": False}
"""`json.dumps`' options for canonical text (also the benchmark's baseline: bench/studio_flow.py)."""


def canonical_json(value: Any) -> str:
    """The canonical JSON text of a definition (or state): byte-identical for equal input.

    Keys are sorted, separators are compact, non-ASCII text is kept as UTF-8 and NaN is refused.
    States and transitions keep their list order, which is part of the flow. A value nested too deeply to
    write (about a thousand levels: no flow comes near) raises ValueError saying so, never RecursionError.
    """
    try:
        return json.dumps(value, **CANONICAL_OPTIONS)
    except RecursionError:
        raise ValueError(
            "the definition is nested too deeply to write as JSON (lists or objects inside each other about a "
            "thousand levels deep); flatten the property that holds them"
        ) from None


class Unquoted(str):
    """A value written into JSON text as it is, without quotes: a Liquid number or object.

    Example:
        >>> json_text({"priority": Unquoted("{{flow.variables.priority}}")})
        '{"priority":{{flow.variables.priority}}}'
    """

    __slots__ = ()


def json_text(value: Mapping[str, Any]) -> str:
    """The canonical JSON text of a mapping; :class:`Unquoted` values are written without quotes."""
    marks: list[str] = []

    def mark(item: Any) -> Any:
        if isinstance(item, Unquoted):
            marks.append(str(item))
            return f"\x00{len(marks) - 1}\x00"
        if isinstance(item, Mapping):
            return {key: mark(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [mark(inner) for inner in item]
        return item

    text = canonical_json(mark(value))
    for index, raw in enumerate(marks):
        text = text.replace(f'"\\u0000{index}\\u0000"', raw, 1)
    return text
