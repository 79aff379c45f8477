"""The org's catalogue: recorded describes, the describes of the permission objects, seed custom fields.

Account, Contact, Lead and Opportunity are served from describes recorded from real orgs; EmailMessage,
EmailMessageRelation and Task from describes built from the Object Reference's field lists (no recording
of them is at hand), in the same shape. User, Organization, RecordType, the permission objects and
DuplicateRule are described here with the same 57 field keys and the same object-level keys, so that
clients cannot tell them apart; their fields are those the Salesforce Object Reference lists (not recorded).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from sfsync.localorg.catalog import Catalog, build_catalog, recorded_describe
from sfsync.localorg.seed import CustomField

RECORDED = ("Account", "Contact", "Lead", "Opportunity")
FROM_REFERENCE = ("EmailMessage", "EmailMessageRelation", "Task")
_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}


def _template_field() -> dict[str, Any]:
    lead = recorded_describe("Lead")
    return next(dict(f) for f in lead["fields"] if f["name"] == "Email")


def field_entry(template: Mapping[str, Any], name: str, type_: str, **overrides: Any) -> dict[str, Any]:
    """A describe field entry with every key a real one has, read-only unless overridden."""
    entry = dict(template)
    length = {"id": 18, "reference": 18, "boolean": 0, "datetime": 0, "date": 0, "int": 0, "double": 0}
    entry.update(
        name=name,
        label=overrides.pop("label", name),
        type=type_,
        soapType=_SOAP_TYPES.get(type_, "xsd:string"),
        length=length.get(type_, 255),
        byteLength=length.get(type_, 255) * 3,
        createable=False,
        updateable=False,
        nillable=type_ not in ("id", "boolean"),
        defaultedOnCreate=type_ in ("id", "boolean"),
        idLookup=type_ == "id",
        unique=False,
        externalId=False,
        caseSensitive=False,
        custom=False,
        nameField=False,
        referenceTo=[],
        relationshipName=None,
        picklistValues=[],
        restrictedPicklist=False,
        defaultValue=False if type_ == "boolean" else None,
        groupable=type_ not in ("double", "datetime"),
        permissionable=False,
    )
    entry.update(overrides)
    return entry


def _reference(template: Mapping[str, Any], name: str, target: str, relationship: str) -> dict[str, Any]:
    return field_entry(template, name, "reference", referenceTo=[target], relationshipName=relationship)


def _system_fields(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        field_entry(template, "Id", "id", label="Record ID", nillable=False),
        field_entry(template, "IsDeleted", "boolean", label="Deleted"),
        field_entry(template, "CreatedDate", "datetime", label="Created Date", nillable=False, defaultedOnCreate=True),
        _reference(template, "CreatedById", "User", "CreatedBy") | {"nillable": False, "defaultedOnCreate": True},
        field_entry(template, "LastModifiedDate", "datetime", nillable=False, defaultedOnCreate=True),
        _reference(template, "LastModifiedById", "User", "LastModifiedBy")
        | {"nillable": False, "defaultedOnCreate": True},
        field_entry(template, "SystemModstamp", "datetime", nillable=False, defaultedOnCreate=True),
    ]


def _extra_fields(t: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    perms = [
        field_entry(t, f"Permissions{p}", "boolean")
        for p in ("ApiEnabled", "ViewAllData", "ModifyAllData", "ViewAllUsers", "ViewSetup", "EditTask")
    ]
    crud = ("Read", "Create", "Edit", "Delete", "ViewAllRecords", "ModifyAllRecords")
    return {
        "User": [
            field_entry(t, "Username", "string", length=80, idLookup=True, unique=True),
            field_entry(t, "FirstName", "string", length=40),
            field_entry(t, "LastName", "string", length=80),
            field_entry(t, "Name", "string", length=121, nameField=True),
            field_entry(t, "Email", "email", length=128),
            field_entry(t, "Alias", "string", length=8),
            field_entry(t, "IsActive", "boolean", label="Active"),
            field_entry(t, "UserType", "picklist", length=40),
            field_entry(t, "TimeZoneSidKey", "picklist", length=40),
            _reference(t, "ProfileId", "Profile", "Profile"),
        ],
        "Organization": [
            field_entry(t, "Name", "string", length=80, nameField=True),
            field_entry(t, "IsSandbox", "boolean"),
            field_entry(t, "OrganizationType", "picklist", length=40),
            field_entry(t, "InstanceName", "string", length=5),
            field_entry(t, "NamespacePrefix", "string", length=15),
            # More of Organization's standard fields, which connecting clients read (CumulusCI, the CLI).
            field_entry(t, "Division", "string", length=80),
            field_entry(t, "City", "string", length=40),
            field_entry(t, "Country", "string", length=80),
            field_entry(t, "Phone", "phone", length=40),
            field_entry(t, "PrimaryContact", "string", length=80),
            field_entry(t, "DefaultLocaleSidKey", "picklist", length=40),
            field_entry(t, "LanguageLocaleKey", "picklist", length=40),
            field_entry(t, "TimeZoneSidKey", "picklist", length=40),
            field_entry(t, "FiscalYearStartMonth", "int"),
            field_entry(t, "IsReadOnly", "boolean"),
            field_entry(t, "TrialExpirationDate", "datetime"),
        ],
        "Profile": [field_entry(t, "Name", "string", length=255, nameField=True), *perms],
        "PermissionSet": [
            field_entry(t, "Name", "string", length=80),
            field_entry(t, "Label", "string", length=80, nameField=True),
            field_entry(t, "IsOwnedByProfile", "boolean"),
            _reference(t, "ProfileId", "Profile", "Profile"),
            *perms,
        ],
        "PermissionSetAssignment": [
            _reference(t, "AssigneeId", "User", "Assignee"),
            _reference(t, "PermissionSetId", "PermissionSet", "PermissionSet"),
        ],
        "ObjectPermissions": [
            _reference(t, "ParentId", "PermissionSet", "Parent"),
            field_entry(t, "SobjectType", "picklist", length=40),
            *(field_entry(t, f"Permissions{p}", "boolean") for p in crud),
        ],
        "RecordType": [  # rows from the recorded describes' recordTypeInfos (`record_types`)
            field_entry(t, "Name", "string", length=80, nameField=True),
            field_entry(t, "DeveloperName", "string", length=80),
            field_entry(t, "SobjectType", "picklist", length=40),
            field_entry(t, "IsActive", "boolean", label="Active"),
        ],
        "FieldPermissions": [
            _reference(t, "ParentId", "PermissionSet", "Parent"),
            field_entry(t, "SobjectType", "picklist", length=40),
            field_entry(t, "Field", "string", length=255),
            field_entry(t, "PermissionsRead", "boolean"),
            field_entry(t, "PermissionsEdit", "boolean"),
        ],
        "DuplicateRule": [  # the Object Reference's fields (API 35.0 and later); read-only, as in Salesforce
            field_entry(t, "DeveloperName", "string", length=80, label="Object Name"),
            field_entry(t, "MasterLabel", "string", length=80, label="Rule Name", nameField=True),
            field_entry(t, "Language", "picklist", length=40, label="Master Language", restrictedPicklist=True),
            field_entry(t, "NamespacePrefix", "string", length=15, label="Namespace Prefix"),
            field_entry(t, "SobjectType", "picklist", length=40, restrictedPicklist=True),
            field_entry(t, "SobjectSubtype", "picklist", length=255, label="Object Subtype"),
            field_entry(t, "IsActive", "boolean", label="Active"),
            field_entry(t, "LastViewedDate", "datetime", label="Last Viewed Date"),
        ],
    }


EXTRA_PREFIXES = {
    "User": ("005", "Users"),
    "Organization": ("00D", "Organizations"),
    "Profile": ("00e", "Profiles"),
    "PermissionSet": ("0PS", "Permission Sets"),
    "PermissionSetAssignment": ("0Pa", "Permission Set Assignments"),
    "ObjectPermissions": ("110", "Object Permissions"),
    "FieldPermissions": ("01k", "Field Permissions"),
    "DuplicateRule": ("0Bm", "Duplicate Rules"),
    "RecordType": ("012", "Record Types"),
}
# Readable only with View Setup and Configuration (Salesforce's access rule since Summer '20).
SETUP_OBJECTS = frozenset({"DuplicateRule"})


def _extra_describe(lead: Mapping[str, Any], name: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    prefix, plural = EXTRA_PREFIXES[name]
    describe = {k: copy.deepcopy(v) for k, v in lead.items() if k not in ("fields", "childRelationships")}
    base = f"/services/data/v59.0/sobjects/{name}"
    describe.update(
        name=name,
        label=name,
        labelPlural=plural,
        keyPrefix=prefix,
        createable=False,
        updateable=False,
        deletable=False,
        undeletable=False,
        mergeable=False,
        feedEnabled=False,
        supportedScopes=[],
        childRelationships=[],
        fields=fields,
        urls={"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    )
    for info in describe["recordTypeInfos"]:
        info["urls"] = {"layout": f"{base}/describe/layouts/012000000000000AAA"}
    return describe


def custom_field_entry(template: Mapping[str, Any], spec: CustomField) -> dict[str, Any]:
    picklist = [{"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v} for v in spec.values]
    return field_entry(
        template,
        spec.name,
        spec.type,
        label=spec.label or spec.name.removesuffix("__c").replace("_", " "),
        length=spec.length if spec.type not in ("boolean", "date", "datetime", "int", "double") else 0,
        byteLength=spec.length * 3,
        custom=True,
        createable=True,
        updateable=True,
        nillable=not spec.required and spec.type != "boolean",
        externalId=spec.external_id,
        idLookup=spec.external_id or spec.unique,
        unique=spec.unique,
        picklistValues=picklist,
        restrictedPicklist=spec.restricted and bool(picklist),
        permissionable=True,
        filterable=True,
        sortable=True,
    )


def org_describes(custom_fields: Iterable[CustomField]) -> list[dict[str, Any]]:
    """Every describe the org serves, before permissions are applied."""
    lead = recorded_describe("Lead")
    template = _template_field()
    describes = {name: recorded_describe(name) for name in (*RECORDED, *FROM_REFERENCE)}
    for name, fields in _extra_fields(template).items():
        system = _system_fields(template)
        describes[name] = _extra_describe(lead, name, [system[0], system[1], *fields, *system[2:]])
    for spec in custom_fields:
        target = describes[spec.object]["fields"]
        target[:] = [f for f in target if f["name"] != spec.name]
        target.append(custom_field_entry(template, spec))
    return list(describes.values())


def org_catalog(custom_fields: Iterable[CustomField]) -> Catalog:
    return build_catalog(org_describes(custom_fields))


def global_entries(catalog: Catalog) -> list[dict[str, Any]]:
    """Global describe items: the recorded entry where there is one, otherwise one built from the describe;
    either way with the key prefix of the object's ids."""
    recorded = {s["name"]: s for s in recorded_describe("global")["sobjects"]}
    keys = list(recorded["Lead"].keys())
    entries = []
    for spec in catalog.objects.values():
        if spec.name in recorded:
            # The key prefix is the one the org's ids carry (a recording may lack it, as Lead's does).
            entries.append(dict(recorded[spec.name]) | {"keyPrefix": spec.key_prefix})
            continue
        entry = {k: spec.describe.get(k) for k in keys}
        entry["urls"] = dict(spec.describe["urls"])
        entry["keyPrefix"] = spec.key_prefix
        entries.append(entry)
    return entries
