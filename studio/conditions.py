"""Split Based On's 17 condition types, evaluated as Studio does, and the choices its docs leave open.

What Twilio documents (https://www.twilio.com/docs/studio/widget-library/split-based-on and
../shared/reference/studio-widgets.md §2.1): a condition is subject, predicate, value; the value may
be a constant or Liquid; list predicates take comma-separated values; dates are ``YYYY-MM-DD`` and
times ``HH:MM``. Everything else is a choice, and every choice is one row of :data:`CHOICES` with its
source and the test that pins it (tests/studio/test_conditions.py). Correct a row there when a golden
execution shows Studio differs; nothing else needs to change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

from studio.spec import CONDITION_TYPES


@dataclass(frozen=True, slots=True)
class Choice:
    """A behaviour Studio's documentation does not settle, the one we picked, and why."""

    topic: str
    choice: str
    source: str
    test: str


CHOICES: tuple[Choice, ...] = (
    Choice("text comparison", "both sides trimmed and compared case-insensitively (Unicode casefold)",
           "issue 15's summary of Twilio's behaviour; no Twilio page found states it (field-practice.md (d))",
           "test_text_comparisons_ignore_case_and_surrounding_spaces"),
    Choice("matches_any_of list", "value split on commas; each item trimmed; empty items ignored",
           "studio-widgets.md §2.1 'list ops take comma-separated value'; splitting details undocumented "
           "(field-practice.md (d))", "test_matches_any_of_splits_on_commas_and_trims_items"),
    Choice("is_blank", "empty after trimming (whitespace only is blank); an undefined variable is blank",
           "undocumented; undefined Liquid renders empty in Studio", "test_blank_means_empty_after_trimming"),
    Choice("regex", "Python re.search: unanchored, case-sensitive, on the untrimmed subject; an invalid "
           "pattern never matches", "undocumented flavour and anchoring (field-practice.md (d))",
           "test_regex_searches_unanchored_and_a_bad_pattern_never_matches"),
    Choice("less_than / greater_than", "both sides read as decimal numbers; if either is not a number the "
           "condition is false", "undocumented", "test_numeric_comparisons_need_two_numbers"),
    Choice("time predicates", "subject HH:MM[:SS] or an ISO date-time (converted to the flow's time zone); "
           "value HH:MM; strictly before/after, so is_after_time 08:00 is false at 08:00",
           "studio-widgets.md §2.1 times HH:MM [ai]; strictness and zone undocumented (field-practice.md (d))",
           "test_time_predicates_are_strict_and_read_in_the_flow_zone"),
    Choice("date predicates", "subject YYYY-MM-DD or an ISO date-time (converted to the flow's time zone); "
           "value YYYY-MM-DD; strictly before/after", "studio-widgets.md §2.1 dates YYYY-MM-DD [ai]",
           "test_date_predicates_are_strict"),
    Choice("unreadable time or date", "a subject or value that is not a time/date makes the condition false",
           "undocumented", "test_an_unreadable_time_never_matches"),
    Choice("saying a condition could not compare", "a number, time or date condition whose operands are not one, or "
           "a regex that is no pattern, is false and the run's 'assumed:' lines say so (unreadable())",
           "undocumented; an empty Digits after a timeout is the usual case",
           "test_a_condition_that_cannot_compare_says_so"),
    Choice("condition subject", "arguments[0] when the condition has one, else the split's input (Console writes "
           "arguments = [input]); when they differ the run says which it tested",
           "studio-widgets.md §1.1 conditions {friendly_name, arguments, type, value}; real Console flows keep stale "
           "arguments in copied splits (techmatters ca-khp-post-call-survey), so which Studio reads is open",
           "test_the_condition_subject_is_its_first_argument"),
    Choice("several conditions on one match", "all must hold (AND); branches are tried in transition order, the "
           "first that holds wins", "Console builds one condition per branch; [sdkgo-def] conditions is a list",
           "test_a_branch_needs_all_its_conditions_and_the_first_branch_wins"),
    Choice("Liquid 'now' without a zone", "the simulated instant in the run's time zone (--tz, default UTC)",
           "a support article says PST (unverified, field-practice.md (d)); flows here always name the zone",
           "test_now_is_the_simulated_clock_in_the_named_zone"),
    Choice("Send to Flex attributes that are not JSON", "the task is not created: failedToEnqueue",
           "undocumented", "test_send_to_flex_with_broken_attributes_fails_to_enqueue"),
    Choice("loops", "an execution stops after 1,000 steps or the same widget 10 times in a row",
           "https://www.twilio.com/docs/studio/user-guide/studio-faq (field-practice.md (d))",
           "test_a_loop_stops_at_studios_limit_with_a_clear_message"),
    # Liquid (studio/liquid_engine.py) and the simulator (studio/simulate.py): each of these is also said in the
    # run's "assumed:" lines when it happens.
    Choice("Liquid that fails while rendering", "that tag or output renders nothing and the rest of the text renders "
           "(Shopify Liquid's lax mode, less its 'Liquid error: ...' text): \"5\" > 3, divided_by: 0",
           "Studio FAQ: numeric comparisons on strings fail (field-practice.md (d)); what Studio writes is "
           "undocumented",
           "test_a_liquid_failure_renders_nothing_there_and_says_so"),
    Choice("unknown Liquid filter", "the value passes through unchanged (Liquid's default, strict_filters off)",
           "Shopify Liquid's StrainerTemplate#invoke returns the input for a filter it lacks unless strict_filters "
           "is set; whether Studio sets it is undocumented (the filters Studio lists: studio.liquid.STUDIO_LIQUID)",
           "test_an_unknown_filter_passes_the_value_through_and_says_so"),
    Choice("to_json", "compact JSON; undefined is null", "Twilio's Send to Flex page: {{widgets.fn.parsed | to_json}} "
           "('to_json Liquid Template Filter')", "test_to_json_puts_an_object_into_task_attributes"),
    Choice("an object output without to_json", "rendered as compact JSON",
           "undocumented (Ruby Liquid would write {\"a\"=>1})", "test_an_object_renders_as_json_and_says_so"),
    Choice("Liquid for loops", "the first 15 items render", "Studio FAQ: 'Liquid loops stop at 15 iterations' "
           "(field-practice.md (d)); truncation or failure undocumented", "test_a_liquid_loop_stops_at_fifteen_items"),
    Choice("date of a text that is not ISO 8601", "read as Ruby's Time.parse reads it (dateutil), missing parts from "
           "the simulated day; Ruby's %L, %N and %:z understood", "Shopify Liquid's date filter (Ruby Time.parse, "
           "strftime)", "test_date_reads_plain_dates_and_ruby_directives"),
    Choice("Liquid the engine cannot parse", "the property is used as written", "undocumented",
           "test_unreadable_liquid_is_used_as_written_and_said"),
    Choice("a call-out with no canned result", "the outcome in simulate.ASSUMED_WITHOUT_MOCK (success, an empty 200 "
           "answer...)", "nobody answers offline", "test_a_call_out_without_a_canned_result_says_what_it_assumed"),
    Choice("a widget whose JSON has the wrong shape", "the run stops there, naming the widget and what is wrong",
           "Studio rejects such a definition (studio-widgets.md §1.2)", "test_a_malformed_widget_stops_the_run"),
)
"""Every choice the simulator makes where Twilio's documentation is silent."""


