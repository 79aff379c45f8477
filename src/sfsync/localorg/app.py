"""The local org's WSGI application: routing, authentication, API limits, faults and counters.

Extending the API (Bulk API 2.0 does this): a module with a function `routes(router: Router) -> None`
registers its rules with `router.add("jobs/ingest/<job_id>", "bulk.ingest.get", handler, ["GET"])`.
Paths are relative to `/services/data/vXX.X/`; the endpoint name (`area.resource.operation`) is
also the call counter's name and what fault rules match. A handler takes an `ApiCall` (org, user,
request, api_version, decoded path args) and returns a werkzeug `Response`; raising `ApiError`
gives Salesforce's JSON error array. Authentication, the daily API limit, `Sforce-Limit-Info`
and faults are applied here, around every handler. `EXTENSIONS` lists the modules mounted.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import socket
import struct
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sfsync.localorg import auth, bulk_v1, options, soap
from sfsync.localorg.api import ApiCall, ApiError, error_response, json_response
from sfsync.localorg.faults import FaultPlan, RequestFacts
from sfsync.localorg.merge import UnsupportedObject, merge, mergeable
from sfsync.localorg.org import Org
from sfsync.localorg.router import Router
from sfsync.localorg.versions import known_version, versions

log = logging.getLogger("sfsync.localorg")
EXTENSIONS = (
    "sfsync.localorg.rest",
    "sfsync.localorg.record_count",
    "sfsync.localorg.duplicate_setup",
    "sfsync.localorg.collections",
    "sfsync.localorg.composite",
    "sfsync.localorg.tree",
    "sfsync.localorg.bulk",
)
CONTROL_PREFIX = "/_localorg/"
INVALID_SESSION = ("INVALID_SESSION_ID", "Session expired or invalid")
_AUTH_MAP = Map(
    [
        Rule("/services/Soap/u/<version>", endpoint="auth.soap", methods=["POST"]),
        Rule("/services/Soap/u/<version>/<org_id>", endpoint="auth.soap", methods=["POST"]),
        Rule("/services/oauth2/token", endpoint="auth.oauth", methods=["POST"]),
        Rule("/services/oauth2/userinfo", endpoint="auth.userinfo", methods=["GET", "POST"]),
        Rule("/id/<org_id>/<user_id>", endpoint="auth.userinfo", methods=["GET", "POST"]),
        Rule("/services/data", endpoint="rest.versions", methods=["GET"]),
    ],
    strict_slashes=False,
)


class ConnectionDropped(ConnectionResetError):
    """Raised after a committed write to reset the client's connection without a response."""


