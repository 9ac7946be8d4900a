"""Counts in messages take the noun's right number."""

from __future__ import annotations

from studio.words import count


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert [count(number, "error") for number in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
