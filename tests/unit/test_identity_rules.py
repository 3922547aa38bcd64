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
    assert is_allowed(email, ALLOWED)


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
    assert not is_allowed(email, ALLOWED)


def test_entries_are_case_and_space_insensitive() -> None:
    assert is_allowed("ann@example.com", [" ANN@Example.com "])
    assert is_allowed("bob@example.org", [" @Example.ORG"])


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
