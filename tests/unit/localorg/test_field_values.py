"""JSON values to stored values, with the field errors of a real org."""

from __future__ import annotations

import pytest

from sfsync.localorg.catalog import FieldSpec
from sfsync.localorg.objects import org_catalog
from sfsync.localorg.outcomes import DmlFailure
from sfsync.localorg.seed import CustomField
from sfsync.localorg.values import to_stored

LEAD = org_catalog([]).objects["Lead"]


def _field(name: str) -> FieldSpec:
    field = LEAD.field(name)
    assert field is not None
    return field


def test_email_is_lower_cased_and_checked() -> None:
    assert to_stored(_field("Email"), "Ada@Example.COM") == "ada@example.com"
    with pytest.raises(DmlFailure) as caught:
        to_stored(_field("Email"), "nope")
    assert caught.value.errors[0].status_code == "INVALID_EMAIL_ADDRESS"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("José.Núñez@Empresa.es", "josé.núñez@empresa.es"),
        ("用户@例子.中国", "用户@例子.中国"),
        ("ada@faß.de", "ada@faß.de"),
    ],
)
def test_internationalised_emails_are_stored_in_unicode(given: str, stored: str) -> None:
    """Email Address Internationalization, on by default since Summer '20: Unicode in and out."""
    assert to_stored(_field("Email"), given) == stored


@pytest.mark.parametrize("given", ["ada @example.com", "ada@exa mple.com", "ada@example", "用户@例子"])
def test_internationalised_emails_still_need_an_address_shape(given: str) -> None:
    with pytest.raises(DmlFailure) as caught:
        to_stored(_field("Email"), given)
    assert caught.value.errors[0].status_code == "INVALID_EMAIL_ADDRESS"


def test_datetimes_are_stored_in_utc_at_second_resolution() -> None:
    stored = to_stored(_field("EmailBouncedDate"), "2024-01-31T10:00:00.123+01:00")
    assert stored == "2024-01-31T09:00:00.000+0000"


@pytest.mark.parametrize("given", ["2024-01-31T09:00:00.000Z", "2024-01-31T10:00:00.000+0100", "2024-01-31T09:00:00"])
def test_the_bulk_guides_datetime_forms_are_stored_alike(given: str) -> None:
    assert to_stored(_field("EmailBouncedDate"), given) == "2024-01-31T09:00:00.000+0000"


def test_booleans_numbers_and_empty_strings() -> None:
    assert to_stored(_field("IsUnreadByOwner"), True) == 1
    assert to_stored(_field("NumberOfEmployees"), "12") == 12
    assert to_stored(_field("Title"), "") is None
    with pytest.raises(DmlFailure) as caught:
        to_stored(_field("NumberOfEmployees"), "many")
    assert caught.value.errors[0].status_code == "JSON_PARSER_ERROR"


def test_references_must_be_ids() -> None:
    with pytest.raises(DmlFailure) as caught:
        to_stored(_field("OwnerId"), "bob")
    assert caught.value.errors[0].status_code == "MALFORMED_ID"


def test_a_multi_select_is_stored_in_the_picklists_order_once_each() -> None:
    catalog = org_catalog([CustomField("Lead", "Channels__c", "multipicklist", values=("Email", "Phone", "Events"))])
    field = catalog.objects["Lead"].field("Channels__c")
    assert field is not None
    assert to_stored(field, "Events; Other;Email;Events") == "Email;Events;Other"


def test_numbers_are_stored_as_sent_whatever_the_scale() -> None:
    assert to_stored(_field("AnnualRevenue"), 1234567.891) == 1234567.891


def test_a_json_array_for_a_text_field_is_a_parser_error() -> None:
    with pytest.raises(DmlFailure) as caught:
        to_stored(_field("Title"), ["CTO"])
    assert caught.value.errors[0].status_code == "JSON_PARSER_ERROR"
