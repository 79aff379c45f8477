"""The JSON text the store writes and reads: every string value kept, U+0000 included, on both backends.

PostgreSQL's `jsonb` refuses U+0000 in text (a Salesforce value may hold one), while SQLite keeps it.
So that both backends take the same values, a string's U+0000 is written as the noncharacter U+FFFE
followed by "0", and a U+FFFE of its own as U+FFFE twice; reading reverses it. Text without either
character (all but never seen) takes the fast path: plain `json.dumps` / `json.loads`.
"""

from __future__ import annotations

import json
from typing import Any

_MARK = "\ufffe"
# How json.dumps (ensure_ascii) writes the two characters that need escaping.
_ESCAPED_NUL, _ESCAPED_MARK = "\\u0000", "\\ufffe"


def dumps(value: Any) -> str:
    text = json.dumps(value)
    if _ESCAPED_NUL not in text and _ESCAPED_MARK not in text:
        return text
    return json.dumps(_mapped(value, _escape))


def stored(text: str) -> str:
    """JSON text from any encoder, as `dumps` writes its value: as it is unless it holds U+0000 or U+FFFE."""
    if _ESCAPED_NUL not in text and _MARK not in text and _ESCAPED_MARK not in text:
        return text
    return dumps(json.loads(text))


def loads(text: str | bytes) -> Any:
    if text == "{}":  # most records' attributes: no parse needed (a new dict each time, as a parse gives)
        return {}
    value = json.loads(text)
    raw = text if isinstance(text, str) else text.decode("utf-8")
    if _MARK not in raw and _ESCAPED_MARK not in raw:  # PostgreSQL returns the character, SQLite our escape
        return value
    return _mapped(value, _unescape)


def _mapped(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {change(key): _mapped(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_mapped(item, change) for item in value]
    return value


def _escape(text: str) -> str:
    return text.replace(_MARK, _MARK + _MARK).replace("\x00", _MARK + "0")


def _unescape(text: str) -> str:
    if _MARK not in text:
        return text
    out, index = [], 0
    while (found := text.find(_MARK, index)) != -1:
        out.append(text[index:found])
        follower = text[found + 1 : found + 2]
        out.append("\x00" if follower == "0" else _MARK)
        index = found + (2 if follower in ("0", _MARK) else 1)
    out.append(text[index:])
    return "".join(out)
