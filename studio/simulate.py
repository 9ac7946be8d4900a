"""Run a Studio flow definition offline: a simulated contact in, the path, the prompts and the handoff out.

Pure (no Pulumi, no ``twilio``). :func:`simulate` executes any definition (ours or a Console export) from
a trigger event, rendering Liquid with the project's one engine (:mod:`studio.liquid`) against Studio's
context (``trigger.*``, ``flow.variables``, ``flow.data``, ``contact.channel``, ``widgets.NAME.*``) and
evaluating Split Based On with :mod:`studio.conditions`. Every widget type of the catalogue has a step
(:data:`STEPS`): what it consumes, the event it takes, what it exposes. A widget that calls out (a
profile lookup, an HTTP request, a Function, a subflow...) answers from the contact's canned results
(:class:`Mock`, by widget name); without one it succeeds with an empty answer, and the path says so.

Example::

    from studio.simulate import Contact, simulate
    run = simulate(definition, Contact(event="incomingCall", answers=("2",), traits={"vip": True}))
    run.ending.kind, [step.widget for step in run.path], run.handoff.attributes

Linear in flow size: the states are indexed once, and each step touches only its own widget.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studio.catalogue import CATALOGUE
from studio.conditions import UnknownConditionError, holds, unreadable
from studio.liquid import LiquidSyntaxError, is_template, parse
from studio.model import suggest

MAX_STEPS = 1000
"""Steps an execution may take (Studio FAQ: 1,000 steps per execution)."""
MAX_REPEATS = 10
"""Times in a row one widget may run (Studio FAQ: an execution stops after 10)."""
TRIGGER_EVENTS = ("incomingCall", "incomingMessage", "incomingConversationMessage", "incomingRequest",
                  "incomingParent")
VOICE_EVENT = "incomingCall"
ERROR_EVENTS = frozenset({"failed", "fail", "failure", "failedToEnqueue", "callFailure", "deliveryFailure",
                          "providerError", "maxFailedAttempts", "validationError", "payInterrupted"})
"""Events that mean a widget did not do its job: a path that ends on one ends in error."""
DEFAULT_AT = dt.datetime(2026, 1, 5, 12, 0)
"""When a contact arrives if nobody says: a Monday at noon (in the contact's time zone)."""

EndingKind = Literal["flex", "enqueue", "hangup", "voicemail", "connect", "message", "completed", "error", "stopped"]
OutputKind = Literal["say", "play", "digits", "message", "connect"]


class SimulationInputError(ValueError):
    """A contact or definition the simulator cannot start with; the message says what to change."""


@dataclass(frozen=True)
class Mock:
    """A canned result for one widget: the event it takes and the outputs it exposes.

    ``outputs`` are merged into ``widgets.NAME``; for Make HTTP Request and Run Function, ``body`` (text or
    JSON) also fills ``parsed``, and a ``status_code`` of 400 or more takes the failure event.
    """

    event: str | None = None
    outputs: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_value(cls, value: object) -> Mock:
        """A mock from JSON: ``{"event": "failed"}``, ``{"status_code": 200, "body": {...}}``, a bare event name."""
        if isinstance(value, str):
            return cls(event=value)
        if not isinstance(value, Mapping):
            raise SimulationInputError(f"a canned result is a JSON object or an event name, not {value!r}")
        event = value.get("event")
        if event is not None and not isinstance(event, str):
            raise SimulationInputError(f"a canned result's event must be a string, not {event!r}")
        return cls(event=event, outputs={key: item for key, item in value.items() if key != "event"})


@dataclass(frozen=True)
class Contact:
    """Who arrives, how and when, what they answer, and what the outside world answers.

    Attributes:
        event: the trigger event (``incomingCall``, ``incomingMessage``, ``incomingConversationMessage``,
            ``incomingRequest``, ``incomingParent``).
        from_: the contact's address (``contact.channel.address``); to: the flow's (``flow.channel.address``).
        body: the first message's text (messaging and conversations).
        answers: what the contact gives, in order, to each widget that waits for input: digits (a keypress),
            words (speech or a reply), or "" (silence: the widget times out). When none is left, it times out.
        at: the moment the contact arrives; naive times are read in ``tz``.
        tz: the IANA time zone of ``at`` and of time and date conditions.
        traits: the profile a Search for a Profile finds (``widgets.NAME.profile.traits``).
        mocks: canned results by widget name.
        parameters: ``flow.data`` (REST API ``Parameters``; a subflow's parameters).
        trigger: more of what the trigger carries, over the simulator's own values: ``trigger.call``,
            ``trigger.message``, ``trigger.conversation``... (``ChannelAttributes``, ``FromCity``,
            ``CallerName``: whatever the flow reads that the simulator cannot know).
    """

    event: str = VOICE_EVENT
    from_: str = "+15005550006"
    to: str = "+15005550001"
    body: str = ""
    answers: tuple[str, ...] = ()
    at: dt.datetime = DEFAULT_AT
    tz: str = "UTC"
    traits: Mapping[str, Any] = field(default_factory=dict)
    mocks: Mapping[str, Mock] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    trigger: Mapping[str, Any] = field(default_factory=dict)

    def zone(self) -> ZoneInfo:
        """The contact's time zone."""
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SimulationInputError(f"unknown time zone {self.tz!r}: use an IANA name such as America/New_York")\
                from None

    def moment(self) -> dt.datetime:
        """``at`` as an aware date-time in ``tz``."""
        zone = self.zone()
        return self.at.replace(tzinfo=zone) if self.at.tzinfo is None else self.at.astimezone(zone)


@dataclass(frozen=True)
class PathStep:
    """One widget the execution ran: the event it took, where that leads and why."""

    widget: str
    type: str
    event: str
    next: str | None
    why: str
    exposed: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """What the widget exposed as ``widgets.NAME`` at the end of this step (Studio's Step Context)."""


@dataclass(frozen=True)
class Output:
    """What the contact heard or read (rendered), and which widget said it."""

    widget: str
    kind: OutputKind
    text: str
    step: int = 0
    """Index in the path of the step that said it."""


@dataclass(frozen=True)
class Handoff:
    """A task handed to TaskRouter by Send to Flex (or Enqueue Call), with its rendered values."""

    widget: str
    type: str
    workflow: str
    channel: str
    attributes: Mapping[str, Any]
    priority: int | None = None
    timeout: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"widget": self.widget, "type": self.type, "workflow": self.workflow, "channel": self.channel,
                "attributes": dict(self.attributes), "priority": self.priority, "timeout": self.timeout}


