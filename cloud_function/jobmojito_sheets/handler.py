"""The HTTP shell: translate a request into a run and its outcome into JSON and a status."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

import flask
import httpx

from jobmojito_sheets.config import Settings, load_settings
from jobmojito_sheets.connection import check
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.identity import CertificateCache, verify_caller
from jobmojito_sheets.jobmojito import JobMojitoClient
from jobmojito_sheets.languages import languages
from jobmojito_sheets.logs import fields
from jobmojito_sheets.quota import Pacer
from jobmojito_sheets.refresh import refresh
from jobmojito_sheets.request_body import MAX_BODY_BYTES, InviteRequest, parse_invite_request
from jobmojito_sheets.service import run
from jobmojito_sheets.sheets import SheetsGateway
from jobmojito_sheets.store import RegistrationStore, open_store
from jobmojito_sheets.token_owner import TOKENINFO_TIMEOUT_SECONDS, TokenInfoCache, check_owner

log = logging.getLogger("jobmojito_sheets")

ACCESS_TOKEN_HEADER = "X-Sheets-Access-Token"
MAX_ACCESS_TOKEN_LENGTH = 4096


class Runtime:
    """What outlives one request: settings and the pooled HTTP clients built from them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        timeout = httpx.Timeout(settings.jobmojito_timeout, connect=5.0)
        # One TLS context (loading the CA bundle takes ~20 ms) shared by the three clients.
        tls = httpx.create_ssl_context()
        self.jobmojito_http = httpx.Client(
            timeout=timeout,
            limits=httpx.Limits(max_connections=settings.concurrency * 2),
            verify=tls,
        )
        self._store: RegistrationStore | None = None
        self._store_lock = threading.Lock()
        self.certs = CertificateCache(
            settings.google_certs_url, httpx.Client(timeout=10.0, verify=tls)
        )
        self.token_owners = TokenInfoCache(
            settings.google_tokeninfo_url,
            httpx.Client(timeout=TOKENINFO_TIMEOUT_SECONDS, verify=tls),
        )

    def store(self) -> RegistrationStore:
        """The registration store, opened on first use (Firestore's client is slow to load)."""
        with self._store_lock:
            if self._store is None:
                s = self.settings
                self._store = open_store(
                    s.state_store, s.google_cloud_project, s.firestore_database, s.store_timeout
                )
            return self._store

    def jobmojito(self) -> JobMojitoClient:
        s = self.settings
        return JobMojitoClient(
            s.jobmojito_api_url, s.jobmojito_api_token, s.jobmojito_merchant_id, self.jobmojito_http
        )


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def runtime(env: Mapping[str, str] | None = None) -> Runtime:
    """The process's runtime, rebuilt only when the configuration changes."""
    global _runtime
    settings = load_settings(os.environ if env is None else env)
    with _runtime_lock:
        if _runtime is None or _runtime.settings != settings:
            _runtime = Runtime(settings)
        return _runtime


def _json(body: Mapping[str, Any], status: int) -> flask.Response:
    """JSON in the contract's field order (summary, rows, columns, …), never cached."""
    return flask.Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


def _error(error: InviteError) -> flask.Response:
    return _json(error.to_json(), error.status)


def _read_body(request: flask.Request) -> bytes:
    """At most one byte over the limit, so `parse_invite_request` can refuse an oversized body
    without the whole of it ever being read."""
    raw: bytes = request.stream.read(MAX_BODY_BYTES + 1)
    return raw


def _access_token(request: flask.Request) -> str:
    token = (request.headers.get(ACCESS_TOKEN_HEADER) or "").strip()
    if not token or len(token) > MAX_ACCESS_TOKEN_LENGTH:
        raise InviteError(
            "The request has no Google Sheets access; run it from the JobMojito menu in the "
            "spreadsheet.",
            code=ErrorCode.SHEETS_TOKEN_REJECTED,
        )
    return token


def run_fields(
    caller: str | None, invite: InviteRequest | None, answer: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What the log entry of one call records: who, which spreadsheet and tab, and how many
    rows ended in each status (pure). Never a token, never a cell's content."""
    entry: dict[str, Any] = {"caller": caller}
    if invite is not None:
        entry["spreadsheet_id"] = invite.spreadsheet_id
        entry["tab"] = invite.sheet_id if invite.sheet_id is not None else invite.sheet
        entry["dry_run"] = invite.dry_run
        entry["force"] = invite.force
    rows = answer.get("rows") if answer is not None else None
    if isinstance(rows, list):
        entry["statuses"] = dict(Counter(str(row.get("status")) for row in rows))
        entry["summary"] = answer.get("summary") if answer is not None else None
        entry["remaining"] = len(answer.get("remaining") or []) if answer is not None else 0
    return entry


def handle(request: flask.Request) -> flask.Response:
    """Answer one call: 200 with the run's answer, or the error's status and sentence."""
    if request.method != "POST":
        return _error(InviteError(code=ErrorCode.METHOD_NOT_ALLOWED))
    started = time.monotonic()
    caller: str | None = None
    invite: InviteRequest | None = None
    try:
        raw = _read_body(request)
        rt = runtime()
        settings = rt.settings
        caller = verify_caller(
            request.headers.get("Authorization"),
            rt.certs,
            settings.allowed_audiences,
            settings.allowed_users,
        )
        access_token = _access_token(request)
        invite = parse_invite_request(raw)
        # Before any Sheets call: the access token must be the caller's, from our script.
        check_owner(rt.token_owners.info(access_token), caller, settings.allowed_audiences)
        deadline = Deadline.after(settings.deadline, started=started)
        if invite.action == "languages":  # JobMojito only: no Sheets call, no spreadsheet
            return _json(languages(rt.jobmojito(), deadline), 200)
        sheets = SheetsGateway(
            settings.sheets_api_url, access_token, invite.spreadsheet_id, settings.sheets_timeout,
            deadline=deadline,
            pacer=Pacer(settings.sheets_calls_per_minute, window=settings.sheets_quota_window),
        )  # fmt: skip
        if invite.action == "check":
            return _json(check(invite, caller, sheets, rt.jobmojito(), deadline), 200)
        if invite.action == "status":
            answer = refresh(
                invite, settings, sheets, rt.jobmojito(), deadline=deadline, store=rt.store()
            )
        else:
            answer = run(
                invite, settings, sheets, rt.jobmojito(),
                deadline=deadline, store=rt.store(), caller=caller,
            )  # fmt: skip
    except InviteError as error:
        entry = run_fields(caller, invite, error.extra if "rows" in error.extra else None)
        log.warning(
            "request refused",
            extra=fields(status=error.status, code=str(error.code), reason=error.message, **entry),
        )
        return _error(error)
    except Exception:
        log.exception("unexpected failure", extra=fields(**run_fields(caller, invite, None)))
        return _error(InviteError(code=ErrorCode.INTERNAL_ERROR))
    log.info("run finished", extra=fields(**run_fields(caller, invite, answer)))
    return _json(answer, 200)
