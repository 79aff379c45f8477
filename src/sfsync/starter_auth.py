"""Which auth method a starter config uses, and its `auth:` lines: the method whose SF_* variables are set.

Each method has a variable only it uses (SF_PRIVATE_KEY_FILE or SF_PRIVATE_KEY for jwt, SF_REFRESH_TOKEN,
SF_SFDX_URL, SF_PASSWORD, SF_ACCESS_TOKEN); the first of them that is set, in the order below, picks
the method, and `--auth` overrides it. With none set, the starter uses jwt, the method recommended for
CI. The config refers to the variables (`${SF_…}`), never to their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

INSTANCE_URL = "SF_INSTANCE_URL"
# The preferred method first when several are set: long-lived, least secret-sharing methods before others.
ORDER = ("jwt", "refresh_token", "sfdx_url", "password", "session")
SIGNATURES: dict[str, tuple[str, ...]] = {
    "jwt": ("SF_PRIVATE_KEY_FILE", "SF_PRIVATE_KEY"),
    "refresh_token": ("SF_REFRESH_TOKEN",),
    "sfdx_url": ("SF_SFDX_URL",),
    "password": ("SF_PASSWORD",),
    "session": ("SF_ACCESS_TOKEN",),
}
# Each method's keys and the variable each one reads; every one is required unless optional below.
KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "jwt": (("username", "SF_USERNAME"), ("client_id", "SF_CLIENT_ID"), ("private_key_file", "SF_PRIVATE_KEY_FILE")),
    "password": (("username", "SF_USERNAME"), ("password", "SF_PASSWORD"), ("security_token", "SF_SECURITY_TOKEN")),
    "refresh_token": (
        ("client_id", "SF_CLIENT_ID"),
        ("client_secret", "SF_CLIENT_SECRET"),
        ("refresh_token", "SF_REFRESH_TOKEN"),
    ),
    "session": (("access_token", "SF_ACCESS_TOKEN"),),
    "sfdx_url": (("sfdx_url", "SF_SFDX_URL"),),
}
OAUTH_CLIENT = (("client_id", "SF_CLIENT_ID"), ("client_secret", "SF_CLIENT_SECRET"))


@dataclass(frozen=True)
class AuthChoice:
    """The method, its `key: ${VAR}` pairs, how it was chosen, and the variables it needs that are not set."""

    method: str
    keys: tuple[tuple[str, str], ...]
    why: str
    missing: tuple[str, ...]

    @property
    def lines(self) -> list[str]:
        return [f"{key}: ${{{variable}}}" for key, variable in self.keys]

    @property
    def variables(self) -> tuple[str, ...]:
        return (INSTANCE_URL, *(variable for _, variable in self.keys))


def choose_auth(environ: Mapping[str, str], explicit: str | None = None) -> AuthChoice:
    """The auth method to write: `explicit` (`--auth`), else the one whose variables are set, else jwt."""
    present = {name for name, value in environ.items() if name.startswith("SF_") and value}
    detected = [method for method in ORDER if present.intersection(SIGNATURES[method])]
    method = explicit or (detected[0] if detected else "jwt")
    keys = _keys(method, present)
    if explicit:
        why = "--auth"
    elif detected:
        others = ", ".join(f"{m} ({'/'.join(sorted(present.intersection(SIGNATURES[m])))})" for m in detected[1:])
        why = "from the SF_* variables that are set" + (f"; also set: {others}, --auth picks one" if others else "")
    else:
        why = "no SF_* credentials are set; jwt is the method recommended for CI, --auth picks another"
    needed = (INSTANCE_URL, *(variable for _, variable in keys))
    return AuthChoice(method, keys, why, tuple(name for name in needed if name not in present))


def _keys(method: str, present: set[str]) -> tuple[tuple[str, str], ...]:
    keys = list(KEYS[method])
    if method == "jwt" and "SF_PRIVATE_KEY" in present and "SF_PRIVATE_KEY_FILE" not in present:
        keys[-1] = ("private_key", "SF_PRIVATE_KEY")  # the key itself, as CI secrets usually hold it
    if method == "password":
        if "SF_PASSWORD" in present and "SF_SECURITY_TOKEN" not in present:
            keys.pop()  # a password without a token: logging in from a trusted IP range
        if all(variable in present for _, variable in OAUTH_CLIENT):
            keys.extend(OAUTH_CLIENT)  # a connected app: the OAuth username-password flow instead of SOAP
    return tuple(keys)


def describe_choice(choice: AuthChoice) -> str:
    """One line for the user: the method, what it reads, and why it was picked."""
    said = f"auth: {choice.method}"
    if choice.method == "password" and ("client_id", "SF_CLIENT_ID") in choice.keys:
        said += " (OAuth username-password flow)"
    said += f", reading {', '.join(choice.variables)} ({choice.why})"
    if choice.method == "password" and ("security_token", "SF_SECURITY_TOKEN") not in choice.keys:
        said += "; no SF_SECURITY_TOKEN: logging in without a security token, as from a trusted IP range"
    if choice.missing:
        said += f"; not set yet: {', '.join(choice.missing)}"
    return said
