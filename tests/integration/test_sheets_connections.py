"""The function's calls share their connections to Sheets (`sheets.SHEETS_CONNECTIONS`), over
real HTTP: a call does not open a new connection (with Google, a new TLS handshake) when an
earlier call left one open, and each request still carries its own caller's token.

The Sheets stand-in cannot show this: werkzeug's server closes every connection after its
answer. Google keeps them open (HTTP/1.1 keep-alive), so here a small HTTP/1.1 server that
keeps them open answers `spreadsheets.get` as the stand-in would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.quota import Pacer
from jobmojito_sheets.sheets import SheetsGateway, Tab

SID = "1ConnectionsSheet"
PROPERTIES = {
    "sheets": [
        {
            "properties": {
                "sheetId": 0,
                "title": "Candidates",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
}


class KeepAlive(BaseHTTPRequestHandler):
    """Answers every GET with the tab's properties and keeps the connection open; notes each
    request's client port (one port, one connection) and bearer token."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[int, str]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.client_address[1], self.headers.get("Authorization", "")))
        body = json.dumps(PROPERTIES).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def google() -> Iterator[str]:
    KeepAlive.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def one_call(url: str, token: str) -> list[Tab]:
    """What one request to the function does with Sheets: its own gateway, its own token."""
    sheets = SheetsGateway(url, token, SID, 10.0, deadline=Deadline.after(30), pacer=Pacer(60))
    return sheets.tabs()


def test_calls_one_after_another_reuse_one_connection_each_with_its_callers_token(
    google: str,
) -> None:
    for token in ("ann-token", "bob-token", "ann-token"):
        assert one_call(google, token) == [Tab(0, "Candidates", 1000, 26)]

    ports = {port for port, _ in KeepAlive.seen}
    assert len(KeepAlive.seen) == 3 and len(ports) == 1
    assert [token for _, token in KeepAlive.seen] == [
        "Bearer ann-token",
        "Bearer bob-token",
        "Bearer ann-token",
    ]
