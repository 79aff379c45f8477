"""Recursive-descent parser for the SOQL subset the local org serves (grammar in the module docstrings)."""

from __future__ import annotations

from sfsync.localorg.soql import conditions
from sfsync.localorg.soql.errors import Pos, malformed
from sfsync.localorg.soql.lexer import tokenize
from sfsync.localorg.soql.stream import TokenStream
from sfsync.localorg.soql.syntax import (
    AggregateItem,
    FieldItem,
    FieldsItem,
    OrderItem,
    Path,
    Query,
    SelectItem,
    SubqueryItem,
)

AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "MAX", "MIN", "SUM", "AVG"})
_CLAUSE_WORDS = frozenset({"WHERE", "GROUP", "ORDER", "LIMIT", "OFFSET", "WITH", "FOR", "USING", "HAVING"})


def parse(soql: str) -> Query:
    """A whole query: `parse_query`, then an optional `FOR VIEW` or `FOR REFERENCE` at its very end."""
    stream = TokenStream(soql, tokenize(soql))
    query = parse_query(stream)
    _recently_viewed_clause(stream)
    stream.expect_eof()
    return query


def _recently_viewed_clause(stream: TokenStream) -> None:
    """`FOR VIEW` / `FOR REFERENCE` ask Salesforce to stamp the rows as recently viewed or referenced
    (CumulusCI's `load_dataset` sends one after loading). The local org keeps no such stamps, so the
    clause changes nothing in the answer; `FOR UPDATE` (a lock, Apex only) stays unknown here."""
    if stream.accept_word("FOR"):
        stream.expect_ident_of("VIEW", "REFERENCE")


def parse_query(stream: TokenStream) -> Query:
    """SELECT items FROM Object [alias] [WHERE c] [GROUP BY p, …] [ORDER BY o, …] [LIMIT n] [OFFSET n]"""
    stream.expect_word("SELECT")
    select = _select_list(stream)
    stream.expect_word("FROM")
    name = stream.expect_ident()
    alias = None
    if stream.peek.kind == "ident" and stream.peek.text.upper() not in _CLAUSE_WORDS:
        alias = stream.take().text
    where = conditions.parse_where(stream, parse_query) if stream.accept_word("WHERE") else None
    group_by = _group_by(stream)
    order_by = _order_by(stream)
    limit = _number_clause(stream, "LIMIT")
    offset = _number_clause(stream, "OFFSET")
    return Query(select, name.text, name.pos, alias, where, group_by, order_by, limit, offset)


def _select_list(stream: TokenStream) -> tuple[SelectItem, ...]:
    items = [_select_item(stream)]
    while stream.accept_punct(","):
        items.append(_select_item(stream))
    return tuple(items)


def _select_item(stream: TokenStream) -> SelectItem:
    if stream.accept_punct("("):
        query = parse_query(stream)
        stream.expect_punct(")")
        return SubqueryItem(query)
    token = stream.expect_ident()
    if token.is_word("FROM"):
        raise stream.unexpected(token)
    if not stream.accept_punct("("):
        return FieldItem(Path(tuple(token.text.split(".")), token.pos))
    word = token.text.upper()
    if word == "FIELDS":
        kind = stream.expect_ident()
        if kind.text.upper() not in {"ALL", "STANDARD", "CUSTOM"}:
            raise stream.unexpected(kind)
        stream.expect_punct(")")
        return FieldsItem(kind.text.upper(), token.pos)
    if word not in AGGREGATES:
        raise malformed(stream.soql, token.pos, f"Unknown function: {token.text}")
    return _aggregate(stream, word, token.pos)


def _aggregate(stream: TokenStream, function: str, pos: Pos) -> AggregateItem:
    path = _aggregate_argument(stream, function)
    alias = None
    if stream.peek.kind == "ident" and not stream.peek.is_word("FROM"):
        alias = stream.take().text
    return AggregateItem(function, path, alias, pos)


def _aggregate_argument(stream: TokenStream, function: str) -> Path | None:
    path = None
    if not (function == "COUNT" and stream.peek.kind == "punct" and stream.peek.text == ")"):
        path = stream.expect_path()
    stream.expect_punct(")")
    return path


def _group_by(stream: TokenStream) -> tuple[Path, ...]:
    if not stream.accept_word("GROUP"):
        return ()
    stream.expect_word("BY")
    paths = [stream.expect_path()]
    while stream.accept_punct(","):
        paths.append(stream.expect_path())
    return tuple(paths)


def _order_by(stream: TokenStream) -> tuple[OrderItem, ...]:
    if not stream.accept_word("ORDER"):
        return ()
    stream.expect_word("BY")
    items = [_order_item(stream)]
    while stream.accept_punct(","):
        items.append(_order_item(stream))
    return tuple(items)


def _order_item(stream: TokenStream) -> OrderItem:
    token = stream.expect_ident()
    target: Path | AggregateItem
    if token.text.upper() in AGGREGATES and stream.accept_punct("("):
        target = AggregateItem(token.text.upper(), _aggregate_argument(stream, token.text.upper()), None, token.pos)
    else:
        target = Path(tuple(token.text.split(".")), token.pos)
    descending = False
    if stream.accept_word("DESC"):
        descending = True
    else:
        stream.accept_word("ASC")
    nulls_first = None
    if stream.accept_word("NULLS"):
        nulls_first = stream.expect_ident_of("FIRST", "LAST").text.upper() == "FIRST"
    return OrderItem(target, descending, nulls_first)


def _number_clause(stream: TokenStream, word: str) -> int | None:
    if not stream.accept_word(word):
        return None
    token = stream.take()
    if token.kind != "number" or not token.text.isdigit():
        raise stream.unexpected(token)
    return int(token.text)
