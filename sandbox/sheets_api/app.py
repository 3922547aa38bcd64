"""The stand-in as a WSGI app: routing, authorization, latency, faults and the request log.

Rules:

- A call is routed on its still percent-encoded path, so an encoded ``/`` or ``:`` inside a
  range stays part of the range; a path or method the stand-in does not serve is a 404.
- A call waits ``latency`` seconds, then meets the injected faults (whatever its route), then
  the route (404), then authorization: no bearer token or one never granted is 401, an unknown
  spreadsheet 404, a token the spreadsheet was not shared with (or was revoked from) 403.
- Every answered call is recorded in ``requests`` with its kind and status, injected failures
  included.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
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
    not_found,
)
from sandbox.sheets_api.store import Spreadsheet, Store
from sandbox.sheets_api.values import Query

WsgiEnviron = dict[str, Any]
StartResponse = Callable[..., Any]

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


@dataclass(frozen=True)
class _Route:
    kind: str
    spreadsheet_id: str
    range_text: str


class SheetsStandIn(Store):
    """In-memory Google Sheets API v4; thread-safe; a WSGI app."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__()
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self._faults = Faults()

    # -- faults and the request log -----------------------------------------------------------

    def inject(
        self,
        kind: str | None,
        status: int,
        times: int = 1,
        retry_after: float | None = None,
        *,
        after: int = 0,
    ) -> None:
        """Answer the next ``times`` calls of ``kind`` (None: any call; times=-1: always) with
        ``status`` and Google's error body, plus a Retry-After header when given; the first
        ``after`` matching calls go through untouched."""
        self._faults.inject(kind, status, times, retry_after, after)

    def clear_faults(self) -> None:
        """Drop every injected fault and the added latency."""
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
        try:
            fault = self._faults.take(kind)
            if fault is not None:
                raise fault
            if route is None:
                raise not_found()
            with self._lock:
                book = self._authorize(request, route.spreadsheet_id)
                response = _json_response(200, self._serve(route, book, query, body))
        except ApiError as error:
            response = _json_response(error.code, error.body(), error.headers())
        recorded = RecordedRequest(
            request.method, unquote(raw_path), query, body, kind, response.status_code
        )
        with self._lock:
            self.requests.append(recorded)
        return response

    def _authorize(self, request: Request, spreadsheet_id: str) -> Spreadsheet:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not token:
            raise ApiError(401, MISSING_CREDENTIALS, "UNAUTHENTICATED")
        if token not in self._known_tokens:
            raise ApiError(401, INVALID_CREDENTIALS, "UNAUTHENTICATED")
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise not_found()
        if token not in book.tokens:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
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
