"""The widget catalogue: one typed class per Studio widget type.

Each class is a row of the catalogue: ``TYPE`` is the JSON type string, the ``on_*`` attributes are
the transition events in the order Console exports them, and the annotated fields are the properties
with their JSON kinds, required ones (no default), enums and ranges. Facts and their sources:
../shared/reference/studio-widgets.md (tags in ``SOURCE``). Type strings and property keys no public
source confirms are listed in :mod:`studio.spec` (``UNCONFIRMED_TYPES``, ``UNCONFIRMED_PROPERTIES``);
the validator only warns about them, and says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from studio.model import (
    WIDGET_CLASS_BY_TYPE,
    BooleanString,
    Condition,
    Event,
    Integer,
    JsonArray,
    JsonObject,
    JsonText,
    KeyValues,
    NumericString,
    Port,
    StringList,
    Widget,
    _target_name,
    prop,
)
from studio.params import Filler
from studio.spec import PROFILE_WIDGET_TYPES

FLOW_ADDRESS = "{{flow.channel.address}}"
"""The Twilio side of the conversation: Console's default ``from``."""
CONTACT_ADDRESS = "{{contact.channel.address}}"
"""The contact's address: Console's default ``to``."""

# An ``enum`` is an error (Studio refuses other values), ``suggested`` our warning only. Enums are kept where
# the reference lists the values Studio takes (studio-widgets.md §2); where it gives only "str", the usual values
# are suggested: Twilio's own Flow Definition sample POSTs make-outgoing-call-v2 with ``"trim": "true"``, so
# Studio does not hold trim to the two values <Record> documents, and the same is assumed for recording_channels,
# callback methods and the unverified connect-virtual-agent-v2 (unverified: no Studio error seen for any of them).
_METHODS = ("GET", "POST")
_TRIM = ("trim-silence", "do-not-trim")
_RECORDING_CHANNELS = ("mono", "dual")
_MESSAGE_TYPES = ("custom", "content_template")
_BODY_REASON = "characters Twilio sends in one message (error 21617)"
_SAY_REASON = "characters a basic voice speaks (warning 13521; Polly voices: 3,000)"


# --- Flow control ----------------------------------------------------------------------------------


class Trigger(Widget):
    """Trigger (Start): where every execution begins; one per flow."""

    TYPE = "trigger"
    SOURCE = "[fpt] exports (5 events), [sdkgo-def]"

    on_incoming_message = Event("incomingMessage")
    on_incoming_call = Event("incomingCall")
    on_incoming_conversation_message = Event("incomingConversationMessage")
    on_incoming_request = Event("incomingRequest")
    on_incoming_parent = Event("incomingParent")

    name: str = dataclasses.field(default="Trigger", kw_only=False)


class SplitBasedOn(Widget):
    """Split Based On...: branches on ``input``; add branches with ``split.when(Condition...) >> next``."""

    TYPE = "split-based-on"
    EXTRA_EVENTS = ("match",)
    SOURCE = "[sdkgo-def], [tfp] condition types, [fpt] exports"

    on_no_match = Event("noMatch")

    input: str = prop()
    _matches: list[tuple[Condition, ...]] = dataclasses.field(default_factory=list, init=False, repr=False)

    def when(self, *conditions: Condition) -> Port:
        """Add a ``match`` branch taken when all ``conditions`` hold; connect it with ``>>``."""
        for condition in conditions:
            if not isinstance(condition, Condition):
                raise TypeError(
                    f"split {self.name!r}: when() takes Condition objects, e.g. Condition.equal_to('1'), "
                    f"not {condition!r}"
                )
        self._matches.append(conditions)
        return Port(self, len(self._matches) - 1)

    def _render_transitions(self, properties: dict[str, Any], filler: Filler) -> list[dict[str, Any]]:
        matches = len(self._matches)
        order = ("noMatch", *("match",) * matches) if self.event_order is None else self.event_order
        if (
            order.count("match") != matches
            or order.count("noMatch") > 1
            or not set(order)
            <= {
                "noMatch",
                "match",
            }
        ):
            raise ValueError(
                f"split {self.name!r}: event_order must list 'noMatch' at most once and 'match' once per "
                f"when() branch ({matches}), got {list(order)}"
            )
        split_input = properties.get("input")
        transitions: list[dict[str, Any]] = []
        index = 0
        for event in order:
            transition: dict[str, Any] = {"event": event}
            key: str | int = event
            if event == "match":
                key = index
                transition["conditions"] = [condition.render(split_input, filler) for condition in self._matches[index]]
                index += 1
            target = self._next.get(key)
            if target is not None:
                transition["next"] = _target_name(target)
            transitions.append(transition)
        return transitions


