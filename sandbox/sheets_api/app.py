"""The stand-in as a WSGI app: routing, authorization, quotas, latency, faults, the request log.

Rules:

- A call is routed on its still percent-encoded path, so an encoded ``/`` or ``:`` inside a
  range stays part of the range; a path or method the stand-in does not serve is a 404.
- A call waits ``latency`` seconds, then meets, in order: the injected faults (whatever its
  route), the route (404), the credentials (no bearer token or one never granted: 401), the
  per-minute quotas (429, see ``quota``), the injected delays, and then the spreadsheet: an
  unknown one is 404, one the token was not shared with (or was revoked from) 403.
- Only calls that reach the quotas count against them: an injected fault, an unknown route or
  a refused credential is answered before Google would meter the call. A call refused later
  (400, 403, 404 on the spreadsheet) has been counted, as Google meters before serving.
- A token belongs to a user (``set_token_owner``; by default the token is its own user) and to
  a project (by default the stand-in's ``project_number``): the quotas are counted per user
  per project and per project, and Google's error bodies name the project. A token marked
  unmetered is never counted (it stands for a caller that is not Sheets API traffic).
- Every answered call is recorded in ``requests`` with its kind, status and user, injected
  failures included.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, unquote

from werkzeug.wrappers import Request, Response

from sandbox.server import LoopbackServer
from sandbox.sheets_api import batch_update, metadata, values
from sandbox.sheets_api.faults import (
    INVALID_CREDENTIALS,
    JSON,
    MISSING_CREDENTIALS,
    ApiError,
    Faults,
    access,
    forbidden,
    not_found,
)
from sandbox.sheets_api.quota import REAL_LIMITS, Quota, QuotaLimits
from sandbox.sheets_api.store import Spreadsheet, Store
from sandbox.sheets_api.values import Query

WsgiEnviron = dict[str, Any]
StartResponse = Callable[..., Any]

DEFAULT_PROJECT_NUMBER = "123456789012"

_BOOK = r"/v4/spreadsheets/(?P<id>[^/:]+)"
_RANGE = r"/values/(?P<range>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(f"^{pattern}$"), kind)
    for method, pattern, kind in [
        ("GET", _BOOK, "spreadsheets.get"),
        ("POST", f"{_BOOK}:batchUpdate", "spreadsheets.batchUpdate"),
        ("GET", f"{_BOOK}/values:batchGet", "values.batchGet"),
        ("POST", f"{_BOOK}/values:batchUpdate", "values.batchUpdate"),
        ("POST", f"{_BOOK}/values:batchClear", "values.batchClear"),
        ("POST", f"{_BOOK}{_RANGE}:clear", "values.clear"),
        ("GET", f"{_BOOK}{_RANGE}", "values.get"),
        ("PUT", f"{_BOOK}{_RANGE}", "values.update"),
    ]
]


@dataclass
class RecordedRequest:
    """One call the stand-in answered (injected failures included)."""

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any
    kind: str
    status: int
    user: str | None = None  # the token's owner; None without a bearer token


@dataclass(frozen=True)
class _Route:
    kind: str
    spreadsheet_id: str
    range_text: str


class SheetsStandIn(Store):
    """In-memory Google Sheets API v4; thread-safe; a WSGI app.

    ``quota`` holds the per-minute limits (Google's by default; None switches metering off,
    as does ``quota.enabled = False``); ``project_number`` is the project of every token not
    given another one.
    """

    def __init__(
        self,
        latency: float = 0.0,
        *,
        quota: QuotaLimits | None = REAL_LIMITS,
        project_number: str = DEFAULT_PROJECT_NUMBER,
    ) -> None:
        super().__init__()
        self.latency = latency
        self.project_number = project_number
        self.quota = Quota(quota)
        self.requests: list[RecordedRequest] = []
        self._faults = Faults()
        self._owners: dict[str, tuple[str, str | None]] = {}
        self._unmetered: set[str] = set()

    # -- who a token is -----------------------------------------------------------------------

    def set_token_owner(
        self,
        token: str,
        user: str,
        *,
        project_number: str | None = None,
        metered: bool = True,
    ) -> None:
        """Say whose token this is (and, optionally, which project's OAuth client issued it):
        its calls count against that user's quota and that project's. ``metered=False`` marks
        a token that stands for a caller Google does not meter as Sheets API traffic (say, a
        test's emulation of Apps Script's SpreadsheetApp, which has quotas of its own)."""
        with self._lock:
            self._owners[token] = (user, project_number)
            if metered:
                self._unmetered.discard(token)
            else:
                self._unmetered.add(token)

    def token_user(self, token: str) -> str:
        """The user a token's calls are counted for (the token itself unless told otherwise)."""
        with self._lock:
            return self._owners.get(token, (token, None))[0]

    def token_project(self, token: str) -> str:
        """The project a token's calls are counted for."""
        with self._lock:
            return self._owners.get(token, (token, None))[1] or self.project_number

    # -- quotas -------------------------------------------------------------------------------

    def set_quota(self, limits: QuotaLimits | None = None, **changes: Any) -> None:
        """Change the limits (a whole ``QuotaLimits``, then fields by name, e.g.
        ``set_quota(reads_per_user=5, window=2.0)``) and switch metering on."""
        self.quota.configure(limits, **changes)
        self.quota.enabled = True

    def reset_quota(self) -> None:
        """A fresh window for every user and project; forgets the 429s met so far."""
        self.quota.reset()

    def spend_quota(
        self, user: str, *, reads: int = 0, writes: int = 0, project_number: str | None = None
    ) -> None:
        """Count calls as made just now by ``user`` elsewhere (another tool, another sheet)."""
        self.quota.spend(user, project_number or self.project_number, reads=reads, writes=writes)

    def quota_used(self, access: Literal["read", "write"], *, user: str | None = None) -> int:
        """Calls of this class in the current window: the user's (in the stand-in's project),
        or the whole project's."""
        return self.quota.used(access, project=self.project_number, user=user)

    # -- faults and the request log -----------------------------------------------------------

    def inject(
        self,
        kind: str | None,
        status: int,
        times: int = 1,
        retry_after: float | None = None,
        *,
        after: int = 0,
        reason: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``kind`` (None: any call; times=-1: always) with
        ``status`` and Google's error body, plus a Retry-After header when given; the first
        ``after`` matching calls go through untouched. A 403 may carry a ``reason``:
        "SERVICE_DISABLED" or "ACCESS_TOKEN_SCOPE_INSUFFICIENT" (None: no access)."""
        self._faults.inject(kind, status, times, retry_after, after, reason)

    def inject_delay(
        self, kind: str | None, seconds: float, times: int = 1, *, after: int = 0
    ) -> None:
        """Hold the next ``times`` calls of ``kind`` (None: any; -1: always) ``seconds`` before
        serving them as usual (a hanging call whose work still lands); the first ``after``
        matching calls go through at once."""
        self._faults.inject_delay(kind, seconds, times, after)

    def clear_faults(self) -> None:
        """Drop every injected fault and delay, and the added latency."""
        self._faults.clear()
        self.latency = 0.0

    def count(self, kind: str) -> int:
        """How many recorded calls were of this kind."""
        with self._lock:
            return sum(1 for r in self.requests if r.kind == kind)

    # -- serving ------------------------------------------------------------------------------

    def __call__(self, environ: WsgiEnviron, start_response: StartResponse) -> Iterable[bytes]:
        response = self._handle(Request(environ))
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def serve(self) -> LoopbackServer:
        """Start a loopback HTTP server for this stand-in (stop it, or use it as a context)."""
        return LoopbackServer(self).start()

    def _handle(self, request: Request) -> Response:
        if self.latency > 0:
            time.sleep(self.latency)
        raw_path = _raw_path(request)
        query = parse_qs(request.query_string.decode("latin-1"), keep_blank_values=True)
        body = _json_body(request)
        route = _route(request.method, raw_path)
        kind = route.kind if route else "unknown"
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = self.token_user(token) if token else None
        project = self.token_project(token)
        try:
            fault = self._faults.take(kind)
            if fault is not None:
                raise fault.error(kind, project, self.quota.limits.limit("user", access(kind)))
            if route is None:
                raise not_found()
            with self._lock:
                self._authenticate(token)
            if token not in self._unmetered:
                refusal = self.quota.charge(kind, user or token, project)
                if refusal is not None:
                    raise refusal
            pause = self._faults.take_delay(kind)
            if pause > 0:
                time.sleep(pause)
            with self._lock:
                book = self._authorize(token, route.spreadsheet_id, kind, project)
                response = _json_response(200, self._serve(route, book, query, body))
        except ApiError as error:
            response = _json_response(error.code, error.body(), error.headers())
        recorded = RecordedRequest(
            request.method, unquote(raw_path), query, body, kind, response.status_code, user
        )
        with self._lock:
            self.requests.append(recorded)
        return response

    def _authenticate(self, token: str) -> None:
        if not token:
            raise ApiError(401, MISSING_CREDENTIALS, "UNAUTHENTICATED")
        if token not in self._known_tokens:
            raise ApiError(401, INVALID_CREDENTIALS, "UNAUTHENTICATED")

    def _authorize(self, token: str, spreadsheet_id: str, kind: str, project: str) -> Spreadsheet:
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise not_found()
        if token not in book.tokens:
            raise forbidden(kind, project)
        return book

    def _serve(self, route: _Route, book: Spreadsheet, query: Query, body: Any) -> JSON:
        text = route.range_text
        handlers: dict[str, Callable[[], JSON]] = {
            "spreadsheets.get": lambda: metadata.get(book, values.first(query, "fields")),
            "spreadsheets.batchUpdate": lambda: batch_update.apply(book, body, self.new_sheet_id),
            "values.get": lambda: values.get(book, text, query),
            "values.batchGet": lambda: values.batch_get(book, query),
            "values.update": lambda: values.update(book, text, query, body),
            "values.batchUpdate": lambda: values.batch_update(book, body),
            "values.clear": lambda: values.clear(book, text),
            "values.batchClear": lambda: values.batch_clear(book, body),
        }
        return handlers[route.kind]()


def _route(method: str, raw_path: str) -> _Route | None:
    """Match the still percent-encoded path, so an encoded '/' or ':' in a range stays put."""
    for route_method, pattern, kind in _ROUTES:
        match = pattern.match(raw_path)
        if match is not None and method == route_method:
            groups = match.groupdict()
            return _Route(kind, unquote(groups["id"]), unquote(groups.get("range") or ""))
    return None


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = str(raw).split("?", 1)[0]
        if "://" in path:
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        return path
    return str(request.environ.get("PATH_INFO", request.path))


def _json_body(request: Request) -> Any:
    data = request.get_data()
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _json_response(status: int, payload: JSON, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, indent=2),
        status=status,
        content_type="application/json; charset=UTF-8",
        headers=headers,
    )
