"""Identity rules that need no token: who is allowed, and reading the Authorization header."""

from __future__ import annotations

import pytest
from jobmojito_sheets.errors import Unauthenticated
from jobmojito_sheets.identity import MAX_TOKEN_LENGTH, bearer_token, is_allowed

ALLOWED = ("ann@example.com", "@example.org")


@pytest.mark.parametrize(
    "email",
    ["ann@example.com", "Ann@Example.COM", " ann@example.com ", "bob@example.org", "X@EXAMPLE.ORG"],
)
def test_allowed(email: str) -> None:
    assert is_allowed(email, ALLOWED, hd="example.org")


@pytest.mark.parametrize("hd", [None, "", "Example.ORG", "other.org", 42])
def test_explicit_email_needs_no_hd(hd: object) -> None:
    assert is_allowed("Ann@Example.com", ALLOWED, hd=hd)


@pytest.mark.parametrize("hd", ["example.org", "EXAMPLE.org", " example.org "])
def test_domain_entry_admits_accounts_of_that_workspace(hd: str) -> None:
    assert is_allowed("bob@example.org", ALLOWED, hd=hd)


@pytest.mark.parametrize(
    "hd",
    [
        None,  # a consumer Google account created with the company address
        "",
        "gmail.com",
        "evil.org",
        "sub.example.org",
        "example.org.evil.com",
        True,
    ],
)
def test_domain_entry_refuses_addresses_without_that_hd(hd: object) -> None:
    assert not is_allowed("bob@example.org", ALLOWED, hd=hd)


def test_hd_of_the_entry_does_not_admit_another_domain() -> None:
    assert not is_allowed("bob@evil.com", ALLOWED, hd="example.org")


@pytest.mark.parametrize(
    "email",
    [
        "bob@example.com",
        "ann@example.co",
        "ann@example.com.evil.com",
        "a@evil-example.org",
        "a@sub.example.org",
        "a@example.org.evil.com",
        "example.org",
        "",
        "ann",
        "@example.org",
    ],
)
def test_not_allowed(email: str) -> None:
    assert not is_allowed(email, ALLOWED, hd="example.org")


def test_entries_are_case_and_space_insensitive() -> None:
    assert is_allowed("ann@example.com", [" ANN@Example.com "])
    assert is_allowed("bob@example.org", [" @Example.ORG"], hd="example.org")


def test_bare_domain_entry_allows_nobody() -> None:
    assert not is_allowed("ann@example.com", ["example.com"])


def test_empty_allow_list_allows_nobody() -> None:
    assert not is_allowed("ann@example.com", [])


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("  BEARER   abc  ", "abc")],
)
def test_bearer_token(header: str, token: str) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Basic YWxhZGRpbjpvcGVu",
        "abc.def.ghi",
        "Token abc",
    ],
)
def test_bearer_token_missing_or_wrong_scheme(header: str | None) -> None:
    with pytest.raises(Unauthenticated) as caught:
        bearer_token(header)
    assert caught.value.status == 401


def test_bearer_token_too_long() -> None:
    assert bearer_token("Bearer " + "a" * MAX_TOKEN_LENGTH) == "a" * MAX_TOKEN_LENGTH
    with pytest.raises(Unauthenticated):
        bearer_token("Bearer " + "a" * (MAX_TOKEN_LENGTH + 1))
