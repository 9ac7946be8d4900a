"""The TaskRouter expression language: lexer, parser, printer and diagnostics.

Grammar (taskrouter.md §2; decisions marked *):

    condition  := or
    or         := and { OR and }                  -- AND binds tighter than OR*
    and        := primary { AND primary }
    primary    := "(" or ")" | operand operator operand
    operator   := == | = | != | > | >= | < | <= | CONTAINS | HAS | IN | NOT IN
    operand    := 'string' | "string" | number | true | false | null* | reference | array
    array      := "[" [ operand { "," operand } ] "]"
    reference  := key { "." key | "[" digits "]" }     -- key: [A-Za-z_$][A-Za-z0-9_$]*
    order_by   := reference (ASC | DESC) { "," reference (ASC | DESC) }

Decisions where Twilio's documentation is silent, made here and nowhere else:

* Keywords (AND, OR, IN, NOT IN, HAS, CONTAINS, and ASC/DESC in order_by) are case-insensitive;
  ``true``, ``false`` and ``null`` are lowercase only (``True`` is read as a key and warned about).
* ``null`` is a literal (the corpus writes ``targetWorker != null``); a missing key is NULL.
* ``NOT`` on its own, ``!``, ``&&`` and ``||`` are rejected with a fix: they are not documented,
  and a deploy-time 400 costs more than rewriting ``!(a == b)`` as ``a != b``.
* Strings are single- or double-quoted, and an array may mix them (``['a', "b"]``): the docs define a string
  constant as either and an array as a list of constants; ``helpline IN ['A', 'B']`` is deployed
  (techmatters/flex-plugins' taskRouter Terraform modules, twilio-iac/terraform-modules/taskRouter/, write
  it with formatlist("'%s'", ...)), and Twilio's docs write ``customer_value IN ['Silver', 'Bronze']``.
* Missing keys and ``null``: see ``evaluation`` (settled by deployed configurations).
* Numbers may have a leading minus; ``0800`` is the integer 800 (as in the time-of-day docs).
* Keys follow Twilio's rule for property identifiers (its Multitasking page, on task channel names read as
  ``worker.channel.<name>``): letters, digits, ``_`` and ``$``, not starting with a digit; ``a.1x`` is refused
  ("will result in an error") with the fix, and ``a.0`` with ``a[0]`` as the fix. ``${NAME}`` is a placeholder.
* Hyphens are not supported in keys ("Hyphens are not supported in TaskRouter expressions"):
  ``skill-level`` is an error whose fix is to rename the attribute ``skill_level``.
* Single ``=`` means ``==`` (the docs use it) but is warned about.
* A key without ``task.`` or ``worker.`` in a target expression is warned about, not refused: the docs
  say every key there is prefixed, but TaskRouter accepts one (``isSurveyTask==true`` is deployed).
  How it is read is decided in ``evaluation.unprefixed_target_keys``.
* A key that does not fit its kind of expression is warned about, not refused: ``task.x`` in a queue's
  target_workers (task-in-queue; it reads the worker's attribute ``task``), an unknown ``taskrouter.*`` or
  skip_if variable (unknown-variable; NULL), a bare ``task``/``worker`` in a target or an order_by key
  without ``worker.`` (missing-prefix). The docs say which keys each kind reads, not that TaskRouter refuses
  others, and Twilio's own routing skill says its "expression validation is syntactic only" (taskrouter.md
  [ai]); unverified.

Unverified, each read here as written and warned about (never refused), so that a form TaskRouter may take is
not an error and a form it may refuse is not silent. Twilio's expression page documents none of them; its
examples are digits with an optional fraction (``1``, ``1.0``, ``3.141529``), strings without backslashes,
arrays in square brackets and ASCII spaces:

* A space other than an ASCII space, tab or line break (a non-breaking space, U+00A0, pasted from a rendered
  page) separates tokens as a space does (unusual-space).
* ``.5`` and exponents (``1e3``) are the numbers 0.5 and 1000.0 (number-form).
* A backslash in a string is kept as written (``'C:\\x'`` is C, colon, backslash, x); only when that reading
  cannot parse (``'it\\'s'``) are ``\\'``, ``\\"`` and ``\\\\`` read as escapes (backslash-in-string).
* After IN or NOT IN, a parenthesised list ``('a', 'b')`` is the array ``['a', 'b']`` (parenthesised-list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal, TypeAlias, cast

ExpressionKind = Literal["filter", "target", "queue", "skip_if", "order_by"]
EXPRESSION_KINDS: tuple[ExpressionKind, ...] = ("filter", "target", "queue", "skip_if", "order_by")

Operator = Literal["==", "!=", ">", ">=", "<", "<=", "CONTAINS", "HAS", "IN", "NOT IN"]
Scalar: TypeAlias = str | int | float | bool | None
Severity = Literal["error", "warning"]

# The time-of-day variables TaskRouter fills in for filter and target expressions [tod-doc].
TIME_VARIABLES = ("currentTime", "currentHour", "currentMin", "dayOfWeek")
# Worker fields a target expression may read besides the worker's attributes [expr-doc], [abr-doc].
WORKER_FIELDS = ("sid", "friendly_name", "activity_sid", "activity_name")
SKIP_IF_VARIABLES = ("available", "unavailable")
_ACTIVITY_SID = re.compile(r"WA[0-9a-fA-F]{32}")
# Keys: Twilio's rule for property identifiers (see the module docstring). _SEGMENT also takes a leading digit, so
# that the lexer can say what is wrong with one.
_KEY_START = re.compile(r"[A-Za-z_$]")
_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SEGMENT = re.compile(r"[A-Za-z0-9_$]+")
# Digits with an optional fraction (documented), or a bare fraction or an exponent (number-form, unverified).
_NUMBER = re.compile(r"-?(?:[0-9]+(\.[0-9]+)?|(\.[0-9]+))([eE][+-]?[0-9]+)?")
# Whitespace the docs' examples use; any other (U+00A0 and the like) is an unusual-space.
_PLAIN_SPACES = " \t\r\n"
# A whole key path as written with hyphens, e.g. routing.skill-level or a-b[0].c-d.
_HYPHENATED = re.compile(r"[A-Za-z0-9_$]+(?:[.-][A-Za-z0-9_$]+|\[[0-9]+\])*")
_WORD_OPERATORS = ("CONTAINS", "HAS", "IN")
# A key that ends in an upper-case word operator with no space before it: skillsHAS, languageIN.
_GLUED_OPERATOR = re.compile(r"(.*[a-z0-9_])(CONTAINS|HAS|IN)")
_KEYWORDS = ("AND", "OR", "NOT", "IN", "HAS", "CONTAINS")
_SYMBOL_OPERATORS = ("==", "!=", ">=", "<=", ">", "<", "=")
_TYPOGRAPHIC_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
OPERATORS_TEXT = "==, !=, >, >=, <, <=, CONTAINS, HAS, IN or NOT IN"


# --- diagnostics ---------------------------------------------------------------------------------


EXCERPT_CONTEXT = 40
"""Characters shown on each side of the column when an expression is too long to show whole."""
_CUT = "..."


def render_fault(message: str, expression: str, column: int, hint: str, *, label: str = "") -> str:
    """Render a message, the expression (around ``column`` when long), a caret under ``column`` and the fix."""
    shown, caret = _excerpt(expression.replace("\n", " ").replace("\r", " "), column)
    padding = "".join("\t" if char == "\t" else " " for char in shown[: caret - 1])
    lines = [f"{label}column {column}: {message}", f"  {shown}", f"  {padding}^"]
    if hint:
        lines.append(f"  fix: {hint}")
    return "\n".join(lines)


_LINE_BREAKS = str.maketrans("\n\r\t", "   ")


def excerpt(text: str, column: int) -> str:
    """The text around ``column`` (1-based) for a one-line message: all of it when short, else cut with "...".

    Line breaks and tabs read as spaces (one for one, so columns stay), as in an expression written over lines.
    """
    return _excerpt(text.translate(_LINE_BREAKS), column)[0]


def _excerpt(text: str, column: int) -> tuple[str, int]:
    """The text around ``column`` (1-based), cut with "..." where it is long, and the column within it.

    A long expression with many warnings then prints each warning with a bounded excerpt, not the whole
    expression once per warning.
    """
    if len(text) <= 2 * (EXCERPT_CONTEXT + len(_CUT)):
        return text, column
    start = max(0, column - 1 - EXCERPT_CONTEXT)
    end = min(len(text), column + EXCERPT_CONTEXT)
    before = _CUT if start > 0 else ""
    after = _CUT if end < len(text) else ""
    return f"{before}{text[start:end]}{after}", column - start + len(before)


@dataclass(frozen=True)
class Diagnostic:
    """An error or a probable mistake found in one expression."""

    severity: Severity
    code: str
    message: str
    column: int
    hint: str
    expression: str

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        return render_fault(self.message, self.expression, self.column, self.hint, label=label)


class ExpressionError(ValueError):
    """An expression TaskRouter would reject: where (1-based column), what, and how to fix it."""

    def __init__(self, message: str, *, column: int, hint: str, expression: str, code: str = "syntax") -> None:
        self.message = message
        self.column = column
        self.hint = hint
        self.expression = expression
        self.code = code
        super().__init__(render_fault(message, expression, column, hint))

    @property
    def diagnostic(self) -> Diagnostic:
        """This error as a diagnostic of severity ``error``."""
        return Diagnostic("error", self.code, self.message, self.column, self.hint, self.expression)


class NestedTooDeeplyError(ExpressionError, RecursionError):
    """Parentheses or brackets nested thousands deep: too deep to parse (no real expression is like that).

    An ExpressionError, so that a model or a caller of ``parse`` gets a message, not Python's RecursionError; also a
    RecursionError, so that flexctl still reports it as unusable input (exit 2) as it does deep JSON.
    """


# --- syntax tree ---------------------------------------------------------------------------------
# Positions are 0-based offsets into the source text; they never take part in equality, so that a
# printed and re-parsed expression compares equal to the original tree.


@dataclass(frozen=True)
class Constant:
    """A string, number, boolean or null literal."""

    value: Scalar
    start: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Reference:
    """A key path such as ``task.languages[0]``: names and array indexes."""

    path: tuple[str | int, ...]
    start: int = field(default=0, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The reference as written: ``a.b[2]``."""
        text = str(self.path[0])
        for part in self.path[1:]:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text


