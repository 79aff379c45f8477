"""The calls a plan expects apply to make, per object: what `plan` shows before anything is sent.

The counts follow what apply sends (engine/applying/runs.py): Collections requests of `COLLECTION_SIZE`,
guarded updates in chunks of `GUARDED_CHUNK`, Bulk create jobs sized by `create_jobs`, Bulk update jobs
of `BULK_UPDATE_JOB_SIZE`, and the checks each of them rides on or costs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.config.models import ApiChoice, Config, WriteGuard
from sfsync.engine.planning.api_choice import RECENT_EDIT_WINDOW, choose_api
from sfsync.engine.planning.create_jobs import JobSizing, create_check_calls, ingest_jobs, job_size, sizing_note
from sfsync.engine.planning.emails import EMAILS_WRITTEN_AS
from sfsync.engine.plans.plan import Api, ObjectEstimate, PlanDiagnostic
from sfsync.errors import Severity
from sfsync.salesforce.reads import RETRIEVE_SIZE

COLLECTION_SIZE = 200
BULK_JOB_CALLS = 5  # create, upload, close, poll, results
# A Bulk update job's changes are held while it is sent: a run of more updates goes in jobs of this many,
# each checked right before it is sent by re-reading its targets (a call per `RETRIEVE_SIZE`), never all held.
BULK_UPDATE_JOB_SIZE = 10_000
BULK_QUERY_CALLS = 3  # create, poll, results
GUARDED_PER_CALL = 25  # sObject Rows subrequests in one composite request
# A chunk of guarded updates: eight composite requests, the last keeping a subrequest for the next chunk's check.
GUARDED_CHUNK = 8 * GUARDED_PER_CALL - 1


def bulk_update_calls(updates: int) -> int:
    """What a run of `updates` sent by Bulk costs: one job checked by one query job, or (a longer run)
    jobs of `BULK_UPDATE_JOB_SIZE`, each checked by re-reading its targets."""
    if updates <= BULK_UPDATE_JOB_SIZE:
        return (updates > 0) * (BULK_QUERY_CALLS + BULK_JOB_CALLS)
    full, rest = divmod(updates, BULK_UPDATE_JOB_SIZE)
    rereads = full * math.ceil(BULK_UPDATE_JOB_SIZE / RETRIEVE_SIZE) + math.ceil(rest / RETRIEVE_SIZE)
    return (full + (rest > 0)) * BULK_JOB_CALLS + rereads


def estimates(
    config: Config,
    counts: Mapping[str, Sequence[int]],
    on_rest: Mapping[str, int] | None = None,
    sizes: Mapping[str, JobSizing] | None = None,
) -> tuple[ObjectEstimate, ...]:
    """The API choice per object (`sync.api`, Bulk above `bulk_threshold` writes) and calls expected, from
    the creates and updates per object (`counts`).

    `on_rest`: per object written by Bulk, the updates kept on REST (`api_choice.rest_updates`), counted
    with the REST path's calls, and under `auto` the query job apply finds them with; the object's guard
    is `none` while any update is left to Bulk. `sizes`: how `create_jobs` sized the objects' Bulk create
    jobs (an object left out goes in jobs of `sync.bulk_create_job_size`, or 2,000 under `auto`)."""
    result = []
    conditional = config.sync.write_guard is WriteGuard.CONDITIONAL
    for sobject, (creates, updates) in sorted(counts.items()):
        api = choose_api(config, creates + updates)
        note = ""
        if sobject in EMAILS_WRITTEN_AS:
            result.append(_email_estimate(config, sobject, creates))
            continue
        if api is Api.BULK:  # create jobs: each one's check, then the job; updates: a check query job, then one job
            guarded = min((on_rest or {}).get(sobject, 0), updates)
            bulk_updates = updates - guarded
            sizing = (sizes or {}).get(sobject)
            size = job_size(config, sizing)
            note = sizing_note(sizing) if (sizing and creates > size) or (sizing and sizing.guarded) else ""
            ext = bool(config.sync.external_id_field)
            checks = create_check_calls(
                sobject, creates, size, guarded=bool(sizing and sizing.guarded), external_ids=ext
            )
            calls = checks + ingest_jobs(creates, size) * BULK_JOB_CALLS
            calls += bulk_update_calls(bulk_updates)
            rest_writes = _update_calls(guarded, conditional=conditional)
            calls += rest_writes + (rest_writes > 0)  # the REST-kept updates' first check alone, as above
            if updates and config.sync.api is ApiChoice.AUTO:  # apply's query job for the recently edited
                calls += BULK_QUERY_CALLS
            guard = "none" if bulk_updates else str(config.sync.write_guard)
        else:  # the first chunk's check alone, then each write, carrying the next chunk's (applying/pipeline)
            chunk = GUARDED_CHUNK if conditional else COLLECTION_SIZE  # applying/runs: the chunks apply sends
            writes = math.ceil(creates / chunk) + _update_calls(updates, conditional=conditional)
            calls = writes + (writes > 0)
            guard = str(config.sync.write_guard)
        result.append(ObjectEstimate(sobject, creates, updates, api, calls, guard if updates else "", note))
    return tuple(result)


def _email_estimate(config: Config, sobject: str, creates: int) -> ObjectEstimate:
    """Emails: a look-up a collection's worth (200), then the creates, by collection or, when `sync.api` chooses
    Bulk for the object, by Bulk insert jobs (`job_size`); an EmailMessage's relations the same."""
    api = choose_api(config, creates)
    steps = 2 if sobject == EMAIL_OBJECT else 1
    if api is Api.BULK:
        calls = steps * (
            math.ceil(creates / COLLECTION_SIZE) + ingest_jobs(creates, job_size(config, None)) * BULK_JOB_CALLS
        )
    else:
        calls = 2 * steps * math.ceil(creates / COLLECTION_SIZE)
    return ObjectEstimate(sobject, creates, 0, api, calls, "")


