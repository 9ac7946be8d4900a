"""A scenario's contact can carry what the trigger carries (ChannelAttributes...) as `flexctl simulate --trigger`."""

from __future__ import annotations

from pathlib import Path

import pytest

from flexctl.scenarios import ContactSpec, ScenarioError, contact_of, load_scenarios


def test_a_scenario_contact_gives_trigger_fields_over_the_defaults() -> None:
    defaults = ContactSpec(trigger={"FromCity": "Toronto"})
    spec = ContactSpec.model_validate({"event": "incomingConversationMessage",
                                       "trigger": {"ChannelAttributes": {"pre_engagement_data": {"language": "fr"}}}})
    contact = contact_of(spec, defaults, "UTC")
    assert contact.trigger == {"ChannelAttributes": {"pre_engagement_data": {"language": "fr"}}}
    assert contact_of(ContactSpec(), defaults, "UTC").trigger == {"FromCity": "Toronto"}


def test_digits_written_unquoted_in_yaml_are_the_keys_pressed() -> None:
    spec = ContactSpec.model_validate({"answers": [1, "2", ""]})
    assert contact_of(spec, ContactSpec(), "UTC").answers == ("1", "2", "")


def test_a_mock_copied_from_simulate_as_quoted_json_text_says_to_write_it_as_yaml(tmp_path: Path) -> None:
    # `flexctl simulate --mock NAME='{"event": ...}'` takes JSON text; in YAML, quoted, it was read as an event name
    # ("the canned event '{"event": "success", ...}' for check_schedule is not an event of run-function").
    path = tmp_path / "schedule.yaml"
    path.write_text("scenarios:\n  - name: open\n    contact:\n"
                    "      mocks: {check_schedule: '{\"event\": \"success\", \"body\": {\"isOpen\": true}}'}\n"
                    "    expect: {ending: flex}\n")
    with pytest.raises(ScenarioError) as refused:
        load_scenarios(path)
    message = str(refused.value)
    assert "scenarios[0] ('open').contact.mocks" in message
    assert "the mock of check_schedule is JSON text in quotes, read as an event name" in message
    assert "check_schedule: {event: success, body: {...}}" in message


def test_a_mistake_in_the_only_scenario_is_not_also_called_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "schedule.yaml"
    path.write_text("scenarios:\n  - name: open\n    contact: {answer: [1]}\n    expect: {ending: flex}\n")
    with pytest.raises(ScenarioError) as refused:
        load_scenarios(path)
    assert "did you mean answers?" in str(refused.value)
    assert "at least 1 item" not in str(refused.value)


def test_a_file_without_scenarios_still_says_so(tmp_path: Path) -> None:
    path = tmp_path / "schedule.yaml"
    path.write_text("scenarios: []\n")
    with pytest.raises(ScenarioError, match="at least 1 item"):
        load_scenarios(path)
