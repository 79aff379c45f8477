"""The config diff: what changed between the last applied config and this one, as typed changes.

deepdiff finds the changed paths in the canonical forms; this module turns them into `ConfigChange`
values keyed by what a reader thinks in (a mapping, a default, an exclusion, a play, a sync toggle)
before they leave. Nothing else in sfsync imports deepdiff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from deepdiff import DeepDiff

from sfsync.engine.plans.plan import ConfigChange

# Keys whose entries are identified by two levels (object, field) rather than one.
_NESTED = {"mappings": "mapping", "defaults": "default"}
_NAMED_LISTS = {"exclusions": "exclusion", "plays": "play"}
_MISSING: Any = object()


def diff_configs(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> tuple[ConfigChange, ...]:
    """Typed changes from `old` to `new` (both canonical forms); everything is new when `old` is None."""
    if old is None:
        return (ConfigChange("initial", "", None, None),)
    before, after = _keyed(old), _keyed(new)
    changed = DeepDiff(before, after, view="tree", ignore_order=True, verbose_level=0)
    found = {_entity(level.path(output_format="list")) for level in _levels(changed)}
    entities = sorted({leaf for entity in found for leaf in _leaves(entity, before, after)})
    return tuple(_change(entity, before, after) for entity in entities)


def reprocessed_objects(changes: Iterable[ConfigChange]) -> frozenset[str]:
    """Salesforce objects whose every record is re-evaluated (and re-read in full): a mapping changed."""
    return frozenset(c.path.split(".")[1] for c in changes if c.kind.startswith("mapping_"))


def mode_changed(changes: Iterable[ConfigChange]) -> bool:
    return any(c.path == "sync.person_object" for c in changes)


def _levels(changed: Any) -> Iterable[Any]:
    for levels in changed.values():
        yield from levels


def _keyed(config: Mapping[str, Any]) -> dict[str, Any]:
    """Lists of named things become mappings by name, so a reorder is not a change."""
    result = dict(config)
    for key in _NAMED_LISTS:
        items = config.get(key) or []
        result[key] = {str(item.get("name")): item for item in items if isinstance(item, Mapping)}
    return result


def _entity(path: list[Any]) -> tuple[str, ...]:
    head = str(path[0]) if path else ""
    depth = 3 if head in _NESTED else 2
    return tuple(str(p) for p in path[:depth])


def _leaves(entity: tuple[str, ...], before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterable[tuple[str, ...]]:
    """A whole object's mappings added or removed at once is one change per field."""
    depth = 3 if entity[0] in _NESTED else 2
    if len(entity) >= depth:
        return [entity]
    keys: set[str] = set()
    for side in (before, after):
        value = _get(side, entity)
        if isinstance(value, Mapping):
            keys.update(str(k) for k in value)
    return [leaf for key in keys for leaf in _leaves((*entity, key), before, after)] or [entity]


def _change(entity: tuple[str, ...], before: Mapping[str, Any], after: Mapping[str, Any]) -> ConfigChange:
    old, new = _get(before, entity), _get(after, entity)
    path = ".".join(entity)
    head = entity[0]
    noun = _NESTED.get(head) or _NAMED_LISTS.get(head) or "setting"
    if head in ("sync", "connection", "store", "version") and noun == "setting":
        noun = head
    if old is _MISSING:
        return ConfigChange(f"{noun}_added", path, None, new)
    if new is _MISSING:
        return ConfigChange(f"{noun}_removed", path, old, None)
    return ConfigChange(f"{noun}_changed", path, old, new)


def _get(data: Mapping[str, Any], entity: tuple[str, ...]) -> Any:
    current: Any = data
    for part in entity:
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current
