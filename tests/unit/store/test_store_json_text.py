from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from sfsync.store import Store
from sfsync.store.json_text import dumps, loads, stored
from sfsync.store.mirror import MirrorRecord
from unit.store.backends import postgres_database, store, store_url

__all__ = ["postgres_database", "store", "store_url"]

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
# Text of any character a JSON string can carry, the two the codec escapes made likely.
TEXT = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(["\x00", "\ufffe", "0"])))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_every_json_value_reads_back_as_written(value: object) -> None:
    assert loads(dumps(value)) == value


@given(JSON, st.booleans())
def test_any_encoders_text_is_stored_as_dumps_writes_its_value(value: object, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
    assert loads(stored(text)) == value
    assert stored(text) == text or stored(text) == dumps(value)


def test_values_without_nul_or_the_mark_are_plain_json() -> None:
    value = {"Title": "Directeur général", "n": [1, 2.5, None, True]}
    assert dumps(value) == '{"Title": "Directeur g\\u00e9n\\u00e9ral", "n": [1, 2.5, null, true]}'


def test_a_salesforce_value_holding_nul_is_kept_by_both_backends(store: Store) -> None:
    fields = {"Title": "Head\x00of Sales", "Description": "keeps \ufffe0 as written", "LastName": "Nul\x00"}
    store.mirror.upsert([MirrorRecord("Lead", "00Q000000000001", fields, NOW, NOW)])
    found = store.mirror.get("Lead", "00Q000000000001")
    assert found is not None and dict(found.fields) == fields