@dataclass(frozen=True)
class ArrayLiteral:
    """An array such as ``['en', 'es']``."""

    items: tuple[Operand, ...]
    start: int = field(default=0, compare=False, repr=False)


Operand: TypeAlias = Constant | Reference | ArrayLiteral


@dataclass(frozen=True)
class Comparison:
    """``left operator right``."""

    left: Operand
    operator: Operator
    right: Operand
    start: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Logical:
    """Two or more conditions joined by one of AND / OR."""

    operator: Literal["AND", "OR"]
    operands: tuple[Condition, ...]
    start: int = field(default=0, compare=False, repr=False)
    grouped: bool = field(default=False, compare=False, repr=False)  # parenthesised in the source


Condition: TypeAlias = Comparison | Logical


@dataclass(frozen=True)
class OrderClause:
    """One ``worker.x ASC|DESC`` clause of an order_by expression."""

    reference: Reference
    direction: Literal["ASC", "DESC"]


@dataclass(frozen=True)
class OrderBy:
    """A comma-separated list of order clauses, most significant first."""

    clauses: tuple[OrderClause, ...]


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text, kind, tree and warnings."""

    text: str = field(compare=False)
    kind: ExpressionKind
    root: Condition | OrderBy
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)

    @property
    def condition(self) -> Condition:
        """The condition tree (every kind but order_by)."""
        if isinstance(self.root, OrderBy):
            raise TypeError("an order_by expression orders workers; it has no condition")
        return self.root

    @property
    def order(self) -> OrderBy:
        """The order clauses of an order_by expression."""
        if not isinstance(self.root, OrderBy):
            raise TypeError(f"a {self.kind} expression is a condition, not an order_by")
        return self.root

    def references(self) -> tuple[Reference, ...]:
        """Every key the expression reads, in source order."""
        if isinstance(self.root, OrderBy):
            return tuple(clause.reference for clause in self.root.clauses)
        return tuple(iter_references(self.root))

    def __str__(self) -> str:
        return format_expression(self.root)


def iter_comparisons(condition: Condition) -> Iterator[Comparison]:
    """Every comparison in a condition, left to right."""
    if isinstance(condition, Comparison):
        yield condition
    else:
        for operand in condition.operands:
            yield from iter_comparisons(operand)


def operand_references(operand: Operand) -> Iterator[Reference]:
    """The references inside one operand (arrays may hold references)."""
    if isinstance(operand, Reference):
        yield operand
    elif isinstance(operand, ArrayLiteral):
        for item in operand.items:
            yield from operand_references(item)


def iter_references(condition: Condition) -> Iterator[Reference]:
    """Every reference in a condition, left to right."""
    for comparison in iter_comparisons(condition):
        yield from operand_references(comparison.left)
        yield from operand_references(comparison.right)


# --- printer -------------------------------------------------------------------------------------


def format_constant(value: Scalar) -> str:
    """Print a literal so that the parser reads back the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")  # positional: the grammar has no exponent
        return text if "." in text else f"{text}.0"
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"cannot write the string {value!r}: TaskRouter strings have no escapes for both quotes")


