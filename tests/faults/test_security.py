"""Who may call, and that no credential ever leaks into a log, an answer or a Sheet cell.

Every test here talks to one function process started for this file only, so its log file
holds exactly this file's traffic; the last test searches that log (and the pytest process's
own log records) for every token this file used.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sandbox.world import (
    CLIENT_ID,
    INTERVIEW_ID,
    OUTSIDER_TOKEN,
    RECRUITER,
    RECRUITER_TOKEN,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    demo_rows,
    invite,
)
from tests.integration import conftest as integration

world = integration.world  # the integration suite's sandbox fixture

_ids = itertools.count(1)


@dataclass
class Traffic:
    """Everything this file sent and got back, to search for leaked credentials at the end."""

    secrets: set[str] = field(default_factory=set)
    answers: list[str] = field(default_factory=list)
    spreadsheets: set[str] = field(default_factory=set)

    def secret(self, token: str) -> str:
        self.secrets.add(token)
        signature = token.rsplit(".", 1)[-1]
        if token.count(".") == 2 and len(signature) >= 16:
            self.secrets.add(signature)  # a log line that keeps only the signature leaks too
        return token


@dataclass
class Guarded:
    """The file's own function, the sandbox, and helpers that record what was sent."""

    world: Sandbox
    function: FunctionProcess
    traffic: Traffic

    def new_sheet(self, tokens: tuple[str, ...] = (RECRUITER_TOKEN,)) -> str:
        spreadsheet_id = f"1SecuritySheet{next(_ids):04d}"
        self.world.seed(demo_rows(), spreadsheet_id=spreadsheet_id, tokens=tokens)
        self.traffic.spreadsheets.add(spreadsheet_id)
        return spreadsheet_id

    def id_token(self, email: str = RECRUITER, **claims: Any) -> str:
        return self.traffic.secret(self.world.id_token(email, **claims))

    def call(
        self,
        spreadsheet_id: str,
        id_token: str | None,
        *,
        access_token: str | None = RECRUITER_TOKEN,
        ranges: tuple[str, ...] = ("A2:B13",),
        **fields: Any,
    ) -> httpx.Response:
        if id_token is not None:
            self.traffic.secret(id_token)
        if access_token is not None:
            self.traffic.secret(access_token)
        body = {
            "spreadsheet_id": spreadsheet_id,
            "sheet_id": TAB_GID,
            "ranges": list(ranges),
            "type": "url",
            "interview_id": INTERVIEW_ID,
            **fields,
        }
        response = invite(self.function.url, body, id_token=id_token, access_token=access_token)
        self.traffic.answers.append(response.text)
        return response

    def sheets_requests(self, spreadsheet_id: str, kind: str | None = None) -> int:
        return sum(
            1
            for r in self.world.sheets.requests
            if spreadsheet_id in r.path and (kind is None or r.kind == kind)
        )


@pytest.fixture(scope="module")
def guarded(world: Sandbox) -> Iterator[Guarded]:
    traffic = Traffic(secrets={world.function_env()["JOBMOJITO_API_TOKEN"]})
    with FunctionProcess(world.function_env()) as process:
        yield Guarded(world, process, traffic)


