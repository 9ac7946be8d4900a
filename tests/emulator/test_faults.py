"""Seeded fault injection over loopback: kinds, filters, determinism, the admin endpoint, the log and the state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE_NUMBERS,
    EmulatorHandle,
    HttpAnswer,
    emulator_args,
    emulator_subprocess,
    http,
    saved_state,
)
from tests.emulator.test_cli import run_cli
from twilio_emulator.faults import FaultPlan, make_rule

WORKSPACES = "/taskrouter/v1/Workspaces"
FLOWS = "/studio/v2/Flows"
MISSING_FLOW = f"{FLOWS}/FW{'0' * 32}"


def create_workspace(emulator: EmulatorHandle, name: str) -> HttpAnswer:
    """`POST /Workspaces` over raw HTTP; raises ConnectionError when the emulator hangs up without answering."""
    return http(emulator.base_url, "POST", WORKSPACES, form={"FriendlyName": name}, auth=emulator.auth)


def workspace_names(emulator: EmulatorHandle) -> list[str]:
    return sorted(row["friendly_name"] for row in emulator.state()["workspaces"])


def faults_of(emulator: EmulatorHandle) -> list[str | None]:
    return [entry["fault"] for entry in emulator.requests()]


@pytest.fixture
def fresh_emulators() -> Iterator[tuple[EmulatorHandle, EmulatorHandle]]:
    """Two independent emulated accounts (different SIDs), for comparing runs."""
    from twilio_emulator.server import Emulator

    with (
        Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as first,
        Emulator(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, phone_numbers=PHONE_NUMBERS, port=0) as second,
    ):
        yield EmulatorHandle(base_url=first.base_url), EmulatorHandle(base_url=second.base_url)


def mixed_requests(emulator: EmulatorHandle) -> None:
    """Forty requests of several methods and paths, each answered or not."""
    for number in range(10):
        for method, path in (("GET", WORKSPACES), ("GET", FLOWS), ("POST", WORKSPACES), ("GET", MISSING_FLOW)):
            try:
                form = {"FriendlyName": f"W{number}"} if method == "POST" else None
                http(emulator.base_url, method, path, form=form, auth=emulator.auth)
            except ConnectionError:
                pass  # a dropped connection is in the log too


# ------------------------------------------------------------------------------------------ determinism


def test_the_same_seed_and_requests_give_the_same_faults(
    fresh_emulators: tuple[EmulatorHandle, EmulatorHandle],
) -> None:
    rule = {"rate": 0.5, "kinds": ["429", "500", "drop", "applied-error", "applied-drop"], "seed": 7}
    for emulator in fresh_emulators:
        emulator.set_faults(rule)
        mixed_requests(emulator)
    first, second = (faults_of(emulator) for emulator in fresh_emulators)
    assert first == second
    assert len(set(first)) >= 4  # the draw really mixes kinds and passes


def test_another_seed_gives_other_faults(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 0.5, "kinds": ["503"], "seed": 1})
    mixed_requests(emulator)
    seed_1 = faults_of(emulator)
    emulator.reset_log()
    emulator.set_faults({"rate": 0.5, "kinds": ["503"], "seed": 2})
    mixed_requests(emulator)
    assert faults_of(emulator) != seed_1


def test_setting_the_rules_again_replays_the_same_faults(emulator: EmulatorHandle) -> None:
    rule = {"rate": 0.5, "kinds": ["502"], "seed": 3}
    emulator.set_faults(rule)
    mixed_requests(emulator)
    before = faults_of(emulator)
    emulator.reset_log()
    emulator.set_faults(rule)
    mixed_requests(emulator)
    assert faults_of(emulator) == before


def half_500s(seed: int, draw_by: str = "path") -> FaultPlan:
    """A plan that fails half the requests with 500."""
    return FaultPlan(rules=(make_rule(rate=0.5, kinds=["500"]),), seed=seed, draw_by=draw_by)


def test_faults_do_not_depend_on_how_requests_to_different_paths_interleave() -> None:
    plan_a, plan_b = half_500s(11), half_500s(11)
    queues, flows = "/taskrouter/v1/Workspaces/WS" + "1" * 32 + "/TaskQueues", "/studio/v2/Flows"
    interleaved = [plan_a.decide("POST", path) for _ in range(20) for path in (queues, flows)]
    one_path_then_the_other = {path: [plan_b.decide("POST", path) for _ in range(20)] for path in (queues, flows)}
    assert interleaved[0::2] == one_path_then_the_other[queues]
    assert interleaved[1::2] == one_path_then_the_other[flows]
    assert interleaved[0::2] != interleaved[1::2]  # the paths really draw differently


def test_drawn_by_request_creates_of_different_names_draw_the_same_whatever_their_order() -> None:
    plan_a, plan_b = half_500s(3, "request"), half_500s(3, "request")
    queues = "/taskrouter/v1/Workspaces/WS" + "1" * 32 + "/TaskQueues"
    bodies = [f"FriendlyName=Queue+{n}".encode() for n in range(30)]
    forward = {body: plan_a.decide("POST", queues, body=body) for body in bodies}
    backward = {body: plan_b.decide("POST", queues, body=body) for body in reversed(bodies)}
    assert (forward == backward, len(set(forward.values()))) == (True, 2)


def test_a_retry_of_the_same_request_gets_a_new_draw() -> None:
    plan = half_500s(8, "request")
    draws = [plan.decide("POST", WORKSPACES, body=b"FriendlyName=Support") for _ in range(20)]
    assert len(set(draws)) == 2


def test_drawn_by_path_the_body_and_query_do_not_count() -> None:
    plan_a, plan_b = half_500s(4), half_500s(4)
    one = [plan_a.decide("POST", WORKSPACES, query="a=1", body=f"FriendlyName={n}".encode()) for n in range(20)]
    other = [plan_b.decide("POST", WORKSPACES) for _ in range(20)]
    assert (one == other, len(set(one))) == (True, 2)


def test_a_limit_caps_the_faults_of_a_rule() -> None:
    plan = FaultPlan(rules=(make_rule(rate=1.0, kinds=["503"], limit=2),))
    assert [fault is not None for fault in (plan.decide("GET", FLOWS) for _ in range(4))] == [True, True, False, False]


def test_rate_1_and_limit_1_fault_exactly_the_first_matching_request(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["drop"], "methods": ["POST"], "path": "/Workspaces$", "limit": 1})
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 200
    with pytest.raises(ConnectionError):
        create_workspace(emulator, "First")
    assert create_workspace(emulator, "Second").status == 201
    assert faults_of(emulator) == [None, "drop", None]


def test_the_draw_ignores_which_sid_a_path_names() -> None:
    plan_a, plan_b = half_500s(5), half_500s(5)
    one = [plan_a.decide("GET", f"{FLOWS}/FW{'a' * 32}") for _ in range(30)]
    other = [plan_b.decide("GET", f"{FLOWS}/FW{'b' * 32}") for _ in range(30)]
    assert (one == other, len(set(one))) == (True, 2)


def test_shares_weight_the_kinds_drawn() -> None:
    plan = FaultPlan(rules=(make_rule(rate=1.0, kinds={"429": 9, "drop": 1}),))
    kinds = [fault.kind for fault in (plan.decide("GET", FLOWS) for _ in range(1000)) if fault is not None]
    assert 850 < kinds.count("429") < 950
    assert kinds.count("429") + kinds.count("drop") == 1000


def test_a_rate_of_zero_never_faults() -> None:
    plan = FaultPlan(rules=(make_rule(rate=0.0),))
    assert {plan.decide("POST", WORKSPACES) for _ in range(200)} == {None}


# ---------------------------------------------------------------------------------------------- kinds


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_status_fault_answers_a_twilio_error_and_applies_nothing(emulator: EmulatorHandle, status: int) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": [str(status)]})
    answer = create_workspace(emulator, "Never made")
    assert (answer.status, answer.body["code"], answer.body["status"]) == (status, 20000 + status, status)
    emulator.clear_faults()
    assert "Never made" not in workspace_names(emulator)


@pytest.mark.parametrize(("status", "header"), [(429, "4"), (503, "4"), (500, None), (502, None)])
def test_429_and_503_carry_the_rules_retry_after(emulator: EmulatorHandle, status: int, header: str | None) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": [str(status)], "retry_after": "4"})
    assert create_workspace(emulator, "x").headers.get("Retry-After") == header


def test_a_drop_hangs_up_without_an_answer_and_applies_nothing(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["drop"]})
    with pytest.raises(ConnectionError):  # http.client.RemoteDisconnected; any HTTP answer would return
        create_workspace(emulator, "Dropped")
    emulator.clear_faults()
    assert "Dropped" not in workspace_names(emulator)
    assert emulator.requests()[0] == {
        "method": "POST", "path": WORKSPACES, "status": None, "fault": "drop", "handled_status": None,
        "user": emulator.account_sid,
    }


def test_applied_then_error_changes_the_state_and_answers_500(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["applied-error"]})
    answer = create_workspace(emulator, "Applied")
    assert (answer.status, answer.body["code"]) == (500, 20500)
    emulator.clear_faults()
    assert "Applied" in workspace_names(emulator)
    assert emulator.requests()[0] == {
        "method": "POST", "path": WORKSPACES, "status": 500, "fault": "applied-error", "handled_status": 201,
        "user": emulator.account_sid,
    }


def test_applied_then_dropped_really_applied(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["applied-drop"], "methods": ["POST"]})
    with pytest.raises(ConnectionError):
        create_workspace(emulator, "Orphan")
    assert workspace_names(emulator) == ["Flex Task Assignment", "Orphan"]
    assert emulator.requests()[0]["status"] is None
    assert emulator.requests()[0]["handled_status"] == 201


def test_applied_then_dropped_is_written_to_the_state_file(emulator_process: EmulatorHandle) -> None:
    emulator_process.set_faults({"rate": 1.0, "kinds": ["applied-drop"]})
    with pytest.raises(ConnectionError):
        create_workspace(emulator_process, "Saved")
    assert emulator_process.state_file is not None
    saved = saved_state(emulator_process.state_file)
    assert "Saved" in [row["friendly_name"] for row in saved["workspaces"]]


def test_a_retry_after_an_applied_drop_leaves_a_duplicate_the_log_can_count(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["applied-drop"]})
    with pytest.raises(ConnectionError):
        create_workspace(emulator, "Sales")
    emulator.clear_faults()
    assert create_workspace(emulator, "Sales").status == 201
    applied = [e for e in emulator.requests() if e["method"] == "POST" and e["handled_status"] == 201]
    assert (len(applied), workspace_names(emulator).count("Sales")) == (2, 2)


# -------------------------------------------------------------------------------------------- filters


def test_a_method_filter_faults_only_those_methods(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["503"], "methods": ["post", "DELETE"]})
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 200
    assert create_workspace(emulator, "x").status == 503


def test_a_path_filter_faults_only_matching_paths(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["502"], "path": "^/studio/"})
    assert http(emulator.base_url, "GET", FLOWS, auth=emulator.auth).status == 502
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 200


def test_the_path_filter_ignores_the_query_string(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["500"], "path": "PageSize"})
    assert http(emulator.base_url, "GET", f"{FLOWS}?PageSize=5", auth=emulator.auth).status == 200


def test_the_first_matching_rule_decides(emulator: EmulatorHandle) -> None:
    emulator.set_faults([
        {"rate": 1.0, "kinds": ["429"], "path": "/Flows"},
        {"rate": 1.0, "kinds": ["500"]},
    ])
    assert http(emulator.base_url, "GET", FLOWS, auth=emulator.auth).status == 429
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 500


# ------------------------------------------------------------------------------------ admin endpoint


def test_admin_endpoints_are_never_faulted(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["drop", "500"], "seed": 1})
    emulator.requests()
    emulator.state()
    emulator.state(comparable=True)
    assert http(emulator.base_url, "GET", "/__emulator/faults").status == 200
    emulator.reset_log()
    emulator.clear_faults()
    assert emulator.requests() == []


def test_the_plan_reads_back_as_set(emulator: EmulatorHandle) -> None:
    plan = emulator.set_faults({"rate": 0.2, "kinds": ["429", "drop"], "methods": ["POST"], "path": "/Tasks",
                                "retry_after": "1", "seed": 9, "draw_by": "request"})
    assert plan == http(emulator.base_url, "GET", "/__emulator/faults").body == {
        "seed": 9,
        "draw_by": "request",
        "rules": [{"rate": 0.2, "kinds": {"429": 1.0, "drop": 1.0}, "methods": ["POST"], "path": "/Tasks",
                   "retry_after": "1", "limit": None}],
        "next": None,
    }


def test_rules_with_a_seed_can_be_given_as_one_object(emulator: EmulatorHandle) -> None:
    plan = emulator.set_faults({"seed": 4, "rules": [{"rate": 1.0, "kinds": ["500"]}, {"rate": 0.1}]})
    assert (plan["seed"], len(plan["rules"])) == (4, 2)


@pytest.mark.parametrize("clear", ["delete", "empty list", "empty rules"])
def test_faults_are_cleared_by_delete_or_an_empty_list(emulator: EmulatorHandle, clear: str) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["500"]})
    if clear == "delete":
        emulator.clear_faults()
    else:
        emulator.set_faults([] if clear == "empty list" else {"rules": []})
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 200


def test_delete_also_clears_the_next_requests_fault(emulator: EmulatorHandle) -> None:
    emulator.inject_fault(status=503, count=5)
    emulator.clear_faults()
    assert http(emulator.base_url, "GET", WORKSPACES, auth=emulator.auth).status == 200


def test_the_next_requests_fault_comes_before_the_rules(emulator: EmulatorHandle) -> None:
    emulator.set_faults({"rate": 1.0, "kinds": ["500"]})
    emulator.inject_fault(status=429, count=1)
    statuses = [http(emulator.base_url, "GET", FLOWS, auth=emulator.auth).status for _ in range(2)]
    assert statuses == [429, 500]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ({"rate": 0.5, "kinds": ["timeout"]}, "unknown fault kind 'timeout'"),
        ({"rate": 2}, "not a probability"),
        ({"rate": 0.5, "path": "("}, "not a valid regular expression"),
        ({"rate": 0.5, "kind": ["500"]}, "unknown fault rule key(s) kind"),
        ({"kinds": ["500"]}, "needs a numeric rate"),
        ({"rate": 0.5, "seed": "x"}, "seed must be an integer"),
        ({"rate": 0.5, "kinds": {"500": 0}}, "shares must be positive"),
    ],
)
def test_an_invalid_rule_is_refused_and_says_why(emulator: EmulatorHandle, spec: Any, says: str) -> None:
    answer = http(emulator.base_url, "POST", "/__emulator/faults", body=json.dumps(spec).encode(),
                  content_type="application/json")
    assert answer.status == 400
    assert says in answer.body["message"]


def test_an_unknown_emulator_endpoint_lists_the_known_ones(emulator: EmulatorHandle) -> None:
    answer = http(emulator.base_url, "GET", "/__emulator/fault")
    assert (answer.status, "GET /__emulator/faults" in answer.body["message"]) == (404, True)


# ------------------------------------------------------------------------------------------- the CLI


def test_the_cli_flags_set_a_seeded_rule() -> None:
    flags = ["--fault-rate", "1", "--fault-kinds", "503:2,429", "--fault-methods", "POST,DELETE",
             "--fault-path", "/Workspaces$", "--fault-seed", "7", "--fault-retry-after", "2", "--fault-limit", "5"]
    with emulator_subprocess([*emulator_args(), *flags]) as running:
        handle = EmulatorHandle(base_url=running.base_url)
        assert http(handle.base_url, "GET", "/__emulator/faults").body["rules"] == [{
            "rate": 1.0, "kinds": {"503": 2.0, "429": 1.0}, "methods": ["DELETE", "POST"], "path": "/Workspaces$",
            "retry_after": "2", "limit": 5,
        }]
        assert http(handle.base_url, "GET", WORKSPACES, auth=handle.auth).status == 200
        answer = create_workspace(handle, "x")
        assert (answer.status in (429, 503), answer.headers["Retry-After"]) == (True, "2")


def test_the_cli_replays_the_same_faults_for_a_seed() -> None:
    flags = ["--fault-rate", "0.5", "--fault-kinds", "500,502,drop", "--fault-seed", "3"]
    runs = []
    for _ in range(2):
        with emulator_subprocess([*emulator_args(), *flags]) as running:
            handle = EmulatorHandle(base_url=running.base_url)
            mixed_requests(handle)
            runs.append(faults_of(handle))
    assert runs[0] == runs[1]


def test_the_faults_flag_takes_the_endpoints_json_from_a_file(tmp_path: Path) -> None:
    plan = {"seed": 2, "rules": [{"rate": 1.0, "kinds": ["429"], "path": "^/studio/"}, {"rate": 1.0, "kinds": ["503"]}]}
    (tmp_path / "faults.json").write_text(json.dumps(plan))
    with emulator_subprocess([*emulator_args(), "--faults", f"@{tmp_path / 'faults.json'}"]) as running:
        statuses = [http(running.base_url, "GET", path, auth=(ACCOUNT_SID, AUTH_TOKEN)).status
                    for path in (FLOWS, WORKSPACES)]
        assert (statuses, http(running.base_url, "GET", "/__emulator/faults").body["seed"]) == ([429, 503], 2)


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--faults", '{"rate": 0.1}', "--fault-rate", "0.1"], "not both"),
        (["--faults", "{rate: 0.1}"], "--faults is not valid JSON"),
        (["--faults", "@/nonexistent/faults.json"], "--faults: cannot read /nonexistent/faults.json"),
        (["--fault-rate", "1.5"], "not a probability"),
        (["--fault-rate", "0.1", "--fault-kinds", "500,teapot"], "unknown fault kind 'teapot'"),
        (["--fault-kinds", "500"], "need --fault-rate"),
        (["--fault-seed", "3"], "need --fault-rate"),
        (["--fault-rate", "0.1", "--fault-draw-by", "body"], "invalid choice: 'body'"),
        (["--fault-rate", "0.1", "--fault-limit", "-1"], "fault limit -1 is negative"),
        (["--fault-rate", "0.1", "--fault-kinds", "500:x"], "must be a number"),
    ],
)
def test_bad_fault_flags_exit_2_and_say_why(flags: list[str], says: str) -> None:
    result = run_cli(*emulator_args(), *flags)
    assert (result.returncode, says in result.stderr) == (2, True)


# ------------------------------------------------------------------------------------------ the state


def test_the_state_endpoint_gives_the_whole_account_as_the_state_file_does(emulator: EmulatorHandle) -> None:
    state = emulator.state()
    assert state["format"] == "flex-pre-agent/twilio-emulator-state"
    assert [row["phone_number"] for row in state["phone_numbers"]] == list(PHONE_NUMBERS)


def test_comparable_states_of_the_same_runs_are_equal_though_sids_differ(
    fresh_emulators: tuple[EmulatorHandle, EmulatorHandle],
) -> None:
    for emulator in fresh_emulators:
        workspace = create_workspace(emulator, "Support").body
        queue = http(emulator.base_url, "POST", f"{WORKSPACES}/{workspace['sid']}/TaskQueues",
                     form={"FriendlyName": "Sales"}, auth=emulator.auth).body
        configuration = {"task_routing": {"filters": [], "default_filter": {"queue": queue["sid"]}}}
        http(emulator.base_url, "POST", f"{WORKSPACES}/{workspace['sid']}/Workflows", auth=emulator.auth,
             form={"FriendlyName": "Route", "Configuration": json.dumps(configuration)})
    first, second = (emulator.state(comparable=True) for emulator in fresh_emulators)
    assert first == second
    assert fresh_emulators[0].state() != fresh_emulators[1].state()


def test_comparable_state_names_sids_where_they_are_used(emulator: EmulatorHandle) -> None:
    workflows = emulator.state(comparable=True)["workflows"]
    (assign,) = [row for row in workflows if row["friendly_name"] == "Assign to Anyone"]
    assert assign["sid"] == "WW(Flex Task Assignment/Assign to Anyone)"
    assert "WQ(Flex Task Assignment/Everyone)" in assign["configuration"]
    assert "date_created" not in assign


def test_comparable_state_shows_a_duplicate_left_by_a_fault(
    fresh_emulators: tuple[EmulatorHandle, EmulatorHandle],
) -> None:
    faulty, clean = fresh_emulators
    faulty.set_faults({"rate": 1.0, "kinds": ["applied-error"]})
    create_workspace(faulty, "Support")
    faulty.clear_faults()
    create_workspace(faulty, "Support")
    create_workspace(clean, "Support")
    assert faulty.state(comparable=True) != clean.state(comparable=True)


# --------------------------------------------------------------------------------- the twilio SDK


@pytest.fixture
def plain_sdk(emulator: EmulatorHandle) -> Any:
    """The twilio SDK's own HTTP client (no retries of ours), sent to the emulator, with one keep-alive pool."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    from components.providers.twilio_api import rewrite_url

    class ToEmulator(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, rewrite_url(url, emulator.base_url), *args, **kwargs)

    return Client(emulator.account_sid, emulator.auth_token, http_client=ToEmulator())


