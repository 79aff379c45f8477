"""Incremental reads miss no edit: a trailing window re-reads the watermark's second and late commits.

Stamps have whole seconds, and a stamp is taken inside a transaction that may commit after a read passed
it. The fake's stamps are set by hand here to put an edit in the watermark's own second, or before it.
"""

from __future__ import annotations

import datetime as dt

from engine_support import LEADS, config_applied
from fake_port import FakePort

from sfsync.engine.planning.planner import make_plan


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _at(port: FakePort, sobject: str, record_id: str) -> dt.datetime:
    text = str(port.records[sobject][record_id]["SystemModstamp"]).replace("+0000", "+00:00")
    return dt.datetime.fromisoformat(text)


def _restamp(port: FakePort, sobject: str, record_id: str, moment: dt.datetime) -> None:
    port.records[sobject][record_id].update(SystemModstamp=_stamp(moment), LastModifiedDate=_stamp(moment))


def test_an_edit_in_the_watermarks_own_second_is_read(store, write_config):
    port = FakePort()
    lead = port.seed("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example", Title="Physicist")
    loaded = write_config(LEADS)
    config_applied(store, loaded)
    make_plan(port, store, loaded)
    read_at = _at(port, "Lead", lead)
    port.edit("Lead", lead, Title="Director")
    _restamp(port, "Lead", lead, read_at)  # the same second as the read that set the watermark
    again = make_plan(port, store, loaded)
    assert again.refresh["Lead"]["read"] == 1
    mirrored = store.mirror.get("Lead", lead)
    assert mirrored is not None and mirrored.fields["Title"] == "Director"


def test_a_late_commit_stamped_before_the_watermark_is_read(store, write_config):
    port = FakePort()
    first = port.seed("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    loaded = write_config(LEADS)
    config_applied(store, loaded)
    make_plan(port, store, loaded)
    late = port.seed("Lead", LastName="Late", Company="Slow", Email="late@slow.example")
    _restamp(port, "Lead", late, _at(port, "Lead", first) - dt.timedelta(minutes=3))
    again = make_plan(port, store, loaded)
    assert again.refresh["Lead"]["read"] == 1
    assert store.mirror.get("Lead", late) is not None


def test_records_read_again_in_the_window_unchanged_are_skipped(store, write_config):
    port = FakePort()
    port.seed("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    port.seed("Lead", LastName="Bohr", Company="Copenhagen", Email="niels@copenhagen.example")
    loaded = write_config(LEADS)
    config_applied(store, loaded)
    assert make_plan(port, store, loaded).refresh["Lead"]["read"] == 2
    assert make_plan(port, store, loaded).refresh["Lead"]["read"] == 0
