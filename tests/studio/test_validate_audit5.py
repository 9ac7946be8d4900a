"""Verdicts from the fifth real-world audit: public Studio flows not in the earlier audits, each kept in
audit5_flows.json with the repository, path and commit it was read from, and the facts that mattered shown on
small flows of our own."""

from __future__ import annotations

from typing import Any

import pytest

from studio import validate_definition
from studio.importer import FlowImportError, import_definition
from studio.spec import STATE_KEYS
from tests.studio.flow_samples import console_flow as flow

JSON = dict[str, Any]


# -- a trigger without properties: one verdict for the validator and the importer -----------------------------


def bare_trigger_flow() -> JSON:
    definition = flow({"name": "hello", "type": "say-play", "transitions": [], "properties": {"say": "Hi"}})
    del definition["states"][0]["properties"]
    return definition


def test_a_trigger_without_properties_is_the_missing_key_error_any_widget_gets() -> None:
    # [sdkgo] studio/flow/state.go and its generated trigger widget require properties; every export has them.
    (problem,) = validate_definition(bare_trigger_flow())
    assert (problem.code, problem.severity, problem.widget) == ("missing-key", "error", "Trigger")
    assert problem.property_path == "#/states/0/properties"
    assert problem.message == f"the widget has no properties: add {STATE_KEYS['properties']}"


def test_the_importer_refuses_a_trigger_without_properties_with_the_same_fix() -> None:
    with pytest.raises(FlowImportError, match="has no 'properties'") as refused:
        import_definition(bare_trigger_flow())
    assert f"add {STATE_KEYS['properties']} and import again" in str(refused.value)


def test_a_trigger_with_empty_properties_is_fine_for_both() -> None:
    definition = bare_trigger_flow()
    definition["states"][0]["properties"] = {}
    assert validate_definition(definition) == []
    import_definition(definition)
