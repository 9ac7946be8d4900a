"""Deeply nested input fails with a clear error naming the problem, never with RecursionError."""

from __future__ import annotations

from typing import Any

import pytest

from studio import canonical_json
from taskrouter import parse
from taskrouter.expression import MAX_NESTING, ExpressionError


def test_groups_nested_up_to_the_limit_parse() -> None:
    text = "a == 1"
    for level in range(MAX_NESTING):
        text = f"(b{level} == 1 AND {text})"
    assert parse(text).text == text  # minimal parentheses when printed; all 64 levels read


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 100_000])
def test_groups_nested_deeper_are_refused_at_the_column_where_it_happens(depth: int) -> None:
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_NESTING} deep") as caught:
        parse("(" * depth + "a == 1" + ")" * depth)
    assert caught.value.column == MAX_NESTING + 1
    assert "flatten the groups" in str(caught.value)


def test_a_definition_nested_too_deeply_to_write_says_so() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ValueError, match="nested too deeply to write as JSON"):
        canonical_json({"states": [{"name": "Trigger", "properties": deep}]})
