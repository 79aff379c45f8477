"""Record types per profile: a profile's `record_types` decide which record types its users may use,
which one their creates take, and what their describe says (simple-salesforce, a seed of its own)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsync.errors import UsageError
from sfsync.localorg.seed import Seed, load_seed
from sfsync.localorg.server import build_org, start_in_background
from sfsync.localorg.testing import EXAMPLE_SEED, LocalOrgHandle

pytestmark = pytest.mark.org

HOUSEHOLD = "01254000001upcKAAQ"
MASTER = "012000000000000AAA"
SALES = "ada@acme.local"  # of the Sales User profile


def _seed(**record_types: tuple[str, ...]) -> Seed:
    """The example seed with the Sales User profile's record types set (by object)."""
    seed = load_seed(EXAMPLE_SEED)
    profiles = tuple(
        dataclasses.replace(p, record_types=record_types) if p.name == "Sales User" else p for p in seed.profiles
    )
    return dataclasses.replace(seed, profiles=profiles)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrgHandle]:
    running = start_in_background(tmp_path_factory.mktemp("profile-record-types"), _seed(Account=("Master",)))
    try:
        yield LocalOrgHandle(running)
    finally:
        running.stop()


def _infos(sf: Any) -> dict[str, tuple[bool, bool]]:
    infos = sf.Account.describe()["recordTypeInfos"]
    return {i["developerName"]: (i["available"], i["defaultRecordTypeMapping"]) for i in infos}


def test_each_user_reads_and_gets_their_profiles_record_types(org: LocalOrgHandle) -> None:
    integration, sales = org.simple_salesforce(), org.simple_salesforce(as_user=SALES)
    assert _infos(integration) == {"Household": (True, True), "Master": (True, False)}  # the describe's own
    assert _infos(sales) == {"Household": (False, False), "Master": (True, True)}
    mine = integration.Account.create({"Name": "Integration's"})["id"]
    theirs = sales.Account.create({"Name": "Sales user's"})["id"]
    assert integration.Account.get(mine)["RecordTypeId"] == HOUSEHOLD
    assert integration.Account.get(theirs)["RecordTypeId"] is None  # a master default leaves it empty


def test_a_record_type_the_profile_lacks_is_refused(org: LocalOrgHandle) -> None:
    sales = org.simple_salesforce(as_user=SALES)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sales.Account.create({"Name": "Household by hand", "RecordTypeId": HOUSEHOLD})
    [error] = caught.value.content
    assert (error["errorCode"], error["fields"]) == ("INVALID_CROSS_REFERENCE_KEY", ["RecordTypeId"])
    account = sales.Account.create({"Name": "Master by hand", "RecordTypeId": MASTER})["id"]
    with pytest.raises(SalesforceMalformedRequest):
        sales.Account.update(account, {"RecordTypeId": HOUSEHOLD})
    assert org.simple_salesforce().Account.update(account, {"RecordTypeId": HOUSEHOLD}) == 204


@pytest.mark.parametrize(
    ("record_types", "words"),
    [({"Account": ("Business",)}, "Account has record types ['Business']"), ({"Lead": ("Master",)}, "Lead has no")],
)
def test_a_profile_naming_a_record_type_its_object_lacks_is_a_seed_error(
    tmp_path: Path, record_types: dict[str, tuple[str, ...]], words: str
) -> None:
    with pytest.raises(UsageError, match="profile 'Sales User'") as caught:
        build_org(tmp_path / "org", _seed(**record_types))
    assert words in str(caught.value)
