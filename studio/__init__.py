"""Studio flow toolkit: typed widgets, a builder, validation, diagrams and import.

Pure: imports neither Pulumi nor twilio. A flow reads like the flow it builds::

    from studio import Condition, Flow, GatherInputOnCall, Parameter, SayPlay, SendToFlex, SplitBasedOn, Trigger

    WORKFLOW_SID, VOICE_CHANNEL_SID = Parameter("WORKFLOW_SID"), Parameter("VOICE_CHANNEL_SID")
    with Flow("Pre-agent voice") as flow:
        trigger = Trigger()
        menu = GatherInputOnCall("menu", say="Press 1 for sales, 2 for support.", number_of_digits=1)
        route = SplitBasedOn("route", input="{{widgets.menu.Digits}}")
        to_flex = SendToFlex("to_flex", workflow=WORKFLOW_SID, channel=VOICE_CHANNEL_SID, priority=10)
        trigger.on_incoming_call >> menu
        menu.on_keypress >> route
        route.when(Condition.equal_to("1")) >> to_flex
        route.on_no_match >> SayPlay("bye", say="Goodbye.")

The Pulumi layer (or anyone) then renders it, filling the per-environment parameters:

* ``flow.parameter_names()`` -> ``["VOICE_CHANNEL_SID", "WORKFLOW_SID"]`` (sorted);
* ``flow.to_json(values)`` -> canonical JSON text (sorted keys, compact, byte-identical for the same
  flow and values); raises :class:`MissingParameterError` naming any parameter without a value;
* ``flow.to_definition(values)`` -> the same as a dict; ``canonical_json(definition)`` serializes it,
  so ``validate_definition(definition)`` and the JSON text can share one rendering;
* ``flow.validate(values=None)`` -> list of :class:`Problem`.

``values`` maps parameter names to strings (for a Pulumi ``Output``, call ``to_json`` inside
``Output.all(...).apply``). Unfilled parameters are written as ``${NAME}`` only when asked:
``to_json(placeholders=True)`` (the import round trip uses that).

Builder conveniences:

* task attributes as a mapping: ``SendToFlex(..., attributes={"vip": True, "language": menu.ref.Digits})``
  is written as the canonical JSON text Studio stores (sorted keys, compact); ``Unquoted("{{...}}")``
  puts a Liquid number or object in it without quotes (also ``EnqueueCall(task_attributes=...)`` and
  every message ``attributes``);
* references to outputs: ``menu.ref.Digits`` and ``menu.output("Digits")`` are ``"{{widgets.menu.Digits}}"``
  (``wait.ref.inbound.Body``; ``ref["count"]`` for a key named like a ``str`` method), so a renamed
  widget never leaves a stale reference;
* lists around ``>>``: ``[menu.on_timeout, retry] >> sorry`` connects each port (or widget's main event)
  to ``sorry`` and returns it; ``port >> [widget]`` is ``port >> widget``, while a longer list is refused
  (an event leads to one widget: branch with a split);
* unique names: a widget named like another widget of the same flow raises
  :class:`DuplicateWidgetNameError` where it is made (or, for one reached only through ``>>``, when the
  flow is rendered).

Building blocks: ``port >> widget`` connects an event (``trigger.on_incoming_call``, ``widget.on("x")``)
and returns the widget, so chains read top-down; ``widget >> next`` follows the widget's main event
(Say/Play's ``audioComplete``, Set Variables' ``next``...). ``split.when(Condition...)`` adds a branch
(all 17 condition types are class methods of :class:`Condition`). A fragment is a plain function
returning a widget or a :class:`Fragment` (entry widget plus open ports). Widgets lay themselves out
unless given ``offset=(x, y)``. :class:`GenericWidget` covers any widget type not modelled here; to model
one, write its class (``TYPE``, ``Event`` attributes, fields annotated ``str``, ``Integer``,
``NumericString``, ``JsonText``, ``KeyValues``... with :func:`prop`): it registers itself in
:data:`CATALOGUE`, so the builder, the validator and the importer know it.
"""

from studio.catalogue import CATALOGUE, PROFILE_WIDGET_TYPES, WIDGET_CLASS_BY_TYPE
from studio.flow import Flow
from studio.jsontext import Unquoted, canonical_json
from studio.model import (
    AUTO,
    BooleanString,
    Condition,
    DuplicateWidgetNameError,
    Event,
    Fragment,
    Integer,
    JsonArray,
    JsonObject,
    JsonText,
    KeyValues,
    NumericString,
    Output,
    Port,
    StringList,
    Widget,
    prop,
)
from studio.params import MissingParameterError, Parameter
from studio.spec import CONDITION_TYPES, PropSpec, WidgetSpec
from studio.validate import Problem, validate_definition, validate_state
from studio.widgets import (
    CONTACT_ADDRESS,
    FLOW_ADDRESS,
    WIDGET_CLASSES,
    AddTwimlRedirect,
    CapturePayments,
    ConnectCallTo,
    ConnectVirtualAgent,
    ConnectVirtualAgentV2,
    CreateOrUpdateProfile,
    EnqueueCall,
    ForkStream,
    GatherInputOnCall,
    GenericWidget,
    MakeHttpRequest,
    MakeOutgoingCall,
    MakeOutgoingCallV1,
    RecordCall,
    RecordVoicemail,
    ResolveProfile,
    ResumeConversation,
    RunConversationRelay,
    RunFunction,
    RunSubflow,
    SayPlay,
    SearchForProfile,
    SendAndWaitForReply,
    SendMessage,
    SendToAutopilot,
    SendToFlex,
    SetVariables,
    SplitBasedOn,
    StartConversation,
    Trigger,
    UpdateProfileTraits,
)

__all__ = [
    "AUTO",
    "CATALOGUE",
    "CONDITION_TYPES",
    "CONTACT_ADDRESS",
    "FLOW_ADDRESS",
    "PROFILE_WIDGET_TYPES",
    "WIDGET_CLASSES",
    "WIDGET_CLASS_BY_TYPE",
    "AddTwimlRedirect",
    "BooleanString",
    "CapturePayments",
    "Condition",
    "ConnectCallTo",
    "ConnectVirtualAgent",
    "ConnectVirtualAgentV2",
    "CreateOrUpdateProfile",
    "DuplicateWidgetNameError",
    "EnqueueCall",
    "Event",
    "Flow",
    "ForkStream",
    "Fragment",
    "GatherInputOnCall",
    "GenericWidget",
    "Integer",
    "JsonArray",
    "JsonObject",
    "JsonText",
    "KeyValues",
    "MakeHttpRequest",
    "MakeOutgoingCall",
    "MakeOutgoingCallV1",
    "MissingParameterError",
    "NumericString",
    "Output",
    "Parameter",
    "Port",
    "Problem",
    "PropSpec",
    "RecordCall",
    "RecordVoicemail",
    "ResolveProfile",
    "ResumeConversation",
    "RunConversationRelay",
    "RunFunction",
    "RunSubflow",
    "SayPlay",
    "SearchForProfile",
    "SendAndWaitForReply",
    "SendMessage",
    "SendToAutopilot",
    "SendToFlex",
    "SetVariables",
    "SplitBasedOn",
    "StartConversation",
    "StringList",
    "Trigger",
    "Unquoted",
    "UpdateProfileTraits",
    "Widget",
    "WidgetSpec",
    "canonical_json",
    "prop",
    "validate_definition",
    "validate_state",
]
