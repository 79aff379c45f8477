"""Metadata checks: the config against the org's describes, each problem at its line in the YAML.

`metadata_problems` is a pure function of (loaded config, describes) so that `plan` can run it on
describes it already holds; `check_online` fetches the describes through the port first.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from sfsync.config import LoadedConfig
from sfsync.config.create_keys import CREATE_KEY, CREATED_OBJECTS, key_gap, missing_key, missing_key_hint
from sfsync.config.write_scope import PlayShape, writing_gap
from sfsync.engine.planning.email_metadata import email_permission_problems
from sfsync.engine.planning.metadata_values import literal_problem, option_problems, workspace_mismatch
from sfsync.errors import Diagnostic, Diagnostics, Severity
from sfsync.salesforce.describe import describe_objects
from sfsync.salesforce.filter_trees import filter_fields
from sfsync.salesforce.permissions import FieldSight, fields_out_of_sight
from sfsync.salesforce.port import FieldInfo, ObjectDescribe, SalesforcePort
from sfsync.templating import is_template

Path = tuple[str | int, ...]
WRITTEN_OBJECTS = {"leads": ("Lead",), "contacts_and_accounts": ("Contact", "Account")}
EMAIL_OBJECTS = ("EmailMessage", "EmailMessageRelation", "Task")


def objects_needed(config: Any) -> list[str]:
    """Every object the config names or its mode writes, in a stable order."""
    names = [*WRITTEN_OBJECTS[str(config.sync.person_object)], *config.mappings, *config.defaults]
    names.extend(sobject for _, sobject, _ in _default_tables(config))
    names.extend(f.sobject for _, tree in _filter_trees(config) for f in filter_fields(tree))
    if config.sync.email.write:  # an email is an EmailMessage related to its person, or a Task on them
        names.extend(EMAIL_OBJECTS)
    return list(dict.fromkeys(names))


def check_online(loaded: LoadedConfig, port: SalesforcePort) -> Diagnostics:
    """Fetch the describes the config needs and check the config against them."""
    describes = describe_objects(port, objects_needed(loaded.config))
    found = metadata_problems(loaded, describes, fields_out_of_sight(port, loaded.config, describes))
    for problem in email_permission_problems(loaded, port, describes):
        found.add(problem)
    return found


def metadata_problems(
    loaded: LoadedConfig, describes: Mapping[str, ObjectDescribe | None], sight: FieldSight | None = None
) -> Diagnostics:
    """Every problem of the config against `describes`; `sight` says which invisible fields exist (hidden
    by field-level security), so that one is never answered with another field's name."""
    checker = _Checker(loaded, describes, sight or FieldSight(known=False))
    checker.mappings()
    checker.defaults()
    checker.required_on_create()
    checker.create_keys()
    checker.external_id()
    checker.filters()
    checker.write_scope()
    return checker.found


def _default_tables(config: Any) -> Iterator[tuple[Path, str, Mapping[str, Any]]]:
    for sobject, values in config.defaults.items():
        yield ("defaults", sobject), sobject, values
    for index, play in enumerate(config.plays):
        if play.sync_to_salesforce is not None:
            for sobject, values in play.sync_to_salesforce.defaults.items():
                yield ("plays", index, "sync_to_salesforce", "defaults", sobject), sobject, values


def _filter_trees(config: Any) -> Iterator[tuple[Path, Any]]:
    for index, exclusion in enumerate(config.exclusions):
        yield ("exclusions", index, "where"), exclusion.where
    for index, play in enumerate(config.plays):
        if play.audience.where is not None:
            yield ("plays", index, "audience", "where"), play.audience.where


