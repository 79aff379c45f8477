"""Migration 4 on a store made with the old key rules: keys recomputed, no record lost, each loss reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from sfsync.catalogue import Kind
from sfsync.store import open_store
from sfsync.store.change_triggers import drop_triggers
from sfsync.store.migrations import MIGRATIONS
from sfsync.store.schema import company, link, mirror, person

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _company(record_id: str, domain: str) -> dict[str, Any]:
    return {
        "id": record_id,
        "domain_norm": domain,
        "domain": domain,
        "name": record_id,
        "attributes": {},
        "updated_at": NOW,
    }


def _person(record_id: str, email: str, email_norm: str, company_domain: str | None = None) -> dict[str, Any]:
    return {
        "id": record_id, "email": email, "email_norm": email_norm, "company_domain": company_domain,
        "attributes": {}, "updated_at": NOW,
    }  # fmt: skip


def _account(sf_id: str, website: str, domain_norm: str | None) -> dict[str, Any]:
    return {
        "object": "Account", "sf_id": sf_id, "fields": {"Id": sf_id, "Website": website}, "is_deleted": False,
        "domain_norm": domain_norm, "refreshed_at": NOW,
    }  # fmt: skip


def _old_store(url: str) -> None:
    """A store as the old rules left it: IDNA 2003 keys, a public suffix and a platform host as companies."""
    with open_store(url) as store, store.session.write() as conn:
        conn.execute(
            company.insert(),
            [_company("c_co", "co.uk"), _company("c_li", "linkedin.com"), _company("c_ok", "acme.example")],
        )
        conn.execute(
            person.insert(),
            [
                _person("p_ada", "Ada@Faß.de", "ada@fass.de", "linkedin.com"),  # IDNA 2003 mapped ß to ss
                _person("p_bob", "bob@acme.example", "bob@acme.example", "acme.example"),
            ],
        )
        conn.execute(
            mirror.insert(),
            [_account("001A", "https://faß.de", "fass.de"), _account("001B", "linkedin.com/company/x", "linkedin.com")],
        )
        conn.execute(
            link.insert().values(
                kind="company",
                workspace_id="c_li",
                object="Account",
                sf_id="001B",
                created_by_sfsync=False,
                linked_at=NOW,
            )
        )
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 4"))
        drop_triggers(conn)  # they name the columns dropped here
        conn.execute(text("DROP INDEX ix_company_domain_reg"))
        conn.execute(text("DROP INDEX ix_mirror_domain_reg"))
        conn.execute(text("ALTER TABLE company DROP COLUMN domain_reg"))
        conn.execute(text("ALTER TABLE mirror DROP COLUMN domain_reg"))


def test_the_migration_recomputes_keys_on_a_store_made_with_the_old_rules(store_url: str) -> None:
    _old_store(store_url)
    with open_store(store_url) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        companies = {c.id: c.key for c in store.workspace.records(Kind.COMPANY)}
        people = {p.id: (p.key, p.values["company_domain"]) for p in store.workspace.records(Kind.PERSON)}
        with store.session.read() as conn:
            accounts = conn.execute(text("SELECT sf_id, domain_norm, domain_reg FROM mirror ORDER BY sf_id")).all()
            regs = dict(conn.execute(text("SELECT id, domain_reg FROM company")).all())
        last = store.runs.last()
        assert last is not None
        lost = {(r.workspace_id, r.error_code) for r in store.runs.results(last.id)}
        links = store.links.for_record(Kind.COMPANY, "c_li")
    # every record kept; keys now invalid are cleared, the rest recomputed
    assert companies == {"c_co": None, "c_li": None, "c_ok": "acme.example"}
    assert regs == {"c_co": None, "c_li": None, "c_ok": "acme.example"}
    assert people == {"p_ada": ("ada@xn--fa-hia.de", "linkedin.com"), "p_bob": ("bob@acme.example", "acme.example")}
    assert [tuple(a) for a in accounts] == [("001A", "xn--fa-hia.de", "xn--fa-hia.de"), ("001B", None, None)]
    assert [link.sf_id for link in links] == ["001B"]  # a company that lost its key keeps its links
    assert last.operation == "migrate"
    assert lost == {("c_co", "KEY_INVALID"), ("c_li", "KEY_INVALID")}
    assert last.counts["person keys recomputed"] == 1
    assert last.counts["person company_domain kept, no longer a company domain"] == 1


def test_a_key_two_records_now_share_stays_with_the_record_that_holds_it(store_url: str) -> None:
    with open_store(store_url) as store, store.session.write() as conn:
        # the old key of p_2 was wrong; recomputed, it is p_1's
        conn.execute(
            person.insert(),
            [_person("p_1", "ada@Example.COM", "ada@example.com"), _person("p_2", "ADA@example.com", "other")],
        )
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 4"))
    with open_store(store_url) as store:
        people = {p.id: p.key for p in store.workspace.records(Kind.PERSON)}
        last = store.runs.last()
        assert last is not None
        lost = [(r.workspace_id, r.error_code, r.message) for r in store.runs.results(last.id)]
    assert people == {"p_1": "ada@example.com", "p_2": None}
    assert lost == [("p_2", "KEY_COLLISION", "email_norm ada@example.com now also names person p_1, which keeps it")]
