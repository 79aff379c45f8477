"""The canonical form of a config: what the engine diffs and fingerprints.

Defaults are filled in, shorthand is expanded, keys are sorted, and `${VAR}` references stay
references (a digest never depends on a secret).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfsync.config.models import Config


# How `sfsync run` schedules itself, not what a plan writes: changing them leaves the applied config as it is.
# `sources` says where the workspace's records come from, as `workspace load` does: each source's read has
# its own place in a plan's fingerprint (`Fingerprint.sources`), so the config's digest leaves it out.
RUN_ONLY: dict[str, Any] = {"sync": {"auto_apply", "run"}, "sources": True}


def canonical(config: Config) -> dict[str, Any]:
    """A JSON-able dict with every default filled and keys sorted (the settings of `run` and the sources left out).

    `sync.email` is left out while it holds its defaults: a config that does not write emails keeps the
    digest it had before sfsync knew of emails, so upgrading never makes an applied config look changed.
    """
    dumped = config.model_dump(mode="json", by_alias=True, exclude=RUN_ONLY)
    if config.sync.email == type(config.sync.email)():
        del dumped["sync"]["email"]
    result: dict[str, Any] = json.loads(json.dumps(dumped, sort_keys=True))
    return result


def canonical_json(config: Config) -> str:
    return json.dumps(canonical(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(config: Config) -> str:
    """sha256 (hex) of the canonical JSON: equal configs, equal digests, whatever their formatting."""
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()
