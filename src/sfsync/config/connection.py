"""The `connection` section: where the org is and how sfsync logs in.

Secrets are never literal in the file: each one is a `${VAR}` reference (resolved from the environment
only when a command connects) or a `*_file` path whose contents are read then.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, field_validator, model_validator

from sfsync.config.base import Model, config_error


class AuthMethod(StrEnum):
    JWT = "jwt"
    PASSWORD = "password"  # noqa: S105 - a method name, not a password
    REFRESH_TOKEN = "refresh_token"  # noqa: S105
    SESSION = "session"
    SFDX_URL = "sfdx_url"


class IntegrationUser(StrEnum):
    """Which kind of Salesforce user sfsync logs in as (a dedicated user is recommended)."""

    DEDICATED = "dedicated"
    SHARED = "shared"
    ADMIN = "admin"


def _pick_one(model: Model, secret: str, *, required: bool = True) -> None:
    value, file = getattr(model, secret), getattr(model, f"{secret}_file")
    if value is not None and file is not None:
        raise config_error(f"give either {secret} or {secret}_file, not both", at=f"{secret}_file")
    if required and value is None and file is None:
        raise config_error(f"{secret} (or {secret}_file) is required for this auth method")


class JwtAuth(Model):
    """OAuth 2.0 JWT bearer flow: a connected app's consumer key and its certificate's private key."""

    method: Literal[AuthMethod.JWT]
    username: str
    """The Salesforce username to log in as."""
    client_id: str
    """The connected app's consumer key."""
    private_key: str | None = None
    """The private key itself, as `${VAR}`."""
    private_key_file: str | None = None
    """A file holding the PEM private key."""

    @model_validator(mode="after")
    def _one_key(self) -> JwtAuth:
        _pick_one(self, "private_key")
        return self


class PasswordAuth(Model):
    """Username, password and security token (SOAP login), or the OAuth password flow with a client."""

    method: Literal[AuthMethod.PASSWORD]
    username: str
    password: str | None = None
    password_file: str | None = None
    security_token: str | None = None
    """Not needed when the login IP range is trusted."""
    security_token_file: str | None = None
    client_id: str | None = None
    """With `client_secret`: log in through the OAuth username-password flow instead of SOAP."""
    client_secret: str | None = None
    client_secret_file: str | None = None

    @model_validator(mode="after")
    def _secrets(self) -> PasswordAuth:
        _pick_one(self, "password")
        _pick_one(self, "security_token", required=False)
        _pick_one(self, "client_secret", required=self.client_id is not None)
        if self.client_id is None and (self.client_secret or self.client_secret_file):
            raise config_error("client_secret needs client_id", at="client_secret")
        return self


class RefreshTokenAuth(Model):
    """OAuth refresh-token flow: a connected app and a refresh token issued to the integration user."""

    method: Literal[AuthMethod.REFRESH_TOKEN]
    client_id: str
    client_secret: str | None = None
    client_secret_file: str | None = None
    refresh_token: str | None = None
    refresh_token_file: str | None = None

    @model_validator(mode="after")
    def _secrets(self) -> RefreshTokenAuth:
        _pick_one(self, "client_secret")
        _pick_one(self, "refresh_token")
        return self


class SessionAuth(Model):
    """An access token obtained elsewhere (for example by the Salesforce CLI)."""

    method: Literal[AuthMethod.SESSION]
    access_token: str | None = None
    access_token_file: str | None = None

    @model_validator(mode="after")
    def _secrets(self) -> SessionAuth:
        _pick_one(self, "access_token")
        return self


class SfdxUrlAuth(Model):
    """A Salesforce CLI auth URL (`force://…`), as printed by `sf org display --verbose`."""

    method: Literal[AuthMethod.SFDX_URL]
    sfdx_url: str | None = None
    sfdx_url_file: str | None = None

    @model_validator(mode="after")
    def _secrets(self) -> SfdxUrlAuth:
        _pick_one(self, "sfdx_url")
        return self


AUTH_MODELS: dict[str, type[Model]] = {
    AuthMethod.JWT: JwtAuth,
    AuthMethod.PASSWORD: PasswordAuth,
    AuthMethod.REFRESH_TOKEN: RefreshTokenAuth,
    AuthMethod.SESSION: SessionAuth,
    AuthMethod.SFDX_URL: SfdxUrlAuth,
}

# Union tags appear in validation error locations; they are class names so they never collide with keys.
AUTH_TAGS = frozenset(model.__name__ for model in AUTH_MODELS.values())


def _auth_tag(value: object) -> str | None:
    method = value.get("method") if isinstance(value, dict) else getattr(value, "method", None)
    model = AUTH_MODELS.get(method) if isinstance(method, str) else None
    return model.__name__ if model else None


Auth = Annotated[
    Annotated[JwtAuth, Tag("JwtAuth")]
    | Annotated[PasswordAuth, Tag("PasswordAuth")]
    | Annotated[RefreshTokenAuth, Tag("RefreshTokenAuth")]
    | Annotated[SessionAuth, Tag("SessionAuth")]
    | Annotated[SfdxUrlAuth, Tag("SfdxUrlAuth")],
    Discriminator(
        _auth_tag,
        custom_error_type="sfsync_auth_method",
        custom_error_message="auth.method must be one of " + ", ".join(AuthMethod),
    ),
]


def _version_text(value: object) -> object:
    # `api_version: 59.0` unquoted is a YAML number; accept it as the version it obviously means.
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return f"{float(value):.1f}"
    return value


# Quoted is canonical; an unquoted whole number (`62.0`) means the same version.
API_VERSION_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\d+\.0$"}, {"type": "number"}]}


class Connection(Model):
    """The org sfsync talks to and how it authenticates."""

    instance_url: str
    """The org's URL, e.g. `https://example.my.salesforce.com` or `${SF_INSTANCE_URL}`."""
    api_version: Annotated[str, BeforeValidator(_version_text), WithJsonSchema(API_VERSION_SCHEMA)] = "59.0"
    """The REST API version, quoted: `"62.0"`."""
    auth: Auth
    integration_user: IntegrationUser = IntegrationUser.DEDICATED
    domain: str | None = None
    """The login domain: `login`, `test` (sandboxes) or a My Domain name."""
    ca_bundle: str | None = None
    """A PEM file of certificate authorities to trust (a private CA); `${VAR}` allowed."""
    timeout_seconds: int = Field(default=60, gt=0)
    """Seconds before one HTTP request to Salesforce times out."""

    @field_validator("api_version")
    @classmethod
    def _api_version(cls, value: str) -> str:
        head, dot, tail = value.partition(".")
        if not (head.isdigit() and dot and tail == "0"):
            raise config_error(f'must be a version like "62.0", not {value!r}')
        return value
