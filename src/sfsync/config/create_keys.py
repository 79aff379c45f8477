"""A create carries its match key: the rule shared by the offline config checks and the metadata checks.

Without a written `Email` on a Contact or Lead (or `Website` on an Account), a create has no key: apply
cannot ask whether someone created the record since the plan, and a create whose outcome was lost cannot
be re-matched by the next read, so the record would be created again. An external id field makes creates
idempotent upserts instead, so it lifts the rule.
"""

from __future__ import annotations

from collections.abc import Mapping

Path = tuple[str | int, ...]
CREATED_OBJECTS = {"leads": ("Lead",), "contacts_and_accounts": ("Contact", "Account")}
CREATE_KEY = {"Contact": "Email", "Lead": "Email", "Account": "Website"}
WRITE_DIRECTIONS = frozenset({"write", "read_write"})


def missing_key(sobject: str) -> str:
    return f"{sobject} creates would carry no match key: nothing writes {sobject}.{CREATE_KEY[sobject]}"


def missing_key_hint(sobject: str) -> str:
    key = CREATE_KEY[sobject]
    source = "company.domain" if sobject == "Account" else "person.email"
    return (
        f"map {key} from {source} with direction write or read_write, or set sync.external_id_field; without"
        f" a key, a {sobject} created by someone else since the plan, or whose create answer was lost, is"
        " created again"
    )


def key_gap(sobject: str, mappings: Mapping[str, Mapping[str, str]], mode_path: Path) -> Path | None:
    """Where to report that `sobject`'s creates carry no key (None: its key field is mapped for writing).

    `mappings` holds each object's mapped fields with their direction. The report goes to the key's
    read-only mapping, else the object's mappings, else the mode that creates the object.
    """
    fields = mappings.get(sobject)
    key = CREATE_KEY[sobject]
    if fields is None:
        return mode_path
    direction = next((d for name, d in fields.items() if name.lower() == key.lower()), None)
    if direction in WRITE_DIRECTIONS:
        return None
    if direction is not None:
        return ("mappings", sobject, next(name for name in fields if name.lower() == key.lower()))
    return ("mappings", sobject)
