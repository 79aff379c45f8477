"""A seed can spread its records' stamps over past days, as an org's records are made over time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

from sfsync.localorg.seed import load_seed
from sfsync.localorg.server import start_in_background
from sfsync.localorg.testing import EXAMPLE_SEED


def _stamps(data_dir: Path, history_days: int) -> dict[str, list[tuple[str, str, str]]]:
    seed = dataclasses.replace(load_seed(EXAMPLE_SEED), history_days=history_days)
    running = start_in_background(data_dir, seed)
    try:
        with sqlite3.connect(data_dir / "org.db") as db:
            return {
                name: db.execute(
                    f'SELECT "CreatedDate", "LastModifiedDate", "SystemModstamp" FROM "{name}" ORDER BY rowid'  # noqa: S608
                ).fetchall()
                for name in ("Account", "Contact", "Lead")
            }
    finally:
        running.stop()


def _moment(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")


def test_records_are_stamped_one_after_another_over_past_days(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    for name, rows in _stamps(tmp_path / "aged", 30).items():
        assert rows, name
        assert all(created == modified == system for created, modified, system in rows)
        moments = [_moment(system) for _created, _modified, system in rows]
        assert moments == sorted(moments) and len(set(moments)) == len(moments), name
        assert now - dt.timedelta(days=31, minutes=1) <= moments[0] and moments[-1] <= now - dt.timedelta(days=1)


def test_without_history_records_carry_the_seeding_time(tmp_path: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for rows in _stamps(tmp_path / "fresh", 0).values():
        assert all(_moment(system) >= before for _created, _modified, system in rows)
