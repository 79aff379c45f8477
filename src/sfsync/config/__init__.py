"""The config as code: `sfsync.yaml` → a frozen, validated `Config` with positioned diagnostics.

Public entry points: `load_config`, `canonical`/`digest` (what the engine diffs and fingerprints),
`resolve_connection` (only when a command connects) and `json_schema`.
"""

from __future__ import annotations

from sfsync.config.canonical import canonical, canonical_json, digest
from sfsync.config.loading import LoadedConfig, load_config, load_config_text, load_document
from sfsync.config.models import Config, FieldMapping
from sfsync.config.resolve import ResolvedConnection, resolve_connection, resolve_store_url
from sfsync.config.schema import json_schema, schema_text
from sfsync.config.source import SourceMap

__all__ = [
    "Config",
    "FieldMapping",
    "LoadedConfig",
    "ResolvedConnection",
    "SourceMap",
    "canonical",
    "canonical_json",
    "digest",
    "json_schema",
    "load_config",
    "load_config_text",
    "load_document",
    "resolve_connection",
    "resolve_store_url",
    "schema_text",
]
