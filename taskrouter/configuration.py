"""Checking a workflow configuration JSON document (taskrouter.md §1.1 and §1.3).

``configuration_problems`` never raises: it returns every problem with its path, e.g.
``task_routing.filters[0].targets[1].expression``, each an error (TaskRouter would reject it) or a
warning (it is accepted but probably not meant); ``check_configuration`` keeps the errors. Queue values
are not checked against the ``WQ…`` SID pattern, so that ``${QUEUE_SID}`` placeholders and emulator
SIDs pass; the SID of another kind of object is warned about (not-a-queue-sid).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from taskrouter.expression import ExpressionError, ExpressionKind, Severity, excerpt, parse, parse_task_reference

# A key outside these lists is a warning (unknown-key), not a problem TaskRouter would reject: whether the live
# API rejects unknown keys is unverified (taskrouter.md §1.3), and deployed configurations carry them:
# kaiquelupo/twilio-power-dialer's filters have "friendlyName", twilio-python's docs a target's "task_queue_sid".
ROOT_KEYS = ("task_routing",)
ROUTING_KEYS = ("filters", "default_filter")
# "friendly_name" is the legacy spelling twilio-java's WorkflowRule still reads.
FILTER_KEYS = ("filter_friendly_name", "friendly_name", "expression", "targets")
# Which expression kind each expression-valued key of a target holds.
TARGET_EXPRESSION_KINDS: Mapping[str, ExpressionKind] = {
    "expression": "target", "order_by": "order_by", "skip_if": "skip_if"}
KNOWN_WORKER_KEYS = ("known_worker_sid", "known_worker_friendly_name")
TARGET_KEYS = ("queue", "priority", "timeout", *TARGET_EXPRESSION_KINDS, *KNOWN_WORKER_KEYS)
# The legacy spelling of a target's queue, read only when "queue" is absent, with a legacy-key warning.
# Unverified that TaskRouter still reads it: twilio-python's own docs (docs/usage/taskrouter.rst) update a
# workflow whose targets are {"task_queue_sid": "WQ..."}.
LEGACY_QUEUE_KEY = "task_queue_sid"
# A target's integer keys and the values TaskRouter takes, both ends included; models.Target uses the same
# ranges. priority: a Task's priority "can be 0 to 2^31^ (2,147,483,647)" (OAI-tr, Task Priority), and a
# target's priority becomes its task's. timeout: seconds in the step (wf-doc), no documented maximum; twilio-java
# reads both as a Java Integer, whose largest value is that same 2,147,483,647. Unverified: that the Workflow
# endpoint answers 400 above it (the bound is documented for a Task's priority, not for a target's).
# A timeout of 0 is taken, with a zero-timeout warning: techmatters/flex-plugins deployed it (its ca helpline's
# Terraform, taskRouter module v1, renders twilio-iac/helplines/ca/templates/master-workflow.tftpl @ 5bfeede2,
# whose KHP French fallback target is {"timeout": 0, "priority": 0, ...}), and no Twilio page says 0 is refused.
# It is read as written, as every timeout is (the task leaves the step after 0 seconds if no worker is reserved
# at once); that TaskRouter does not read it as "no timeout" instead is unverified, hence the warning.
# A whole number written with a fraction ("priority": 10.0, as Python's json.dumps writes a float) is read as the
# integer and warned about (whole-number-float): JSON does not tell 10.0 from 10 as a number, and a Java Integer
# read by Jackson (twilio-java's model) takes 10.0, but that the Workflow endpoint does is unverified. A fraction
# (10.5) stays an error: no task priority or timeout in seconds holds it, so it cannot route as written.
LARGEST_INTEGER = 2**31 - 1
TARGET_INTEGER_RANGES: Mapping[str, tuple[int, int]] = {"priority": (0, LARGEST_INTEGER),
                                                        "timeout": (0, LARGEST_INTEGER)}
# Optional keys given as null are read as absent, with a null-value warning. TaskRouter accepts them: a recorded
# answer (TwilioDevEd/task-router-django fixtures/vcr_create_workspace.yaml, 2016) is a 201 to a Workflow create
# whose filters have "friendly_name": null and first targets "expression": null, echoed back as sent. Unverified
# that it reads them as absent, but Twilio's own helpers sent them: twilio-python 5.x's docs create a workflow from
# WorkflowConfig.to_json(), whose default_filter has "priority": null and "timeout": null, and
# techmatters/flex-plugins' taskRouter Terraform module jsonencodes optional timeout/priority/skip_if as null.
FILTER_NAME_KEYS = ("filter_friendly_name", "friendly_name")
NULL_IS_ABSENT: Mapping[str, tuple[str, ...]] = {"filter": FILTER_NAME_KEYS,
                                                 "target": (*TARGET_KEYS, LEGACY_QUEUE_KEY)}
_DIGITS = re.compile(r"[0-9]+")
# A queue value that is the SID of another kind of object (an activity's WA…, a workflow's WW…) names no TaskQueue:
# a warning (not-a-queue-sid), not an error, since whether TaskRouter refuses a queue it does not find is unverified
# (taskrouter.md §1.3). Other values that are no SID are not checked: ${QUEUE_SID} placeholders and test SIDs pass.
_OTHER_SID = re.compile(r"(?!WQ)[A-Z]{2}[0-9a-fA-F]{32}")
DEFAULT_FILTER_PATH = "task_routing.default_filter"
# A configuration without default_filter is neither an error nor a warning. TaskRouter accepts it: flex-project-
# template deploys its chat transfer and internal call workflows without one through Terraform, and
# nash-md/twilio-contact-center creates its workflow without one. Twilio's docs say to always include one, but
# those are special-purpose workflows every task is meant to match; routing reports a task that matches no filter
# there as unrouted (add a default_filter), which is where it matters.


def filter_path(index: int) -> str:
    """JSON path of a filter, as problems and lint findings report it."""
    return f"task_routing.filters[{index}]"


def target_path(filter_index: int, target_index: int) -> str:
    """JSON path of one target of a filter."""
    return f"{filter_path(filter_index)}.targets[{target_index}]"


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a configuration: where (a JSON path) and what, with the fix.

    An error is something TaskRouter would reject; a warning something it accepts that is probably
    not meant. ``code`` names the kind, as lint reports it.
    """

    path: str
    message: str
    severity: Severity = "error"
    code: str = "invalid-configuration"

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        return f"{label}{self.path or 'configuration'}: {self.message}"


