"""Incoming Call: look the caller up, VIPs straight to Flex, everyone else by language or self-service.

Outside business hours (the stack's time zone) callers leave a voicemail. A call Flex cannot enqueue
hears an apology.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.catalog import LANGUAGES
from flows.handoff import send_to_flex
from flows.parameters import (
    BUSINESS_DAYS,
    CLOSE_TIME,
    HOLD_MUSIC_URL,
    OPEN_TIME,
    SELF_SERVICE_URL,
    TIME_ZONE,
    VOICE_CHANNEL_SID,
)
from flows.profile import preferred_language, profile_lookup, trait
from flows.registry import flow
from flows.routing import VIP_PRIORITY
from studio import (
    CONTACT_ADDRESS,
    FLOW_ADDRESS,
    Condition,
    Flow,
    GatherInputOnCall,
    RecordVoicemail,
    SayPlay,
    SendMessage,
    SetVariables,
    SplitBasedOn,
    Trigger,
)

SELF_SERVICE_DIGIT = "9"
CALLER = "{{trigger.call.From}}"


def _now(format_: str) -> str:
    return f'{{{{ "now" | date: "{format_}", "{TIME_ZONE}" }}}}'


@flow("voice", friendly_name="Pre-agent voice")
def voice_flow(*, languages: Sequence[str], vip_trait: str, open_time: str, close_time: str) -> Flow:
    """The Incoming Call flow for ``languages`` (menu order) and the VIP profile trait ``vip_trait``.

    Hours that open after they close (19:00 to 07:00) are an overnight shift: open after opening or before closing.
    """
    first = LANGUAGES[languages[0]]
    with Flow("Pre-agent voice: profile lookup, VIP, language, self-service, after hours") as built:
        trigger = Trigger()
        lookup = profile_lookup(CALLER)
        vip_check = SplitBasedOn("vip_check", input=trait(vip_trait))
        business_day = SplitBasedOn("business_day", input=_now("%a"))
        business_hours = SplitBasedOn("business_hours", input=_now("%H:%M"))
        apology = SayPlay("apology", say="Sorry, we cannot take your call right now. Please call again later.")

        hold = {"wait_url": HOLD_MUSIC_URL, "wait_url_method": "GET"}
        vip_to_flex = send_to_flex(
            "vip_to_flex", channel=VOICE_CHANNEL_SID, contact=CALLER, language=preferred_language(first.code),
            vip=True, priority=VIP_PRIORITY, **hold,
        )
        to_flex = send_to_flex("to_flex", channel=VOICE_CHANNEL_SID, contact=CALLER,
                               language="{{flow.variables.language}}", vip=False, **hold)
        chosen = {code: SetVariables(f"language_{code}", variables={"language": code}) for code in languages}
        list(chosen.values()) >> to_flex

        profile_language = SplitBasedOn("profile_language", input=trait("preferred_language"))
        menu = GatherInputOnCall(
            "main_menu",
            say=" ".join([*(LANGUAGES[code].choose for code in languages),
                          f"To get a link to our self-service site by text message, press {SELF_SERVICE_DIGIT}."]),
            number_of_digits=1,
            timeout=5,
        )
        menu_choice = SplitBasedOn("menu_choice", input=menu.ref.Digits)
        send_link = SendMessage(
            "send_self_service_link",
            from_=FLOW_ADDRESS,
            to=CONTACT_ADDRESS,
            body=f"Manage your account any time at {SELF_SERVICE_URL}",
        )
        goodbye = SayPlay("goodbye", say="We have sent you a text message with the link. Goodbye.")
        after_hours = SayPlay(
            "after_hours", say="Our office is closed. Please leave a message after the tone and we will call you back."
        )
        voicemail = RecordVoicemail("voicemail", max_length=120, transcribe=True)

        trigger.on_incoming_call >> lookup
        lookup.on_success >> vip_check
        vip_check.when(Condition.equal_to("true")) >> vip_to_flex
        [lookup.on_failed, vip_check.on_no_match] >> business_day
        business_day.when(Condition.matches_any_of(BUSINESS_DAYS)) >> business_hours
        if open_time < close_time:  # HH:MM texts compare as times
            business_hours.when(Condition.is_after_time(OPEN_TIME), Condition.is_before_time(CLOSE_TIME)) >> (
                profile_language)
        else:
            business_hours.when(Condition.is_after_time(OPEN_TIME)) >> profile_language
            business_hours.when(Condition.is_before_time(CLOSE_TIME)) >> profile_language
        [business_day.on_no_match, business_hours.on_no_match] >> after_hours >> voicemail
        for code, choice in chosen.items():
            profile_language.when(Condition.equal_to(code)) >> choice
            menu_choice.when(Condition.equal_to(LANGUAGES[code].digit)) >> choice
        profile_language.on_no_match >> menu
        menu.on_keypress >> menu_choice
        menu_choice.when(Condition.equal_to(SELF_SERVICE_DIGIT)) >> send_link
        [send_link, send_link.on_failed] >> goodbye
        [menu.on_timeout, menu_choice.on_no_match] >> chosen[first.code]
        [vip_to_flex.on_failed_to_enqueue, vip_to_flex.on_call_failure] >> apology
        [to_flex.on_failed_to_enqueue, to_flex.on_call_failure] >> apology
    return built
