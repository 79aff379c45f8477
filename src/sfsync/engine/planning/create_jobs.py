"""How many creates go in one Bulk insert job: `sync.bulk_create_job_size`, or under `auto` what the org guards.

Each create job is checked right before it is sent, so a record a person makes while earlier jobs run is
linked, not created again; only one landing inside a job's own window can be missed. Where an active
duplicate rule of the org blocks, on create, a duplicate of the object's create key (Email for Leads and
Contacts, Website for Accounts: all the fields its matching rule compares, on the object itself), the org
refuses that racing duplicate too (DUPLICATES_DETECTED: linked or rejected, never kept), so small jobs buy
nothing: `auto` sends the object's creates in jobs of `GUARDED_JOB`, as big as apply's memory allows (a
job's changes are held while it is sent). Anything that cannot be confirmed, including rules that cannot
be read, keeps jobs of `SMALL_JOB`.

The check costs one query of `DuplicateRule`, then one UI API call per object with an active rule; plan
makes it for the estimate, and apply makes it again right before the object's creates (a rule deactivated
in between must not leave a big job unguarded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sfsync.config.models import Config
from sfsync.engine.planning.api_choice import choose_api
from sfsync.engine.plans.plan import Api
from sfsync.errors import RemoteError
from sfsync.salesforce.duplicate_guards import NEEDS, RULE_FIELDS
from sfsync.salesforce.port import DuplicateRuleAction, SalesforcePort
from sfsync.salesforce.query import In, Query

SMALL_JOB = 2000
# A job's changes, their checks and their results are held while it is sent: one job of every create took
# apply to 1,095 MiB of peak RSS at 100,000 people, about 10 KiB a create. Salesforce processes an ingest job in
# internal batches of 10,000 records, each counted against the org's 15,000 batches a day, so jobs of this
# size spend no more of that allowance than one big job; they cost five calls each.
GUARDED_JOB = 10_000
CREATE_KEY: dict[str, frozenset[str]] = {
    "Lead": frozenset({"email"}),
    "Contact": frozenset({"email"}),
    "Account": frozenset({"website"}),
}


@dataclass(frozen=True)
class JobSizing:
    """The creates per Bulk job for one object, and why (said in the plan); `guarded`: an active rule of
    the org blocks a duplicate of the create key, so the object's creates go in jobs of `GUARDED_JOB`."""

    sobject: str
    size: int
    why: str
    guarded: bool = False


def create_job_sizes(port: SalesforcePort, config: Config, sobjects: Sequence[str]) -> dict[str, JobSizing]:
    """The sizing of each object in `sobjects` (those whose creates go by Bulk in more than one small job)."""
    chosen = config.sync.bulk_create_job_size
    if chosen != "auto":
        return {s: JobSizing(s, chosen, f"`sync.bulk_create_job_size: {chosen}`") for s in sobjects}
    if not sobjects:
        return {}
    try:
        rows = list(port.query(Query("DuplicateRule", RULE_FIELDS, In("SobjectType", tuple(sobjects)))))
    except RemoteError as error:
        why = f"the org's duplicate rules could not be read ({error.code or error}; {NEEDS})"
        return {s: _small(s, why) for s in sobjects}
    active = {str(r.get("SobjectType") or "").lower() for r in rows if r.get("IsActive") is True}
    return {s: _sizing(port, s) if s.lower() in active else _small(s, "no active duplicate rule") for s in sobjects}


def _sizing(port: SalesforcePort, sobject: str) -> JobSizing:
    try:
        actions = port.duplicate_rule_actions(sobject)
    except RemoteError as error:
        return _small(sobject, f"whether a duplicate rule blocks on create could not be read ({error.code or error})")
    guarding = [a.name for a in actions if _guards_key(a, sobject)]
    if guarding:
        key = "Website" if sobject == "Account" else "Email"
        return JobSizing(sobject, GUARDED_JOB, f"duplicate rule {guarding[0]} blocks a duplicate {key} on create", True)
    blocking = [a.name for a in actions if a.action_on_insert.lower() == "block"]
    if blocking:
        return _small(sobject, f"no blocking duplicate rule matches on its create key alone ({', '.join(blocking)})")
    return _small(sobject, "no active duplicate rule blocks on create")


