"""Studio's Liquid, read and rendered by one engine: ``python-liquid`` (pinned in requirements.txt).

The validator asks whether a text parses and which widgets it reads; the simulator renders it against
an execution's context. Both go through the engine (:mod:`studio.liquid_engine`, with Studio's flavour), so
they read every template alike.

The shapes nearly every Studio template is made of, outputs of a variable or literal through filters and
``if``/``elsif``/``else``/``unless`` tags over comparisons, are read here without the engine
(:func:`_simple_paths`): for them its reading is known (they parse, and they read exactly the paths they
name), and a program whose flows use nothing else never loads python-liquid (a third of its imports).
tests/studio/test_liquid.py proves both readings agree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from liquid import BoundTemplate

# python-liquid's keywords (liquid/builtin/expressions/_tokenize.py): none may be a path segment; the
# literals among them stand alone as values.
_LITERALS = frozenset({"true", "false", "nil", "null", "empty", "blank"})
_ARGUMENT_LITERALS = _LITERALS - {"empty", "blank"}  # the engine takes neither as a filter's argument
_KEYWORDS = _LITERALS | frozenset({
    "and", "or", "contains", "not", "in", "offset", "limit", "reversed", "cols", "continue", "with", "for", "as",
    "if", "else", "required"})
# Outputs and tags: their delimiters as the engine's lexer finds them (an output ends at the first ``}}``, a tag
# at the first ``%}``), then what is inside them, one token at a time. A token the grammar below does not know
# (brackets, ranges, a hyphen or ``?`` in a name, a quote with a backslash) sends the whole text to the engine.
_MARKUP = re.compile(r"(?<!\{)\{\{(?P<output>[^}]*(?:\}(?!\})[^}]*)*)\}\}|(?<!\{)\{%(?P<tag>[^%]*(?:%(?!\})[^%]*)*)%\}")
_TOKEN = re.compile(
    r"""[ \t\n\r]+|(?P<string>"[^"\\]*"|'[^'\\]*')|(?P<number>\d+(?:\.\d+)?(?![\w.]))"""
    r"|(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?![\w.?\-\[]))|(?P<op>==|!=|<>|<=|>=|<|>)(?![=<>!])|(?P<punct>[|:,])")
_OPENING = frozenset({"if", "unless"})
_CLOSING = {"endif": "if", "endunless": "unless"}


class LiquidSyntaxError(ValueError):
    """A text the engine cannot read as Liquid; the message is the engine's."""


def is_template(value: str) -> bool:
    """True if the string holds a Liquid output (``{{...}}``) or tag (``{%...%}``)."""
    return "{{" in value or "{%" in value


@lru_cache(maxsize=8192)
def parse(text: str) -> BoundTemplate:
    """The engine's template for ``text`` (cached); raises :class:`LiquidSyntaxError`."""
    from studio.liquid_engine import ENGINE, LiquidError

    try:
        return ENGINE.from_string(text)
    except LiquidError as error:
        raise LiquidSyntaxError(_first_line(error)) from None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or ["unreadable Liquid"])[0]


def _simple_paths(text: str) -> tuple[str, ...] | None:
    """The variable paths a text of the simple shapes reads (the engine's reading), or None for any other text."""
    reading = _simple_reading(text)
    return None if reading is None else reading[0]


