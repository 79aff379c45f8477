"""`validate --online` for emails: every permission writing emails needs, missing ones as config errors.

The same checks `doctor` makes (`salesforce.email_access`), said at `sync.email.write` with where to grant
each: a config that asks for email writes the integration user cannot make is invalid against this org.
"""

from __future__ import annotations

from collections.abc import Mapping

from sfsync.config import LoadedConfig
from sfsync.engine.planning.email_objects import email_access
from sfsync.errors import Diagnostic, RemoteError, Severity
from sfsync.salesforce.email_access import email_checks
from sfsync.salesforce.permissions import Grantee
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.salesforce.readiness import profile_name

PATH = ("sync", "email", "write")


def email_permission_problems(
    loaded: LoadedConfig, port: SalesforcePort, describes: Mapping[str, ObjectDescribe | None]
) -> list[Diagnostic]:
    """Each permission emails need that the integration user lacks; none unless `sync.email.write`."""
    config = loaded.config
    if not config.sync.email.write:
        return []
    try:
        identity = port.identity()
        grantee = Grantee(
            identity.username, profile_name(port, identity.user_id), str(config.connection.integration_user)
        )
        checks = email_checks(port, identity, describes, grantee, email_access(config, describes))
    except RemoteError as error:  # said by the connection checks; nothing more to add here
        return [Diagnostic(Severity.WARNING, f"could not check what emails need: {error}", path=PATH)]
    position = loaded.position(PATH)
    return [
        Diagnostic(Severity.ERROR, f"writing emails needs {check.name}", position=position, path=PATH, hint=check.grant)
        for check in checks
        if check.ok is False
    ]
