"""What Studio accepts: property and widget specifications, and the constants they use.

The widget classes in :mod:`studio.widgets` declare their properties as annotated fields (see
:mod:`studio.model`); each declaration becomes a :class:`PropSpec`, and each class a :class:`WidgetSpec`
that registers itself in the one catalogue the builder, the validator and the importer share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

# --- UNCONFIRMED names: the one place that holds them -------------------------------------------------
# No public source (no Console export, no live-validated schema) shows these widget type strings or
# property keys; each is our best guess, with where it comes from. The validator says so in a warning
# whenever one is used, and only warns about problems on them. Correct them HERE when a Console export
# shows the real names; nothing else needs to change. (../shared/reference/studio-widgets.md §2)

# The Unified/Twilio Profiles widgets: type strings guessed from the documentation page slugs.
PROFILE_WIDGET_TYPES: dict[str, str] = {
    "search_for_a_profile": "search-for-a-profile",
    "resolve_profile": "resolve-profile",
    "create_or_update_profile": "create-or-update-profile",
    "update_profile_traits": "update-profile-traits",
}

UNCONFIRMED_TYPES: dict[str, str] = {
    "search-for-a-profile": "https://twilio.com/docs/studio/widget-library/search-for-a-profile (page slug)",
    "resolve-profile": "https://www.twilio.com/docs/studio/widget-library/resolve-profile (page slug)",
    "create-or-update-profile": "https://twilio.com/docs/studio/widget-library/create-or-update-profile (page slug)",
    "update-profile-traits": "https://twilio.com/docs/studio/widget-library/update-profile-traits (page slug)",
    "run-conversation-relay": "twilio/ai references/widgets.md only",
    "make-outgoing-call-v1": "[qwayk] contract file and twilio/ai references/widgets.md",
    "start-conversation": "twilio/ai references/widgets.md only",
    "resume-conversation": "twilio/ai references/widgets.md; docs page resume-conversation",
}
"""Widget type strings no public source confirms, with where each comes from; for a type that is in
``SCHEMA_ENUM_TYPES`` (make-outgoing-call-v1) the string is Studio's, its properties and events are not confirmed."""

# The widget types Studio's own Flow Definition JSON Schema enumerates (https://twilio.com/docs/studio/rest-api/v2/
# schemas, states.items.type; the 2019-09 draft). Not every type Studio takes: send-to-auto-pilot, which Twilio's
# Validate endpoint accepted in 2022 ([tfp]), is missing, so a type outside it is not proof of a rejection.
SCHEMA_ENUM_TYPES = frozenset({
    "add-member-to-chat-channel", "add-twiml-redirect", "capture-payments", "connect-call-to",
    "create-chat-channel", "create-task", "enqueue-call", "fork-stream", "gather-input-on-call",
    "make-http-request", "make-outgoing-call-v1", "make-outgoing-call-v2", "record-call", "record-voicemail",
    "run-function", "run-function-v2", "say-play", "send-and-wait-for-reply", "send-message", "send-to-flex",
    "set-variables", "split-based-on", "run-subflow", "trigger", "understand", "update-sync-object",
    "connect-virtual-agent", "connect-virtual-agent-v2",
})

# Six of them are in no widget class: the page shows no properties or events for them that we could read, and no
# public flow uses them (checked in the fourth audit), so they are accepted as they are, not modelled.
_SCHEMA_ENUM = "Studio's Flow Definition JSON Schema lists it (states type enum); its properties are not published"

DECLARED_WIDGET_TYPES: dict[str, str] = {
    "run-model-inference": "a flow-to-terraform converter handles it (studio-widgets.md §2.4); no schema known",
    "add-member-to-chat-channel": _SCHEMA_ENUM,
    "create-chat-channel": _SCHEMA_ENUM,
    "create-task": _SCHEMA_ENUM,
    "run-function-v2": _SCHEMA_ENUM,
    "understand": _SCHEMA_ENUM,
    "update-sync-object": _SCHEMA_ENUM,
}
"""Widget types Studio has that the catalogue has no class for yet, each with where it was seen.

Studio refuses a type it does not know, so the validator reports any other unknown type as an error. A
type Twilio adds later is declared once: here (accepted as it is, properties and events unchecked, with a
warning saying so), or as a widget class in studio/widgets.py (properties and events checked too).
"""

