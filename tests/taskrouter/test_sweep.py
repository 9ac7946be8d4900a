"""False-pass sweep: every valid configuration of the corpus and the audits, broken each way TaskRouter is documented
to refuse (taskrouter.md §1.1/§1.3/§2, twilio-api.md §2.3/§2.4), is an error naming the broken path.

Each mutation is applied to every base, at one place of its kind (a filter, a first target, a later target,
default_filter) chosen by the mutation, so that the sweep as a whole reaches the places of every base; a test collects
every miss, so one failure lists them all. The resources' own settings (queue, workflow, names, SIDs) are checked on
the models and on the providers' offline check alike. What the reference leaves unverified stays a warning
(UNVERIFIED and UNVERIFIED_EXPRESSIONS below), asserted as one and never as an error.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from taskrouter import (
    Activity,
    Filter,
    Target,
    TaskChannel,
    TaskQueue,
    Workflow,
    Workspace,
    check_target_workers,
    configuration,
    configuration_problems,
    expression,
    lint_configuration,
)
from taskrouter.configuration import LARGEST_INTEGER
from taskrouter.keyed import keyed_configuration
from tests.providers.test_offline_contract import configured
from tests.taskrouter.support import CORPUS_WORKFLOWS
from tests.taskrouter.test_audit6 import AUDIT as AUDIT6
from tests.taskrouter.test_audit6 import rendered

HERE = Path(__file__).parent
FILES = [*CORPUS_WORKFLOWS, *sorted(HERE.glob("audit*/*.json"))]
Segment = str | int
Place = tuple[Segment, ...]


@pytest.fixture(autouse=True, scope="module")
def _parse_each_expression_once() -> Iterator[None]:
    """The bases' expressions are parsed once, not once per mutation: ``parse`` is a pure function of its text and
    kind (it raises for the same inputs every time, and a raise is not cached), so only the sweep's time changes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(configuration, "parse", functools.cache(expression.parse))
        yield


def _errors(data: object) -> list[str]:
    return [problem.path for problem in configuration_problems(data) if problem.severity == "error"]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


# The bases: every file TaskRouter takes as it is (the audits keep a few refused ones as evidence), and the sixth
# audit's Terraform templates as that audit renders them.
BASES = {path.name: data for path in FILES if not _errors(data := _load(path))}
BASES |= {path.name: json.loads(rendered(path.name)) for path in sorted(AUDIT6.glob("*.tftpl"))}


def test_the_sweep_has_bases_of_every_shape() -> None:
    assert len(BASES) >= 30
    shapes = [data["task_routing"] for data in BASES.values()]
    assert any(not routing.get("filters") for routing in shapes)
    assert any("default_filter" not in routing for routing in shapes)
    assert any(len(item["targets"]) > 1 for routing in shapes for item in routing.get("filters", []))


def _path(place: Place) -> str:
    text = ""
    for segment in place:
        text += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return text.lstrip(".")


def _places(data: dict[str, Any], where: str) -> Iterator[Place]:
    """The places of one kind in a configuration: root, routing, filter, first, later, default, target (any)."""
    routing = data["task_routing"]
    if where == "root":
        yield ()
    elif where == "routing":
        yield ("task_routing",)
    elif where == "default" and "default_filter" in routing:
        yield ("task_routing", "default_filter")
    for index, item in enumerate(routing.get("filters", [])):
        here: Place = ("task_routing", "filters", index)
        if where == "filter":
            yield here
        for target_index, _ in enumerate(item["targets"]):
            if where == "target" or (where == "first" and target_index == 0) or (where == "later" and target_index):
                yield (*here, "targets", target_index)
    if where == "target" and "default_filter" in routing:
        yield ("task_routing", "default_filter")


def _chosen(base: dict[str, Any], where: str, mutation: object) -> list[Place]:
    """One place of the kind per base, a different one for each mutation (so the sweep as a whole reaches every
    filter and target while each test stays fast): the n-th place, n a stable hash of the mutation."""
    places = list(_places(base, where))
    return [places[zlib.crc32(repr(mutation).encode()) % len(places)]] if places else []


