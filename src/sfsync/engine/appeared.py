"""Records created in Salesforce since the plan: a planned create whose key now exists is not sent.

Contacts and Leads are looked up by email, Accounts by website domain (a `LIKE` query, then the
domains normalised and compared exactly), an internationalised key in both its A-label and Unicode
forms (Salesforce keeps what was typed, and stores EAI emails in Unicode). The next plan links what
was found instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sfsync.engine.plans.plan import RecordChange
from sfsync.salesforce.port import Reads, Record
from sfsync.salesforce.query import Filter, In, Like, Or, Query
from sfsync.store.normalise import Normalised, normalise_domain, normalise_email, unicode_email, unicode_host
from sfsync.store.public_suffix import registrable_domain

KEY_FIELD = {"Contact": "Email", "Lead": "Email", "Account": "Website"}
_NORMALISE: dict[str, Callable[[str], Normalised]] = {"Email": normalise_email, "Website": normalise_domain}


def create_key(change: RecordChange, *, registrable: bool = False) -> str | None:
    """The normalised email or domain a create would give its record, if it sets one."""
    field = KEY_FIELD.get(change.sobject)
    value = next((f.after for f in change.fields if f.field == field), None)
    return key_of(change.sobject, value, registrable=registrable)


def key_of(sobject: str, value: object, *, registrable: bool = False) -> str | None:
    """A record's matching key (normalised email or domain) from its email or website value.

    With `registrable` (`sync.company_match: registrable_domain`), an Account's key is the registrable
    domain of its website: an Account on `acme.com` has appeared for a planned `shop.acme.com`.
    """
    field = KEY_FIELD.get(sobject)
    key = _NORMALISE[field](str(value)).value if field and value else None
    return registrable_domain(key) if key and registrable and sobject == "Account" else key


def appeared_keys(port: Reads, creates: Sequence[RecordChange], *, registrable: bool = False) -> set[str]:
    """The keys of planned creates that some record in Salesforce now has."""
    return {key for key, _row in records_with_keys(port, creates, registrable=registrable)}


def records_with_keys(
    port: Reads, creates: Sequence[RecordChange], also: Sequence[str] = (), *, registrable: bool = False
) -> list[tuple[str, Record]]:
    """(key, record) of each record of the creates' object that has one of their keys; `also`: fields read besides."""
    asked = create_keys(creates, registrable=registrable)
    request = _keys_request(creates, asked, also)
    if request is None:
        return []
    sobject, field = request.sobject, KEY_FIELD[request.sobject]
    found: list[tuple[str, Record]] = []
    for row in port.query(request):
        key = key_of(sobject, row.get(field), registrable=registrable)
        if key in asked:
            found.append((key, row))
    return found


def create_keys(creates: Sequence[RecordChange], *, registrable: bool = False) -> set[str]:
    """The keys the creates would give their records (each normalised once: a check asks for them as a set)."""
    if not creates or creates[0].sobject not in KEY_FIELD:
        return set()
    return {key for change in creates if (key := create_key(change, registrable=registrable))}


def keys_query(creates: Sequence[RecordChange], also: Sequence[str] = (), *, registrable: bool = False) -> Query | None:
    """The query of the records of the creates' object that have one of their keys (None: no key to ask)."""
    return _keys_request(creates, create_keys(creates, registrable=registrable), also)


def _keys_request(creates: Sequence[RecordChange], keys: set[str], also: Sequence[str]) -> Query | None:
    if not creates or creates[0].sobject not in KEY_FIELD or not keys:
        return None
    sobject = creates[0].sobject
    field = KEY_FIELD[sobject]
    return Query(sobject, tuple(dict.fromkeys(["Id", field, *also])), _where(field, sorted(keys)))


def _where(field: str, keys: list[str]) -> Filter:
    """Each key in both forms Salesforce may hold: A-label (`xn--…`) and Unicode (as EAI stores emails).

    One filter for every key: the adapter splits the query where its SOQL would be too long.
    """
    if field == "Email":
        return In("Email", tuple(form for key in keys for form in _forms(key, unicode_email)))
    return Or(tuple(Like("Website", form) for key in keys for form in _forms(key, unicode_host)))


def _forms(key: str, unicode_form: Callable[[str], str]) -> list[str]:
    return list(dict.fromkeys([key, unicode_form(key)]))
