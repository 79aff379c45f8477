"""Splits SOQL text into tokens, each remembering where it starts (for Salesforce's Row:Column errors)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sfsync.localorg.soql.errors import Pos, malformed, unexpected_token

# Order matters: datetimes before dates before numbers; dotted names are one token.
_PATTERNS = [
    ("space", r"\s+"),
    ("datetime", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})"),
    ("date", r"\d{4}-\d{2}-\d{2}(?![\w:])"),
    ("number", r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![\w])"),
    ("ident", r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"),
    ("op", r"!=|<>|<=|>=|=|<|>"),
    ("punct", r"[(),:]"),
]
_SCANNER = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS))
_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
# LIKE wildcards keep their backslash so the LIKE compiler can tell `\%` from `%`.
_LIKE_ESCAPES = frozenset({"%", "_"})


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str  # as written (for strings: the unescaped value)
    pos: Pos

    def is_word(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


def tokenize(soql: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(soql):
        pos = _pos(soql, index)
        if soql[index] == "'":
            value, index = _string(soql, index)
            tokens.append(Token("string", value, pos))
            continue
        match = _SCANNER.match(soql, index)
        if match is None or match.lastgroup is None:
            raise unexpected_token(soql, pos, soql[index])
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), pos))
        index = match.end()
    tokens.append(Token("eof", "", _pos(soql, len(soql))))
    return tokens


def _string(soql: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    index = start + 1
    while index < len(soql):
        char = soql[index]
        if char == "'":
            return "".join(chars), index + 1
        if char == "\\" and index + 1 < len(soql):
            chars.append(_escape(soql, start, index))
            index += 2
            continue
        chars.append(char)
        index += 1
    raise malformed(soql, _pos(soql, start), f"unterminated string literal: {soql[start:]}")


def _escape(soql: str, start: int, index: int) -> str:
    follower = soql[index + 1]
    if follower in _LIKE_ESCAPES:
        return "\\" + follower
    if follower in _ESCAPES:
        return _ESCAPES[follower]
    literal = soql[start : soql.find("'", index + 2) + 1 or len(soql)]
    text = f"Invalid string literal {literal}. Illegal character sequence '\\{follower}' in string literal."
    raise malformed(soql, _pos(soql, start), text)


def _pos(soql: str, index: int) -> Pos:
    row = soql.count("\n", 0, index) + 1
    line_start = soql.rfind("\n", 0, index) + 1
    return Pos(row, index - line_start + 1, index)
