"""Deciding one record's fields: each wanted value by its field's rule, as the plan holds it.

Every record of an object asks the same questions of the describe (which fields are writable, of
which kind, sensitive, part of its identity; which are required on create): they are answered once
per object and field (`FieldRules`, `required`), and each record's visit only compares its values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sfsync.engine.planning.field_rules import FieldRule, FieldRules
from sfsync.engine.planning.matching import Target
from sfsync.engine.plans.plan import KNOWN_AFTER_APPLY, FieldChange, FieldSkip, KnownAfterApply
from sfsync.engine.sensitive import ValueDigests
from sfsync.engine.values import InvalidFieldValue, Wanted, decide_by
from sfsync.salesforce.port import ObjectDescribe

Decided = FieldChange | FieldSkip


class RecordFields:
    """The fields of the records a plan writes: decided by rules worked out once per object and field."""

    def __init__(
        self,
        describes: Mapping[str, ObjectDescribe],
        rules: FieldRules,
        digests: ValueDigests,
        constants: Mapping[int, Wanted] | None = None,
    ) -> None:
        self.describes, self.rules, self.digests = describes, rules, digests
        self._required: dict[str, tuple[str, ...]] = {}  # each object's fields required on create
        # `constants`: wanted values that are the same object for every record (by identity). A create
        # has no Salesforce value to compare with, so such a value's fate there is the same for every
        # record: decided once per object and kept (unless it is a digest, which names its record).
        self._constants = constants if constants is not None else {}
        self._created: dict[str, dict[int, Decided | None]] = {}  # a create's, by object, then the constant's identity

    def decide(
        self, key: str, target: Target, wanted: Sequence[Wanted], ledger: Mapping[str, Any]
    ) -> tuple[list[Decided], list[InvalidFieldValue]]:
        """The record's field changes and skips (nothing for a field that needs no change), and the
        values that cannot go into their fields (the record is then a row error)."""
        create = target.sf_id is None
        rules = self.rules.of(target.sobject, create=create)
        current = target.current
        result: list[Decided] = []
        invalid: list[InvalidFieldValue] = []
        constants = self._constants
        created = self._created.setdefault(target.sobject, {})
        for item in wanted:
            name = item.field
            rule = rules.get(name)
            if rule is None:
                continue  # not writable (or unknown): reported once by the metadata checks, not per record
            once = id(item) if create and id(item) in constants else None
            if once is not None and once in created:
                decided = created[once]
                if decided is not None:
                    result.append(decided)
                continue
            try:
                if type(item.value) is KnownAfterApply:
                    decided = self._pending(item, current.get(name), ledger.get(name), create)
                else:
                    decided = decide_by(item, current.get(name), ledger.get(name), create, rule)
            except InvalidFieldValue as failure:
                invalid.append(failure)
                continue
            hidden = decided is not None and decided.sensitive and not rule.identity
            if once is not None and not hidden:
                created[once] = decided
            if decided is not None:
                result.append(self._hidden(key, decided, rule) if hidden else decided)
        return result, invalid

    def missing_required(self, sobject: str, fields: Sequence[FieldChange]) -> list[str]:
        """The fields a create of `sobject` must set that `fields` leave unset, in describe order."""
        required = self._required.get(sobject)
        if required is None:
            describe = self.describes.get(sobject)
            names = [f.name for f in describe.fields.values() if f.required_on_create] if describe else []
            required = self._required[sobject] = tuple(names)
        if not required:
            return []
        given = {f.field for f in fields}
        return [name for name in required if name not in given]

    def _pending(self, item: Wanted, before: Any, ledger: Any, create: bool) -> Decided | None:
        """An Id only apply knows (the Account this apply creates) has no type to check yet: decided as its text."""
        pending = item.value
        untyped = replace(item, value=KNOWN_AFTER_APPLY)
        decided = decide_by(untyped, before, ledger, create, self.rules.untyped(item.field))
        if isinstance(decided, FieldChange):
            return replace(decided, after=pending, ref=pending.ref, reason="the Account this apply creates")
        return decided

    def _hidden(self, key: str, decided: Decided, rule: FieldRule) -> Decided:
        """A sensitive field's values as the plan holds them: digests (engine/sensitive).

        A record's key (email, website) and ids are its identity (`FieldRule.identity`), which the plan
        names anyway (its label, match notes, skips) and apply's duplicate checks read: they stay as they are.
        """
        before = self.digests.of_held(key, decided.field, decided.before, rule.info)
        if isinstance(decided, FieldSkip):
            return replace(decided, before=before, wanted=self.digests.of_sent(key, decided.field, decided.wanted))
        return replace(decided, before=before, after=self.digests.of_sent(key, decided.field, decided.after))