UNCONFIRMED_PROPERTIES: dict[tuple[str, str], str] = {
    ("connect-virtual-agent-v2", "connector_details"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "channel"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "timeout"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "session_behavior"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "resume_session_identification_method"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "resume_session_identification_value"): "[qwayk] contract file only",
    ("connect-virtual-agent-v2", "resume_session_event_name"): "[qwayk] contract file only",
}
"""Property keys (of otherwise confirmed widgets) no public source confirms, with where each comes from.

Confirmed since, so no longer listed: make-http-request ``add_twilio_auth`` (a flow exported with its keys
sorted, as the API returns them, in a public En3/Twilio Flex integration guide holds
``"add_twilio_auth": false`` on three make-http-request widgets; the Studio changelog of 2024-05-20 adds
the "Twilio authentication" checkbox to the widget); send-message ``shorten_urls`` (a flow fetched from the
API, keys sorted as it returns them, in todd-twilio/global-connect-passport's twilio-studio-flow.json holds
``"shorten_urls": true``, the boolean; tests/studio/test_validate_audit5.py).
"""

# Studio v1 (the 2018 format, before the v2 Flow Definition API) widget types, each with the v2 type that
# replaced it. Seen in two public v1 exports (stuartlogan82/geolocator studioFlow.json; tigerfarm's
# "Import from JSON" README): states with "sid": "FF...", transitions whose "next" is a widget SID and that
# carry a "uuid". The v2 API rejects these types; the validator names the format once instead of reporting
# every consequence. Other v1 type strings exist but no public export shows them (unverified: not listed).
V1_WIDGET_TYPES: dict[str, str] = {
    "InitialState": "trigger",
    "Gather": "gather-input-on-call",
    "Branch": "split-based-on",
    "Message": "send-message",
    "SayPlay": "say-play",
    "EnqueueCall": "enqueue-call",
}

# The four keys of every state (widget) object, the trigger included, each with what fills a missing one in. The
# validator reports a missing one (missing-key) and the importer refuses a state without one, both from this table.
# [sdkgo] studio/flow/state.go requires name, type, transitions and properties on every state, and its trigger widget
# (studio/widgets/trigger.go, generated from Twilio's widget definitions) requires properties too; every Console export
# and Twilio's own samples give the trigger "properties" (at least its offset; the Flow Validate docs' minimal valid
# flow too). Only [qwayk], a third-party contract file, lets a trigger go without: no ground for an exception.
STATE_KEYS: dict[str, str] = {
    "name": "a unique name",
    "type": '"type": "say-play"',
    "transitions": '"transitions": []',
    "properties": '"properties": {}',
}
"""Each key a state must have, with the fix a message gives when it is missing."""

# The value Console fills in for a required property when the widget is dragged onto the canvas, shown in the
# "needs property" message as the fix. Sources: studio-widgets.md §2.2-2.4 (send-message "from" defaults to
# {{flow.channel.address}}, "to" to {{contact.channel.address}}; Twilio's Flow Definition sample POSTs
# make-outgoing-call-v2 with those two; run-subflow flow_revision "LatestPublished"); public exports of
# send-to-auto-pilot (body {{trigger.message.Body}}, timeout 14400). Properties with an enumeration, usual
# values or a SID kind take their example from those instead.
_FLOW_ADDRESS = "{{flow.channel.address}}"
_CONTACT_ADDRESS = "{{contact.channel.address}}"
CONSOLE_DEFAULTS: dict[tuple[str, str], str | int] = {
    ("send-message", "from"): _FLOW_ADDRESS,
    ("send-and-wait-for-reply", "from"): _FLOW_ADDRESS,
    ("make-outgoing-call-v2", "from"): _FLOW_ADDRESS,
    ("make-outgoing-call-v2", "to"): _CONTACT_ADDRESS,
    ("make-outgoing-call-v1", "from"): _FLOW_ADDRESS,
    ("make-outgoing-call-v1", "to"): _CONTACT_ADDRESS,
    ("send-to-auto-pilot", "from"): _FLOW_ADDRESS,
    ("send-to-auto-pilot", "body"): "{{trigger.message.Body}}",
    ("send-to-auto-pilot", "timeout"): 14400,
    ("run-subflow", "flow_revision"): "LatestPublished",
}
"""Console's value for a required property, by (widget type, JSON key): the example a missing one's message gives."""