class _Checker:
    def __init__(self, loaded: LoadedConfig, describes: Mapping[str, ObjectDescribe | None], sight: FieldSight) -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.describes = describes
        self.sight = sight
        self.found = Diagnostics()

    def report(self, summary: str, path: Path, hint: str = "", *, key: bool = False, warning: bool = False) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        position = self.loaded.position(path, key=key)
        self.found.add(Diagnostic(severity, summary, position=position, path=path, hint=hint))

    def field(self, sobject: str, name: str, path: Path, *, key: bool = True) -> FieldInfo | None:
        """The field's describe, or None after reporting why it cannot be used."""
        describe = self.describes.get(sobject)
        if describe is None:
            if sobject in self.describes:
                hint = "check the object's name, and that the integration user has Read on it (`sfsync doctor`)"
                self.report(f"object {sobject} is not accessible to the integration user", path, hint, key=key)
            return None
        info = describe.field(name)
        if info is None:
            hint = self._unseen_hint(sobject, name, list(describe.fields))
            self.report(f"{sobject} has no field {name} visible to the integration user", path, hint, key=key)
        return info

    def _unseen_hint(self, sobject: str, name: str, visible: list[str]) -> str:
        """A hidden field is never answered with another field's name; a typo is, when the org says so."""
        if (sobject, name) in self.sight.hidden:
            return (
                f"{sobject}.{name} exists, but field-level security hides it from the integration user: grant "
                "it Read access (and Edit to write it); `sfsync doctor` says where"
            )
        if not self.sight.known:  # it may well exist: naming a visible field would send the user astray
            return "check the name, and its field-level security (`sfsync doctor` checks it)"
        close = difflib.get_close_matches(name, visible, n=1)
        return f"did you mean {close[0]}?" if close else "check the name"

    def mappings(self) -> None:
        for sobject, fields in self.config.mappings.items():
            for name, mapping in fields.items():
                path: Path = ("mappings", sobject, name)
                info = self.field(sobject, name, path)
                if info is not None:
                    self.mapping(sobject, info, mapping, path)

    def mapping(self, sobject: str, info: FieldInfo, mapping: Any, path: Path) -> None:
        writes = str(mapping.direction) != "read"
        if writes and not (info.createable or info.updateable):
            hint = "map it with `direction: read`, or grant Edit access if field-level security hides it"
            self.report(f"{sobject}.{info.name} is read-only: it cannot be written", path, hint, key=True)
            return
        if writes and not info.updateable and str(mapping.policy) != "create_only":
            hint = "use `policy: create_only` to say so"
            self.report(f"{sobject}.{info.name} can only be set on create", path, hint, key=True, warning=True)
        mismatch = workspace_mismatch(mapping.from_, info)
        if mismatch:
            self.report(f"type mismatch: {mismatch}", (*path, "from_"), warning=not writes)
        for key, why in option_problems(mapping.from_, mapping.truncate, mapping.date_as, info) if writes else ():
            self.report(why, (*path, key), key=key != "from_", warning=True)

    def defaults(self) -> None:
        for base, sobject, values in _default_tables(self.config):
            for name, value in values.items():
                path: Path = (*base, name)
                info = self.field(sobject, name, path)
                if info is None:
                    continue
                if not (info.createable or info.updateable):
                    self.report(f"{sobject}.{info.name} is read-only: a default cannot be written", path, key=True)
                elif not (isinstance(value, str) and is_template(value)):
                    problem = literal_problem(value, info)
                    if problem:
                        self.report(f"default for {sobject}.{info.name}: {problem[0]}", path, warning=problem[1])

    def required_on_create(self) -> None:
        """Each object the mode writes: its required fields must be mapped for writing or defaulted."""
        mode_path: Path = ("sync", "person_object")
        external_id = self.config.sync.external_id_field
        for sobject in WRITTEN_OBJECTS[str(self.config.sync.person_object)]:
            describe = self.describes.get(sobject)
            if describe is None:
                self.field(sobject, "Id", ("mappings", sobject) if sobject in self.config.mappings else mode_path)
                continue
            covered = self._covered(sobject) | {str(external_id or "").lower()}
            for info in describe.fields.values():
                if info.required_on_create and info.name.lower() not in covered:
                    where: Path = ("mappings", sobject) if sobject in self.config.mappings else mode_path
                    hint = f"map {sobject}.{info.name} from a workspace field or give it a default"
                    summary = f"{sobject}.{info.name} is required to create a {sobject} but nothing fills it"
                    self.report(summary, where, hint, key=where != mode_path, warning=not self.config.sync.write)

    def create_keys(self) -> None:
        """Each object the mode creates: its key field written, on create, by the integration user."""
        if self.config.sync.external_id_field:
            return
        mode_path: Path = ("sync", "person_object")
        directions = {
            sobject: {name: str(m.direction) for name, m in fields.items()}
            for sobject, fields in self.config.mappings.items()
        }
        for sobject in CREATED_OBJECTS[str(self.config.sync.person_object)]:
            where = key_gap(sobject, directions, mode_path)
            warning = not self.config.sync.write
            if where is not None:
                self.report(
                    missing_key(sobject), where, missing_key_hint(sobject), key=where != mode_path, warning=warning
                )
                continue
            describe = self.describes.get(sobject)
            info = describe.field(CREATE_KEY[sobject]) if describe else None
            if info is not None and info.updateable and not info.createable:  # else reported as read-only
                name = next(n for n in self.config.mappings[sobject] if n.lower() == info.name.lower())
                summary = f"{sobject} creates would carry no match key: {sobject}.{name} cannot be set on create"
                hint = f"grant Edit on {sobject}.{name} to the integration user, or set sync.external_id_field"
                self.report(summary, ("mappings", sobject, name), hint, key=True, warning=warning)

    def _covered(self, sobject: str) -> set[str]:
        mapped = {n.lower() for n, m in self.config.mappings.get(sobject, {}).items() if str(m.direction) != "read"}
        defaulted = {n.lower() for _, obj, values in _default_tables(self.config) if obj == sobject for n in values}
        return mapped | defaulted

    def external_id(self) -> None:
        name = self.config.sync.external_id_field
        if not name:
            return
        path: Path = ("sync", "external_id_field")
        for sobject in WRITTEN_OBJECTS[str(self.config.sync.person_object)]:
            info = self.field(sobject, name, path, key=False)
            if info is not None and not (info.external_id and info.unique):
                hint = "mark the field as External ID and Unique in Salesforce (Object Manager → Fields)"
                self.report(f"{sobject}.{info.name} must be an external id and unique", path, hint)

    def write_scope(self) -> None:
        """Writing on and no play can write: the offline warning, said again where `plan` shows it."""
        shapes = [PlayShape(str(p.audience.object), p.sync_to_salesforce is not None) for p in self.config.plays]
        gap = writing_gap(self.config.sync.write, self.config.sync.person_object, shapes)
        if gap is not None:
            self.report(gap.summary, gap.path, gap.hint, key=gap.key, warning=True)

    def filters(self) -> None:
        for base, tree in _filter_trees(self.config):
            for item in filter_fields(tree, base):
                info = self.field(item.sobject, item.field, item.path, key=False)
                if info is not None and not info.filterable:
                    self.report(f"{item.sobject}.{info.name} cannot be filtered on", item.path)
