"""WHERE clause grammar.

condition  := conjunct (OR conjunct)*  |  conjunct (AND conjunct)*   (mixing needs parentheses)
conjunct   := NOT conjunct | '(' condition ')' | path op value | path [NOT] IN '(' values | query ')'
            | path LIKE value | path INCLUDES|EXCLUDES '(' values ')'
value      := 'string' | number | date | datetime | TRUE | FALSE | NULL | DATE_LITERAL[:n]
"""

from __future__ import annotations

from collections.abc import Callable

from sfsync.localorg.soql.dates import DATE_LITERALS, N_DATE_LITERALS
from sfsync.localorg.soql.stream import TokenStream
from sfsync.localorg.soql.syntax import Comparison, Condition, Junction, Literal, Negation, Query, SemiJoin

QueryParser = Callable[[TokenStream], Query]
_VALUE_KINDS = {"string": "string", "number": "number", "date": "date", "datetime": "datetime"}


def parse_where(stream: TokenStream, parse_query: QueryParser) -> Condition:
    first = _conjunct(stream, parse_query)
    if not stream.peek.is_word("AND", "OR"):
        return first
    op = stream.peek.text.upper()
    items = [first]
    while stream.accept_word(op):
        items.append(_conjunct(stream, parse_query))
    if stream.peek.is_word("AND", "OR"):
        raise stream.unexpected(stream.peek)
    return Junction(op, tuple(items))


def _conjunct(stream: TokenStream, parse_query: QueryParser) -> Condition:
    if stream.accept_word("NOT"):
        return Negation(_conjunct(stream, parse_query))
    if stream.accept_punct("("):
        inner = parse_where(stream, parse_query)
        stream.expect_punct(")")
        return inner
    path = stream.expect_path()
    token = stream.take()
    if token.kind == "op":
        op = "!=" if token.text == "<>" else token.text
        return Comparison(path, op, (value(stream),), token.pos)
    if token.is_word("LIKE"):
        return Comparison(path, "LIKE", (value(stream),), token.pos)
    if token.is_word("INCLUDES", "EXCLUDES"):
        stream.expect_punct("(")
        return Comparison(path, token.text.upper(), _value_list(stream), token.pos)
    negated = token.is_word("NOT")
    if negated:
        token = stream.take()
    if not token.is_word("IN"):
        raise stream.unexpected(token)
    stream.expect_punct("(")
    if stream.peek.is_word("SELECT"):
        query = parse_query(stream)
        stream.expect_punct(")")
        return SemiJoin(path, negated, query)
    return Comparison(path, "NOT IN" if negated else "IN", _value_list(stream), token.pos)


def _value_list(stream: TokenStream) -> tuple[Literal, ...]:
    values = [value(stream)]
    while stream.accept_punct(","):
        values.append(value(stream))
    stream.expect_punct(")")
    return tuple(values)


def value(stream: TokenStream) -> Literal:
    token = stream.take()
    if token.kind in _VALUE_KINDS:
        return Literal(_VALUE_KINDS[token.kind], token.text, token.pos)
    if token.is_word("TRUE", "FALSE"):
        return Literal("boolean", token.text.upper() == "TRUE", token.pos)
    if token.is_word("NULL"):
        return Literal("null", None, token.pos)
    name = token.text.upper()
    if token.kind == "ident" and name in DATE_LITERALS:
        return Literal("date_literal", name, token.pos)
    if token.kind == "ident" and name in N_DATE_LITERALS:
        stream.expect_punct(":")
        amount = stream.take()
        if amount.kind != "number" or not amount.text.isdigit():
            raise stream.unexpected(amount)
        return Literal("date_literal", name, token.pos, int(amount.text))
    raise stream.unexpected(token)