def format_operand(operand: Operand) -> str:
    """Print one operand."""
    if isinstance(operand, Constant):
        return format_constant(operand.value)
    if isinstance(operand, Reference):
        return operand.name
    return "[" + ", ".join(format_operand(item) for item in operand.items) + "]"


def format_expression(node: Condition | OrderBy) -> str:
    """Print a tree in canonical form (upper-case keywords, ``==``, minimal parentheses)."""
    if isinstance(node, OrderBy):
        return ", ".join(f"{clause.reference.name} {clause.direction}" for clause in node.clauses)
    if isinstance(node, Comparison):
        return f"{format_operand(node.left)} {node.operator} {format_operand(node.right)}"
    parts = [f"({format_expression(part)})" if isinstance(part, Logical) else format_expression(part)
             for part in node.operands]
    return f" {node.operator} ".join(parts)


# --- lexer ---------------------------------------------------------------------------------------

TokenKind = Literal["string", "number", "literal", "reference", "keyword", "operator", "punct", "end"]


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    text: str
    start: int
    value: Scalar = None
    path: tuple[str | int, ...] = ()  # reference tokens only


class _Lexer:
    def __init__(self, text: str, *, escapes: bool = False) -> None:
        self.text = text
        self.escapes = escapes  # read \\', \\" and \\\\ in strings as escapes (see the module docstring)
        self.pos = 0
        self.tokens: list[_Token] = []
        self.warnings: list[Diagnostic] = []

    def fail(self, message: str, position: int, hint: str, code: str = "syntax") -> ExpressionError:
        return ExpressionError(message, column=position + 1, hint=hint, expression=self.text, code=code)

    def run(self) -> list[_Token]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                if char not in _PLAIN_SPACES and not any(w.code == "unusual-space" for w in self.warnings):
                    self.unusual_space(char)
                self.pos += 1
            elif char in "'\"":
                self.string(char)
            elif char.isdigit() or (char in "-." and self.number_ahead()):
                self.number()
            elif _KEY_START.match(char) and text[self.pos:self.pos + 2] != "${":
                self.word()
            elif char in "()[],":
                self.push("punct", char, self.pos)
            else:
                self.symbol(char)
        self.tokens.append(_Token("end", "", len(text)))
        return self.tokens

    def push(self, kind: TokenKind, text: str, start: int, value: Scalar = None,
             path: tuple[str | int, ...] = ()) -> None:
        self.tokens.append(_Token(kind, text, start, value, path))
        self.pos = start + len(text)

    def number_ahead(self) -> bool:
        """Whether a '-' or '.' here starts a number: -5, -.5 or .5 where an operand may stand."""
        after = self.text[self.pos + 1:self.pos + 3]
        starts = after[:1].isdigit() or (self.text[self.pos] == "-" and after[:1] == "." and after[1:].isdigit())
        return starts and self.operand_expected()

    def unusual_space(self, char: str) -> None:
        count = sum(other.isspace() and other not in _PLAIN_SPACES for other in self.text)
        name = "a non-breaking space (U+00A0)" if char == "\u00a0" else f"the space character U+{ord(char):04X}"
        self.warnings.append(Diagnostic(
            "warning", "unusual-space", f"{name} is read as a space here ({count} in this expression); "
            "unverified that TaskRouter does (its docs use plain spaces)", self.pos + 1,
            "retype it as a plain space (it often comes from text copied from a web page)", self.text))

    def operand_expected(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        return last.kind in ("operator", "keyword") or last.text in ("(", "[", ",")

    def string(self, quote: str) -> None:
        start = self.pos
        if self.escapes:
            self.escaped_string(quote)
            return
        end = self.text.find(quote, start + 1)
        if end < 0:
            raise self.fail(f"this string is never closed (no matching {quote})", start,
                            f"add the closing {quote} at the end of the string")
        value = self.text[start + 1:end]
        if "\\" in value and not any(warning.code == "backslash-in-string" for warning in self.warnings):
            self.warnings.append(_backslash_warning(self.text, start + 1 + value.index("\\"), "is kept as written"))
        self.push("string", self.text[start:end + 1], start, value)

    def escaped_string(self, quote: str) -> None:
        start = pos = self.pos
        chars: list[str] = []
        while True:
            pos += 1
            if pos >= len(self.text):
                raise self.fail(f"this string is never closed (no matching {quote})", start,
                                f"add the closing {quote} at the end of the string")
            char = self.text[pos]
            if char == "\\" and self.text[pos + 1:pos + 2] in (quote, "\\"):
                pos += 1
                char = self.text[pos]
            elif char == quote:
                break
            chars.append(char)
        self.push("string", self.text[start:pos + 1], start, "".join(chars))

    def number(self) -> None:
        start = self.pos
        match = _NUMBER.match(self.text, start)
        assert match is not None  # run() only calls here on a digit or a minus before a digit
        end = match.end()
        if end < len(self.text) and (self.text[end] == "." or _SEGMENT.match(self.text[end])):
            word = re.match(r"[A-Za-z0-9_.\-]+", self.text[start:])
            shown = word.group(0) if word else self.text[start:end + 1]
            raise self.fail(f"'{shown}' is neither a number nor a key", start,
                            "keys start with a letter, _ or $; numbers are digits with an optional .fraction; "
                            f"if you meant text, quote it: '{shown}'")
        literal = match.group(0)
        _, fraction, bare, exponent = match.group(0, 1, 2, 3)
        value: int | float = float(literal) if fraction or bare or exponent else int(literal)
        if value in (float("inf"), float("-inf")):
            raise self.fail(f"{literal} is too large a number", start, "write a number of at most 308 digits")
        if bare or exponent:
            written = "a fraction without a leading 0" if bare else "an exponent"
            self.warnings.append(Diagnostic(
                "warning", "number-form", f"{literal} is read as the number {format_constant(value)}; Twilio "
                f"documents numbers as digits with an optional fraction (1, 1.0, 3.141529), and that TaskRouter "
                f"reads {written} is unverified", start + 1, f"write {format_constant(value)}", self.text))
        self.push("number", literal, start, value)

    def word(self) -> None:
        start = self.pos
        key = _KEY.match(self.text, start)
        assert key is not None  # run() only calls here on a key's first character
        first = key.group(0)
        upper = first.upper()
        if upper in _KEYWORDS:
            self.push("keyword", first, start, upper)
            return
        if first in ("true", "false", "null"):
            self.push("literal", first, start, {"true": True, "false": False, "null": None}[first])
            return
        path: list[str | int] = [first]
        pos = key.end()
        while pos < len(self.text):
            self.reject_hyphen(start, pos)
            char = self.text[pos]
            if char == ".":
                segment = _SEGMENT.match(self.text, pos + 1)
                if segment is None:
                    raise self.fail(f"expected a key name after '{self.text[start:pos + 1]}'", pos + 1,
                                    "write the nested key after the dot, e.g. routing.skills")
                if segment.group(0)[0].isdigit():
                    raise self.leading_digit(start, pos, segment.group(0))
                path.append(segment.group(0))
                pos = segment.end()
            elif char == "[" and (index := re.compile(r"\[([0-9]+)\]").match(self.text, pos)):
                path.append(int(index.group(1)))
                pos = index.end()
            else:
                break
        self.reject_hyphen(start, pos)
        self.push("reference", self.text[start:pos], start, path=tuple(path))

    def leading_digit(self, start: int, dot: int, segment: str) -> ExpressionError:
        before = self.text[start:dot]
        hint = (f"to read item {segment} of an array write {before}[{segment}]" if segment.isdigit() else
                f"rename the attribute so that it starts with a letter or _ (e.g. _{segment}), here and in the "
                "attributes")
        return self.fail(f"'{segment}' starts with a digit: a TaskRouter key cannot start with a number", dot + 1, hint)

    def reject_hyphen(self, start: int, pos: int) -> None:
        if self.text[pos:pos + 1] == "-" and _SEGMENT.match(self.text[pos + 1:pos + 2]):
            hyphenated = _HYPHENATED.match(self.text, start)
            word = hyphenated.group(0) if hyphenated else self.text[start:pos + 2]
            raise self.fail(f"'{word}' contains a hyphen: TaskRouter does not support hyphens in keys "
                            f"(it would read '{word.split('-')[0]}' minus something)", pos,
                            f"rename the attribute to {word.replace('-', '_')} (in the attributes and here)",
                            code="hyphen-in-key")

    def symbol(self, char: str) -> None:
        start = self.pos
        pair = self.text[start:start + 2]
        bad = {"&&": "write AND: TaskRouter joins conditions with AND",
               "||": "write OR: TaskRouter joins conditions with OR",
               "<>": "write != for 'not equal'"}
        if pair in bad:
            raise self.fail(f"'{pair}' is not a TaskRouter operator", start, bad[pair])
        if self.text[start:start + 3] == "===":
            raise self.fail("'===' is not a TaskRouter operator", start, "write ==")
        for operator in _SYMBOL_OPERATORS:
            if self.text.startswith(operator, start):
                if operator == "=":
                    self.warnings.append(Diagnostic(
                        "warning", "single-equals", "single '=' is read as '==' (equality), not assignment",
                        start + 1, "write == to compare, as in Twilio's reference", self.text))
                self.push("operator", operator, start, "==" if operator == "=" else operator)
                return
        if char == "!":
            raise self.fail("'!' is not a TaskRouter operator (there is no NOT)", start,
                            "negate the comparison instead: != for ==, NOT IN for IN")
        if char == "-":
            raise self.fail("unexpected '-': TaskRouter expressions have no arithmetic and keys have no hyphens",
                            start, "remove the '-', or quote the text it belongs to")
        if char == "$":
            raise self.fail("unexpected '$': placeholders such as ${NAME} are only filled in queue SIDs", start,
                            "write the value itself in the expression; if a template tool (Terraform, a "
                            "script) fills it in, lint the configuration it writes")
        if ord(char) in _TYPOGRAPHIC_QUOTES:  # pasted from a rendered page: ’General Avail’
            straight = self.text.translate(_TYPOGRAPHIC_QUOTES).strip()
            hint = f"use straight quotes: {straight}"
            if len(straight) > 80 or "\n" in straight:
                hint = "replace each typographic quote with ' or \""
            raise self.fail(f"{char!r} is a typographic quote, which does not delimit a string", start, hint)
        raise self.fail(f"unexpected character {char!r}", start,
                        f"expressions use keys, quoted strings, numbers, true/false/null, [arrays], "
                        f"parentheses, AND/OR and {OPERATORS_TEXT}")


def _backslash_warning(text: str, position: int, reading: str) -> Diagnostic:
    return Diagnostic("warning", "backslash-in-string", f"a backslash in a string {reading}; Twilio's docs show no "
                      "escapes in strings, and how TaskRouter reads a backslash is unverified", position + 1,
                      "avoid backslashes in values you compare; to quote text holding ' use \"...\", and the reverse",
                      text)


# --- parser --------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.warnings: list[Diagnostic] = []

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, message: str, token: _Token, hint: str) -> ExpressionError:
        return ExpressionError(message, column=token.start + 1, hint=hint, expression=self.text)

    def describe(self, token: _Token) -> str:
        return "the end of the expression" if token.kind == "end" else f"'{token.text}'"

    def is_keyword(self, *words: str) -> bool:
        return self.token.kind == "keyword" and self.token.value in words

    def condition(self) -> Condition:
        start = self.token.start
        operands = [self.conjunction()]
        while self.is_keyword("OR"):
            self.advance()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Logical("OR", tuple(operands), start)

    def conjunction(self) -> Condition:
        start = self.token.start
        operands = [self.primary()]
        while self.is_keyword("AND"):
            self.advance()
            operands.append(self.primary())
        return operands[0] if len(operands) == 1 else Logical("AND", tuple(operands), start)

    def primary(self) -> Condition:
        token = self.token
        if token.text == "(" and token.kind == "punct":
            self.advance()
            inner = self.condition()
            if self.token.text != ")":
                if self.token.kind == "end":
                    raise self.fail("this '(' is never closed", token, "add ')' where the group ends")
                raise self.fail(f"expected ')' or AND/OR, found {self.describe(self.token)}", self.token,
                                "close the group with ')' or join the next condition with AND/OR")
            self.advance()
            return replace(inner, grouped=True) if isinstance(inner, Logical) else inner
        if self.is_keyword("NOT"):
            raise self.fail("TaskRouter has no NOT operator (only NOT IN)", token,
                            "negate the comparison instead: != for ==, NOT IN for IN")
        return self.comparison()

    def comparison(self) -> Comparison:
        left = self.operand("a condition")
        operator_token = self.token
        operator = self.operator()
        if operator is None:
            example = f"{format_operand(left)} == true" if isinstance(left, Reference) else "key == 'value'"
            hint = f"compare it with a value, e.g. {example}"
            path = left.path if isinstance(left, Reference) else ()
            glued = _GLUED_OPERATOR.fullmatch(str(path[-1])) if path else None
            if glued:  # worker.routing.skillsHAS "x": the space before HAS is missing
                key = Reference((*path[:-1], glued.group(1))).name
                hint = f"put a space before {glued.group(2)}: {key} {glued.group(2)} {self.value_ahead()}"
            elif operator_token.kind == "reference" and len(operator_token.path) == 1:  # name LIKE 'x', name IS 'x'
                self.advance()
                spelled = "CONTAINS" if operator_token.text.upper() == "LIKE" else "=="
                hint = f"write {format_operand(left)} {spelled} {self.value_ahead()}"
            raise self.fail(f"expected a comparison operator ({OPERATORS_TEXT}) after "
                            f"'{self.text[left.start:operator_token.start].strip()}', "
                            f"found {self.describe(operator_token)}", operator_token, hint)
        if operator in ("IN", "NOT IN") and self.token.kind == "punct" and self.token.text == "(":
            right = self.parenthesised_list()
        else:
            right = self.operand(f"a value after '{operator_token.text}'")
        if self.operator_ahead():
            raise self.fail("comparisons cannot be chained", self.token,
                            "join two comparisons with AND, e.g. a > 1 AND a < 5")
        return Comparison(left, operator, right, left.start)

    def value_ahead(self) -> str:
        """The operand at the current token as canonical text, or '...' if there is none."""
        try:
            return format_operand(self.operand("a value"))
        except (ExpressionError, ValueError):
            return "..."

    def operator_ahead(self) -> bool:
        return self.token.kind == "operator" or self.is_keyword(*_WORD_OPERATORS, "NOT")

    def operator(self) -> Operator | None:
        token = self.token
        if token.kind == "operator":
            self.advance()
            return cast(Operator, token.value)  # the lexer stores only operators here
        if self.is_keyword(*_WORD_OPERATORS):
            self.advance()
            return cast(Operator, token.value)
        if self.is_keyword("NOT"):
            self.advance()
            if not self.is_keyword("IN"):
                raise self.fail("NOT is only valid as NOT IN", token,
                                "write NOT IN [...], or negate the comparison (!= for ==)")
            self.advance()
            return "NOT IN"
        return None

    def operand(self, wanted: str) -> Operand:
        token = self.token
        if token.kind in ("string", "number", "literal"):
            self.advance()
            return Constant(token.value, token.start)
        if token.kind == "reference":
            self.advance()
            return Reference(token.path, token.start)
        if token.text == "[" and token.kind == "punct":
            return self.array()
        hint = "write a quoted string, a number, true/false/null, a key or an [array]"
        if token.kind == "keyword":
            hint = f"'{token.text}' is a keyword; quote it if it is text, e.g. '{token.text}'"
        raise self.fail(f"expected {wanted}, found {self.describe(token)}", token, hint)

    def array(self) -> ArrayLiteral:
        opening = self.advance()
        return ArrayLiteral(self.items(opening, "]", "array"), opening.start)

    def items(self, opening: _Token, closing: str, noun: str) -> tuple[Operand, ...]:
        """The comma-separated operands of an array ``[...]`` or a list ``(...)``, up to ``closing`` (consumed)."""
        item = f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} item"
        items: list[Operand] = []
        if self.token.text != closing:
            items.append(self.operand(item))
            while self.token.text == ",":
                self.advance()
                items.append(self.operand(f"{item} after ','"))
        if self.token.text != closing:
            if self.token.kind == "end":
                raise self.fail(f"this '{opening.text}' is never closed", opening,
                                f"add '{closing}' after the last item")
            raise self.fail(f"expected ',' or '{closing}' in the {noun}, found {self.describe(self.token)}",
                            self.token, f"separate {noun} items with commas: {opening.text}'en', 'es'{closing}")
        self.advance()
        return tuple(items)

    def parenthesised_list(self) -> Operand:
        """``IN ('a', 'b')``, read as ``IN ['a', 'b']`` and warned about (see the module docstring)."""
        opening = self.advance()
        items = self.items(opening, ")", "list")
        grouped = len(items) == 1 and not isinstance(items[0], Constant)  # IN (worker.languages): a group
        right = items[0] if grouped else ArrayLiteral(items, opening.start)
        try:
            shown = format_operand(right)
        except ValueError:  # a string holding both quotes
            shown = "[...]"
        self.warnings.append(Diagnostic(
            "warning", "parenthesised-list", f"a parenthesised list after IN is read as {shown}; Twilio's docs "
            "write arrays in square brackets, and that TaskRouter reads ( ) here is unverified", opening.start + 1,
            f"write {shown}", self.text))
        return right

    def order_by(self) -> OrderBy:
        clauses = [self.order_clause()]
        while self.token.text == ",":
            self.advance()
            clauses.append(self.order_clause())
        return OrderBy(tuple(clauses))

    def order_clause(self) -> OrderClause:
        token = self.token
        if token.kind != "reference":
            raise self.fail(f"expected a worker attribute such as worker.level, found {self.describe(token)}",
                            token, "write clauses like worker.english_level DESC, separated by commas")
        self.advance()
        direction = self.token
        if direction.kind != "reference" or str(direction.text).upper() not in ("ASC", "DESC"):
            raise self.fail(f"expected ASC or DESC after '{token.text}', found {self.describe(direction)}",
                            direction, f"write {token.text} ASC (smallest first) or {token.text} DESC")
        self.advance()
        return OrderClause(Reference(token.path, token.start), "ASC" if direction.text.upper() == "ASC" else "DESC")

    def finish(self) -> None:
        token = self.token
        if token.kind == "end":
            return
        if token.text == ")":
            raise self.fail("unexpected ')': there is no '(' to close", token, "remove it or add the matching '('")
        raise self.fail(f"unexpected {self.describe(token)} after a complete condition", token,
                        "join conditions with AND or OR; quote text that contains spaces")