@dataclass(frozen=True)
class Ending:
    """How the execution ends: ``kind`` and a sentence saying where and why."""

    kind: EndingKind
    widget: str | None
    reason: str

    @property
    def ok(self) -> bool:
        """False when the execution ended on an error path or was stopped."""
        return self.kind not in ("error", "stopped")


@dataclass(frozen=True)
class Undefined:
    """A Liquid reference that was undefined (rendered empty) when a widget ran."""

    widget: str
    property: str
    path: str


@dataclass(frozen=True)
class Assumption:
    """Something the simulator could not know and assumed, at one widget: Studio may differ here."""

    widget: str
    text: str


ASSUMED_WITHOUT_MOCK: Mapping[str, str] = {
    "connect-call-to": "the connected party answers and the call completes",
    "make-outgoing-call-v2": "the called party answers", "make-outgoing-call-v1": "the called party answers",
    "record-voicemail": "the caller leaves a message", "record-call": "the recording starts or stops",
    "capture-payments": "the payment succeeds", "fork-stream": "the stream starts or stops",
    "connect-virtual-agent": "the virtual agent returns the call", "connect-virtual-agent-v2": "the agent completes",
    "run-conversation-relay": "the relay session succeeds", "make-http-request": "an empty 200 answer",
    "run-function": "an empty 200 answer", "add-twiml-redirect": "the TwiML returns the call",
    "run-subflow": "the subflow completes with no outputs", "start-conversation": "the conversation is created",
    "resume-conversation": "the conversation resumes", "send-to-auto-pilot": "the Autopilot session ends",
    "search-for-a-profile": "the profile is found (with --trait traits)",
    "resolve-profile": "the profile is found (with --trait traits)",
    "create-or-update-profile": "the profile is written", "update-profile-traits": "the profile is written",
}
"""The widget types whose outcome the outside world decides: without a canned result, what the simulator assumes
(and says it assumed)."""