def bulk_update_notes(
    estimated: Iterable[ObjectEstimate], on_rest: Mapping[str, int], config: Config
) -> list[PlanDiagnostic]:
    """A warning per object whose updates (some or all) go by Bulk, which cannot refuse a concurrent edit."""
    notes = []
    for estimate in estimated:
        guarded = min(on_rest.get(estimate.sobject, 0), estimate.updates)
        unguarded = estimate.updates - guarded
        if estimate.api is not Api.BULK or not unguarded:
            continue
        goes = "goes" if guarded == 1 else "go"
        kept = (
            f" {guarded} of its {estimate.updates} updates, of records a person edited in the "
            f"{RECENT_EDIT_WINDOW.days} days before the read, {goes} over REST with `sync.write_guard: "
            f"{config.sync.write_guard}` instead."
            if guarded
            else ""
        )
        summary = f"{estimate.sobject}: {unguarded} Bulk update{'s are' if unguarded != 1 else ' is'} not guarded"
        detail = (
            "Bulk API has no conditional update: an edit a person makes to a field the job writes while it runs "
            f"is overwritten.{kept} `sync.api: rest` guards every update."
        )
        notes.append(PlanDiagnostic(Severity.WARNING, summary, detail, path="sync.api"))
    return notes


def _update_calls(updates: int, *, conditional: bool) -> int:
    """The update writes: one Collections request per 200, or, guarded, per chunk of `GUARDED_CHUNK` one
    composite request per `GUARDED_PER_CALL` (sObject Rows subrequests). Each chunk's re-read rides in the
    write before it, so only an object's first check is a call of its own (counted by the caller)."""
    if not conditional:
        return math.ceil(updates / COLLECTION_SIZE)
    full, rest = divmod(updates, GUARDED_CHUNK)
    return full * math.ceil(GUARDED_CHUNK / GUARDED_PER_CALL) + math.ceil(rest / GUARDED_PER_CALL)
