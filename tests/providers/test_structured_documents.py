"""Flow definitions keyed by widget name, workflow configurations by filter name: one path per change.

State written before the keyed forms holds Studio's and TaskRouter's own JSON text; it must compare equal to the
keyed input, so an existing stack previews as a no-op.
"""

import copy
import json
from typing import Any

from components.providers.base import CHANGED
from components.providers.studio import StudioFlowProvider, definition_data
from components.providers.taskrouter import WorkflowProvider
from studio.keyed import keyed_definition, studio_definition
from taskrouter.keyed import keyed_configuration, taskrouter_configuration
from tests.providers.test_offline_contract import ACCOUNT, WORKSPACE_SID, configured, flow_state

DEFINITION: dict[str, Any] = {
    "description": "d",
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
    "states": [
        {"name": "Trigger", "type": "trigger", "transitions": [{"event": "incomingCall", "next": "main_menu"}],
         "properties": {"offset": {"x": 0, "y": 0}}},
        {"name": "main_menu", "type": "say-play", "transitions": [], "properties": {"say": "Hello", "loop": 1}},
        {"name": "bye", "type": "say-play", "transitions": [], "properties": {"say": "Bye", "loop": 1}},
    ],
}
CONFIGURATION: dict[str, Any] = {"task_routing": {
    "filters": [
        {"filter_friendly_name": "VIP", "expression": "vip == true", "targets": [{"queue": "WQ1", "priority": 100}]},
        {"filter_friendly_name": "Spanish", "expression": "language == 'es'", "targets": [{"queue": "WQ2"}]},
    ],
    "default_filter": {"queue": "WQ3"},
}}


def workflow_state(configuration: Any) -> dict[str, Any]:
    return {"workspace_sid": WORKSPACE_SID, "friendly_name": "Routing", "configuration": configuration,
            "account_sid": ACCOUNT}


def test_a_keyed_definition_has_one_path_per_widget_and_goes_back_to_studios_form() -> None:
    keyed = keyed_definition(DEFINITION)

    assert keyed["states"]["main_menu"]["properties"]["say"] == "Hello"
    back = studio_definition(keyed)
    assert [state["name"] for state in back["states"]] == ["Trigger", "bye", "main_menu"]  # initial first, then by name
    assert keyed_definition(back) == keyed
    assert studio_definition(DEFINITION) == DEFINITION  # Studio's own form is left as it is


def test_state_written_as_json_text_compares_equal_to_the_keyed_input() -> None:
    provider = configured(StudioFlowProvider())
    old = flow_state(json.dumps(DEFINITION))  # what earlier code stored
    reordered = {**DEFINITION, "states": list(reversed(DEFINITION["states"]))}  # Studio may list states otherwise

    assert provider.diff("FW1", old, flow_state(keyed_definition(DEFINITION))).changes is False
    assert provider.diff("FW1", old, flow_state(json.dumps(reordered))).changes is False


def test_one_changed_property_is_a_change_and_studio_gets_its_own_form() -> None:
    provider = configured(StudioFlowProvider())
    changed = keyed_definition(copy.deepcopy(DEFINITION))
    changed["states"]["main_menu"]["properties"]["say"] = "Hola"

    assert provider.diff("FW1", flow_state(json.dumps(DEFINITION)), flow_state(changed)).changes is CHANGED
    sent = definition_data(changed)
    assert isinstance(sent["states"], list)
    assert {"name": "main_menu", "type": "say-play", "transitions": [],
            "properties": {"say": "Hola", "loop": 1}} in sent["states"]


def test_a_keyed_definition_is_checked_as_studio_would_check_it() -> None:
    provider = configured(StudioFlowProvider())
    broken = keyed_definition(copy.deepcopy(DEFINITION))
    broken["states"]["Trigger"]["transitions"] = [{"event": "incomingCall", "next": "nowhere"}]

    failures = provider.check({}, flow_state(broken)).failures

    assert any("nowhere" in failure.reason for failure in failures)


def test_a_keyed_configuration_keeps_the_filter_order_and_sends_taskrouters_form() -> None:
    keyed = keyed_configuration(CONFIGURATION)

    assert keyed["task_routing"]["filters"]["Spanish"]["expression"] == "language == 'es'"
    assert keyed["task_routing"]["filter_order"] == ["VIP", "Spanish"]
    assert taskrouter_configuration(keyed) == CONFIGURATION
    params = WorkflowProvider().create_params(workflow_state(keyed))
    assert json.loads(params["configuration"]) == CONFIGURATION


def test_configurations_compare_as_data_whatever_their_form_and_order_counts() -> None:
    provider = configured(WorkflowProvider())
    old = workflow_state(json.dumps(CONFIGURATION))
    swapped = keyed_configuration(copy.deepcopy(CONFIGURATION))
    swapped["task_routing"]["filter_order"] = ["Spanish", "VIP"]  # filters are tried in order

    assert provider.diff("WW1", old, workflow_state(keyed_configuration(CONFIGURATION))).changes is False
    assert provider.diff("WW1", old, workflow_state(swapped)).changes is CHANGED


def test_filters_without_unique_names_stay_a_list() -> None:
    unnamed = {"task_routing": {"filters": [{"expression": "1==1", "targets": []}] * 2}}

    assert keyed_configuration(unnamed) == unnamed


def test_a_keyed_filter_that_is_no_object_is_a_check_failure_at_its_path_not_a_crash() -> None:
    keyed = keyed_configuration(copy.deepcopy(CONFIGURATION))
    keyed["task_routing"]["filters"]["VIP"] = "vip == true"
    keyed["task_routing"]["filter_order"] = [["VIP"], "VIP"]  # an unhashable name is skipped, not a TypeError

    failures = WorkflowProvider().check({}, workflow_state(keyed)).failures

    assert [failure.reason for failure in failures] == [
        "configuration: task_routing.filters[0]: a filter must be a JSON object, not a string"]