# What each event means, in the words people write for it by mistake ("incomingSms", "restApi", "noInput"):
# "did you mean" hints only, never accepted in place of the event. A word matches when it is one of the
# words of the wrong name (split at case changes, digits and separators) or the whole name run together.
# The more specific event comes first ("conversationMessage" means incomingConversationMessage).
EVENT_WORDS: dict[str, tuple[str, ...]] = {
    "incomingConversationMessage": ("conversation", "conversations"),
    "incomingMessage": ("sms", "mms", "text", "texts", "message", "messages", "msg", "whatsapp", "chat",
                        "messenger", "messaging"),
    "incomingCall": ("call", "calls", "voice", "phone", "dial"),
    "incomingRequest": ("request", "rest", "api", "http", "webhook", "execution", "executions"),
    "incomingParent": ("parent", "subflow"),
    "timeout": ("noinput", "noreply", "noresponse", "noanswer"),
}

# Trigger events that start a flow without a call, so voice widgets cannot work on their paths.
MESSAGING_EVENTS = frozenset({"incomingMessage", "incomingConversationMessage"})
REST_API_EVENT = "incomingRequest"

# The 17 condition types of split-based-on (RJP data_source_studio_flow_widget_split_based_on.go).
CONDITION_TYPES = (
    "equal_to",
    "not_equal_to",
    "matches_any_of",
    "does_not_match_any_of",
    "is_blank",
    "is_not_blank",
    "regex",
    "contains",
    "does_not_contain",
    "starts_with",
    "does_not_start_with",
    "less_than",
    "greater_than",
    "is_before_time",
    "is_after_time",
    "is_before_date",
    "is_after_date",
)

FLOW_SCHEMA_URL = "https://schemas.twilio.com/studio/draft/2019-09/flow-definition"
# How many widgets a flow may have. Studio's FAQ (twilio.com/docs/studio/user-guide/studio-faq, 2024 onwards): "A
# Flow is limited to 2,000 Widgets - publishing a Flow larger than this is not possible" (older copies of the page
# said 1,000). The published Flow Definition JSON Schema (2019-09 draft) still says states maxItems 1000; which of
# the two the API enforces is unverified, so over MAX_STATES is an error and over SCHEMA_MAX_STATES a warning.
MAX_STATES = 2000
SCHEMA_MAX_STATES = 1000

# JSON value kinds a property may have. The *_string kinds are JSON strings that the builder also
# accepts as Python ints or bools, because Studio sends them as strings (e.g. send-to-flex priority).
Kind = Literal[
    "string",
    "numeric_string",
    "boolean_string",
    "json_string",
    "integer",
    "boolean",
    "key_values",
    "string_list",
    "array",
    "object",
]
JSON_TYPE_OF_KIND: dict[str, str] = {
    "string": "string",
    "numeric_string": "string",
    "boolean_string": "string",
    "json_string": "string",
    "integer": "integer",
    "boolean": "boolean",
    "key_values": "array",
    "string_list": "array",
    "array": "array",
    "object": "object",
}

# What a widget needs from the trigger: a live call, or a flow started by the REST API.
Requirement = Literal["voice", "rest_api"]