# --- rules per kind and probable mistakes --------------------------------------------------------


def _kind_warning(text: str, reference: Reference, code: str, message: str, hint: str) -> Diagnostic:
    """A key that does not fit its kind of expression: warned about, not refused (see the module docstring)."""
    return _warning(text, reference.start, code, message, hint)


def _check_time_variable(text: str, reference: Reference) -> Diagnostic | None:
    if len(reference.path) != 2 or reference.path[1] not in TIME_VARIABLES:
        return _kind_warning(text, reference, "unknown-variable", f"unknown time-of-day variable '{reference.name}' "
                             "(it is NULL)", "use taskrouter." + ", taskrouter.".join(TIME_VARIABLES))
    return None


def _check_target_reference(text: str, reference: Reference, bare_is_value: bool) -> Diagnostic | None:
    root = reference.path[0]
    if root == "taskrouter":
        return _check_time_variable(text, reference)
    if root in ("task", "worker"):
        if len(reference.path) < 2 or isinstance(reference.path[1], int):
            return _kind_warning(text, reference, "missing-prefix", f"'{reference.name}' needs an attribute name",
                                 f"write {root}.<attribute>, e.g. {root}.language")
        return None
    # TaskRouter accepts it (deployed configurations have one); evaluation.unprefixed_target_keys reads it.
    hint = f"write task.{reference.name} (the task's attribute) or worker.{reference.name} (the worker's)"
    if bare_is_value:
        hint += f"; if you meant the text, quote it: '{reference.name}'"
    return _warning(text, reference.start, "missing-prefix", f"key '{reference.name}' has no task. or worker. "
                    "prefix: the docs say every key in a target expression is prefixed with task. or worker.", hint)


