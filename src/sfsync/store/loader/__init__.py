"""Loading workspace records from CSV or JSONL files into the store, streamed in batches."""

from sfsync.store.loader.emails import check_email_header, load_email_rows, load_emails
from sfsync.store.loader.load import LoadSummary, Rejection, load_rows, load_workspace

__all__ = [
    "LoadSummary",
    "Rejection",
    "check_email_header",
    "load_email_rows",
    "load_emails",
    "load_rows",
    "load_workspace",
]
