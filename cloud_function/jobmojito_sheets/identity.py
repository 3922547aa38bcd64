"""Who may call: verify the caller's Google ID token and match its email to ALLOWED_USERS."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterable, Mapping

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import Forbidden, Unauthenticated, UpstreamError

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
CLOCK_SKEW_SECONDS = 10
CERTS_TTL_SECONDS = 300.0
MAX_TOKEN_LENGTH = 8192

_INVALID = "Your Google sign-in could not be verified; reload the spreadsheet and try again."


def is_allowed(email: str, allowed: Iterable[str]) -> bool:
    """Whether an email matches an entry of ALLOWED_USERS (an email, or `@domain`)."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not local or not at or not domain:
        return False
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == email or (entry.startswith("@") and entry[1:] == domain):
            return True
    return False


def bearer_token(header: str | None) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(
            "The request has no Google sign-in; run it from the JobMojito menu in the spreadsheet."
        )
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated(_INVALID)
    return token


class CertificateCache:
    """Google's signing certificates, fetched from GOOGLE_CERTS_URL and kept a few minutes."""

    def __init__(self, url: str, http: httpx.Client, ttl: float = CERTS_TTL_SECONDS) -> None:
        self._url = url
        self._http = http
        self._ttl = ttl
        self._certs: Mapping[str, str] = {}
        self._fetched = 0.0
        self._lock = threading.Lock()

    def get(self, *, refresh: bool = False) -> Mapping[str, str]:
        with self._lock:
            if refresh or not self._certs or time.monotonic() - self._fetched > self._ttl:
                self._certs = self._fetch()
                self._fetched = time.monotonic()
            return self._certs

    def _fetch(self) -> Mapping[str, str]:
        try:
            response = self._http.get(self._url)
            response.raise_for_status()
            certs = response.json()
        except (httpx.HTTPError, ValueError):
            raise UpstreamError(
                "Google sign-in could not be checked right now; wait a minute and try again.",
                code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE,
            ) from None
        if isinstance(certs, dict) and isinstance(certs.get("keys"), list):
            return _pem_from_jwks(certs["keys"])  # the v3 (JWK) form of the same keys
        if not isinstance(certs, dict):
            raise UpstreamError(
                "Google sign-in could not be checked right now; wait a minute and try again.",
                code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE,
            )
        return {str(k): str(v) for k, v in certs.items()}


def _b64_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def _pem_from_jwks(keys: list[object]) -> dict[str, str]:
    """RSA keys of a JWK set as PEM public keys by kid, which google-auth verifies with."""
    pems: dict[str, str] = {}
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") != "RSA":
            continue
        try:
            numbers = rsa.RSAPublicNumbers(_b64_int(key["e"]), _b64_int(key["n"]))
        except (KeyError, TypeError, ValueError):
            continue
        pem = numbers.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        pems[str(key.get("kid", ""))] = pem.decode()
    return pems


def _decode(token: str, certs: Mapping[str, str], audiences: Iterable[str]) -> Mapping[str, object]:
    claims: Mapping[str, object] = jwt.decode(  # type: ignore[no-untyped-call]
        token, certs=certs, audience=list(audiences), clock_skew_in_seconds=CLOCK_SKEW_SECONDS
    )
    return claims


def verify_caller(
    authorization: str | None,
    certs: CertificateCache,
    audiences: Iterable[str],
    allowed_users: Iterable[str],
) -> str:
    """The verified, allowed caller's email; raises Unauthenticated or Forbidden otherwise."""
    token = bearer_token(authorization)
    audiences = list(audiences)
    try:
        try:
            claims = _decode(token, certs.get(), audiences)
        except auth_exceptions.MalformedError as error:
            if "Certificate for key id" not in str(error):
                raise
            # Google rotates its keys: a kid we have not seen yet means fetch them again.
            claims = _decode(token, certs.get(refresh=True), audiences)
    except (auth_exceptions.GoogleAuthError, ValueError):
        raise Unauthenticated(_INVALID) from None
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise Unauthenticated(_INVALID)
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") not in (True, "true"):
        raise Unauthenticated(
            "Your Google account's email address is not verified; verify it with Google and "
            "try again."
        )
    if not is_allowed(email, allowed_users):
        raise Forbidden(
            f"{email} is not allowed to use JobMojito from Sheets; ask your admin to add you."
        )
    return email
