"""A sales user's hands: records made before the first plan, edits between plan and apply and during apply.

Every value set here is remembered in the world: sfsync must never change it.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from pathlib import Path
from typing import Any

from sfsync.engine.plans.file import plan_document

from .org_process import OrgProcess
from .world import World

EDITABLE = {"Lead": ("Title", "Phone", "FirstName"), "Contact": ("Title", "Phone", "FirstName"), "Account": ("Phone",)}


def make_records_first(org: OrgProcess, world: World, rng: random.Random) -> None:
    """Some people and companies already exist in Salesforce, made by a person, with values of their own."""
    for i, person in enumerate(world.people):
        if rng.random() >= 0.15:
            continue
        sobject = "Lead" if world.variant.mode == "leads" and rng.random() < 0.8 else "Contact"
        email = person.email.upper() if rng.random() < 0.2 else person.email
        values: dict[str, Any] = {"Email": email, "LastName": f"Human{i}"}
        if sobject == "Lead":
            values["Company"] = f"Human Co {i}"
        if rng.random() < 0.5:
            values["Title"] = f"Human Title {i}"
        if rng.random() < 0.3:
            values["Phone"] = f"+44 20 {i:04d}"
        _create(org, world, sobject, values)
    if world.variant.mode == "contacts":
        for i, company in enumerate(world.companies):
            if rng.random() < 0.15:
                values = {"Name": f"Human Account {i}", "Website": f"https://www.{company.domain}/"}
                if rng.random() < 0.5:
                    values["Phone"] = f"+44 161 {i:04d}"
                _create(org, world, "Account", values)


def _create(org: OrgProcess, world: World, sobject: str, values: dict[str, Any]) -> str:
    record_id = org.create_as_human(sobject, values)
    world.human_made.add((sobject, record_id))
    world.remember(sobject, record_id, values)
    return record_id


def edit_between_plan_and_apply(org: OrgProcess, world: World, rng: random.Random, plan_file: Path) -> int:
    """Fill fields the plan means to fill, and make records the plan means to create; how many edits."""
    changes = plan_document(plan_file)["changes"]
    edits = set_accounts_first(org, world, changes) if world.variant.twist == "account-set" else 0
    for change in rng.sample(changes, min(len(changes), rng.randint(0, 6))):
        if change["action"] == "update":
            editable = [f["field"] for f in change["fields"] if f["field"] in EDITABLE.get(change["sobject"], ())]
            if editable:
                name = rng.choice(editable)
                value = f"Between {change['sf_id'][-5:]}" if name != "Phone" else "+1 999 0000"
                if org.edit_as_human(change["sobject"], change["sf_id"], {name: value}):
                    world.remember(change["sobject"], change["sf_id"], {name: value})
                    edits += 1
        elif change["action"] == "create" and change["sobject"] in ("Lead", "Contact"):
            email = next((f["after"] for f in change["fields"] if f["field"] == "Email"), None)
            if email:
                # A name of its own: a fuzzy duplicate rule (name + company) must not refuse the person's create.
                values = {"Email": email, "LastName": f"Between {email}"}
                if change["sobject"] == "Lead":
                    values["Company"] = "Between Co"
                _create(org, world, change["sobject"], values)
                world.blocked.discard(str(email).lower())  # now the person's own record: sfsync links it
                edits += 1
    return edits


class Editor(threading.Thread):
    """Edits records at random moments while apply runs; stop it with `finish()`, which returns the count."""

    def __init__(
        self, org: OrgProcess, world: World, seed: int, targets: list[tuple[str, str, str]] | None = None
    ) -> None:
        super().__init__(name="human-editor", daemon=True)
        self.org, self.world, self.rng = org, world, random.Random(seed)
        self.stopped = threading.Event()
        self.edits = 0
        # (object, id, field) the plan updates: with them the person races sfsync's writes, fast, on purpose.
        self.targets = targets or []
        # A target stops being raced once sfsync has written its record: a later edit is no race, and it
        # would hide the one before (its value is what the check then finds), more so the longer the apply
        # runs on after its updates (a loaded machine), until no race was seen at all.
        self.started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        self.written: set[tuple[str, str]] = set()

    def run(self) -> None:
        pace = (0.01, 0.05) if self.targets else (0.05, 0.4)
        while not self.stopped.wait(self.rng.uniform(*pace)):
            if self.targets and self.rng.random() < 0.8:
                self._edit_target()
            else:
                self._edit_one()

    def _written_by_sfsync(self, sobject: str, record_id: str) -> bool:
        if (sobject, record_id) not in self.written:
            with self.org.database() as db:
                row = db.execute(
                    f'SELECT 1 FROM "{sobject}" r JOIN "User" u ON u."Id" = r."LastModifiedById" '  # noqa: S608
                    'WHERE r."Id" = ? AND u."Username" = ? AND r."LastModifiedDate" >= ?',
                    (record_id, self.org.connection.username, self.started),
                ).fetchone()
            if row is not None:
                self.written.add((sobject, record_id))
        return (sobject, record_id) in self.written

    def _edit_target(self) -> None:
        open_targets = [t for t in self.targets if (t[0], t[1]) not in self.written]
        if not open_targets:
            self._edit_one()
            return
        sobject, record_id, name = self.rng.choice(open_targets)
        if self._written_by_sfsync(sobject, record_id):
            return
        value = f"Racing {self.edits}" if name != "Phone" else f"+1 877 {self.edits:04d}"
        if self.org.edit_as_human(sobject, record_id, {name: value}):
            self.world.remember(sobject, record_id, {name: value})
            self.edits += 1

    def _edit_one(self) -> None:
        objects = [o for o in EDITABLE if o != "Account" or self.world.variant.mode == "contacts"]
        sobject = self.rng.choice(objects)
        with self.org.database() as db:
            row = db.execute(f'SELECT "Id" FROM "{sobject}" WHERE "IsDeleted" = 0 ORDER BY random() LIMIT 1').fetchone()  # noqa: S608
        if row is None:
            return
        name = self.rng.choice(EDITABLE[sobject])
        value = f"During {self.edits}" if name != "Phone" else f"+1 888 {self.edits:04d}"
        if self.org.edit_as_human(sobject, row[0], {name: value}):
            self.world.remember(sobject, row[0], {name: value})
            self.edits += 1

    def finish(self) -> int:
        self.stopped.set()
        self.join(timeout=60)
        return self.edits


def update_targets(plan_file: Path) -> list[tuple[str, str, str]]:
    """The fields the plan updates that a person may edit: where a person's edit can race sfsync's write."""
    changes = plan_document(plan_file)["changes"]  # a plan file is compressed NDJSON: read through its reader
    return [
        (c["sobject"], c["sf_id"], f["field"])
        for c in changes
        if c["action"] == "update" and c.get("sf_id")
        for f in c["fields"]
        if f["field"] in EDITABLE.get(c["sobject"], ())
    ]


def set_accounts_first(org: OrgProcess, world: World, changes: list[dict[str, Any]]) -> int:
    """Put every Contact the plan means to give an Account under an Account of the person's own choosing."""
    edits = 0
    for change in changes:
        wanted = [f for f in change["fields"] if f["field"] == "AccountId"]
        if change["action"] != "update" or change["sobject"] != "Contact" or not wanted:
            continue
        suffix = change["sf_id"][-6:].lower()
        parent = _create(
            org, world, "Account", {"Name": f"Chosen {suffix}", "Website": f"https://chosen-{suffix}.example"}
        )
        if org.edit_as_human("Contact", change["sf_id"], {"AccountId": parent}):
            world.remember("Contact", change["sf_id"], {"AccountId": parent})
            edits += 1
    return edits