class LocalOrgApp:
    def __init__(self, org: Org, faults: FaultPlan | None = None) -> None:
        self.org = org
        self.sessions = auth.Sessions(org)
        self.faults = faults or FaultPlan()
        self.admin_token = secrets.token_urlsafe(32)
        self.router = Router()
        for name in EXTENSIONS:
            _mount(self.router, name)
        self.api_map = self.router.url_map()
        self.bulk_v1 = bulk_v1.BulkV1(org, self.sessions)
        from sfsync.localorg.control import Control

        self.control = Control(self)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        path = _raw_path(environ, request)
        if path.startswith(CONTROL_PREFIX):
            response = self.control.dispatch(request, path[len(CONTROL_PREFIX) :])
        else:
            response = self._dispatch(request, path, environ)
        return response(environ, start_response)

    def _dispatch(self, request: Request, path: str, environ: dict[str, Any]) -> Response:
        if path.startswith(bulk_v1.PREFIX):
            return self._with_usage(self.bulk_v1.dispatch(request, path))
        try:
            endpoint, args = _AUTH_MAP.bind("").match(path, method=request.method)
        except NotFound:
            return self._api(request, path, environ)
        except MethodNotAllowed:
            return error_response(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed.")
        return self._auth(request, str(endpoint), args, environ)

    def _auth(self, request: Request, endpoint: str, args: Mapping[str, Any], environ: dict[str, Any]) -> Response:
        if endpoint == "rest.versions":
            self.org.count_call(endpoint, api=False)
            return json_response(versions())
        if endpoint == "auth.userinfo":
            user = self.sessions.user(auth.bearer(request))
            if user is None:
                return json_response({"error": "Bad_OAuth_Token"}, 403)
            return auth.userinfo(self.org, request, user)
        if endpoint == "auth.oauth":
            endpoint, response = auth.oauth_token(self.org, self.sessions, request)
        else:
            call = self._soap_call(request, environ)
            if call is not None:
                return call
            response = auth.soap_login(self.org, self.sessions, request, str(args["version"]))
        action = self.faults.decide(RequestFacts(endpoint, request.method, request.path, None))
        self.org.count_call(endpoint, api=False)
        return self._fault_response(action, request, environ) or response

    def _soap_call(self, request: Request, environ: dict[str, Any]) -> Response | None:
        """A SOAP data call (`merge`), or None for a login: authenticated by its SessionHeader, counted
        as an API request (`soap.merge`) and open to faults like the REST API."""
        try:
            root = soap.parse(request.get_data(as_text=True))
        except soap.SoapFault:
            return None  # not an envelope this module reads: the login path answers it as before
        call = soap.operation(root)
        if call is None or call.tag.rpartition("}")[2] == "login":
            return None
        try:
            return self._with_usage(self._soap_data(request, root, call, environ))
        except soap.SoapFault as fault:
            return self._with_usage(soap.fault_response(fault))

    def _soap_data(self, request: Request, root: soap.Element, call: soap.Element, environ: dict[str, Any]) -> Response:
        name = call.tag.rpartition("}")[2]
        if name != "merge":
            raise soap.SoapFault("INVALID_OPERATION", f"No operation available for request {{{soap.PARTNER}}}{name}")
        user = self.sessions.user(soap.session_id(root))
        if user is None:
            raise soap.SoapFault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")
        if not user.api_enabled:
            raise soap.SoapFault("API_DISABLED_FOR_ORG", "API is disabled for this User")
        if self.org.limit_reached():
            raise soap.SoapFault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        self.org.count_call("soap.merge", api=True)
        action = self.faults.decide(RequestFacts("soap.merge", request.method, request.path, None))
        refused = self._fault_response(action, request, environ, soap.session_id(root))
        if refused is not None:
            return refused
        requests = soap.merge_requests(call, self.org.catalog)
        try:  # an object that does not merge refuses the whole call, before any request runs
            for item in requests:
                mergeable(self.org, item.sobject)
        except UnsupportedObject as error:
            raise soap.SoapFault(error.code, str(error), "InvalidSObjectFault") from error
        results = [merge(self.org, user, item) for item in requests]
        if action == "commit_then_drop":
            drop_connection(environ)
        return soap.merge_response(results)

    def _api(self, request: Request, path: str, environ: dict[str, Any]) -> Response:
        try:
            endpoint, raw_args = self.api_map.bind("").match(path, method=request.method)
        except NotFound:
            return error_response(404, "NOT_FOUND", "The requested resource does not exist")
        except MethodNotAllowed as error:
            allowed = ",".join(sorted(error.valid_methods or ()))
            return error_response(
                405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}"
            )
        args = {k: unquote(str(v)) for k, v in raw_args.items()}
        version = args.pop("api_version")
        if not known_version(version):
            return error_response(404, "NOT_FOUND", "The requested resource does not exist")
        token = auth.bearer(request)
        user = self.sessions.user(token)
        if user is None:
            return self._with_usage(error_response(401, *INVALID_SESSION))
        if not user.api_enabled:
            return self._with_usage(error_response(403, "API_DISABLED_FOR_ORG", "API is disabled for this User"))
        if self.org.limit_reached():
            return self._with_usage(error_response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
        self.org.count_call(str(endpoint), api=True)
        call = ApiCall(self.org, request, user, token, version, str(endpoint), args)
        facts = RequestFacts(str(endpoint), request.method, request.path, args.get("sobject"))
        action = self.faults.decide(facts)
        refused = self._fault_response(action, request, environ, token)
        if refused is not None:
            return self._with_usage(refused)
        response = self._handle(call)
        if action == "commit_then_drop":
            drop_connection(environ)
        return self._with_usage(response)

    def _handle(self, call: ApiCall) -> Response:
        try:
            refused = options.refusal(call)  # an option the org does not serve is never silently ignored
            return refused or options.pretty(call.request, self.router.handlers[call.endpoint](call))
        except ApiError as error:
            return json_response(error.errors, error.status)
        except Exception:
            log.exception("unexpected error in %s", call.endpoint)
            error_id = secrets.randbelow(10**9)
            message = f"An unexpected error occurred. Please include this ErrorId if you contact support: {error_id}"
            return error_response(500, "UNKNOWN_EXCEPTION", message)

    def _fault_response(
        self, action: str | None, request: Request, environ: dict[str, Any], token: str = ""
    ) -> Response | None:
        if action is None or action == "commit_then_drop":
            return None
        if action.startswith("latency_ms:"):
            time.sleep(int(action.split(":", 1)[1]) / 1000)
            return None
        if action == "expire_session":
            self.sessions.expire(token)
            return error_response(401, *INVALID_SESSION)
        return {
            "http_500": lambda: error_response(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred."),
            "http_503": lambda: error_response(503, "SERVER_UNAVAILABLE", "Server is unavailable, try again later."),
            "unable_to_lock_row": lambda: error_response(
                400, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records"
            ),
            "request_limit_exceeded": lambda: error_response(
                403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."
            ),
        }[action]()

    def _with_usage(self, response: Response) -> Response:
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.org.api_usage}/{self.org.api_limit}"
        return response


def drop_connection(environ: dict[str, Any]) -> None:
    """Reset the client's connection: the work is done, but no response will ever arrive."""
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raise ConnectionDropped("commit_then_drop")


def _raw_path(environ: dict[str, Any], request: Request) -> str:
    """The path still percent-encoded, so that `%2F` inside an external id stays inside its segment."""
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path).split("?", 1)[0]
    path = raw.split("://", 1)[-1] if "://" in raw else raw
    if not path.startswith("/"):
        path = "/" + path.split("/", 1)[-1] if "/" in path else "/"
    return path.rstrip("/") or "/"


def _mount(router: Router, module_name: str) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        log.debug("%s is not available", module_name)
        return
    module.routes(router)
