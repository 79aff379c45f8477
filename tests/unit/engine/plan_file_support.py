"""Plan files taken apart and put back together, as a person editing one (or a bug) would."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sfsync.engine.plans.seal import seal_of
from sfsync.engine.plans.sections import compressed

TAGS = {"changes": "change", "skips": "skip", "play_entries": "play_entry"}


def file_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of the plan file, decompressed (what `zcat` shows), as JSON."""
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def rebuild(
    path: Path,
    edit: Callable[[list[dict[str, Any]]], None],
    key: bytes | None = None,
    edit_header: Callable[[dict[str, Any]], None] = lambda header: None,
) -> None:
    """Rewrite the plan file with its lines edited: the header's layout follows the lines (counts, offsets,
    lengths) but keeps the digests it had; sealed again with `key`, or the seal kept as it was."""
    lines = file_lines(path)
    header, records, trailer = lines[0], lines[1:-1], lines[-1]
    edit(records)
    edit_header(header)
    sections = {name: [r for r in records if tag in r] for name, tag in TAGS.items()}
    blobs, offset = {}, 0
    for name, items in sections.items():
        text = b"".join(_line(item) for item in items)
        blobs[name] = compressed(text)
        layout = header["records"][name]
        layout.update(count=len(items), offset=offset, length=len(blobs[name]))
        offset += len(blobs[name])
    head = _line(header)
    seal = seal_of(head, key) if key is not None else trailer["seal"]
    path.write_bytes(compressed(head) + b"".join(blobs.values()) + compressed(_line({"seal": seal})))


def _line(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