@dataclass(frozen=True, slots=True)
class PropSpec:
    """One widget property as Studio sees it.

    Attributes:
        attr: the Python keyword argument (``from_``, ``wait_url``).
        json: the JSON key (``from``, ``waitUrl``).
        kind: the JSON value kind (see ``Kind``).
        required: Studio rejects the widget without it (a required keyword argument).
        recommended: the widget rarely works without it; a missing one is our warning only.
        enum: the only values Studio accepts (Studio enforces it).
        suggested: the usual values; another one is our warning only.
        minimum, maximum: a sensible range, our warning only (Studio documents none).
        liquid: a Liquid template is accepted in place of a literal.
        sid_prefix: the value is a SID of this kind; a malformed literal is our warning.
        also: words Studio takes in place of such a SID (``default`` for Classic Functions).
        literal_sid: Studio requires a literal SID here, never Liquid.
        max_length: the longest text Twilio sends or speaks; a longer one is our warning.
        limit_reason: what sets ``max_length`` (for the message).
        unconfirmed: where the key comes from when no public source confirms it ("" when one does).
    """

    attr: str
    json: str
    kind: Kind
    required: bool = False
    recommended: bool = False
    enum: tuple[str, ...] = ()
    suggested: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    liquid: bool = True
    sid_prefix: str | None = None
    also: tuple[str, ...] = ()
    literal_sid: bool = False
    max_length: int | None = None
    limit_reason: str = ""
    unconfirmed: str = ""
    free_text: bool = field(init=False, repr=False, compare=False)
    """A text with no rule on its content (most strings): the validator reads only its Liquid."""

    def __post_init__(self) -> None:
        rules = self.enum or self.suggested or self.sid_prefix or self.literal_sid or self.max_length
        object.__setattr__(self, "free_text", self.kind in ("string", "json_string") and not rules)

    @property
    def json_type(self) -> str:
        """The JSON type Studio expects: string, integer, boolean, array or object."""
        return JSON_TYPE_OF_KIND[self.kind]


@dataclass(frozen=True)
class WidgetSpec:
    """One widget type: its JSON type string, properties and transition events.

    Attributes:
        type: the JSON ``type`` string.
        props: the properties by JSON key, in declaration order.
        events: the transition events, in the order Console exports them.
        primary_event: the event ``widget >> next`` follows, if the widget has an obvious one.
        requires: what the widget needs from the trigger, if anything.
        one_of: groups of properties of which at least one should be set (our warning).
        confirmed: False when the type string comes from documentation only (see
            ``UNCONFIRMED_TYPES``); problems found on such widgets are warnings, never Studio errors.
        source: where the facts come from.
    """

    type: str
    props: dict[str, PropSpec]
    events: tuple[str, ...]
    primary_event: str | None = None
    requires: Requirement | None = None
    one_of: tuple[tuple[str, ...], ...] = ()
    confirmed: bool = True
    source: str = ""

    @cached_property
    def expected(self) -> tuple[PropSpec, ...]:
        """The properties whose absence is worth a problem: the required and the recommended ones."""
        return tuple(prop for prop in self.props.values() if prop.required or prop.recommended)


# --- What widgets store: the ``widgets.<name>.<output>`` variables ------------------------------------
# The one table of each widget type's outputs, read by the validator's "unknown-widget-output" warning: a
# reference whose first segment after the widget's name is none of its type's outputs renders empty (Studio
# accepts the flow; Liquid prints nothing for an unknown variable). Only that first segment is checked: what
# lies under it is open-ended where it is data (``parsed.<key>`` of an HTTP or Function answer,
# ``inbound.<param>`` of a reply, ``headers[...]``). A type missing here is not checked (see
# OUTPUTS_NOT_CHECKED for why each documented type is missing). Case matters, as in Liquid.
# Sources: the "<widget> variables" section of each page of Twilio's Studio widget library,
# https://www.twilio.com/docs/studio/widget-library/<page> (pages named below); studio-widgets.md §3
# (../shared/reference/studio-widgets.md); and, where a public flow reads an output the page does not list,
# that flow (named). A name no public source shows is listed under ``unverified`` with why it is kept.

_WIDGET_DOCS = "https://www.twilio.com/docs/studio/widget-library/"

# The parameters Twilio sends with every voice request (https://www.twilio.com/docs/usage/webhooks/voice-webhooks),
# as the Gather Input on Call page lists them among its variables; CallerName, ForwardedFrom and ParentCallSid from
# the Enqueue Call page's list.
CALL_PROPERTIES: tuple[str, ...] = (
    "AccountSid", "ApiVersion", "CallSid", "CallStatus", "Direction", "From", "To", "Called", "Caller",
    "CallerName", "ForwardedFrom", "ParentCallSid",
    "CallerCity", "CallerCountry", "CallerState", "CallerZip", "CalledCity", "CalledCountry", "CalledState",
    "CalledZip", "FromCity", "FromCountry", "FromState", "FromZip", "ToCity", "ToCountry", "ToState", "ToZip",
)
_CALL_UNVERIFIED = (
    "the call's properties: the page lists only its own variables, but Studio stores the TwiML action's request, "
    "which carries every voice request parameter (the Gather Input on Call page lists them)"
)

