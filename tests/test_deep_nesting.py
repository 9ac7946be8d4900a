"""Deeply nested input fails with a clear error naming the problem, never with RecursionError."""

from __future__ import annotations

from typing import Any

import pytest

from components.providers.taskrouter import TaskQueueProvider
from studio import canonical_json


def test_a_queue_whose_target_workers_nest_thousands_deep_fails_its_check_with_a_message() -> None:
    inputs = {"workspace_sid": "WS" + "0" * 32, "friendly_name": "Deep",
              "target_workers": "(" * 5000 + "a == 1" + ")" * 5000}
    (failure,) = TaskQueueProvider().check({}, inputs).failures
    assert failure.property == "target_workers"
    assert "nested too deeply to check" in failure.reason


def test_a_definition_nested_too_deeply_to_write_says_so() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ValueError, match="nested too deeply to write as JSON"):
        canonical_json({"states": [{"name": "Trigger", "properties": deep}]})
