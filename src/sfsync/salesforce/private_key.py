"""The JWT bearer flow's private key, checked before it signs anything.

simple-salesforce signs the assertion with PyJWT, which fails on a bad key with whatever the
underlying library raises (a parse error, a `TypeError` for an encrypted key, an `AttributeError` for
a public key). Reading the key here first turns each of those into one sentence a user can act on.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

WHAT_IS_NEEDED = (
    "give the connected app's unencrypted RSA private key in PEM form (-----BEGIN PRIVATE KEY----- or "
    "-----BEGIN RSA PRIVATE KEY-----), the key of the certificate uploaded to the connected app"
)


def private_key_problem(pem: str) -> str | None:
    """Why `pem` cannot sign a JWT bearer assertion (RS256), or None when it can."""
    if not pem.strip():
        return "the private key is empty"
    if "PRIVATE KEY-----" not in pem:
        if "CERTIFICATE-----" in pem or "PUBLIC KEY-----" in pem:
            return "this is a certificate or a public key, not the private key"
        return "the private key is not in PEM form"
    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except TypeError:
        return "the private key is encrypted with a passphrase"
    except (ValueError, UnsupportedAlgorithm):
        return "the private key cannot be read as PEM"
    if not isinstance(key, rsa.RSAPrivateKey):
        return "the private key is not an RSA key (the JWT bearer flow signs with RS256)"
    return None
