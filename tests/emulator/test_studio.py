"""Studio v2 through the official SDK: Flows, Validate and Revisions."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.support import MINIMAL_FLOW

DEFINITION = MINIMAL_FLOW


def broken_definition() -> dict[str, Any]:
    """A definition Studio rejects: the trigger's call transition names a widget that does not exist."""
    definition = copy.deepcopy(DEFINITION)
    definition["states"][0]["transitions"][1]["next"] = "no_such_widget"
    return definition


@pytest.fixture
def flows(client: Any) -> Any:
    return client.studio.v2.flows


@pytest.fixture
def flow(flows: Any) -> Any:
    return flows.create(friendly_name="IVR", status="published", definition=DEFINITION)


def test_a_created_flow_is_revision_1(flow: Any) -> None:
    assert (flow.revision, flow.status, flow.valid) == (1, "published", True)


def test_a_flow_webhook_url_is_twilios_for_the_account(flow: Any, emulator: Any) -> None:
    assert flow.webhook_url == f"https://webhooks.twilio.com/v1/Accounts/{emulator.account_sid}/Flows/{flow.sid}"


def test_a_fetched_flow_has_its_definition(flows: Any, flow: Any) -> None:
    assert flows(flow.sid).fetch().definition == DEFINITION


def test_listed_flows_leave_definition_and_validity_null(flows: Any, flow: Any) -> None:
    (listed,) = flows.list()
    assert (listed.definition, listed.valid, listed.errors, listed.warnings, listed.commit_message) == (
        None, None, None, None, None,
    )


def test_every_update_makes_a_new_revision_even_without_changes(flows: Any, flow: Any) -> None:
    flows(flow.sid).update(status="published")
    assert flows(flow.sid).update(status="published").revision == 3


def test_an_update_keeps_what_it_does_not_send(flows: Any, flow: Any) -> None:
    updated = flows(flow.sid).update(status="draft", commit_message="draft it")
    assert (updated.friendly_name, updated.definition, updated.commit_message) == ("IVR", DEFINITION, "draft it")


def test_an_update_without_status_is_rejected_with_20001(emulator: Any, flow: Any) -> None:
    answer = emulator.api("POST", f"/studio/v2/Flows/{flow.sid}", form={"FriendlyName": "IVR 2"})
    assert (answer.status, answer.body["code"]) == (400, 20001)
    assert answer.body["message"] == "Missing required parameter Status in the post body"


def test_revisions_are_listed_newest_first(flows: Any, flow: Any) -> None:
    flows(flow.sid).update(status="published", friendly_name="IVR v2")
    assert [r.revision for r in flows(flow.sid).revisions.list()] == [2, 1]


def test_a_revision_is_fetched_by_number_with_its_content(flows: Any, flow: Any) -> None:
    flows(flow.sid).update(status="published", friendly_name="IVR v2")
    revision = flows(flow.sid).revisions("1").fetch()
    assert (revision.friendly_name, revision.definition) == ("IVR", DEFINITION)


def test_latest_revision_is_the_newest_save(flows: Any, flow: Any) -> None:
    flows(flow.sid).update(status="draft")
    assert flows(flow.sid).revisions("LatestRevision").fetch().revision == 2


def test_latest_published_skips_drafts(flows: Any, flow: Any) -> None:
    flows(flow.sid).update(status="draft")
    assert flows(flow.sid).revisions("LatestPublished").fetch().revision == 1


def test_an_unknown_revision_is_404(flows: Any, flow: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        flows(flow.sid).revisions("7").fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_a_deleted_flow_is_404_in_twilio_words(flows: Any, flow: Any) -> None:
    flows(flow.sid).delete()
    with pytest.raises(TwilioRestException) as caught:
        flows(flow.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert f"The requested resource /Flows/{flow.sid} was not found" in caught.value.msg


def test_validate_accepts_a_valid_definition(client: Any) -> None:
    validated = client.studio.v2.flow_validate.update(friendly_name="IVR", status="draft", definition=DEFINITION)
    assert validated.valid is True


def test_validate_rejects_an_invalid_definition_with_81022(client: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.studio.v2.flow_validate.update(friendly_name="IVR", status="draft", definition=broken_definition())
    assert (caught.value.status, caught.value.code) == (400, 81022)


def test_81022_details_say_what_and_where(flows: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        flows.create(friendly_name="IVR", status="published", definition=broken_definition())
    errors = caught.value.details["errors"]
    assert errors
    assert all(set(error) == {"message", "property_path"} for error in errors)
    assert any(error["property_path"].startswith("#/states/0/transitions/1") for error in errors)


def test_an_unknown_widget_type_is_rejected_with_81022(flows: Any) -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["states"].append({"name": "odd", "type": "bogus-widget", "transitions": [], "properties": {}})
    with pytest.raises(TwilioRestException) as caught:
        flows.create(friendly_name="IVR", status="draft", definition=definition)
    assert caught.value.code == 81022
    assert [e["property_path"] for e in caught.value.details["errors"]] == ["#/states/1/type"]


def test_advice_studio_does_not_enforce_is_accepted(flows: Any) -> None:
    definition = copy.deepcopy(DEFINITION)
    orphan = {"name": "orphan", "type": "say-play", "transitions": [{"event": "audioComplete"}],
              "properties": {"say": "Hello", "loop": 1}}
    definition["states"].append(orphan)  # no trigger event leads to it: our lint warns, Studio does not
    assert flows.create(friendly_name="IVR", status="draft", definition=definition).warnings == []


def test_an_invalid_update_makes_no_revision(flows: Any, flow: Any) -> None:
    with pytest.raises(TwilioRestException):
        flows(flow.sid).update(status="published", definition=broken_definition())
    assert flows(flow.sid).fetch().revision == 1


def test_a_definition_that_is_not_json_is_rejected_with_20001(emulator: Any) -> None:
    form = {"FriendlyName": "IVR", "Status": "draft", "Definition": "{states: ["}
    answer = emulator.api("POST", "/studio/v2/Flows", form=form)
    assert (answer.status, answer.body["code"]) == (400, 20001)
    assert answer.body["message"].startswith("Parameter Definition is not valid JSON")


def test_an_unknown_status_is_rejected_naming_the_choices(emulator: Any) -> None:
    form = {"FriendlyName": "IVR", "Status": "live", "Definition": json.dumps(DEFINITION)}
    answer = emulator.api("POST", "/studio/v2/Flows", form=form)
    assert answer.body["message"] == "Invalid value 'live' for parameter Status: expected one of draft, published"


def test_flows_are_paged_through_by_the_sdk(flows: Any) -> None:
    created = [flows.create(friendly_name=f"F{n}", status="draft", definition=DEFINITION).sid for n in range(5)]
    assert [f.sid for f in flows.stream(page_size=2)] == created


def test_revisions_are_paged_through_by_the_sdk(flows: Any, flow: Any) -> None:
    for _ in range(4):
        flows(flow.sid).update(status="published")
    assert [r.revision for r in flows(flow.sid).revisions.stream(page_size=2)] == [5, 4, 3, 2, 1]
