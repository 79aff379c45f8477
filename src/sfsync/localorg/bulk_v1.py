"""Bulk API 1.0 query jobs under `/services/async/NN.0/`, as older loaders still use them.

CumulusCI's data tasks (through the `salesforce-bulk` client) query an object with Bulk API 1.0
once it holds 2,000 records or more (they ask `limits/recordCount` first). The local org serves
the query side: create a `query` or `queryAll` job (`jobInfo` XML, `contentType` CSV), add a batch
whose body is the SOQL, read the job and its batches, close or abort the job, list a batch's
results and download them (CSV, every value quoted; `Records not found for this query` when the
query matched nothing). A batch runs when it is added, so it reads `Completed` (or `Failed`, with
Salesforce's `InvalidBatch : Failed to process query: …` message) at the first status call.
Sessions come in the `X-SFDC-Session` header; failures are the `<error>` document with
`exceptionCode` (`InvalidSessionId`, `InvalidJob`, `InvalidBatch`, `InvalidJobState`).
Every call is an API request, counted as `bulk1.<resource>.<operation>`.

Not served (an `InvalidJob` error says so): ingest operations (insert, update, upsert, delete),
JSON and XML content, PK chunking. Jobs live in memory, for as long as the org runs. Fault rules
do not apply to these routes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sfsync.localorg import bulk_v1_xml as xml
from sfsync.localorg.auth import Sessions
from sfsync.localorg.bulk_csv import Dialect, result_file
from sfsync.localorg.bulk_jobs import new_job_id
from sfsync.localorg.ids import make_id
from sfsync.localorg.org import Org
from sfsync.localorg.permissions import User
from sfsync.localorg.values import now_stamp
from sfsync.localorg.versions import known_version

PREFIX = "/services/async/"
OPERATIONS = frozenset({"query", "queryAll"})
NO_RECORDS = b"Records not found for this query"
_CSV = Dialect.of("COMMA", "LF")
_JOB = PREFIX + "<version>/job/<job_id>"
_BATCH = _JOB + "/batch/<batch_id>"
_MAP = Map(
    [
        Rule(PREFIX + "<version>/job", endpoint="bulk1.job.create", methods=["POST"]),
        Rule(_JOB, endpoint="bulk1.job.get", methods=["GET"]),
        Rule(_JOB, endpoint="bulk1.job.state", methods=["POST"]),
        Rule(_JOB + "/batch", endpoint="bulk1.batch.create", methods=["POST"]),
        Rule(_JOB + "/batch", endpoint="bulk1.batch.list", methods=["GET"]),
        Rule(_BATCH, endpoint="bulk1.batch.get", methods=["GET"]),
        Rule(_BATCH + "/request", endpoint="bulk1.batch.request", methods=["GET"]),
        Rule(_BATCH + "/result", endpoint="bulk1.batch.results", methods=["GET"]),
        Rule(_BATCH + "/result/<result_id>", endpoint="bulk1.batch.result", methods=["GET"]),
    ],
    strict_slashes=False,
)


class Refused(Exception):
    """A call answered with Bulk API 1.0's `<error>` document."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.response = xml.error(status, code, message)


