"""Which updates `sync.api: auto` keeps on REST when an object goes Bulk: records a person edited recently."""

from __future__ import annotations

import datetime as dt

from engine_support import LEADS

from sfsync.config.connection import IntegrationUser
from sfsync.engine.planning.api_choice import RECENT_EDIT_WINDOW, recently_edited
from sfsync.store.mirror import MirrorRecord

SFSYNC = "005000000000001AAA"
PERSON = "005000000000002AAA"
MARK = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def _mirror(store, *records: tuple[str, str | None, dt.timedelta]) -> None:
    """(id, last modifier, how long before the watermark it was modified)."""
    rows = []
    for sf_id, editor, ago in records:
        fields = {"Id": sf_id, **({"LastModifiedById": editor} if editor else {})}
        rows.append(MirrorRecord("Lead", sf_id, fields, MARK - ago, MARK - ago))
    store.mirror.upsert(rows)


def test_recent_edits_by_someone_else_stay_on_rest(store, write_config) -> None:
    config = write_config(LEADS.replace("write: true,", "write: true, api: auto,")).config
    day = dt.timedelta(days=1)
    _mirror(
        store,
        ("00Q1", PERSON, day),  # a person, yesterday: kept on REST
        ("00Q2", SFSYNC, day),  # sfsync's own write
        ("00Q3", PERSON, RECENT_EDIT_WINDOW + day),  # a person, but long ago
        ("00Q4", None, day),  # read before the editor was kept: taken as a person's
        ("00Q5", SFSYNC[:15], day),  # sfsync, its id in 15 characters
    )
    ids = ["00Q1", "00Q2", "00Q3", "00Q4", "00Q5", "00Q9"]  # 00Q9: not mirrored
    assert recently_edited(store, config, "Lead", ids, SFSYNC, MARK) == {"00Q1", "00Q4"}


def test_a_shared_login_counts_every_recent_edit_and_explicit_apis_none(store, write_config) -> None:
    day = dt.timedelta(days=1)
    _mirror(store, ("00Q1", PERSON, day), ("00Q2", SFSYNC, day))
    dedicated = write_config(LEADS.replace("write: true,", "write: true, api: auto,")).config
    login = dedicated.connection.model_copy(update={"integration_user": IntegrationUser.SHARED})
    shared = dedicated.model_copy(update={"connection": login})
    assert recently_edited(store, shared, "Lead", ["00Q1", "00Q2"], SFSYNC, MARK) == {"00Q1", "00Q2"}
    for api in ("bulk", "rest"):
        explicit = write_config(LEADS.replace("write: true,", f"write: true, api: {api},")).config
        assert recently_edited(store, explicit, "Lead", ["00Q1", "00Q2"], SFSYNC, MARK) == frozenset()
