"""Which Salesforce record a workspace record is written to: its link, a match, or a new record.

Reading links workspace records to the records that share their key (email, website domain), taking
the rule's pick when several do (Accounts: most Contacts, then most recently modified; Contacts and
Leads: most recently modified). Once linked, a record is never matched again; a linked record deleted
in Salesforce is reported, never re-created. Nothing is created on a key a record linked to another
workspace record already has in Salesforce: that would be a second record for one identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sfsync.catalogue import Kind
from sfsync.engine.plans.plan import SkipCode
from sfsync.store.links import Link
from sfsync.store.subject_reads import SubjectReads

_RULE = {
    "Account": "most Contacts, then most recently modified",
    "Contact": "most recently modified",
    "Lead": "not converted first, then most recently modified",
}
_KEY_NAME = {"Account": "website domain", "Contact": "email", "Lead": "email"}
_KEY_COLUMN = {"Account": "domain_norm", "Contact": "email_norm", "Lead": "email_norm"}


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
    return _create(reads, "Account", ("Account",), company_id, domain)


def person_target(
    reads: SubjectReads, person_id: str, email: str | None, *, leads_mode: bool, match_leads: bool
) -> Target:
    """Contacts mode: the Contact (or, opted in, a Lead); Leads mode: an existing Contact wins, then a Lead."""
    sobject = "Lead" if leads_mode else "Contact"
    if not email:
        return Target(sobject, None, {}, "", skip=(SkipCode.NO_EMAIL, "no valid email"))
    links = _links(reads, Kind.PERSON, person_id)
    if "Contact" in links:
        target = _converted_history(reads, _linked(reads, links["Contact"], email), links.get("Lead"))
        if not leads_mode or target.skip or "Lead" not in links:
            return target
        return _note(target, "an existing Contact wins over the Lead")
    if "Lead" in links and (leads_mode or match_leads):
        return _lead(reads, person_id, links["Lead"], email)
    seen = ("Contact", "Lead") if leads_mode or match_leads else ("Contact",)
    return _create(reads, sobject, seen, person_id, email)


def _create(reads: SubjectReads, sobject: str, seen: Sequence[str], workspace_id: str, key: str) -> Target:
    """A create, unless a record with the key is linked to another workspace record (a key kept in a
    conflict, or a workspace key changed by a load): creating would make a second record for it."""
    key_name = _KEY_NAME[sobject]
    for name in seen:
        for fields in reads.mirror_fields(name, _KEY_COLUMN[name], [key]):
            owner = reads.link_by_sf_id(name, str(fields.get("Id")))
            if owner is not None and owner.workspace_id != workspace_id:
                reason = f"{name} {owner.sf_id} has {key_name} {key} and is linked to another {owner.kind}; not created"
                return Target(sobject, None, {}, "", skip=(SkipCode.AMBIGUOUS, reason))
    return Target(sobject, None, {}, f"no {sobject} with {key_name} {key}: create")


def _converted_history(reads: SubjectReads, target: Target, lead: Link | None) -> Target:
    """A Contact a person's Lead was converted to carries the Lead's history: sfsync created or wrote
    the person's record before, so the person stays in the write scope."""
    if lead is None or target.written_before or target.skip:
        return target
    state = reads.mirror_state("Lead", lead.sf_id)
    if state is None or state[0].get("ConvertedContactId") != target.sf_id:
        return target
    return replace(target, written_before=_written(reads, lead))


def _lead(reads: SubjectReads, person_id: str, link: Link, email: str) -> Target:
    target = _linked(reads, link, email)
    if target.skip or not target.current.get("IsConverted"):
        return target
    contact_id = _merged_into(reads, "Contact", target.current.get("ConvertedContactId"))
    state = reads.mirror_state("Contact", str(contact_id)) if contact_id else None
    written = target.written_before  # a skip says why a person sfsync wrote is not written now
    if state is None or state[1]:
        gone = (SkipCode.CONVERTED_LEAD, _converted_gone(link.sf_id))
        return Target("Lead", link.sf_id, {}, "", written, skip=gone)
    owner = reads.link_by_sf_id("Contact", str(contact_id))
    if owner is not None and owner.workspace_id != person_id:
        reason = f"Lead {link.sf_id} was converted to Contact {contact_id}, which is linked to another person"
        return Target("Lead", link.sf_id, {}, "", written, skip=(SkipCode.AMBIGUOUS, reason))
    match = f"Lead {link.sf_id} was converted: followed to Contact {contact_id} (the Lead is never written)"
    return Target("Contact", str(contact_id), state[0], match, target.written_before)


def _merged_into(reads: SubjectReads, sobject: str, sf_id: Any) -> Any:
    """The record itself, or the live record a merge deleted it into (a merge keeps a converted Lead's
    `ConvertedContactId` on the deleted Contact)."""
    for _hop in range(3):  # a chain of merges is short; a loop in the data must not hang the plan
        state = reads.mirror_state(sobject, str(sf_id)) if sf_id else None
        master = state[0].get("MasterRecordId") if state and state[1] else None
        if not master:
            return sf_id
        sf_id = master
    return sf_id


def _converted_gone(lead_id: str) -> str:
    return f"Lead {lead_id} is converted and its Contact is not in Salesforce; converted Leads are never written"


def _linked(reads: SubjectReads, link: Link, key: str) -> Target:
    state = reads.mirror_state(link.object, link.sf_id)
    written = _written(reads, link)
    if state is None or state[1]:
        reason = f"linked {link.object} {link.sf_id} was deleted or merged in Salesforce; not re-created"
        return Target(link.object, link.sf_id, {}, "", written, skip=(SkipCode.DELETED, reason))
    return Target(link.object, link.sf_id, state[0], _how(reads, link, key), written)


def _written(reads: SubjectReads, link: Link) -> bool:
    """sfsync created the linked record, wrote it (the ledger), or wrote the one it was merged from."""
    return link.created_by_sfsync or link.written_before or bool(reads.ledger_values(link.object, link.sf_id))


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
