"""Bad requests get a clear 4xx and change nothing; odd cell content is not a bad request."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sandbox.world import (
    RECRUITER_TOKEN,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    invite,
)
from tests.integration import conftest as integration
from tests.integration.conftest import SheetUnderTest

# The integration suite's fixtures (bound by assignment, so parameters may share their names).
world = integration.world
function = integration.function
new_sheet = integration.new_sheet

NewSheet = Callable[..., SheetUnderTest]


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:2000]
    body = response.json()
    assert set(body) >= {"error"}
    assert body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    assert message and "Traceback" not in message and "Traceback" not in response.text
    return message


def _post_raw(function: FunctionProcess, world: Sandbox, content: bytes) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {world.id_token()}",
        "X-Sheets-Access-Token": RECRUITER_TOKEN,
        "Content-Type": "application/json",
    }
    return httpx.post(function.url, content=content, headers=headers, timeout=60.0)


@pytest.fixture
def sheet(new_sheet: NewSheet, world: Sandbox) -> Iterator[SheetUnderTest]:
    """A fresh demo sheet; after the test, it must be exactly as it was and never sent."""
    made = new_sheet()
    before = made.values()
    yield made
    assert made.values() == before
    assert world.jobmojito.calls == []
    assert made.requests("values.batchUpdate") == 0
    assert made.requests("spreadsheets.batchUpdate") == 0


# -- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{nope", id="not-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(b"[]", id="json-array"),
        pytest.param(b'["spreadsheet_id", "ranges"]', id="json-array-of-names"),
        pytest.param(b'"a string"', id="json-string"),
        pytest.param(b"null", id="json-null"),
        pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, id="deep-objects"),
        pytest.param(b"[" * 100_000, id="deep-arrays"),
    ],
)
def test_body_that_is_not_a_json_object_is_400(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
    content: bytes,
) -> None:
    message = _error(_post_raw(function, world, content), 400, "invalid_request")
    assert "JSON object" in message


def test_body_over_1_mb_is_413(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
) -> None:
    body = sheet.body(["A2"], padding="x" * 1_100_000)
    response = _post_raw(function, world, json.dumps(body).encode())
    assert "1 MB" in _error(response, 413, "body_too_large")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sheet_id", "0"),
        ("sheet_id", -1),
        ("sheet_id", 1.5),
        ("ranges", "A2"),
        ("ranges", []),
        ("ranges", [2]),
        ("type", "email"),
        ("hide_menu", "yes"),
        ("dry_run", "false"),
        ("force", 1),
        ("spreadsheet_id", 42),
        ("spreadsheet_id", ""),
        ("interview_id", None),
        ("spreadsheet_id", "1" * 10_000),
        ("interview_id", "i" * 10_000),
        ("interview_id", "not-a-uuid"),
        ("interview_id", "04e09fa5-3fb8-4236-b37d-fca2bcd1cb6\u0007"),
        ("ranges", ["A" * 10_000]),
        ("ranges", ["A2", "B" * 10_000]),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_field_of_the_wrong_type_or_size_is_400_naming_it(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
    field: str,
    value: Any,
) -> None:
    body = {**sheet.body(["A2"]), field: value}
    response = invite(function.url, body, id_token=world.id_token())
    message = _error(response, 400, "invalid_request")
    assert f"'{field}'" in message
    assert len(message) < 300  # the oversized value is not echoed back


def test_an_interview_id_that_is_not_a_uuid_is_refused_before_any_call(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
) -> None:
    before = len(world.sheets.requests)
    body = {**sheet.body(["A2"]), "interview_id": "04e09fa5-3fb8-4236\r\nX-Evil: 1"}
    message = _error(invite(function.url, body, id_token=world.id_token()), 400, "invalid_request")
    assert "'interview_id'" in message and "UUID" in message
    assert len(world.sheets.requests) == before  # not even a read


@pytest.mark.parametrize(
    "spreadsheet_id",
    [
        "1SandboxCandidateList/values/A1",  # a path in the Sheets API's URL
        "../1SandboxCandidateList",
        "1SandboxCandidateList?fields=*",
        "1SandboxCandidateList%2F..",
        "1SandboxCandidateList\n",
        "1Sandbox CandidateList",
        "1SandboxCandidateListé",
        "x" * 129,
    ],
    ids=lambda v: repr(v)[:24],
)
def test_spreadsheet_id_outside_googles_alphabet_is_400_before_any_call(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
    spreadsheet_id: str,
) -> None:
    before = len(world.sheets.requests)
    body = {**sheet.body(["A2"]), "spreadsheet_id": spreadsheet_id}
    message = _error(invite(function.url, body, id_token=world.id_token()), 400, "invalid_request")
    assert "'spreadsheet_id'" in message and "letters, digits" in message
    assert len(world.sheets.requests) == before  # not even the tab's properties


def test_overlong_tab_title_is_400_naming_it(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
) -> None:
    body = sheet.body(["A2"], sheet="T" * 10_000)
    del body["sheet_id"]
    message = _error(invite(function.url, body, id_token=world.id_token()), 400, "invalid_request")
    assert "'sheet'" in message and len(message) < 300


def test_a_hundred_thousand_ranges_are_refused(
    function: FunctionProcess,
    sheet: SheetUnderTest,
) -> None:
    response = sheet.call(function, ["A2"] * 100_000)
    assert response.status_code in (400, 413), response.text[:2000]
    message = _error(response, response.status_code, response.json()["error"]["code"])
    if response.status_code == 400:
        assert "'ranges'" in message


def test_unknown_fields_are_ignored(
    function: FunctionProcess,
    sheet: SheetUnderTest,
) -> None:
    response = sheet.call(function, ["A2:B4"], dry_run=True, colour="blue", extra={"x": [1]})
    assert response.status_code == 200, response.text
    assert [r["row"] for r in response.json()["rows"]] == [2, 3, 4]


# -- selections and tabs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_range",
    ["A", "Sheet1!A1:B2", "A1:B2:C3", "💥", "A0", "A2:B999999", "A2:ZZ3", "14:14"],
)
def test_range_that_does_not_parse_or_leaves_the_grid_is_400(
    function: FunctionProcess,
    sheet: SheetUnderTest,
    bad_range: str,
) -> None:
    message = _error(sheet.call(function, ["A2", bad_range]), 400, "invalid_range")
    assert repr(bad_range) in message or bad_range in message


def test_tab_without_an_email_header_is_400(
    function: FunctionProcess,
    new_sheet: NewSheet,
    world: Sandbox,
) -> None:
    sheet = new_sheet([["Name", "Phone"], ["Ann Lee", "555-0100"], ["Bob Roe", "555-0101"]])
    before = sheet.values()
    message = _error(sheet.call(function, ["A2:B3"]), 400, "no_email_column")
    assert "Email" in message
    assert sheet.values() == before
    assert world.jobmojito.calls == []
    assert sheet.requests("values.batchUpdate") == 0


def test_tens_of_thousands_of_rows_is_413(
    function: FunctionProcess,
    world: Sandbox,
) -> None:
    world.jobmojito.reset()
    spreadsheet_id = "1FaultsBigTab"
    rows = [["Name", "Email"]] + [[f"Person {i}", f"p{i}@example.com"] for i in range(2, 200)]
    world.sheets.add_spreadsheet(spreadsheet_id, tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet(spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows, row_count=60_000)
    sheet = SheetUnderTest(world, spreadsheet_id)
    before = sheet.values()
    message = _error(sheet.call(function, ["2:60000"]), 413, "too_many_rows")
    assert "5000" in message and "select fewer" in message
    assert sheet.values() == before
    assert world.jobmojito.calls == []
    assert sheet.requests("values.batchUpdate") == 0
    assert sheet.requests("values.batchGet") == 0  # refused before reading 60,000 rows


# -- the Sheets access token -----------------------------------------------------------------


def test_access_token_google_does_not_accept_is_401(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
) -> None:
    body = sheet.body(["A2:B13"])
    response = invite(function.url, body, id_token=world.id_token(), access_token="ya29.unknown")
    message = _error(response, 401, "sheets_token_rejected")
    assert "ya29.unknown" not in response.text
    assert "reload" in message


@pytest.mark.parametrize("access_token", [None, "", "t" * 5000])
def test_missing_or_absurd_access_token_is_401(
    function: FunctionProcess,
    world: Sandbox,
    sheet: SheetUnderTest,
    access_token: str | None,
) -> None:
    body = sheet.body(["A2:B13"])
    response = invite(function.url, body, id_token=world.id_token(), access_token=access_token)
    _error(response, 401, "sheets_token_rejected")


# -- odd cell content is not a bad request ---------------------------------------------------

ODD_ROWS = [
    ["Name", "Email"],
    ["Ann\x07 Lee", "ann@example.com"],
    ["L" * 200, "long.name@example.com"],
    ["مريم الحسن", "maryam@example.com"],
    ["👩\u200d💻 Zed\u200dJoiner", "zwj@example.com"],
    ["Bob Roe", "bob@@example.com"],
    ["  Carl Spaces\t ", "  carl@example.com "],
    ["Tab\tIn Middle", "tab@example.com"],
    ["Line\r\nBreak", "lines@example.com"],
    ["\u202eRight\u202c To\u2066Left\u2069", "bidi@example.com"],
    ["Zero\u200bWidth\ufeff", "zero@example.com"],
    ["L" * 201, "too.long@example.com"],
    ["N" * 50_000, "huge.name@example.com"],
    ["Huge Email", "e" * 50_000 + "@example.com"],
]
# What JobMojito gets for each sendable row: control and format characters gone (the zero-width
# joiner kept), whitespace collapsed, the email normalised.
SENT = {
    2: ("Ann Lee", "ann@example.com"),
    3: ("L" * 200, "long.name@example.com"),
    4: ("مريم الحسن", "maryam@example.com"),
    5: ("👩\u200d💻 Zed\u200dJoiner", "zwj@example.com"),
    7: ("Carl Spaces", "carl@example.com"),
    8: ("Tab In Middle", "tab@example.com"),
    9: ("Line Break", "lines@example.com"),
    10: ("Right ToLeft", "bidi@example.com"),
    11: ("ZeroWidth", "zero@example.com"),
}


def test_odd_cells_are_handled_row_by_row(
    function: FunctionProcess,
    new_sheet: NewSheet,
    world: Sandbox,
) -> None:
    sheet = new_sheet([list(row) for row in ODD_ROWS])
    response = sheet.call(function, [f"A2:B{len(ODD_ROWS)}"])
    assert response.status_code == 200, response.text[:2000]
    results = {r["row"]: r["result"] for r in response.json()["rows"]}
    assert results[6].startswith("Error: invalid email address"), results[6]
    assert results[12] == results[13] == "Error: name is too long (over 200 characters)"
    assert results[14] == "Error: email is too long (over 1000 characters)"
    assert {row: result for row, result in results.items() if row in SENT} == dict.fromkeys(
        SENT, "ok"
    )
    assert len(world.jobmojito.calls) == 1
    users = world.jobmojito.calls[-1].json["users"]
    assert [(u["name"], u["email"]) for u in users] == list(SENT.values())
    values = sheet.values()
    assert any(cell.startswith("Error: invalid email address") for cell in values[5])
    # The candidates' own cells are untouched: the Sheet keeps what the recruiter typed.
    assert [row[:2] for row in values] == [row[:2] for row in ODD_ROWS]
    assert len(response.text) < 100_000  # a 50,000-character cell is not echoed back


NFD_JOSE = unicodedata.normalize("NFD", "josé")
NFC_JOSE = unicodedata.normalize("NFC", "josé")


def test_spellings_of_one_mailbox_are_one_candidate_sent_normalised(
    function: FunctionProcess,
    new_sheet: NewSheet,
    world: Sandbox,
) -> None:
    rows = [
        ["Name", "Email"],
        ["José A", f"{NFD_JOSE}@bücher.example"],  # decomposed é, Unicode domain
        ["José B", f"{NFC_JOSE}@xn--bcher-kva.example"],  # composed é, punycode domain
        ["José C", f"{NFC_JOSE.upper()}@BÜCHER.EXAMPLE"],
        ["Ann", "Ann@Example.COM"],
        ["Ann again", "ann@example.com"],
    ]
    sheet = new_sheet(rows)
    response = sheet.call(function, ["A2:B6"])
    assert response.status_code == 200, response.text[:2000]
    answer = {r["row"]: r for r in response.json()["rows"]}
    assert answer[2]["status"] == "ok" and answer[5]["status"] == "ok"
    assert answer[3]["result"] == answer[4]["result"] == "Skipped: duplicate of row 2"
    assert answer[6]["result"] == "Skipped: duplicate of row 5"
    users = [u for call in world.jobmojito.calls for u in call.json["users"]]
    assert [u["email"] for u in users] == [f"{NFC_JOSE}@bücher.example", "Ann@example.com"]
    assert world.jobmojito.credits_by_email() == {
        f"{NFC_JOSE}@bücher.example": 1,
        "ann@example.com": 1,
    }
    # The results map back to the rows by the normalised email, and the typed text stays.
    values = sheet.values()
    assert values[1][0:2] == rows[1] and values[1][3] == "ok"
    assert values[4][0:2] == rows[4] and values[4][3] == "ok"
    assert answer[2]["email"] == rows[1][1]  # the answer names the row as the Sheet has it
    again = sheet.call(function, ["A2:B6"])  # a second run sends nobody again
    assert again.status_code == 200, again.text[:2000]
    assert world.jobmojito.credits_by_email() == {
        f"{NFC_JOSE}@bücher.example": 1,
        "ann@example.com": 1,
    }
