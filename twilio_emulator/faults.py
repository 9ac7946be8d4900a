"""Seeded fault injection: which API requests fail, and how. Pure rules and decisions; no HTTP here.

A fault plan is a seed plus a list of rules. The first rule whose methods and path match a request decides:
with probability `rate` the request gets a fault, of a kind drawn by the rule's shares (at most `limit` faults
per rule). The draw depends only on the seed, the rule's position, the request as `draw_by` sees it (method and
path; or, with "request", also query and body; SIDs masked) and how many such requests came before it since
the plan was set. So the same seed and the same requests give the same faults, across runs that got other
SIDs; with "request", even when concurrent requests arrive in another order.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from twilio_emulator.records import SID_PATTERN

STATUS_KINDS = ("429", "500", "502", "503")
"""Answered at once with this status and a Twilio error body; nothing is applied."""
DROP = "drop"
"""The connection is closed without an answer; nothing is applied."""
APPLIED_ERROR = "applied-error"
"""The request is applied (state changed, state file written), then answered 500."""
APPLIED_DROP = "applied-drop"
"""The request is applied, then the connection is closed without an answer."""
KINDS = (*STATUS_KINDS, DROP, APPLIED_ERROR, APPLIED_DROP)
RETRY_AFTER_KINDS = ("429", "503")
"""The kinds answered with the rule's Retry-After header (the legacy `next_requests` sends it with any status)."""
_METHOD = re.compile(r"[A-Z]+")
RULE_KEYS = ("rate", "kinds", "methods", "path", "retry_after", "limit")
PLAN_KEYS = ("seed", "draw_by")
DRAW_BY = ("path", "request")
"""What makes two requests the same for the draw: method and path, or also query string and body."""
NEXT_EXAMPLE = '{"status": 429, "count": 2, "retry_after": "0"}'
RULE_EXAMPLE = (
    '{"rate": 0.2, "kinds": ["429", "500", "drop", "applied-drop"], "methods": ["POST", "DELETE"], '
    '"path": "/TaskQueues", "retry_after": "0", "seed": 7}'
)


class FaultSpecError(ValueError):
    """A fault rule or plan that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Fault:
    """What one request gets: a kind (see KINDS, or a status for `next_requests`) and its Retry-After."""

    kind: str
    retry_after: str | None = None

    @property
    def applied_first(self) -> bool:
        """Whether the request's change is made before the fault is answered."""
        return self.kind in (APPLIED_ERROR, APPLIED_DROP)

    @property
    def drops(self) -> bool:
        """Whether the connection is closed without an answer."""
        return self.kind in (DROP, APPLIED_DROP)

    @property
    def status(self) -> int | None:
        """The HTTP status answered, or None when the connection is dropped."""
        if self.drops:
            return None
        return 500 if self.kind == APPLIED_ERROR else int(self.kind)


