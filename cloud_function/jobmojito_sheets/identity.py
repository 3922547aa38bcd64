"""Who may call: verify the caller's Google ID token and match its email to ALLOWED_USERS.

The function trusts what Google signed: the ID token's signature (against Google's
certificates), its `aud` (one of ALLOWED_AUDIENCES), `iss`, `exp`, `email_verified` and, for
an `@domain` entry of ALLOWED_USERS, its `hd`. Nothing in the request body says who calls.
Whose Sheets access token comes with the call is `token_owner`'s concern.
"""

from __future__ import annotations

import base64
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth import jwt

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import Forbidden, Unauthenticated, UpstreamError

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
CLOCK_SKEW_SECONDS = 10
CERTS_TTL_SECONDS = 300.0  # when Google's answer has no Cache-Control max-age
MIN_CERTS_TTL_SECONDS = 60.0
MAX_CERTS_TTL_SECONDS = 86400.0
UNKNOWN_KID_REFETCH_SECONDS = 60.0
MAX_TOKEN_LENGTH = 8192

_INVALID = "Your Google sign-in could not be verified; reload the spreadsheet and try again."
_UNAVAILABLE = "Google sign-in could not be checked right now; wait a minute and try again."


def is_allowed(email: str, allowed: Iterable[str], hd: object = None) -> bool:
    """Whether an email matches an entry of ALLOWED_USERS (an email, or `@domain`).

    An explicit email matches by itself. An `@domain` entry matches an address of that
    domain only when the ID token's `hd` claim is that same domain: Google sets `hd` for the
    accounts of a Google Workspace or Cloud organisation, and a consumer Google account
    created with a company address has none.
    """
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not local or not at or not domain:
        return False
    hosted = hd.strip().lower() if isinstance(hd, str) else ""
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == email:
            return True
        if entry.startswith("@") and entry[1:] == domain and hosted == domain:
            return True
    return False


def _domain_entry_without_hd(email: str, allowed: Iterable[str]) -> bool:
    """An `@domain` entry names the email's domain, yet the token did not prove it (no `hd`)."""
    domain = email.strip().lower().rpartition("@")[2]
    return any(entry.strip().lower() == f"@{domain}" for entry in allowed)


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


def max_age(cache_control: str | None) -> float:
    """How long Google says its certificates may be kept (Cache-Control max-age), bounded."""
    match = re.search(r"(?:^|[,\s])max-age=(\d+)", cache_control or "", flags=re.IGNORECASE)
    seconds = float(match.group(1)) if match else CERTS_TTL_SECONDS
    return min(max(seconds, MIN_CERTS_TTL_SECONDS), MAX_CERTS_TTL_SECONDS)


class CertificateCache:
    """Google's signing certificates, fetched from GOOGLE_CERTS_URL and kept as long as its
    Cache-Control max-age says.

    A token naming a kid we do not hold makes one fetch more (Google may have rotated its
    keys). A fetch that finds no key we did not hold already (a made-up kid) allows no other
    such fetch for a minute, whatever the number of such tokens, so forged tokens cannot make
    the function fetch the certificates on every request; a fetch that finds a new key (a
    real rotation, which no caller can cause) does not hold up the next one.
    """

    def __init__(
        self, url: str, http: httpx.Client, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._url = url
        self._http = http
        self._clock = clock
        self._certs: Mapping[str, str] = {}
        self._expires = 0.0
        self._last_unknown_kid = -math.inf
        self._lock = threading.Lock()
        self.fetches = 0

    def current(self) -> tuple[Mapping[str, str], bool]:
        """The certificates, fetched first if none are held or they are past their max-age;
        and whether they were fetched just now."""
        with self._lock:
            if self._certs and self._clock() < self._expires:
                return self._certs, False
            try:
                self._load()
            except UpstreamError:
                if not self._certs:
                    raise
                self._expires = self._clock() + MIN_CERTS_TTL_SECONDS  # stale, tried again soon
                return self._certs, False
            return self._certs, True

    def refresh_for_unknown_kid(self) -> Mapping[str, str] | None:
        """Fetch again for a kid we do not hold; None when a fetch for an unknown kid already
        happened in the last minute (or Google cannot be reached)."""
        with self._lock:
            now = self._clock()
            if now - self._last_unknown_kid < UNKNOWN_KID_REFETCH_SECONDS:
                return None
            held = set(self._certs)
            try:
                self._load()
            except UpstreamError:
                self._last_unknown_kid = now
                return None
            if set(self._certs) <= held:  # nothing new: the kid is not Google's
                self._last_unknown_kid = now
            return self._certs

    def _load(self) -> None:
        self.fetches += 1
        try:
            response = self._http.get(self._url)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            raise UpstreamError(_UNAVAILABLE, code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE) from None
        self._certs = _certs_of(body)
        self._expires = self._clock() + max_age(response.headers.get("Cache-Control"))


def _certs_of(body: object) -> Mapping[str, str]:
    """PEM keys by kid, from either published form (v1 PEM map, v3 JWK set)."""
    if isinstance(body, dict) and isinstance(body.get("keys"), list):
        return _pem_from_jwks(body["keys"])  # the v3 (JWK) form of the same keys
    if not isinstance(body, dict):
        raise UpstreamError(_UNAVAILABLE, code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE)
    return {str(k): str(v) for k, v in body.items()}


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


def _unknown_kid(error: auth_exceptions.MalformedError) -> bool:
    return "Certificate for key id" in str(error)


def verified_claims(
    authorization: str | None, certs: CertificateCache, audiences: Iterable[str]
) -> Mapping[str, object]:
    """The claims of a Google ID token whose signature, audience, issuer and expiry hold."""
    token = bearer_token(authorization)
    audiences = list(audiences)
    try:
        held, fresh = certs.current()
        try:
            claims = _decode(token, held, audiences)
        except auth_exceptions.MalformedError as error:
            if not _unknown_kid(error) or fresh:
                raise
            # Google rotates its keys: a kid we have not seen yet means fetch them again.
            refreshed = certs.refresh_for_unknown_kid()
            if refreshed is None:
                raise Unauthenticated(_INVALID) from None
            claims = _decode(token, refreshed, audiences)
    except (auth_exceptions.GoogleAuthError, ValueError):
        raise Unauthenticated(_INVALID) from None
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise Unauthenticated(_INVALID)
    return claims


def verify_caller(
    authorization: str | None,
    certs: CertificateCache,
    audiences: Iterable[str],
    allowed_users: Iterable[str],
) -> str:
    """The verified, allowed caller's email; raises Unauthenticated or Forbidden otherwise."""
    claims = verified_claims(authorization, certs, audiences)
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") not in (True, "true"):
        raise Unauthenticated(
            "Your Google account's email address is not verified; verify it with Google and "
            "try again."
        )
    allowed_users = list(allowed_users)
    if not is_allowed(email, allowed_users, claims.get("hd")):
        if _domain_entry_without_hd(email, allowed_users):
            raise Forbidden(
                f"{email} is not an account of your organisation's Google Workspace (it is a "
                "Google account made with a company address); sign in with your work account, "
                "or ask your admin to add this address itself."
            )
        raise Forbidden(
            f"{email} is not allowed to use JobMojito from Sheets; ask your admin to add you."
        )
    return email
