"""How the write set decides one Salesforce field, chosen once per object and field from the describe.

Deciding a field asks the same questions of every record: is the field known and writable (createable
for a create, updateable for an update), which kind of value it holds (`field_values.for_field`), is it
sensitive whatever its mapping says (encrypted, or named like a secret), and is it part of the record's
identity (its key field, the external id, `AccountId`), which the plan shows as it is even when
sensitive. A `FieldRule` holds those answers; `FieldRules` works each one out the first time a field is
decided and keeps it for the rest of the plan (describes do not change during a plan).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sfsync.engine.appeared import KEY_FIELD
from sfsync.engine.field_values import FieldValues, for_field
from sfsync.engine.planning.write_sources import ACCOUNT_FIELD
from sfsync.engine.sensitive import sensitive_field
from sfsync.salesforce.port import FieldInfo, ObjectDescribe


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One field's answers. `info` None: a value with no type to check yet (an Id only apply knows)."""

    info: FieldInfo | None
    kind: FieldValues
    secret: bool  # encrypted or named like a secret: sensitive whatever the mapping says
    identity: bool  # the record's key field, the external id or AccountId: never digested


class FieldRules:
    """The rules of the fields a plan writes, by object, create or update, and field name as configured."""

    def __init__(self, describes: Mapping[str, ObjectDescribe], external_id_field: str | None) -> None:
        self._describes = describes
        self._external_id = external_id_field
        self._rules: dict[tuple[str, bool], dict[str, FieldRule | None]] = {}
        self._untyped: dict[str, FieldRule] = {}

    def of(self, sobject: str, *, create: bool) -> _ObjectRules:
        """The rules of `sobject`'s fields for a create or an update (None for a field not written)."""
        return _ObjectRules(self, sobject, create, self._rules.setdefault((sobject, create), {}))

    def untyped(self, field: str) -> FieldRule:
        """The rule a value without a type yet is decided by: compared as text."""
        rule = self._untyped.get(field)
        if rule is None:
            rule = self._untyped[field] = FieldRule(None, for_field(None), sensitive_field(None, field, False), False)
        return rule

    def make(self, sobject: str, field: str, *, create: bool) -> FieldRule | None:
        describe = self._describes.get(sobject)
        info = describe.field(field) if describe else None
        if info is None or not (info.createable if create else info.updateable):
            return None
        names = (KEY_FIELD.get(sobject), self._external_id, ACCOUNT_FIELD)
        identity = field.lower() in {name.lower() for name in names if name}
        return FieldRule(info, for_field(info), sensitive_field(info, field, False), identity)


class _ObjectRules:
    """One object's rules for creates or for updates, worked out as fields are first asked for."""

    def __init__(self, rules: FieldRules, sobject: str, create: bool, known: dict[str, FieldRule | None]) -> None:
        self._rules, self._sobject, self._create, self._known = rules, sobject, create, known

    def get(self, field: str) -> FieldRule | None:
        try:
            return self._known[field]
        except KeyError:
            rule = self._known[field] = self._rules.make(self._sobject, field, create=self._create)
            return rule
