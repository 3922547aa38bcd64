"""Who may call, and that no credential ever leaks into a log, an answer or a Sheet cell.

Every test here talks to one function process started for this file only, so its log file
holds exactly this file's traffic; the last test searches that log (and the pytest process's
own log records) for every token this file used.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sandbox.google_identity import GoogleIdentityStandIn
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
        body = {name: value for name, value in body.items() if value is not None}
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


def _body(spreadsheet_id: str, **fields: Any) -> dict[str, Any]:
    return {"spreadsheet_id": spreadsheet_id, "sheet_id": TAB_GID, "ranges": ["A2:B13"],
            "type": "url", "interview_id": INTERVIEW_ID, **fields}  # fmt: skip


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


def _person(guarded: Guarded, email: str, *, client_id: str = CLIENT_ID) -> str:
    """A Google account's own Sheets access token (issued to `client_id`)."""
    token = guarded.traffic.secret(f"ya29.sandbox-{next(_ids):04d}-{email.split('@')[0]}")
    guarded.world.google.register_access_token(token, email, client_id)
    guarded.world.sheets.set_token_owner(token, email)
    return token


def test_allowed_domain_is_matched_case_insensitively(guarded: Guarded) -> None:
    colleague = "Coordinator@HR.Example.COM"
    access = _person(guarded, colleague.lower())
    spreadsheet_id = guarded.new_sheet(tokens=(access,))
    id_token = guarded.id_token(colleague, extra={"hd": "hr.example.com"})
    response = guarded.call(spreadsheet_id, id_token, access_token=access, dry_run=True)
    assert response.status_code == 200, response.text


def test_domain_entry_refuses_a_consumer_account_with_the_company_address(
    guarded: Guarded,
) -> None:
    # Anyone can make a Google account for ann@hr.example.com (it has no `hd`); only the
    # company's Workspace account carries hd=hr.example.com.
    access = _person(guarded, "ann@hr.example.com")
    spreadsheet_id = guarded.new_sheet(tokens=(access,))
    for hd in (None, "gmail.com", "evil.example"):
        extra = {} if hd is None else {"hd": hd}
        id_token = guarded.id_token("ann@hr.example.com", extra=extra)
        message = _error(guarded.call(spreadsheet_id, id_token, access_token=access), 403,
                         "user_not_allowed")  # fmt: skip
        assert "ann@hr.example.com" in message
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0


def test_explicit_address_needs_no_hd(guarded: Guarded) -> None:
    spreadsheet_id = guarded.new_sheet()
    response = guarded.call(spreadsheet_id, guarded.id_token(), dry_run=True)  # no hd claim
    assert response.status_code == 200, response.text


# -- the two tokens belong to one person ---------------------------------------------------


def test_a_collected_id_token_with_the_collectors_own_sheets_token_spends_nothing(
    guarded: Guarded,
) -> None:
    # Mallory edits the bound script and collects the recruiter's ID token when she runs the
    # menu. Mallory is not in ALLOWED_USERS; with her own Sheets token (the sheet is shared
    # with her) and the recruiter's ID token she tries to send invitations.
    mallory = "mallory@elsewhere.example"
    mallory_access = _person(guarded, mallory)
    spreadsheet_id = guarded.new_sheet(tokens=(mallory_access,))
    before = guarded.world.sheets.values(spreadsheet_id, TAB)
    credits = len(guarded.world.jobmojito.credits)
    collected = guarded.id_token()  # the recruiter's, genuine and allowed
    response = guarded.call(spreadsheet_id, collected, access_token=mallory_access)
    message = _error(response, 403, "token_mismatch")
    assert "does not belong" in message
    assert len(guarded.world.jobmojito.credits) == credits
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0
    assert guarded.world.sheets.values(spreadsheet_id, TAB) == before
    # Her own ID token with her own Sheets token: not allowed, as before.
    own = guarded.call(spreadsheet_id, guarded.id_token(mallory), access_token=mallory_access)
    _error(own, 403, "user_not_allowed")
    assert len(guarded.world.jobmojito.credits) == credits


def test_the_recruiters_sheets_token_with_someone_elses_id_token_is_refused(
    guarded: Guarded,
) -> None:
    colleague = guarded.id_token("coordinator@hr.example.com", extra={"hd": "hr.example.com"})
    spreadsheet_id = guarded.new_sheet()
    _error(guarded.call(spreadsheet_id, colleague), 403, "token_mismatch")
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0


def test_a_sheets_token_issued_to_another_app_is_refused(guarded: Guarded) -> None:
    other_app = _person(guarded, RECRUITER, client_id="999-other-app.apps.googleusercontent.com")
    spreadsheet_id = guarded.new_sheet(tokens=(other_app,))
    _error(guarded.call(spreadsheet_id, guarded.id_token(), access_token=other_app), 403,
           "token_mismatch")  # fmt: skip
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0


