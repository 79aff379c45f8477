"""Text kinds: free text, picklists, phones, emails, URLs and multi-select picklists.

Text is compared exactly after trimming (`'02134'` is not `'2134'`, `'Nan'` is `'Nan'`): a text field
never compares as a number. Lengths are Salesforce's: UTF-16 code units, so a character outside the
Basic Multilingual Plane (an emoji) counts twice, as it does for `STRING_TOO_LONG`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sfsync.engine.field_values.base import PLAIN, FieldValues, InvalidValue, Options, TooLong, blank, scalar_text

# Free text may be cut to the field's length when the mapping opts in; an email, URL, phone or
# picklist value cut short would be a different, wrong value, so those are only ever skipped.
CUTTABLE_TYPES = frozenset({"string", "textarea", "encryptedstring"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEB_SCHEMES = frozenset({"", "http", "https"})
_WEB_PORTS = frozenset({80, 443})


def units(text: str) -> int:
    """The length Salesforce counts: UTF-16 code units (one a character in ASCII text, most text: not encoded)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """The longest prefix of at most `limit` code units that does not split a character."""
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > limit:
            return text[:index]
    return text


class Text(FieldValues):
    """Free text, picklists, phones: exact after trimming; a list is a row error, never Python's text."""

    def fit(self, value: Any, options: Options = PLAIN) -> tuple[Any, int]:
        limit = self.info.length if self.info else 0
        if not limit or (type(value) is not str and not isinstance(value, str)):
            return value, 0
        if (len(value) if value.isascii() else units(value)) <= limit:  # `units`, inline for ASCII text
            return value, 0
        cuttable = self.info is not None and self.info.type in CUTTABLE_TYPES
        if cuttable and options.truncate:
            return cut(value, limit).rstrip(), units(value)
        raise TooLong(units(value), limit, can_truncate=cuttable)

    def filter_key(self, value: Any) -> Any:
        key = self.key(value)
        return key.casefold() if isinstance(key, str) else key


class Email(Text):
    """Emails: case-insensitive, lower-cased as Salesforce saves them; a malformed one is a row error."""

    def _convert(self, value: Any, options: Options) -> Any:
        text = scalar_text(value).strip()
        if not _EMAIL.fullmatch(text):
            raise InvalidValue("not an email address")
        return text.lower()

    def _key(self, value: Any) -> Any:
        return scalar_text(value).strip().casefold()


class Url(Text):
    """URLs by scheme, host, port, path and query: a LinkedIn profile changing its path is a change.

    http, https and no scheme at all count as one scheme; the host is compared in lower case and
    without a leading `www.`; a trailing `/` and the fragment do not count. Sent as written.
    """

    def _key(self, value: Any) -> Any:
        text = scalar_text(value).strip()
        try:
            parts = urlsplit(text if "//" in text else f"//{text}")
            port = parts.port
        except ValueError:  # a malformed host or port: compare the text as it is
            return ("unreadable", text)
        scheme = parts.scheme.lower()
        web = scheme in _WEB_SCHEMES
        if web and port in _WEB_PORTS:
            port = None
        host = (parts.hostname or "").rstrip(".").removeprefix("www.")
        return ("http" if web else scheme, host, port, parts.path.rstrip("/"), parts.query)


class MultiPicklist(Text):
    """Multi-select picklists: a set of values, `;`-separated, in the picklist's definition order.

    A list or a `;`-separated text is accepted; values are trimmed and de-duplicated. Salesforce
    returns the selected values in the order the picklist defines them, whatever the order sent
    (Knowledge Article 000231088, "Multi-Select Picklist Value Ordering Behavior"), so that order is
    the stored form; values the describe does not list follow in the order given.
    """

    def _convert(self, value: Any, options: Options) -> Any:
        return ";".join(self._ordered(self._items(value))) or None  # `;` alone selects nothing: no value

    def is_empty(self, value: Any) -> bool:
        if blank(value):
            return True
        try:
            return not self._items(value)
        except InvalidValue:  # a nested list is a value, if a bad one
            return False

    def _items(self, value: Any) -> list[str]:
        raw = value if isinstance(value, list | tuple | set | frozenset) else scalar_text(value).split(";")
        items: list[str] = []
        for item in raw:
            if isinstance(item, list | tuple | dict | set | frozenset):
                raise InvalidValue("a nested list; a multi-select picklist takes a list of values")
            if not blank(item):  # a listed value holding `;` is several values, as Salesforce reads it
                items.extend(part.strip() for part in scalar_text(item).split(";") if part.strip())
        return list(dict.fromkeys(items))

    def _ordered(self, items: list[str]) -> list[str]:
        defined = {name: index for index, name in enumerate(self.info.picklist_values if self.info else ())}
        return sorted(items, key=lambda item: (defined.get(item, len(defined)), items.index(item)))

    def _key(self, value: Any) -> Any:
        return frozenset(self._items(value))

    def filter_key(self, value: Any) -> Any:
        key = self.key(value)
        return frozenset(item.casefold() for item in key) if isinstance(key, frozenset) else key

    def filter_text(self, value: Any) -> str:
        return ";".join(self._items(value)).casefold()
