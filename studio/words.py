"""English for messages: a count with its noun in the right number."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``, ``0 warnings`` (nouns that take an ``s``)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
