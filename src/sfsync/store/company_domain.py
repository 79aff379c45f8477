"""What may be a company's domain: not a public suffix, not a shared platform's host.

A company is keyed by its domain, so a host many companies share would make them one company: a
public suffix (`co.uk`, `github.io`, from the Public Suffix List) or the host of a platform whose
pages belong to many companies (`linkedin.com/company/acme` is LinkedIn's page, not Acme's site). The
platform list is short and deliberate: social networks, code hosts, company directories and site
builders, each with every host under it (`uk.linkedin.com`). Hosts the Public Suffix List already
treats as suffixes (`github.io`, `herokuapp.com`) need no entry: their sub-domains are companies'.
"""

from __future__ import annotations

from sfsync.store.public_suffix import is_public_suffix

SHARED_PLATFORM_HOSTS = frozenset(
    {
        # social networks and publishing platforms
        "linkedin.com", "lnkd.in", "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com",
        "youtube.com", "tiktok.com", "pinterest.com", "medium.com", "substack.com",
        # code hosts
        "github.com", "gitlab.com", "bitbucket.org",
        # company directories
        "crunchbase.com", "angel.co", "wellfound.com", "glassdoor.com", "wikipedia.org",
        # site builders and link pages whose customers share the host (the rest are public suffixes)
        "sites.google.com", "linktr.ee",
    }
)  # fmt: skip


COMPANY_DOMAIN_REFUSED = "not a company domain"


def company_domain_problem(host: str) -> str | None:
    """Why an ASCII host name cannot be a company's domain, or None when it can."""
    if is_public_suffix(host):
        return f"{COMPANY_DOMAIN_REFUSED}: {host} is a public suffix"
    if shared_platform(host):
        return f"{COMPANY_DOMAIN_REFUSED}: {host} is a shared platform host"
    return None


def shared_platform(host: str) -> bool:
    """The host is a listed platform's host or under one (`uk.linkedin.com`)."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in SHARED_PLATFORM_HOSTS for i in range(len(labels) - 1))