@lru_cache(maxsize=8192)
def _simple_reading(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The variable paths and the filters a text of the simple shapes reads, or None for any other text.

    Simple: outputs ``{{ OPERAND | filter: OPERAND, ... }}`` and tags ``{% if|elsif|unless CONDITION %}``,
    ``{% else %}``, ``{% endif %}``, ``{% endunless %}``, properly nested, where an operand is a dotted path,
    a quoted string or a number, and a condition joins comparisons (``==``, ``!=``, ``<>``, ``<``, ``>``,
    ``<=``, ``>=``, ``contains``) with ``and``/``or``. Whitespace control (``{{-``, ``-%}``) is allowed.
    """
    paths: list[str] = []
    filters: list[str] = []
    rest: list[str] = []
    open_blocks: list[list[str]] = []  # [kind, "else" once seen]
    last = 0
    for match in _MARKUP.finditer(text):
        rest.append(text[last : match.start()])
        last = match.end()
        output, tag = match.group("output", "tag")
        tokens = _tokens(output if output is not None else tag)
        if tokens is None:
            return None
        if output is not None:
            if not _read_output(tokens, paths, filters):
                return None
            continue
        if not tokens or tokens[0][0] != "path":
            return None
        name, arguments = tokens[0][1], tokens[1:]
        if name in _OPENING or name == "elsif":
            if name == "elsif" and (not open_blocks or open_blocks[-1] != ["if"]):
                return None
            if not _read_condition(arguments, paths):
                return None
            if name != "elsif":
                open_blocks.append([name])
        elif arguments or not open_blocks:
            return None
        elif name == "else" and len(open_blocks[-1]) == 1:
            open_blocks[-1].append("else")
        elif _CLOSING.get(name) != open_blocks.pop()[0]:
            return None
    rest.append(text[last:])
    remainder = "\x00".join(rest)
    if open_blocks or "{{" in remainder or "{%" in remainder:
        return None
    return tuple(paths), tuple(filters)


def _tokens(markup: str) -> list[tuple[str, str]] | None:
    """The tokens of an output's or tag's inside (whitespace control and spaces dropped), or None."""
    inside = markup.removeprefix("-").removesuffix("-")
    tokens: list[tuple[str, str]] = []
    at = 0
    while at < len(inside):
        match = _TOKEN.match(inside, at)
        if match is None:
            return None
        at = match.end()
        if match.lastgroup is not None:
            tokens.append((match.lastgroup, match.group()))
    return tokens


def _read_output(tokens: list[tuple[str, str]], paths: list[str], filters: list[str]) -> bool:
    """Read ``OPERAND (| filter (: OPERAND (, OPERAND)*)?)*``, adding the paths and filters it reads; False if it is
    not that."""
    at = _read_operand(tokens, 0, paths)
    while at is not None and at < len(tokens):
        if tokens[at] != ("punct", "|") or at + 1 >= len(tokens) or not _is_name(tokens[at + 1]):
            return False
        filters.append(tokens[at + 1][1])
        at += 2
        if at < len(tokens) and tokens[at] == ("punct", ":"):
            at = _read_operand(tokens, at + 1, paths, _ARGUMENT_LITERALS)
            while at is not None and at < len(tokens) and tokens[at] == ("punct", ","):
                at = _read_operand(tokens, at + 1, paths, _ARGUMENT_LITERALS)
    return at is not None


def _read_condition(tokens: list[tuple[str, str]], paths: list[str]) -> bool:
    """Read comparisons joined by ``and``/``or``, adding the paths they read; False if it is not that."""
    at = _read_operand(tokens, 0, paths)
    while at is not None and at < len(tokens):
        kind, value = tokens[at]
        if kind == "op" or (kind, value) == ("path", "contains"):
            at = _read_operand(tokens, at + 1, paths)
            if at is None or at == len(tokens):
                break
            kind, value = tokens[at]
        if (kind, value) not in (("path", "and"), ("path", "or")):
            return False
        at = _read_operand(tokens, at + 1, paths)
    return at is not None


def _read_operand(
    tokens: list[tuple[str, str]], at: int, paths: list[str], literals: frozenset[str] = _LITERALS
) -> int | None:
    """The position after the operand at ``at`` (a path is added to ``paths``), or None if there is none."""
    if at >= len(tokens):
        return None
    kind, value = tokens[at]
    if kind in ("string", "number") or (kind == "path" and value in literals):
        return at + 1
    if kind != "path" or not _KEYWORDS.isdisjoint(value.split(".")):
        return None
    paths.append(value)
    return at + 1


def _is_name(token: tuple[str, str]) -> bool:
    return token[0] == "path" and "." not in token[1] and token[1] not in _KEYWORDS


def syntax_error(text: str) -> str | None:
    """The engine's complaint about ``text`` as Liquid, or None when it reads it."""
    if not is_template(text) or _simple_paths(text) is not None:
        return None
    try:
        parse(text)
    except LiquidSyntaxError as error:
        return str(error)
    return None


def widget_references(value: str) -> list[str]:
    """Names of the widgets a string reads through ``{{widgets.NAME...}}``, in order, without repeats."""
    names: list[str] = []
    for name, _ in widget_reads(value):
        if name not in names:
            names.append(name)
    return names


def widget_reads(value: str) -> list[tuple[str, str | None]]:
    """What a string reads of its widgets: ``(NAME, OUTPUT)`` for each ``{{widgets.NAME.OUTPUT...}}``.

    OUTPUT is the first segment after the name (``Digits`` in ``widgets.menu.Digits``, ``parsed`` in
    ``widgets.api.parsed.x.y``), None when the whole widget is read (``{{widgets.menu}}``) or the segment is
    no name (``widgets.menu[0]``). In the order the widgets are first named, without repeated pairs.
    """
    if "widgets" not in value or not is_template(value):
        return []
    reads: list[tuple[str, str | None]] = []
    simple = _simple_paths(value)
    if simple is not None:
        segments: Iterator[list[Any]] = (path.split(".") for path in simple)
    else:
        try:
            segments = iter(parse(value).variable_segments(include_partials=False))  # Studio has no partials
        except LiquidSyntaxError:
            return []  # reported as a syntax problem; the engine reads nothing from it
    for path in segments:
        if len(path) > 1 and path[0] == "widgets" and isinstance(path[1], str):
            output = path[2] if len(path) > 2 and isinstance(path[2], str) else None
            if (path[1], output) not in reads:
                reads.append((path[1], output))
    if len(reads) > 1:
        order = {name: _first_use(value, name) for name, _ in reads}
        reads.sort(key=lambda read: order[read[0]])  # stable: a widget's outputs stay in reading order
    return reads


# The variables Studio gives a template, and the children of each that Twilio documents (studio-widgets.md §3:
# its flow definition samples, the Execution API's To/From/Parameters, the Set Variables and subflow pages).
# Any other name a template reads, and does not set itself ({% assign %}, {% capture %}, {% for %}), renders
# empty. A child is reported only as a near miss of a documented one (flow.variabels): Studio may give others.
LIQUID_VARIABLES: dict[str, frozenset[str]] = {
    "trigger": frozenset({"call", "message", "conversation", "request", "parent"}),
    "widgets": frozenset(),  # widget names: checked against the flow (unknown-widget-reference)
    "flow": frozenset({"variables", "data", "channel", "sid", "flow_sid", "add_ons"}),
    "contact": frozenset({"channel"}),
}

# Names written for a value Studio gives under another: the Execution API's Parameters are read as flow.data.NAME
# (twilio_studio_v2.json, Execution "Parameters": "{{flow.data.name}}"), not trigger.parameters, whose nearest
# spelling, trigger.parent, is a subflow's parent and would send the reader the wrong way.
GIVEN_ELSEWHERE: dict[str, str] = {"trigger.parameters": "flow.data"}


def unknown_variables(text: str) -> list[tuple[str, str | None]]:
    """What ``text`` reads that Studio gives no template: ``(AS WRITTEN, NEAR MISS or None)`` for each name that is
    none of :data:`LIQUID_VARIABLES` and not set in the text itself, and for each child near a documented one
    (``flow.variabels`` -> ``flow.variables``); in order, without repeats ([] when the engine cannot read it)."""
    if not is_template(text):
        return []
    simple = _simple_paths(text)
    if simple is not None:
        segments: list[list[Any]] = [path.split(".") for path in simple]
    else:
        try:
            segments = parse(text).global_variable_segments(include_partials=False)
        except LiquidSyntaxError:
            return []
    found: list[tuple[str, str | None]] = []
    for path in segments:
        root = str(path[0])
        known = LIQUID_VARIABLES.get(root)
        if known is None:
            miss = (root, next(iter(difflib.get_close_matches(root, LIQUID_VARIABLES, n=1)), None))
        elif known and len(path) > 1 and isinstance(path[1], str) and path[1] not in known:
            written = f"{root}.{path[1]}"
            close = difflib.get_close_matches(path[1], known, n=1)
            if written in GIVEN_ELSEWHERE:
                miss = (written, GIVEN_ELSEWHERE[written])
            elif not close:
                continue
            else:
                miss = (written, f"{root}.{close[0]}")
        else:
            continue
        if miss not in found:
            found.append(miss)
    return found


def _first_use(text: str, name: str) -> int:
    found = [at for at in (text.find(f".{name}"), text.find(f'"{name}"'), text.find(f"'{name}'")) if at >= 0]
    return min(found, default=len(text))


# --- The filters and tags Studio's Liquid has ----------------------------------------------------------
#
# Read 2026-12-06. Sources:
# [studio]  https://www.twilio.com/docs/studio/user-guide/liquid-template-language (dateModified 2026-03-09), the
#           page Studio's error 81018 points to for "the list of available filters" (#standard-filters). Its stored
#           copy could be read only to its opening (Output; Expressions and Variables), which is word for word
#           Shopify's "Liquid for Designers" wiki page; its Standard Filters and Tags lists are taken to be that
#           wiki's (read in public mirrors of it): unverified beyond the opening.
# [flex]    https://www.twilio.com/docs/studio/widget-library/send-to-flex: "the to_json Liquid Template Filter",
#           linked to the Liquid page's #standard-filters.
# [shopify] https://shopify.github.io/liquid (its Filters and Tags menus) and Liquid::StandardFilters of the gem
#           5.14 (rubydoc.info): in Shopify's Liquid, not on Studio's page; whether Studio's Liquid has them is
#           unverified.
# A filter Liquid lacks: Shopify Liquid's StrainerTemplate#invoke (lib/liquid/strainer_template.rb) returns the
# filter's input unless strict_filters is set; Studio's error 81018 ("Template evaluation error in Studio widget")
# lists "A tag or filter used in your template does not exist" among its causes.

LiquidKind = Literal["filter", "tag"]
LiquidSource = Literal["studio", "flex", "shopify"]


def _names(kind: LiquidKind, source: LiquidSource, names: str) -> dict[tuple[LiquidKind, str], LiquidSource]:
    return {(kind, name): source for name in names.split()}


STUDIO_LIQUID: dict[tuple[LiquidKind, str], LiquidSource] = {
    **_names("filter", "studio", "append capitalize ceil date default divided_by downcase escape escape_once first "
             "floor join last lstrip map minus modulo newline_to_br plus prepend remove remove_first replace "
             "replace_first reverse round rstrip size slice sort split strip strip_html strip_newlines times truncate "
             "truncatewords uniq upcase url_encode"),
    **_names("filter", "flex", "to_json"),
    **_names("filter", "shopify", "abs at_least at_most base64_decode base64_encode base64_url_safe_decode "
             "base64_url_safe_encode compact concat find find_index has reject remove_last replace_last sort_natural "
             "sum url_decode where"),
    **_names("tag", "studio", "assign capture case comment cycle for break continue if include raw unless"),
    **_names("tag", "shopify", "# decrement doc echo ifchanged increment liquid render tablerow"),
}
"""Every Liquid filter and tag Studio's Liquid may have, and who documents it: Studio's Liquid page (``studio``),
its Send to Flex page (``flex``), or only Shopify's Liquid (``shopify``). The sources are in the comment above."""


@dataclass(frozen=True, slots=True)
class UndocumentedLiquid:
    """A filter or tag a template uses that Studio's Liquid page does not list (see :data:`STUDIO_LIQUID`)."""

    kind: LiquidKind
    name: str

    @property
    def in_shopify(self) -> bool:
        """Shopify's Liquid has it (Studio's may, unverified)."""
        return (self.kind, self.name) in STUDIO_LIQUID

    def what_studio_does(self) -> str:
        """What Studio does with it, as far as the sources above say."""
        if self.kind == "filter":
            if self.in_shopify:
                return "if Studio's Liquid lacks it, the value renders unchanged"
            return ("Studio renders the value unchanged (Liquid's lax default; error 81018 lists a filter that does "
                    "not exist among its causes)")
        if self.in_shopify:
            return "if Studio's Liquid lacks it, the whole text is a syntax error (error 81018)"
        return "the whole text is a syntax error (error 81018)"

    def simulated(self) -> str:
        """What the simulator does with it: Shopify's filter applied, any other passed through."""
        if self.in_shopify:
            return "applied as Shopify's Liquid applies it (whether Studio's Liquid has it is unverified)"
        hint = self.fix()
        return "the value passed through unchanged, as Liquid's lax default does with a filter it lacks" + (
            f" ({hint})" if hint.startswith("did you mean") else "")

    def fix(self) -> str:
        """For a name Liquid lacks, its near miss (``upcase`` for ``uppercase``, ``to_json`` for ``json``); else
        what to do instead."""
        if self.in_shopify:
            return f"check it on a test execution, or use a {self.kind} the page lists"
        known = [name for kind, name in STUDIO_LIQUID if kind == self.kind]
        close = [name for name in known if self.name in name.split("_")]
        close = close or difflib.get_close_matches(self.name, known, n=1, cutoff=0.7)
        if close:
            return f"did you mean {close[0]!r}?"
        return "remove it, or compute the value in a Run Function widget"

    def __str__(self) -> str:
        whose = ("Shopify's but not on Studio's Liquid page" if self.in_shopify
                 else "in neither Studio's nor Shopify's Liquid")
        return f"Liquid {self.kind} {self.name!r} is {whose}: {self.what_studio_does()}; {self.fix()}"


def undocumented(kind: LiquidKind, name: str) -> UndocumentedLiquid | None:
    """The filter or tag ``name`` if Studio does not document it, else None."""
    return None if STUDIO_LIQUID.get((kind, name), "shopify") != "shopify" else UndocumentedLiquid(kind, name)


def undocumented_uses(text: str) -> list[UndocumentedLiquid]:
    """The filters and tags ``text`` uses that Studio does not document, in order, without repeats ([] when the
    text is no Liquid the engine reads)."""
    if not is_template(text) or ("|" not in text and "{%" not in text):
        return []
    simple = _simple_reading(text)
    if simple is not None:
        uses: list[tuple[LiquidKind, str]] = [("filter", name) for name in simple[1]]  # its tags are if and unless
    else:
        try:
            template = parse(text)
        except LiquidSyntaxError:
            return []
        uses = [*(("filter", name) for name in template.filter_names()),
                *(("tag", name) for name in template.tag_names())]
    found: list[UndocumentedLiquid] = []
    for kind, name in uses:
        item = undocumented(kind, name)
        if item is not None and item not in found:
            found.append(item)
    return found
