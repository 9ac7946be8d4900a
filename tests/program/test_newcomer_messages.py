"""What a new team reads when it makes the usual first mistakes in its own flows, scenarios and stack files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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