def _fold(text: str) -> str:
    return text.strip().casefold()


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moment(text: str, zone: ZoneInfo) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(zone) if moment.tzinfo else moment


def _time(text: str, zone: ZoneInfo) -> dt.time | None:
    match = _TIME.fullmatch(text.strip())
    if match:
        return dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    moment = _moment(text, zone) if "T" in text or " " in text.strip() else None
    return None if moment is None else moment.time()


def _date(text: str, zone: ZoneInfo) -> dt.date | None:
    if _DATE.fullmatch(text.strip()):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            return None
    moment = _moment(text, zone)
    return None if moment is None else moment.date()


@lru_cache(maxsize=1024)
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _items(value: str) -> set[str]:
    return {item for item in (_fold(part) for part in value.split(",")) if item}


def _ordered(read: Callable[[str, ZoneInfo], dt.time | dt.date | None], before: bool) -> Predicate:
    def compare(subject: str, value: str, zone: ZoneInfo) -> bool:
        left, right = read(subject, zone), read(value, zone)
        if left is None or right is None or type(left) is not type(right):
            return False
        return bool(left < right if before else left > right)  # type: ignore[operator]

    return compare


def _numeric(less: bool) -> Predicate:
    def compare(subject: str, value: str, zone: ZoneInfo) -> bool:
        left, right = _number(subject), _number(value)
        if left is None or right is None:
            return False
        return left < right if less else left > right

    return compare