def _get(data: Any, place: Place) -> Any:
    for segment in place:
        data = data[segment]
    return data


Change = Callable[[dict[str, Any]], None]  # applied to the object at the place


def _set(key: str, value: object) -> Change:
    return lambda target: target.__setitem__(key, copy.deepcopy(value))


def _drop(*keys: str) -> Change:
    def change(target: dict[str, Any]) -> None:
        for key in keys:
            target.pop(key, None)
    return change


_KEEP = object()  # no replacement: the change edits the object at the place


def _misses(where: str, change: Change, key: str | None, label: object, *, replace: object = _KEEP) -> list[str]:
    """Every (base, place) where the mutation is no error at the expected path; [] when the sweep holds."""
    misses: list[str] = []
    applied = 0
    for name, base in BASES.items():
        for place in _chosen(base, where, (where, key, label)):
            data: Any = copy.deepcopy(base)
            if replace is not _KEEP:
                if place:
                    _get(data, place[:-1])[place[-1]] = copy.deepcopy(replace)
                else:
                    data = copy.deepcopy(replace)
            else:
                change(_get(data, place))
            applied += 1
            expected = _path((*place, key) if key else place)
            errors = _errors(data)
            if expected not in errors:
                misses.append(f"{name} at {expected}: errors {errors}")
    assert applied, f"no base has a {where} place"
    return misses


# --- required keys missing at each level (wf-doc; taskrouter.md §1.1) ---------------------------------------------

MISSING = [
    ("root", "task_routing", ("task_routing",)),
    ("filter", "expression", ("expression",)),
    ("filter", "targets", ("targets",)),
    ("first", "queue", ("queue", "task_queue_sid")),
    ("default", "queue", ("queue", "task_queue_sid")),
]


@pytest.mark.parametrize(("where", "key", "dropped"), MISSING, ids=[f"{item[0]}-{item[1]}" for item in MISSING])
def test_a_required_key_missing_is_an_error_at_its_path(where: str, key: str, dropped: tuple[str, ...]) -> None:
    assert _misses(where, _drop(*dropped), key, dropped) == []


# --- wrong JSON types at each path --------------------------------------------------------------------------------

NOT_OBJECTS: list[object] = [[], "1==1", 7, True]
NOT_ARRAYS: list[object] = [{}, "[]", 7, True]
NOT_STRINGS: list[object] = [7, 1.5, True, [], {}]
# Whole numbers from 0 to 2**31-1 (or digit strings): wf-doc, twilio-java's Integer, OAI-tr's task priority.
NOT_INTEGERS: list[object] = [-1, "-1", 10.5, "ten", "", " ", "1e3", "0x10", True, False, [], {}, [1], {"value": 1},
                              LARGEST_INTEGER + 1, str(LARGEST_INTEGER + 1)]

REPLACED = [
    *(("root", None, value) for value in NOT_OBJECTS),
    *(("routing", None, value) for value in [*NOT_OBJECTS, None]),
    *(("filter", None, value) for value in [*NOT_OBJECTS, None]),
    *(("target", None, value) for value in NOT_OBJECTS),
    # A null in the targets array is no target (its queue, required on a first target, is missing). Not asserted for
    # default_filter: whether TaskRouter reads "default_filter": null as absent, as it does null optional keys
    # (NULL_IS_ABSENT), is unverified; it is an error today.
    *((where, None, None) for where in ("first", "later")),
]


@pytest.mark.parametrize(("where", "key", "value"), REPLACED, ids=[f"{item[0]}={item[2]!r}" for item in REPLACED])
def test_an_object_of_the_wrong_type_is_an_error_at_its_path(where: str, key: None, value: object) -> None:
    assert _misses(where, _drop(), key, value, replace=value) == []


