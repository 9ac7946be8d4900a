"""The validator's rule table: every problem code, its kind, its severity and why.

The rule: an **error** is only what Studio itself rejects (HTTP 400 / 81022 on create, update or
Validate), or a flow that cannot run at all. Everything else worth a look is a **warning**. Each
Studio-enforced rule names the source that shows Studio enforces it; the tags are those of
../shared/reference/studio-widgets.md:

* [schema-doc]  https://twilio.com/docs/studio/rest-api/v2/schemas (the flow-definition JSON Schema)
* [err-81022]   https://twilio.com/docs/api/errors/81022 (causes: schema mismatch, names not unique,
  a transition to a widget that does not exist)
* [ai]          twilio/ai ``skills/twilio/twilio-studio-flows/SKILL.md``: Studio's validator messages
  ("does not have a value in the enumeration", "must be a constant value", "is missing but it is
  required", "integer found, string expected", "must be a valid, non-liquid flow sid", "can only be
  used in flows triggered by the REST API")
* [sdkgo]       RJPearson94/twilio-sdk-go ``studio/flow/state.go`` (required state and condition keys),
  live-validated by [tfp]
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

ProblemKind = Literal["schema", "graph", "reachability", "liquid", "trigger"]
Severity = Literal["error", "warning"]

_RULE_TEXT = "The toolkit's advice: Studio publishes the flow."


@dataclass(frozen=True)
class Rule:
    """One validator rule.

    Attributes:
        code: the problem code.
        kind: schema, graph, reachability, liquid or trigger.
        severity: error (Studio rejects it, or the flow cannot run) or warning.
        studio: Studio's own validator applies the rule.
        source: why the severity is what it is (for Studio's rules: where Studio is shown to enforce it).
        meaning: what the rule finds.
    """

    code: str
    kind: ProblemKind
    severity: Severity
    studio: bool
    source: str
    meaning: str


def _studio(code: str, kind: ProblemKind, source: str, meaning: str) -> Rule:
    return Rule(code, kind, "error", True, source, meaning)


def _advice(code: str, kind: ProblemKind, meaning: str) -> Rule:
    return Rule(code, kind, "warning", False, _RULE_TEXT, meaning)


UNKNOWN_WIDGET_TYPE = "unknown-widget-type"
WIDGET_TYPE_TYPO = "widget-type-typo"

_TABLE = (
    # -- what Studio rejects ------------------------------------------------------------------------------
    _studio(
        "not-an-object",
        "schema",
        "[schema-doc] (definition, states, flags are objects); [sdkgo] state and transition objects",
        "the definition, a state, a transition, a condition or properties is not a JSON object",
    ),
    _studio(
        "missing-key",
        "schema",
        "[schema-doc] required initial_state, states; [sdkgo] state.go name/type/transitions/properties, "
        "condition keys; [ai] 'is missing but it is required'",
        "a required key of the definition, a state, a transition, a condition or a key/value item",
    ),
    _studio(
        "json-type",
        "schema",
        "[ai] 'integer found, string expected', 'string found, boolean expected'",
        "a value of the wrong JSON type",
    ),
    _studio("empty", "schema", "[schema-doc] initial_state minLength 1", "initial_state is an empty string"),
    _studio(
        "state-count",
        "schema",
        "[schema-doc] states minItems 1; the Studio FAQ: a flow of over 2,000 widgets cannot be published "
        "(studio/spec.py MAX_STATES)",
        "states has 0 or over 2,000 items",
    ),
    _studio("schema-url", "schema", "[schema-doc] $schema enum", "$schema is not the flow-definition schema URL"),
    _studio("flags", "schema", "[schema-doc] Flags.required", "flags without allow_concurrent_calls"),
    _studio(
        WIDGET_TYPE_TYPO,
        "schema",
        "[ai] 'does not have a value in the enumeration'",
        "a widget type Studio does not know that is a near miss of a known one (a typo)",
    ),
    _studio(
        "required",
        "schema",
        "[ai] 'is missing but it is required'; [sdkgo-def] required properties",
        "a required widget property is missing",
    ),
    _studio("enum", "schema", "[ai] enumerations in the widget schemas", "a value outside a property's enumeration"),
    _studio(
        "liquid-not-allowed",
        "schema",
        "[ai] 'must be a valid, non-liquid flow sid' (its error table: 'A SID field got a Liquid template or bad "
        "value')",
        "Liquid, or a literal that is no SID of its kind, where Studio wants a literal SID",
    ),
    _studio("duplicate-name", "graph", "[err-81022] 'widget names not unique'", "two widgets share a name"),
    _studio(
        "unknown-next",
        "graph",
        "[err-81022] 'a transition references a widget that doesn't exist'",
        "a transition leads to a state that does not exist",
    ),
    _studio("invalid-event", "graph", "[ai] 'must be a constant value'", "an event the widget type does not have"),
    _studio(
        "rest-api-only",
        "trigger",
        "[ai] '<widget> can only be used in flows triggered by the REST API'",
        "a REST-API-only widget reached from another trigger event",
    ),
    _studio(
        "v1-format",
        "schema",
        "[ai] 'does not have a value in the enumeration': the v2 API knows none of the v1 widget types "
        "(studio/spec.py V1_WIDGET_TYPES)",
        "a Studio v1 export (InitialState, Gather...), reported once instead of every consequence",
    ),
    # -- flows that cannot run ----------------------------------------------------------------------------
    Rule(
        "initial-state",
        "graph",
        "error",
        False,
        "Cannot run: an execution starts at initial_state, which must be the trigger.",
        "initial_state names no widget, or not the trigger",
    ),
    Rule(
        "no-trigger",
        "graph",
        "error",
        False,
        "Cannot run: nothing starts an execution (Console never lets the trigger be deleted).",
        "the flow has no trigger",
    ),
    # -- Studio's enumeration: our catalogue plus the declared types --------------------------------------
    Rule(
        UNKNOWN_WIDGET_TYPE,
        "schema",
        "error",
        True,
        "[ai] 'does not have a value in the enumeration': Studio refuses types it does not know (real flows "
        "used hangup, record, twiml-redirect). A type Twilio adds later is declared once "
        "(studio/spec.py DECLARED_WIDGET_TYPES, or a widget class) and is then accepted.",
        "a widget type neither in the catalogue nor declared (and no near miss of one)",
    ),
    # -- advice ---------------------------------------------------------------------------------------------
    _advice("unknown-key", "schema", "a key the definition format does not have"),
    _advice("empty-name", "schema", "a widget name is an empty string"),
    _advice("name-characters", "schema", "a widget name holds invisible or bidirectional control characters"),
    _advice("unknown-property", "schema", "a property the widget type does not have (sent as is)"),
    _advice("unconfirmed", "schema", "a widget type or property no public source confirms (see studio/spec.py)"),
    _advice("recommended", "schema", "a property the widget rarely works without is missing"),
    _advice("one-of", "schema", "none of a group of properties of which the widget needs one is set"),
    _advice("suggested", "schema", "a value other than the usual ones"),
    _advice("number", "schema", "a number-in-a-string property holds no number"),
    _advice("range", "schema", "a number outside the sensible range"),
    _advice("sid-format", "schema", "a literal SID that does not look like one of its kind"),
    _advice("value-type", "schema", "a key/value item whose value is not a string"),
    _advice("condition-value", "schema", "a date, time or number condition compared with a value of another form"),
    _advice("text-limit", "schema", "a text longer than Twilio sends or speaks (message body, spoken text)"),
    _advice(
        "widget-limit",
        "schema",
        "1,001 to 2,000 widgets: the FAQ allows them, the published schema's maxItems (1,000) does not (unverified)",
    ),
    _advice("nesting-depth", "schema", "a value nested deeper than any widget schema (not checked further)"),
    _advice("duplicate-event", "graph", "an event listed twice on one widget"),
    _advice("conditions", "graph", "conditions outside a split's match transitions, or a match without conditions"),
    _advice("trigger-count", "graph", "more than one trigger"),
    _advice("unreachable", "reachability", "a widget no trigger event reaches"),
    _advice("liquid-syntax", "liquid", "Liquid python-liquid cannot parse (Studio sends the text as it is)"),
    _advice("unknown-widget-reference", "liquid", "{{widgets.NAME}} names no widget (it renders empty)"),
    _advice("reference-not-before", "liquid", "{{widgets.NAME}} is read where NAME has not run on any path"),
    _advice(
        "unknown-widget-output",
        "liquid",
        "{{widgets.NAME.OUTPUT}} reads an output NAME's type does not store (it renders empty; studio/spec.py "
        "WIDGET_OUTPUTS)",
    ),
    _advice(
        "unknown-liquid-variable",
        "liquid",
        "a Liquid read of a name Studio gives no template (it renders empty; studio/liquid.py LIQUID_VARIABLES)",
    ),
    _advice(
        "undocumented-liquid",
        "liquid",
        "a Liquid filter or tag Studio's Liquid page does not list (Studio saves the flow; studio/liquid.py "
        "STUDIO_LIQUID)",
    ),
    _advice("voice-on-messaging", "trigger", "a voice widget reached only from messaging trigger events"),
)

RULES: MappingProxyType[str, Rule] = MappingProxyType({rule.code: rule for rule in _TABLE})
"""Every rule, by problem code."""

STUDIO_ENFORCED_CODES = frozenset(code for code, rule in RULES.items() if rule.studio)
"""The codes of the rules Studio's own validator applies."""
