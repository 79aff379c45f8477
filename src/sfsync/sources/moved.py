"""Whether the sources moved since a plan read them: what `apply` of a saved plan checks, cheaply.

- files: the matched files are digested again (a file edited, added or gone moves the source);
- SQL with a cursor: one row beyond the cursor the plan reached is asked for (`LIMIT 1`);
- SQL without a cursor: the query is run again and its rows digested, as the plan did.

A source the plan did not read (a plan made before it was declared, or an older plan file), one it read
that is no longer declared, and one declared differently since, have moved too.
"""

from __future__ import annotations

from collections.abc import Mapping

from sfsync.config import LoadedConfig
from sfsync.engine.plans.plan import Plan, SourceRead
from sfsync.errors import StalePlanError
from sfsync.sources.cursor import shown_cursor
from sfsync.sources.files import digests
from sfsync.sources.reading import database, definition_digest, files_digest
from sfsync.sources.sql import beyond, rows_digest


def moved_sources(loaded: LoadedConfig, planned: Mapping[str, SourceRead], environ: Mapping[str, str]) -> list[str]:
    """Each source that moved since the plan, in words naming it; empty when every source is as read."""
    sources = loaded.config.sources
    found = [f"source {name} is no longer in the config" for name in sorted(set(planned) - set(sources))]
    for name in sorted(sources):
        read = planned.get(name)
        if read is None:
            found.append(f"source {name} was not read by the plan")
        elif read.definition != definition_digest(sources[name]):
            found.append(f"source {name} changed in the config since the plan")
        else:
            found.extend(_moved(loaded, name, read, environ))
    return found


def _moved(loaded: LoadedConfig, name: str, read: SourceRead, environ: Mapping[str, str]) -> list[str]:
    source = loaded.config.sources[name]
    if source.files is not None:
        if files_digest(digests(source, loaded.path.parent)) != read.digest:
            return [f"source {name} moved (its files changed since the plan)"]
        return []
    db = database(loaded, name, environ)
    if source.sql is not None and source.sql.cursor is not None:
        if beyond(db, source, read.cursor):
            return [f"source {name} moved (it has rows beyond cursor value {shown_cursor(read.cursor)})"]
        return []
    if rows_digest(db, source) != read.digest:
        return [f"source {name} moved (its query returns other rows than the plan read)"]
    return []


def refuse_moved_sources(loaded: LoadedConfig, plan: Plan, environ: Mapping[str, str]) -> None:
    """Refuse a saved plan whose sources moved since it was made (`StalePlanError` naming each)."""
    found = moved_sources(loaded, plan.fingerprint.sources, environ)
    if found:
        raise StalePlanError("the plan is stale: " + "; ".join(found) + ". Run `sfsync plan` again.")
