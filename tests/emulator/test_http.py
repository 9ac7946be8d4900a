"""The wire contract around the resources: auth, errors, form parsing, paging, the request log and faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.conftest import checked_client
from tests.emulator.support import ACCOUNT_SID, AUTH_TOKEN, EmulatorHandle, http

FLOWS = "/studio/v2/Flows"
API_KEY = "SK" + "5" * 32


# ------------------------------------------------------------------------------------------------ auth


def test_a_wrong_auth_token_is_401_with_20003(emulator: EmulatorHandle) -> None:
    client = checked_client(emulator, password="not-the-token")
    with pytest.raises(TwilioRestException) as caught:
        client.taskrouter.v1.workspaces.create(friendly_name="Support")
    assert (caught.value.status, caught.value.code) == (401, 20003)


def test_missing_credentials_are_401_and_ask_for_basic_auth(emulator: EmulatorHandle) -> None:
    answer = http(emulator.base_url, "GET", FLOWS)
    assert (answer.status, answer.body["code"], answer.headers["WWW-Authenticate"]) == (
        401, 20003, 'Basic realm="Twilio API"',
    )


def test_the_401_message_never_echoes_the_token(emulator: EmulatorHandle) -> None:
    answer = http(emulator.base_url, "GET", FLOWS, auth=(ACCOUNT_SID, "wrong"))
    assert AUTH_TOKEN not in answer.body["message"]


@pytest.fixture
def emulator_with_api_key() -> Iterator[EmulatorHandle]:
    from twilio_emulator.server import Emulator

    with Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_key=API_KEY, api_secret="key-secret",
                  port=0) as running:
        yield EmulatorHandle(base_url=running.base_url, phone_numbers=())


def test_an_api_key_and_secret_authenticate(emulator_with_api_key: EmulatorHandle) -> None:
    client = checked_client(emulator_with_api_key, username=API_KEY, password="key-secret")
    assert client.studio.v2.flows.list() == []


def test_an_api_key_with_the_auth_token_is_refused(emulator_with_api_key: EmulatorHandle) -> None:
    answer = http(emulator_with_api_key.base_url, "GET", FLOWS, auth=(API_KEY, AUTH_TOKEN))
    assert answer.status == 401


# ---------------------------------------------------------------------------------------------- errors


def test_an_unknown_path_is_404_with_20404(emulator: EmulatorHandle) -> None:
    answer = emulator.api("GET", "/studio/v2/Flowz")
    assert (answer.status, answer.body["code"], answer.body["message"]) == (
        404, 20404, "The requested resource /Flowz was not found",
    )


def test_a_path_without_its_product_is_404_saying_where_the_product_goes(emulator: EmulatorHandle) -> None:
    """A Console-style edit sent to <base>/v2/Flows/FW... was told that '/FW...' was not found: the flow exists."""
    answer = emulator.api("GET", "/v2/Flows/FW" + "0" * 32)
    assert (answer.status, answer.body["code"], answer.body["message"]) == (
        404, 20404, f"The requested resource /v2/Flows/FW{'0' * 32} was not found: the emulator serves each Twilio "
        "host under its product's name (studio, taskrouter, api, conversations, sync), "
        "https://studio.twilio.com/v2/Flows as /studio/v2/Flows",
    )


def test_a_malformed_sid_is_404(emulator: EmulatorHandle) -> None:
    assert emulator.api("GET", f"{FLOWS}/not-a-sid").status == 404


def test_a_method_the_resource_lacks_is_405(emulator: EmulatorHandle) -> None:
    answer = emulator.api("PUT", FLOWS, form={"FriendlyName": "x"})
    assert (answer.status, answer.body["code"], answer.headers["Allow"]) == (405, 20004, "GET, POST")


def test_errors_link_to_twilios_error_docs(emulator: EmulatorHandle) -> None:
    answer = emulator.api("GET", "/studio/v2/Flowz")
    assert answer.body["more_info"] == "https://www.twilio.com/docs/errors/20404"


# ------------------------------------------------------------------------------------------ form bodies


def test_a_json_body_is_refused_with_how_to_send_parameters(emulator: EmulatorHandle) -> None:
    answer = emulator.api("POST", "/taskrouter/v1/Workspaces", body=b'{"FriendlyName": "x"}',
                          content_type="application/json")
    assert answer.status == 400
    assert "application/x-www-form-urlencoded" in answer.body["message"]


def test_a_scalar_parameter_sent_twice_is_refused(emulator: EmulatorHandle) -> None:
    answer = emulator.api("POST", "/taskrouter/v1/Workspaces", form={"FriendlyName": ["a", "b"]})
    assert answer.body["message"] == "Parameter FriendlyName was given 2 times in the post body; send it once"


def test_a_boolean_must_be_true_or_false(emulator: EmulatorHandle) -> None:
    answer = emulator.api("POST", "/taskrouter/v1/Workspaces", form={"FriendlyName": "x", "MultiTaskEnabled": "maybe"})
    assert answer.body["message"] == "Invalid value 'maybe' for parameter MultiTaskEnabled: expected true or false"


def test_a_repeated_list_parameter_keeps_every_value(emulator: EmulatorHandle) -> None:
    form = {"Type": "sms", "Address": "+15005550006", "AutoCreation.Type": "webhook",
            "AutoCreation.WebhookUrl": "https://example.com", "AutoCreation.WebhookFilters": ["onA", "onB"]}
    answer = emulator.api("POST", "/conversations/v1/Configuration/Addresses", form=form)
    assert answer.body["auto_creation"]["webhook_filters"] == ["onA", "onB"]


# ------------------------------------------------------------------------------------------------ paging


def test_a_page_token_the_api_did_not_give_is_21481(emulator: EmulatorHandle) -> None:
    answer = emulator.api("GET", f"{FLOWS}?PageToken=forged")
    assert (answer.status, answer.body["code"]) == (400, 21481)


def test_a_page_size_of_zero_is_refused(emulator: EmulatorHandle) -> None:
    assert emulator.api("GET", f"{FLOWS}?PageSize=0").status == 400


def test_meta_urls_are_absolute_twilio_urls(emulator: EmulatorHandle) -> None:
    meta = emulator.api("GET", "/taskrouter/v1/Workspaces?FriendlyName=Flex%20Task%20Assignment").body["meta"]
    assert meta["url"] == (
        "https://taskrouter.twilio.com/v1/Workspaces?FriendlyName=Flex%20Task%20Assignment&PageSize=50&Page=0"
    )


def test_the_page_parameter_alone_selects_a_page(emulator: EmulatorHandle, client: Any) -> None:
    (workspace,) = client.taskrouter.v1.workspaces.list()
    answer = emulator.api("GET", f"/taskrouter/v1/Workspaces/{workspace.sid}/TaskChannels?PageSize=2&Page=2")
    assert [c["unique_name"] for c in answer.body["channels"]] == ["video"]


# ---------------------------------------------------------------------------------------- request log


def test_the_request_log_lists_method_path_with_query_and_status(emulator: EmulatorHandle) -> None:
    emulator.api("GET", f"{FLOWS}?PageSize=5")
    emulator.api("GET", f"{FLOWS}/FW{'0' * 32}")
    assert emulator.requests() == [
        {"method": "GET", "path": f"{FLOWS}?PageSize=5", "status": 200, "fault": None, "handled_status": 200,
         "user": emulator.account_sid},
        {"method": "GET", "path": f"{FLOWS}/FW{'0' * 32}", "status": 404, "fault": None, "handled_status": 404,
         "user": emulator.account_sid},
    ]


def test_the_request_log_includes_failed_authentication(emulator: EmulatorHandle) -> None:
    http(emulator.base_url, "GET", FLOWS)
    assert [entry["status"] for entry in emulator.requests()] == [401]


def test_the_emulators_own_endpoints_are_not_logged(emulator: EmulatorHandle) -> None:
    emulator.api("GET", FLOWS)
    emulator.requests()
    emulator.inject_fault(count=0)
    assert [entry["path"] for entry in emulator.requests()] == [FLOWS]


def test_reset_empties_the_log_but_keeps_the_data(emulator: EmulatorHandle, client: Any) -> None:
    client.taskrouter.v1.workspaces.create(friendly_name="Kept")
    emulator.reset_log()
    assert (emulator.requests(), len(client.taskrouter.v1.workspaces.list())) == ([], 2)


# ------------------------------------------------------------------------------------------------ faults


def test_a_fault_answers_its_status_with_retry_after_then_stops(emulator: EmulatorHandle) -> None:
    emulator.inject_fault(status=503, count=1, retry_after="7")
    faulted = emulator.api("GET", FLOWS)
    assert (faulted.status, faulted.body["code"], faulted.headers["Retry-After"]) == (503, 20503, "7")
    assert emulator.api("GET", FLOWS).status == 200


def test_the_sdk_retries_through_injected_429s(emulator: EmulatorHandle, client: Any) -> None:
    emulator.inject_fault(status=429, count=2, retry_after="0")
    assert len(client.taskrouter.v1.workspaces.list()) == 1
    assert [entry["status"] for entry in emulator.requests()] == [429, 429, 200]


def test_an_invalid_fault_is_refused_with_an_example(emulator: EmulatorHandle) -> None:
    answer = http(emulator.base_url, "POST", "/__emulator/faults", body=json.dumps({"status": 200}).encode(),
                  content_type="application/json")
    assert answer.status == 400
    assert '"status": 429' in answer.body["message"]


# ------------------------------------------------------------------------------------------ concurrency


def test_concurrent_creates_all_land_with_distinct_sids(emulator: EmulatorHandle, client: Any) -> None:
    (workspace,) = client.taskrouter.v1.workspaces.list()
    path = f"/taskrouter/v1/Workspaces/{workspace.sid}/TaskQueues"
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda n: emulator.api("POST", path, form={"FriendlyName": f"Q{n}"}), range(16)))
    assert {a.status for a in answers} == {201}
    assert len({a.body["sid"] for a in answers}) == 16
    assert len(client.taskrouter.v1.workspaces(workspace.sid).task_queues.list()) == 17
