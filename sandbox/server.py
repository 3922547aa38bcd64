"""Run a WSGI app as a real HTTP server on a free loopback port, in a background thread; and
Cloud Run's request timeout, as a loopback proxy in front of another server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import httpx
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1; `url` is known once `start()` returns."""

    def __init__(self, app: Any, port: int = 0, host: str = "127.0.0.1") -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://{self._host}:{self._server.server_port}"

    def start(self) -> LoopbackServer:
        self._server = make_server(self._host, self._port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (for the command line)."""
        self._server = make_server(self._host, self._port, self._app, threaded=True)
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# Cloud Run's answer to a request its service did not answer within the request timeout: the
# documented 504, with the plain-text body its front end (Envoy) is reported to send.
TIMEOUT_STATUS = 504
TIMEOUT_BODY = "upstream request timeout"
# Headers that belong to one hop, not to the request or response passed on.
_HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
    }
)  # fmt: skip


class RequestTimeout:
    """A WSGI app that passes each request on to ``upstream`` and answers what it answers, unless
    that takes longer than ``timeout`` seconds: then the caller gets Cloud Run's 504 at the
    timeout, and the upstream's later answer is dropped (the upstream is not interrupted; Cloud
    Run does not stop the instance either). ``timeout=None`` never cuts."""

    def __init__(self, upstream: str, timeout: float | None) -> None:
        self.upstream = upstream.rstrip("/")
        self.timeout = timeout
        self.timeouts = 0  # requests cut so far
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=None, follow_redirects=False)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request(environ)
        body = request.get_data()
        target = self.upstream + _raw_target(environ)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP]
        answered: list[httpx.Response | Exception] = []
        done = threading.Event()

        def forward() -> None:
            try:
                answered.append(
                    self._client.request(request.method, target, headers=headers, content=body)
                )
            except Exception as error:  # the upstream died or refused the connection
                answered.append(error)
            finally:
                done.set()

        threading.Thread(target=forward, name="request-timeout-forward", daemon=True).start()
        remaining = None if self.timeout is None else self.timeout - (time.monotonic() - started)
        if not done.wait(remaining):
            with self._lock:
                self.timeouts += 1
            response = Response(TIMEOUT_BODY, TIMEOUT_STATUS, content_type="text/plain")
        elif isinstance(answered[0], Exception):
            response = Response(
                "upstream connect error or disconnect/reset before headers",
                503,
                content_type="text/plain",
            )
        else:
            upstream = answered[0]
            kept = [
                (k, v) for k, v in upstream.headers.multi_items() if k.lower() not in _HOP_BY_HOP
            ]
            response = Response(upstream.content, upstream.status_code, headers=kept)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def close(self) -> None:
        self._client.close()


def _raw_target(environ: dict[str, Any]) -> str:
    """The request's path and query as the client sent them (still percent-encoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = environ.get("QUERY_STRING", "")
    return str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")
