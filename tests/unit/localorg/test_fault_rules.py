"""Fault rules: matching and the determinism of their firing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfsync.errors import UsageError
from sfsync.localorg.faults import FaultPlan, RequestFacts, load_fault_file, parse_rules

QUERY = RequestFacts("rest.query", "GET", "/services/data/v59.0/query", None)
CREATE = RequestFacts("rest.collections.create", "POST", "/services/data/v59.0/composite/sobjects", None)


def _firings(plan: FaultPlan, facts: RequestFacts, times: int) -> list[str | None]:
    return [plan.decide(facts) for _ in range(times)]


def test_same_seed_same_faults() -> None:
    raw = [{"match": {"endpoint": "rest.query"}, "action": "http_500", "probability": 0.3, "seed": 11}]
    first = _firings(FaultPlan(parse_rules(raw)), QUERY, 50)
    assert first == _firings(FaultPlan(parse_rules(raw)), QUERY, 50)
    assert 0 < first.count("http_500") < 50


def test_every_nth_counts_only_matching_requests() -> None:
    plan = FaultPlan(
        parse_rules({"faults": [{"match": {"operation": "create"}, "action": "commit_then_drop", "every_nth": 3}]})
    )
    decisions = [plan.decide(facts) for facts in (CREATE, QUERY, CREATE, QUERY, CREATE)]
    assert decisions == [None, None, None, None, "commit_then_drop"]


def test_path_method_and_object_matching() -> None:
    rule = parse_rules([{"match": {"path": "/composite/", "method": "post"}, "action": "latency_ms:5"}])[0]
    assert rule.matches(CREATE) and not rule.matches(QUERY)
    lead = parse_rules([{"match": {"object": "lead"}, "action": "http_503"}])[0]
    assert lead.matches(RequestFacts("rest.sobject.create", "POST", "/x", "Lead"))
    assert not lead.matches(QUERY)


@pytest.mark.parametrize("raw", [[{"action": "explode"}], [{"match": {"colour": "red"}, "action": "http_500"}], [{}]])
def test_invalid_rules_are_usage_errors(raw: list[dict[str, object]]) -> None:
    with pytest.raises(UsageError):
        parse_rules(raw)


def test_a_fault_file_is_read_as_yaml(tmp_path: Path) -> None:
    plan = tmp_path / "faults.yaml"
    plan.write_text("- match: {endpoint: rest.limits}\n  action: http_503\n  every_nth: 2\n", "utf-8")
    rules = load_fault_file(plan)
    assert [(r.action, r.every_nth) for r in rules] == [("http_503", 2)]
    with pytest.raises(UsageError):
        load_fault_file(tmp_path / "missing.yaml")
