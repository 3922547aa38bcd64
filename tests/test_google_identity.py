"""google-auth's real `verify_token`, over real HTTP, against `GoogleIdentityStandIn`.

A minted token must verify; each forged kind (foreign key, alg none, tampered payload,
expired, wrong audience) must be rejected.
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from google.auth import exceptions
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from sandbox.google_identity import (
    CERTS_PATH,
    TOKENINFO_PATH,
    GoogleIdentityStandIn,
    subject_for,
)

AUDIENCE = "https://region-project.cloudfunctions.net/invite"
EMAIL = "recruiter@example.com"


@pytest.fixture(scope="module")
def identity() -> Iterator[GoogleIdentityStandIn]:
    stand_in = GoogleIdentityStandIn()
    server = stand_in.serve()
    try:
        yield stand_in
    finally:
        server.stop()


def verify(identity: GoogleIdentityStandIn, token: str, audience: str = AUDIENCE) -> Any:
    return id_token.verify_token(token, Request(), audience=audience, certs_url=identity.certs_url)


def segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_certs_endpoint_serves_google_v1_format(identity: GoogleIdentityStandIn) -> None:
    response = requests.get(identity.certs_url, timeout=5)
    assert response.status_code == 200
    assert identity.certs_url.endswith(CERTS_PATH)
    assert response.headers["Content-Type"].startswith("application/json")
    assert "max-age=" in response.headers["Cache-Control"]
    body = response.json()
    assert list(body) == [identity.kid]
    pem = body[identity.kid]
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n")
    assert pem.rstrip().endswith("-----END CERTIFICATE-----")


def test_unknown_path_is_404(identity: GoogleIdentityStandIn) -> None:
    url = identity.certs_url.replace(CERTS_PATH, "/oauth2/v3/nothing")
    assert requests.get(url, timeout=5).status_code == 404


def test_minted_token_verifies_with_google_claims(identity: GoogleIdentityStandIn) -> None:
    token = identity.mint_id_token(EMAIL, AUDIENCE)
    claims = verify(identity, token)
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["aud"] == AUDIENCE
    assert claims["azp"] == AUDIENCE
    assert claims["email"] == EMAIL
    assert claims["email_verified"] is True
    assert claims["sub"] == subject_for(EMAIL)
    assert claims["sub"].isdigit()
    assert claims["exp"] - claims["iat"] == 3600
    header = segment(token, 0)
    assert header == {"typ": "JWT", "alg": "RS256", "kid": identity.kid}


def test_mint_options_reach_the_payload(identity: GoogleIdentityStandIn) -> None:
    token = identity.mint_id_token(
        EMAIL,
        AUDIENCE,
        email_verified=False,
        issuer="accounts.google.com",
        expires_in=600,
        extra={"hd": "example.com"},
    )
    claims = verify(identity, token)
    assert claims["email_verified"] is False
    assert claims["iss"] == "accounts.google.com"
    assert claims["exp"] - claims["iat"] == 600
    assert claims["hd"] == "example.com"


def test_certs_are_fetched_over_http(identity: GoogleIdentityStandIn) -> None:
    before = identity.cert_fetches
    verify(identity, identity.mint_id_token(EMAIL, AUDIENCE))
    assert identity.cert_fetches == before + 1


Minter = Callable[[GoogleIdentityStandIn], str]

# kind -> (mint, audience to verify against, what google-auth's error must say)
BAD_TOKENS: dict[str, tuple[Minter, str, str]] = {
    "foreign_key": (lambda i: i.mint_with_foreign_key(EMAIL, AUDIENCE), AUDIENCE, "signature"),
    "alg_none": (lambda i: i.mint_unsigned(EMAIL, AUDIENCE), AUDIENCE, "algorithm none"),
    "tampered": (lambda i: i.mint_tampered(EMAIL, AUDIENCE), AUDIENCE, "signature"),
    "expired": (
        lambda i: i.mint_id_token(EMAIL, AUDIENCE, issued_at=int(time.time()) - 7200),
        AUDIENCE,
        "expired",
    ),
    "wrong_audience": (
        lambda i: i.mint_id_token(EMAIL, AUDIENCE),
        "https://other.example",
        "audience",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_bad_tokens_are_rejected(identity: GoogleIdentityStandIn, kind: str) -> None:
    mint, audience, reason = BAD_TOKENS[kind]
    with pytest.raises(exceptions.GoogleAuthError, match=reason):
        verify(identity, mint(identity), audience=audience)


def test_forged_tokens_keep_a_valid_shape(identity: GoogleIdentityStandIn) -> None:
    foreign = identity.mint_with_foreign_key(EMAIL, AUDIENCE)
    assert segment(foreign, 0)["kid"] == identity.kid
    assert segment(foreign, 1)["email"] == EMAIL
    unsigned = identity.mint_unsigned(EMAIL, AUDIENCE)
    assert segment(unsigned, 0)["alg"] == "none"
    assert unsigned.endswith(".")
    tampered = identity.mint_tampered(EMAIL, AUDIENCE, changes={"email": "boss@example.com"})
    assert segment(tampered, 1)["email"] == "boss@example.com"
    genuine = identity.mint_id_token(EMAIL, AUDIENCE)
    assert tampered.split(".")[2] != "" and genuine.split(".")[1] != tampered.split(".")[1]


CLIENT = "1234-script.apps.googleusercontent.com"


def test_tokeninfo_describes_a_registered_access_token(identity: GoogleIdentityStandIn) -> None:
    identity.register_access_token("ya29.ann", "Ann@Example.com", CLIENT, expires_in=1800)
    before = identity.tokeninfo_calls
    response = requests.get(identity.tokeninfo_url, params={"access_token": "ya29.ann"}, timeout=5)
    assert response.status_code == 200
    assert identity.tokeninfo_url.endswith(TOKENINFO_PATH)
    body = response.json()
    assert body["email"] == "Ann@Example.com" and body["email_verified"] == "true"
    assert body["azp"] == body["aud"] == CLIENT
    assert body["sub"] == subject_for("Ann@Example.com")
    assert "https://www.googleapis.com/auth/spreadsheets" in body["scope"].split()
    assert 1790 <= int(body["expires_in"]) <= 1800
    assert int(body["exp"]) - int(time.time()) == int(body["expires_in"])
    assert identity.tokeninfo_calls == before + 1
    form = requests.post(identity.tokeninfo_url, data={"access_token": "ya29.ann"}, timeout=5)
    assert form.json()["email"] == "Ann@Example.com"
    header = {"Authorization": "Bearer ya29.ann"}  # how Google's auth library asks
    by_header = requests.post(identity.tokeninfo_url, headers=header, timeout=5).json()
    assert (by_header["email"], by_header["azp"]) == ("Ann@Example.com", CLIENT)


@pytest.mark.parametrize("token", ["ya29.never-issued", "", "ya29.expired", "ya29.revoked"])
def test_tokeninfo_refuses_unknown_expired_and_revoked_tokens(
    identity: GoogleIdentityStandIn, token: str
) -> None:
    identity.register_access_token("ya29.expired", "a@example.com", CLIENT, expires_in=-1)
    identity.register_access_token("ya29.revoked", "a@example.com", CLIENT)
    identity.revoke_access_token("ya29.revoked")
    response = requests.get(identity.tokeninfo_url, params={"access_token": token}, timeout=5)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_token", "error_description": "Invalid Value"}


def test_tokeninfo_failure_is_answered_until_cleared(identity: GoogleIdentityStandIn) -> None:
    identity.register_access_token("ya29.bob", "bob@example.com", CLIENT)
    identity.tokeninfo_failure = 503
    try:
        response = requests.get(
            identity.tokeninfo_url, params={"access_token": "ya29.bob"}, timeout=5
        )
        assert response.status_code == 503
    finally:
        identity.tokeninfo_failure = None
    assert requests.get(identity.tokeninfo_url, params={"access_token": "ya29.bob"}, timeout=5).ok


def test_certs_url_requires_serve() -> None:
    with pytest.raises(RuntimeError):
        _ = GoogleIdentityStandIn().certs_url
    with pytest.raises(RuntimeError):
        _ = GoogleIdentityStandIn().tokeninfo_url


def test_key_rotation_keeps_or_drops_the_previous_certificate() -> None:
    stand_in = GoogleIdentityStandIn()
    with stand_in.serve():
        old_kid = stand_in.kid
        old_token = stand_in.mint_id_token(EMAIL, AUDIENCE)
        new_kid = stand_in.rotate_key()
        new_token = stand_in.mint_id_token(EMAIL, AUDIENCE)
        assert new_kid != old_kid
        assert segment(new_token, 0)["kid"] == new_kid
        assert set(requests.get(stand_in.certs_url, timeout=5).json()) == {old_kid, new_kid}
        assert verify(stand_in, old_token)["email"] == EMAIL
        assert verify(stand_in, new_token)["email"] == EMAIL
        stand_in.rotate_key(keep_previous=False)
        assert len(stand_in.certs()) == 2
        assert new_kid not in stand_in.certs()
        with pytest.raises(exceptions.GoogleAuthError):
            verify(stand_in, new_token)


def test_command_line_serves_google_certs() -> None:
    command = [sys.executable, "-m", "sandbox", "google", "--port", "0"]
    repo = Path(__file__).resolve().parents[1]
    with subprocess.Popen(
        command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            name, url = process.stdout.readline().split()
            assert name == "google"
            certs = requests.get(url + CERTS_PATH, timeout=5).json()
            assert all(pem.startswith("-----BEGIN CERTIFICATE-----") for pem in certs.values())
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