# TaskRouter's Task resource (https://www.twilio.com/docs/taskrouter/api/task, its properties in the JSON the API
# returns): what Send to Flex stores for a message or conversation, where it creates the task itself.
TASK_PROPERTIES: tuple[str, ...] = (
    "sid", "account_sid", "workspace_sid", "workflow_sid", "workflow_friendly_name", "task_queue_sid",
    "task_queue_friendly_name", "task_channel_sid", "task_channel_unique_name", "attributes", "age",
    "assignment_status", "priority", "reason", "timeout", "date_created", "date_updated",
    "task_queue_entered_date", "addons", "url", "links", "virtual_start_time", "ignore_capacity", "routing_target",
)


@dataclass(frozen=True, slots=True)
class WidgetOutputs:
    """The variables one widget type stores for the widgets after it (``widgets.<name>.<output>``).

    Attributes:
        own: the widget's own outputs, as a message lists them.
        source: where they come from.
        also: more outputs, not listed one by one in a message (the call's properties).
        also_label: what ``also`` is, for a message.
        unverified: which outputs no public source shows as this widget's, and why they are kept ("" when
            every name is documented).
        names: every output (own and also).
    """

    own: tuple[str, ...]
    source: str
    also: tuple[str, ...] = ()
    also_label: str = ""
    unverified: str = ""
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", frozenset((*self.own, *self.also)))


def _voice(own: tuple[str, ...], source: str, unverified: str = _CALL_UNVERIFIED) -> WidgetOutputs:
    """A voice widget's outputs: its own, then the call's properties."""
    return WidgetOutputs(own, source, CALL_PROPERTIES, "the call's properties (CallSid, From, To...)", unverified)


