"""Google's certificates in either published form (v1 PEM, v3 JWK) verify the same tokens."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from jobmojito_sheets.errors import Forbidden, Unauthenticated, UpstreamError
from jobmojito_sheets.identity import CertificateCache, max_age, verify_caller

from sandbox.google_identity import GoogleIdentityStandIn

AUDIENCE = "123-abc.apps.googleusercontent.com"
URL = "https://certs.test/oauth2/v3/certs"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwks(stand_in: GoogleIdentityStandIn) -> dict[str, object]:
    keys = []
    for kid, pem in stand_in.certs().items():
        key = x509.load_pem_x509_certificate(pem.encode()).public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        numbers = key.public_numbers()
        keys.append({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                     "n": _b64(numbers.n), "e": _b64(numbers.e)})  # fmt: skip
    return {"keys": keys}


def _cache(body: object) -> CertificateCache:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(body))

    return CertificateCache(URL, httpx.Client(transport=httpx.MockTransport(handler)))


@pytest.mark.parametrize("form", ["v1 PEM certificates", "v3 JWK set"])
def test_both_forms_of_googles_certificates_verify_a_token(form: str) -> None:
    stand_in = GoogleIdentityStandIn()
    body = stand_in.certs() if form.startswith("v1") else _jwks(stand_in)
    cache = _cache(body)
    token = stand_in.mint_id_token("ann@example.com", AUDIENCE, extra={"hd": "example.com"})
    assert (
        verify_caller(f"Bearer {token}", cache, [AUDIENCE], ["@example.com"]) == "ann@example.com"
    )
    with pytest.raises(Forbidden):
        verify_caller(f"Bearer {token}", cache, [AUDIENCE], ["bob@example.com"])
    consumer = stand_in.mint_id_token("ann@example.com", AUDIENCE)  # no hd
    with pytest.raises(Forbidden, match="not an account of your organisation"):
        verify_caller(f"Bearer {consumer}", cache, [AUDIENCE], ["@example.com"])
    forged = stand_in.mint_with_foreign_key("ann@example.com", AUDIENCE)
    with pytest.raises(Unauthenticated):
        verify_caller(f"Bearer {forged}", cache, [AUDIENCE], ["@example.com"])


# -- how often the certificates are fetched ----------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Google:
    """Google's certs endpoint, counting fetches, answering with a given Cache-Control."""

    def __init__(self, stand_in: GoogleIdentityStandIn, cache_control: str | None) -> None:
        self.stand_in = stand_in
        self.cache_control = cache_control
        self.fetches = 0
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        headers = {"Cache-Control": self.cache_control} if self.cache_control else {}
        return httpx.Response(200, content=json.dumps(self.stand_in.certs()), headers=headers)


def _counted(
    cache_control: str | None = "public, max-age=3600, must-revalidate",
) -> tuple[GoogleIdentityStandIn, Google, CertificateCache, Clock]:
    stand_in = GoogleIdentityStandIn()
    google = Google(stand_in, cache_control)
    clock = Clock()
    http = httpx.Client(transport=httpx.MockTransport(google))
    return stand_in, google, CertificateCache(URL, http, clock=clock), clock


def _verify(stand_in: GoogleIdentityStandIn, cache: CertificateCache, token: str) -> str:
    return verify_caller(f"Bearer {token}", cache, [AUDIENCE], ["ann@example.com"])


@pytest.mark.parametrize(
    ("cache_control", "seconds"),
    [
        ("public, max-age=3600, must-revalidate, no-transform", 3600),
        ("max-age=20000", 20000),
        ("MAX-AGE=120", 120),
        (None, 300),  # no header: five minutes
        ("no-cache", 300),
        ("max-age=0", 60),  # never less than a minute
        ("max-age=99999999", 86400),  # never more than a day
        ("s-maxage=10, max-age=600", 600),
    ],
)
def test_certificates_are_kept_for_their_max_age(cache_control: str | None, seconds: int) -> None:
    assert max_age(cache_control) == seconds
    stand_in, google, cache, clock = _counted(cache_control)
    token = stand_in.mint_id_token("ann@example.com", AUDIENCE)
    _verify(stand_in, cache, token)
    clock.now += seconds - 1
    _verify(stand_in, cache, token)
    assert google.fetches == 1
    clock.now += 1
    _verify(stand_in, cache, token)
    assert google.fetches == 2


def test_tokens_with_unknown_kids_cause_at_most_one_fetch_a_minute() -> None:
    stand_in, google, cache, clock = _counted()
    _verify(stand_in, cache, stand_in.mint_id_token("ann@example.com", AUDIENCE))
    assert google.fetches == 1
    other = GoogleIdentityStandIn()  # its kid is one this cache has never seen
    forged = other.mint_id_token("ann@example.com", AUDIENCE)
    for _ in range(100):
        with pytest.raises(Unauthenticated):
            _verify(stand_in, cache, forged)
        clock.now += 0.5
    assert google.fetches == 2  # one fetch for the unknown kid in these 50 seconds
    clock.now += 10
    with pytest.raises(Unauthenticated):
        _verify(stand_in, cache, forged)
    assert google.fetches == 3  # a minute later, one more


def test_a_rotated_key_is_fetched_once_for_its_new_kid() -> None:
    stand_in, google, cache, _clock = _counted()
    _verify(stand_in, cache, stand_in.mint_id_token("ann@example.com", AUDIENCE))
    stand_in.rotate_key()
    token = stand_in.mint_id_token("ann@example.com", AUDIENCE)
    assert _verify(stand_in, cache, token) == "ann@example.com"
    assert _verify(stand_in, cache, token) == "ann@example.com"
    assert google.fetches == 2


def test_first_fetch_is_not_repeated_for_an_unknown_kid() -> None:
    stand_in, google, cache, _clock = _counted()
    forged = GoogleIdentityStandIn().mint_id_token("ann@example.com", AUDIENCE)
    with pytest.raises(Unauthenticated):
        _verify(stand_in, cache, forged)
    assert google.fetches == 1  # just fetched: the kid is not Google's


def test_google_down_is_503_until_certificates_are_held_then_stale_ones_serve() -> None:
    stand_in, google, cache, clock = _counted()
    token = stand_in.mint_id_token("ann@example.com", AUDIENCE)
    google.down = True
    with pytest.raises(UpstreamError) as caught:
        _verify(stand_in, cache, token)
    assert caught.value.status == 503 and caught.value.code == "google_certs_unavailable"
    google.down = False
    _verify(stand_in, cache, token)
    clock.now += 3600
    google.down = True
    assert _verify(stand_in, cache, token) == "ann@example.com"  # kept while Google is down
    fetches = google.fetches
    clock.now += 30
    _verify(stand_in, cache, token)
    assert google.fetches == fetches  # tried again a minute later, not on every request


def test_rotations_in_a_row_are_each_fetched_while_made_up_kids_wait_a_minute() -> None:
    stand_in, google, cache, clock = _counted()
    _verify(stand_in, cache, stand_in.mint_id_token("ann@example.com", AUDIENCE))
    forged = GoogleIdentityStandIn().mint_id_token("ann@example.com", AUDIENCE)
    for _ in range(3):  # Google rotates three times in a few seconds
        stand_in.rotate_key()
        assert _verify(stand_in, cache, stand_in.mint_id_token("ann@example.com", AUDIENCE))
        clock.now += 1
    assert google.fetches == 4
    for _ in range(10):
        with pytest.raises(Unauthenticated):
            _verify(stand_in, cache, forged)
    assert google.fetches == 5  # the made-up kid: one fetch, then a minute's wait
