from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfsync.store.normalise import email_domain, normalise_domain, normalise_email


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
        ("x@example.com.", "x@example.com"),
    ],
)
def test_emails_are_trimmed_lower_cased_and_idna_encoded(raw: str, expected: str) -> None:
    assert normalise_email(raw).value == expected


@pytest.mark.parametrize(
    "raw", ["", "plain", "@example.com", "a@", "a@@b.com", "a b@example.com", "a..b@example.com", "a@localhost"]
)
def test_invalid_emails_are_refused(raw: str) -> None:
    result = normalise_email(raw)
    assert result.value is None
    assert result.reason


def test_email_domain_is_the_part_after_the_at() -> None:
    assert email_domain("ada@example.com") == "example.com"


@given(st.text(max_size=40))
def test_normalising_is_idempotent(raw: str) -> None:
    for normalise in (normalise_domain, normalise_email):
        first = normalise(raw)
        if first.value is not None:
            assert normalise(first.value).value == first.value