def _warning(path: str, code: str, message: str) -> ConfigProblem:
    return ConfigProblem(path, message, "warning", code)


class ConfigurationError(ValueError):
    """A configuration TaskRouter would reject: its errors, and the warnings found beside them."""

    def __init__(self, problems: list[ConfigProblem], source: str = "workflow configuration") -> None:
        self.problems = problems
        errors = sum(problem.severity == "error" for problem in problems)
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{source} has {errors} {'problem' if errors == 1 else 'problems'}:\n{lines}")


def integer_value(value: object) -> int | None:
    """An int, a string of digits as the docs show (``"10"``) or a whole float (``10.0``); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value)
    return None


def integer_problem(key: str, value: object) -> str | None:
    """Why a target's priority or timeout is not one TaskRouter takes (see TARGET_INTEGER_RANGES); None if it is."""
    smallest, largest = TARGET_INTEGER_RANGES[key]
    number = integer_value(value)
    if number is None or number < smallest:
        return f"must be an integer from {smallest} to {largest:,} (or a string of digits), not {json.dumps(value)}"
    if number > largest:
        return (f"{number:,} is more than {largest:,}, the largest {key} TaskRouter takes (a 32-bit integer); "
                "use a smaller number")
    return None


def given(data: Mapping[str, object], key: str) -> bool:
    """Whether a key is in a configuration object with a value: a null one is read as absent (NULL_IS_ABSENT)."""
    return data.get(key) is not None


def _null_values(data: Mapping[str, object], keys: tuple[str, ...], path: str) -> Iterator[ConfigProblem]:
    """A null-value warning for each of ``keys`` (NULL_IS_ABSENT) that is null."""
    for key in keys:
        if key in data and data[key] is None:
            yield _warning(f"{path}.{key}", "null-value", f"{key} is null, which is read as if it were absent; "
                           "remove the key or give it a value")


def expression_problem(path: str, text: str, kind: ExpressionKind, error: ExpressionError) -> ConfigProblem:
    """One line describing an invalid expression at ``path``."""
    shown = excerpt(text, error.column)
    return ConfigProblem(path, f"invalid {kind} expression {shown!r}: column {error.column}: {error.message} "
                               f"(fix: {error.hint})")


def _unknown_keys(data: Mapping[str, object], allowed: tuple[str, ...], path: str, what: str,
                  legacy: tuple[str, ...] = ()) -> Iterator[ConfigProblem]:
    for key in data:
        if key not in allowed and key not in legacy:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f"did you mean {close[0]!r}? " if close else ""
            yield _warning(f"{path}.{key}", "unknown-key", f"unknown key in {what}, which TaskRouter may ignore; "
                           f"{suggestion}allowed keys: {', '.join(allowed)}")


