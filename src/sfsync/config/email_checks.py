"""The checks of the email parts of a config: `mappings.EmailMessage`, play defaults, `sync.email`.

Until emails are planned, `sync.email.write: true` is said as a warning by `validate` and by `plan`, never
silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfsync import catalogue
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.errors import Diagnostic, Severity

if TYPE_CHECKING:
    from sfsync.config.checks import Checker, Path
    from sfsync.config.loading import LoadedConfig

EMAIL_WRITES_PENDING = "email writes are not available yet: `plan` and `apply` do not write emails"


def email_field(checker: Checker, ref: str, kinds: tuple[str, ...], path: Path, where: str) -> bool:
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


def mapping_direction(checker: Checker, sobject: str, entry: object, path: Path) -> None:
    """Emails are only ever created: a mapping that reads has nothing to read."""
    if sobject == EMAIL_OBJECT and isinstance(entry, dict) and entry.get("direction", "write") != "write":
        hint = "emails are created once and never read back: remove the direction"
        checker.error(f"{EMAIL_OBJECT} mappings are write-only", (*path, "direction"), hint)


def play_defaults(checker: Checker, node: object, path: Path) -> None:
    """A play's entrants are people or companies: its EmailMessage defaults reach no email."""
    if isinstance(node, dict) and EMAIL_OBJECT in node:
        hint = f"give {EMAIL_OBJECT} values in the top-level `defaults` or `mappings`"
        checker.warning(f"the {EMAIL_OBJECT} defaults of a play never apply", (*path, EMAIL_OBJECT), hint, key=True)


def email_sync(checker: Checker, node: object) -> None:
    """`sync.email.write: true` asks for what this sfsync cannot do yet: said, never silently ignored."""
    if isinstance(node, dict) and node.get("write") is True:
        hint = "this sfsync loads emails (`workspace load --object email`) but cannot write them yet"
        checker.warning(EMAIL_WRITES_PENDING, ("sync", "email", "write"), hint)


def pending_email_writes(loaded: LoadedConfig, loaded_emails: int) -> list[Diagnostic]:
    """What `plan` says while `sync.email.write` is on: emails are loaded but cannot be written yet."""
    if not loaded.config.sync.email.write:
        return []
    path = ("sync", "email", "write")
    noun = "email" if loaded_emails == 1 else "emails"
    summary = f"{EMAIL_WRITES_PENDING}; this plan writes none of the {loaded_emails} loaded {noun}"
    hint = "people are planned as usual; set sync.email.write to false to silence this"
    return [Diagnostic(Severity.WARNING, summary, position=loaded.position(path), path=path, hint=hint)]
