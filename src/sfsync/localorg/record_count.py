"""`limits/recordCount`: how many records each object holds, as Setup's Storage Usage page counts them.

`GET limits/recordCount?sObjects=Lead,Contact` answers `{"sObjects": [{"count": N, "name": "Lead"}, …]}`
(API 40.0 and later); without `sObjects`, every object. Salesforce counts every record in storage,
whoever may read it, so the count does not depend on the caller's access; records in the recycle bin
are not counted. Names the org does not know are left out, as Salesforce leaves them out. Salesforce
recomputes these counts now and then (they are approximate); the local org counts at the call, which
is what they settle to. Bulk data loaders (CumulusCI) read it to choose between the REST and the Bulk API.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from sfsync.localorg.api import ApiCall, json_response
from sfsync.localorg.router import Router


def routes(router: Router) -> None:
    router.add("limits/recordCount", "rest.limits.record_count", record_count, ["GET"])


def record_count(call: ApiCall) -> Response:
    catalog = call.org.catalog
    asked = [name.strip() for name in call.request.args.get("sObjects", "").split(",") if name.strip()]
    specs = [catalog.get(name) for name in asked] if asked else list(catalog.objects.values())
    names = dict.fromkeys(spec.name for spec in specs if spec is not None)
    connection = call.org.connect()
    counts = []
    for name in names:
        (count,) = connection.execute(
            f'SELECT COUNT(*) FROM "{name}" WHERE NOT COALESCE("IsDeleted", 0)'  # noqa: S608 - the name comes from the catalog
        ).fetchone()
        counts.append({"count": int(count), "name": name})
    return json_response({"sObjects": counts})
