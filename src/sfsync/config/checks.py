"""Checks the models cannot express: workspace field names, Salesforce names, templates, unique names.

They read the plain document (not the model), so they run even when other parts of the file are
invalid, and every problem of a file is reported in one pass. Shapes the models reject are skipped
here: validation reports those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sfsync import catalogue, templating
from sfsync.config import email_checks, write_checks
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.config.reporting import Reporter, suggest
from sfsync.config.source import Path, SourceMap
from sfsync.errors import Diagnostic

MAPPED_OBJECTS = ("Account", "Contact", "Lead", EMAIL_OBJECT)
FILTER_OBJECTS = ("Account", "Contact", "Lead", "Opportunity")
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PEOPLE, _EMAIL = ("person", "company"), (catalogue.EMAIL, "person")  # an email with the person it concerns
KINDS_FOR_OBJECT = {"Account": ("company",), "Contact": _PEOPLE, "Lead": _PEOPLE, EMAIL_OBJECT: _EMAIL}
KINDS_FOR_AUDIENCE = {"company": ("company",), "person": ("person", "company")}
EQUALITY_OPS = ("eq", "ne", "in", "not_in")


class Checker(Reporter):
    """Collects semantic problems of one plain document."""

    def run(self) -> list[Diagnostic]:
        self.mappings()
        self.defaults(self.document.get("defaults"), ("defaults",))
        self.exclusions()
        self.plays()
        self.sync()
        write_checks.create_keys(self)
        write_checks.write_scope(self)
        return self.found

    def mappings(self) -> None:
        for obj, fields, path in self.objects(self.document.get("mappings"), ("mappings",)):
            for name, entry in fields.items():
                self.salesforce_field(name, (*path, name))
                ref = entry.get("from") if isinstance(entry, dict) else entry
                ref_path = (*path, name, "from") if isinstance(entry, dict) else (*path, name)
                if isinstance(ref, str):
                    self.workspace_field(ref, KINDS_FOR_OBJECT.get(obj, ()), ref_path, f"{obj} mappings")
                email_checks.mapping_direction(self, obj, entry, (*path, name))
                if isinstance(entry, dict) and entry.get("direction") == "read" and "policy" in entry:
                    hint = "a policy decides when sfsync may write; remove it or use direction read_write"
                    self.warning("policy has no effect on a read-only mapping", (*path, name, "policy"), hint)

    def defaults(self, node: object, path: Path) -> None:
        for obj, fields, obj_path in self.objects(node, path):
            for name, value in fields.items():
                self.salesforce_field(name, (*obj_path, name))
                if isinstance(value, str) and templating.is_template(value):
                    self.template(value, KINDS_FOR_OBJECT.get(obj, ()), (*obj_path, name))

    def objects(self, node: object, path: Path) -> Iterator[tuple[str, dict[str, object], Path]]:
        if not isinstance(node, dict):
            return
        for obj, fields in node.items():
            if obj not in MAPPED_OBJECTS:
                hint = suggest(obj, MAPPED_OBJECTS, "sfsync maps Account, Contact, Lead and EmailMessage")
                self.error(f'unsupported Salesforce object "{obj}"', (*path, obj), hint, key=True)
            elif isinstance(fields, dict):
                yield obj, fields, (*path, obj)

    def salesforce_field(self, name: str, path: Path) -> None:
        if not API_NAME.fullmatch(name):
            hint = "use the field's API name, e.g. LastName or Sfsync_Intent__c"
            self.error(f'"{name}" is not a Salesforce field API name', path, hint, key=True)

    def workspace_field(self, ref: str, kinds: tuple[str, ...], path: Path, where: str) -> None:
        if catalogue.is_attribute(ref) and ref.split(".")[0] in kinds:
            return
        if email_checks.email_field(self, ref, kinds, path, where):
            return
        field = catalogue.lookup(ref)
        if field is not None and field.kind in kinds:
            return
        if field is not None:
            self.error(f'{where} cannot use {field.kind} fields ("{ref}")', path, f"use {' or '.join(kinds)}.* here")
            return
        names = [f"{kind}.{name}" for kind in kinds for name in email_checks.field_names(kind)]
        hint = suggest(ref, names, f"workspace fields are {', '.join(f'{k}.*' for k in kinds)} (see docs/config.md)")
        self.error(f'unknown workspace field "{ref}"', path, hint)

    def template(self, source: str, kinds: tuple[str, ...], path: Path) -> None:
        problem = templating.check_syntax(source)
        if problem is not None:
            self.error(f"template syntax error: {problem}", path)
            return
        statement = templating.unsupported_statement(source)
        if statement is not None:
            hint = "a value template is an expression, with {% if %} and {% for %}: it builds one value"
            self.error(f"templates here do not allow `{{% {statement} %}}`", path, hint)
            return
        unsafe = templating.unsafe_attribute(source)
        if unsafe is not None:
            hint = "templates run sandboxed: they read workspace fields, never Python internals"
            self.error(f'template reaches the unsafe attribute "{unsafe}"', path, hint)
            return
        unknown = sorted(templating.referenced_names(source) - set(kinds))
        if unknown:
            hint = f"templates here can read {', '.join(kinds)}"
            self.error(f'template uses unknown name "{unknown[0]}"', path, hint)
            return
        for ref in sorted(templating.referenced_fields(source)):
            if not ref.endswith(".attributes"):
                self.workspace_field(ref, kinds, path, "this template")
        if not templating.referenced_names(source):  # a constant: rendered now, within the render budgets
            try:
                templating.render(source, {})
            except templating.TemplateRenderError as error:
                self.error(f"template cannot render: {error.reason}", path, "write the value out, or make it smaller")

    def exclusions(self) -> None:
        for index, item in self.named_items("exclusions"):
            kinds = KINDS_FOR_AUDIENCE.get(str(item.get("applies_to")), ("person", "company"))
            self.filter(item.get("where"), kinds, ("exclusions", index, "where"), None)

    def plays(self) -> None:
        for index, item in self.named_items("plays"):
            audience = item.get("audience")
            if isinstance(audience, dict):
                kinds = KINDS_FOR_AUDIENCE.get(str(audience.get("object")), ("person", "company"))
                self.filter(audience.get("where"), kinds, ("plays", index, "audience", "where"), None)
            action = item.get("sync_to_salesforce")
            if isinstance(action, dict):
                path = ("plays", index, "sync_to_salesforce", "defaults")
                self.defaults(action.get("defaults"), path)
                if isinstance(audience, dict) and audience.get("object") == "company":
                    self.company_play_defaults(action.get("defaults"), path)
                email_checks.play_defaults(self, action.get("defaults"), path)

    def company_play_defaults(self, node: object, path: Path) -> None:
        """A company play's entrants are companies: its Contact and Lead defaults reach no record."""
        if not isinstance(node, dict):
            return
        hint = "a company play writes Accounts only; give them to a play with audience object: person"
        for obj in node:
            if obj in ("Contact", "Lead"):
                self.warning(f"the {obj} defaults of a company play never apply", (*path, obj), hint, key=True)

    def named_items(self, section: str) -> Iterator[tuple[int, dict[str, object]]]:
        items = self.document.get(section)
        if not isinstance(items, list):
            return
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            name = item.get("name")
            if isinstance(name, str) and name in seen:
                hint = f"{section}[{seen[name]}] already uses this name; names identify {section} in plans"
                self.error(f'duplicate {section[:-1]} name "{name}"', (section, index, "name"), hint)
            elif isinstance(name, str):
                seen[name] = index
            yield index, item

    def filter(self, node: object, kinds: tuple[str, ...], path: Path, salesforce: str | None) -> None:
        if not isinstance(node, dict):
            return
        own = node.get("salesforce")
        if isinstance(own, str) and own not in FILTER_OBJECTS:
            hint = suggest(own, FILTER_OBJECTS, "filters can read Account, Contact, Lead and Opportunity")
            self.error(f'unsupported Salesforce object "{own}" in a filter', (*path, "salesforce"), hint)
        salesforce = own if isinstance(own, str) else salesforce
        for combinator in ("all", "any"):
            children = node.get(combinator)
            if isinstance(children, list):
                for index, child in enumerate(children):
                    self.filter(child, kinds, (*path, combinator, index), salesforce)
        if "not" in node:
            self.filter(node["not"], kinds, (*path, "not"), salesforce)
        field = node.get("field")
        if isinstance(field, str) and salesforce is not None:
            self.salesforce_field(field, (*path, "field"))
        elif isinstance(field, str):
            self.workspace_field(field, kinds, (*path, "field"), "this filter")
            self.closed_value(field, node, path)

    def closed_value(self, field: str, node: dict[str, object], path: Path) -> None:
        """A value compared for equality with a closed-type field (intent_level) must be one of its values:
        any other can never match, so the filter would silently hold for nobody (or for everybody)."""
        info = catalogue.lookup(field)
        allowed = catalogue.CLOSED_VALUES.get(info.type) if info is not None else None
        if allowed is None or node.get("op") not in EQUALITY_OPS:
            return
        value = node.get("value")
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        known = {a.lower() for a in allowed}
        for index, item in items:
            if item is None or str(item).lower() in known:
                continue
            where = (*path, "value") if index is None else (*path, "value", index)
            hint = suggest(str(item).capitalize(), allowed, f"{field} is one of {', '.join(allowed)}")
            self.error(f'"{item}" is not a value of {field} ({", ".join(allowed)})', where, hint)

    def sync(self) -> None:
        sync = self.document.get("sync")
        if not isinstance(sync, dict):
            return
        external_id = sync.get("external_id_field")
        if isinstance(external_id, str) and not external_id.endswith("__c"):
            hint = "an external id is a custom field (API name ending in __c) marked External ID"
            self.error(f'external_id_field "{external_id}" is not a custom field', ("sync", "external_id_field"), hint)
        prefix = sync.get("owned_prefix")
        if isinstance(prefix, str) and prefix and not API_NAME.fullmatch(prefix):
            self.error(f'owned_prefix "{prefix}" cannot start a Salesforce field name', ("sync", "owned_prefix"))
        email_checks.email_sync(self, sync)


def semantic_problems(document: object, source: SourceMap) -> list[Diagnostic]:
    """Every semantic problem in `document`; empty when it is not a mapping at all."""
    return Checker(document, source).run() if isinstance(document, dict) else []