@dataclass(frozen=True)
class Simulation:
    """The result of one simulated execution."""

    contact: Contact
    path: tuple[PathStep, ...]
    outputs: tuple[Output, ...]
    variables: Mapping[str, str]
    ending: Ending
    handoff: Handoff | None
    undefined: tuple[Undefined, ...]
    context: Mapping[str, Any]
    """Studio's context at the end (``flow``, ``trigger``, ``contact``, ``widgets``): what Step Context shows."""
    assumptions: tuple[Assumption, ...] = ()
    """What the run could not know and assumed (a call-out with no canned result, Liquid that failed...)."""

    @property
    def widgets(self) -> tuple[str, ...]:
        """Names of the widgets run, in order (with repeats)."""
        return tuple(step.widget for step in self.path)

    @property
    def heard(self) -> tuple[str, ...]:
        """Texts the contact heard or read, in order."""
        return tuple(output.text for output in self.outputs)

    def transitions(self) -> set[tuple[str, str, str | None]]:
        """(widget, event, next) of every transition taken."""
        return {(step.widget, step.event, step.next) for step in self.path}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "path": [{"widget": s.widget, "type": s.type, "event": s.event, "next": s.next, "why": s.why}
                     for s in self.path],
            "outputs": [{"widget": o.widget, "kind": o.kind, "text": o.text} for o in self.outputs],
            "variables": dict(self.variables),
            "ending": {"kind": self.ending.kind, "widget": self.ending.widget, "reason": self.ending.reason},
            "handoff": None if self.handoff is None else self.handoff.to_dict(),
            "undefined": [{"widget": u.widget, "property": u.property, "path": u.path} for u in self.undefined],
            "assumptions": [{"widget": a.widget, "text": a.text} for a in self.assumptions],
        }

    def _mock_hint(self, path: str) -> str:
        """What a widget's canned result gave, when a reference into that widget found nothing in it."""
        segments = path.split(".")
        if segments[0] == "trigger" and len(segments) > 2:
            key = segments[2]
            return f"; give it with --trigger {key}=VALUE (a scenario's contact: trigger: {{{key}: ...}})"
        mock = self.contact.mocks.get(segments[1]) if segments[0] == "widgets" and len(segments) > 2 else None
        if mock is None:
            return ""
        given = ", ".join(sorted(mock.outputs)) or "no outputs"
        body = segments[2] == "parsed" and "body" not in mock.outputs
        return (f"; the canned result for {segments[1]} gives {given}"
                + (" (an HTTP or Function answer goes in body, read as parsed)" if body else ""))

    def render(self) -> str:
        """A readable account: one line per step, what was said, the variables and the ending."""
        lines = []
        for number, step in enumerate(self.path, start=1):
            target = f" -> {step.next}" if step.next else " (end)"
            lines.append(f"{number:3}. {step.widget} [{step.type}] --{step.event}{target}: {step.why}")
            lines += [f"       {output.kind}: {output.text}" for output in self.outputs if output.step == number - 1]
        if self.variables:
            lines.append("variables: " + ", ".join(f"{key}={value!r}" for key, value in self.variables.items()))
        for item in self.undefined:
            lines.append(f"undefined: {{{{{item.path}}}}} in {item.widget}.{item.property} (rendered empty)"
                         + self._mock_hint(item.path))
        lines += [f"assumed: {item.widget}: {item.text}" for item in self.assumptions]
        if self.handoff is not None:
            handoff = self.handoff
            lines.append(f"handoff: {handoff.widget} workflow={handoff.workflow} channel={handoff.channel} "
                         f"priority={handoff.priority} timeout={handoff.timeout}")
            lines.append(f"  attributes: {json.dumps(handoff.attributes, sort_keys=True, ensure_ascii=False)}")
        lines.append(f"ending: {self.ending.kind}: {self.ending.reason}")
        return "\n".join(lines)


# --- the run -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a step decided: the event, why, and (for a split's match) the very transition taken."""

    event: str
    why: str
    transition: Mapping[str, Any] | None = None


class _Stop(Exception):
    """The execution cannot go on (unknown widget type, missing event...); the message says why."""


@dataclass
class _Run:
    contact: Contact
    clock: dt.datetime
    context: dict[str, Any]
    answers: Iterator[str]
    path: list[PathStep] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    undefined: list[Undefined] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    seen: set[Undefined | Assumption] = field(default_factory=set)
    """The undefined references and assumptions already listed (each is listed once)."""
    checked: set[str] = field(default_factory=set)
    """Widgets whose shape was checked (:func:`_malformed`)."""
    handoff: Handoff | None = None
    voicemail: bool = False
    connected: bool = False
    last_sender: str | None = None
    """The widget that sent the last message (Send Message, Send & Wait for Reply), if any did."""

    @property
    def voice(self) -> bool:
        return self.contact.event == VOICE_EVENT

    @property
    def variables(self) -> dict[str, str]:
        variables: dict[str, str] = self.context["flow"]["variables"]
        return variables

    def text(self, widget: str, key: str, value: object) -> str:
        """A property's value rendered (non-strings as JSON text), undefined references recorded."""
        if value is None:
            return ""
        if not isinstance(value, str):
            value = value if isinstance(value, int | float) and not isinstance(value, bool) else json.dumps(value)
            return str(value)
        if not is_template(value):
            return value
        try:
            template = parse(value)
        except LiquidSyntaxError as error:
            self.assume(widget, f"{key}: Liquid the engine cannot read ({error}); used as written (what Studio does "
                        "with it is unverified)")
            return value
        from studio import liquid_engine

        text, undefined, issues = liquid_engine.render_noting(template, self.context, self.clock)
        for path in undefined:
            item = Undefined(widget, key, path)
            if item not in self.seen:
                self.seen.add(item)
                self.undefined.append(item)
        for issue in issues:
            self.assume(widget, f"{key}: {issue}")
        return text

    def prop(self, state: Mapping[str, Any], key: str) -> str:
        """``properties[key]`` rendered ("" when absent)."""
        return self.text(state["name"], key, _properties(state).get(key))

    def assume(self, widget: str, text: str) -> None:
        """Record that the run assumed ``text`` at ``widget`` (once)."""
        item = Assumption(widget, text)
        if item not in self.seen:
            self.seen.add(item)
            self.assumptions.append(item)

    def say(self, widget: str, kind: OutputKind, text: str) -> None:
        if text:
            self.outputs.append(Output(widget, kind, text, len(self.path)))

    def answer(self) -> str | None:
        """The contact's next answer (as text: a 1 given as a number is the digit 1), or None when they have no more."""
        answer = next(self.answers, None)
        return None if answer is None else str(answer)

    def expose(self, widget: str, outputs: Mapping[str, Any]) -> None:
        self.context["widgets"].setdefault(widget, {}).update(outputs)

    def mock(self, widget: str) -> Mock | None:
        return self.contact.mocks.get(widget)


