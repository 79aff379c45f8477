"""The offline checks of what a writing config can write: its creates' match keys, and a play that writes.

Both are warnings here, from the plain document; `validate --online` and `plan` say them too, where the
describes decide (`create_keys`, `write_scope` hold the rules both use).
"""

from __future__ import annotations

from sfsync.config.create_keys import CREATED_OBJECTS, key_gap, missing_key, missing_key_hint
from sfsync.config.reporting import Reporter
from sfsync.config.write_scope import PlayShape, writing_gap


def create_keys(checker: Reporter) -> None:
    """A warning offline, on a writing config's mappings of an object it creates that leave out the key.

    An object without mappings, and the field's createability, are left to `validate --online` and
    `plan`, where this is an error.
    """
    sync = checker.document.get("sync")
    sync = sync if isinstance(sync, dict) else {}
    if sync.get("external_id_field") or sync.get("write") is not True:
        return
    mappings = _directions(checker.document.get("mappings"))
    mode = str(sync.get("person_object", "contacts_and_accounts"))
    for sobject in CREATED_OBJECTS.get(mode, ()):
        where = key_gap(sobject, mappings, ("sync",)) if sobject in mappings else None
        if where is not None:
            key = len(where) > 1 and where[0] == "mappings"
            checker.warning(missing_key(sobject), where, missing_key_hint(sobject), key=key)


def write_scope(checker: Reporter) -> None:
    """A warning when writing is on and no play can write anything (also said by `plan`)."""
    sync = checker.document.get("sync")
    plays = checker.document.get("plays", [])
    if not isinstance(sync, dict) or not isinstance(plays, list):
        return
    shapes = [_play_shape(item) for item in plays if isinstance(item, dict)]
    gap = writing_gap(sync.get("write"), sync.get("person_object"), shapes)
    if gap is not None:
        checker.warning(gap.summary, gap.path, gap.hint, key=gap.key)


def _play_shape(item: dict[str, object]) -> PlayShape:
    audience = item.get("audience")
    audience_object = audience.get("object") if isinstance(audience, dict) else None
    return PlayShape(str(audience_object), isinstance(item.get("sync_to_salesforce"), dict))


def _directions(node: object) -> dict[str, dict[str, str]]:
    """Each mapped object's fields and their direction (`write` when not given), from the plain document."""
    if not isinstance(node, dict):
        return {}
    result: dict[str, dict[str, str]] = {}
    for obj, fields in node.items():
        if isinstance(fields, dict):
            result[str(obj)] = {
                str(n): str(e.get("direction", "write")) if isinstance(e, dict) else "write" for n, e in fields.items()
            }
    return result
