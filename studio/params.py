"""Per-environment parameters: ``${NAME}`` placeholders inside string values.

A :class:`Parameter` is a ``str`` whose text is ``${NAME}``, so it can be used anywhere a string goes,
also inside f-strings (``f"https://{DOMAIN}/hold"``). Rendering a flow replaces each placeholder with
the value given for it, or keeps it when placeholders are asked for (the import round trip).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
PLACEHOLDER = re.compile(r"\$\{(" + NAME_PATTERN + r")\}")
_NAME = re.compile(NAME_PATTERN)


class Parameter(str):
    """A per-environment value (workflow SID, channel SID, URL, phone number), filled at render time.

    Example:
        >>> WORKFLOW_SID = Parameter("WORKFLOW_SID")
        >>> f"{WORKFLOW_SID}"
        '${WORKFLOW_SID}'
    """

    name: str

    def __new__(cls, name: str) -> Parameter:
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"parameter name {name!r} is not valid: use letters, digits and underscores, "
                "not starting with a digit (e.g. WORKFLOW_SID)"
            )
        obj = super().__new__(cls, "${" + name + "}")
        obj.name = name
        return obj

    def __repr__(self) -> str:
        return f"Parameter({self.name!r})"


class MissingParameterError(KeyError):
    """A flow uses parameters that were given no value."""

    def __init__(self, missing: list[str], where: str) -> None:
        self.missing = missing
        names = ", ".join(missing)
        example = ", ".join(f"{name!r}: ..." for name in missing)
        self.message = (
            f"flow parameter{'s' if len(missing) > 1 else ''} {names} "
            f"{'have' if len(missing) > 1 else 'has'} no value (first used by {where}); "
            f"pass {'them' if len(missing) > 1 else 'it'} in values, e.g. to_json({{{example}}})"
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class _Missing(Exception):
    """Internal: the first placeholder without a value, before its location is known."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Filler:
    """Fills ``${NAME}`` placeholders in string values and records the names it meets.

    Args:
        values: the value of each parameter.
        keep_placeholders: leave placeholders without a value as ``${NAME}`` instead of failing.
    """

    __slots__ = ("keep", "seen", "values")

    def __init__(self, values: Mapping[str, str] | None = None, *, keep_placeholders: bool = False) -> None:
        self.values: Mapping[str, str] = values or {}
        self.keep = keep_placeholders
        self.seen: set[str] = set()

    def text(self, value: str) -> str:
        """Return ``value`` with its placeholders filled."""
        if "${" not in value:
            return value
        return PLACEHOLDER.sub(self._replace, value)

    def deep(self, value: Any) -> Any:
        """Return a copy of a JSON value with the placeholders of its strings filled."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.deep(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(item) for item in value]
        return value

    def _replace(self, match: re.Match[str]) -> str:
        name = match.group(1)
        self.seen.add(name)
        value = self.values.get(name)
        if value is not None:
            return str(value)
        if self.keep:
            return match.group(0)
        raise _Missing(name)
