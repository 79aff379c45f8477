"""Which Salesforce record a workspace record is written to: its link, a match, or a new record.

Reading links workspace records to the records that share their key (email, website domain), taking
the rule's pick when several do (Accounts: most Contacts, then most recently modified; Contacts and
Leads: most recently modified). Once linked, a record is never matched again; a linked record deleted
in Salesforce is reported, never re-created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfsync.catalogue import Kind
from sfsync.engine.plan import SkipCode
from sfsync.store.links import Link
from sfsync.store.subject_reads import SubjectReads

_RULE = {
    "Account": "most Contacts, then most recently modified",
    "Contact": "most recently modified",
    "Lead": "not converted first, then most recently modified",
}
_KEY_NAME = {"Account": "website domain", "Contact": "email", "Lead": "email"}


@dataclass(frozen=True)
class Target:
    """Where a record's write goes. `sf_id` None means create; `skip` set means nothing is written.

    `written_before` is true when sfsync created the record or has written it (the ledger): such a
    linked record stays in the write scope without entering a play again.
    """

    sobject: str
    sf_id: str | None
    current: Mapping[str, Any]
    match: str
    written_before: bool = False
    skip: tuple[SkipCode, str] | None = None


def account_target(reads: SubjectReads, company_id: str, domain: str | None) -> Target:
    if not domain:
        return Target("Account", None, {}, "", skip=(SkipCode.NO_DOMAIN, "no valid website domain"))
    link = _links(reads, Kind.COMPANY, company_id).get("Account")
    if link is not None:
        return _linked(reads, link, domain)
    taken = reads.candidate_count("Account", domain)
    if taken:  # reading links an unlinked company to its match: these belong to other companies
        key = reads.company_key(domain)
        why = f"{taken} Account{'s' if taken > 1 else ''} on company key {key} linked to another company"
        return Target("Account", None, {}, "", skip=(SkipCode.AMBIGUOUS, f"{why}; another Account is not created"))
    return Target("Account", None, {}, f"no Account with website domain {domain}: create")


def person_target(
    reads: SubjectReads, person_id: str, email: str | None, *, leads_mode: bool, match_leads: bool
) -> Target:
    """Contacts mode: the Contact (or, opted in, a Lead); Leads mode: an existing Contact wins, then a Lead."""
    sobject = "Lead" if leads_mode else "Contact"
    if not email:
        return Target(sobject, None, {}, "", skip=(SkipCode.NO_EMAIL, "no valid email"))
    links = _links(reads, Kind.PERSON, person_id)
    if "Contact" in links:
        target = _linked(reads, links["Contact"], email)
        if not leads_mode or target.skip or "Lead" not in links:
            return target
        return _note(target, "an existing Contact wins over the Lead")
    if "Lead" in links and (leads_mode or match_leads):
        return _lead(reads, person_id, links["Lead"], email)
    return Target(sobject, None, {}, f"no {sobject} with email {email}: create")


def _lead(reads: SubjectReads, person_id: str, link: Link, email: str) -> Target:
    target = _linked(reads, link, email)
    if target.skip or not target.current.get("IsConverted"):
        return target
    contact_id = target.current.get("ConvertedContactId")
    state = reads.mirror_state("Contact", str(contact_id)) if contact_id else None
    if state is None or state[1]:
        return Target("Lead", link.sf_id, {}, "", skip=(SkipCode.CONVERTED_LEAD, _converted_gone(link.sf_id)))
    owner = reads.link_by_sf_id("Contact", str(contact_id))
    if owner is not None and owner.workspace_id != person_id:
        reason = f"Lead {link.sf_id} was converted to Contact {contact_id}, which is linked to another person"
        return Target("Lead", link.sf_id, {}, "", skip=(SkipCode.AMBIGUOUS, reason))
    match = f"Lead {link.sf_id} was converted: followed to Contact {contact_id} (the Lead is never written)"
    return Target("Contact", str(contact_id), state[0], match, target.written_before)


def _converted_gone(lead_id: str) -> str:
    return f"Lead {lead_id} is converted and its Contact is not in Salesforce; converted Leads are never written"


def _linked(reads: SubjectReads, link: Link, key: str) -> Target:
    state = reads.mirror_state(link.object, link.sf_id)
    written = link.created_by_sfsync or bool(reads.ledger_values(link.object, link.sf_id))
    if state is None or state[1]:
        reason = f"linked {link.object} {link.sf_id} was deleted or merged in Salesforce; not re-created"
        return Target(link.object, link.sf_id, {}, "", written, skip=(SkipCode.DELETED, reason))
    return Target(link.object, link.sf_id, state[0], _how(reads, link, key), written)


def _how(reads: SubjectReads, link: Link, key: str) -> str:
    if link.created_by_sfsync:
        return f"linked: created by sfsync ({link.sf_id})"
    count = reads.candidate_count(link.object, key)
    if count > 1:
        rule = _RULE.get(link.object, "most recently modified")
        return f"matched by {_KEY_NAME.get(link.object, 'key')}: {link.sf_id} of {count} candidates ({rule})"
    return f"linked: matched by {_KEY_NAME.get(link.object, 'key')} ({link.sf_id})"


def _note(target: Target, note: str) -> Target:
    return Target(target.sobject, target.sf_id, target.current, f"{target.match}; {note}", target.written_before)


def _links(reads: SubjectReads, kind: Kind, workspace_id: str) -> dict[str, Link]:
    return {link.object: link for link in reads.links_for(kind, workspace_id)}