TYPED = [
    *(("routing", "filters", value) for value in NOT_ARRAYS),
    *(("routing", "default_filter", value) for value in NOT_OBJECTS),
    *(("filter", "targets", value) for value in [*NOT_ARRAYS, []]),
    *(("filter", "expression", value) for value in [*NOT_STRINGS, None]),
    *(("filter", "filter_friendly_name", value) for value in NOT_STRINGS),
    *(("target", key, value) for key in ("expression", "order_by", "skip_if", "known_worker_sid",
                                         "known_worker_friendly_name") for value in NOT_STRINGS),
    *(("target", "queue", value) for value in [*NOT_STRINGS, "", "  "]),
    *(("target", key, value) for key in ("priority", "timeout") for value in NOT_INTEGERS),
    # A null required key: null is read as absent (NULL_IS_ABSENT), so it is missing.
    ("filter", "targets", None), ("first", "queue", None), ("default", "queue", None),
]


def _by_slot(items: list[tuple[str, str, Any]]) -> list[tuple[str, str, list[Any]]]:
    """The values of each (where, key) slot together: one test per slot, whose failure lists every value missed."""
    slots: dict[tuple[str, str], list[Any]] = {}
    for where, key, value in items:
        slots.setdefault((where, key), []).append(value)
    return [(where, key, values) for (where, key), values in slots.items()]


@pytest.mark.parametrize(("where", "key", "values"), _by_slot(TYPED), ids=[f"{w}.{k}" for w, k, _ in _by_slot(TYPED)])
def test_a_value_of_the_wrong_type_or_range_is_an_error_at_its_path(where: str, key: str, values: list[object]) -> None:
    assert [miss for value in values for miss in _misses(where, _set(key, value), key, value)] == []


# JSON has no NaN or Infinity (RFC 8259 section 6), though Python's json module reads them: under any key, known or
# not, the text is no JSON. Found by this sweep: under a key TaskRouter may ignore it passed with a warning.
NOT_JSON = [
    (where, key, value) for value in (math.nan, math.inf, -math.inf)
    for where, key in (("root", "notes"), ("routing", "comment"), ("filter", "friendly_name"), ("target", "priority"),
                       ("target", "retries"), ("default", "timeout"))
]


@pytest.mark.parametrize(("where", "key", "value"), NOT_JSON,
                         ids=[f"{item[0]}.{item[1]}={item[2]}" for item in NOT_JSON])
def test_nan_or_infinity_is_an_error_at_its_path_in_text_and_in_an_object(where: str, key: str, value: float) -> None:
    assert _misses(where, _set(key, value), key, value) == []
    for name, base in BASES.items():
        for place in _chosen(base, where, (where, key, value)):
            data = copy.deepcopy(base)
            _get(data, place)[key] = value
            assert _errors(json.dumps(data)) == [_path((*place, key))], name


def test_the_workflow_provider_refuses_nan_in_configuration_text() -> None:
    text = json.dumps({**BASES["fpt_template_example_callback.json"], "notes": math.nan})
    ((prop, reason),) = _provider_failures(WorkflowProvider(), {**WORKFLOW, "configuration": text})
    assert (prop, reason.split(" (")[0]) == ("configuration", "configuration: notes: NaN is not a JSON number")


# --- invalid expressions in each expression slot ([expr-doc]; [ai]: 20001 for a hyphenated key) ----------------------

# Not here: &&, || and a leading NOT. expression.py refuses them (undocumented in [expr-doc]), but taskrouter.md marks
# "&&"/"||" "accepted? (unverified)" and NOT "[ai] lists NOT — unverified": the sweep asserts no refusal it cannot cite.
BROKEN_CONDITIONS = ["", "   ", "skill-level == 1", "a ==", "== 1", "(a == 1", "a == 1)", "a == 1 AND", "OR a == 1",
                     "!(a == 1)", "a = = 1", "a == 'x", "a == 1 b == 2", "a LIKE 'x'", "a IN ['x'", "a.1x == 1",
                     "a == [1, ]", "a ~ 1"]
BROKEN_TARGETS = [text.replace("a ", "task.a ").replace("(a ", "(task.a ") for text in BROKEN_CONDITIONS]
BROKEN_SKIPS = ["", "workers.available ==", "workers-available == 0", "workers.available == 0 AND",
                "(workers.available == 0"]
BROKEN_ORDERS = ["", "worker.level", "worker.level UP", "worker.level ASC,", "ASC", "worker.level ASC DESC",
                 "worker-level ASC", "worker.level ASC worker.age DESC", "worker.level == 1"]
