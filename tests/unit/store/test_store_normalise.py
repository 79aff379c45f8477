from __future__ import annotations

import unicodedata

import pytest
from email_validator import EmailNotValidError
from hypothesis import given
from hypothesis import strategies as st

from sfsync.store.normalise import (
    email_domain,
    normalise_domain,
    normalise_email,
    unicode_email,
    unicode_host,
    validated_email,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com", "example.com"),
        ("  Example.COM  ", "example.com"),
        ("https://www.example.com/about?x=1", "example.com"),
        ("http://EXAMPLE.com:8080", "example.com"),
        ("www.example.co.uk.", "example.co.uk"),
        ("https://user:pw@shop.example.com/", "shop.example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("www2.example.com", "www2.example.com"),
    ],
)
def test_domains_are_reduced_to_a_bare_lower_case_host(raw: str, expected: str) -> None:
    assert normalise_domain(raw).value == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty domain"),
        ("localhost", "not a domain"),
        ("exa mple.com", "not a domain"),
        ("-bad-.com", "not a domain"),
        ("192.168.1.1", "IP address"),
        ("ada@example.com", "not a domain"),
        ("http://[::1", "not a domain"),
    ],
)
def test_invalid_domains_carry_a_reason(raw: str, reason: str) -> None:
    result = normalise_domain(raw)
    assert result.value is None
    assert reason in result.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" Ada.Lovelace@Example.COM ", "ada.lovelace@example.com"),
        ("mailto:bob+tag@example.org", "bob+tag@example.org"),
        ("zoë@bücher.de".replace("ë", "e"), "zoe@xn--bcher-kva.de"),
        ("Ada@FAß.de", "ada@xn--fa-hia.de"),
        ("José.Núñez@Empresa.es", "josé.núñez@empresa.es"),
        ("用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_emails_are_trimmed_lower_cased_and_idna_encoded(raw: str, expected: str) -> None:
    assert normalise_email(raw).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        "", "plain", "@example.com", "a@", "a@@b.com", "a b@example.com", "a..b@example.com", "a@localhost",
        "x@example.com.", '"quoted"@example.com', "a@[192.168.1.1]", "Ada <ada@example.com>", "a@☃.net",
    ],
)  # fmt: skip
def test_invalid_emails_are_refused(raw: str) -> None:
    result = normalise_email(raw)
    assert result.value is None
    assert result.reason


def test_an_internationalised_local_part_is_accepted_as_salesforce_accepts_it() -> None:
    """Salesforce stores EAI addresses (on by default since Summer '20) in Unicode; sfsync keys them too."""
    result = normalise_email("Zoë@bücher.de")
    assert result.value == "zoë@xn--bcher-kva.de"
    assert unicode_email(str(result.value)) == "zoë@bücher.de"


def test_sharp_s_is_its_own_letter_under_idna_2008() -> None:
    """IDNA 2003 (Python's `idna` codec) maps ß to ss; IDNA 2008 keeps `faß.de` a domain of its own."""
    assert normalise_domain("faß.de").value == "xn--fa-hia.de"
    assert normalise_domain("fass.de").value == "fass.de"
    assert normalise_email("ada@faß.de").value != normalise_email("ada@fass.de").value
    assert unicode_host("xn--fa-hia.de") == "faß.de"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("www.co.uk", "not a company domain: co.uk is a public suffix"),
        ("https://github.io/", "not a company domain: github.io is a public suffix"),
        ("https://www.linkedin.com/company/acme", "not a company domain: linkedin.com is a shared platform host"),
        ("uk.linkedin.com/company/acme", "not a company domain: uk.linkedin.com is a shared platform host"),
        ("facebook.com/acme", "not a company domain: facebook.com is a shared platform host"),
        ("github.com/acme", "not a company domain: github.com is a shared platform host"),
        ("xn--n3h.net", "not a domain"),  # ☃: allowed by IDNA 2003, not by IDNA 2008
    ],
)
def test_hosts_shared_by_many_companies_are_not_company_domains(raw: str, reason: str) -> None:
    result = normalise_domain(raw)
    assert result.value is None
    assert result.reason == reason or (reason == "not a domain" and reason in result.reason)


@pytest.mark.parametrize("raw", ["acme.github.io", "acme.co.uk", "shop.acme.com", "linkedin-fans.example"])
def test_a_host_under_a_suffix_or_beside_a_platform_is_a_company_domain(raw: str) -> None:
    assert normalise_domain(raw).value == raw


def test_email_domain_is_the_part_after_the_at() -> None:
    assert email_domain("ada@example.com") == "example.com"


@given(st.text(max_size=40))
def test_normalising_is_idempotent(raw: str) -> None:
    for normalise in (normalise_domain, normalise_email):
        first = normalise(raw)
        if first.value is not None:
            assert normalise(first.value).value == first.value


_ADDRESS_PART = st.text(alphabet="aZ09._-+!'~@xn", max_size=12)
_DOMAIN_PART = st.sampled_from(["example.com", "Example.COM", "localhost", "a.test", "xn--fa-hia.de", "a..b", "-a.com"])


def _whole(text: str) -> tuple[str | None, str]:
    """What email-validator says of the whole address, as `normalise_email` turns it into a key."""
    try:
        checked = validated_email(text)
    except EmailNotValidError as error:
        return None, f"not an email address: {text.strip()!r} ({error})"
    local = unicodedata.normalize("NFC", checked.local_part.lower())
    return f"{local}@{checked.ascii_domain}", ""


@given(
    st.one_of(
        st.builds(lambda local, domain: f"{local}@{domain}", _ADDRESS_PART, _DOMAIN_PART),
        st.builds(lambda local, domain: f"{local}@{domain}", st.text(max_size=70), st.text(max_size=260)),
        st.builds(lambda n, domain: "a" * n + "@" + domain, st.integers(0, 260), _DOMAIN_PART),
    )
)
def test_a_plain_address_normalises_as_email_validator_validating_it_whole(raw: str) -> None:
    """The plain path (its domain validated once) gives the key and the reason the whole validation gives."""
    result = normalise_email(raw)
    text = raw.strip()
    if not text or text[:7].lower() == "mailto:":
        return
    assert (result.value, result.reason) == _whole(text)