@pytest.fixture(scope="module", autouse=True)
def process_log(guarded: Guarded) -> Iterator[list[str]]:
    """The pytest process's own log records at DEBUG, for the whole file."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture(autouse=True)
def fresh_jobmojito(guarded: Guarded) -> None:
    guarded.world.jobmojito.reset()


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:2000]
    body = response.json()
    assert body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    assert message and "Traceback" not in response.text
    return message


# -- ID tokens -------------------------------------------------------------------------------

Minter = Callable[[Sandbox], str]
HOUR = 3600

REFUSED_ID_TOKENS: list[tuple[str, Minter, int, str]] = [
    (
        "bad-signature",
        lambda w: w.google.mint_with_foreign_key(RECRUITER, CLIENT_ID),
        401,
        "unauthenticated",
    ),
    ("alg-none", lambda w: w.google.mint_unsigned(RECRUITER, CLIENT_ID), 401, "unauthenticated"),
    (
        "tampered-email",
        lambda w: w.google.mint_tampered("mallory@elsewhere.example", CLIENT_ID,
                                         changes={"email": RECRUITER}),
        401,
        "unauthenticated",
    ),
    (
        "tampered-expiry",
        lambda w: w.google.mint_tampered(
            RECRUITER, CLIENT_ID, issued_at=int(time.time()) - 2 * HOUR,
            changes={"exp": int(time.time()) + HOUR},
        ),
        401,
        "unauthenticated",
    ),
    (
        "wrong-issuer",
        lambda w: w.id_token(issuer="https://evil.example.com"),
        401,
        "unauthenticated",
    ),
    (
        "wrong-audience",
        lambda w: w.google.mint_id_token(RECRUITER, "other-app.apps.googleusercontent.com"),
        401,
        "unauthenticated",
    ),
    (
        "expired",
        lambda w: w.id_token(issued_at=int(time.time()) - 2 * HOUR, expires_in=HOUR),
        401,
        "unauthenticated",
    ),
    (
        "issued-in-the-future",
        lambda w: w.id_token(issued_at=int(time.time()) + HOUR),
        401,
        "unauthenticated",
    ),
    ("email-unverified", lambda w: w.id_token(email_verified=False), 401, "unauthenticated"),
    ("no-email", lambda w: w.id_token(extra={"email": None}), 401, "unauthenticated"),
    ("not-a-jwt", lambda w: "not.a.token", 401, "unauthenticated"),
    ("huge", lambda w: "e" * 8_000, 401, "unauthenticated"),
    (
        "not-allowed",
        lambda w: w.id_token("mallory@elsewhere.example"),
        403,
        "user_not_allowed",
    ),
    (
        "lookalike-suffix",
        lambda w: w.id_token("a@hr.example.com.evil.com"),
        403,
        "user_not_allowed",
    ),
    ("lookalike-prefix", lambda w: w.id_token("a@evilhr.example.com"), 403, "user_not_allowed"),
    ("subdomain", lambda w: w.id_token("a@sub.hr.example.com"), 403, "user_not_allowed"),
    (
        "allowed-address-as-local-part",
        lambda w: w.id_token('"recruiter@example.com"@evil.com'),
        403,
        "user_not_allowed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mint", "status", "code"),
    [pytest.param(mint, status, code, id=name) for name, mint, status, code in REFUSED_ID_TOKENS],
)
def test_refused_id_token_touches_nothing(
    guarded: Guarded, mint: Minter, status: int, code: str
) -> None:
    spreadsheet_id = guarded.new_sheet()
    before = guarded.world.sheets.values(spreadsheet_id, TAB)
    response = guarded.call(spreadsheet_id, guarded.traffic.secret(mint(guarded.world)))
    _error(response, status, code)
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0
    assert guarded.world.sheets.values(spreadsheet_id, TAB) == before


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "bearer", "Token abc.def.ghi"],
)
def test_missing_or_malformed_authorization_is_401(
    guarded: Guarded, authorization: str | None
) -> None:
    spreadsheet_id = guarded.new_sheet()
    headers = {"X-Sheets-Access-Token": RECRUITER_TOKEN}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = {"spreadsheet_id": spreadsheet_id, "sheet_id": 0, "ranges": ["A2"], "type": "url",
            "interview_id": INTERVIEW_ID}  # fmt: skip
    response = httpx.post(guarded.function.url, json=body, headers=headers, timeout=60.0)
    guarded.traffic.answers.append(response.text)
    _error(response, 401, "unauthenticated")
    assert guarded.sheets_requests(spreadsheet_id) == 0
    assert guarded.world.jobmojito.calls == []


def test_allowed_domain_is_matched_case_insensitively(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet()
    response = guarded.call(spreadsheet_id, guarded.id_token("Coordinator@HR.Example.COM"),
                            dry_run=True)  # fmt: skip
    assert response.status_code == 200, response.text


def test_token_signed_with_a_rotated_key_is_accepted(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet()
    google = guarded.world.google
    assert guarded.call(spreadsheet_id, guarded.id_token(), dry_run=True).status_code == 200
    fetches = google.cert_fetches
    google.rotate_key(keep_previous=True)
    response = guarded.call(spreadsheet_id, guarded.id_token(), dry_run=True)
    assert response.status_code == 200, response.text
    assert google.cert_fetches == fetches + 1  # fetched again for the unknown kid, once
    again = guarded.call(spreadsheet_id, guarded.id_token(), dry_run=True)
    assert again.status_code == 200 and google.cert_fetches == fetches + 1


def test_foreign_key_with_an_unknown_kid_is_still_refused(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet()
    forged = guarded.world.google.mint_with_foreign_key(RECRUITER, CLIENT_ID)
    guarded.world.google.rotate_key(keep_previous=True)  # the forgery's kid is now a real old one
    _error(guarded.call(spreadsheet_id, forged), 401, "unauthenticated")
    assert guarded.sheets_requests(spreadsheet_id) == 0


# -- the caller's Sheets access ----------------------------------------------------------------


def test_sheet_the_caller_cannot_open_is_403_and_unwritten(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet(tokens=(OUTSIDER_TOKEN,))
    before = guarded.world.sheets.values(spreadsheet_id, TAB)
    message = _error(guarded.call(spreadsheet_id, guarded.id_token()), 403, "sheet_access_denied")
    assert "edit access" in message
    assert guarded.world.jobmojito.calls == []
    assert guarded.world.sheets.values(spreadsheet_id, TAB) == before
    assert guarded.sheets_requests(spreadsheet_id, "values.batchUpdate") == 0
    assert guarded.sheets_requests(spreadsheet_id, "spreadsheets.batchUpdate") == 0


def test_access_token_google_rejects_is_401_and_unwritten(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet()
    before = guarded.world.sheets.values(spreadsheet_id, TAB)
    response = guarded.call(spreadsheet_id, guarded.id_token(), access_token="ya29.unknown")
    _error(response, 401, "sheets_token_rejected")
    assert guarded.world.jobmojito.calls == []
    assert guarded.world.sheets.values(spreadsheet_id, TAB) == before


# -- nothing leaks -----------------------------------------------------------------------------


def test_no_credential_in_logs_answers_or_cells(
    guarded: Guarded, process_log: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # A full run that writes, a refused caller, a refused access token and a forbidden sheet,
    # so the search below has something to search even when this test runs alone.
    spreadsheet_id = guarded.new_sheet()
    full = guarded.call(spreadsheet_id, guarded.id_token())
    assert full.status_code == 200, full.text
    assert guarded.world.jobmojito.calls, "the full run must have reached JobMojito"
    guarded.call(spreadsheet_id, guarded.id_token("mallory@elsewhere.example"))
    guarded.call(spreadsheet_id, guarded.id_token(), access_token="ya29.unknown-leak-probe")
    guarded.call(guarded.new_sheet(tokens=(OUTSIDER_TOKEN,)), guarded.id_token())
    time.sleep(0.5)  # let the function's log file catch up

    secrets = guarded.traffic.secrets
    jobmojito_token = guarded.world.function_env()["JOBMOJITO_API_TOKEN"]
    assert {RECRUITER_TOKEN, "ya29.unknown-leak-probe", jobmojito_token} <= secrets
    function_log = guarded.function.logs()
    assert "request refused" in function_log  # the log is the file's, and it is written
    places = {
        "function log": function_log,
        "pytest log records": "\n".join(process_log),
        "caplog": caplog.text,
        "answers": "\n".join(guarded.traffic.answers),
        "sheet cells": "\n".join(
            cell
            for sid in sorted(guarded.traffic.spreadsheets)
            for row in guarded.world.sheets.values(sid, TAB)
            for cell in map(str, row)
        ),
    }
    leaks = [
        f"{secret[:12]}... in {place}"
        for secret in sorted(secrets)
        for place, text in places.items()
        if secret in text
    ]
    assert leaks == []
