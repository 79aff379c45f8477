"""The control API under `/_localorg/`: test and benchmark hooks no real org has.

Only the admin token (in `connection.json`) opens it; sessions are never accepted here, and the
admin token is never a session. Routes (JSON bodies; `as` names the acting user by username or id):

- `POST records/{Object}` `{"as","values","allow_duplicates"}` · `PATCH records/{Object}/{id}`
- `DELETE records/{Object}/{id}?as=`
- `POST records/{Object}/{id}/touch` (SystemModstamp only) · `POST leads/{id}/convert` `{"as","contact","account"}`
- `POST records/{Object}/{id}/merge` `{"as","records","values"}`: merge `records` (1 or 2 ids) into the record
- `POST reset` · `GET counts` · `GET calls` · `DELETE calls` · `GET|PUT|DELETE faults`
- `GET|PUT|DELETE trace`: who read (retrieve, Bulk query) and wrote which record, when; off unless PUT
- `PUT session-lifetime` `{"seconds"}` · `POST sessions` `{"as"}` · `DELETE sessions` `{"access_token"?}`
- `PUT api-limit` `{"max","used"}` · `GET|PUT duplicate-rules` (a list in the seed's form; reset restores the seed's)
- `POST connected-apps` `{"name","consumer_key","consumer_secret","certificate"}`
- `GET|PUT trusted-ip-ranges` `[{"start","end"}]`: Network Access (reset restores the seed's; none: every
  password login needs the security token)
- `GET|PUT enhanced-email` `{"enabled"}`: Setup → Enhanced Email (reset restores the seed's)
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sfsync.errors import UsageError
from sfsync.localorg import seeding
from sfsync.localorg.api import json_response
from sfsync.localorg.auth import bearer
from sfsync.localorg.duplicate_setup import write_rule_rows
from sfsync.localorg.duplicates import checked_rules
from sfsync.localorg.faults import parse_rules
from sfsync.localorg.merge import MergeRequest, UnsupportedObject, merge
from sfsync.localorg.network import parse_ranges
from sfsync.localorg.outcomes import DmlOptions, DmlResult
from sfsync.localorg.permissions import User
from sfsync.localorg.seed import ConnectedApp, DuplicateRule, parse_duplicate_rules

if TYPE_CHECKING:
    from sfsync.localorg.app import LocalOrgApp

_MAP = Map(
    [
        Rule("/records/<sobject>", endpoint="create", methods=["POST"]),
        Rule("/records/<sobject>/<record_id>", endpoint="update", methods=["PATCH"]),
        Rule("/records/<sobject>/<record_id>", endpoint="delete", methods=["DELETE"]),
        Rule("/records/<sobject>/<record_id>/touch", endpoint="touch", methods=["POST"]),
        Rule("/records/<sobject>/<record_id>/merge", endpoint="merge", methods=["POST"]),
        Rule("/leads/<record_id>/convert", endpoint="convert", methods=["POST"]),
        Rule("/reset", endpoint="reset", methods=["POST"]),
        Rule("/counts", endpoint="counts", methods=["GET"]),
        Rule("/calls", endpoint="calls", methods=["GET", "DELETE"]),
        Rule("/trace", endpoint="trace", methods=["GET", "PUT", "DELETE"]),
        Rule("/faults", endpoint="faults", methods=["GET", "PUT", "DELETE"]),
        Rule("/session-lifetime", endpoint="session_lifetime", methods=["PUT"]),
        Rule("/sessions", endpoint="sessions", methods=["POST", "DELETE"]),
        Rule("/api-limit", endpoint="api_limit", methods=["PUT"]),
        Rule("/duplicate-rules", endpoint="duplicate_rules", methods=["GET", "PUT"]),
        Rule("/connected-apps", endpoint="connected_apps", methods=["POST"]),
        Rule("/trusted-ip-ranges", endpoint="trusted_ip_ranges", methods=["GET", "PUT"]),
        Rule("/enhanced-email", endpoint="enhanced_email", methods=["GET", "PUT"]),
    ]
)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Control:
    def __init__(self, app: LocalOrgApp) -> None:
        self.app = app
        self.org = app.org

    def dispatch(self, request: Request, path: str) -> Response:
        if not secrets.compare_digest(bearer(request), self.app.admin_token):
            return json_response({"error": "the control API needs the admin token"}, 401)
        try:
            endpoint, args = _MAP.bind("").match("/" + path, method=request.method)
            body = json.loads(request.get_data(as_text=True) or "{}")
            handler = getattr(self, f"_{endpoint}")
            result: Response = handler(request, body, **args)
            return result
        except NotFound:
            return json_response({"error": f"no control route {path}"}, 404)
        except MethodNotAllowed:
            return json_response({"error": f"{request.method} not allowed on {path}"}, 405)
        except (ValueError, KeyError, UsageError) as error:
            return json_response({"error": str(error)}, 400)
        except ControlError as error:
            return json_response({"error": str(error)}, error.status)

    def _actor(self, name: str | None) -> User:
        if not name:
            return self.org.integration_user
        user = self.org.user(name) or self.org.user_named(name)
        if user is None:
            raise ControlError(404, f"no user {name}")
        return user

    def _options(self, body: dict[str, Any]) -> DmlOptions:
        return DmlOptions(allow_save_duplicates=bool(body.get("allow_duplicates", True)), enforce_access=False)

    @staticmethod
    def _result(result: DmlResult) -> Response:
        return json_response(result.collection_item() | {"errors": [e.rest_item() for e in result.errors]})

    def _create(self, request: Request, body: dict[str, Any], sobject: str) -> Response:
        actor = self._actor(body.get("as"))
        return self._result(self.org.dml.create(actor, sobject, body.get("values", {}), options=self._options(body)))

    def _update(self, request: Request, body: dict[str, Any], sobject: str, record_id: str) -> Response:
        actor = self._actor(body.get("as"))
        values = body.get("values", {})
        return self._result(self.org.dml.update(actor, sobject, record_id, values, options=self._options(body)))

    def _delete(self, request: Request, body: dict[str, Any], sobject: str, record_id: str) -> Response:
        actor = self._actor(request.args.get("as") or body.get("as"))
        return self._result(self.org.dml.delete(actor, sobject, record_id, options=self._options(body)))

    def _touch(self, request: Request, body: dict[str, Any], sobject: str, record_id: str) -> Response:
        return self._result(self.org.dml.system_touch(sobject, record_id))

    def _merge(self, request: Request, body: dict[str, Any], sobject: str, record_id: str) -> Response:
        """Merge as a person does (any user, permissions skipped), exactly as SOAP `merge()` does."""
        actor = self._actor(body.get("as"))
        victims = tuple(str(i) for i in body.get("records", ()))
        values = dict(body.get("values", {}))
        try:
            result = merge(self.org, actor, MergeRequest(sobject, record_id, victims, values), enforce_access=False)
        except UnsupportedObject as error:
            raise ControlError(400, f"{error.code}: {error}") from error
        return json_response(result.json())

    def _convert(self, request: Request, body: dict[str, Any], record_id: str) -> Response:
        actor = self._actor(body.get("as"))
        links = {k: str(body[k]) for k in ("contact", "account", "opportunity") if body.get(k)}
        if "contact" not in links or "account" not in links:
            links |= self._conversion_targets(actor, record_id, links)
        return self._result(self.org.dml.convert_lead(actor, record_id, links))

    def _conversion_targets(self, actor: User, lead_id: str, links: dict[str, str]) -> dict[str, str]:
        """Create the account and contact a conversion would, from the lead's own values."""
        row = (
            self.org.connect()
            .execute('SELECT "FirstName", "LastName", "Company", "Email" FROM "Lead" WHERE "Id" = ?', (lead_id,))
            .fetchone()
        )
        if row is None:
            raise ControlError(404, f"no lead {lead_id}")
        options = DmlOptions(allow_save_duplicates=True, enforce_access=False)
        created = dict(links)
        if "account" not in created:
            account = self.org.dml.create(actor, "Account", {"Name": row[2]}, options=options)
            created["account"] = str(account.id)
        values = {"FirstName": row[0], "LastName": row[1], "Email": row[3], "AccountId": created["account"]}
        contact = self.org.dml.create(actor, "Contact", values, options=options)
        if not contact.success:
            raise ControlError(400, contact.errors[0].message)
        created["contact"] = str(contact.id)
        return created

    def _reset(self, request: Request, body: dict[str, Any]) -> Response:
        seeding.reset(self.org)
        self.app.faults.replace([])
        return json_response({"reset": True})

    def _counts(self, request: Request, body: dict[str, Any]) -> Response:
        connection = self.org.connect()
        counts = {}
        for name in self.org.catalog.objects:
            live, deleted = connection.execute(
                f'SELECT COUNT(*) - COALESCE(SUM("IsDeleted"), 0), COALESCE(SUM("IsDeleted"), 0) FROM "{name}"'  # noqa: S608 - identifiers come from the catalog, values are bound
            ).fetchone()
            counts[name] = {"live": live, "deleted": deleted}
        return json_response(counts)

    def _calls(self, request: Request, body: dict[str, Any]) -> Response:
        if request.method == "DELETE":
            self.org.reset_stats()
        return json_response(dict(sorted(self.org.calls.items())) | {"api_usage": self.org.api_usage})

    def _trace(self, request: Request, body: Any) -> Response:
        """PUT starts an empty trace of record reads and writes, DELETE stops it; GET returns what it holds."""
        if request.method == "PUT":
            self.org.trace = []
        elif request.method == "DELETE":
            self.org.trace = None
        return json_response([entry._asdict() for entry in list(self.org.trace or [])])

    def _faults(self, request: Request, body: Any) -> Response:
        if request.method == "PUT":
            self.app.faults.replace(parse_rules(body))
        elif request.method == "DELETE":
            self.app.faults.replace([])
        return json_response({"faults": [r.describe() for r in self.app.faults.rules]})

    def _session_lifetime(self, request: Request, body: dict[str, Any]) -> Response:
        self.org.session_lifetime = int(body["seconds"])
        return json_response({"seconds": self.org.session_lifetime})

    def _sessions(self, request: Request, body: dict[str, Any]) -> Response:
        if request.method == "DELETE":
            if body.get("access_token"):
                self.app.sessions.expire(str(body["access_token"]))
            else:
                self.app.sessions.expire_all()
            return json_response({"expired": True})
        return json_response({"access_token": self.app.sessions.open(self._actor(body.get("as")))})

    def _api_limit(self, request: Request, body: dict[str, Any]) -> Response:
        self.org.api_limit = int(body.get("max", self.org.api_limit))
        self.org.api_usage = int(body.get("used", self.org.api_usage))
        return json_response({"max": self.org.api_limit, "used": self.org.api_usage})

    def _duplicate_rules(self, request: Request, body: Any) -> Response:
        if request.method == "PUT":
            if not isinstance(body, list):
                raise ValueError("duplicate-rules takes a list of rules")
            rules = checked_rules(self.org.catalog, parse_duplicate_rules(body))
            with self.org.dml.transaction():  # Setup's DuplicateRule rows change with the rules
                self.org.duplicate_rules = rules
                write_rule_rows(self.org)
        return json_response([_rule_body(rule) for rule in self.org.duplicate_rules])

    def _connected_apps(self, request: Request, body: dict[str, Any]) -> Response:
        app = ConnectedApp(
            name=str(body["name"]),
            consumer_key=str(body["consumer_key"]),
            consumer_secret=str(body.get("consumer_secret", "")),
            certificate=body.get("certificate"),
        )
        self.org.connected_apps[app.consumer_key] = app
        return json_response({"name": app.name, "consumer_key": app.consumer_key})

    def _trusted_ip_ranges(self, request: Request, body: Any) -> Response:
        if request.method == "PUT":
            if not isinstance(body, list):
                raise ValueError("trusted-ip-ranges takes a list of {start, end}")
            self.org.trusted_ip_ranges = parse_ranges(body)
        return json_response([{"start": r.start, "end": r.end} for r in self.org.trusted_ip_ranges])

    def _enhanced_email(self, request: Request, body: Any) -> Response:
        if request.method == "PUT":
            if not isinstance(body, dict) or not isinstance(body.get("enabled"), bool):
                raise ValueError('enhanced-email takes {"enabled": true|false}')
            self.org.enhanced_email = body["enabled"]
        return json_response({"enabled": self.org.enhanced_email})


def _rule_body(rule: DuplicateRule) -> dict[str, Any]:
    return {
        "object": rule.object, "name": rule.name, "fields": list(rule.match_fields), "compare_with": rule.match_object,
        "action": rule.action, "message": rule.message, "match_rule": rule.match_rule, "active": rule.active,
    }  # fmt: skip
