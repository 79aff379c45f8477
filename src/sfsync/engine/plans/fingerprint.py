"""The fingerprint of the state a plan was built from, and what moved since.

Store lineage and serial, the org, the describes of the objects the plan touches and the config
digest make a plan stale when they move. Read watermarks are recorded but never make it stale: data
that changed in Salesforce is caught field by field at apply (a conflict). What a plan read of the
declared sources (`sources`) is put in by the command that read them (sources/reading.py) and checked
against the sources themselves (sources/moved.py), not here: only they know how a source moves.
"""

from __future__ import annotations

from collections.abc import Mapping

from sfsync.engine.plans.plan import Fingerprint
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store


def take_fingerprint(
    store: Store,
    org_id: str,
    describes: Mapping[str, ObjectDescribe],
    config_digest: str,
    watermarks: Mapping[str, str] | None = None,
) -> Fingerprint:
    version = store.meta.version()
    return Fingerprint(
        lineage=version.lineage,
        serial=version.serial,
        org_id=org_id,
        describes={name: describes[name].digest for name in sorted(describes)},
        config_digest=config_digest,
        watermarks=dict(sorted((watermarks or {}).items())),
    )


def moved(planned: Fingerprint, current: Fingerprint) -> list[str]:
    """Each part of the fingerprint that differs, in words; empty when the plan is current."""
    found = []
    if planned.lineage != current.lineage:
        found.append(f"the store is a different one (lineage {planned.lineage} → {current.lineage})")
    elif planned.serial != current.serial:
        found.append(f"the store changed since the plan (serial {planned.serial} → {current.serial})")
    if planned.org_id != current.org_id:
        found.append(f"the org is a different one ({planned.org_id} → {current.org_id})")
    for name in sorted(set(planned.describes) | set(current.describes)):
        if planned.describes.get(name) != current.describes.get(name):
            found.append(f"the {name} describe changed (fields, types or permissions)")
    if planned.config_digest != current.config_digest:
        found.append("the config changed since the plan")
    return found
