"""What a new team reads when it makes the usual first mistakes in its own flows, scenarios and stack files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from components.plan import explain
from flows import registry
from flows.registry import RegistryError, all_flows, workflow_sid


@pytest.fixture
def clean_sources() -> Iterator[None]:
    """Parameters declared by a test are forgotten after it."""
    all_flows()
    before = dict(registry._REGISTRY.sources)
    yield
    registry._REGISTRY.sources.clear()
    registry._REGISTRY.sources.update(before)


def test_a_workflow_name_in_another_case_is_named_as_a_near_miss_of_the_declared_one(clean_sources: None) -> None:
    workflow_sid("Acme Travel routing")
    with pytest.raises(RegistryError) as caught:
        workflow_sid("Acme travel routing")
    message = str(caught.value)
    assert message.startswith("program/test_newcomer_messages.py:")
    assert ("workflow 'Acme travel routing' is a near miss of workflow 'Acme Travel routing', which "
            "program/test_newcomer_messages.py:" in message)
    assert "write 'Acme Travel routing' if it is the same one" in message


def test_a_registry_error_is_shown_without_the_registry_s_own_line(clean_sources: None) -> None:
    workflow_sid("Sales")
    with pytest.raises(RegistryError) as caught:
        registry.queue_sid("Sales", parameter="SALES_WORKFLOW_SID")
    text = explain(caught.value)
    assert not text.startswith("flows/registry.py"), text
    assert text == str(caught.value)
