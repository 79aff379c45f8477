"""Sensitive values: which fields are sensitive, their keyed digests in the plan, and text scrubbed of them.

A field is sensitive when its mapping says `sensitive: true`, when Salesforce encrypts it (an
encrypted-string field) or when its API name looks like a secret (`Api_Token__c`, `SSN__c`). The plan
never holds such a value: `ValueDigests` gives the digest that stands in for it, an HMAC-SHA256 keyed
by a key derived from the store's plan key (never the plan key itself, so a value digest is never a
seal). The key makes a short value (a PIN, a yes/no) impossible to guess from a shared plan, and
binding the record and the field makes two records' equal values unlinkable.

- A value apply sends (`after`, a skip's `wanted`) is digested exactly as it is sent (its JSON);
- a Salesforce value (`before`) is digested in its `canonical` form, so that the value apply re-reads
  has the digest of the plan's `before` exactly when it is the same value as the field means it.
  An empty `before` (as the field means it: a false checkbox is empty) stays `null`, as views show it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from sfsync.engine.field_values import for_field
from sfsync.engine.plans.digest import ValueDigest
from sfsync.salesforce.port import FieldInfo, ObjectDescribe

SENSITIVE = "(sensitive)"
ALGORITHM = "hmac-sha256"
# What the plan key is turned into for value digests: one key, two purposes that never meet.
_PURPOSE = b"sfsync plan value digest v1"
# Field API names that look like secrets; `__c`/`__pc` suffixes and underscores are ignored.
SECRET_NAME = re.compile(
    r"(password|passwd|passphrase|secret|token|apikey|privatekey|credential|ssn|socialsecurity|cardnumber|cvv)",
    re.IGNORECASE,
)
# Values shorter than this are replaced only where a whole text equals them, so that a sensitive
# "1" does not mangle every other text.
MIN_QUOTED = 4


@lru_cache(maxsize=1024)  # asked per field of every record compared: a config names few fields
def looks_secret(field: str) -> bool:
    """True for Salesforce field names such as `Api_Token__c`, `Password__c`, `SSN__c`."""
    base = re.sub(r"__[a-z]+$", "", field, flags=re.IGNORECASE).replace("_", "")
    return SECRET_NAME.search(base) is not None


def sensitive_field(info: FieldInfo | None, field: str, marked: bool) -> bool:
    """Whether a field's values are sensitive: marked by its mapping, encrypted, or named like a secret."""
    return marked or (info is not None and info.encrypted) or looks_secret(field)


def encrypted_fields(describes: Mapping[str, ObjectDescribe]) -> frozenset[tuple[str, str]]:
    """(object, field) pairs Salesforce encrypts (encrypted-string fields), for the views' redaction."""
    return frozenset(
        (sobject, name)
        for sobject, describe in describes.items()
        for name, info in describe.fields.items()
        if info.encrypted
    )


class ValueDigests:
    """The digests of one store's plans. `record` is the change's key (`Contact/p_…`)."""

    def __init__(self, plan_key: bytes) -> None:
        self._key = hmac.new(plan_key, _PURPOSE, hashlib.sha256).digest()

    def of_sent(self, record: str, field: str, value: Any) -> ValueDigest:
        """The digest of a value as apply sends it."""
        return self._digest("sent", record, field, json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))

    def of_held(self, record: str, field: str, value: Any, info: FieldInfo | None) -> ValueDigest | None:
        """The digest of a value Salesforce holds, None when it is empty as the field means it."""
        kind = for_field(info)
        if kind.is_empty(value):
            return None
        return self._digest("held", record, field, kind.canonical(value))

    def still_held(self, record: str, field: str, planned: ValueDigest, value: Any, info: FieldInfo | None) -> bool:
        """Whether `value` (read now, or the ledger's) is the one whose digest the plan holds as `before`."""
        if isinstance(value, ValueDigest):  # a target nobody modified since the plan: it holds what was planned
            return hmac.compare_digest(value.digest, planned.digest)
        found = self.of_held(record, field, value, info)
        return found is not None and hmac.compare_digest(found.digest, planned.digest)

    def _digest(self, purpose: str, record: str, field: str, text: str) -> ValueDigest:
        message = "\0".join((purpose, record, field, text)).encode("utf-8", "surrogatepass")
        return ValueDigest(f"{ALGORITHM}:{hmac.new(self._key, message, hashlib.sha256).hexdigest()}")


class Quoted:
    """Replaces every one of `values` quoted inside a text by `(sensitive)`."""

    def __init__(self, values: Collection[str]) -> None:
        self.exact = frozenset(values)
        long = sorted((v for v in self.exact if len(v) >= MIN_QUOTED), key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(v) for v in long)) if long else None

    def __call__(self, text: str) -> str:
        if text in self.exact:
            return SENSITIVE
        return self.pattern.sub(SENSITIVE, text) if self.pattern is not None else text
