"""The logged-in connection under the adapter: login, and every API call counted, translated and retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import requests
from simple_salesforce import exceptions as sfe
from simple_salesforce.api import Salesforce

from sfsync.errors import RemoteError
from sfsync.salesforce.auth import Credentials, login_arguments, login_refused, refresh_access_token, refresh_grant
from sfsync.salesforce.errors import AuthenticationError, request_error, transport_error
from sfsync.salesforce.retry import RetryPolicy, with_retries
from sfsync.salesforce.transport import UsageTracker, build_session

T = TypeVar("T")


class ApiCalls:
    """A `simple_salesforce.Salesforce` logged in with `credentials`, and how calls go through it.

    Every call is counted by kind in `usage`; simple-salesforce's and requests' errors become
    `sfsync.errors` types; an expired session is logged in again where the credentials allow it.
    """

    def __init__(self, credentials: Credentials, retry: RetryPolicy) -> None:
        self.credentials = credentials
        self.retry = retry
        self.usage = UsageTracker()
        self.session = build_session(credentials.ca_bundle, credentials.timeout_seconds)
        self.usage.attach(self.session)
        self.sf = self._login()

    def _login(self) -> Salesforce:
        c = self.credentials
        self.usage.count("login")
        try:
            if c.method in ("refresh_token", "sfdx_url"):
                token, instance_url = refresh_access_token(self.session, refresh_grant(c), c.timeout_seconds)
                arguments: dict[str, Any] = {"session_id": token, "instance_url": instance_url}
            else:
                arguments = login_arguments(c)
            return Salesforce(session=self.session, version=c.api_version, **arguments)
        except sfe.SalesforceAuthenticationFailed as error:
            code = str(error.code or "INVALID_LOGIN")
            raise AuthenticationError(login_refused(c, code, str(error.auth_message)), code=code) from error
        except requests.RequestException as error:
            raise transport_error(error, "login") from error

    def call(self, kind: str, call: Callable[[], T], *, retryable: Callable[[BaseException], bool]) -> T:
        """One API call: counted, translated to our errors, retried while `retryable` says so."""

        def attempt() -> T:
            self.usage.count(kind)
            return self.translated(call, kind)

        return with_retries(attempt, self.retry, retryable)

    def translated(self, call: Callable[[], T], kind: str) -> T:
        """`call` once, its errors as ours (not counted: for calls counted by their caller)."""
        try:
            return call()
        except sfe.SalesforceExpiredSession as error:
            if not self.credentials.can_log_in_again:
                raise AuthenticationError(
                    "Salesforce refused the access token (expired or revoked): set a fresh auth.access_token",
                    code="INVALID_SESSION_ID",
                ) from error
            if self.credentials.method in ("refresh_token", "sfdx_url"):
                self.sf = self._login()  # simple-salesforce re-logs in itself only for its own login flows
                return self.translated(call, kind)
            raise request_error(error.status, error.content, kind) from error
        except sfe.SalesforceError as error:
            raise request_error(error.status, error.content, error.resource_name or kind) from error
        except sfe.SalesforceOperationError as error:
            raise RemoteError(f"{kind}: {error}", code="BULK_JOB_FAILED") from error
        except requests.RequestException as error:
            raise transport_error(error, kind) from error
