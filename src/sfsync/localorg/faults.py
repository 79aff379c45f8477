"""Fault plans: deterministic failures injected into matching requests, for reliability tests.

A plan is a list of rules. Each rule matches requests by endpoint (the call counter name, a regex),
operation (the endpoint's last part: create, update, query, …), HTTP method, path (a regex) and
object; and fires either with a probability drawn from its own `random.Random(seed)` or on every
n-th matching request. The same seed and the same request sequence give the same failures.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sfsync.errors import UsageError

ACTIONS = frozenset(
    {"http_500", "http_503", "unable_to_lock_row", "request_limit_exceeded", "expire_session", "commit_then_drop"}
)


@dataclass(frozen=True)
class RequestFacts:
    endpoint: str
    method: str
    path: str
    sobject: str | None

    @property
    def operation(self) -> str:
        return self.endpoint.rsplit(".", 1)[-1]


@dataclass
class FaultRule:
    match: Mapping[str, str]
    action: str
    probability: float | None = None
    every_nth: int | None = None
    seed: int = 0
    matched: int = 0
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS and not re.fullmatch(r"latency_ms:\d+", self.action):
            raise UsageError(f"unknown fault action {self.action!r}")
        unknown = set(self.match) - {"endpoint", "operation", "method", "path", "object"}
        if unknown:
            raise UsageError(f"unknown fault match keys {sorted(unknown)}")
        self._random = random.Random(self.seed)

    def matches(self, facts: RequestFacts) -> bool:
        checks: dict[str, Callable[[str], object]] = {
            "endpoint": lambda p: re.fullmatch(p, facts.endpoint),
            "operation": lambda p: p == facts.operation,
            "method": lambda p: p.upper() == facts.method,
            "path": lambda p: re.search(p, facts.path),
            "object": lambda p: (facts.sobject or "").lower() == p.lower(),
        }
        return all(checks[key](str(pattern)) for key, pattern in self.match.items())

    def fires(self) -> bool:
        self.matched += 1
        if self.every_nth:
            hit = self.matched % self.every_nth == 0
        else:
            hit = self._random.random() < (1.0 if self.probability is None else self.probability)
        self.fired += int(hit)
        return hit

    def describe(self) -> dict[str, Any]:
        return {
            "match": dict(self.match),
            "action": self.action,
            "probability": self.probability,
            "every_nth": self.every_nth,
            "seed": self.seed,
            "matched": self.matched,
            "fired": self.fired,
        }


class FaultPlan:
    """The active rules; the first rule that matches and fires decides the request's fault."""

    def __init__(self, rules: Sequence[FaultRule] = ()) -> None:
        self._lock = threading.Lock()
        self.rules = list(rules)

    def replace(self, rules: Sequence[FaultRule]) -> None:
        with self._lock:
            self.rules = list(rules)

    def decide(self, facts: RequestFacts) -> str | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(facts) and rule.fires():
                    return rule.action
        return None


def parse_rules(document: Any) -> list[FaultRule]:
    raw_rules = document.get("faults", document.get("rules", [])) if isinstance(document, Mapping) else document
    if not isinstance(raw_rules, list):
        raise UsageError("a fault plan is a list of rules (or an object with a `faults` list)")
    rules = []
    for raw in raw_rules:
        if not isinstance(raw, Mapping) or "action" not in raw:
            raise UsageError(f"a fault rule needs an action: {raw!r}")
        rules.append(
            FaultRule(
                match=dict(raw.get("match") or {}),
                action=str(raw["action"]),
                probability=None if raw.get("probability") is None else float(raw["probability"]),
                every_nth=None if raw.get("every_nth") is None else int(raw["every_nth"]),
                seed=int(raw.get("seed", 0)),
            )
        )
    return rules


def load_fault_file(path: Path) -> list[FaultRule]:
    """A fault plan from a JSON or YAML file."""
    from sfsync.localorg.seed import read_yaml

    return parse_rules(read_yaml(path, "fault plan"))
