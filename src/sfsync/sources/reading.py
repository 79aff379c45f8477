"""`read_sources`: every declared source read into the workspace before a plan is made.

Each source's rows go through the loader in committed batches, as `workspace load` would load them;
where the read ended (the cursor reached, the digests of the files read) is recorded only after its
last batch is committed. A source read is a load, not a plan's read: it is kept in the store whatever
the config, also when the plan's config is not the applied one (whose plan keeps nothing of what it
reads from Salesforce). docs/config.md ("Sources") says why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sfsync.config import LoadedConfig
from sfsync.config.resolve import referenced_values, resolve_source_url
from sfsync.config.sources import DataSource
from sfsync.engine.plans.plan import Plan, PlanDiagnostic, SourceRead
from sfsync.errors import Severity
from sfsync.sources.files import read_files
from sfsync.sources.rejections import SourceRejection
from sfsync.sources.sql import Database, read_sql
from sfsync.store import Store
from sfsync.store.source_state import SourceState

# Companies first, then people (who name their company), then emails (which name their person); by name within each.
READ_ORDER = {"company": 0, "person": 1, "email": 2}


def definition_digest(source: DataSource) -> str:
    """sha256 of the source as declared (references unresolved): a changed source is read from the start."""
    declared = source.model_dump(mode="json", by_alias=True, exclude_none=True)
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode("utf-8")).hexdigest()


def files_digest(files: Mapping[str, str]) -> str:
    """sha256 of every matched file's path and content digest: moves when any file is edited, added or gone."""
    text = "".join(f"{path}\0{digest}\n" for path, digest in sorted(files.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def database(loaded: LoadedConfig, name: str, environ: Mapping[str, str]) -> Database:
    sql = loaded.config.sources[name].sql
    secrets = referenced_values(sql.url, environ) if sql else []
    return Database(name, resolve_source_url(loaded, name, environ), secrets)


@dataclass(frozen=True)
class SourceReads:
    """What one pass over the declared sources read, by source name; `stamp` puts it on the plan."""

    reads: Mapping[str, SourceRead] = field(default_factory=lambda: MappingProxyType({}))

    def stamp(self, plan: Plan) -> Plan:
        """The plan with each read in its fingerprint, and a warning per source that refused rows."""
        if not self.reads:
            return plan
        notes = [_rejected_note(name, read) for name, read in self.reads.items() if read.rejected]
        fingerprint = dataclasses.replace(plan.fingerprint, sources=dict(self.reads))
        return dataclasses.replace(plan, fingerprint=fingerprint, diagnostics=(*plan.diagnostics, *notes))


def read_sources(
    store: Store,
    loaded: LoadedConfig,
    environ: Mapping[str, str],
    on_reject: Callable[[SourceRejection], None],
) -> SourceReads:
    """Read every source of the config into the workspace (the hook `plan`, `apply` and `run` call before
    they plan); each refused row goes to `on_reject`. Raises `UsageError` for a source that cannot be
    read at all (a database that refuses the connection): the plan is not made on part of its input."""
    reads: dict[str, SourceRead] = {}
    for name in sorted(loaded.config.sources, key=lambda n: (READ_ORDER[loaded.config.sources[n].object], n)):
        reads[name] = _read_one(store, loaded, name, environ, on_reject)
    return SourceReads(MappingProxyType(reads))


def _read_one(
    store: Store,
    loaded: LoadedConfig,
    name: str,
    environ: Mapping[str, str],
    on_reject: Callable[[SourceRejection], None],
) -> SourceRead:
    source = loaded.config.sources[name]
    definition = definition_digest(source)
    state = store.sources.state(name)
    if state is not None and state.definition != definition:
        state = None  # the source changed in the config: read it again from the start
    if source.files is not None:
        known = state.files if state is not None else {}
        files = read_files(store, name, source, loaded.path.parent, known, on_reject)
        store.sources.record(name, SourceState(definition, files=files.files))
        return SourceRead(definition, files_digest(files.matched), None, files.rows, files.rejected)
    after = state.cursor if state is not None else None
    read = read_sql(store, database(loaded, name, environ), source, after, on_reject)
    store.sources.record(name, SourceState(definition, cursor=read.cursor))
    return SourceRead(definition, read.digest, read.cursor, read.rows, read.rejected)


def _rejected_note(name: str, read: SourceRead) -> PlanDiagnostic:
    rows = f"{read.rejected} row{'s' if read.rejected != 1 else ''}"
    return PlanDiagnostic(
        Severity.WARNING,
        f"source {name}: {rows} rejected",
        "each is reported by source and row; the source's other rows were loaded and are planned",
        path=f"sources.{name}",
    )