def _check_skip_if_reference(text: str, reference: Reference) -> Diagnostic | None:
    path = reference.path
    if len(path) == 2 and path[0] == "workers" and (
            path[1] in SKIP_IF_VARIABLES or _ACTIVITY_SID.fullmatch(str(path[1]))):
        return None
    return _kind_warning(text, reference, "unknown-variable", f"'{reference.name}' is not a skip_if variable "
                         "(it is NULL)", "skip_if counts the queue's workers: use workers.available, "
                         "workers.unavailable or workers.WA<activity sid>, e.g. workers.available == 0")


def _check_reference(text: str, kind: ExpressionKind, reference: Reference, bare_is_value: bool) -> Diagnostic | None:
    """The warning if the key does not fit its kind of expression (see the module docstring), else None."""
    root = reference.path[0]
    if kind == "target":
        return _check_target_reference(text, reference, bare_is_value)
    if kind == "skip_if":
        return _check_skip_if_reference(text, reference)
    if kind == "filter" and root == "taskrouter":
        return _check_time_variable(text, reference)
    if kind == "queue" and root == "task" and len(reference.path) > 1:
        return _kind_warning(text, reference, "task-in-queue", f"'{reference.name}': a queue's target_workers "
                             "reads worker attributes, not the task: this reads the worker's attribute named 'task'",
                             "match task attributes in the workflow target's expression (task.x == worker.y) "
                             "instead")
    return None


