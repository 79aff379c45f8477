"""Creates whose outcome was never known, settled by the read that follows them."""

from __future__ import annotations

from sfsync.store import Store
from sfsync.store.intents import IntentState


def resolve_unknown_creates(store: Store) -> dict[tuple[str, str, str], str]:
    """Creates whose outcome was never known: linked now when reading found them, else created again."""
    notes: dict[tuple[str, str, str], str] = {}
    for intent in list(store.intents.unresolved()):
        links = {link.object: link for link in store.links.for_record(intent.kind, intent.workspace_id)}
        found = links.get(intent.object)
        if found is not None:
            store.intents.resolve(intent.id, IntentState.CREATED, found.sf_id)
            continue
        store.intents.resolve(intent.id, IntentState.FAILED)
        notes[(str(intent.kind), intent.workspace_id, intent.object)] = (
            "an earlier create's outcome was unknown and re-matching did not find it"
        )
    return notes