class SetVariables(Widget):
    """Set Variables: stores key/value pairs, readable as ``{{flow.variables.<key>}}``."""

    TYPE = "set-variables"
    SOURCE = "[sdkgo-def], [fpt]"

    on_next = Event("next", primary=True)

    variables: KeyValues | None = prop(default=None, recommended=True)


# --- Voice -----------------------------------------------------------------------------------------


class SayPlay(Widget):
    """Say/Play: speaks text, plays audio or sends DTMF digits on the call."""

    TYPE = "say-play"
    REQUIRES = "voice"
    ONE_OF = (("say", "play", "digits"),)
    SOURCE = "[sdkgo-def]; loop 1-99 [ai]"

    on_audio_complete = Event("audioComplete", primary=True)

    say: str | None = prop(default=None, max_length=4096, limit_reason=_SAY_REASON)
    play: str | None = prop(default=None)
    digits: str | None = prop(default=None)
    voice: str | None = prop(default=None)
    language: str | None = prop(default=None)
    loop: Integer | None = prop(default=None, minimum=1, maximum=99)


class GatherInputOnCall(Widget):
    """Gather Input On Call: prompts the caller and collects digits or speech."""

    TYPE = "gather-input-on-call"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata, [qwayk]; timeout 1-30 [tfp]"

    on_keypress = Event("keypress")
    on_speech = Event("speech")
    on_timeout = Event("timeout")

    say: str | None = prop(default=None, max_length=4096, limit_reason=_SAY_REASON)
    play: str | None = prop(default=None)
    voice: str | None = prop(default=None)
    language: str | None = prop(default=None)
    hints: str | None = prop(default=None)
    finish_on_key: str | None = prop(default=None)
    speech_model: str | None = prop(default=None)
    speech_timeout: str | None = prop(default=None)
    gather_language: str | None = prop(default=None)
    profanity_filter: BooleanString | None = prop(default=None)
    stop_gather: bool | None = prop(default=None)
    timeout: Integer | None = prop(default=None, minimum=1, maximum=30)
    number_of_digits: Integer | None = prop(default=None)
    loop: Integer | None = prop(default=None)
    save_response_as: str | None = prop(default=None)


class ConnectCallTo(Widget):
    """Connect Call To: dials a number, client, conference, SIM or SIP endpoint."""

    TYPE = "connect-call-to"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata"

    on_call_completed = Event("callCompleted", primary=True)
    on_hangup = Event("hangup")

    noun: str = prop(enum=("number", "number-multi", "client", "conference", "sim", "sip"))
    to: str | None = prop(default=None)
    caller_id: str | None = prop(default=None, recommended=True)
    record: bool | None = prop(default=None)
    timeout: Integer | None = prop(default=None)
    time_limit: NumericString | None = prop(default=None)
    sip_endpoint: str | None = prop(default=None)
    sip_username: str | None = prop(default=None)
    sip_password: str | None = prop(default=None)


