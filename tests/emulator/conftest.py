"""The official twilio SDK pointed at the emulator, with every response checked against the OpenAPI specs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.openapi_check import check_response
from tests.emulator.support import EmulatorHandle


def checked_client(emulator: EmulatorHandle, *, username: str | None = None, password: str | None = None) -> Any:
    """`make_client` for the emulator; each response the SDK receives must match its OpenAPI schema."""
    from components.providers.twilio_http import make_client

    client = make_client(
        emulator.account_sid, username or emulator.account_sid, password or emulator.auth_token, emulator.base_url
    )
    http_client = client.http_client
    send = http_client.request

    def request_and_check(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        # `url` is still the real Twilio URL here: the client rewrites it to the emulator inside `send`.
        response = send(method, url, *args, **kwargs)
        check_response(method, url, response.status_code, response.text)
        return response

    http_client.request = request_and_check
    return client


@pytest.fixture
def client(emulator: EmulatorHandle) -> Any:
    """A twilio Client on the in-process emulator (every response schema-checked)."""
    return checked_client(emulator)
