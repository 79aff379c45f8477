"""Which config entries may write a Salesforce field, and with which policy.

The one rule the write set plans with and apply checks against: a field on an object is written from
its mapping (not `read`), a play's default (for the plays the record entered), the global default, the
external id field (sfsync's id, owned), or, on a Contact in Contacts and Accounts mode, `AccountId`
from the person's company (`if_empty`). Leads mode writes an existing Contact with the Contact
mappings, or, when there are none, with the Lead mappings whose source is a `person.*` field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sfsync.config.models import Config, Direction, FieldMapping, PersonObject, Policy
from sfsync.engine.planning.plays import play_defaults
from sfsync.engine.subject import Subject
from sfsync.engine.values import Wanted, default_policy, fallback_policy, wanted_by
from sfsync.engine.wanted_recipe import WantedRecipe

EXTERNAL_ID_SOURCE = "sfsync id"
ACCOUNT_SOURCE = "company"
ACCOUNT_FIELD = "AccountId"


def source_object(config: Config, sobject: str) -> str:
    """The object whose mappings and defaults write `sobject`."""
    leads = config.sync.person_object is PersonObject.LEADS
    if leads and sobject == "Contact" and "Contact" not in config.mappings:
        return "Lead"
    return sobject


def object_mappings(config: Config, sobject: str) -> Mapping[str, FieldMapping]:
    """The mappings that write `sobject` (a Lead's `person.*` ones, on the Contact that wins over it)."""
    source = source_object(config, sobject)
    mappings = config.mappings.get(source, {})
    if source != sobject:
        return {name: m for name, m in mappings.items() if m.from_.startswith("person.")}
    return mappings


def wanted_for(config: Config, subject: Subject, sobject: str, plays: Sequence[str]) -> list[Wanted]:
    """Every value the config wants on `sobject` for `subject` entering `plays`, by precedence.

    What the plan decides from, and what apply takes a sensitive value from again. Raises
    `TemplateFailure` when a default's template fails for the record.
    """
    return WantedSources(config).wanted_for(subject, sobject, plays)


class WantedSources:
    """`wanted_for` for many records of one config: each object's and plays' recipe is worked out once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._play_names = {play.name for play in config.plays}
        self._recipes: dict[tuple[str, tuple[str, ...]], WantedRecipe] = {}
        # Every recipe's constant defaults by identity: a value wanted of every record alike, which
        # a create decides alike too (`RecordFields`), once.
        self.constants: dict[int, Wanted] = {}

    def wanted_for(self, subject: Subject, sobject: str, plays: Sequence[str]) -> list[Wanted]:
        """As the function `wanted_for`."""
        known = tuple(name for name in plays if name in self._play_names)
        recipe = self._recipes.get((sobject, known))
        if recipe is None:
            recipe = self._recipes[(sobject, known)] = self._recipe(sobject, known)
            self.constants.update((id(constant), constant) for constant in recipe.constants)
        wanted = wanted_by(recipe, sobject, subject.lookups, subject.context)
        ext = self.config.sync.external_id_field
        if ext:
            wanted.append(Wanted(ext, subject.id, EXTERNAL_ID_SOURCE, Policy.OWNED))
        return wanted

    def _recipe(self, sobject: str, plays: Sequence[str]) -> WantedRecipe:
        config = self.config
        source = source_object(config, sobject)
        defaults: list[tuple[str, Mapping[str, Any]]] = play_defaults(config.plays, plays, source)
        defaults.append(("default", config.defaults.get(source, {})))
        return WantedRecipe(object_mappings(config, sobject), defaults, config.sync.owned_prefix)


def field_sources(config: Config, sobject: str, field: str, plays: Sequence[str]) -> dict[str, Policy]:
    """Every source that may write `field` on `sobject` for a record entering `plays`, with its policy.

    Keys are the plan's `source` values: the mapping's `from`, `play:NAME`, `default`, `sfsync id`,
    `company`. Empty when nothing in the config writes the field.
    """
    found: dict[str, Policy] = {}
    mapping = object_mappings(config, sobject).get(field)
    if mapping is not None and mapping.direction is not Direction.READ:
        found[mapping.from_] = mapping.policy
    source = source_object(config, sobject)
    prefix = config.sync.owned_prefix
    fallback = default_policy(field, prefix) if mapping is None else fallback_policy(mapping, prefix)
    by_name = {play.name: play for play in config.plays}
    for name in plays:
        action = by_name[name].sync_to_salesforce if name in by_name else None
        if action is not None and field in action.defaults.get(source, {}):
            found[f"play:{name}"] = fallback
    if field in config.defaults.get(source, {}):
        found["default"] = fallback
    if field == config.sync.external_id_field:
        found[EXTERNAL_ID_SOURCE] = Policy.OWNED
    contacts_mode = config.sync.person_object is PersonObject.CONTACTS_AND_ACCOUNTS
    if contacts_mode and sobject == "Contact" and field == ACCOUNT_FIELD:
        found[ACCOUNT_SOURCE] = Policy.IF_EMPTY
    return found