class MakeOutgoingCall(Widget):
    """Make Outgoing Call (v2): places a call, typically in a flow started by the REST API."""

    TYPE = "make-outgoing-call-v2"
    SOURCE = "[sdkgo-def]+testdata, [def-doc]"

    on_answered = Event("answered", primary=True)
    on_busy = Event("busy")
    on_no_answer = Event("noAnswer")
    on_failed = Event("failed")

    from_: str = prop()
    to: str = prop()
    record: bool | None = prop(default=None)
    recording_channels: str | None = prop(default=None, suggested=_RECORDING_CHANNELS)
    recording_status_callback: str | None = prop(default=None)
    trim: str | None = prop(default=None, suggested=_TRIM)
    detect_answering_machine: bool | None = prop(default=None)
    machine_detection: str | None = prop(default=None, suggested=("Enable", "DetectMessageEnd"))
    machine_detection_timeout: NumericString | None = prop(default=None)
    machine_detection_speech_threshold: NumericString | None = prop(default=None)
    machine_detection_speech_end_threshold: NumericString | None = prop(default=None)
    machine_detection_silence_timeout: NumericString | None = prop(default=None)
    send_digits: str | None = prop(default=None)
    timeout: Integer | None = prop(default=None)
    sip_auth_username: str | None = prop(default=None)
    sip_auth_password: str | None = prop(default=None)


class MakeOutgoingCallV1(Widget):
    """Make Outgoing Call (legacy v1)."""

    TYPE = "make-outgoing-call-v1"
    SOURCE = "[qwayk] properties, [ai] events (unverified)"

    on_answered = Event("answered", primary=True)
    on_busy = Event("busy")
    on_no_answer = Event("noAnswer")
    on_failed = Event("failed")
    on_answered_by_machine = Event("answeredByMachine")
    on_hangup = Event("hangup")

    from_: str = prop()
    to: str = prop()
    record: bool | None = prop(default=None)
    timeout: Integer | None = prop(default=None)


class RecordVoicemail(Widget):
    """Record Voicemail: records the caller, optionally transcribed."""

    TYPE = "record-voicemail"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata; max_length 1-14400 [tfp]"

    on_recording_complete = Event("recordingComplete", primary=True)
    on_no_audio = Event("noAudio")
    on_hangup = Event("hangup")

    transcribe: bool | None = prop(default=None)
    transcription_callback_url: str | None = prop(default=None)
    recording_status_callback_url: str | None = prop(default=None)
    trim: str | None = prop(default=None, suggested=_TRIM)
    play_beep: BooleanString | None = prop(default=None)
    finish_on_key: str | None = prop(default=None)
    timeout: Integer | None = prop(default=None)
    max_length: Integer | None = prop(default=None, minimum=1, maximum=14400)


class RecordCall(Widget):
    """Call Recording: starts or stops recording the call."""

    TYPE = "record-call"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata"

    on_success = Event("success", primary=True)
    on_failed = Event("failed")

    record_call: bool = prop()
    trim: str | None = prop(default=None, suggested=_TRIM)
    recording_status_callback: str | None = prop(default=None)
    recording_status_callback_method: str | None = prop(default=None, suggested=_METHODS)
    recording_status_callback_events: str | None = prop(default=None)
    recording_channels: str | None = prop(default=None, suggested=_RECORDING_CHANNELS)


class EnqueueCall(Widget):
    """Enqueue Call: puts the call in a TaskRouter workflow (``workflow_sid``) or a queue (``queue_name``)."""

    TYPE = "enqueue-call"
    REQUIRES = "voice"
    ONE_OF = (("workflow_sid", "queue_name"),)
    SOURCE = "[sdkgo-def]+testdata"

    on_call_complete = Event("callComplete", primary=True)
    on_failed_to_enqueue = Event("failedToEnqueue")
    on_call_failure = Event("callFailure")

    workflow_sid: str | None = prop(default=None, sid="WW")
    queue_name: str | None = prop(default=None)
    task_attributes: JsonText | None = prop(default=None)
    priority: Integer | None = prop(default=None)
    timeout: Integer | None = prop(default=None)
    wait_url: str | None = prop(default=None)
    wait_url_method: str | None = prop(default=None, suggested=_METHODS)


