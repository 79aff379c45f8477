"""Duplicate management as Setup shows it, built from the org's duplicate rules.

- `DuplicateRule` rows, which SOQL reads (`SELECT DeveloperName, MasterLabel, SobjectType, IsActive FROM
  DuplicateRule`): one per rule, kept equal to the rules in force (seeded, or set by `PUT duplicate-rules`).
  The object is readable only with View Setup and Configuration, and is read-only, as in Salesforce.
- `GET ui-api/duplicates/{Object}` (UI API, 50.0 and later): the object's active rules with their action on
  create and on edit (`Block`, or `Allow` with `Alert`), and each rule's matching fields. It is the one
  place outside the Metadata API where Salesforce says whether a rule blocks.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from sfsync.localorg.api import ApiCall, ApiError, json_response
from sfsync.localorg.objects import EXTRA_PREFIXES
from sfsync.localorg.org import Org
from sfsync.localorg.people import insert_row
from sfsync.localorg.router import Router
from sfsync.localorg.seed import DuplicateRule

UI_API_SINCE = 50.0


def routes(router: Router) -> None:
    router.add("ui-api/duplicates/<sobject>", "rest.ui_api.duplicates", duplicates_configuration, ["GET"])


def write_rule_rows(org: Org) -> None:
    """Replace the DuplicateRule rows by the org's rules (inside the caller's transaction, if any)."""
    connection = org.connect()
    connection.execute('DELETE FROM "DuplicateRule"')
    for rule in org.duplicate_rules:
        row = {
            "DeveloperName": rule.name,
            "MasterLabel": rule.name.replace("_", " "),
            "Language": "en_US",
            "SobjectType": rule.object,
            "IsActive": int(rule.active),
        }
        insert_row(org, "DuplicateRule", row, org.integration_user.id)


def duplicates_configuration(call: ApiCall) -> Response:
    """The UI API's Duplicates Configuration of one object, as the calling user may read it."""
    if float(call.api_version) < UI_API_SINCE:
        raise ApiError(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
    name = call.args["sobject"]
    spec = call.org.catalog.get(name)
    if spec is None or spec.name in EXTRA_PREFIXES or not call.access.can_read_object(spec.name):
        message = f"Object {name} is not supported in UI API"
        raise ApiError(400, [{"errorCode": "INVALID_TYPE", "message": message}])
    active = [rule for rule in call.org.duplicate_rules if rule.object == spec.name and rule.active]
    fields = [field for rule in active for field in rule.match_fields]
    return json_response(
        {
            "apiName": spec.name,
            "dedupeEnabled": bool(active),
            "dedupeFields": list(dict.fromkeys(fields)),
            "duplicateRules": [_rule(rule) for rule in active],
            "predupeEnabled": bool(active),
        }
    )


def _rule(rule: DuplicateRule) -> dict[str, Any]:
    # The local org's rules run alike on create and on edit: `block` refuses, `alert` lets an allowSave through.
    action = "Block" if rule.action == "block" else "Allow"
    operations = ["Alert", "Report"] if rule.action == "alert" else []
    match = {
        "matchEngine": "ExactMatchEngine",
        "matchFields": list(rule.match_fields),
        "name": rule.match_rule or f"{rule.name}_Match_Rule",
        "objectApiName": rule.match_object,
    }
    return {
        "actionOnInsert": action,
        "actionOnUpdate": action,
        "active": rule.active,
        "duplicateRuleFilters": [],
        "matchRules": [match],
        "name": rule.name,
        "operationsOnInsert": operations,
        "operationsOnUpdate": operations,
    }
