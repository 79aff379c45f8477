"""The shape of a read: what a read pass of one object depends on in the config and the describe.

Two configs with the same shape for an object read it alike (the same fields, into the same workspace
values, linked and followed by the same rules), so a read kept with one is what the other would have
kept. The store keeps each object's shape beside its watermark (`store/read_shapes.py`): a plan whose
read is kept reads in full an object last read with another shape, and apply forgets the watermark of
an object the config it applies reads with another shape.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from sfsync.config.canonical import canonical
from sfsync.config.models import Config
from sfsync.engine.planning.config_diff import diff_configs, mode_changed, reprocessed_objects
from sfsync.engine.reading.fields import READ_OBJECTS, config_filter_fields, query_fields
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store

SHAPE_FORMAT = 1  # bump when what the read pass depends on changes
# The settings every object's read, linking and following reads (engine/reading/refresh.py).
READ_SETTINGS = ("person_object", "read", "company_match", "external_id_field")


def read_shapes(config: Config, describes: Mapping[str, ObjectDescribe]) -> dict[str, str]:
    """Each read object's shape with this config (an object without a describe is not read: none)."""
    whole = canonical(config)
    settings = {name: whole["sync"].get(name) for name in READ_SETTINGS}
    user = whole["connection"].get("integration_user")
    extra = config_filter_fields(config)
    shapes = {}
    for sobject in READ_OBJECTS:
        describe = describes.get(sobject)
        if describe is None:
            continue
        sources = ("Contact", "Lead") if sobject in ("Contact", "Lead") else (sobject,)
        body = [
            SHAPE_FORMAT,
            query_fields(sobject, config, describe, extra.get(sobject, ())),
            {source: whole["mappings"].get(source) for source in sources},
            settings,
            user,
        ]
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        shapes[sobject] = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return shapes


def reads_alike(kept: Mapping[str, str], shapes: Mapping[str, str]) -> bool:
    """Whether every object read with `shapes` was last read (and kept) with the same shape."""
    return bool(shapes) and all(kept.get(sobject) == shape for sobject, shape in shapes.items())


def read_again(kept: Mapping[str, str], shapes: Mapping[str, str]) -> frozenset[str]:
    """The objects last read with another shape, or with none known: read in full."""
    return frozenset(sobject for sobject, shape in shapes.items() if kept.get(sobject) != shape)


def stale_reads(store: Store, config: Config, describes: Mapping[str, ObjectDescribe]) -> list[str]:
    """The objects whose watermark applying `config` makes stale: those last read with another shape; of
    those with no shape known (read by an older sfsync), those whose mappings the config changes (every
    object when the mode changed, or on the first apply)."""
    last = store.meta.last_applied_config()
    diff = diff_configs(json.loads(last.canonical) if last else None, canonical(config))
    by_diff = READ_OBJECTS if last is None or mode_changed(diff) else reprocessed_objects(diff)
    kept = store.read_shapes.shapes()
    shapes = read_shapes(config, describes)
    return [name for name in READ_OBJECTS if (kept[name] != shapes.get(name) if name in kept else name in by_diff)]