class CapturePayments(Widget):
    """Capture Payments: collects card or ACH details through a Pay connector."""

    TYPE = "capture-payments"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata, [qwayk] (bank_account_type, card types)"

    on_success = Event("success", primary=True)
    on_max_failed_attempts = Event("maxFailedAttempts")
    on_provider_error = Event("providerError")
    on_pay_interrupted = Event("payInterrupted")
    on_hangup = Event("hangup")
    on_validation_error = Event("validationError")

    payment_connector: str | None = prop(default=None)
    payment_amount: str | None = prop(default=None)
    currency: str | None = prop(default=None)
    description: str | None = prop(default=None)
    language: str | None = prop(default=None)
    payment_token_type: str | None = prop(default=None, enum=("one-time", "reusable"))
    payment_method: str | None = prop(default=None, enum=("CREDIT_CARD", "ACH_DEBIT"))
    bank_account_type: str | None = prop(default=None)
    postal_code: BooleanString | None = prop(default=None)
    security_code: bool | None = prop(default=None)
    timeout: Integer | None = prop(default=None)
    max_attempts: Integer | None = prop(default=None)
    min_postal_code_length: Integer | None = prop(default=None)
    valid_card_types: StringList | None = prop(
        default=None,
        suggested=(
            "amex",
            "diners-club",
            "discover",
            "enroute",
            "jcb",
            "maestro",
            "master-card",
            "mastercard",
            "optima",
            "visa",
        ),
    )
    parameters: KeyValues | None = prop(default=None)


class ForkStream(Widget):
    """Fork Stream: starts or stops streaming the call audio (websocket or SIPREC)."""

    TYPE = "fork-stream"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata"

    on_next = Event("next", primary=True)

    stream_action: str = prop(enum=("start", "stop"))
    stream_name: str | None = prop(default=None)
    stream_transport_type: str | None = prop(default=None, enum=("websocket", "siprec"))
    stream_url: str | None = prop(default=None)
    stream_connector: str | None = prop(default=None)
    stream_track: str | None = prop(default=None, enum=("inbound_track", "outbound_track", "both_tracks"))
    stream_parameters: KeyValues | None = prop(default=None)


class ConnectVirtualAgent(Widget):
    """Connect Virtual Agent (v1, deprecated): hands the call to a Dialogflow CX agent."""

    TYPE = "connect-virtual-agent"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata"

    on_return = Event("return", primary=True)
    on_hangup = Event("hangup")

    connector: str = prop()
    language: str | None = prop(default=None)
    sentiment_analysis: BooleanString | None = prop(default=None)
    status_callback: str | None = prop(default=None)


class ConnectVirtualAgentV2(Widget):
    """Connect Virtual Agent (the Dialogflow CX version): hands the call or conversation to a CX agent."""

    TYPE = "connect-virtual-agent-v2"
    SOURCE = (
        "real export Cfee2000 DialogflowCX studioFlow.json (type, 4 events, configurations, connector_name, "
        "parameters, status_callback, status_callback_method); [qwayk] other properties, [ai] paused/timeout"
    )

    on_completed = Event("completed", primary=True)
    on_live_agent_handoff = Event("live-agent-handoff")
    on_hangup = Event("hangup")
    on_failed = Event("failed")
    on_paused = Event("paused")
    on_timeout = Event("timeout")

    configurations: KeyValues | None = prop(default=None)
    connector_name: str | None = prop(default=None, recommended=True)
    connector_details: JsonObject | None = prop(default=None)
    channel: str | None = prop(default=None, suggested=("voice", "conversations"))
    parameters: KeyValues | None = prop(default=None)
    status_callback: str | None = prop(default=None)
    status_callback_method: str | None = prop(default=None, suggested=_METHODS)
    timeout: Integer | None = prop(default=None)
    session_behavior: str | None = prop(default=None)
    resume_session_identification_method: str | None = prop(default=None)
    resume_session_identification_value: str | None = prop(default=None)
    resume_session_event_name: str | None = prop(default=None)


class RunConversationRelay(Widget):
    """Run Conversation Relay: connects the call to your AI application over a websocket."""

    TYPE = "run-conversation-relay"
    REQUIRES = "voice"
    SOURCE = "[ai] only (unverified)"

    on_success = Event("success", primary=True)
    on_failed = Event("failed")

    url: str | None = prop(default=None, recommended=True)
    welcome_greeting: str | None = prop(default=None)
    tts_provider: str | None = prop(default=None)
    voice: str | None = prop(default=None)
    language: str | None = prop(default=None)
    transcription_provider: str | None = prop(default=None)
    speech_model: str | None = prop(default=None)
    dtmf_detection: BooleanString | None = prop(default=None)
    interruptible: BooleanString | None = prop(default=None)
    parameters: JsonArray | None = prop(default=None)


