"""Bulk create jobs sized by the org's guard (`sync.bulk_create_job_size: auto`), against the local org.

Where an active rule blocks a duplicate Email on create, the org refuses a racing duplicate itself, so a
Lead run goes in jobs as big as apply's memory allows (3 here, 10,000 in the product); without one, in
small jobs each checked right before it is sent; a rule deactivated between plan and apply leaves small
jobs. The small job is 2 here (2,000 in the product), so that five creates fill several.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sfsync.catalogue import Kind
from sfsync.config import load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning import create_jobs
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import Plan
from sfsync.localorg.testing import LocalOrgHandle, local_org
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.store import Store, open_store
from sfsync.store.loader import load_workspace

from .test_apply_races import _port
from .world import Variant

__all__ = ["local_org"]
pytestmark = pytest.mark.org

PEOPLE = 5
BLOCKING_EMAIL = {"object": "Lead", "name": "Lead_Email_Block", "field": "Email", "action": "block"}
BLOCKING_NAME_AND_EMAIL = {
    "object": "Lead",
    "name": "Lead_Name_Email_Block",
    "fields": ["LastName", "Email"],
    "action": "block",
}
COMPANY = '{"domain": "jobs.example", "name": "Jobs Co", "intent_level": "High"}\n'


class JobCounter:
    """The engine's port, counting the rows of each Bulk insert job and the queries it sends."""

    def __init__(self, port: SalesforceAdapter) -> None:
        self._port = port
        self.jobs: list[int] = []
        self.queries: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def bulk_write(self, sobject: str, operation: Any, records: Any, *args: Any, **kwargs: Any) -> Any:
        self.jobs.append(len(records))
        return self._port.bulk_write(sobject, operation, records, *args, **kwargs)

    def query(self, request: Any) -> Any:
        self.queries.append(request.sobject)
        return self._port.query(request)


@pytest.fixture
def small_jobs(local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalOrgHandle]:
    monkeypatch.setattr(create_jobs, "SMALL_JOB", 2)
    monkeypatch.setattr(create_jobs, "GUARDED_JOB", 3)
    local_org.reset()
    yield local_org
    local_org.reset()


def _world(org: LocalOrgHandle, tmp_path: Path) -> Path:
    rows = ["email,first_name,last_name,title,work_phone,company_domain"]
    rows += [f"j{n}@jobs.example,J,Person{n},,,jobs.example" for n in range(PEOPLE)]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (tmp_path / "companies.jsonl").write_text(COMPANY, "utf-8")
    config = tmp_path / "sfsync.yaml"
    config.write_text(Variant("leads", "bulk").config().replace("${SF_CA_BUNDLE}", str(org.ca_file)), "utf-8")
    return config


def _planned(org: LocalOrgHandle, tmp_path: Path, store: Store) -> tuple[JobCounter, Any, Plan]:
    config = _world(org, tmp_path)
    for name, kind in (("companies.jsonl", "company"), ("people.csv", "person")):
        load_workspace(store, tmp_path / name, Kind(kind), lambda rejection: pytest.fail(str(rejection)))
    port, loaded = JobCounter(_port(org)), load_config(config)
    plan = make_plan(port, store, loaded)  # type: ignore[arg-type]
    return port, loaded, plan


def _lead_estimate(plan: Plan) -> Any:
    return next(e for e in plan.estimates if e.sobject == "Lead")


def test_a_rule_blocking_duplicate_emails_on_create_sends_the_leads_in_big_jobs(
    small_jobs: LocalOrgHandle, tmp_path: Path
) -> None:
    small_jobs.control("duplicate-rules", "PUT", [BLOCKING_EMAIL])
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        port, loaded, plan = _planned(small_jobs, tmp_path, store)
        estimate = _lead_estimate(plan)
        assert estimate.creates == PEOPLE
        assert estimate.create_jobs == (
            "creates in jobs of 3: duplicate rule Lead_Email_Block blocks a duplicate Email on create, "
            "confirmed again at apply"
        )
        assert estimate.calls == 2 * (1 + 5)  # per job, one changed-since query and the job
        port.jobs.clear()
        port.queries.clear()
        report = apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
        assert port.jobs == [3, 2]
        assert port.queries.count("DuplicateRule") == 1  # confirmed again at apply, cheaply
        assert port.queries.count("Lead") == 2  # each job's check: one query of what others changed
        assert report.counts() == {"written": PEOPLE}


def test_without_a_blocking_rule_the_leads_go_in_small_jobs_and_the_plan_says_why(
    small_jobs: LocalOrgHandle, tmp_path: Path
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:  # the seed's Lead rule only alerts
        port, loaded, plan = _planned(small_jobs, tmp_path, store)
        estimate = _lead_estimate(plan)
        assert estimate.create_jobs == (
            "creates in jobs of 2: no active duplicate rule blocks on create: jobs of 2, each checked right "
            "before it is sent"
        )
        assert estimate.calls == 3 + 3 * 5  # the first job's keys, one query per later job; three jobs
        port.jobs.clear()
        report = apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
        assert port.jobs == [2, 2, 1]
        assert report.counts() == {"written": PEOPLE}


def test_a_rule_also_matching_the_name_does_not_count_as_guarding_the_email(
    small_jobs: LocalOrgHandle, tmp_path: Path
) -> None:
    small_jobs.control("duplicate-rules", "PUT", [BLOCKING_NAME_AND_EMAIL])
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        _port_, _loaded, plan = _planned(small_jobs, tmp_path, store)
        assert _lead_estimate(plan).create_jobs.startswith(
            "creates in jobs of 2: no blocking duplicate rule matches on its create key alone (Lead_Name_Email_Block)"
        )


def test_a_rule_deactivated_between_plan_and_apply_leaves_small_jobs(
    small_jobs: LocalOrgHandle, tmp_path: Path
) -> None:
    small_jobs.control("duplicate-rules", "PUT", [BLOCKING_EMAIL])
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        port, loaded, plan = _planned(small_jobs, tmp_path, store)
        assert _lead_estimate(plan).create_jobs.startswith("creates in jobs of 3: duplicate rule")
        small_jobs.control("duplicate-rules", "PUT", [])
        port.jobs.clear()
        report = apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
        assert port.jobs == [2, 2, 1]
        assert report.counts() == {"written": PEOPLE}


def test_an_explicit_job_size_keeps_its_jobs_and_reads_no_rule(small_jobs: LocalOrgHandle, tmp_path: Path) -> None:
    small_jobs.control("duplicate-rules", "PUT", [BLOCKING_EMAIL])
    config = _world(small_jobs, tmp_path)
    config.write_text(config.read_text("utf-8").replace("sync:\n", "sync:\n  bulk_create_job_size: 3\n", 1), "utf-8")
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        for name, kind in (("companies.jsonl", "company"), ("people.csv", "person")):
            load_workspace(store, tmp_path / name, Kind(kind), lambda rejection: pytest.fail(str(rejection)))
        port, loaded = JobCounter(_port(small_jobs)), load_config(config)
        plan = make_plan(port, store, loaded)  # type: ignore[arg-type]
        assert _lead_estimate(plan).create_jobs == "creates in jobs of 3: `sync.bulk_create_job_size: 3`"
        apply_plan(port, store, loaded, plan)  # type: ignore[arg-type]
        assert port.jobs == [3, 2]
        assert "DuplicateRule" not in port.queries
