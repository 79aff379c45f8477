"""Which API writes an object's changes (`sync.api`), and which updates stay on REST when Bulk is chosen.

`auto` sends an object's writes through Bulk API 2.0 above `bulk_threshold` records, REST below. Bulk has
no conditional update: an edit a person makes while its job runs is overwritten for the fields it
writes. So even then, `auto` keeps on REST (where `sync.write_guard` guards each update) the updates
of records a person edited recently: last modified by someone other than sfsync's login, within
`RECENT_EDIT_WINDOW` of the object's read watermark (the newest change the plan read of the object;
the moment plan and apply share, so both split alike). Those are the records a person is working on,
the likeliest to be edited again during the write. Creates, and the other updates, go Bulk. With a
`shared` or `admin` login, people's edits and sfsync's carry one user id: any recent edit counts.

The plan counts them in the mirror, which holds what its read saw (`LastModifiedDate`,
`LastModifiedById`). Apply asks Salesforce again with one Bulk query job per object (`BULK_QUERY_CALLS`,
in the plan's estimate): the store may not hold the plan's read (a plan made with a config not applied
yet keeps nothing), and a record a person edited since the plan is kept on REST too.
`sync.api: bulk` is a choice for Bulk whatever was touched: nothing is kept on REST then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from sfsync.config.models import ApiChoice, Config, IntegrationUser
from sfsync.engine.plans.plan import Action, Api, RecordChange
from sfsync.salesforce.port import SalesforcePort
from sfsync.salesforce.query import Gte, Ne, Query, all_of
from sfsync.store import Store
from sfsync.store.mirror import MirrorRecord
from sfsync.store.session import utc_now

RECENT_EDIT_WINDOW = dt.timedelta(days=7)
_LOOKUP_BATCH = 2000  # update targets looked up in the mirror at a time
_ID15 = 15  # a user id compared in its case-sensitive 15-character form (one side may have 18)


def choose_api(config: Config, writes: int) -> Api:
    if config.sync.api is not ApiChoice.AUTO:
        return Api(config.sync.api)
    return Api.BULK if writes > config.sync.bulk_threshold else Api.REST


def recently_edited(
    store: Store, config: Config, sobject: str, sf_ids: Iterable[str], own_user: str, watermark: dt.datetime | None
) -> frozenset[str]:
    """The records among `sf_ids` whose updates stay on REST under `sync.api: auto`, as the mirror has them."""
    if config.sync.api is not ApiChoice.AUTO:
        return frozenset()
    own = _own(config, own_user)
    since = (watermark or utc_now()) - RECENT_EDIT_WINDOW
    known = store.mirror.get_many(sobject, list(sf_ids))
    return frozenset(sf_id for sf_id, record in known.items() if _edited_by_someone(record, own, since))


def recently_edited_now(
    port: SalesforcePort, config: Config, sobject: str, watermark: dt.datetime | None
) -> frozenset[str]:
    """The object's records as Salesforce has them now, asked with one Bulk query job (apply's split):
    every one edited recently by someone else, whether apply updates it or not (checked per job)."""
    if config.sync.api is not ApiChoice.AUTO:
        return frozenset()
    own = _own(config, port.identity().user_id)
    since = (watermark or utc_now()) - RECENT_EDIT_WINDOW
    where = all_of(Gte("LastModifiedDate", since), Ne("LastModifiedById", own) if own else None)
    return frozenset(
        sf_id for row in port.bulk_query(Query(sobject, ("Id",), where)) if (sf_id := str(row.get("Id") or ""))
    )


def _own(config: Config, user_id: str) -> str:
    return user_id[:_ID15] if config.connection.integration_user is IntegrationUser.DEDICATED else ""


def rest_updates(
    store: Store,
    config: Config,
    changes: Callable[[], Iterable[RecordChange]],
    totals: Mapping[str, Sequence[int]],
    own_user: str,
    watermarks: Mapping[str, str],
) -> dict[str, int]:
    """Per object written by Bulk, how many of its updates stay on REST (what `estimates` counts).

    `totals` holds each object's creates and updates; `changes` is read (once, and only when some object
    with updates goes by Bulk under `auto`) in batches of `_LOOKUP_BATCH` targets, so memory stays bounded."""
    if config.sync.api is not ApiChoice.AUTO:
        return {}
    bulk = {
        name
        for name, (creates, updates) in totals.items()
        if updates and choose_api(config, creates + updates) is Api.BULK
    }
    if not bulk:
        return {}
    counts = dict.fromkeys(sorted(bulk), 0)
    marks = {name: dt.datetime.fromisoformat(stamp) if (stamp := watermarks.get(name)) else None for name in bulk}
    pending: dict[str, list[str]] = {name: [] for name in bulk}

    def count(sobject: str) -> None:
        ids, pending[sobject] = pending[sobject], []
        counts[sobject] += len(recently_edited(store, config, sobject, ids, own_user, marks[sobject]))

    for change in changes():
        if change.sobject in bulk and change.action is Action.UPDATE and change.sf_id:
            pending[change.sobject].append(change.sf_id)
            if len(pending[change.sobject]) >= _LOOKUP_BATCH:
                count(change.sobject)
    for sobject in bulk:
        count(sobject)
    return counts


def _edited_by_someone(record: MirrorRecord, own: str, since: dt.datetime) -> bool:
    modified = record.last_modified_date
    if modified is None or modified < since:
        return False
    editor = str(record.fields.get("LastModifiedById") or "")
    return not own or editor[:_ID15] != own  # unknown editor (a record read before it was kept): a person's