# --- Messaging -------------------------------------------------------------------------------------


class SendMessage(Widget):
    """Send Message: sends an SMS, chat or conversation message without waiting (text or content template)."""

    TYPE = "send-message"
    ONE_OF = (("body", "content_sid", "media_url"),)
    SOURCE = "[sdkgo-def], [fpt], [def-doc]; content fields [qwayk]/[ai] and real exports (realworld corpus)"

    on_sent = Event("sent", primary=True)
    on_failed = Event("failed")

    from_: str = prop()
    to: str | None = prop(default=None, recommended=True)
    body: str | None = prop(default=None, max_length=1600, limit_reason=_BODY_REASON)
    service: str | None = prop(default=None)
    channel: str | None = prop(default=None)
    attributes: JsonText | None = prop(default=None)
    media_url: str | None = prop(default=None)
    message_type: str | None = prop(default=None, enum=_MESSAGE_TYPES)
    content_sid: str | None = prop(default=None, sid="HX")
    content_variables: KeyValues | None = prop(default=None)
    shorten_urls: bool | None = prop(default=None)


class SendAndWaitForReply(Widget):
    """Send & Wait For Reply: sends a message and waits; the reply is ``{{widgets.NAME.inbound.Body}}``."""

    TYPE = "send-and-wait-for-reply"
    ONE_OF = (("body", "content_sid", "media_url"),)
    SOURCE = "[sdkgo-def]+testdata, [fpt]; content templates in real exports (realworld corpus)"

    on_incoming_message = Event("incomingMessage", primary=True)
    on_timeout = Event("timeout")
    on_delivery_failure = Event("deliveryFailure")

    from_: str = prop()
    body: str | None = prop(default=None, max_length=1600, limit_reason=_BODY_REASON)
    timeout: NumericString | None = prop(default=None, recommended=True)
    service: str | None = prop(default=None)
    channel: str | None = prop(default=None)
    attributes: JsonText | None = prop(default=None)
    media_url: str | None = prop(default=None)
    message_type: str | None = prop(default=None, enum=_MESSAGE_TYPES)
    content_sid: str | None = prop(default=None, sid="HX")
    content_variables: KeyValues | None = prop(default=None)
    save_response_as: str | None = prop(default=None)


# --- Tools, Flex and subflows ----------------------------------------------------------------------


class SendToFlex(Widget):
    """Send to Flex: creates the TaskRouter task (call, message or conversation) for an agent."""

    TYPE = "send-to-flex"
    SOURCE = "[sdkgo-def]+testdata, [fpt] exports"

    on_call_complete = Event("callComplete")
    on_failed_to_enqueue = Event("failedToEnqueue")
    on_call_failure = Event("callFailure")

    workflow: str = prop(sid="WW")
    channel: str = prop(sid="TC")
    attributes: JsonText | None = prop(default=None)
    priority: NumericString | None = prop(default=None)
    timeout: NumericString | None = prop(default=None)
    wait_url: str | None = prop(json="waitUrl", default=None)
    wait_url_method: str | None = prop(json="waitUrlMethod", default=None, enum=_METHODS)


class RunFunction(Widget):
    """Run Function: calls a Twilio Function; its JSON answer is ``{{widgets.NAME.parsed}}``."""

    TYPE = "run-function"
    SOURCE = "[sdkgo-def]+testdata, [fpt] schedule flow"

    on_success = Event("success", primary=True)
    on_fail = Event("fail")

    url: str = prop()
    service_sid: str | None = prop(default=None, sid="ZS", also=("default",))  # Classic Functions
    environment_sid: str | None = prop(default=None, sid="ZE", also=("default",))
    function_sid: str | None = prop(default=None, sid="ZH")
    parameters: KeyValues | None = prop(default=None)


