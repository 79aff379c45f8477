"""A sales user creating the very people sfsync is creating, while apply runs (the `racing-creates` twists).

The person takes some of the plan's creates (same email, same object), looks each one up in the org
first, as a careful person does, and creates it when nothing has that email yet. With an active
blocking duplicate rule on Email (`racing-creates`) the org refuses whichever of two such creates
comes second: no run may end with a duplicate. Without one (`racing-creates-no-rule`) nothing on the
server makes check-then-insert atomic, for sfsync or for the person: a record that lands between
sfsync's check of a chunk's keys and that chunk's insert is a duplicate created by the race, counted
apart (`Findings.race_duplicates`) with the seconds between the two creates (`CreatedDate`).
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

from sfsync.engine.plans.file import plan_document

from .org_process import HUMAN, OrgProcess
from .world import World

RACING_TWISTS = ("racing-creates", "racing-creates-no-rule")
BLOCKING_EMAIL_RULES = [
    {"object": "Lead", "name": "Lead_Email_Block", "field": "Email", "action": "block"},
    {"object": "Contact", "name": "Contact_Email_Block", "field": "Email", "action": "block"},
]
SHARE = 3  # the person races one planned create in this many


def set_duplicate_rules(org: OrgProcess, twist: str) -> None:
    """A blocking rule on Email for Leads and Contacts, or no duplicate rule at all."""
    org.control("duplicate-rules", "PUT", BLOCKING_EMAIL_RULES if twist == "racing-creates" else [])


def planned_creates(plan_file: Path) -> list[tuple[str, str]]:
    """(object, email) of each person the plan creates."""
    found = []
    for change in plan_document(plan_file)["changes"]:
        email = next((f["after"] for f in change["fields"] if f["field"] == "Email"), None)
        if change["action"] == "create" and change["sobject"] in ("Lead", "Contact") and email:
            found.append((str(change["sobject"]), str(email)))
    return found


class Racer(threading.Thread):
    """Creates some of `creates` during apply, each one only when the org has no record with its email."""

    def __init__(self, org: OrgProcess, world: World, seed: int, creates: list[tuple[str, str]], span: float) -> None:
        super().__init__(name="human-racer", daemon=True)
        self.org, self.world, self.rng = org, world, random.Random(seed)
        self.creates = self.rng.sample(creates, min(len(creates), len(creates) // SHARE + 1))
        # Spread over about `span` seconds (what apply takes): some land before a chunk's check, some after
        # its insert, and a few in between.
        self.pause = 2 * span / max(len(self.creates), 1)
        self.stopped = threading.Event()
        self.created = 0

    def run(self) -> None:
        for sobject, email in self.creates:
            if self.stopped.wait(self.rng.uniform(0, self.pause)):
                return
            if not self._exists(sobject, email):
                self._create(sobject, email)

    def _exists(self, sobject: str, email: str) -> bool:
        with self.org.database() as db:
            query = f'SELECT 1 FROM "{sobject}" WHERE "IsDeleted" = 0 AND "Email" = ? COLLATE NOCASE'  # noqa: S608
            return db.execute(query, (email,)).fetchone() is not None

    def _create(self, sobject: str, email: str) -> None:
        values: dict[str, Any] = {"Email": email, "LastName": f"Racer {self.created}"}
        if sobject == "Lead":
            values["Company"] = "Racer Co"
        # As the person's own save: the org's duplicate rules apply to it as to sfsync's.
        body = {"as": HUMAN, "values": values, "allow_duplicates": False}
        result = self.org.control(f"records/{sobject}", "POST", body)
        if not result.get("success"):
            return  # refused by the blocking rule: sfsync's record came first
        record_id = str(result["id"])
        self.world.human_made.add((sobject, record_id))
        self.world.remember(sobject, record_id, values)
        self.world.raced[email.lower()] = (sobject, record_id)
        self.created += 1

    def finish(self) -> int:
        self.stopped.set()
        self.join(timeout=60)
        return self.created
