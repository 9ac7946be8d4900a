"""Verdicts from the fifth real-world audit: public Studio flows not in the earlier audits, each kept in
audit5_flows.json with the repository, path and commit it was read from, and the facts that mattered shown on
small flows of our own."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from studio import validate_definition
from studio.importer import FlowImportError, import_definition
from studio.spec import STATE_KEYS
from tests.studio.flow_samples import (
    assert_draws_and_runs,
    drop_property,
    run_generated,
    set_event,
    set_property,
    widget_copy,
)
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


# -- the real flows: no error, an exact round trip, a diagram and a simulation -----------------------------------

AUDIT5 = json.loads((Path(__file__).parent / "audit5_flows.json").read_text(encoding="utf-8"))["flows"]
REAL = {sample["id"]: sample["definition"] for sample in AUDIT5}


@pytest.mark.parametrize("sample", AUDIT5, ids=lambda sample: sample["id"])
def test_each_flow_names_where_it_was_read(sample: JSON) -> None:
    assert sample["repository"].count("/") == 1
    assert sample["path"]
    assert len(sample["commit"]) == 40
    assert sample["provenance"].endswith(".")


@pytest.mark.parametrize("flow_id", sorted(REAL))
def test_a_flow_studio_accepted_has_no_error(flow_id: str) -> None:
    assert [str(p) for p in validate_definition(REAL[flow_id]) if p.severity == "error"] == []


@pytest.mark.parametrize("flow_id", sorted(REAL))
def test_a_flow_imports_and_prints_itself_again(flow_id: str) -> None:
    assert json.loads(run_generated(import_definition(REAL[flow_id]))) == REAL[flow_id]


@pytest.mark.parametrize("flow_id", sorted(REAL))
def test_a_flow_draws_and_runs_from_every_trigger_event_it_handles(flow_id: str) -> None:
    assert_draws_and_runs(REAL[flow_id])


def test_the_warnings_on_the_real_flows_are_the_true_ones() -> None:
    # eppo's split reads a widget its flow lacks; the announcement flow writes <PLACEHOLDER> where SIDs go.
    codes = {flow_id: sorted({p.code for p in validate_definition(definition)}) for flow_id, definition in REAL.items()}
    assert codes.pop("datakabeta_twilio-eppo") == ["unknown-widget-reference"]
    assert codes.pop("slintab_flex-ivr-announcements") == ["sid-format"]
    assert codes.pop("todd-twilio_global-connect-passport") == ["suggested"]  # content_type without ;charset
    assert all(found == [] for found in codes.values()), codes


# -- what the real flows settled ------------------------------------------------------------------------------


def test_a_reply_timeout_written_as_an_integer_is_accepted_as_console_once_exported_it() -> None:
    # prebrov/twilio-studio-requestbin: "timeout": 3600 on send-and-wait-for-reply; newer exports write "3600".
    intro = next(s for s in REAL["prebrov_twilio-studio-requestbin"]["states"] if s["name"] == "intro")
    assert intro["properties"]["timeout"] == 3600
    for timeout in (3600, "3600"):
        wait = {**intro, "properties": {**intro["properties"], "timeout": timeout}, "transitions": []}
        assert validate_definition(flow(wait, event="incomingMessage")) == []


def test_send_message_shorten_urls_true_as_an_api_export_writes_it_is_no_problem() -> None:
    # todd-twilio/global-connect-passport (keys sorted as the API returns them): "shorten_urls": true, the boolean
    # studio/spec.py UNCONFIRMED_PROPERTIES guessed; it is confirmed by this export and no longer listed there.
    message = mutated("todd-twilio_global-connect-passport", "not_registered")
    assert message["properties"]["shorten_urls"] is True
    assert validate_definition(flow(message, event="incomingMessage")) == []


# -- rejection: the new shapes, broken as Studio would refuse them ---------------------------------------------


def mutated(flow_id: str, widget: str, change: Callable[[JSON], object] | None = None) -> JSON:
    """A copy of one widget of a real flow, ``change`` applied to it, without its nexts."""
    return widget_copy(REAL[flow_id], widget, change)


REJECTED = [
    ("vernig_twilio-autodialer", "initate_call", set_property("detect_answering_machine", "true"), "json-type",
     "detect_answering_machine", "write true without quotes"),
    ("vernig_twilio-autodialer", "initate_call", set_property("timeout", "20"), "json-type", "timeout",
     "write 20 without quotes"),
    ("vernig_twilio-autodialer", "enqueue", set_event(0, "callCompleted"), "invalid-event", "transitions/0/event",
     "did you mean 'callComplete'?"),
    ("vernig_twilio-autodialer", "enqueue", set_property("priority", "high"), "json-type", "priority",
     "use a whole number"),
    ("prebrov_twilio-studio-requestbin", "intro", drop_property("from"), "required", "from",
     '"from": "{{flow.channel.address}}"'),
    ("anthonyjdella_daily-sit-down-parent", "ask_questions", set_property("flow_sid", "{{flow.data.sid}}"),
     "liquid-not-allowed", "flow_sid", "not Liquid"),
    ("anthonyjdella_daily-sit-down-parent", "ask_questions", drop_property("flow_revision"), "required",
     "flow_revision", '"flow_revision": "LatestPublished"'),
    ("todd-twilio_global-connect-passport", "send_stamp_collector", set_property("content_variables", {"1": "x"}),
     "json-type", "content_variables", "must be an array"),
    ("kuschanton_call-gpt", "gather_prompt", set_property("stop_gather", "true"), "json-type", "stop_gather",
     "write true without quotes"),
    ("kuschanton_call-gpt", "say_welcome", set_property("loop", "1"), "json-type", "loop", "write 1 without quotes"),
    ("teresan_call-tracking", "CampaignInfo", lambda s: s["properties"]["variables"][0].pop("key"), "missing-key",
     "variables/0/key", "needs a 'key'"),
]


@pytest.mark.parametrize(("flow_id", "widget", "change", "code", "where", "fix"), REJECTED,
                         ids=[f"{row[1]}-{row[3]}-{row[4]}" for row in REJECTED])
def test_a_broken_copy_of_a_real_widget_is_an_error_naming_widget_property_and_fix(
    flow_id: str, widget: str, change: Callable[[JSON], object], code: str, where: str, fix: str
) -> None:
    broken = mutated(flow_id, widget, change)
    errors = [p for p in validate_definition(flow(broken)) if p.severity == "error"]
    path = f"#/states/1/{where}" if where.startswith("transitions/") else f"#/states/1/properties/{where}"
    assert [(p.code, p.widget, p.property_path) for p in errors] == [(code, widget, path)]
    assert fix in errors[0].message


def test_a_next_to_no_widget_is_an_error_with_the_near_name() -> None:
    parent = copy.deepcopy(REAL["anthonyjdella_daily-sit-down-parent"])
    subflow = next(s for s in parent["states"] if s["name"] == "ask_questions")
    subflow["transitions"][0]["next"] = "the_end"
    (problem,) = [p for p in validate_definition(parent) if p.severity == "error"]
    assert (problem.code, problem.widget) == ("unknown-next", "ask_questions")
    assert "did you mean 'end'?" in problem.message
