"""The org's people read back around a run (for `effects`), and the clean-up some peers need first.

Read with SOQL as the integration user, outside every measured window (the org's call counters are
cleared when the next run starts, and were read when the last one ended).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import requests
from simple_salesforce import Salesforce

from sfsync_bench.effects import WRITTEN_FIELDS, PersonRecord
from sfsync_bench.org import BenchOrg

CONTACT_FIELDS = ("Email", "FirstName", "LastName", "Title", "Phone")
ACTOR = "ada@acme.local"  # the dataset's person (datasets.HUMAN), who cleans up by hand


def client(org: BenchOrg) -> Salesforce:
    session = requests.Session()
    session.verify = org.connection.ca_file
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
    c = org.connection
    return Salesforce(instance_url=c.instance_url, session_id=c.access_token, session=session)


def userinfo(sf: Salesforce) -> dict[str, str]:
    """The session's user and org (`user_id`, `organization_id`, `sub`: the identity URL)."""
    url = f"https://{sf.sf_instance}/services/oauth2/userinfo"
    answer: dict[str, str] = sf.session.get(url, headers=sf.headers, timeout=60).json()
    return answer


def people(org: BenchOrg) -> list[PersonRecord]:
    """Every Lead and Contact with the fields the contenders write."""
    sf = client(org)
    integration = userinfo(sf)["user_id"]
    return [
        *_records(sf, "Lead", WRITTEN_FIELDS, integration),
        *_records(sf, "Contact", CONTACT_FIELDS, integration),
    ]


def _records(sf: Salesforce, sobject: str, fields: tuple[str, ...], integration: str) -> Iterator[PersonRecord]:
    soql = f"SELECT Id, LastModifiedById, {', '.join(fields)} FROM {sobject}"
    for row in sf.query_all_iter(soql):
        values = {field: row.get(field) for field in fields}
        by_person = row["LastModifiedById"] != integration
        yield PersonRecord(row["Id"], sobject, row.get("Email"), values, by_person)


def merge_duplicate_leads(org: BenchOrg) -> int:
    """Merge every group of Leads sharing an email into its oldest, as a person does in Setup; returns the
    Leads merged away. A load keyed on Email (CumulusCI's `etl_upsert`) refuses an org that holds any."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record in people(org):
        if record.sobject == "Lead" and record.email:
            groups[record.email.lower()].append(record.id)
    merged = 0
    for ids in groups.values():
        if len(ids) < 2:
            continue
        master, *others = sorted(ids)
        for other in others:  # one at a time: the org merges at most 2 records into a master per call
            org.control(f"records/Lead/{master}/merge", "POST", {"as": ACTOR, "records": [other]})
            merged += 1
    return merged
