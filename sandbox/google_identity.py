"""A stand-in for Google's ID-token signing keys, for testing ID-token verification.

`GoogleIdentityStandIn` owns an RSA 2048 key and a self-signed X.509 certificate, serves
`GET /oauth2/v1/certs` as `{kid: "<PEM certificate>"}` -- the format of
https://www.googleapis.com/oauth2/v1/certs -- and mints RS256 ID tokens shaped like
Google's (iss, aud, azp, sub, email, email_verified, iat, exp) with google-auth's own
signer. Pass `certs_url` to `google.oauth2.id_token.verify_token(..., certs_url=...)`.

For security tests it also mints tokens that must be rejected: signed by a key that is
not served (`mint_with_foreign_key`), `alg: none` with an empty signature
(`mint_unsigned`) and a payload changed after signing (`mint_tampered`).

It also stands in for https://oauth2.googleapis.com/tokeninfo (`tokeninfo_url`), asked with
`?access_token=` (GET or a POSTed form) or, as Google's own auth library asks, a POST with the
token as `Authorization: Bearer`: an OAuth
access token registered with `register_access_token` (its owner's email and the OAuth client
it was issued to) is described as Google describes one (`azp`, `aud`, `sub`, `scope`, `exp`,
`expires_in`, `email`, `email_verified`, `access_type`, every value a string); any other
token, or one past its expiry, gets Google's `400 {"error": "invalid_token",
"error_description": "Invalid Value"}`. `tokeninfo_failure` makes it answer that status
instead (e.g. 503), for tests of an unreachable Google.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt
from werkzeug.wrappers import Request, Response

from sandbox.server import LoopbackServer

CERTS_PATH = "/oauth2/v1/certs"
TOKENINFO_PATH = "/tokeninfo"
SHEETS_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets "
    "https://www.googleapis.com/auth/userinfo.email openid"
)
GOOGLE_ISSUER = "https://accounts.google.com"
CACHE_CONTROL = "public, max-age=3600, must-revalidate, no-transform"
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class AccessToken:
    """What Google knows of one OAuth access token: its owner, its client, its scopes."""

    email: str
    client_id: str
    scope: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(value: Any) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _self_signed_certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    """A self-signed, short-lived certificate, as Google serves for its signing keys."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "GoogleIdentityStandIn")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=14))
        .sign(key, hashes.SHA256())
    )


def _rsa_signer(private_pem: bytes, kid: str) -> crypt.RSASigner:
    signer: crypt.RSASigner = crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
        private_pem, key_id=kid
    )
    return signer


def subject_for(email: str) -> str:
    """A stable, Google-looking numeric `sub` (21 digits) for an email."""
    digest = int.from_bytes(hashlib.sha256(email.lower().encode()).digest()[:9], "big")
    return "1" + str(digest).rjust(20, "0")[-20:]