def test_the_sdk_sees_a_drop_as_a_connection_error_and_its_next_request_works(
    emulator: EmulatorHandle, plain_sdk: Any,
) -> None:
    from requests.exceptions import ConnectionError as RequestsConnectionError

    assert len(plain_sdk.taskrouter.v1.workspaces.list()) == 1  # opens the keep-alive connection
    emulator.set_faults({"rate": 1.0, "kinds": ["applied-drop"], "methods": ["POST"]})
    with pytest.raises(RequestsConnectionError):
        plain_sdk.taskrouter.v1.workspaces.create(friendly_name="Orphan")
    assert [w.friendly_name for w in plain_sdk.taskrouter.v1.workspaces.list(friendly_name="Orphan")] == ["Orphan"]


def test_the_sdk_sees_an_injected_status_as_a_twilio_error(emulator: EmulatorHandle, plain_sdk: Any) -> None:
    from twilio.base.exceptions import TwilioRestException

    emulator.set_faults({"rate": 1.0, "kinds": ["502"], "path": "/Workspaces/WS"})
    (workspace,) = plain_sdk.taskrouter.v1.workspaces.list()
    with pytest.raises(TwilioRestException) as caught:
        plain_sdk.taskrouter.v1.workspaces(workspace.sid).fetch()
    assert (caught.value.status, caught.value.code) == (502, 20502)