Step = Callable[[_Run, Mapping[str, Any]], Outcome]
STEPS: dict[str, Step] = {}
"""The step of every widget type, by JSON type string."""


def step(*types: str) -> Callable[[Step], Step]:
    """Register the decorated function as the step of ``types``."""

    def register(function: Step) -> Step:
        for widget_type in types:
            STEPS[widget_type] = function
        return function

    return register


def simulate(definition: Mapping[str, Any], contact: Contact, *, max_steps: int = MAX_STEPS,
             flow_sid: str = "FW" + "0" * 32, execution_sid: str = "FN" + "0" * 32) -> Simulation:
    """Execute ``definition`` for ``contact``; never raises for a flow that misbehaves (the ending says so).

    ``flow_sid`` and ``execution_sid`` are ``flow.flow_sid`` and ``flow.sid`` in the context (the emulator
    passes its own; offline runs get zero SIDs).

    Raises:
        SimulationInputError: the definition has no states or trigger, the trigger does not handle
            ``contact.event``, or the contact's time zone is unknown.
    """
    states = definition.get("states") if isinstance(definition, Mapping) else None
    if not isinstance(states, list) or not states:
        raise SimulationInputError("the definition has no 'states' list: pass a Studio flow definition")
    index = {state["name"]: state for state in states if isinstance(state, Mapping) and isinstance(
        state.get("name"), str)}
    initial = definition.get("initial_state", "Trigger")
    start = (index.get(initial) if isinstance(initial, str) else None) or next(
        (state for state in index.values() if state.get("type") == "trigger"), None)
    if start is None or start.get("type") != "trigger":
        raise SimulationInputError("the definition has no trigger widget (initial_state) to start from")
    if contact.event not in TRIGGER_EVENTS:
        raise SimulationInputError(f"unknown trigger event {contact.event!r}: {suggest(contact.event, TRIGGER_EVENTS)}")
    trigger_next = _next_of(start, contact.event)
    if not trigger_next:
        handled = [t.get("event") for t in _transitions(start) if isinstance(t, Mapping) and t.get("next")]
        raise SimulationInputError(
            f"the trigger does not handle {contact.event}: it starts on {', '.join(map(str, handled)) or 'no event'}")
    _check_mock_events(index, contact.mocks)
    moment = contact.moment()
    run = _Run(contact, moment, _context(contact, moment, flow_sid, execution_sid), iter(contact.answers))
    path = run.path
    path.append(PathStep(start["name"], "trigger", contact.event, trigger_next, _trigger_why(contact)))
    ending = _execute(run, index, trigger_next, path, max_steps)
    variables = dict(run.variables)
    return Simulation(contact, tuple(path), tuple(run.outputs), variables, ending, run.handoff,
                      tuple(run.undefined), run.context, tuple(run.assumptions))


def _check_mock_events(index: Mapping[str, Mapping[str, Any]], mocks: Mapping[str, Mock]) -> None:
    """A canned event the widget's type does not have would lead nowhere: say so before running."""
    for name, mock in mocks.items():
        widget_type = str((index.get(name) or {}).get("type"))
        events = CATALOGUE[widget_type].events if widget_type in CATALOGUE else ()
        if mock.event and events and mock.event not in events:
            hint = suggest(mock.event, events)
            raise SimulationInputError(f"the canned event {mock.event!r} for {name} is not an event of "
                                       f"{widget_type}: {hint} (its events: {', '.join(events)})")


