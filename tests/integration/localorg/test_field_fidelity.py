"""Values as Salesforce returns them after a save, through the real simple-salesforce client."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest
from simple_salesforce.format import format_soql

from sfsync.localorg.seed import CustomField, load_seed
from sfsync.localorg.server import start_in_background
from sfsync.localorg.testing import EXAMPLE_SEED, LocalOrgHandle

pytestmark = pytest.mark.org

CHANNELS = CustomField("Contact", "Channels__c", "multipicklist", length=4099, values=("Email", "Phone", "Events"))


@pytest.fixture(scope="module")
def local_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrgHandle]:
    seed = load_seed(EXAMPLE_SEED)
    running = start_in_background(
        tmp_path_factory.mktemp("fidelity-org"),
        dataclasses.replace(seed, custom_fields=(*seed.custom_fields, CHANNELS)),
    )
    try:
        yield LocalOrgHandle(running)
    finally:
        running.stop()


@pytest.fixture
def sf(local_org: LocalOrgHandle) -> Iterator[Any]:
    yield local_org.simple_salesforce()
    local_org.reset()


def test_a_multi_select_picklist_comes_back_in_the_picklists_order(sf: Any) -> None:
    created = sf.Contact.create({"LastName": "Dunn", "Channels__c": "Events;Email;Events"})
    assert sf.Contact.get(created["id"])["Channels__c"] == "Email;Events"
    sf.Contact.update(created["id"], {"Channels__c": "Phone; Email"})
    (record,) = sf.query(format_soql("SELECT Channels__c FROM Contact WHERE Id = {}", created["id"]))["records"]
    assert record["Channels__c"] == "Email;Phone"


def test_a_15_character_reference_comes_back_in_18_characters(sf: Any) -> None:
    account = sf.Account.create({"Name": "Aviato"})["id"]
    contact = sf.Contact.create({"LastName": "Bachman", "AccountId": account[:15]})["id"]
    assert sf.Contact.get(contact)["AccountId"] == account


def test_a_datetime_comes_back_in_utc_to_the_second(sf: Any) -> None:
    contact = sf.Contact.create({"LastName": "Dunn", "EmailBouncedDate": "2024-01-31T11:00:00.123+01:00"})["id"]
    assert sf.Contact.get(contact)["EmailBouncedDate"] == "2024-01-31T10:00:00.000+0000"


def test_a_currency_keeps_the_decimals_the_api_sent(sf: Any) -> None:
    account = sf.Account.create({"Name": "Hooli", "AnnualRevenue": 1234567.891})["id"]  # the field's scale is 0
    assert sf.Account.get(account)["AnnualRevenue"] == 1234567.891


def test_a_json_array_for_a_text_field_is_a_parser_error(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": ["Dunn", "Jared"]})
    assert caught.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