def test_a_revoked_sheets_token_is_401(guarded: Guarded) -> None:
    revoked = _person(guarded, RECRUITER)
    guarded.world.google.revoke_access_token(revoked)
    spreadsheet_id = guarded.new_sheet(tokens=(revoked,))
    _error(guarded.call(spreadsheet_id, guarded.id_token(), access_token=revoked), 401,
           "sheets_token_rejected")  # fmt: skip
    assert guarded.sheets_requests(spreadsheet_id) == 0


def test_tokeninfo_unreachable_is_503_and_touches_nothing(guarded: Guarded) -> None:
    fresh = _person(guarded, RECRUITER)  # not yet known to the function: it must ask Google
    spreadsheet_id = guarded.new_sheet(tokens=(fresh,))
    guarded.world.google.tokeninfo_failure = 503
    try:
        response = guarded.call(spreadsheet_id, guarded.id_token(), access_token=fresh)
    finally:
        guarded.world.google.tokeninfo_failure = None
    _error(response, 503, "google_certs_unavailable")
    assert guarded.world.jobmojito.calls == []
    assert guarded.sheets_requests(spreadsheet_id) == 0
    again = guarded.call(spreadsheet_id, guarded.id_token(), access_token=fresh, dry_run=True)
    assert again.status_code == 200, again.text


def test_a_sheets_token_is_checked_once_while_it_lives(guarded: Guarded) -> None:
    token = _person(guarded, RECRUITER)
    spreadsheet_id = guarded.new_sheet(tokens=(token,))
    before = guarded.world.google.tokeninfo_calls
    for _ in range(3):
        response = guarded.call(spreadsheet_id, guarded.id_token(), access_token=token,
                                dry_run=True)  # fmt: skip
        assert response.status_code == 200, response.text
    assert guarded.world.google.tokeninfo_calls == before + 1


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


def test_a_hundred_tokens_with_an_unknown_kid_fetch_the_certificates_at_most_once(
    guarded: Guarded,
) -> None:
    # A function of its own: after a made-up kid it waits a minute before fetching again,
    # which must not hold up the rotations the other tests make.
    world = guarded.world
    spreadsheet_id = guarded.new_sheet()
    with FunctionProcess(world.function_env()) as function:
        warm = invite(function.url, _body(spreadsheet_id, dry_run=True), id_token=world.id_token())
        assert warm.status_code == 200, warm.text
        reads = guarded.sheets_requests(spreadsheet_id)
        stranger = GoogleIdentityStandIn()  # signs with a key (and kid) Google never served
        forged = guarded.traffic.secret(stranger.mint_id_token(RECRUITER, CLIENT_ID))
        fetches = world.google.cert_fetches
        for _ in range(100):
            response = invite(function.url, _body(spreadsheet_id), id_token=forged)
            _error(response, 401, "unauthenticated")
        assert world.google.cert_fetches - fetches <= 1
        assert guarded.sheets_requests(spreadsheet_id) == reads
        assert world.jobmojito.calls == []


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


# -- logs --------------------------------------------------------------------------------------

FORGED = '\n{"severity": "CRITICAL", "message": "forged entry", "caller": "admin@example.com"}\r\n'


def test_each_log_entry_is_one_line_of_json_whatever_the_request_holds(
    guarded: Guarded,
) -> None:
    spreadsheet_id = guarded.new_sheet()
    start = len(guarded.function.logs())
    calls = [
        # A tab title that tries to end the line and start a forged entry.
        guarded.call(spreadsheet_id, guarded.id_token(), sheet_id=None, sheet="Tab" + FORGED),
        # The same in the ID token's email (a quoted local part may hold a newline).
        guarded.call(spreadsheet_id, guarded.id_token(f'"x{FORGED}"@elsewhere.example')),
        guarded.call(spreadsheet_id, guarded.id_token(), interview_id="x\r\nX-Evil: 1"),
        guarded.call(spreadsheet_id, guarded.id_token(), dry_run=True),
        guarded.call(spreadsheet_id, guarded.id_token()),
    ]
    assert [c.status_code for c in calls] == [404, 403, 400, 200, 200], [c.text for c in calls]
    time.sleep(0.5)  # let the function's log file catch up
    lines = guarded.function.logs()[start:].splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(isinstance(e, dict) and e.get("severity") and e.get("message") for e in entries)
    assert [e["message"] for e in entries] == ["request refused"] * 3 + ["run finished"] * 2
    assert [e["severity"] for e in entries] == ["WARNING"] * 3 + ["INFO"] * 2
    assert "forged entry" not in {e["message"] for e in entries}
    assert entries[0]["reason"].count("forged entry") == 1  # kept, as a value
    run = entries[-1]
    assert run["caller"] == RECRUITER and run["spreadsheet_id"] == spreadsheet_id
    assert run["tab"] == TAB_GID and run["force"] is False and run["dry_run"] is False
    assert run["statuses"]["ok"] == run["summary"]["ok"] > 0
    assert sum(run["statuses"].values()) == run["summary"]["selected"]
    joined = "\n".join(lines)
    assert all(secret not in joined for secret in guarded.traffic.secrets)


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
    assert all(json.loads(line)["severity"] for line in function_log.splitlines())
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