def _execute(run: _Run, index: Mapping[str, Mapping[str, Any]], current: str, path: list[PathStep],
             max_steps: int) -> Ending:
    repeats = 0
    while True:
        state = index.get(current) if isinstance(current, str) else None
        if state is None:
            return Ending("stopped", path[-1].widget, f"{path[-1].widget} leads to {current!r}, which is no widget")
        if len(path) >= max_steps:
            return Ending("stopped", current, f"the execution reached {max_steps} steps (Studio stops there); "
                          "is there a loop with no way out?")
        repeats = repeats + 1 if path[-1].widget == current else 1
        if repeats > MAX_REPEATS:
            return Ending("stopped", current, f"{current} ran {MAX_REPEATS} times in a row (Studio stops an "
                          "execution there); give the loop an exit")
        widget_type = str(state.get("type"))
        malformed = None if current in run.checked else _malformed(state)
        run.checked.add(current)
        if malformed:
            return Ending("stopped", current, f"{current} ({widget_type}) {malformed}: Studio would reject this flow "
                          "(`flexctl validate` says where), so the simulator cannot say what it does")
        try:
            outcome = _run_step(run, state, widget_type)
        except _Stop as stop:
            return Ending("stopped", current, str(stop))
        target = _next_of(state, outcome.event) if outcome.transition is None else outcome.transition.get("next")
        target = target if isinstance(target, str) and target else None
        exposed = dict(run.context["widgets"].get(current, {}))
        path.append(PathStep(current, widget_type, outcome.event, target, outcome.why, exposed))
        if target is None:
            return _ending(run, state, widget_type, outcome.event)
        current = target


def _run_step(run: _Run, state: Mapping[str, Any], widget_type: str) -> Outcome:
    name = state["name"]
    mock = run.mock(name)
    function = STEPS.get(widget_type)
    if function is None:
        if mock is not None and mock.event:
            run.expose(name, mock.outputs)
            return Outcome(mock.event, f"type {widget_type!r} has no step: canned result")
        known = "not in the catalogue" if widget_type not in CATALOGUE else "in the catalogue but has no step"
        raise _Stop(f"widget {name!r} has type {widget_type!r}, {known}: the simulator cannot run it; give it a "
                    f"canned result (--mock {name}='{{\"event\": \"...\"}}') or fix the type")
    before = (len(run.outputs), run.handoff, run.voicemail, run.connected, run.last_sender,
              run.context["widgets"].pop(name, None))
    outcome = function(run, state)
    if mock is not None and mock.event and mock.event != outcome.event:
        # A canned event other than the step's own: the widget did not do its job, so nothing it would
        # have said, sent or exposed happened.
        del run.outputs[before[0]:]
        run.handoff, run.voicemail, run.connected, run.last_sender = before[1:5]
        exposed = run.context["widgets"].pop(name, None)
        normalised = widget_type in _READS_ITS_MOCK and mock.outputs and exposed  # body as text, parsed from it
        run.expose(name, exposed if normalised else mock.outputs)
        return Outcome(mock.event, f"canned result (instead of {outcome.event})")
    if mock is not None and widget_type not in _READS_ITS_MOCK:
        run.expose(name, mock.outputs)
        if outcome.why.startswith("no canned result"):
            # The mock chose the step's own event (or gave only outputs): the trace must not deny it was given
            return Outcome(outcome.event, "canned result", outcome.transition)
    elif mock is None and widget_type in ASSUMED_WITHOUT_MOCK:
        run.assume(name, f"no canned result, so {ASSUMED_WITHOUT_MOCK[widget_type]} ({outcome.event}); give one "
                   f"for another outcome (--mock {name}=EVENT)")
    return outcome


_READS_ITS_MOCK = frozenset({"make-http-request", "run-function"})
"""Steps that expose their canned result themselves (``body`` as text, ``parsed`` from it)."""


def _ending(run: _Run, state: Mapping[str, Any], widget_type: str, event: str) -> Ending:
    name = state["name"]
    if event in ERROR_EVENTS:
        return Ending("error", name, f"{name} took {event} and nothing follows it")
    if widget_type == "split-based-on" and event == "noMatch":
        return Ending("error", name, f"no condition of {name} matched and its No Match leads nowhere (a dead end)")
    if run.handoff is not None:
        kind: EndingKind = "flex" if run.handoff.type == "send-to-flex" else "enqueue"
        return Ending(kind, run.handoff.widget, f"handed to TaskRouter by {run.handoff.widget}")
    if run.voicemail:
        return Ending("voicemail", name, "the caller left a voicemail and the call ends")
    if run.voice:
        if run.connected:
            return Ending("connect", name, "the call was connected elsewhere and ends")
        return Ending("hangup", name, f"the call ends after {name} ({event})")
    if run.last_sender == name and event == "sent":
        return Ending("message", name, f"the execution ends after {name} sent its message")
    if run.last_sender is not None:
        return Ending("message", name, f"the execution ends after {name} ({event}); the last message sent was "
                                       f"{run.last_sender}'s")
    return Ending("completed", name, f"the execution ends after {name} ({event})")