def target_queue(target: Mapping[str, object]) -> tuple[str, object]:
    """The key giving a target's queue and its value: ``queue``, else its legacy spelling; (queue, None) if none."""
    for key in ("queue", LEGACY_QUEUE_KEY):
        if target.get(key) is not None:
            return key, target[key]
    return "queue", None


def _check_expression(value: object, path: str, kind: ExpressionKind) -> Iterator[ConfigProblem]:
    if not isinstance(value, str):
        yield ConfigProblem(path, f"must be a string holding a {kind} expression, not {_json_type(value)}")
        return
    try:
        parse(value, kind)
    except ExpressionError as error:
        yield expression_problem(path, value, kind, error)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


_ZERO_TIMEOUT = ("timeout 0 is read as written: the task leaves this step at once unless a worker is reserved "
                 "immediately, and after a filter's last step it goes to the filters below (canceled if none "
                 "matches); unverified that TaskRouter does not read 0 as no timeout. To keep the task here until a "
                 "worker accepts, remove timeout; to move on only when nobody is available, write "
                 "\"skip_if\": \"workers.available == 0\"")
_FIRST_TARGET_QUEUE = ("is required on a filter's first target (later targets inherit the queue of the target "
                       "before them); set it to a TaskQueue SID")
_DEFAULT_QUEUE = "is required: the TaskQueue SID for tasks that match no filter"


def _check_target(target: object, path: str, *, missing_queue: str | None) -> Iterator[ConfigProblem]:
    if not isinstance(target, dict):
        yield ConfigProblem(path, f"a target must be a JSON object, not {_json_type(target)}")
        return
    yield from _unknown_keys(target, TARGET_KEYS, path, "a target", (LEGACY_QUEUE_KEY,))
    yield from _null_values(target, NULL_IS_ABSENT["target"], path)
    queue_key, queue = target_queue(target)
    if given(target, LEGACY_QUEUE_KEY):
        queue_given = queue_key == "queue" and queue is not None
        ignored = f" (queue is also given, so {LEGACY_QUEUE_KEY} is ignored)" if queue_given else ""
        yield _warning(f"{path}.{LEGACY_QUEUE_KEY}", "legacy-key",
                       f"{LEGACY_QUEUE_KEY} is the legacy spelling of queue; write queue{ignored}")
    if queue is None:
        if missing_queue:
            yield ConfigProblem(f"{path}.queue", missing_queue)
    elif not isinstance(queue, str):
        yield ConfigProblem(f"{path}.{queue_key}", f"must be a TaskQueue SID string, not {_json_type(queue)}")
    elif not queue.strip():
        yield ConfigProblem(f"{path}.{queue_key}", "must not be empty; set it to a TaskQueue SID")
    elif _OTHER_SID.fullmatch(queue.strip()):
        yield _warning(f"{path}.{queue_key}", "not-a-queue-sid",
                       f"{queue.strip()[:2]}… is no TaskQueue SID (those start with WQ): this names no queue, and "
                       "TaskRouter probably refuses it (unverified); set it to the queue's WQ… SID")
    for key in TARGET_INTEGER_RANGES:
        if given(target, key):
            value = target[key]
            message = integer_problem(key, value)
            if message:
                yield ConfigProblem(f"{path}.{key}", message)
            elif isinstance(value, float):
                yield _warning(f"{path}.{key}", "whole-number-float",
                               f"{json.dumps(value)} is read as the integer {int(value)}; Twilio documents {key} as "
                               f"an integer, and that TaskRouter takes one written with a fraction is unverified; "
                               f"write {int(value)}")
    if path != DEFAULT_FILTER_PATH and given(target, "timeout") and integer_value(target["timeout"]) == 0:
        yield _warning(f"{path}.timeout", "zero-timeout", _ZERO_TIMEOUT)
    for key, kind in TARGET_EXPRESSION_KINDS.items():
        if given(target, key):
            yield from _check_expression(target[key], f"{path}.{key}", kind)
    for key in KNOWN_WORKER_KEYS:
        if given(target, key):
            yield from _check_known_worker(target[key], f"{path}.{key}")
    if all(given(target, key) for key in KNOWN_WORKER_KEYS):
        yield ConfigProblem(f"{path}.known_worker_friendly_name",
                            "use either known_worker_sid or known_worker_friendly_name, not both")