@dataclass(frozen=True)
class FaultRule:
    """A share of the requests matching `methods` (None: any) and `path` (a regex; None: any) that fail.

    `kinds` pairs each kind with its share (weights, not necessarily summing to 1).
    """

    rate: float
    kinds: tuple[tuple[str, float], ...] = tuple((kind, 1.0) for kind in KINDS)
    methods: frozenset[str] | None = None
    path: re.Pattern[str] | None = None
    retry_after: str | None = "0"
    limit: int | None = None
    """At most this many faults from this rule (None: no limit); rate 1 and limit 1 fault exactly the first."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise FaultSpecError(f"fault rate {self.rate} is not a probability between 0 and 1, e.g. 0.2")
        if not self.kinds:
            raise FaultSpecError(f"a fault rule needs at least one kind of {', '.join(KINDS)}")
        for kind, share in self.kinds:
            if kind not in KINDS:
                raise FaultSpecError(f"unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
            if not share > 0:
                raise FaultSpecError(f"the share of fault kind {kind!r} is {share}; shares must be positive")
        if self.limit is not None and self.limit < 0:
            raise FaultSpecError(f"fault limit {self.limit} is negative; use a count, or null for no limit")
        for method in self.methods or ():
            if not _METHOD.fullmatch(method):
                raise FaultSpecError(f"fault method {method!r} is not an HTTP method such as POST or DELETE")

    def matches(self, method: str, path: str) -> bool:
        """Whether a request (path without the query string) falls under this rule."""
        if self.methods is not None and method not in self.methods:
            return False
        return self.path is None or self.path.search(path) is not None

    def draw(self, rng: random.Random) -> str | None:
        """The fault kind of one matching request, or None when it goes through."""
        if rng.random() >= self.rate:
            return None
        kinds = [kind for kind, _ in self.kinds]
        chosen: str = rng.choices(kinds, weights=[share for _, share in self.kinds])[0]
        return chosen

    def to_json(self) -> dict[str, Any]:
        """The rule as the admin endpoint takes it."""
        return {
            "rate": self.rate,
            "kinds": dict(self.kinds),
            "methods": None if self.methods is None else sorted(self.methods),
            "path": None if self.path is None else self.path.pattern,
            "retry_after": self.retry_after,
            "limit": self.limit,
        }


def make_rule(
    *,
    rate: float,
    kinds: Sequence[str] | Mapping[str, float] | None = None,
    methods: Iterable[str] | None = None,
    path: str | None = None,
    retry_after: str | None = "0",
    limit: int | None = None,
) -> FaultRule:
    """A rule from plain values: kinds as a list (equal shares) or as {kind: share}; methods in any case."""
    if kinds is None:
        pairs = FaultRule.kinds
    elif isinstance(kinds, Mapping):
        pairs = tuple((str(kind), float(share)) for kind, share in kinds.items())
    else:
        pairs = tuple((str(kind), 1.0) for kind in kinds)
    try:
        pattern = None if path is None else re.compile(path)
    except re.error as error:
        raise FaultSpecError(f"fault path {path!r} is not a valid regular expression: {error}") from None
    return FaultRule(
        rate=float(rate),
        kinds=pairs,
        methods=None if methods is None else frozenset(method.upper() for method in methods),
        path=pattern,
        retry_after=retry_after,
        limit=limit,
    )


def parse_kinds(text: str) -> dict[str, float]:
    """`429,500:2,drop` -> {"429": 1, "500": 2, "drop": 1} (the `--fault-kinds` flag)."""
    kinds: dict[str, float] = {}
    for item in text.split(","):
        kind, _, share = item.strip().partition(":")
        try:
            kinds[kind] = float(share) if share else 1.0
        except ValueError:
            raise FaultSpecError(f"fault kind {item!r}: the share after ':' must be a number, e.g. drop:2") from None
    return kinds


def rule_from_json(data: object) -> FaultRule:
    """A rule from its JSON object (see RULE_EXAMPLE)."""
    if not isinstance(data, dict):
        raise FaultSpecError(f"a fault rule must be a JSON object, e.g. {RULE_EXAMPLE}")
    unknown = sorted(set(data) - set(RULE_KEYS))
    if unknown:
        raise FaultSpecError(f"unknown fault rule key(s) {', '.join(unknown)}; a rule has {', '.join(RULE_KEYS)}")
    rate, kinds, methods, path = data.get("rate"), data.get("kinds"), data.get("methods"), data.get("path")
    retry_after, limit = data.get("retry_after", "0"), data.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise FaultSpecError(f"limit must be a whole number of faults or null, not {limit!r}")
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        raise FaultSpecError(f"a fault rule needs a numeric rate between 0 and 1, e.g. {RULE_EXAMPLE}")
    if kinds is not None and not (_is_strings(kinds) or _is_shares(kinds)):
        raise FaultSpecError('kinds must be a list such as ["429", "drop"] or shares such as {"429": 3, "drop": 1}')
    if methods is not None and not _is_strings(methods):
        raise FaultSpecError('methods must be a list such as ["POST", "DELETE"]')
    if path is not None and not isinstance(path, str):
        raise FaultSpecError("path must be a regular expression string, e.g. \"/TaskQueues\"")
    return make_rule(
        rate=rate, kinds=kinds, methods=methods, path=path,
        retry_after=None if retry_after is None else str(retry_after), limit=limit,
    )


def _is_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_shares(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(share, int | float) and not isinstance(share, bool) for share in value.values()
    )


def request_key(method: str, path: str, query: str, body: bytes, *, draw_by: str = "path") -> str:
    """What makes two requests the same for the draw (see DRAW_BY), with SIDs masked.

    SIDs differ from run to run, names and values do not: `/Flows/FW12...` counts as `/Flows/FW*`.
    """
    if draw_by == "path":
        return f"{method} {_masked(path)}"
    digest = hashlib.sha256(_masked(body.decode("utf-8", "replace")).encode()).hexdigest()[:16]
    return f"{method} {_masked(path)}?{_masked(query)} {digest}"


def _masked(text: str) -> str:
    return SID_PATTERN.sub(r"\1*", text)


@dataclass
class _NextRequests:
    status: int
    remaining: int
    retry_after: str | None


@dataclass
class FaultPlan:
    """The faults in force: seeded rules, plus "the next N requests answer STATUS". Thread-safe."""

    rules: tuple[FaultRule, ...] = ()
    seed: int = 0
    draw_by: str = "path"
    _next: _NextRequests | None = field(default=None, init=False)
    _seen: dict[str, int] = field(default_factory=dict, init=False)  # how many of each request (see request_key)
    _injected: dict[int, int] = field(default_factory=dict, init=False)  # faults so far, by rule position
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        _check_draw_by(self.draw_by)

    def set_rules(self, rules: Iterable[FaultRule], seed: int = 0, draw_by: str = "path") -> None:
        """Replace the rules, seed and draw_by; counting starts again, so a seed replays from here."""
        _check_draw_by(draw_by)
        with self._lock:
            self.rules = tuple(rules)
            self.seed = seed
            self.draw_by = draw_by
            self._seen.clear()
            self._injected.clear()

    def next_requests(self, status: int, count: int, retry_after: str | None) -> None:
        """Answer the next `count` API requests with `status` (400..599), before any rule; 0 clears."""
        if not 400 <= status <= 599:
            raise FaultSpecError(f"fault status {status} is not an HTTP error status (400..599)")
        if count < 0:
            raise FaultSpecError(f"fault count {count} is negative")
        with self._lock:
            self._next = _NextRequests(status, count, retry_after) if count else None

    def clear(self) -> None:
        """No faults at all."""
        self.set_rules(())
        with self._lock:
            self._next = None

    def decide(self, method: str, path: str, *, query: str = "", body: bytes = b"") -> Fault | None:
        """The fault of one API request, or None. Rules match `path`; the draw also depends on query and body."""
        with self._lock:
            if self._next is not None:
                pending = self._next
                pending.remaining -= 1
                if pending.remaining <= 0:
                    self._next = None
                return Fault(str(pending.status), pending.retry_after)
            if not self.rules:
                return None
            key = request_key(method, path, query, body, draw_by=self.draw_by)
            index = self._seen.get(key, 0)
            self._seen[key] = index + 1
            position, rule = next(
                ((n, rule) for n, rule in enumerate(self.rules) if rule.matches(method, path)), (-1, None)
            )
            if rule is None:
                return None
            # A string seed is hashed with SHA-512 by `random`, so draws are stable across processes.
            kind = rule.draw(random.Random(f"{self.seed}/{position}/{key}/{index}"))
            injected = self._injected.get(position, 0)
            if kind is None or (rule.limit is not None and injected >= rule.limit):
                return None
            self._injected[position] = injected + 1
        return Fault(kind, rule.retry_after if kind in RETRY_AFTER_KINDS else None)

    def to_json(self) -> dict[str, Any]:
        """The plan as `GET /__emulator/faults` shows it."""
        with self._lock:
            pending = self._next
            return {
                "seed": self.seed,
                "draw_by": self.draw_by,
                "rules": [rule.to_json() for rule in self.rules],
                "next": None if pending is None else {
                    "status": pending.status, "count": pending.remaining, "retry_after": pending.retry_after,
                },
            }


def configure(plan: FaultPlan, data: object) -> None:
    """Apply the JSON body of `POST /__emulator/faults` (the forms are in README.md)."""
    if isinstance(data, list):
        plan.set_rules([rule_from_json(item) for item in data])
        return
    if not isinstance(data, dict):
        raise FaultSpecError(f"the body must be a JSON object or a list of rules, e.g. {RULE_EXAMPLE}")
    if "rules" in data:
        unknown = sorted(set(data) - {"rules", *PLAN_KEYS})
        if unknown:
            raise FaultSpecError(f"unknown key(s) {', '.join(unknown)} next to rules; only {', '.join(PLAN_KEYS)} "
                                 "may go there")
        rules = data["rules"]
        if not isinstance(rules, list):
            raise FaultSpecError(f"rules must be a list of rules such as {RULE_EXAMPLE}")
        plan.set_rules([rule_from_json(item) for item in rules], _seed(data), _draw_by(data))
    elif "status" in data or "count" in data:
        status, count, retry_after = data.get("status", 429), data.get("count", 1), data.get("retry_after", "0")
        if not isinstance(status, int) or not isinstance(count, int):
            raise FaultSpecError(f"status and count must be integers, e.g. {NEXT_EXAMPLE}")
        plan.next_requests(status, count, None if retry_after is None else str(retry_after))
    else:
        rule = {key: value for key, value in data.items() if key not in PLAN_KEYS}
        plan.set_rules([rule_from_json(rule)], _seed(data), _draw_by(data))


def _seed(data: dict[str, Any]) -> int:
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise FaultSpecError(f"seed must be an integer, e.g. 7 (got {seed!r})")
    return seed


def _draw_by(data: dict[str, Any]) -> str:
    draw_by = data.get("draw_by", "path")
    _check_draw_by(draw_by)
    return str(draw_by)


def _check_draw_by(draw_by: object) -> None:
    if draw_by not in DRAW_BY:
        raise FaultSpecError(f"draw_by {draw_by!r} is not one of {', '.join(DRAW_BY)}")
