"""Sync v1 Documents of the default service: where a stack keeps its claim and what its triggers found."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.support import EmulatorHandle
from tests.providers.support import client


@pytest.fixture
def documents(emulator: EmulatorHandle) -> Any:
    return client(emulator).sync.v1.services("default").documents


def test_a_document_is_created_read_by_unique_name_updated_and_deleted(documents: Any) -> None:
    created = documents.create(unique_name="flex-pre-agent.account", data={"stack": "dev"})
    assert created.sid.startswith("ET")
    assert created.revision == "0"

    assert documents("flex-pre-agent.account").fetch().data == {"stack": "dev"}
    assert documents(created.sid).update(data={"stack": "prod"}).revision == "1"
    assert [d.data for d in documents.list()] == [{"stack": "prod"}]
    documents("flex-pre-agent.account").delete()
    with pytest.raises(TwilioRestException) as gone:
        documents("flex-pre-agent.account").fetch()
    assert gone.value.status == 404


def test_of_two_creates_of_one_unique_name_at_once_exactly_one_wins(documents: Any) -> None:
    def create(stack: str) -> str:
        try:
            documents.create(unique_name="flex-pre-agent.account", data={"stack": stack})
        except TwilioRestException as error:
            return f"{error.status} {error.code}"
        return "created"

    with ThreadPoolExecutor(8) as pool:
        outcomes = sorted(pool.map(create, [f"stack-{index}" for index in range(8)]))

    assert outcomes == ["409 54301"] * 7 + ["created"]
    assert len(documents.list()) == 1


def test_data_over_16_kib_is_refused(documents: Any) -> None:
    with pytest.raises(TwilioRestException) as refused:
        documents.create(unique_name="big", data={"x": "y" * 17_000})
    assert (refused.value.status, refused.value.code) == (413, 54006)
    assert documents.list() == []