BROKEN_KNOWN = ["", " ", "worker.sid", "task", "{{task.agent_sid}}", "task.agent_sid == worker.sid",
                "task.agent-sid", "${task.agent_sid", "1", "'task.agent_sid'"]

EXPRESSIONS = [
    *(("filter", "expression", text) for text in BROKEN_CONDITIONS),
    *(("target", "expression", text) for text in BROKEN_TARGETS),
    *(("target", "skip_if", text) for text in BROKEN_SKIPS),
    *(("target", "order_by", text) for text in BROKEN_ORDERS),
    *(("target", key, text) for key in ("known_worker_sid", "known_worker_friendly_name") for text in BROKEN_KNOWN),
]


@pytest.mark.parametrize(("where", "key", "texts"), _by_slot(EXPRESSIONS),
                         ids=[f"{w}.{k}" for w, k, _ in _by_slot(EXPRESSIONS)])
def test_an_invalid_expression_is_an_error_at_its_slot(where: str, key: str, texts: list[str]) -> None:
    assert [miss for text in texts for miss in _misses(where, _set(key, text), key, text)] == []


def test_both_known_worker_keys_on_one_target_are_an_error() -> None:
    def both(target: dict[str, Any]) -> None:
        target.update(known_worker_sid="task.agent_sid", known_worker_friendly_name="task.agent")

    assert _misses("target", both, "known_worker_friendly_name", "both") == []


# --- the models: a target built in Python refuses the same values (stricter: no digit strings or whole floats) ------

TARGET_VALUES = [item for item in [*TYPED, *EXPRESSIONS] if item[0] == "target" and item[1] != "queue"]


def _target_model_problem(key: str, value: object) -> str | None:
    try:
        Target.model_validate({key: value})
    except ValidationError as error:
        fields = {item["loc"][0] for item in error.errors()}
        return None if fields == {key} else f"{key}={value!r}: refused at {fields}"
    return f"{key}={value!r}: taken"


@pytest.mark.parametrize(("where", "key", "values"), _by_slot(TARGET_VALUES),
                         ids=[key for _, key, _ in _by_slot(TARGET_VALUES)])
def test_a_target_model_refuses_the_value_naming_its_field(where: str, key: str, values: list[object]) -> None:
    assert [problem for value in values if (problem := _target_model_problem(key, value))] == []


def test_the_models_refuse_a_missing_required_part() -> None:
    queue = TaskQueue(key="support")
    with pytest.raises(ValidationError, match="first target"):
        Filter(expression="1==1", targets=(Target(priority=1),))
    with pytest.raises(ValidationError, match="targets"):
        Filter(expression="1==1", targets=())
    with pytest.raises(ValidationError, match="default_filter needs a queue"):
        Workflow(friendly_name="w", default_filter=Target(priority=1))
    assert Filter(expression="1==1", targets=(Target(queue=queue), Target(priority=1))).targets[1].queue is None


# --- the reference's unverified forms: warnings, never errors -----------------------------------------------------

UNVERIFIED = [
    # taskrouter.md §1.3: "Whether the live API rejects unknown keys ... is (unverified)".
    ("root", "workflow_name", "x", "unknown-key"),
    ("routing", "filter", [], "unknown-key"),
    ("filter", "friendlyName", "x", "unknown-key"),
    ("target", "task_queue", "WQ" + "0" * 32, "unknown-key"),
    # twilio-python's docs still write task_queue_sid; read when queue is absent, unverified that TaskRouter does.
    ("later", "task_queue_sid", "WQ" + "0" * 32, "legacy-key"),
    # wf-doc: default_filter has no timeout; what TaskRouter does with one is not said.
    ("default", "timeout", 30, "ignored-key"),
    ("default", "skip_if", "workers.available == 0", "ignored-key"),
    # A 0 timeout is deployed (techmatters); that it is not read as "no timeout" is unverified.
    ("later", "timeout", 0, "zero-timeout"),
    # Jackson reads 10.0 as a Java Integer; unverified for the endpoint.
    ("target", "priority", 10.0, "whole-number-float"),
    # A null optional key is echoed by TaskRouter (task-router-django's recorded 201).
    ("target", "expression", None, "null-value"),
    # Another kind's SID names no queue; whether TaskRouter refuses a queue it does not find is unverified (§1.3).
    ("first", "queue", "WA" + "0" * 32, "not-a-queue-sid"),
    ("default", "queue", "WW" + "f" * 32, "not-a-queue-sid"),
]


