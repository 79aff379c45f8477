"""Loading workspace records from CSV or JSONL files into the store, streamed in batches."""

from sfsync.store.loader.emails import load_emails
from sfsync.store.loader.load import LoadSummary, Rejection, load_workspace

__all__ = ["LoadSummary", "Rejection", "load_emails", "load_workspace"]