class BulkV1:
    """The org's Bulk API 1.0 query jobs, kept in memory."""

    def __init__(self, org: Org, sessions: Sessions) -> None:
        self._org = org
        self._sessions = sessions
        self._jobs: dict[str, xml.Job] = {}
        self._lock = threading.Lock()
        self._numbers = 0
        self._handlers: Mapping[str, Callable[[User, Request, dict[str, str]], Response]] = {
            "bulk1.job.create": self._create_job,
            "bulk1.job.get": lambda user, request, args: xml.job_info(self._job(user, args)),
            "bulk1.job.state": self._set_state,
            "bulk1.batch.create": self._add_batch,
            "bulk1.batch.list": lambda user, request, args: xml.batch_info_list(self._job(user, args).batches),
            "bulk1.batch.get": lambda user, request, args: xml.batch_info(self._batch(user, args)),
            "bulk1.batch.request": lambda user, request, args: Response(self._batch(user, args).soql),
            "bulk1.batch.results": self._result_list,
            "bulk1.batch.result": self._result,
        }

    def dispatch(self, request: Request, path: str) -> Response:
        try:
            endpoint, args = _MAP.bind("").match(path, method=request.method)
        except NotFound:
            return xml.error(404, "InvalidUrl", "The requested resource does not exist")
        except MethodNotAllowed:
            return xml.error(405, "InvalidUrl", f"HTTP Method '{request.method}' not allowed.")
        try:
            return self._call(str(endpoint), request, {k: str(v) for k, v in args.items()})
        except Refused as refused:
            return refused.response

    def _call(self, endpoint: str, request: Request, args: dict[str, str]) -> Response:
        if not known_version(args["version"]):
            raise Refused(404, "InvalidVersion", f"Invalid api version specified on URL: {args['version']}")
        token = request.headers.get("X-SFDC-Session", "") or request.headers.get("Authorization", "")[7:]
        user = self._sessions.user(token.strip())
        if user is None:
            raise Refused(400, "InvalidSessionId", "Invalid session id")
        if not user.api_enabled:
            raise Refused(400, "ApiDisabled", "API is disabled for this User")
        if self._org.limit_reached():
            raise Refused(403, "ExceededQuota", "TotalRequests Limit exceeded.")
        self._org.count_call(endpoint, api=True)
        return self._handlers[endpoint](user, request, args)

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._numbers += 1
            return make_id(prefix, self._numbers)

    def _create_job(self, user: User, request: Request, args: dict[str, str]) -> Response:
        operation, sobject, content = (_field(request, name) for name in ("operation", "object", "contentType"))
        if operation not in OPERATIONS:
            raise Refused(400, "InvalidJob", f"The local org serves query jobs only, not {operation or 'none'}")
        if (content or "CSV") != "CSV":
            raise Refused(400, "InvalidJob", f"The local org serves CSV query jobs only, not {content}")
        if request.headers.get("Sforce-Enable-PKChunking", "false").strip().lower() != "false":
            raise Refused(400, "InvalidJob", "The local org does not chunk query jobs (Sforce-Enable-PKChunking)")
        if (_field(request, "concurrencyMode") or "Parallel") != "Parallel":
            raise Refused(400, "InvalidJob", "The local org runs every job in Parallel mode")
        spec = self._org.catalog.get(sobject)
        if spec is None:
            raise Refused(400, "InvalidJob", f"Unable to find object: {sobject}")
        job = xml.Job(new_job_id(), operation, spec.name, user.id, now_stamp(), "CSV", f"{args['version']}")
        with self._lock:
            self._jobs[job.id] = job
        return xml.job_info(job)

    def _set_state(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, state = self._job(user, args), _field(request, "state")
        if state not in ("Closed", "Aborted"):
            raise Refused(400, "InvalidJobState", f"Invalid state: {state}")
        if job.state != "Open":
            raise Refused(400, "InvalidJobState", f"Job {job.id} is not open: {job.state}")
        job.state = state
        return xml.job_info(job)

    def _add_batch(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job = self._job(user, args)
        if job.state != "Open":
            raise Refused(400, "InvalidJobState", f"Batches can only be added to an open job; this one is {job.state}")
        soql = request.get_data(as_text=True).strip()
        batch = xml.Batch(self._next_id("751"), job.id, now_stamp(), soql)
        job.batches.append(batch)
        self._run(user, job, batch)
        return xml.batch_info(batch, 201)

    def _run(self, user: User, job: xml.Job, batch: xml.Batch) -> None:
        started = time.monotonic()
        try:
            header, rows = self._org.queries.bulk_rows(
                batch.soql, access=self._org.access_for(user), include_deleted=job.operation == "queryAll"
            )
            lines = list(rows)
        except Exception as error:
            code = getattr(error, "error_code", None)
            if code is None:
                raise
            batch.state = "Failed"
            batch.state_message = f"InvalidBatch : Failed to process query: {code}: {getattr(error, 'message', error)}"
            return
        self._org.note("read", user.username, job.sobject, ["*"])
        batch.records = len(lines)
        batch.result = result_file(header, lines, _CSV, quote_all=True).encode() if lines else NO_RECORDS
        batch.result_id = self._next_id("752")
        batch.milliseconds = int((time.monotonic() - started) * 1000)
        batch.state = "Completed"

    def _result_list(self, user: User, request: Request, args: dict[str, str]) -> Response:
        batch = self._batch(user, args)
        if batch.state != "Completed":
            raise Refused(400, "InvalidBatch", f"Batch not completed: {batch.state}")
        return xml.result_list([batch.result_id])

    def _result(self, user: User, request: Request, args: dict[str, str]) -> Response:
        batch = self._batch(user, args)
        if batch.state != "Completed" or args["result_id"] != batch.result_id:
            raise Refused(400, "InvalidBatch", f"Unknown result {args['result_id']} for batch {batch.id}")
        return Response(batch.result, content_type="text/csv; charset=UTF-8")

    def _job(self, user: User, args: dict[str, str]) -> xml.Job:
        job = self._jobs.get(args["job_id"])
        if job is None or job.created_by != user.id:
            raise Refused(400, "InvalidJob", f"Unable to find job: {args['job_id']}")
        return job

    def _batch(self, user: User, args: dict[str, str]) -> xml.Batch:
        job = self._job(user, args)
        batch = next((b for b in job.batches if b.id == args["batch_id"]), None)
        if batch is None:
            raise Refused(400, "InvalidBatch", f"Unable to find batch: {args['batch_id']}")
        return batch


def _field(request: Request, name: str) -> str:
    try:
        return xml.field_text(request.get_data(), name)
    except xml.RequestXmlError as error:
        raise Refused(400, "XmlParseError", f"The request is not well-formed XML: {error}") from error
