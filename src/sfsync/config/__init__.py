"""The config as code: `sfsync.yaml` → a frozen, validated `Config` with positioned diagnostics.

Public entry points: `load_config`, `canonical`/`digest` (what the engine diffs and fingerprints),
`resolve_connection` (only when a command connects) and `json_schema`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sfsync.config.canonical import canonical, canonical_json, digest
from sfsync.config.loading import LoadedConfig, load_config, load_config_text, load_document
from sfsync.config.source import SourceMap

if TYPE_CHECKING:
    from sfsync.config.models import Config, FieldMapping
    from sfsync.config.resolve import ResolvedConnection, resolve_connection, resolve_store_url
    from sfsync.config.schema import json_schema, schema_text
else:
    # The models (pydantic) are imported on first use, so that reading and formatting files (`sfsync fmt`)
    # does not build them: PEP 562 attribute look-up of the names below.
    _LAZY = {
        "Config": "models",
        "FieldMapping": "models",
        "ResolvedConnection": "resolve",
        "resolve_connection": "resolve",
        "resolve_store_url": "resolve",
        "json_schema": "schema",
        "schema_text": "schema",
    }

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value


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
