"""Seeded fault plans for the local org: the failures real orgs produce, a few at a time.

Every rule is bounded (`every_nth` or a probability with its own seed), so a faulted run still makes
progress and the same seed gives the same faults for the same request sequence.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Rule = dict[str, Any]
# Guarded updates (`write_guard: conditional`) are composite requests of sObject Rows PATCH subrequests.
WRITES = r"rest\.((collections|sobject)\.(create|update|upsert)|composite)"
CREATES = r"rest\.(collections|sobject)\.(create|upsert)"
UPDATES = r"rest\.((collections|sobject)\.update|composite)"
# A REST create carrying the next group's check (engine/applying/pipeline) is a composite request.
CREATE_REQUESTS = r"rest\.((collections|sobject)\.(create|upsert)|composite)"
BULK_WRITES = r"bulk\.ingest\.(create|upload|patch)"
READS = r"rest\.(query|query_more|collections\.retrieve)"


def _rule(endpoint: str, action: str, rng: random.Random, nth: tuple[int, int] = (1, 2)) -> Rule:
    if rng.random() < 0.5:
        return {"match": {"endpoint": endpoint}, "action": action, "every_nth": rng.randint(*nth)}
    return {
        "match": {"endpoint": endpoint},
        "action": action,
        "probability": round(rng.uniform(0.3, 0.7), 2),
        "seed": rng.randrange(1 << 30),
    }


MENU: dict[str, Callable[[random.Random], Rule]] = {
    "commit_then_drop:create": lambda rng: _rule(CREATE_REQUESTS, "commit_then_drop", rng),
    "commit_then_drop:update": lambda rng: _rule(UPDATES, "commit_then_drop", rng),
    "commit_then_drop:bulk": lambda rng: _rule(BULK_WRITES, "commit_then_drop", rng),
    "http_500:write": lambda rng: _rule(WRITES, "http_500", rng),
    "http_503:any": lambda rng: _rule(r"(rest|bulk)\..*", "http_503", rng, nth=(4, 9)),
    "unable_to_lock_row:write": lambda rng: _rule(WRITES, "unable_to_lock_row", rng),
    "request_limit_exceeded:mid-run": lambda rng: _rule(r"(rest|bulk)\..*", "request_limit_exceeded", rng, (6, 20)),
    "expire_session:mid-run": lambda rng: _rule(r"(rest|bulk)\..*", "expire_session", rng, nth=(5, 15)),
    "http_503:read": lambda rng: _rule(READS, "http_503", rng, nth=(2, 4)),
}
# Gives a SIGKILL time to land mid-create. Not on updates: a delay between sfsync's re-check and Salesforce's
# commit would only widen the window in which a person's edit and sfsync's write to the same field race.
LATENCY: Rule = {"match": {"endpoint": CREATES}, "action": "latency_ms:40"}


# Widens the window between sfsync's re-check of an update's target and Salesforce's commit of the write, so a
# person's edit lands in it: the race a write guard must close (`--update-latency-ms`).
GUARDED_UPDATES = r"rest\.(collections\.update|sobject\.update|composite)"


def update_latency(milliseconds: int) -> list[Rule]:
    return [{"match": {"endpoint": GUARDED_UPDATES}, "action": f"latency_ms:{milliseconds}"}] if milliseconds else []


def choose(rng: random.Random) -> tuple[list[str], list[Rule]]:
    """One to three faults of the menu, their rules, and (often) latency on creates."""
    names = rng.sample(sorted(MENU), rng.randint(1, 3))
    rules = [MENU[name](rng) for name in names]
    if rng.random() < 0.5:
        rules.append(LATENCY)
    return names, rules


# The email creates' path: the write faults of the menu, each on every first or second create (on the Bulk
# path, ingest call), so that one fires on the email or on its relation (or its Task) unless a SIGKILL lands first.
EMAIL_WRITE_FAULTS = {
    "commit_then_drop:create": (CREATES, "commit_then_drop"),
    "http_500:write": (WRITES, "http_500"),
    "unable_to_lock_row:write": (WRITES, "unable_to_lock_row"),
}
EMAIL_OTHER_FAULTS = ("http_503:any", "http_503:read", "expire_session:mid-run", "request_limit_exceeded:mid-run")


def choose_for_emails(rng: random.Random, api: str) -> tuple[list[str], list[Rule]]:
    """The faults of an apply whose plan holds only email creates, by `api` (rest | bulk, the path its emails
    take): one on the create path that fires, maybe one more of the menu's (a lost session, a limit, an
    unavailable server), latency on creates half the time."""
    name = rng.choice(sorted(EMAIL_WRITE_FAULTS))
    endpoint, action = EMAIL_WRITE_FAULTS[name]
    endpoint = BULK_WRITES if api == "bulk" else endpoint
    names, rules = [name], [{"match": {"endpoint": endpoint}, "action": action, "every_nth": rng.randint(1, 2)}]
    if rng.random() < 0.6:
        other = rng.choice(EMAIL_OTHER_FAULTS)
        names.append(other)
        rules.append(MENU[other](rng))
    if rng.random() < 0.5:
        rules.append(LATENCY)
    return names, rules


def kill_after(rng: random.Random, scale: float, chance: float) -> float | None:
    """When to SIGKILL an apply (`chance` of it): between 0.1 and 1.5 times `scale`, how long a plan took."""
    return rng.uniform(0.1, 1.5) * scale if rng.random() < chance else None
