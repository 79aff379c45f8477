"""Record ids: the 18-character checksum and normalisation of 15-character ids."""

from __future__ import annotations

from sfsync.localorg.ids import checksum, make_id, normalize


def test_checksum_of_the_documented_example() -> None:
    assert checksum("001D000000K0fXO") == "IAZ"


def test_make_id_has_prefix_instance_and_checksum() -> None:
    record_id = make_id("00Q", 62)
    assert record_id[:15] == "00Q5g0000000010"
    assert record_id == record_id[:15] + checksum(record_id[:15])


def test_normalize_accepts_15_and_18_and_refuses_bad_checksums() -> None:
    full = make_id("003", 12345)
    assert normalize(full[:15]) == full
    assert normalize(full) == full
    assert normalize(full[:15] + "ZZZ") is None
    assert normalize("abc") is None
