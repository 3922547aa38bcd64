"""Whose Sheets access token a call carries: Google's tokeninfo, cached per token.

The ID token says who is calling; the access token is what the function reads and writes
the Sheet with. Both arrive in headers of the same request, so a caller could pair an
allowed person's ID token with their own access token (or the other way round). The access
token must therefore belong to the ID token's user, and have been issued to one of
ALLOWED_AUDIENCES (the Apps Script's OAuth client), before any Sheets call is made.

Each check ends in one way: the token's `TokenInfo`; `Unauthenticated` with
`sheets_token_rejected` (Google says the token is not valid: 400 `invalid_token`);
`UpstreamError` with `google_certs_unavailable` (tokeninfo could not be reached or answered
nonsense: the caller waits and tries again). What Google says of a token is kept for the
token's remaining lifetime (`expires_in`, at most an hour), keyed by a SHA-256 hash of the
token, never the token itself, in a cache of bounded size.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import Forbidden, Unauthenticated, UpstreamError

MAX_CACHED_TOKENS = 1024
MAX_CACHE_SECONDS = 3600.0
TOKENINFO_TIMEOUT_SECONDS = 5.0

_UNREACHABLE = "Google sign-in could not be checked right now; wait a minute and try again."


@dataclass(frozen=True)
class TokenInfo:
    """What Google says of one access token: its owner and the OAuth client it was issued to
    (`azp`, and `aud` when Google names one)."""

    email: str
    clients: tuple[str, ...]
    expires_in: float


def token_hash(token: str) -> str:
    """The cache key (and the only form of a token that may ever be logged)."""
    return hashlib.sha256(token.encode()).hexdigest()


def belongs_to(info: TokenInfo, email: str, audiences: Iterable[str]) -> bool:
    """The rule: the token's owner is the caller (ignoring case), and every client Google names
    for it (`azp`, `aud`) is one of ALLOWED_AUDIENCES (pure)."""
    allowed = set(audiences)
    owner = info.email.strip().lower()
    return (
        bool(owner)
        and owner == email.strip().lower()
        and bool(info.clients)
        and all(client in allowed for client in info.clients)
    )


def check_owner(info: TokenInfo, email: str, audiences: Iterable[str]) -> None:
    """Raise `token_mismatch` unless the access token belongs to the caller (`belongs_to`)."""
    if not belongs_to(info, email, audiences):
        raise Forbidden(
            "Your Google Sheets access does not belong to the Google account you are signed in "
            "with; reload the spreadsheet and run the menu again from your own account.",
            code=ErrorCode.TOKEN_MISMATCH,
        )


def _seconds(value: object) -> float | None:
    """`expires_in` as Google sends it: a number, or a number in a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip().isdigit():
        return float(value.strip())
    return None


def parse_tokeninfo(body: object) -> TokenInfo | None:
    """A tokeninfo answer as `TokenInfo`, or None when it is not one (pure)."""
    if not isinstance(body, dict):
        return None
    expires_in = _seconds(body.get("expires_in"))
    email = body.get("email")
    clients = tuple(
        dict.fromkeys(c for c in (body.get("azp"), body.get("aud")) if isinstance(c, str) and c)
    )
    if expires_in is None or expires_in <= 0:
        return None
    return TokenInfo(email if isinstance(email, str) else "", clients, expires_in)


class TokenInfoCache:
    """Google's tokeninfo endpoint (GOOGLE_TOKENINFO_URL), one call per token per lifetime."""

    def __init__(
        self,
        url: str,
        http: httpx.Client,
        *,
        size: int = MAX_CACHED_TOKENS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._http = http
        self._size = size
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, TokenInfo]] = OrderedDict()
        self._lock = threading.Lock()
        self.lookups = 0

    def __len__(self) -> int:
        return len(self._entries)

    def info(self, token: str) -> TokenInfo:
        """What Google says of `token`, from the cache while the token lives."""
        key = token_hash(token)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None and cached[0] > now:
                self._entries.move_to_end(key)
                return cached[1]
            self._entries.pop(key, None)
        info = self._fetch(token)
        with self._lock:
            keep = min(info.expires_in, MAX_CACHE_SECONDS)
            self._entries[key] = (now + keep, info)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return info

    def _fetch(self, token: str) -> TokenInfo:
        self.lookups += 1
        try:
            # As Google's own auth library asks: POST, the token in the Authorization header,
            # so that it is never part of a URL (which proxies and access logs keep).
            response = self._http.post(
                self._url,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
                },
                timeout=TOKENINFO_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError:
            raise UpstreamError(_UNREACHABLE, code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE) from None
        if response.status_code in (400, 401):  # Google's "invalid_token": expired or revoked
            raise Unauthenticated(
                "Google did not accept your access to Google Sheets; reload the spreadsheet and "
                "run the menu again.",
                code=ErrorCode.SHEETS_TOKEN_REJECTED,
            )
        try:
            info = parse_tokeninfo(response.json()) if response.status_code == 200 else None
        except ValueError:
            info = None
        if info is None:
            raise UpstreamError(_UNREACHABLE, code=ErrorCode.GOOGLE_CERTS_UNAVAILABLE)
        return info