# The expression forms Twilio's docs neither show nor forbid (expression.py's module docstring): read, and warned
# about by lint at the slot, never an error. (configuration_problems reports errors; lint adds these warnings.)
UNVERIFIED_EXPRESSIONS = [
    ("filter", "expression", "a = 1", "single-equals"),
    ("filter", "expression", "a == .5", "number-form"),
    ("filter", "expression", "a IN ('x', 'y')", "parenthesised-list"),
    ("filter", "expression", "a == 1 AND b == 2 OR c == 3", "mixed-and-or"),
    ("filter", "expression", "a ==\u00a01", "unusual-space"),
    ("filter", "expression", "a == 'C:\\x'", "backslash-in-string"),
    ("filter", "expression", "task.a == 1", "prefixed-key"),
    ("filter", "expression", "taskrouter.hour == 1", "unknown-variable"),
    ("filter", "expression", "a == b-c", None),  # not unverified: a hyphen outside quotes is refused (control)
    ("target", "expression", "isSurveyTask == true", "missing-prefix"),
    ("target", "skip_if", "foo == 1", "unknown-variable"),
    ("target", "order_by", "task.level ASC", "missing-prefix"),
]


@pytest.mark.parametrize(("where", "key", "text", "code"), UNVERIFIED_EXPRESSIONS,
                         ids=[f"{item[1]}={item[2]!r}" for item in UNVERIFIED_EXPRESSIONS])
def test_an_unverified_expression_form_is_a_lint_warning_at_its_slot_not_an_error(where: str, key: str, text: str,
                                                                                  code: str | None) -> None:
    for name, base in BASES.items():
        for place in _chosen(base, where, (where, key, text)):
            data = copy.deepcopy(base)
            _get(data, place)[key] = text
            path = _path((*place, key))
            if code is None:
                assert path in _errors(data), name
                continue
            assert _errors(data) == [], name
            assert (code, path) in {(finding.code, finding.path) for finding in lint_configuration(data)}, name


# A queue value that is no SID at all is read as written, neither error nor warning: the bases themselves hold
# placeholders in four spellings, and TaskRouter's answer to a queue it does not find is unverified (§1.3).
@pytest.mark.parametrize("value", ["Everyone", "${QUEUE_SID}", "%(queue_sid)s", "WQ0000000000000000000000000000park"])
def test_a_queue_value_that_is_no_sid_is_read_as_written(value: str) -> None:
    data = {"task_routing": {"default_filter": {"queue": value}}}
    assert configuration_problems(data) == []


@pytest.mark.parametrize(("where", "key", "value", "code"), UNVERIFIED,
                         ids=[f"{item[0]}.{item[1]}" for item in UNVERIFIED])
def test_an_unverified_form_is_a_warning_at_its_path_not_an_error(where: str, key: str, value: object,
                                                                  code: str) -> None:
    misses = []
    for name, base in BASES.items():
        for place in _chosen(base, where, (where, key, value)):
            data = copy.deepcopy(base)
            _get(data, place)[key] = copy.deepcopy(value)
            problems = [(problem.path, problem.code, problem.severity) for problem in configuration_problems(data)]
            if (_path((*place, key)), code, "warning") not in problems or any(p[2] == "error" for p in problems):
                misses.append(f"{name} at {_path(place)}: {problems}")
    assert misses == []


# --- the provider's offline check: the same mutations reach `pulumi preview` as check failures --------------------

WQ = "WQ" + "c" * 32
WS = "WS" + "a" * 32
WORKFLOW: dict[str, Any] = {"workspace_sid": WS, "friendly_name": "Support"}
PROVIDER_CASES = [(where, key, value) for where, key, value in [*TYPED, *EXPRESSIONS] if where != "routing"][::7]


