"""The Sheets access token must be the caller's own, issued to our script: the rule, and
Google's tokeninfo answers kept per token for the token's lifetime."""

from __future__ import annotations

import json

import httpx
import pytest
from jobmojito_sheets.errors import Forbidden, InviteError
from jobmojito_sheets.token_owner import (
    MAX_CACHE_SECONDS,
    TokenInfo,
    TokenInfoCache,
    belongs_to,
    check_owner,
    parse_tokeninfo,
    token_hash,
)

CLIENT = "1234-script.apps.googleusercontent.com"
URL = "https://oauth2.test/tokeninfo"
ANN = TokenInfo("ann@example.com", (CLIENT,), 3599)


@pytest.mark.parametrize("caller", ["ann@example.com", "Ann@Example.COM", " ann@example.com "])
def test_the_callers_own_token_from_our_client_belongs_to_her(caller: str) -> None:
    assert belongs_to(ANN, caller, [CLIENT, "other-client"])
    check_owner(ANN, caller, [CLIENT])


@pytest.mark.parametrize(
    ("info", "caller", "audiences"),
    [
        (ANN, "bob@example.com", [CLIENT]),  # someone else's token
        (ANN, "ann@example.com.evil.com", [CLIENT]),
        (ANN, "ann@example.com", ["another-client"]),  # issued to another app
        (TokenInfo("ann@example.com", (CLIENT, "another-client"), 60), "ann@example.com", [CLIENT]),
        (TokenInfo("", (CLIENT,), 60), "", [CLIENT]),  # no email scope: owner unknown
        (TokenInfo("ann@example.com", (), 60), "ann@example.com", [CLIENT]),  # no client named
    ],
)
def test_any_other_token_is_token_mismatch(
    info: TokenInfo, caller: str, audiences: list[str]
) -> None:
    assert not belongs_to(info, caller, audiences)
    with pytest.raises(Forbidden) as caught:
        check_owner(info, caller, audiences)
    assert (caught.value.status, caught.value.code) == (403, "token_mismatch")


def test_tokeninfo_answer_in_strings_or_numbers() -> None:
    strings = {"azp": CLIENT, "aud": CLIENT, "email": "a@x.com", "expires_in": "3599"}
    assert parse_tokeninfo(strings) == TokenInfo("a@x.com", (CLIENT,), 3599)
    numbers = {"azp": CLIENT, "aud": "other", "email": "a@x.com", "expires_in": 12}
    assert parse_tokeninfo(numbers) == TokenInfo("a@x.com", (CLIENT, "other"), 12)
    assert parse_tokeninfo({"aud": CLIENT, "expires_in": 5}) == TokenInfo("", (CLIENT,), 5)


@pytest.mark.parametrize(
    "body",
    [[], "x", None, {"azp": CLIENT}, {"expires_in": "soon"}, {"expires_in": True},
     {"expires_in": 0}, {"expires_in": "-5"}],
)  # fmt: skip
def test_tokeninfo_answer_that_is_not_one_is_none(body: object) -> None:
    assert parse_tokeninfo(body) is None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TokenInfoEndpoint:
    """Google's tokeninfo: known tokens by value, and every token it was asked about."""

    def __init__(self, known: dict[str, dict[str, object]]) -> None:
        self.known = known
        self.asked: list[str] = []
        self.answer: httpx.Response | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and "access_token" not in str(request.url)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        assert scheme == "Bearer"
        self.asked.append(token)
        if self.answer is not None:
            return self.answer
        if token not in self.known:
            return httpx.Response(
                400, json={"error": "invalid_token", "error_description": "Invalid Value"}
            )
        return httpx.Response(200, content=json.dumps(self.known[token]))


def _cache(
    known: dict[str, dict[str, object]], size: int = 8
) -> tuple[TokenInfoEndpoint, TokenInfoCache, Clock]:
    endpoint = TokenInfoEndpoint(known)
    clock = Clock()
    http = httpx.Client(transport=httpx.MockTransport(endpoint))
    return endpoint, TokenInfoCache(URL, http, size=size, clock=clock), clock


def _ann(expires_in: object = "3599") -> dict[str, object]:
    return {"azp": CLIENT, "aud": CLIENT, "email": "ann@example.com", "expires_in": expires_in}


def test_a_token_is_asked_about_once_for_its_lifetime() -> None:
    endpoint, cache, clock = _cache({"ya29.ann": _ann("600")})
    assert cache.info("ya29.ann") == TokenInfo("ann@example.com", (CLIENT,), 600)
    clock.now += 599
    cache.info("ya29.ann")
    assert endpoint.asked == ["ya29.ann"]
    clock.now += 1  # expired: asked again
    cache.info("ya29.ann")
    assert endpoint.asked == ["ya29.ann", "ya29.ann"]


def test_a_long_lived_token_is_asked_about_again_after_an_hour() -> None:
    endpoint, cache, clock = _cache({"ya29.ann": _ann(86_400)})
    cache.info("ya29.ann")
    clock.now += MAX_CACHE_SECONDS
    cache.info("ya29.ann")
    assert len(endpoint.asked) == 2


def test_the_cache_is_bounded_and_keyed_by_a_hash() -> None:
    tokens = {f"ya29.t{i}": _ann() for i in range(20)}
    endpoint, cache, _clock = _cache(tokens, size=8)
    for token in tokens:
        cache.info(token)
    assert len(cache) == 8
    keys = list(cache._entries)
    assert all(token not in key and key not in token for key in keys for token in tokens)
    assert set(keys) == {token_hash(t) for t in list(tokens)[-8:]}
    cache.info("ya29.t0")  # evicted long ago: asked again
    assert endpoint.asked.count("ya29.t0") == 2


def test_token_hash_is_stable_and_not_the_token() -> None:
    assert token_hash("ya29.x") == token_hash("ya29.x") != token_hash("ya29.y")
    assert "ya29" not in token_hash("ya29.x") and len(token_hash("ya29.x")) == 64


def test_a_token_google_does_not_know_is_sheets_token_rejected() -> None:
    endpoint, cache, _clock = _cache({})
    with pytest.raises(InviteError) as caught:
        cache.info("ya29.revoked")
    assert (caught.value.status, caught.value.code) == (401, "sheets_token_rejected")
    assert "ya29.revoked" not in caught.value.message
    with pytest.raises(InviteError):
        cache.info("ya29.revoked")
    assert len(endpoint.asked) == 2  # refusals are not kept


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500),
        httpx.Response(503, json={"error": "backendError"}),
        httpx.Response(429),
        httpx.Response(200, content=b"<html>sorry</html>"),
        httpx.Response(200, json={"email": "ann@example.com"}),
    ],
)
def test_tokeninfo_down_or_making_no_sense_is_503(answer: httpx.Response) -> None:
    endpoint, cache, _clock = _cache({"ya29.ann": _ann()})
    endpoint.answer = answer
    with pytest.raises(InviteError) as caught:
        cache.info("ya29.ann")
    assert (caught.value.status, caught.value.code) == (503, "google_certs_unavailable")
    endpoint.answer = None
    assert cache.info("ya29.ann").email == "ann@example.com"  # a failure is not kept


def test_tokeninfo_unreachable_is_503() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    cache = TokenInfoCache(URL, httpx.Client(transport=httpx.MockTransport(refuse)))
    with pytest.raises(InviteError) as caught:
        cache.info("ya29.ann")
    assert (caught.value.status, caught.value.code) == (503, "google_certs_unavailable")
