"""Paging through `nextRecordsUrl` locators."""

# ruff: noqa: S608  (these f-strings build SOQL under test, or test-table inserts from catalog names)

from __future__ import annotations

import pytest

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.soql import QueryService, SoqlError

from .conftest import NOW, Access, Org


@pytest.fixture
def many(org: Org) -> list[str]:
    return [org.insert("Lead", LastName=f"L{n:04d}", Company="X") for n in range(450)]


def _locator(url: str | None) -> str:
    assert url is not None
    assert url.startswith("/services/data/v59.0/query/01g")
    return url.rsplit("/", 1)[1]


def test_pages_follow_the_batch_size_and_cover_every_row_once(
    service: QueryService, access: Access, many: list[str]
) -> None:
    first = service.query("SELECT Id FROM Lead", access=access, api_version="59.0", batch_size=200)
    assert (first.total_size, first.done, len(first.records)) == (450, False, 200)
    assert first.next_records_url is not None and first.next_records_url.endswith("-200")
    second = service.query_more(_locator(first.next_records_url), access=access, api_version="59.0")
    third = service.query_more(_locator(second.next_records_url), access=access, api_version="59.0")
    assert (len(second.records), second.done, len(third.records), third.done) == (200, False, 50, True)
    assert third.next_records_url is None
    assert [r["Id"] for r in first.records + second.records + third.records] == sorted(many)
    assert "nextRecordsUrl" not in third.to_json()
    assert list(first.to_json()) == ["totalSize", "done", "nextRecordsUrl", "records"]


def test_batch_size_is_clamped_to_200_and_defaults_to_2000(
    service: QueryService, access: Access, many: list[str]
) -> None:
    assert len(service.query("SELECT Id FROM Lead", access=access, api_version="59.0", batch_size=5).records) == 200
    assert service.query("SELECT Id FROM Lead", access=access, api_version="59.0").done


def test_limit_and_offset_bound_the_result(service: QueryService, access: Access, many: list[str]) -> None:
    page = service.query(
        "SELECT LastName FROM Lead ORDER BY LastName DESC LIMIT 300 OFFSET 10",
        access=access, api_version="59.0", batch_size=200,
    )  # fmt: skip
    assert (page.total_size, page.records[0]["LastName"]) == (300, "L0439")
    rest = service.query_more(_locator(page.next_records_url), access=access, api_version="59.0")
    assert (len(rest.records), rest.records[-1]["LastName"], rest.done) == (100, "L0140", True)


def test_unknown_locator(service: QueryService, access: Access) -> None:
    with pytest.raises(SoqlError) as caught:
        service.query_more("01gXXXXXXXXXXXXXXX-2000", access=access, api_version="59.0")
    assert (caught.value.error_code, caught.value.message) == ("INVALID_QUERY_LOCATOR", "invalid query locator")


def test_oldest_locators_are_forgotten(org: Org, catalog: Catalog, access: Access, many: list[str]) -> None:
    service = QueryService(lambda: org.connection, catalog, now=lambda: NOW, cursor_capacity=2)
    urls = [service.query("SELECT Id FROM Lead", access=access, api_version="59.0", batch_size=200).next_records_url
            for _ in range(3)]  # fmt: skip
    with pytest.raises(SoqlError):
        service.query_more(_locator(urls[0]), access=access, api_version="59.0")
    assert len(service.query_more(_locator(urls[2]), access=access, api_version="59.0").records) == 200


def test_order_by_nulls_first_and_last(org: Org, service: QueryService, access: Access) -> None:
    for name, employees in (("a", 5), ("b", None), ("c", 1)):
        org.insert("Lead", LastName=name, Company="X", NumberOfEmployees=employees)

    def order(clause: str) -> list[str]:
        soql = f"SELECT LastName FROM Lead ORDER BY {clause}"
        return [r["LastName"] for r in service.query(soql, access=access, api_version="59.0").records]

    assert order("NumberOfEmployees") == ["b", "c", "a"]
    assert order("NumberOfEmployees NULLS LAST") == ["c", "a", "b"]
    assert order("NumberOfEmployees DESC") == ["a", "c", "b"]
    assert order("NumberOfEmployees DESC NULLS FIRST") == ["b", "a", "c"]


def test_pages_after_a_bookmark_continue_a_sort_with_ties(org: Org, service: QueryService, access: Access) -> None:
    stamps = {}
    for n in range(450):
        stamp = f"2024-01-01T00:00:{n % 7:02d}.000+0000"
        stamps[org.insert("Lead", LastName="x", Company="X", SystemModstamp=stamp)] = n % 7
    soql = "SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-01T00:00:01Z ORDER BY SystemModstamp DESC"
    page = service.query(soql, access=access, api_version="59.0", batch_size=200)
    ids = [r["Id"] for r in page.records]
    while page.next_records_url:
        page = service.query_more(_locator(page.next_records_url), access=access, api_version="59.0")
        ids += [r["Id"] for r in page.records]
    expected = sorted((i for i, s in stamps.items() if s >= 1), key=lambda i: (stamps[i], i), reverse=True)
    assert ids == expected


def test_any_offset_of_a_locator_can_be_read(service: QueryService, access: Access, many: list[str]) -> None:
    first = service.query("SELECT Id FROM Lead", access=access, api_version="59.0", batch_size=200)
    locator_id = _locator(first.next_records_url).rsplit("-", 1)[0]
    page = service.query_more(f"{locator_id}-440", access=access, api_version="59.0")
    assert ([r["Id"] for r in page.records], page.done) == (sorted(many)[440:], True)