class GoogleIdentityStandIn:
    """Google's `oauth2/v1/certs` endpoint plus an ID-token minter, on a loopback port."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: dict[str, str] = {}
        self._foreign_signer: crypt.RSASigner | None = None
        self._server: LoopbackServer | None = None
        self._access_tokens: dict[str, AccessToken] = {}
        self.cert_fetches = 0
        self.tokeninfo_calls = 0
        self.tokeninfo_failure: int | None = None
        self.cache_control = CACHE_CONTROL
        self.kid = ""
        self.certificate_pem = ""
        self._signer = self._install_new_key()

    def _install_new_key(self) -> crypt.RSASigner:
        """Make a key and certificate, serve the certificate and make them current."""
        key = _new_private_key()
        certificate = _self_signed_certificate(key)
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
        kid = certificate.fingerprint(hashes.SHA1()).hex()
        with self._lock:
            self._served[kid] = pem
            self.kid, self.certificate_pem = kid, pem
        return _rsa_signer(_private_pem(key), kid)

    def rotate_key(self, *, keep_previous: bool = True) -> str:
        """Sign from now on with a new key (new kid) and return its kid.

        Like Google during a rotation, the previous certificate stays served unless
        `keep_previous` is false, in which case tokens signed before no longer verify.
        """
        previous = self.kid
        self._signer = self._install_new_key()
        if not keep_previous:
            with self._lock:
                self._served.pop(previous, None)
        return self.kid

    # -- HTTP --

    def serve(self, port: int = 0) -> LoopbackServer:
        """Start serving the certs on a loopback port; `certs_url` is valid afterwards."""
        self._server = LoopbackServer(self, port=port).start()
        return self._server

    @property
    def certs_url(self) -> str:
        """The URL to pass as `certs_url` to google-auth (requires `serve()` first)."""
        if self._server is None:
            raise RuntimeError("call serve() first")
        return self._server.url + CERTS_PATH

    @property
    def tokeninfo_url(self) -> str:
        """The URL to use as GOOGLE_TOKENINFO_URL (requires `serve()` first)."""
        if self._server is None:
            raise RuntimeError("call serve() first")
        return self._server.url + TOKENINFO_PATH

    def certs(self) -> dict[str, str]:
        """The JSON document the certs endpoint serves: kid -> PEM certificate."""
        with self._lock:
            return dict(self._served)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == TOKENINFO_PATH and request.method in ("GET", "POST"):
            response = self._tokeninfo(request)
        elif request.path != CERTS_PATH or request.method not in ("GET", "HEAD"):
            response = Response(json.dumps({"error": "not found"}), 404)
        else:
            with self._lock:
                self.cert_fetches += 1
            response = Response(json.dumps(self.certs(), indent=2), 200)
            response.headers["Cache-Control"] = self.cache_control
        response.content_type = "application/json; charset=UTF-8"
        result: Iterable[bytes] = response(environ, start_response)
        return result

    # -- access tokens (tokeninfo) --

    def register_access_token(
        self,
        token: str,
        email: str,
        client_id: str,
        *,
        scope: str = SHEETS_SCOPES,
        expires_in: int = 3599,
    ) -> None:
        """Make `token` an access token of `email`, issued to the OAuth client `client_id`."""
        with self._lock:
            self._access_tokens[token] = AccessToken(
                email, client_id, scope, int(time.time()) + expires_in
            )

    def revoke_access_token(self, token: str) -> None:
        with self._lock:
            self._access_tokens.pop(token, None)

    def _tokeninfo(self, request: Request) -> Response:
        """Google's answer for `?access_token=` (query or form), as strings throughout."""
        scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
        token = request.values.get("access_token", "")
        if not token and scheme.lower() == "bearer":
            token = bearer.strip()
        with self._lock:
            self.tokeninfo_calls += 1
            failure = self.tokeninfo_failure
            known = self._access_tokens.get(token)
        if failure is not None:
            return Response(json.dumps({"error": "backendError"}), failure)
        now = int(time.time())
        if known is None or known.expires_at <= now:
            invalid = {"error": "invalid_token", "error_description": "Invalid Value"}
            return Response(json.dumps(invalid), 400)
        body = {
            "azp": known.client_id,
            "aud": known.client_id,
            "sub": subject_for(known.email),
            "scope": known.scope,
            "exp": str(known.expires_at),
            "expires_in": str(known.expires_at - now),
            "email": known.email,
            "email_verified": "true",
            "access_type": "online",
        }
        return Response(json.dumps(body, indent=2), 200)

    # -- tokens --

    def claims(
        self,
        email: str,
        audience: str,
        *,
        email_verified: bool = True,
        issuer: str = GOOGLE_ISSUER,
        expires_in: int = 3600,
        issued_at: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The payload of a Google-shaped ID token; `extra` adds or overrides claims."""
        iat = int(time.time()) if issued_at is None else issued_at
        payload: dict[str, Any] = {
            "iss": issuer,
            "azp": audience,
            "aud": audience,
            "sub": subject_for(email),
            "email": email,
            "email_verified": email_verified,
            "iat": iat,
            "exp": iat + expires_in,
        }
        payload.update(extra or {})
        return payload

    def mint_id_token(
        self,
        email: str,
        audience: str,
        *,
        email_verified: bool = True,
        issuer: str = GOOGLE_ISSUER,
        expires_in: int = 3600,
        issued_at: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """An RS256 ID token signed with the served key (header carries its kid)."""
        payload = self.claims(
            email,
            audience,
            email_verified=email_verified,
            issuer=issuer,
            expires_in=expires_in,
            issued_at=issued_at,
            extra=extra,
        )
        return self._sign(self._signer, payload)

    def mint_with_foreign_key(self, email: str, audience: str, **claims: Any) -> str:
        """Same shape and kid as a real token, but signed by a key that is never served."""
        payload = self.claims(email, audience, **claims)
        return self._sign(self._foreign(), payload)

    def mint_unsigned(self, email: str, audience: str, **claims: Any) -> str:
        """`alg: none` with an empty signature segment."""
        header = {"alg": "none", "kid": self.kid, "typ": "JWT"}
        payload = self.claims(email, audience, **claims)
        return f"{_b64_json(header)}.{_b64_json(payload)}."

    def mint_tampered(
        self,
        email: str,
        audience: str,
        *,
        changes: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """A correctly signed token whose payload was then changed (default: the email)."""
        token = self.mint_id_token(email, audience, **claims)
        header, payload_segment, signature = token.split(".")
        payload = json.loads(base64.urlsafe_b64decode(payload_segment + "=" * 4))
        payload.update(changes or {"email": "attacker@example.com", "email_verified": True})
        return f"{header}.{_b64_json(payload)}.{signature}"

    def _sign(self, signer: crypt.RSASigner, payload: dict[str, Any]) -> str:
        """Sign with `signer`; the header always names the current served kid."""
        token: bytes = jwt.encode(signer, payload, key_id=self.kid)  # type: ignore[no-untyped-call]
        return token.decode("ascii")

    def _foreign(self) -> crypt.RSASigner:
        with self._lock:
            if self._foreign_signer is None:
                pem = _private_pem(_new_private_key())
                self._foreign_signer = _rsa_signer(pem, self.kid)
            return self._foreign_signer