class MakeHttpRequest(Widget):
    """Make HTTP Request: calls a URL; the answer is ``{{widgets.NAME.body}}`` / ``.parsed``."""

    TYPE = "make-http-request"
    SOURCE = "[sdkgo-def]+testdata; add_twilio_auth [qwayk] and an API-format export (boolean)"

    on_success = Event("success", primary=True)
    on_failed = Event("failed")

    method: str = prop(enum=_METHODS)
    url: str = prop()
    content_type: str | None = prop(
        default=None,
        recommended=True,
        suggested=(
            "application/x-www-form-urlencoded;charset=utf-8",
            "application/json;charset=utf-8",  # Console's JSON option
            "application/json",
        ),
    )
    body: str | None = prop(default=None)
    parameters: KeyValues | None = prop(default=None)
    add_twilio_auth: bool | None = prop(default=None)


class AddTwimlRedirect(Widget):
    """TwiML Redirect: hands the call to your TwiML and waits for it to come back."""

    TYPE = "add-twiml-redirect"
    REQUIRES = "voice"
    SOURCE = "[sdkgo-def]+testdata; timeout 0-14400 [sdkgo-def]"

    on_return = Event("return", primary=True)
    on_timeout = Event("timeout")
    on_fail = Event("fail")

    url: str = prop()
    method: str | None = prop(default=None, suggested=_METHODS)
    timeout: NumericString | None = prop(default=None, minimum=0, maximum=14400)


class RunSubflow(Widget):
    """Run Subflow: runs another flow (``flow_sid`` must be a literal FW SID)."""

    TYPE = "run-subflow"
    SOURCE = "[sdkgo-def]+testdata, [ai]"

    on_completed = Event("completed", primary=True)
    on_failed = Event("failed")

    flow_sid: str = prop(sid="FW", literal_sid=True)
    flow_revision: str = prop()
    parameters: KeyValues | None = prop(default=None)


class StartConversation(Widget):
    """Start Conversation: creates a Conversation (REST-API-triggered flows only)."""

    TYPE = "start-conversation"
    REQUIRES = "rest_api"
    SOURCE = "[ai] only (unverified)"

    on_created = Event("created", primary=True)
    on_failed = Event("failed")

    conversation_service_sid: str = prop(sid="IS")
    participants: JsonArray = prop()
    friendly_name: str | None = prop(default=None)
    attributes: JsonText | None = prop(default=None)
    chat_service_sid: str | None = prop(default=None)
    messaging_service_sid: str | None = prop(default=None, sid="MG")
    timers: JsonObject | None = prop(default=None)


class ResumeConversation(Widget):
    """Resume Conversation: continues an existing Conversation (REST-API-triggered flows only)."""

    TYPE = "resume-conversation"
    REQUIRES = "rest_api"
    SOURCE = "[ai]; https://www.twilio.com/docs/studio/widget-library/resume-conversation (unverified)"

    on_resumed = Event("resumed", primary=True)
    on_failed = Event("failed")

    conversation_service_sid: str = prop(sid="IS")
    conversation_sid: str | None = prop(default=None, sid="CH")
    webhook_filters: JsonArray | None = prop(default=None)
    attributes: JsonText | None = prop(default=None)


class SendToAutopilot(Widget):
    """Send to Autopilot (retired product; kept so legacy flows import and validate)."""

    TYPE = "send-to-auto-pilot"
    SOURCE = "[sdkgo-def]+testdata"

    on_session_ended = Event("sessionEnded", primary=True)
    on_failure = Event("failure")
    on_timeout = Event("timeout")

    autopilot_assistant_sid: str = prop(sid="UA")
    from_: str = prop()
    body: str = prop()
    timeout: Integer = prop()
    chat_service: str | None = prop(default=None)
    chat_channel: str | None = prop(default=None)
    chat_attributes: str | None = prop(default=None)
    target_task: str | None = prop(default=None)
    memory_parameters: KeyValues | None = prop(default=None)


# --- Profiles (type strings, properties and events UNCONFIRMED: see spec.UNCONFIRMED_TYPES) ----------