def _warning(text: str, position: int, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic("warning", code, message, position + 1, hint, text)


def _bare_word_warning(text: str, reference: Operand) -> Diagnostic:
    assert isinstance(reference, Reference)  # callers pass bare words only
    word = reference.name
    lowered = word.lower()
    if lowered in ("true", "false", "null"):
        return _warning(text, reference.start, "bare-word", f"'{word}' is read as a key, not the literal {lowered}",
                        f"write {lowered} in lower case")
    return _warning(text, reference.start, "bare-word", f"'{word}' is read as a key, not as the text '{word}'",
                    f"if you meant the text, quote it: '{word}'")


def _is_bare_word(operand: Operand) -> bool:
    return isinstance(operand, Reference) and len(operand.path) == 1


def _comparison_warnings(text: str, kind: ExpressionKind, comparison: Comparison) -> Iterator[Diagnostic]:
    left, right = comparison.left, comparison.right
    if kind in ("filter", "queue"):
        words = [right] if comparison.operator in ("==", "!=", "CONTAINS", "HAS") else []
        words += list(right.items) if isinstance(right, ArrayLiteral) else []
        literal_like = isinstance(left, Reference) and str(left.path[0]).lower() in ("true", "false", "null")
        words += [left] if literal_like else []
        yield from (_bare_word_warning(text, word) for word in words if _is_bare_word(word))
    if isinstance(left, Constant) and isinstance(right, Constant) and isinstance(left.value, str) \
            and isinstance(right.value, str):
        yield _warning(text, left.start, "quoted-key", f"compares two texts: {format_constant(left.value)} is a "
                       "string, not a key", f"write the key without quotes: {left.value} {comparison.operator} "
                       f"{format_constant(right.value)}")
    for operand, other in ((left, right), (right, left)):
        if _is_worker_field(other, kind):
            continue  # an activity or friendly name is no attribute value: 'Available - Priority' is fine
        for constant in _constants(operand):
            if isinstance(constant.value, str) and "-" in constant.value:
                # A warning: TaskRouter takes the expression (techmatters/flex-plugins deploys language CONTAINS
                # "en-CA"); Twilio's Workers page says attribute values should not hold hyphens.
                yield _warning(text, constant.start, "hyphen-in-value",
                               f"{format_constant(constant.value)} contains a hyphen, which Twilio's docs say "
                               "attribute values should not hold (TaskRouter accepts the expression)",
                               "if you choose the attribute's values, use an underscore in the value and in the "
                               f"attributes, e.g. {format_constant(constant.value.replace('-', '_'))}")


def _is_worker_field(operand: Operand, kind: ExpressionKind) -> bool:
    """Whether an operand is one of the WORKER_FIELDS (worker.activity_name; bare in a queue's target_workers)."""
    if not isinstance(operand, Reference):
        return False
    path = operand.path[1:] if kind == "target" and operand.path[0] == "worker" else operand.path
    return kind in ("target", "queue") and len(path) == 1 and path[0] in WORKER_FIELDS


def _constants(operand: Operand) -> Iterator[Constant]:
    if isinstance(operand, Constant):
        yield operand
    elif isinstance(operand, ArrayLiteral):
        for item in operand.items:
            yield from _constants(item)


def _prefix_warnings(text: str, kind: ExpressionKind, reference: Reference) -> Iterator[Diagnostic]:
    root = reference.path[0]
    if len(reference.path) < 2:
        return
    rest = Reference(reference.path[1:]).name
    if kind == "filter" and root in ("task", "worker"):
        yield _warning(text, reference.start, "prefixed-key", f"filter expressions read task attributes without a "
                       f"prefix: '{reference.name}' reads an attribute named '{root}'", f"write {rest}")
    elif kind == "queue" and root == "worker":
        yield _warning(text, reference.start, "prefixed-key", "a queue's target_workers reads worker attributes "
                       f"without a prefix: '{reference.name}' reads an attribute named 'worker'", f"write {rest}")


def _logical_warnings(text: str, condition: Condition) -> Iterator[Diagnostic]:
    if isinstance(condition, Comparison):
        return
    for operand in condition.operands:
        # A nested group the source did not parenthesise can only be an AND under an OR.
        if isinstance(operand, Logical) and not operand.grouped:
            yield _warning(text, operand.start, "mixed-and-or", "AND and OR are mixed without parentheses; here "
                           "AND binds tighter, but Twilio does not document the precedence",
                           "add parentheses to say which you mean, e.g. (a AND b) OR c")
        yield from _logical_warnings(text, operand)


def _validate(text: str, kind: ExpressionKind, condition: Condition) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    for comparison in iter_comparisons(condition):
        bare_right = _is_bare_word(comparison.right) or isinstance(comparison.right, ArrayLiteral)
        for side, operand in (("left", comparison.left), ("right", comparison.right)):
            for reference in operand_references(operand):
                warning = _check_reference(text, kind, reference, bare_is_value=side == "right" and bare_right)
                warnings.extend([warning] if warning else [])
                warnings.extend(_prefix_warnings(text, kind, reference))
        warnings.extend(_comparison_warnings(text, kind, comparison))
    warnings.extend(_logical_warnings(text, condition))
    return sorted(warnings, key=lambda warning: warning.column)


def _validate_order_by(text: str, order: OrderBy) -> Iterator[Diagnostic]:
    for clause in order.clauses:
        reference = clause.reference
        if reference.path[0] != "worker" or len(reference.path) < 2:
            yield _kind_warning(text, reference, "missing-prefix", f"order_by sorts workers: '{reference.name}' is "
                                "not a worker attribute (every worker sorts last on it)",
                                f"write {_worker_key(reference)} {clause.direction}")


def _worker_key(reference: Reference) -> str:
    """The worker key an order_by clause probably meant: task.level and level are worker.level."""
    path = reference.path
    if path[0] in ("task", "worker") and len(path) > 1 and not isinstance(path[1], int):
        path = path[1:]
    elif path[0] in ("task", "worker"):
        return "worker.<attribute>"
    return "worker." + Reference(path).name


# --- public entry points -------------------------------------------------------------------------


def parse(text: str, kind: ExpressionKind = "filter") -> Expression:
    """Parse an expression of the given kind; raise ExpressionError (with column and fix) if invalid."""
    if kind not in EXPRESSION_KINDS:
        raise ValueError(f"unknown expression kind {kind!r}; use one of {', '.join(EXPRESSION_KINDS)}")
    if not text.strip():
        example = "worker.level DESC" if kind == "order_by" else "1==1 (always true)"
        raise ExpressionError("the expression is empty", column=1, hint=f"write an expression, e.g. {example}",
                              expression=text, code="empty")
    try:
        return _parse(text, kind, escapes=False)
    except RecursionError:
        raise NestedTooDeeplyError("is nested too deeply to check", column=1, expression=text, code="too-deep",
                                   hint="remove some of the parentheses or brackets") from None
    except ExpressionError as error:
        if "\\" not in text:
            raise
        try:  # 'it\\'s' is refused as written: read it with escapes (see the module docstring)
            expression = _parse(text, kind, escapes=True)
        except ExpressionError:
            raise error from None
        reading = (f"is read as an escape (as written, the expression does not parse: {error.message} at column "
                   f"{error.column})")
    warning = _backslash_warning(text, text.index("\\"), reading)
    return replace(expression, warnings=tuple(sorted([warning, *expression.warnings], key=lambda w: w.column)))


def _parse(text: str, kind: ExpressionKind, *, escapes: bool) -> Expression:
    lexer = _Lexer(text, escapes=escapes)
    parser = _Parser(text, lexer.run())
    if kind == "order_by":
        order = parser.order_by()
        parser.finish()
        warnings = sorted([*lexer.warnings, *_validate_order_by(text, order)], key=lambda warning: warning.column)
        return Expression(text, kind, order, tuple(warnings))
    condition = parser.condition()
    parser.finish()
    found = [*lexer.warnings, *parser.warnings, *_validate(text, kind, condition)]
    return Expression(text, kind, condition, tuple(sorted(found, key=lambda warning: warning.column)))


def check(text: str, kind: ExpressionKind = "filter") -> list[Diagnostic]:
    """All diagnostics for an expression: one error, or the warnings (maybe none).

    Raises only NestedTooDeeplyError (a RecursionError: input no one writes, reported by flexctl as unusable input).
    """
    try:
        return list(parse(text, kind).warnings)
    except NestedTooDeeplyError:
        raise
    except ExpressionError as error:
        return [error.diagnostic]


_TASK_REFERENCE = re.compile(r"task\.[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+|\[[0-9]+\])*")


def parse_task_reference(text: str) -> Reference:
    """Parse a known-worker value such as ``task.agent_sid`` (a reference to a task attribute).

    Unverified that TaskRouter refuses a value that is not a reference ("{{task.agent_sid}}"): the docs only
    say the value names a task attribute; it is refused here, with the reference found inside it as the fix.
    """
    stripped = text.strip()
    try:
        tokens = _Lexer(stripped).run() if stripped else []
    except ExpressionError:
        tokens = []
    if len(tokens) != 2 or tokens[0].kind != "reference":
        inner = _TASK_REFERENCE.search(text)
        hint = f"write just {inner.group(0)}" if inner and stripped else "write task.<attribute>, e.g. task.agent_sid"
        shown = f" {text!r}" if stripped else ""
        raise ExpressionError(f"expected a reference to a task attribute, not{shown or ' an empty value'}", column=1,
                              expression=text, hint=hint, code="known-worker")
    reference = Reference(tokens[0].path, 0)
    if reference.path[0] == "worker" or reference.path == ("task",):
        # worker.sid reads the worker, not the task: the value must name the task attribute holding the worker.
        raise ExpressionError(f"'{reference.name}' is not a task attribute: the value names the task attribute "
                              "that holds the worker's SID or friendly name", column=1, expression=text,
                              hint="write task.<attribute>, e.g. task.agent_sid", code="known-worker")
    if reference.path[0] != "task" or len(reference.path) < 2:
        raise ExpressionError(f"'{reference.name}' is not a task attribute", column=1, expression=text,
                              hint=f"write task.{reference.name}", code="known-worker")
    return reference
