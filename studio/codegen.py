"""Readable Python source for JSON values: names, string literals and wrapped literals.

Used by the importer. Strings holding ``${NAME}`` placeholders become expressions over the
parameter constants (an f-string, or ``+`` when the text has braces of its own, e.g. Liquid), and
long strings are split into implicitly concatenated pieces so every line stays under ``WIDTH``.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Mapping

from studio.params import PLACEHOLDER

WIDTH = 100
"""Longest generated code line (this project's ruff allows 120)."""
IMPORT_WIDTH = 120
"""Longest single-line import: ruff's isort wraps longer ones at this project's line length."""
INDENT = 4

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9_]+")
_PIECES = re.compile(r"[^\n ]*(?:\n| +|$)")
RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


class Names:
    """Unique Python identifiers, kept away from keywords, builtins and names already taken."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())

    def claim(self, wanted: str) -> str:
        """Reserve and return ``wanted``, or ``wanted_2``, ``wanted_3``... if it is taken."""
        name = wanted
        number = 1
        while name in self.taken or name in RESERVED:
            number += 1
            name = f"{wanted}_{number}"
        self.taken.add(name)
        return name


def snake_case(text: str) -> str:
    """A lower-case identifier stem for a widget name: ``SendCallToAgent`` -> ``send_call_to_agent``."""
    stem = _NOT_WORD.sub("_", _CAMEL.sub("_", text).lower()).strip("_")
    stem = re.sub(r"_+", "_", stem) or "widget"
    return f"w_{stem}" if stem[0].isdigit() else stem


def constant_case(text: str) -> str:
    """An upper-case identifier stem for a parameter name."""
    return snake_case(text).upper()


def _escape(text: str, quote: str) -> str:
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + quote)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif not char.isprintable():
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


def _quote_char(text: str) -> str:
    return "'" if '"' in text and "'" not in text else '"'


def quote(text: str) -> str:
    """A plain Python string literal for ``text`` (no placeholder handling)."""
    mark = _quote_char(text)
    return mark + _escape(text, mark) + mark


class Literals:
    """Formats JSON values as Python expressions, turning placeholders into parameter constants.

    Placeholders are only looked for in strings, never in object keys (rendering fills values only).

    Args:
        constants: the Python constant of each parameter name.
    """

    def __init__(self, constants: Mapping[str, str]) -> None:
        self.constants = constants

    # -- strings ------------------------------------------------------------------------------------

    def text(self, value: str, indent: int, column: int) -> str:
        """``value`` as an expression starting at ``column`` on a line indented by ``indent``."""
        pieces = self._pieces(value)
        if len(pieces) == 1 and pieces[0][0] == "param":
            return pieces[0][1]
        single = self._join(pieces, value)
        if column + len(single) + 1 <= WIDTH:  # +1 for a trailing comma or bracket
            return single
        inner = " " * (indent + INDENT)
        chunks = self._chunks(pieces, value, WIDTH - len(inner))
        if len(chunks) <= 1:
            return single
        lines = [self._join(chunk, value) for chunk in chunks]
        if self._uses_plus(pieces):
            lines = [lines[0], *("+ " + line for line in lines[1:])]
        return "(\n" + "".join(f"{inner}{line}\n" for line in lines) + " " * indent + ")"

    def _pieces(self, value: str) -> list[tuple[str, str]]:
        """The text split into ("text", chunk) and ("param", CONSTANT) pieces."""
        pieces: list[tuple[str, str]] = []
        position = 0
        for match in PLACEHOLDER.finditer(value):
            constant = self.constants.get(match.group(1))
            if constant is None:
                continue
            if match.start() > position:
                pieces.append(("text", value[position : match.start()]))
            pieces.append(("param", constant))
            position = match.end()
        if position < len(value) or not pieces:
            pieces.append(("text", value[position:]))
        return pieces

    @staticmethod
    def _uses_plus(pieces: list[tuple[str, str]]) -> bool:
        # f-strings would need every Liquid brace doubled; "a" + NAME + "b" reads better then.
        has_param = any(kind == "param" for kind, _ in pieces)
        return has_param and any(kind == "text" and ("{" in text or "}" in text) for kind, text in pieces)

    def _join(self, pieces: list[tuple[str, str]], whole: str) -> str:
        mark = _quote_char(whole)
        if not any(kind == "param" for kind, _ in pieces):
            return mark + "".join(_escape(text, mark) for _, text in pieces) + mark
        if self._uses_plus(pieces):
            return " + ".join(text if kind == "param" else mark + _escape(text, mark) + mark for kind, text in pieces)
        body = "".join("{" + text + "}" if kind == "param" else _escape(text, mark) for kind, text in pieces)
        return "f" + mark + body + mark

    def _chunks(self, pieces: list[tuple[str, str]], whole: str, room: int) -> list[list[tuple[str, str]]]:
        """Pieces regrouped into lines of at most ``room`` characters, broken after newlines and spaces."""
        atoms: list[tuple[str, str]] = []
        for kind, text in pieces:
            if kind == "param":
                atoms.append((kind, text))
            else:
                atoms.extend(("text", word) for word in _PIECES.findall(text) if word)
        chunks: list[list[tuple[str, str]]] = [[]]
        for atom in atoms:
            for part in self._fit(atom, whole, room):
                candidate = [*chunks[-1], part]
                if chunks[-1] and len(self._join(_merge(candidate), whole)) + 3 > room:
                    chunks.append([part])
                else:
                    chunks[-1] = candidate
                if part[0] == "text" and part[1].endswith("\n"):
                    chunks.append([])
        return [_merge(chunk) for chunk in chunks if chunk]

    def _fit(self, atom: tuple[str, str], whole: str, room: int) -> list[tuple[str, str]]:
        """An atom cut into parts that each fit on a line (only very long words are cut)."""
        kind, text = atom
        if kind == "param" or len(self._join([atom], whole)) + 3 <= room:
            return [atom]
        parts: list[tuple[str, str]] = []
        current = ""
        for char in text:
            if current and len(self._join([("text", current + char)], whole)) + 3 > room:
                parts.append(("text", current))
                current = ""
            current += char
        parts.append(("text", current))
        return parts

    # -- any JSON value -------------------------------------------------------------------------------

    def value(self, value: object, indent: int, column: int) -> str:
        """A JSON value as a Python expression (wrapped over lines when it does not fit)."""
        if isinstance(value, str):
            return self.text(value, indent, column)
        if value is None or isinstance(value, bool | int | float):
            return repr(value)
        flat = self.flat(value)
        if flat is not None and column + len(flat) + 1 <= WIDTH:
            return flat
        inner = indent + INDENT
        if isinstance(value, Mapping):
            lines = []
            for key, item in value.items():
                key_text = quote(str(key))
                lines.append(f"{key_text}: {self.value(item, inner, inner + len(key_text) + 2)},")
            return "{\n" + "".join(f"{' ' * inner}{line}\n" for line in lines) + " " * indent + "}"
        items = list(value) if isinstance(value, list | tuple) else [value]
        lines = [f"{self.value(item, inner, inner)}," for item in items]
        opening, closing = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        return opening + "\n" + "".join(f"{' ' * inner}{line}\n" for line in lines) + " " * indent + closing

    def flat(self, value: object) -> str | None:
        """The value on one line, or None if some string in it is too long to share a line."""
        if isinstance(value, str):
            pieces = self._pieces(value)
            if len(pieces) == 1 and pieces[0][0] == "param":
                return pieces[0][1]
            text = self._join(pieces, value)
            return text if len(text) <= WIDTH else None
        if value is None or isinstance(value, bool | int | float):
            return repr(value)
        if isinstance(value, Mapping):
            parts = []
            for key, item in value.items():
                item_text = self.flat(item)
                if item_text is None:
                    return None
                parts.append(f"{quote(str(key))}: {item_text}")
            return "{" + ", ".join(parts) + "}"
        if isinstance(value, list | tuple):
            items = [self.flat(item) for item in value]
            if any(item is None for item in items):
                return None
            body = ", ".join(item for item in items if item is not None)
            if isinstance(value, tuple):
                return "(" + body + ("," if len(items) == 1 else "") + ")"
            return "[" + body + "]"
        return repr(value)


def _merge(chunk: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent text parts joined, so a line becomes one literal."""
    merged: list[tuple[str, str]] = []
    for kind, text in chunk:
        if merged and kind == "text" and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged
