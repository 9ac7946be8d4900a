"""Studio v2's words, through the official SDK, as the live API says them.

A rejected definition answers 400, code 81022, with exactly "Flow definition validation failed, check
`details` for more information." (terraform-provider-twilio's acceptance test against the live API);
what failed and where is in `details.errors[]`, never in the message.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.emulator.support import MINIMAL_FLOW

MESSAGE = "Flow definition validation failed, check `details` for more information."


def broken() -> dict[str, Any]:
    definition = copy.deepcopy(MINIMAL_FLOW)
    definition["states"][0]["transitions"][1]["next"] = "no_such_widget"
    return definition


def test_a_rejected_create_says_twilios_sentence(client: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.studio.v2.flows.create(friendly_name="IVR", status="draft", definition=broken())
    assert (caught.value.status, caught.value.code) == (400, 81022)
    assert caught.value.msg == f"Unable to create record: {MESSAGE}"
    assert caught.value.details["errors"]


def test_a_rejected_update_says_twilios_sentence_and_makes_no_revision(client: Any) -> None:
    flow = client.studio.v2.flows.create(friendly_name="IVR", status="draft", definition=MINIMAL_FLOW)
    with pytest.raises(TwilioRestException) as caught:
        client.studio.v2.flows(flow.sid).update(status="published", definition=broken())
    assert (caught.value.code, caught.value.msg) == (81022, f"Unable to update record: {MESSAGE}")
    assert client.studio.v2.flows(flow.sid).fetch().revision == 1


def test_a_rejected_validate_says_twilios_sentence(client: Any) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.studio.v2.flow_validate.update(friendly_name="IVR", status="draft", definition=broken())
    assert (caught.value.code, caught.value.msg) == (81022, f"Unable to update record: {MESSAGE}")
