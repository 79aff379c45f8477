"""Bulk API 1.0 under `/services/async/NN.0/`, as CumulusCI (`salesforce-bulk`) and simple-salesforce's
`sf.bulk` speak it: ingest jobs (insert, update, upsert, delete) and query jobs (query, queryAll).

Create a job (`jobInfo` in XML, or JSON with `Content-Type: application/json`; `contentType` CSV or
JSON), add batches (`POST …/batch`: CSV or a JSON array of records, or the SOQL of a query), read
the job, one batch, the list of batches and a batch's request, close (`Closed`) or abort the job,
then read each batch's results: for ingest one result per row (CSV `"Id","Success","Created","Error"`,
or JSON `{"success", "created", "id", "errors"}`), for a query the result ids and each result.
Every answer about a job is in the job's form (XML for CSV jobs); a job create or an error before
the job is known answers in the request's form.

Ingest batches run asynchronously (`bulk_v1_runner`): in parallel by default, one after another in
order for a `Serial` job; rows of a batch in order. Query batches run when added. Sessions come in
`X-SFDC-Session` (or `Authorization: Bearer`); failures are the `error` document with Salesforce's
`exceptionCode` (`InvalidSessionId`, `InvalidJob`, `InvalidBatch`, `InvalidJobState`,
`FeatureNotEnabled` for hardDelete, which needs the Bulk API Hard Delete permission no user here
holds). Every call is an API request, counted as `bulk1.<resource>.<operation>`.

Not served (an `InvalidJob` error says so): XML and ZIP content, PK chunking, assignment rules.
Jobs live in memory, for as long as the org runs. Fault rules do not apply to these routes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sfsync.localorg import bulk_v1_documents as docs
from sfsync.localorg import bulk_v1_jobs as v1
from sfsync.localorg import options
from sfsync.localorg.auth import Sessions
from sfsync.localorg.bulk import bad_external_id, external_id_field
from sfsync.localorg.bulk_jobs import new_job_id
from sfsync.localorg.bulk_v1_batches import results, run_batch
from sfsync.localorg.bulk_v1_query import NO_RECORDS, run_query
from sfsync.localorg.bulk_v1_runner import BatchRunner
from sfsync.localorg.ids import make_id
from sfsync.localorg.org import Org
from sfsync.localorg.permissions import User
from sfsync.localorg.values import now_stamp
from sfsync.localorg.versions import known_version

PREFIX = "/services/async/"
OPERATIONS = frozenset({"insert", "update", "upsert", "delete", "hardDelete", "query", "queryAll"})
BATCH_TYPES = {"CSV": "text/csv", "JSON": "application/json"}  # a job's contentType: its batches' Content-Type
HARD_DELETE = "hardDelete operation requires special user profile permission, please contact your system administrator"
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
    """A call answered with Bulk API 1.0's `error` document."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class BulkV1:
    """The org's Bulk API 1.0 jobs, kept in memory."""

    def __init__(self, org: Org, sessions: Sessions) -> None:
        self._org = org
        self._sessions = sessions
        self._jobs: dict[str, v1.Job] = {}
        self._lock = threading.Lock()
        self._numbers = 0
        self._runner = BatchRunner(lambda user, job, batch: run_batch(org, user, job, batch))
        self._handlers: Mapping[str, Callable[[User, Request, dict[str, str]], Response]] = {
            "bulk1.job.create": self._create_job,
            "bulk1.job.get": lambda user, request, args: _job_info(request, self._job(user, args)),
            "bulk1.job.state": self._set_state,
            "bulk1.batch.create": self._add_batch,
            "bulk1.batch.list": self._batch_list,
            "bulk1.batch.get": self._batch_info,
            "bulk1.batch.request": self._request,
            "bulk1.batch.results": self._results,
            "bulk1.batch.result": self._result,
        }

    def dispatch(self, request: Request, path: str) -> Response:
        as_json = request.mimetype == "application/json"
        try:
            endpoint, args = _MAP.bind("").match(path, method=request.method)
        except NotFound:
            return docs.error(404, "InvalidUrl", "The requested resource does not exist", as_json=as_json)
        except MethodNotAllowed:
            return docs.error(405, "InvalidUrl", f"HTTP Method '{request.method}' not allowed.", as_json=as_json)
        try:
            answer = self._call(str(endpoint), request, {k: str(v) for k, v in args.items()})
        except Refused as refused:
            answer = docs.error(refused.status, refused.code, str(refused), as_json=as_json)
        return options.pretty(request, answer)  # simple-salesforce's sf.bulk sends X-PrettyPrint: 1

    def stop(self) -> None:
        self._runner.stop()

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
        fields = _fields(request)
        _check_options(request, fields)
        operation, sobject = fields["operation"], fields.get("object", "")
        content, concurrency = fields.get("contentType") or "CSV", fields.get("concurrencyMode") or "Parallel"
        spec = self._org.catalog.get(sobject)
        if spec is None or not self._org.access_for(user).can_read_object(spec.name):
            raise Refused(400, "InvalidJob", f"Unable to find object: {sobject}")
        external = None
        if operation == "upsert":
            named = {"externalIdFieldName": fields.get("externalIdFieldName", "")}
            external = external_id_field(self._org, spec.name, named)
            if external is None:
                raise Refused(400, "InvalidJob", bad_external_id(named, spec.name).removeprefix("InvalidJob : "))
        job = v1.Job(new_job_id(), operation, spec.name, user.id, now_stamp(), content, args["version"])
        job.external_id_field, job.concurrency = external, concurrency
        with self._lock:
            self._jobs[job.id] = job
        return _job_info(request, job, 201)

    def _set_state(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, state = self._job(user, args), _fields(request).get("state", "")
        if state not in (v1.CLOSED, v1.ABORTED):
            raise Refused(400, "InvalidJobState", f"Invalid state: {state}")
        with job.lock:
            if job.state != v1.OPEN and not (state == v1.ABORTED and job.state == v1.CLOSED):
                raise Refused(400, "InvalidJobState", f"Job {job.id} is not open: {job.state}")
            job.state = state
            if state == v1.ABORTED:
                for batch in v1.open_batches(job.batches):
                    batch.state = v1.NOT_PROCESSED
        return _job_info(request, job)

    def _add_batch(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job = self._job(user, args)
        sent = request.mimetype
        if sent and sent != BATCH_TYPES[job.content_type]:
            raise Refused(
                400,
                "InvalidBatch",
                f"A {job.content_type} job takes {BATCH_TYPES[job.content_type]} batches, not {sent}",
            )
        batch = v1.Batch(self._next_id("751"), job.id, now_stamp(), request.get_data(as_text=True))
        with job.lock:
            if job.state != v1.OPEN:
                raise Refused(400, "InvalidJobState", f"Batches can only be added to an open job; it is {job.state}")
            job.batches.append(batch)
        if job.is_query:
            batch.body, batch.result_id = batch.body.strip(), self._next_id("752")
            run_query(self._org, user, job, batch)
        else:
            self._runner.submit(user, job, batch)
        return docs.batch_info(batch, docs.answers_json(request.mimetype, job), 201)

    def _batch_list(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job = self._job(user, args)
        return docs.batch_info_list(list(job.batches), docs.answers_json(request.mimetype, job))

    def _batch_info(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, batch = self._batch(user, args)
        return docs.batch_info(batch, docs.answers_json(request.mimetype, job))

    def _request(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, batch = self._batch(user, args)
        content_type = "text/csv; charset=UTF-8" if job.content_type == "CSV" else "application/json"
        return Response(batch.body, content_type="text/plain; charset=UTF-8" if job.is_query else content_type)

    def _results(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, batch = self._batch(user, args)
        if batch.state != v1.COMPLETED:
            raise Refused(400, "InvalidBatch", f"Batch not completed: {batch.state}")
        if job.is_query:
            return docs.result_list([batch.result_id], docs.answers_json(request.mimetype, job))
        body, content_type = results(job, batch)
        return Response(body, content_type=content_type)

    def _result(self, user: User, request: Request, args: dict[str, str]) -> Response:
        job, batch = self._batch(user, args)
        if not job.is_query or batch.state != v1.COMPLETED or args["result_id"] != batch.result_id:
            raise Refused(400, "InvalidBatch", f"Unknown result {args['result_id']} for batch {batch.id}")
        if batch.records is not None:
            return docs.json_answer(batch.records)
        return Response(batch.result or NO_RECORDS, content_type="text/csv; charset=UTF-8")

    def _job(self, user: User, args: dict[str, str]) -> v1.Job:
        job = self._jobs.get(args["job_id"])
        if job is None or job.created_by != user.id:
            raise Refused(400, "InvalidJob", f"Unable to find job: {args['job_id']}")
        return job

    def _batch(self, user: User, args: dict[str, str]) -> tuple[v1.Job, v1.Batch]:
        job = self._job(user, args)
        batch = next((b for b in job.batches if b.id == args["batch_id"]), None)
        if batch is None:
            raise Refused(400, "InvalidBatch", f"Unable to find batch: {args['batch_id']}")
        return job, batch


def _check_options(request: Request, fields: dict[str, str]) -> None:
    """Refuse a job the org does not run: an unknown operation, hardDelete (no user here holds Bulk API
    Hard Delete), content other than CSV or JSON, PK chunking, an unknown mode, an assignment rule."""
    operation, content = fields.get("operation", ""), fields.get("contentType") or "CSV"
    if operation not in OPERATIONS:
        raise Refused(400, "InvalidJob", f"Invalid operation: {operation or 'none'}")
    if operation == "hardDelete":
        raise Refused(400, "FeatureNotEnabled", HARD_DELETE)
    if content not in BATCH_TYPES:
        raise Refused(400, "InvalidJob", f"The local org serves CSV and JSON jobs, not {content}")
    if request.headers.get("Sforce-Enable-PKChunking", "false").strip().lower() != "false":
        raise Refused(400, "InvalidJob", "The local org does not chunk query jobs (Sforce-Enable-PKChunking)")
    if (fields.get("concurrencyMode") or "Parallel") not in ("Parallel", "Serial"):
        raise Refused(400, "InvalidJob", f"Invalid concurrency mode: {fields['concurrencyMode']}")
    if fields.get("assignmentRuleId"):
        raise Refused(400, "InvalidJob", "Invalid assignment rule id")  # the org has no assignment rules


def _job_info(request: Request, job: v1.Job, status: int = 200) -> Response:
    return docs.job_info(job, docs.answers_json(request.mimetype, job), status)


def _fields(request: Request) -> dict[str, str]:
    try:
        return docs.job_request(request.get_data(), as_json=request.mimetype == "application/json")
    except docs.RequestError as error:
        # InvalidXml as Salesforce's own Java client (WSC's AsyncExceptionCode) spells it
        code = "InvalidJob" if request.mimetype == "application/json" else "InvalidXml"
        raise Refused(400, code, str(error)) from error