def jobbed(config: Config, counts: Mapping[str, Sequence[int]]) -> list[str]:
    """The objects whose Bulk creates (of the plan's creates and updates per object) fill more than one
    small job: those worth sizing (one or one small job needs no look at the org's rules)."""
    return [s for s, (creates, updates) in sorted(counts.items()) if creates > SMALL_JOB and
            choose_api(config, creates + updates) is Api.BULK]  # fmt: skip


def sizing_at_apply(port: SalesforcePort, config: Config, sobject: str, changes: int) -> JobSizing | None:
    """The object's sizing right before its creates are sent (None: `job_size`, no look at the org needed)."""
    return create_job_sizes(port, config, [sobject])[sobject] if changes > SMALL_JOB else None


def job_size(config: Config, sizing: JobSizing | None) -> int:
    """Creates per job: as sized, else `sync.bulk_create_job_size` (`SMALL_JOB` under `auto`)."""
    if sizing is not None:
        return sizing.size
    chosen = config.sync.bulk_create_job_size
    return SMALL_JOB if chosen == "auto" else chosen


def _guards_key(action: DuplicateRuleAction, sobject: str) -> bool:
    """Blocks on create, with a matching rule on the object itself comparing no field but its create key.

    A rule also comparing the name lets a racing duplicate with another spelling through, and one comparing
    with another object (a Contact rule matching Leads) does not see the object's own duplicates."""
    if action.action_on_insert.lower() != "block":
        return False
    key = CREATE_KEY.get(sobject, frozenset())
    return any(
        target.lower() == sobject.lower() and fields and {f.lower() for f in fields} <= key
        for target, fields in action.matches
    )


def _small(sobject: str, why: str) -> JobSizing:
    return JobSizing(sobject, SMALL_JOB, f"{why}: jobs of {SMALL_JOB}, each checked right before it is sent")


def sizing_note(sizing: JobSizing) -> str:
    """The estimate's words for one object: how its creates are sent, and why."""
    if sizing.guarded:
        return f"creates in jobs of {sizing.size}: {sizing.why}, confirmed again at apply"
    return f"creates in jobs of {sizing.size}: {sizing.why}"


# Bulk's limit of CSV per ingest job, less the adapter's margin, and about what one create's row takes of it:
# a job of wide rows is split into jobs where this much CSV ends.
JOB_CSV_BYTES = 99 * 1024 * 1024
ROW_BYTES = 200


def ingest_jobs(creates: int, size: int) -> int:
    """The insert jobs an object's `creates` go in, in jobs of `size` and of at most 100 MB of CSV each."""
    return max(math.ceil(creates / size), math.ceil(creates * ROW_BYTES / JOB_CSV_BYTES))


# About how much of a SOQL `WHERE` one key takes (`'ann.lee@example.com',`; a domain as `Website LIKE
# '%example.com%' OR `), where SOQL's 20,000 characters split a job's key query.
KEY_CHARS = {"Account": 40, "Contact": 30, "Lead": 30}
SOQL_CHARS = 20_000


def create_check_calls(sobject: str, creates: int, size: int, *, guarded: bool, external_ids: bool) -> int:
    """The queries checking an object's Bulk create jobs of `size` (engine/applying/create_check): the
    first job's keys, split where SOQL's length ends (and its external ids), then one per later job; one
    per job when a blocking rule guards the object (`guarded`)."""
    jobs = math.ceil(creates / size)
    if not jobs or guarded:
        return jobs
    first = min(creates, size)
    key_queries = math.ceil(first * KEY_CHARS.get(sobject, 30) / SOQL_CHARS)
    id_queries = math.ceil(first * 30 / SOQL_CHARS) if external_ids else 0
    return key_queries + id_queries + (jobs - 1)