def _check_known_worker(value: object, path: str) -> Iterator[ConfigProblem]:
    if not isinstance(value, str):
        yield ConfigProblem(path, f"must be a string such as 'task.agent_sid', not {_json_type(value)}")
        return
    try:
        parse_task_reference(value)
    except ExpressionError as error:
        yield ConfigProblem(path, f"{error.message} (fix: {error.hint})")


def _check_filter(item: object, filter_index: int) -> Iterator[ConfigProblem]:
    path = filter_path(filter_index)
    if not isinstance(item, dict):
        yield ConfigProblem(path, f"a filter must be a JSON object, not {_json_type(item)}")
        return
    yield from _unknown_keys(item, FILTER_KEYS, path, "a filter")
    yield from _null_values(item, NULL_IS_ABSENT["filter"], path)
    for key in FILTER_NAME_KEYS:
        if given(item, key) and not isinstance(item[key], str):
            yield ConfigProblem(f"{path}.{key}", f"must be a string, not {_json_type(item[key])}")
    if "expression" not in item:
        yield ConfigProblem(f"{path}.expression", "is required: the condition on task attributes, e.g. \"1==1\"")
    else:
        yield from _check_expression(item["expression"], f"{path}.expression", "filter")
    targets = item.get("targets")
    if targets is None:
        yield ConfigProblem(f"{path}.targets", "is required: a list of routing steps, e.g. [{\"queue\": \"WQ…\"}]")
    elif not isinstance(targets, list) or not targets:
        yield ConfigProblem(f"{path}.targets", "must be a non-empty array of targets")
    else:
        for index, target in enumerate(targets):
            missing_queue = _FIRST_TARGET_QUEUE if index == 0 else None
            yield from _check_target(target, target_path(filter_index, index), missing_queue=missing_queue)


def _check_routing(routing: object) -> Iterator[ConfigProblem]:
    path = "task_routing"
    if not isinstance(routing, dict):
        yield ConfigProblem(path, f"must be a JSON object with filters and default_filter, not {_json_type(routing)}")
        return
    yield from _unknown_keys(routing, ROUTING_KEYS, path, "task_routing")
    filters = routing.get("filters", [])
    if not isinstance(filters, list):
        yield ConfigProblem(f"{path}.filters", f"must be an array of filters, not {_json_type(filters)}")
    else:
        for index, item in enumerate(filters):
            yield from _check_filter(item, index)
    if "default_filter" in routing:
        default = routing["default_filter"]
        yield from _check_target(default, DEFAULT_FILTER_PATH, missing_queue=_DEFAULT_QUEUE)
        if isinstance(default, dict) and given(default, "timeout"):
            # wf-doc: "there is no "timeout" attribute" on the default filter; route keeps the task there too.
            yield _warning(f"{DEFAULT_FILTER_PATH}.timeout", "ignored-key",
                           "default_filter has no timeout (Twilio's docs: tasks stay in its queue until a worker "
                           "accepts or the task's TTL ends); remove it, or route through a filter to time out")
        if isinstance(default, dict) and given(default, "skip_if"):
            # No page says what a skip from default_filter does (nothing follows it); route keeps the task there.
            yield _warning(f"{DEFAULT_FILTER_PATH}.skip_if", "ignored-key",
                           "default_filter has no later step to skip to, so route keeps tasks there whatever skip_if "
                           "says (unverified what TaskRouter does with it); remove it, or route through a filter "
                           "whose step has skip_if")


def decode(data: object) -> tuple[object, list[ConfigProblem]]:
    """Decode a configuration given as JSON text; objects pass through unchanged."""
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, [ConfigProblem("", f"is not UTF-8 text: {error}")]
    if isinstance(data, str):
        try:
            return json.loads(data), []
        except json.JSONDecodeError as error:
            return None, [ConfigProblem("", _json_problem(error))]
    return data, []


def _json_problem(error: json.JSONDecodeError) -> str:
    """Why JSON text does not decode, where, and (for a line break inside a string) the fix.

    Strict JSON: a raw control character inside a string is refused (RFC 8259 forbids it). Unverified that
    TaskRouter refuses it too: Twilio's time-of-day routing page shows a configuration whose expression string
    runs over several lines.
    """
    where = f"line {error.lineno} column {error.colno}"
    if error.msg.startswith("Invalid control character"):
        return (f"is not valid JSON: a string holds a line break or other control character at {where}; write "
                "it as \\n, or keep the expression on one line")
    found = f"is not valid JSON: {error.msg.removesuffix(' at')} at {where}"
    hint = json_syntax_hint(error)
    return f"{found}; {hint}" if hint else found