_RESPONSE = ("parsed", "body", "content_type", "status_code")
_MESSAGE = "; parsed, inbound and outbound hold open-ended keys, unchecked"
WIDGET_OUTPUTS: dict[str, WidgetOutputs] = {
    "gather-input-on-call": _voice(
        ("Digits", "SpeechResult", "Confidence"),
        _WIDGET_DOCS + "gather-input-call (Gather Input on Call variables: these and the call's properties)",
        unverified="",
    ),
    "say-play": WidgetOutputs(("language", "voice"), _WIDGET_DOCS + "sayplay (Say/Play variables)"),
    "connect-call-to": _voice(
        ("DialCallStatus", "DialCallDuration", "DialCallSid", "RecordingUrl"),
        _WIDGET_DOCS + "connect-call (Connect Call To variables)",
    ),
    "record-voicemail": _voice(
        ("RecordingUrl", "RecordingDuration", "RecordingSid", "Digits", "Sid", "Uri", "Source", "Channels",
         "DateCreated", "DateUpdated", "Price", "PriceUnit"),
        _WIDGET_DOCS + "record-voicemail (Record Voicemail variables; RecordingSid and Digits are <Record>'s action "
        "parameters, https://www.twilio.com/docs/voice/twiml/record)",
        unverified="RecordingSid and Digits (<Record>'s action request, not on the page), and " + _CALL_UNVERIFIED,
    ),
    "record-call": WidgetOutputs(
        ("Sid", "Status", "Duration", "Channels", "Source", "StartTime", "Uri", "CallSid", "ConferenceSid",
         "AccountSid", "ApiVersion", "DateCreated", "DateUpdated", "EncryptionDetails", "ErrorCode", "Price",
         "PriceUnit"),
        _WIDGET_DOCS + "call-recording (Call Recording variables)",
    ),
    "enqueue-call": _voice(
        ("QueueResult", "QueueSid", "QueueTime"),
        _WIDGET_DOCS + "enqueue-call (Enqueue Call variables: these and the call's properties)",
    ),
    "make-outgoing-call-v2": _voice(
        ("CallSid", "CallStatus", "AnsweredBy", "MachineDetectionDuration", "From", "To", "AccountSid"),
        _WIDGET_DOCS + "make-outgoing-call (Make Outgoing Call variables)",
    ),
    "make-outgoing-call-v1": _voice(
        ("CallSid", "CallStatus", "AnsweredBy", "From", "To", "AccountSid"),
        _WIDGET_DOCS + "make-outgoing-call (the v2 page's variables; the v1 page was not read)",
        unverified="all of them: the v1 widget's own page was not read; " + _CALL_UNVERIFIED,
    ),
    "connect-virtual-agent": WidgetOutputs(
        ("VirtualAgentProvider", "VirtualAgentStatus", "VirtualAgentProviderData", "VirtualAgentError",
         "VirtualAgentErrorCode", "VirtualAgentProviderError"),
        _WIDGET_DOCS + "connect-virtual-agent (Connect Virtual Agent variables; VirtualAgentProviderData holds "
        "open-ended keys, unchecked)",
    ),
    "send-message": WidgetOutputs(("outbound",), _WIDGET_DOCS + "send-message (Send Message variables)" + _MESSAGE),
    "send-and-wait-for-reply": WidgetOutputs(
        ("inbound", "outbound"), _WIDGET_DOCS + "send-wait-reply (Send and Wait For Reply variables)" + _MESSAGE
    ),
    "make-http-request": WidgetOutputs(_RESPONSE, _WIDGET_DOCS + "http-request (variables from all return types)"
                                       + _MESSAGE),
    "run-function": WidgetOutputs(
        (*_RESPONSE, "headers"), _WIDGET_DOCS + "run-function (variables from all return types)" + _MESSAGE
    ),
    "send-to-flex": WidgetOutputs(
        ("TaskSid", "Attributes", "Age", *TASK_PROPERTIES, "QueueResult", "QueueSid", "QueueTime"),
        _WIDGET_DOCS + "send-flex (Send to Flex variables: Age, Attributes, TaskSid); the Task resource's "
        "properties: a public chat flow reads sid, task_queue_sid and workspace_sid of its Send to Flex "
        "(techmatters/flex-plugins ca-webchat-v2.json, ../shared/corpus/realworld); QueueResult, QueueSid, "
        "QueueTime: <Enqueue>'s action parameters, as Enqueue Call stores them",
        also=CALL_PROPERTIES,
        also_label="the call's properties (CallSid, From, To...)",
        unverified="the Task resource's properties other than sid, task_queue_sid and workspace_sid (the API's "
        "names for the same task), and on a call <Enqueue>'s action parameters and " + _CALL_UNVERIFIED,
    ),
}
"""Each widget type's outputs, by JSON type string (see the comment above for the sources)."""

OUTPUTS_NOT_CHECKED: dict[str, str] = {
    "trigger": "the trigger's data is read as trigger.*, not widgets.*",
    "split-based-on": "its page lists no variables",
    "set-variables": "it sets flow.variables.<key>; its page lists no widgets.* variables",
    "run-subflow": "open-ended: the subflow's variables come back under the widget's name",
    "add-twiml-redirect": "open-ended: the parameters of the URL that returns to Studio are stored",
    "capture-payments": "its page lists no variables (<Pay>'s action parameters, Result, PaymentToken..., likely)",
    "fork-stream": "its page lists no variables",
    "connect-virtual-agent-v2": "no page read lists its variables",
    "search-for-a-profile": "its page lists no variable names; the Update Profile Traits page's example reads "
    "{{widgets.look_up_profile_1.ProfileData.profileConnectSid}}",
    "resolve-profile": "no page read lists its variables",
    "create-or-update-profile": "no page read lists its variables",
    "update-profile-traits": "no page read lists its variables",
    "run-conversation-relay": "no page read lists its variables",
    "start-conversation": "no page read lists its variables",
    "resume-conversation": "no page read lists its variables",
    "send-to-auto-pilot": "retired; no page read lists its variables",
}
"""Widget types whose outputs are not checked, with why (the documented ones: no other type is checked either)."""

# Liquid's own properties of any value (``widgets.menu.size``): never an output, always a valid read.
LIQUID_PROPERTIES = frozenset({"size", "first", "last"})