def _regex(subject: str, value: str, zone: ZoneInfo) -> bool:
    pattern = _pattern(value)
    return pattern is not None and pattern.search(subject) is not None


Predicate = Callable[[str, str, ZoneInfo], bool]

PREDICATES: dict[str, Predicate] = {
    "equal_to": lambda s, v, z: _fold(s) == _fold(v),
    "not_equal_to": lambda s, v, z: _fold(s) != _fold(v),
    "matches_any_of": lambda s, v, z: _fold(s) in _items(v),
    "does_not_match_any_of": lambda s, v, z: _fold(s) not in _items(v),
    "is_blank": lambda s, v, z: not s.strip(),
    "is_not_blank": lambda s, v, z: bool(s.strip()),
    "regex": _regex,
    "contains": lambda s, v, z: _fold(v) in _fold(s),
    "does_not_contain": lambda s, v, z: _fold(v) not in _fold(s),
    "starts_with": lambda s, v, z: _fold(s).startswith(_fold(v)),
    "does_not_start_with": lambda s, v, z: not _fold(s).startswith(_fold(v)),
    "less_than": _numeric(less=True),
    "greater_than": _numeric(less=False),
    "is_before_time": _ordered(_time, before=True),
    "is_after_time": _ordered(_time, before=False),
    "is_before_date": _ordered(_date, before=True),
    "is_after_date": _ordered(_date, before=False),
}
"""One predicate per condition type: (subject, value, the flow's time zone) -> holds."""
assert tuple(PREDICATES) == CONDITION_TYPES


class UnknownConditionError(ValueError):
    """A condition type Split Based On does not have."""


_READERS: dict[str, tuple[str, Callable[[str, ZoneInfo], object]]] = {
    **dict.fromkeys(("less_than", "greater_than"), ("a number", lambda text, zone: _number(text))),
    **dict.fromkeys(("is_before_time", "is_after_time"), ("a time (HH:MM)", _time)),
    **dict.fromkeys(("is_before_date", "is_after_date"), ("a date (YYYY-MM-DD)", _date)),
}


def unreadable(condition_type: str, subject: str, value: str, zone: ZoneInfo | None = None) -> str | None:
    """Why a condition could not compare at all (and so does not hold), or None when it could.

    A number, time or date predicate whose subject or value is not one, or a regex that is no pattern: Studio's
    docs do not say what happens then, so the simulator's answer (false) is an assumption worth saying.
    """
    if condition_type == "regex":
        return None if _pattern(value) is not None else f"{value!r} is not a regular expression"
    reader = _READERS.get(condition_type)
    if reader is None:
        return None
    what, read = reader
    zone = zone or ZoneInfo("UTC")
    bad = [repr(text) for text in (subject, value) if read(text, zone) is None]
    return f"{' and '.join(bad)} {'is' if len(bad) == 1 else 'are'} not {what}" if bad else None


def holds(condition_type: str, subject: str, value: str, zone: ZoneInfo | None = None) -> bool:
    """Whether a condition of ``condition_type`` holds for the rendered ``subject`` and ``value``."""
    predicate = PREDICATES.get(condition_type)
    if predicate is None:
        raise UnknownConditionError(
            f"condition type {condition_type!r} is not one of Split Based On's: {', '.join(CONDITION_TYPES)}"
        )
    return predicate(subject, value, zone or ZoneInfo("UTC"))