def _provider_failures(provider: Any, news: dict[str, Any]) -> list[tuple[str, str]]:
    return [(failure.property, failure.reason) for failure in configured(provider).check({}, news).failures]


@pytest.mark.parametrize("keyed", [False, True], ids=["list", "keyed"])
def test_the_workflow_provider_check_names_the_broken_path(keyed: bool) -> None:
    base = BASES["fpt_template_example_park_resume.json"]
    misses = []
    for where, key, value in PROVIDER_CASES:
        for place in _places(base, where):
            data = copy.deepcopy(base)
            _get(data, place)[key] = copy.deepcopy(value)
            sent = keyed_configuration(data) if keyed else data
            failures = _provider_failures(WorkflowProvider(), {**WORKFLOW, "configuration": sent})
            expected = _path((*place, key))
            if not any(prop == "configuration" and f"{expected}:" in reason for prop, reason in failures):
                misses.append(f"{expected}={value!r}: {failures}")
    assert misses == []


def test_the_workflow_provider_takes_every_base() -> None:
    assert {name: _provider_failures(WorkflowProvider(), {**WORKFLOW, "configuration": data})
            for name, data in BASES.items() if _provider_failures(WorkflowProvider(), {**WORKFLOW,
                                                                                      "configuration": data})} == {}


# --- workflow and queue resource settings: OAI-tr ranges and the queue's target_workers ----------------------------

# OAI-tr, Workflows POST: TaskReservationTimeout "Can be up to 86,400"; taskrouter.md §1.2 "(default 120 s, ≤ 86,400)".
@pytest.mark.parametrize("seconds", [0, -1, 86_401, 10**6])
def test_a_reservation_timeout_out_of_range_is_refused_by_model_and_provider(seconds: int) -> None:
    with pytest.raises(ValidationError) as error:
        Workflow(friendly_name="w", task_reservation_timeout=seconds)
    assert [item["loc"] for item in error.value.errors()] == [("task_reservation_timeout",)]
    failures = _provider_failures(WorkflowProvider(), {**WORKFLOW, "task_reservation_timeout": seconds,
                                                       "configuration": {"task_routing": {"default_filter": {
                                                           "queue": WQ}}}})
    assert [prop for prop, _ in failures] == ["task_reservation_timeout"]


@pytest.mark.parametrize("seconds", [1, 120, 86_400])
def test_a_reservation_timeout_in_range_is_taken(seconds: int) -> None:
    assert Workflow(friendly_name="w", task_reservation_timeout=seconds).task_reservation_timeout == seconds
    assert _provider_failures(WorkflowProvider(), {**WORKFLOW, "task_reservation_timeout": seconds,
                                                   "configuration": {"task_routing": {}}}) == []


QUEUE: dict[str, Any] = {"workspace_sid": WS, "friendly_name": "Support"}
# OAI-tr, TaskQueues POST: MaxReservedWorkers 1..50 ("Maximum of 50"); TaskOrder enum FIFO | LIFO.
QUEUE_SETTINGS: list[tuple[str, object]] = [
    ("max_reserved_workers", 0), ("max_reserved_workers", 51), ("max_reserved_workers", -1),
    ("task_order", "fifo"), ("task_order", "RANDOM"), ("task_order", ""),
    *(("target_workers", text) for text in [text for text in BROKEN_CONDITIONS if text]),
]


@pytest.mark.parametrize(("key", "value"), QUEUE_SETTINGS, ids=[f"{key}={value!r}" for key, value in QUEUE_SETTINGS])
def test_a_queue_setting_taskrouter_refuses_is_refused_by_model_and_provider(key: str, value: object) -> None:
    with pytest.raises(ValidationError) as error:
        TaskQueue.model_validate({"key": "support", key: value})
    assert {item["loc"][0] for item in error.value.errors()} == {key}
    failures = _provider_failures(TaskQueueProvider(), {**QUEUE, key: value})
    assert [prop for prop, _ in failures] == [key]
    if key == "target_workers":
        assert check_target_workers(value) != []


