"""The seed file: the org's users, permissions, custom fields, duplicate rules and first records.

The YAML shape is documented in `docs/localorg.md`; `DEFAULT_SEED` (package data, so an installed
sfsync serves it from any directory) is the reference. Records may point at other seeded records with
`"@ref"` values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sfsync.errors import UsageError
from sfsync.localorg.network import IpRange, parse_ranges

DEFAULT_SEED = Path(__file__).with_name("default_seed.yaml")
OBJECT_PERMISSIONS = ("read", "create", "edit", "delete")
FIELD_LEVELS = ("none", "read", "edit")


@dataclass(frozen=True)
class CustomField:
    object: str
    name: str
    type: str = "string"
    label: str = ""
    length: int = 255
    external_id: bool = False
    unique: bool = False
    required: bool = False
    values: tuple[str, ...] = ()
    restricted: bool = True


@dataclass(frozen=True)
class Grant:
    """A profile or a permission set: system permissions, object CRUD and field-level security.

    `objects` maps an object (or `*`) to the granted subset of OBJECT_PERMISSIONS; `fields` maps
    `Object.Field` to one of FIELD_LEVELS.
    """

    name: str
    api_enabled: bool = True
    view_all_data: bool = False
    modify_all_data: bool = False
    view_all_users: bool = False
    view_setup: bool = False
    edit_tasks: bool = True  # PermissionsEditTask: create and edit tasks and email messages (on in standard profiles)
    objects: Mapping[str, frozenset[str]] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)
    # A profile's record types by object: the developer names it may use, its default first (`record_types`).
    record_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedUser:
    username: str
    password: str
    profile: str
    security_token: str = ""
    first_name: str = ""
    last_name: str = "User"
    email: str = ""
    alias: str = ""
    permission_sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConnectedApp:
    name: str
    consumer_key: str
    consumer_secret: str = ""
    certificate: str | None = None  # PEM; verifies JWT bearer assertions


@dataclass(frozen=True)
class DuplicateRule:
    """A duplicate rule on `object` whose matching rule compares `fields` with records of `compare_with`.

    A record matches when every one of the fields is set on both and equal, compared case-insensitively
    (the saved record's values trimmed; the local org's stand-in for Salesforce's fuzzy matching).
    `field` is the one-field form; `compare_with` defaults to the rule's own object (a Contact rule may
    compare with Leads). An inactive rule (`active: false`) is listed in Setup and refuses nothing.
    """

    object: str
    name: str
    field: str = "Email"
    action: str = "block"  # block | alert
    message: str = "Use one of these records?"
    match_rule: str = ""
    fields: tuple[str, ...] = ()
    compare_with: str = ""
    active: bool = True

    @property
    def match_fields(self) -> tuple[str, ...]:
        return self.fields or (self.field,)

    @property
    def match_object(self) -> str:
        return self.compare_with or self.object


@dataclass(frozen=True)
class SeedRecord:
    object: str
    values: Mapping[str, Any]
    ref: str | None = None
    created_by: str | None = None  # a username; the integration user when absent
    converted: Mapping[str, str] | None = None  # Lead only: {"contact": "@ref", "account": "@ref"}
    line: int | None = None  # where the record starts in the seed file, for errors about it


@dataclass(frozen=True)
class Seed:
    organization_name: str = "Sfsync Local"
    api_limit: int = 15000
    session_lifetime_seconds: int = 7200
    # Seeded records' Created/LastModified/SystemModstamp spread over this many days ending a day ago, as in an
    # org whose records were made over time; 0: all stamped at seeding.
    history_days: int = 0
    # Setup → Network Access: logins from these addresses need no security token (none in a new org).
    trusted_ip_ranges: tuple[IpRange, ...] = ()
    # Enhanced Email: EmailMessage records outside Cases, related to people by EmailMessageRelation (on in most orgs).
    enhanced_email: bool = True
    profiles: tuple[Grant, ...] = ()
    permission_sets: tuple[Grant, ...] = ()
    users: tuple[SeedUser, ...] = ()
    connected_apps: tuple[ConnectedApp, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    duplicate_rules: tuple[DuplicateRule, ...] = ()
    records: tuple[SeedRecord, ...] = ()
    source: str = ""  # the seed file's name, for errors about its records

    @property
    def integration_user(self) -> SeedUser:
        if not self.users:
            raise UsageError("the seed declares no users; the first user is the integration user")
        return self.users[0]


class Located(dict[Any, Any]):
    """A YAML mapping that knows the line it starts on (1-based)."""

    line: int | None = None


class _LocatingLoader(yaml.SafeLoader):
    """The safe loader, with every mapping a `Located`."""


def _located_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> Any:
    mapping = Located()
    yield mapping  # first, so that anchors and aliases resolve to this object (as the safe loader does)
    mapping.update(loader.construct_mapping(node))
    mapping.line = node.start_mark.line + 1


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _located_mapping)


def read_yaml(path: Path, what: str) -> Any:
    """A YAML (or JSON) document; the local org's only YAML reader. Mappings know their line."""
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_LocatingLoader)  # noqa: S506 - a subclass of SafeLoader
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read the {what} {path}: {error}") from error


