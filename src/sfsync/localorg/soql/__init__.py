"""SOQL for the local org: parser, compiler to SQLite SQL, Salesforce-shaped results and paging."""

from sfsync.localorg.soql.errors import SoqlError
from sfsync.localorg.soql.scope import Access
from sfsync.localorg.soql.service import QueryPage, QueryService

__all__ = ["Access", "QueryPage", "QueryService", "SoqlError"]
