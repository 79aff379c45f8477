"""The Public Suffix List, offline: which part of a host name is a public suffix, and its registrable domain.

This is the one module that uses `tldextract`. It reads the list snapshot bundled with the library and
never the network: no list URLs, no cache directory (nothing is fetched or written). The list's private
section is included, so a shared hosting suffix such as `github.io` is a suffix and `acme.github.io` a
registrable domain. A host under no rule of the list follows the list's default rule `*`: its last
label is its suffix (`acme.example` is registrable, `example` is a suffix).
"""

from __future__ import annotations

from functools import lru_cache

import tldextract

_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True, include_psl_private_domains=True
)


@lru_cache(maxsize=8192)  # loads repeat the same company domains; the list is fixed for the process
def public_suffix(host: str) -> str:
    """The public suffix of an ASCII (A-label) host name: `co.uk` for `shop.acme.co.uk`."""
    suffix = _EXTRACT.extract_str(host).suffix
    return suffix or host.rpartition(".")[2]


def is_public_suffix(host: str) -> bool:
    """Whether the whole host is a public suffix (`co.uk`, `github.io`), so no company's domain."""
    return public_suffix(host) == host


def registrable_domain(host: str) -> str:
    """The public suffix and the one label before it: `acme.co.uk` for `shop.acme.co.uk` (a suffix: itself)."""
    suffix = public_suffix(host)
    if suffix == host:
        return host
    label = host.removesuffix(f".{suffix}").rpartition(".")[2]
    return f"{label}.{suffix}"
