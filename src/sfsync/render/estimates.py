"""The plan's API estimate as one phrase per object, for the text and Markdown renderings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfsync.render.summary import plural


def estimates_phrase(plan: Mapping[str, Any]) -> str:
    """`Lead REST ~10 calls, Contact BULK ~8 calls (updates unguarded: …)`."""
    return ", ".join(_one(e) for e in plan.get("estimates", []))


def _one(estimate: Mapping[str, Any]) -> str:
    text = f"{estimate['sobject']} {str(estimate['api']).upper()} ~{plural(int(estimate['calls']), 'call')}"
    if estimate.get("guard") == "none":
        text += " (updates unguarded: Bulk cannot refuse an edit made after its check)"
    if estimate.get("create_jobs"):
        text += f" ({estimate['create_jobs']})"
    return text