def json_syntax_hint(error: json.JSONDecodeError) -> str | None:
    """What JSON text holds where it stops decoding, when it is something JavaScript and JSONC allow and JSON does
    not (zingdevlimited/actions-helpers' update-taskrouter example has both): said, so the fix is not a hunt for a
    missing delimiter. flexctl says it for every JSON file it reads."""
    if error.doc.startswith(("//", "/*"), error.pos):
        return "that is a comment, which JSON does not allow: remove it"
    if error.doc[error.pos:error.pos + 1] in ("]", "}") and error.doc[:error.pos].rstrip().endswith(","):
        return "that is a comma after the last item, which JSON does not allow: remove it"
    return None


def _non_json_numbers(value: object, path: str) -> Iterator[ConfigProblem]:
    """An error for each NaN or Infinity, whichever key holds it: Python's json module reads and writes them, but
    TaskRouter takes the configuration as "A JSON string" (OAI-tr, Workflows POST) and JSON has no such number
    (RFC 8259 section 6: "Numeric values that cannot be represented in the grammar below (such as Infinity and NaN)
    are not permitted"). Found by the false-pass sweep (tests/taskrouter/test_sweep.py): under a key TaskRouter may
    ignore, it passed with an unknown-key warning."""
    if isinstance(value, float) and not math.isfinite(value):
        yield ConfigProblem(path, f"{json.dumps(value)} is not a JSON number (JSON has no NaN or Infinity); "
                                  "write a number")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_json_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_json_numbers(item, f"{path}[{index}]")


def check_configuration(data: object) -> list[ConfigProblem]:
    """Every problem TaskRouter would reject in a workflow configuration (object or JSON text); never raises."""
    return [problem for problem in configuration_problems(data) if problem.severity == "error"]


def check_workflow_configuration(data: object) -> list[str]:
    """Why TaskRouter would reject a workflow configuration (JSON text or object): one line per problem.

    An empty list means it would be accepted. Never raises: for a provider's offline ``check``.
    """
    return [str(problem) for problem in check_configuration(data)]


def selects_no_worker(target_workers: str) -> bool:
    """Whether a queue's target_workers is the empty one: no worker is ever in that queue.

    Twilio's OAI spec: "If this value is empty, Tasks will wait in the TaskQueue until they are deleted
    or moved". Only ``""`` itself: blanks are an expression with nothing in it, which is refused.
    """
    return target_workers == ""


def check_target_workers(expression: object) -> list[str]:
    """Why TaskRouter would reject a TaskQueue's target_workers expression (column, caret and fix); [] if valid.

    ``""`` is valid (the queue then has no worker, see ``selects_no_worker``). Never raises.
    """
    if not isinstance(expression, str):
        return [f"target_workers must be a string holding an expression, not {_json_type(expression)}"]
    if selects_no_worker(expression):
        return []
    try:
        parse(expression, "queue")
    except ExpressionError as error:
        return [str(error)]
    except RecursionError:
        return ["target_workers is nested too deeply to check; remove some parentheses"]
    return []


def configuration_problems(data: object) -> list[ConfigProblem]:
    """Every error and warning in a workflow configuration (a decoded object or JSON text); never raises."""
    try:
        decoded, problems = decode(data)
        if problems:
            return problems
        problems = list(_non_json_numbers(decoded, ""))
        if problems:  # no JSON: only what makes it so, as for text that does not decode
            return [replace(problem, path=problem.path.lstrip(".")) for problem in problems]
        if not isinstance(decoded, dict):
            return [ConfigProblem("", "must be a JSON object: {\"task_routing\": {\"filters\": [...], "
                                      "\"default_filter\": {\"queue\": \"WQ…\"}}}")]
        problems = list(_unknown_keys(decoded, ROOT_KEYS, "", "the configuration"))
        if "task_routing" not in decoded:
            misplaced = [key for key in ROUTING_KEYS if key in decoded]
            hint = (f"; {' and '.join(misplaced)} must be inside it: {{\"task_routing\": {{\"{misplaced[0]}\": ...}}}}"
                    if misplaced else "")
            problems.append(ConfigProblem("task_routing", f"is required: the configuration's root key{hint}"))
        else:
            problems.extend(_check_routing(decoded["task_routing"]))
        return [replace(problem, path=problem.path.lstrip(".")) for problem in problems]
    except RecursionError:
        return [ConfigProblem("", "is nested too deeply to check")]