def _properties(state: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = state.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _transitions(state: Mapping[str, Any]) -> list[Any]:
    transitions = state.get("transitions")
    return transitions if isinstance(transitions, list) else []


def _malformed(state: Mapping[str, Any]) -> str | None:
    """What in the shape of ``state`` no Studio flow has (wrong JSON types), or None."""
    properties, transitions = state.get("properties"), state.get("transitions")
    if properties is not None and not isinstance(properties, Mapping):
        return f"has properties that are {type(properties).__name__}, not an object"
    if transitions is not None and not isinstance(transitions, list):
        return f"has transitions that are {type(transitions).__name__}, not a list"
    for transition in transitions or ():
        if not isinstance(transition, Mapping) or not isinstance(transition.get("event"), str):
            return f"has a transition that is not an object with an event name: {str(transition)[:80]}"
        if transition.get("next") is not None and not isinstance(transition.get("next"), str):
            return f"has a transition to {transition.get('next')!r}, not a widget name"
        conditions = transition.get("conditions")
        if conditions is not None and not isinstance(conditions, list):
            return f"has conditions that are {type(conditions).__name__}, not a list"
        for condition in conditions or ():
            arguments = condition.get("arguments") if isinstance(condition, Mapping) else None
            if not isinstance(condition, Mapping) or not isinstance(arguments, list | None):
                return f"has a condition that is not an object with a list of arguments: {str(condition)[:80]}"
    variables = (properties or {}).get("variables")
    if state.get("type") == "set-variables" and variables is not None and not isinstance(variables, list):
        return f"has variables that are {type(variables).__name__}, not a list"
    return None


def _next_of(state: Mapping[str, Any], event: str) -> str | None:
    for transition in _transitions(state):
        if isinstance(transition, Mapping) and transition.get("event") == event:
            target = transition.get("next")
            return target if isinstance(target, str) and target else None
    return None


def _trigger_why(contact: Contact) -> str:
    what = {"incomingCall": "a call", "incomingMessage": "a message", "incomingConversationMessage":
            "a conversation message", "incomingRequest": "a REST API request", "incomingParent": "a parent flow"}
    return f"{what[contact.event]} from {contact.from_} to {contact.to}"


def _context(contact: Contact, moment: dt.datetime, flow_sid: str, sid: str) -> dict[str, Any]:
    base = {"From": contact.from_, "To": contact.to, "AccountSid": "AC" + "0" * 32}
    triggers: dict[str, dict[str, Any]] = {
        "incomingCall": {"call": {**base, "Caller": contact.from_, "Called": contact.to, "CallSid": "CA" + "0" * 32,
                                  "CallStatus": "ringing", "Direction": "inbound"}},
        "incomingMessage": {"message": {**base, "Body": contact.body, "MessageSid": "SM" + "0" * 32,
                                        "NumMedia": "0"}},
        "incomingConversationMessage": {"conversation": {**base, "Author": contact.from_, "Body": contact.body,
                                                         "ConversationSid": "CH" + "0" * 32,
                                                         "MessageSid": "IM" + "0" * 32}},
        "incomingRequest": {"request": {"from": contact.from_, "to": contact.to,
                                        "parameters": dict(contact.parameters)}},
        "incomingParent": {"parent": {"parameters": dict(contact.parameters), "execution_sid": sid}},
    }
    trigger = triggers[contact.event]
    for fields in trigger.values():
        fields.update(contact.trigger)
    return {
        "trigger": trigger,
        "flow": {"sid": sid, "flow_sid": flow_sid, "channel": {"address": contact.to}, "variables": {},
                 "data": dict(contact.parameters), "date": moment.isoformat()},
        "contact": {"channel": {"address": contact.from_}},
        "widgets": {},
    }


# --- the steps -----------------------------------------------------------------------------------------


@step("split-based-on")
def _split(run: _Run, state: Mapping[str, Any]) -> Outcome:
    name = state["name"]
    subject = run.prop(state, "input")
    zone = run.clock.tzinfo if isinstance(run.clock.tzinfo, ZoneInfo) else None
    given = _properties(state).get("input")
    for transition in _transitions(state):
        if not isinstance(transition, Mapping) or transition.get("event") != "match":
            continue
        reasons = []
        for condition in transition.get("conditions") or ():
            arguments = condition.get("arguments") or []
            tested = subject
            if arguments and isinstance(arguments[0], str) and arguments[0] != given:
                tested = run.text(name, "conditions", arguments[0])
                run.assume(name, f"condition {condition.get('friendly_name') or condition.get('type')!r} tests "
                           f"{arguments[0]!r}, not the split's input {given!r}; the simulator tests its argument "
                           "(the Console writes the input there; which Studio reads is unverified)")
            value = run.text(name, "conditions", condition.get("value", ""))
            kind = str(condition.get("type"))
            try:
                held = holds(kind, tested, value, zone)
            except UnknownConditionError as error:
                raise _Stop(f"split {name!r}: {error}") from None
            if not held:
                problem = unreadable(kind, tested, value, zone)
                if problem:
                    run.assume(name, f"condition {condition.get('friendly_name') or kind!r}: {problem}, so it does "
                               "not hold (what Studio does then is undocumented)")
                break
            reasons.append(f"{tested!r} {kind} {value!r}")
        else:
            if reasons:
                return Outcome("match", "; ".join(reasons), transition)
    return Outcome("noMatch", f"no condition holds for {subject!r}")


@step("set-variables")
def _set_variables(run: _Run, state: Mapping[str, Any]) -> Outcome:
    values = {}
    for item in _properties(state).get("variables") or ():
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            values[item["key"]] = run.text(state["name"], "variables", item.get("value"))
    run.variables.update(values)  # Studio sets variables at the end of the step
    return Outcome("next", ", ".join(f"{key}={value!r}" for key, value in values.items()) or "nothing to set")


@step("say-play")
def _say_play(run: _Run, state: Mapping[str, Any]) -> Outcome:
    name = state["name"]
    kinds: tuple[OutputKind, ...] = ("say", "play", "digits")
    for kind in kinds:
        run.say(name, kind, run.prop(state, kind))
    return Outcome("audioComplete", "played")


_DIGITS = re.compile(r"[0-9*#]+")


@step("gather-input-on-call")
def _gather(run: _Run, state: Mapping[str, Any]) -> Outcome:
    name = state["name"]
    run.say(name, "say", run.prop(state, "say"))
    run.say(name, "play", run.prop(state, "play"))
    answer = run.answer()
    if answer is None or not answer.strip():
        return Outcome("timeout", "no answer left: the caller stays silent" if answer is None else "silence")
    if _DIGITS.fullmatch(answer.strip()):
        pressed = answer.strip()
        digits = _gathered(pressed, _properties(state))
        if not digits:  # Twilio's <Gather> with no digits moves on: Studio's timeout
            return Outcome("timeout", f"the caller pressed only {pressed[0]!r}, the finish key: no digits")
        run.expose(name, {"Digits": digits})
        kept = "" if digits == pressed else f" (of {pressed}: the gather ends at number_of_digits or finish_on_key)"
        return Outcome("keypress", f"the caller pressed {digits}{kept}")
    run.expose(name, {"SpeechResult": answer, "Confidence": "0.9"})
    return Outcome("speech", f"the caller said {answer!r}")


def _gathered(pressed: str, properties: Mapping[str, Any]) -> str:
    """The Digits a gather keeps of the keys ``pressed``: up to its finish key (default ``#``; ``""`` is none, as
    in Twilio's finishOnKey) or its ``number_of_digits``, whichever comes first."""
    finish = properties.get("finish_on_key", "#")
    finish = str(finish)[:1] if finish is not None else "#"
    limit = _integer(str(properties.get("number_of_digits") or "")) or 0
    digits = ""
    for key in pressed:
        if key == finish:
            break
        digits += key
        if len(digits) == limit:
            break
    return digits


def _outcome(run: _Run, state: Mapping[str, Any], event: str, why: str, outputs: Mapping[str, Any]) -> Outcome:
    run.expose(state["name"], outputs)
    return Outcome(event, why)


@step("connect-call-to")
def _connect(run: _Run, state: Mapping[str, Any]) -> Outcome:
    run.connected = True
    run.say(state["name"], "connect", f"connecting to {run.prop(state, 'to') or run.prop(state, 'noun')}")
    return _outcome(run, state, "callCompleted", "the connected call completes",
                    {"DialCallStatus": "completed", "DialCallDuration": "60"})


@step("make-outgoing-call-v2", "make-outgoing-call-v1")
def _outgoing(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "answered", f"{run.prop(state, 'to')} answers", {"CallStatus": "in-progress"})


@step("record-voicemail")
def _voicemail(run: _Run, state: Mapping[str, Any]) -> Outcome:
    run.voicemail = True
    return _outcome(run, state, "recordingComplete", "the caller leaves a message",
                    {"RecordingUrl": "https://api.twilio.com/recording", "RecordingSid": "RE" + "0" * 32,
                     "RecordingDuration": "10"})


@step("record-call")
def _record_call(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "success", "recording " + ("started" if _properties(state).get(
        "record_call") else "stopped"), {})


@step("capture-payments")
def _payments(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "success", "no canned result: the payment succeeds",
                    {"Result": "success", "PaymentToken": "", "PaymentCardType": ""})


@step("fork-stream")
def _fork(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "next", f"stream {run.prop(state, 'stream_action')}", {})


@step("connect-virtual-agent")
def _virtual_agent(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "return", "no canned result: the agent returns the call", {})


@step("connect-virtual-agent-v2")
def _virtual_agent_v2(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "completed", "no canned result: the agent completes", {})


@step("run-conversation-relay")
def _relay(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "success", "no canned result: the relay session succeeds", {})


@step("send-message")
def _send_message(run: _Run, state: Mapping[str, Any]) -> Outcome:
    body = run.prop(state, "body")
    to = run.prop(state, "to") or run.contact.from_
    sender = run.prop(state, "from") or run.contact.to
    run.say(state["name"], "message", body)
    run.last_sender = state["name"]
    # Studio stores the message it sent under outbound: Body, From, Sid, Status, To (its Send Message page)
    return _outcome(run, state, "sent", f"message sent to {to}", {"outbound": {
        "Body": body, "From": sender, "Sid": "SM" + "0" * 32, "Status": "sent", "To": to}})


@step("send-and-wait-for-reply")
def _send_and_wait(run: _Run, state: Mapping[str, Any]) -> Outcome:
    name = state["name"]
    body = run.prop(state, "body")
    run.say(name, "message", body)
    run.last_sender = state["name"]
    run.expose(name, {"outbound": {"Body": body}})
    answer = run.answer()
    if answer is None or not answer.strip():
        return Outcome("timeout", "no reply left: the contact does not answer" if answer is None else "no reply")
    run.expose(name, {"inbound": {"Body": answer, "From": run.contact.from_, "To": run.contact.to}})
    return Outcome("incomingMessage", f"the contact replies {answer!r}")


def _integer(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _handoff(run: _Run, state: Mapping[str, Any], keys: tuple[str, str, str], success: str) -> Outcome:
    name, widget_type = state["name"], str(state["type"])
    workflow_key, channel_key, attributes_key = keys
    text = run.prop(state, attributes_key)
    try:
        attributes = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        return Outcome("failedToEnqueue", f"the task attributes are not JSON after Liquid ({error.msg} at "
                       f"character {error.pos}): {text[:120]!r}")
    if not isinstance(attributes, dict):
        return Outcome("failedToEnqueue", f"the task attributes are JSON but not an object: {text[:120]!r}")
    run.handoff = Handoff(name, widget_type, run.prop(state, workflow_key), run.prop(state, channel_key) if
                          channel_key else "", attributes, _integer(run.prop(state, "priority")),
                          _integer(run.prop(state, "timeout")))
    return Outcome(success, f"task created on workflow {run.handoff.workflow or run.prop(state, 'queue_name')}")


@step("send-to-flex")
def _send_to_flex(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _handoff(run, state, ("workflow", "channel", "attributes"), "callComplete")


@step("enqueue-call")
def _enqueue(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _handoff(run, state, ("workflow_sid", "", "task_attributes"), "callComplete")


def _response(run: _Run, state: Mapping[str, Any], success: str, failure: str) -> Outcome:
    mock = run.mock(state["name"])
    if mock is None:
        return _outcome(run, state, success, "no canned result: an empty 200 answer",
                        {"status_code": 200, "body": "", "content_type": "application/json", "parsed": {}})
    body = mock.outputs.get("body", "")
    parsed: Any = body if not isinstance(body, str) else _json_or(body)
    status = _integer(str(mock.outputs.get("status_code", 200))) or 200
    outputs = {"status_code": status, "content_type": "application/json", **mock.outputs,
               "body": body if isinstance(body, str) else json.dumps(body), "parsed": parsed}
    event = failure if status >= 400 else success
    return _outcome(run, state, event, f"canned answer {status}", outputs)


def _json_or(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


@step("make-http-request")
def _http(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _response(run, state, "success", "failed")


@step("run-function")
def _function(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _response(run, state, "success", "fail")


@step("add-twiml-redirect")
def _redirect(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "return", "no canned result: the TwiML returns the call", {})


@step("run-subflow")
def _subflow(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "completed", "no canned result: the subflow completes with no outputs", {})


@step("start-conversation")
def _start_conversation(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "created", "conversation created", {"ConversationSid": "CH" + "0" * 32})


@step("resume-conversation")
def _resume_conversation(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "resumed", "conversation resumed", {})


@step("send-to-auto-pilot")
def _autopilot(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "sessionEnded", "no canned result: the Autopilot session ends", {})


@step("search-for-a-profile", "resolve-profile")
def _profile(run: _Run, state: Mapping[str, Any]) -> Outcome:
    traits = dict(run.contact.traits)
    why = f"profile found with traits {traits}" if traits else "profile found with no traits"
    return _outcome(run, state, "success", why, {"profile": {"id": "PF" + "0" * 32, "traits": traits}})


@step("create-or-update-profile", "update-profile-traits")
def _profile_write(run: _Run, state: Mapping[str, Any]) -> Outcome:
    return _outcome(run, state, "success", "profile written", {})
