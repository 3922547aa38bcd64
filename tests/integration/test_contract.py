"""Section 1-3 of the contract, over real HTTP: the answer's shape and every error status."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from sandbox.world import (
    CLIENT_ID,
    OUTSIDER_TOKEN,
    RECRUITER,
    RECRUITER_TOKEN,
    FunctionProcess,
    Sandbox,
    free_port,
    invite,
)
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error"}
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    assert message and "Traceback" not in message
    return message


def test_answer_lists_each_selected_row_once_in_sheet_order(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()
    response = sheet.call(function, ["A4:B5", "B2:C3", "4:4", "D13"])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [r["row"] for r in answer["rows"]] == [2, 3, 4, 5, 13]
    assert set(answer["summary"]) >= {"selected", "sent", "ok", "errors", "skipped"}
    assert all(isinstance(v, int) for v in answer["summary"].values())
    assert answer["summary"]["selected"] == 5
    assert answer["columns"] == {"interview_url": "E", "result": "F", "profile_interview_id": "G"}
    ada = answer["rows"][0]
    assert ada["email"] == "ada.lovelace@example.com"
    assert ada["result"] == "ok" and ada["interview_url"].startswith("https://")
    assert sheet.values()[1][4] == ada["interview_url"]


def test_header_row_is_ignored_when_selected(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()
    answer = sheet.call(function, ["1:2"], dry_run=True).json()
    assert [r["row"] for r in answer["rows"]] == [2]


def test_tab_can_be_named_by_title(function: FunctionProcess, new_sheet: NewSheet) -> None:
    sheet = new_sheet()
    body = sheet.body(["A2"], dry_run=True)
    del body["sheet_id"]
    body["sheet"] = sheet.title
    response = invite(function.url, body, id_token=sheet.world.id_token())
    assert response.status_code == 200, response.text


def test_dry_run_sends_nothing_and_writes_nothing(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    before = sheet.values()
    answer = sheet.call(function, ["A2:B13"], dry_run=True).json()
    assert answer["dry_run"] is True
    assert answer["summary"]["sent"] == 8  # what would be sent
    assert answer["summary"]["skipped"] == 2 and answer["summary"]["errors"] == 2
    assert {r["result"] for r in answer["rows"]} >= {"Would send", "Skipped: already registered"}
    assert world.jobmojito.calls == []
    assert sheet.values() == before
    assert sheet.requests("values.batchUpdate") == 0


def test_malformed_bodies_are_400_naming_the_field(
    function: FunctionProcess, world: Sandbox
) -> None:
    token = world.id_token()
    headers = {"Authorization": f"Bearer {token}", "X-Sheets-Access-Token": RECRUITER_TOKEN}
    not_json = httpx.post(function.url, content=b"{nope", headers=headers)
    assert "JSON" in _error(not_json, 400, "invalid_request")
    missing = invite(function.url, {"spreadsheet_id": "x", "sheet_id": 0}, id_token=token)
    assert "'ranges'" in _error(missing, 400, "invalid_request")
    wrong = invite(
        function.url,
        {
            "spreadsheet_id": "x",
            "sheet_id": 0,
            "ranges": ["A1"],
            "type": "sms",
            "interview_id": "i",
        },
        id_token=token,
    )
    assert "'type'" in _error(wrong, 400, "invalid_request")


def test_get_is_refused(function: FunctionProcess) -> None:
    _error(httpx.get(function.url), 405, "method_not_allowed")


def test_missing_invalid_or_expired_id_token_is_401(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    body = sheet.body(["A2"])
    _error(invite(function.url, body, id_token=None), 401, "unauthenticated")
    _error(invite(function.url, body, id_token="not.a.token"), 401, "unauthenticated")
    expired = world.id_token(issued_at=int(time.time()) - 7200, expires_in=3600)
    _error(invite(function.url, body, id_token=expired), 401, "unauthenticated")
    forged = world.google.mint_with_foreign_key(RECRUITER, CLIENT_ID)
    _error(invite(function.url, body, id_token=forged), 401, "unauthenticated")
    other_app = world.google.mint_id_token(RECRUITER, "someone-else.apps.googleusercontent.com")
    _error(invite(function.url, body, id_token=other_app), 401, "unauthenticated")
    unverified = world.id_token(email_verified=False)
    _error(invite(function.url, body, id_token=unverified), 401, "unauthenticated")
    assert world.jobmojito.calls == []


def test_caller_not_allowed_is_403(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    stranger = world.id_token("mallory@elsewhere.example")
    message = _error(sheet.call(function, ["A2"], token=stranger), 403, "user_not_allowed")
    assert "ask your admin" in message
    assert world.jobmojito.calls == []


def test_domain_entry_allows_its_users(function: FunctionProcess, new_sheet: NewSheet) -> None:
    access = "ya29.sandbox-coordinator-access-token"  # her own Sheets access, from our script
    sheet = new_sheet(tokens=(access,))
    sheet.world.google.register_access_token(access, "coordinator@hr.example.com", CLIENT_ID)
    # An account of the hr.example.com Workspace: its ID token carries hd=hr.example.com.
    colleague = sheet.world.id_token("coordinator@hr.example.com", extra={"hd": "hr.example.com"})
    body = sheet.body(["A2"], dry_run=True)
    response = invite(function.url, body, id_token=colleague, access_token=access)
    assert response.status_code == 200, response.text


def test_sheet_the_caller_cannot_open_is_403(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    world.sheets.add_spreadsheet("1OtherPeoplesSheet", tokens=[OUTSIDER_TOKEN])
    body = sheet.body(["A2"], spreadsheet_id="1OtherPeoplesSheet")
    response = invite(function.url, body, id_token=world.id_token())
    _error(response, 403, "sheet_access_denied")


def test_unknown_spreadsheet_or_tab_is_404(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    body = sheet.body(["A2"], spreadsheet_id="1NoSuchSpreadsheet")
    _error(invite(function.url, body, id_token=world.id_token()), 404, "spreadsheet_not_found")
    _error(sheet.call(function, ["A2"], sheet_id=987654), 404, "sheet_not_found")


def test_selection_over_the_row_limit_is_413(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(MAX_ROWS="5")
    sheet = new_sheet()
    message = _error(sheet.call(function, ["A2:B13"]), 413, "too_many_rows")
    assert "5" in message
    assert world.jobmojito.calls == []
    assert sheet.call(function, ["A2:B6"], dry_run=True).status_code == 200


def test_jobmojito_unreachable_is_502_and_marks_nothing(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet
) -> None:
    function = start_function(JOBMOJITO_API_URL=f"http://127.0.0.1:{free_port()}")
    sheet = new_sheet()
    before = sheet.values()
    _error(sheet.call(function, ["A2:B13"]), 502, "jobmojito_unreachable")
    assert [row[:6] for row in sheet.values()] == [row[:6] for row in before]


def test_rejected_jobmojito_credentials_are_502_naming_where_to_fix(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(JOBMOJITO_API_TOKEN="revoked-token")
    sheet = new_sheet()
    before = sheet.values()
    message = _error(sheet.call(function, ["A2:B13"]), 502, "jobmojito_credentials_rejected")
    assert "JOBMOJITO_API_TOKEN" in message and "Secret Manager" in message
    assert "revoked-token" not in message
    assert world.jobmojito.credits == []
    # Rows never sent stay unmarked.
    assert [row[4:6] for row in sheet.values()[1:]] == [row[4:6] for row in before[1:]]


def test_missing_configuration_names_the_variable(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet
) -> None:
    function = start_function(ALLOWED_AUDIENCES="")
    sheet = new_sheet()
    message = _error(sheet.call(function, ["A2"]), 500, "configuration_error")
    assert "ALLOWED_AUDIENCES" in message


def test_no_secret_in_logs_or_answers(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    token = world.id_token()
    answer = sheet.call(function, ["A2:B13"], token=token)
    secrets = [token, RECRUITER_TOKEN, world.function_env()["JOBMOJITO_API_TOKEN"]]
    for secret in secrets:
        assert secret not in answer.text
        assert secret not in function.logs()
        assert all(secret not in cell for row in sheet.values() for cell in row)


def _log_lines(function: FunctionProcess, message: str, wait: float = 10.0) -> list[str]:
    deadline = time.monotonic() + wait
    while True:
        lines = [line for line in function.logs().splitlines() if f'"{message}"' in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_a_new_instance_gets_ready_before_its_first_request(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet
) -> None:
    function = start_function()  # functions-framework's gunicorn: the worker is forked
    assert len(_log_lines(function, "instance ready")) == 1
    assert '"run finished"' not in function.logs()  # no call was made yet
    sheet = new_sheet()
    assert sheet.call(function, ["A2:B13"]).status_code == 200


def test_a_bad_configuration_is_still_reported_by_the_first_request_not_the_warm_up(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet
) -> None:
    function = start_function(ALLOWED_AUDIENCES="")
    assert len(_log_lines(function, "warm-up stopped early")) == 1
    message = _error(new_sheet().call(function, ["A2"]), 500, "configuration_error")
    assert "ALLOWED_AUDIENCES" in message