def rename_written(org: OrgProcess, world: World, rng: random.Random, count: int) -> int:
    """Change the email of up to `count` people sfsync wrote, as a person does in Salesforce; how many."""
    moved = 0
    for sobject in world.variant.person_objects:
        rows = _made_by_sfsync(org, sobject)
        for record_id, email in rng.sample(rows, min(len(rows), count - moved)):
            new = f"moved.{email}"
            if org.edit_as_human(sobject, record_id, {"Email": new}):
                world.remember(sobject, record_id, {"Email": new})
                world.renamed[str(email).lower()] = new
                moved += 1
    return moved


def edit_written(org: OrgProcess, world: World, rng: random.Random, count: int) -> int:
    """Set Title and Phone by hand on up to `count` records sfsync created; how many."""
    edits = 0
    for sobject in world.variant.person_objects:
        rows = _made_by_sfsync(org, sobject)
        for record_id, _email in rng.sample(rows, min(len(rows), count - edits)):
            values = {"Title": f"Kept {record_id[-5:]}", "Phone": "+1 777 0000"}
            if org.edit_as_human(sobject, record_id, values):
                world.remember(sobject, record_id, values)
                edits += 1
    return edits


# Salesforce's standard Lead rule matches on name and company, not on email: its match is not an identity.
FUZZY_RULE = {"object": "Lead", "name": "Lead_Name_Company", "fields": ["LastName", "Company"], "action": "block"}


def make_namesakes(org: OrgProcess, world: World, rng: random.Random, count: int) -> None:
    """Under a fuzzy Lead rule, a person makes Leads for other people with the names of in-scope ones."""
    org.control("duplicate-rules", "PUT", [FUZZY_RULE])
    taken = {email for (_o, _i), values in world.human_values.items() if (email := values.get("Email"))}
    candidates = [p for p in world.in_scope if p.email not in taken and p.email.upper() not in taken]
    for person in rng.sample(candidates, min(count, len(candidates))):
        values = {"Email": f"namesake.{person.email}", "LastName": person.last_name, "Company": person.company.name}
        _create(org, world, "Lead", {**values, "Title": "Someone else"})
        world.blocked.add(person.email)


def _made_by_sfsync(org: OrgProcess, sobject: str) -> list[tuple[str, str]]:
    """(Id, Email) of the live records of `sobject` that sfsync's integration user created, in Id order."""
    with org.database() as db:
        rows = db.execute(
            f'SELECT r."Id", r."Email" FROM "{sobject}" r JOIN "User" u ON u."Id" = r."CreatedById" '  # noqa: S608
            'WHERE r."IsDeleted" = 0 AND u."Username" = ? ORDER BY r."Id"',
            (org.connection.username,),
        ).fetchall()
    return [(str(record_id), str(email)) for record_id, email in rows]
