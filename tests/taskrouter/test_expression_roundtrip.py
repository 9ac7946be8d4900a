"""Printing a parsed expression and parsing it again gives the same tree (hypothesis)."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from taskrouter import check, parse
from taskrouter.expression import (
    ArrayLiteral,
    Comparison,
    Condition,
    Constant,
    Logical,
    Operand,
    OrderBy,
    OrderClause,
    Reference,
    format_expression,
)

RESERVED = {"and", "or", "not", "in", "has", "contains", "true", "false", "null", "taskrouter"}
OPERATORS = ["==", "!=", ">", ">=", "<", "<=", "CONTAINS", "HAS", "IN", "NOT IN"]

# Keys: letters, digits, _ and $, not starting with a digit (the module docstring's rule for property identifiers).
keys = st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,6}", fullmatch=True).filter(lambda key: key.lower() not in RESERVED)
segments = st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,5}", fullmatch=True)
references = st.builds(lambda first, rest: Reference((first, *rest)), keys,
                       st.lists(segments | st.integers(0, 99), max_size=3))
texts = st.text(max_size=12).filter(lambda text: not ("'" in text and '"' in text))
scalars = (texts | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
           | st.booleans() | st.none())
constants = st.builds(Constant, scalars)
operands: st.SearchStrategy[Operand] = st.recursive(
    constants | references,
    lambda inner: st.builds(lambda items: ArrayLiteral(tuple(items)), st.lists(inner, max_size=3)),
    max_leaves=6)
comparisons = st.builds(Comparison, operands, st.sampled_from(OPERATORS), operands)
conditions: st.SearchStrategy[Condition] = st.recursive(
    comparisons,
    lambda inner: st.builds(lambda operator, parts: Logical(operator, tuple(parts)), st.sampled_from(["AND", "OR"]),
                            st.lists(inner, min_size=2, max_size=3)),
    max_leaves=8)
order_bys = st.builds(lambda clauses: OrderBy(tuple(clauses)), st.lists(
    st.builds(lambda ref, direction: OrderClause(Reference(("worker", *ref.path)), direction), references,
              st.sampled_from(["ASC", "DESC"])), min_size=1, max_size=3))


@settings(max_examples=150, deadline=None)
@given(conditions)
def test_printed_condition_parses_back_to_the_same_tree(condition: Condition) -> None:
    reparsed = parse(format_expression(condition), "filter").condition
    assert repr(reparsed) == repr(condition)  # repr also tells 1 from 1.0 and True


@settings(max_examples=100, deadline=None)
@given(order_bys)
def test_printed_order_by_parses_back_to_the_same_clauses(order: OrderBy) -> None:
    assert parse(format_expression(order), "order_by").order == order


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable, max_size=40))
def test_arbitrary_text_gets_diagnostics_with_columns_inside_it(text: str) -> None:
    for diagnostic in check(text, "filter"):  # check() returns parse's ExpressionError as a diagnostic
        assert 1 <= diagnostic.column <= len(text) + 1
        assert diagnostic.hint


@settings(max_examples=75, deadline=None)
@given(conditions)
def test_printing_is_stable_after_one_round(condition: Condition) -> None:
    once = format_expression(condition)
    assert str(parse(once, "filter")) == once