class _ProfileWidget(Widget):
    """What the Profiles widgets share: their (guessed) success and failed events. Registers no type."""

    on_success = Event("success", primary=True)
    on_failed = Event("failed")


class SearchForProfile(_ProfileWidget):
    """Search for a Profile (public beta): looks up a Unified Profile by identifier (guessed keys)."""

    TYPE = PROFILE_WIDGET_TYPES["search_for_a_profile"]
    SOURCE = "https://twilio.com/docs/studio/widget-library/search-for-a-profile (fields: Connection, Identifier)"

    profile_connector_instance: str | None = prop(default=None, recommended=True)
    identifier: str | None = prop(default=None, recommended=True)


class ResolveProfile(_ProfileWidget):
    """Resolve Profile: finds a Twilio Profile by channel identifier or profile ID (guessed keys)."""

    TYPE = PROFILE_WIDGET_TYPES["resolve_profile"]
    SOURCE = "https://www.twilio.com/docs/studio/widget-library/resolve-profile"

    identifier: str | None = prop(default=None)
    profile_id: str | None = prop(default=None)


class CreateOrUpdateProfile(_ProfileWidget):
    """Create or Update Profile: writes traits to a Twilio Profile, creating it first if needed (guessed keys)."""

    TYPE = PROFILE_WIDGET_TYPES["create_or_update_profile"]
    SOURCE = (
        "https://www.twilio.com/docs/studio/widget-library/create-or-update-profile (fields: Action, Traits, "
        "Identity; JSON keys and events guessed)"
    )

    action: str | None = prop(default=None)
    identifier: str | None = prop(default=None, recommended=True)
    traits: KeyValues | None = prop(default=None)


class UpdateProfileTraits(_ProfileWidget):
    """Update Profile Traits (public beta): writes traits to a Unified Profile."""

    TYPE = PROFILE_WIDGET_TYPES["update_profile_traits"]
    SOURCE = (
        "https://twilio.com/docs/studio/widget-library/update-profile-traits "
        "(JSON keys profile_connector_instance, profile_connect_sid, traits; events guessed)"
    )

    profile_connector_instance: str | None = prop(default=None, recommended=True)
    profile_connect_sid: str | None = prop(default=None, recommended=True)
    traits: KeyValues | None = prop(default=None)


# --- Anything else ---------------------------------------------------------------------------------


class GenericWidget(Widget):
    """Any widget type this library does not model, so no one is ever blocked.

    Args:
        type: the JSON type string.
        properties: the JSON properties, written as they are (placeholders filled).
        transitions: transition objects written as they are, before the ones made with ``on()``.
    """

    type: str = dataclasses.field()
    properties: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    transitions: Sequence[Mapping[str, Any]] | None = dataclasses.field(default=None)

    @property
    def widget_type(self) -> str:
        """The JSON ``type`` string of this widget."""
        return self.type

    def on(self, event: str) -> Port:
        """The port of ``event`` (any name: this widget's events are not known)."""
        if not isinstance(event, str) or not event:
            raise ValueError(f"widget {self.name!r}: an event name is a non-empty string, got {event!r}")
        return Port(self, event)

    def render(self, filler: Filler) -> dict[str, Any]:
        """This widget as a state object."""
        state = super().render(filler)
        state["properties"] = {**filler.deep(self.properties), **state["properties"]}
        return state

    def _render_transitions(self, properties: dict[str, Any], filler: Filler) -> list[dict[str, Any]]:
        transitions: list[dict[str, Any]] = filler.deep(self.transitions) if self.transitions else []
        events = list(self.event_order or ())
        events += [key for key in self._next if isinstance(key, str) and key not in events]
        for event in events:
            target = self._next.get(event)
            if target is None:
                transitions.append({"event": event})
            else:
                transitions.append({"event": event, "next": _target_name(target)})
        return transitions


WIDGET_CLASSES: tuple[type[Widget], ...] = tuple(WIDGET_CLASS_BY_TYPE.values())
"""Every modelled widget class, in catalogue order."""