@pytest.mark.parametrize(("key", "value"), [("max_reserved_workers", 1), ("max_reserved_workers", 50),
                                            ("task_order", "LIFO"), ("target_workers", ""),
                                            ("target_workers", "1==0")])
def test_a_queue_setting_in_range_is_taken(key: str, value: object) -> None:
    assert getattr(TaskQueue.model_validate({"key": "support", key: value}), key) == value
    assert _provider_failures(TaskQueueProvider(), {**QUEUE, key: value}) == []


# Names: OAI-tr ("It can be up to 64 characters long" for a workspace's, an activity's and a task channel's friendly
# name) and the task channel page ("friendlyName and uniqueName values do not support hyphens"). The model refuses
# what the provider's check refuses; before the sweep, a channel's hyphenated or long friendly name and a long
# workspace name passed the models and were refused only by `pulumi preview`.
NAMES: list[tuple[type[Any], dict[str, Any], Any, dict[str, Any], str]] = [
    (TaskChannel, {"unique_name": "callback", "friendly_name": "Call-back"}, TaskChannelProvider(),
     {"workspace_sid": WS, "unique_name": "callback", "friendly_name": "Call-back"}, "friendly_name"),
    (TaskChannel, {"unique_name": "call-back", "friendly_name": "Callback"}, TaskChannelProvider(),
     {"workspace_sid": WS, "unique_name": "call-back", "friendly_name": "Callback"}, "unique_name"),
    (TaskChannel, {"unique_name": "callback", "friendly_name": "C" * 65}, TaskChannelProvider(),
     {"workspace_sid": WS, "unique_name": "callback", "friendly_name": "C" * 65}, "friendly_name"),
    (Activity, {"friendly_name": "A" * 65, "available": True}, ActivityProvider(),
     {"workspace_sid": WS, "friendly_name": "A" * 65, "available": True}, "friendly_name"),
    (Workspace, {"friendly_name": "W" * 65}, WorkspaceProvider(), {"friendly_name": "W" * 65}, "friendly_name"),
]


@pytest.mark.parametrize(("model", "fields", "provider", "news", "key"), NAMES,
                         ids=[f"{item[0].__name__}.{item[4]}" for item in NAMES])
def test_a_name_taskrouter_refuses_is_refused_by_model_and_provider(model: type[Any], fields: dict[str, Any],
                                                                    provider: Any, news: dict[str, Any],
                                                                    key: str) -> None:
    with pytest.raises(ValidationError) as error:
        model.model_validate(fields)
    assert {item["loc"][0] for item in error.value.errors()} == {key}
    assert [prop for prop, _ in _provider_failures(provider, news)] == [key]


# The providers' own SID rules: adopt_sid of the resource's kind (validate()), activity SIDs on a queue (args).
SIDS: list[tuple[Any, dict[str, Any], str, str]] = [
    (WorkspaceProvider(), {"friendly_name": "Flex Task Assignment"}, "adopt_sid", WQ),
    (ActivityProvider(), {"workspace_sid": WS, "friendly_name": "Lunch", "available": False}, "adopt_sid", WS),
    (TaskChannelProvider(), {"workspace_sid": WS, "unique_name": "callback", "friendly_name": "Callback"},
     "adopt_sid", "WA" + "0" * 32),
    (TaskQueueProvider(), QUEUE, "adopt_sid", "WW" + "0" * 32),
    (WorkflowProvider(), {**WORKFLOW, "configuration": {"task_routing": {}}}, "adopt_sid", WQ),
    (TaskQueueProvider(), QUEUE, "reservation_activity_sid", WQ),
    (TaskQueueProvider(), QUEUE, "assignment_activity_sid", "Available"),
]


@pytest.mark.parametrize(("provider", "news", "key", "value"), SIDS,
                         ids=[f"{type(item[0]).__name__}.{item[2]}" for item in SIDS])
def test_a_sid_of_another_kind_is_refused_by_the_provider(provider: Any, news: dict[str, Any], key: str,
                                                          value: str) -> None:
    assert _provider_failures(provider, news) == []
    assert [prop for prop, _ in _provider_failures(provider, {**news, key: value})] == [key]