def load_seed(path: Path) -> Seed:
    document = read_yaml(path, "seed file")
    try:
        return dataclasses.replace(parse_seed(document or {}, path.parent), source=str(path))
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"invalid seed file {path}: {error!r}") from error


def parse_seed(document: Mapping[str, Any], base: Path) -> Seed:
    org = document.get("organization") or {}
    return Seed(
        organization_name=str(org.get("name", "Sfsync Local")),
        api_limit=int(org.get("api_limit", 15000)),
        session_lifetime_seconds=int(org.get("session_lifetime_seconds", 7200)),
        history_days=int(org.get("history_days", 0)),
        trusted_ip_ranges=parse_ranges(org.get("trusted_ip_ranges") or ()),
        enhanced_email=bool(org.get("enhanced_email", True)),
        profiles=tuple(_grant(g) for g in document.get("profiles") or ()),
        permission_sets=tuple(_grant(g) for g in document.get("permission_sets") or ()),
        users=tuple(_user(u) for u in document.get("users") or ()),
        connected_apps=tuple(_app(a, base) for a in document.get("connected_apps") or ()),
        custom_fields=tuple(
            _custom_field(obj, f) for obj, fields in (document.get("custom_fields") or {}).items() for f in fields
        ),
        duplicate_rules=parse_duplicate_rules(document.get("duplicate_rules") or ()),
        records=tuple(
            _record(obj, r) for obj, records in (document.get("records") or {}).items() for r in records or ()
        ),
    )


def parse_duplicate_rules(raw: Any) -> tuple[DuplicateRule, ...]:
    """The seed's `duplicate_rules` list (also what the control API's `PUT duplicate-rules` takes)."""
    rules = []
    for item in raw:
        values = dict(item)
        if "fields" in values:
            values["fields"] = tuple(str(f) for f in values["fields"] or ())
        if "active" in values:
            values["active"] = bool(values["active"])
        rules.append(DuplicateRule(**values))
    return tuple(rules)


def _grant(raw: Mapping[str, Any]) -> Grant:
    objects = {}
    for name, perms in (raw.get("objects") or {}).items():
        granted = frozenset(OBJECT_PERMISSIONS if perms == "all" else perms)
        if not granted <= set(OBJECT_PERMISSIONS):
            raise ValueError(f"unknown object permission in {sorted(granted)}")
        objects[str(name)] = granted
    fields = {str(k): str(v) for k, v in (raw.get("fields") or {}).items()}
    if any(level not in FIELD_LEVELS for level in fields.values()):
        raise ValueError(f"field levels are one of {FIELD_LEVELS}")
    return Grant(
        name=str(raw["name"]),
        api_enabled=bool(raw.get("api_enabled", True)),
        view_all_data=bool(raw.get("view_all_data", False)),
        modify_all_data=bool(raw.get("modify_all_data", False)),
        view_all_users=bool(raw.get("view_all_users", False)),
        view_setup=bool(raw.get("view_setup", False)),
        edit_tasks=bool(raw.get("edit_tasks", True)),
        objects=objects,
        fields=fields,
        record_types={str(k): tuple(str(n) for n in v or ()) for k, v in (raw.get("record_types") or {}).items()},
    )


def _user(raw: Mapping[str, Any]) -> SeedUser:
    text = {k: str(v) for k, v in raw.items() if k != "permission_sets"}
    return SeedUser(**text, permission_sets=tuple(str(s) for s in raw.get("permission_sets") or ()))


def _app(raw: Mapping[str, Any], base: Path) -> ConnectedApp:
    certificate = raw.get("certificate")
    if raw.get("certificate_file"):
        certificate = (base / str(raw["certificate_file"])).read_text("utf-8")
    return ConnectedApp(
        name=str(raw["name"]),
        consumer_key=str(raw["consumer_key"]),
        consumer_secret=str(raw.get("consumer_secret", "")),
        certificate=certificate,
    )


def _custom_field(obj: str, raw: Mapping[str, Any]) -> CustomField:
    values = dict(raw)
    values["values"] = tuple(str(v) for v in values.get("values") or ())
    return CustomField(object=obj, **values)


def _record(obj: str, raw: Mapping[str, Any]) -> SeedRecord:
    return SeedRecord(
        object=obj,
        values=dict(raw.get("values") or {}),
        ref=raw.get("ref"),
        created_by=raw.get("created_by"),
        converted=raw.get("converted"),
        line=getattr(raw, "line", None),
    )
