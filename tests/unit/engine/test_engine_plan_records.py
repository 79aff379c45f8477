"""A plan's records read back from a compressed spool: the same values, in order, however the bytes are cut."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfsync.engine.plans import sections
from sfsync.engine.plans.records import FileRecords
from sfsync.engine.plans.sections import Spool

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(JSON, max_size=40), chunk=st.integers(min_value=1, max_value=300))
def test_what_is_spooled_reads_back_the_same_in_order(values: list[Any], chunk: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sections, "CHUNK", chunk)  # reads, flushes and decompressed pieces of any size
        spool = Spool("change")
        try:
            for value in values:
                spool.add(value)
            section = spool.close()
            assert section.count == len(values)
            records = FileRecords(section.count, section.values)
            assert list(records) == values and list(records) == values  # re-iterable
            assert records == values and len(records) == len(values)
            if values:
                assert records[-1] == values[-1] and records[: len(values) // 2] == tuple(values[: len(values) // 2])
        finally:
            spool.discard()


def test_records_compare_with_any_sequence_of_the_same_items() -> None:
    records = FileRecords(3, lambda: iter([1, 2, 3]))
    assert records == (1, 2, 3) and records == (1, 2, 3) and records == [1, 2, 3]
    assert records != (1, 2) and records != (1, 2, 4) and records != "123"
    assert hash(records) == hash((1, 2, 3)) and not FileRecords(0, lambda: iter([]))
    with pytest.raises(IndexError):
        records[3]
