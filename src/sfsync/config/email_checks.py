"""The checks of the email parts of a config: `mappings.EmailMessage`, play defaults, `sync.email`.

`sync.email.write: true` without `sync.write` writes nothing: said as a warning, never silently ignored.
"""

from __future__ import annotations

from sfsync import catalogue
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.config.reporting import Reporter
from sfsync.config.source import Path

EMAIL_WRITES_OFF = "sync.email.write is true but sync.write is not: no email is written"


def email_field(checker: Reporter, ref: str, kinds: tuple[str, ...], path: Path, where: str) -> bool:
    """Whether `ref` is an email field, reported when `where` cannot use one; False: not an email field."""
    if ref.split(".")[0] != catalogue.EMAIL:
        return False
    if catalogue.EMAIL not in kinds:
        checker.error(f'{where} cannot use email fields ("{ref}")', path, f"use {' or '.join(kinds)}.* here")
        return True
    return catalogue.is_email_field(ref) or catalogue.is_attribute(ref)  # else unknown: reported with the others


def field_names(kind: str) -> list[str]:
    """The standard fields' names of a workspace kind, or of emails."""
    return list(catalogue.EMAIL_FIELDS if kind == catalogue.EMAIL else catalogue.FIELDS[catalogue.Kind(kind)])


def mapping_direction(checker: Reporter, sobject: str, entry: object, path: Path) -> None:
    """Emails are only ever created: a mapping that reads has nothing to read."""
    if sobject == EMAIL_OBJECT and isinstance(entry, dict) and entry.get("direction", "write") != "write":
        hint = "emails are created once and never read back: remove the direction"
        checker.error(f"{EMAIL_OBJECT} mappings are write-only", (*path, "direction"), hint)


def play_defaults(checker: Reporter, node: object, path: Path) -> None:
    """A play's entrants are people or companies: its EmailMessage defaults reach no email."""
    if isinstance(node, dict) and EMAIL_OBJECT in node:
        hint = f"give {EMAIL_OBJECT} values in the top-level `defaults` or `mappings`"
        checker.warning(f"the {EMAIL_OBJECT} defaults of a play never apply", (*path, EMAIL_OBJECT), hint, key=True)


def email_sync(checker: Reporter, sync: dict[str, object]) -> None:
    """`sync.email.write: true` is obeyed only with `sync.write` on too: said, never silently ignored."""
    node = sync.get("email")
    if isinstance(node, dict) and node.get("write") is True and sync.get("write") is not True:
        hint = "set sync.write to true to write people and their emails"
        checker.warning(EMAIL_WRITES_OFF, ("sync", "email", "write"), hint)
