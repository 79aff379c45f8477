"""What the read pass reads of each object: the system and match fields, and every field the config uses.

Apply's re-check reads the same fields (but the system ones) of each update target, so the mirror it
leaves holds what a read would have read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sfsync.config.models import Config
from sfsync.salesforce.filter_trees import filter_fields as filter_tree_fields
from sfsync.salesforce.port import ObjectDescribe

READ_OBJECTS = ("Account", "Contact", "Lead", "Opportunity")
# LastModifiedById: who last edited it (`sync.api: auto` keeps updates of records a person edited recently on REST)
SYSTEM_FIELDS = ("Id", "SystemModstamp", "LastModifiedDate", "LastModifiedById", "IsDeleted")
MATCH_FIELDS = {  # MasterRecordId: the record a merge deleted this one into (read where the describe has it)
    "Account": ("Name", "Website", "OwnerId", "MasterRecordId"),
    "Contact": ("Email", "AccountId", "OwnerId", "LastName", "MasterRecordId"),
    "Lead": (
        "Email",
        "IsConverted",
        "ConvertedContactId",
        "ConvertedAccountId",
        "OwnerId",
        "Company",
        "MasterRecordId",
    ),  # fmt: skip
    "Opportunity": ("AccountId", "IsClosed", "IsWon", "StageName"),
}


def query_fields(sobject: str, config: Config, describe: ObjectDescribe, extra: Iterable[str] = ()) -> list[str]:
    """The fields read for an object: system, match, mapped, defaulted and filtered fields it has."""
    wanted = [*SYSTEM_FIELDS, *MATCH_FIELDS.get(sobject, ())]
    # A person may be written as a Contact or a Lead whatever the mode: read what either would write.
    sources = ("Contact", "Lead") if sobject in ("Contact", "Lead") else (sobject,)
    for source in sources:
        wanted += list(config.mappings.get(source, {})) + list(config.defaults.get(source, {}))
        for play in config.plays:
            if play.sync_to_salesforce is not None:
                wanted += list(play.sync_to_salesforce.defaults.get(source, {}))
    wanted += list(extra)
    if config.sync.external_id_field:
        wanted.append(config.sync.external_id_field)
    present = [describe.field(name) for name in dict.fromkeys(wanted)]
    return [info.name for info in dict.fromkeys(p for p in present if p is not None)]


def config_filter_fields(config: Config) -> dict[str, list[str]]:
    """The Salesforce fields the exclusions' and audiences' `salesforce:` nodes read, by object."""
    trees = [e.where for e in config.exclusions] + [p.audience.where for p in config.plays if p.audience.where]
    result: dict[str, list[str]] = {}
    for tree in trees:
        for item in filter_tree_fields(tree):
            result.setdefault(item.sobject, []).append(item.field)
    return result


def reread_fields(sobject: str, config: Config, describe: ObjectDescribe) -> list[str]:
    """What apply re-reads of an update target: every field the read pass keeps, but the system fields.

    Apply stores them in the mirror, so a value someone set since the plan is known even though sfsync
    is then the record's last modifier, whose writes incremental reads leave out.
    """
    fields = query_fields(sobject, config, describe, config_filter_fields(config).get(sobject, ()))
    return [name for name in fields if name not in SYSTEM_FIELDS]
