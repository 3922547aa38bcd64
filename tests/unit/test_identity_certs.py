"""Google's certificates in either published form (v1 PEM, v3 JWK) verify the same tokens."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from jobmojito_sheets.errors import Forbidden, Unauthenticated
from jobmojito_sheets.identity import CertificateCache, verify_caller

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
    token = stand_in.mint_id_token("ann@example.com", AUDIENCE)
    assert (
        verify_caller(f"Bearer {token}", cache, [AUDIENCE], ["@example.com"]) == "ann@example.com"
    )
    with pytest.raises(Forbidden):
        verify_caller(f"Bearer {token}", cache, [AUDIENCE], ["bob@example.com"])
    forged = stand_in.mint_with_foreign_key("ann@example.com", AUDIENCE)
    with pytest.raises(Unauthenticated):
        verify_caller(f"Bearer {forged}", cache, [AUDIENCE], ["@example.com"])
