"""The Sheets API stand-in's own rules: auth errors, grid limits, input options, trimming,
request recording and injected faults, exercised over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import requests

from sandbox.server import LoopbackServer
from sandbox.sheets_api import SheetsStandIn

SID = "sheet-under-test"
TOKEN = "good-token"
OTHER = "other-token"
MISSING = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


@dataclass
class Api:
    """A running stand-in plus a tiny client for it."""

    standin: SheetsStandIn
    server: LoopbackServer
    token: str = TOKEN

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.request(
            method,
            f"{self.server.url}/v4/spreadsheets/{path}",
            json=body,
            params=params,
            headers=headers,
            timeout=10,
        )

    def get(self, a1: str, **params: Any) -> requests.Response:
        return self.call("GET", f"{SID}/values/{quote(a1, safe='')}", **params)

    def put(self, a1: str, values: list[list[Any]], option: str = "RAW") -> requests.Response:
        return self.call(
            "PUT",
            f"{SID}/values/{quote(a1, safe='')}",
            {"values": values},
            valueInputOption=option,
        )


@pytest.fixture
def api() -> Iterator[Api]:
    standin = SheetsStandIn()
    standin.add_spreadsheet(SID, tokens=[TOKEN])
    standin.add_sheet(SID, "Sheet1", sheet_id=0, row_count=10, column_count=5)
    standin.add_spreadsheet("someone-else", tokens=[OTHER])
    with standin.serve() as server:
        yield Api(standin, server)


def error(code: int, message: str, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


# -- auth --------------------------------------------------------------------------------------


def test_missing_token_is_401_with_googles_body(api: Api) -> None:
    api.token = ""
    answer = api.get("Sheet1!A1")
    assert answer.status_code == 401
    assert answer.json() == error(401, MISSING, "UNAUTHENTICATED")


def test_unknown_token_is_401_unauthenticated(api: Api) -> None:
    api.token = "never-granted"
    answer = api.get("Sheet1!A1")
    assert answer.status_code == 401
    body = answer.json()["error"]
    assert body["status"] == "UNAUTHENTICATED"
    assert body["message"].startswith("Request had invalid authentication credentials.")


def test_known_token_on_someone_elses_spreadsheet_is_403(api: Api) -> None:
    answer = api.call("GET", "someone-else")
    assert answer.status_code == 403
    assert answer.json() == error(403, "The caller does not have permission", "PERMISSION_DENIED")


def test_revoked_token_gets_403_not_401(api: Api) -> None:
    api.standin.revoke(SID, TOKEN)
    assert api.get("Sheet1!A1").status_code == 403
    api.standin.grant(SID, TOKEN)
    assert api.get("Sheet1!A1").status_code == 200


def test_unknown_spreadsheet_is_404(api: Api) -> None:
    answer = api.call("GET", "no-such-id")
    assert answer.status_code == 404
    assert answer.json() == error(404, "Requested entity was not found.", "NOT_FOUND")


# -- spreadsheets.get and grid sizing ----------------------------------------------------------


def test_spreadsheet_get_lists_tabs_and_honours_fields(api: Api) -> None:
    api.standin.seed_csv(SID, "My Tab", "a,b,c\n1,2\n", sheet_id=7)
    full = api.call("GET", SID, includeGridData="false").json()
    assert full["spreadsheetId"] == SID
    assert full["properties"]["title"] == "Candidates"
    assert full["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{SID}/edit"
    assert [s["properties"]["gridProperties"] for s in full["sheets"]] == [
        {"rowCount": 10, "columnCount": 5},
        {"rowCount": 2, "columnCount": 3},
    ]
    masked = api.call("GET", SID, fields="sheets(properties(sheetId,title))").json()
    assert masked == {
        "sheets": [
            {"properties": {"sheetId": 0, "title": "Sheet1"}},
            {"properties": {"sheetId": 7, "title": "My Tab"}},
        ]
    }
    dotted = api.call("GET", SID, fields="sheets.properties.title").json()
    assert dotted == {
        "sheets": [{"properties": {"title": "Sheet1"}}, {"properties": {"title": "My Tab"}}]
    }


def test_new_tab_defaults_to_1000_by_26_and_data_tab_fits_its_data(api: Api) -> None:
    api.standin.add_sheet(SID, "Blank")
    api.standin.add_sheet(SID, "Data", rows=[["a", "b"], ["c", "d"], ["e"]])
    assert api.standin.grid_size(SID, "Blank") == (1000, 26)
    assert api.standin.grid_size(SID, "Data") == (3, 2)


# -- grid limits -------------------------------------------------------------------------------


def test_write_past_the_grid_fails_then_succeeds_after_append_dimension(api: Api) -> None:
    row = [["a", "b", "c", "d", "e", "f"]]
    refused = api.put("'Sheet1'!A1", row)
    assert refused.status_code == 400
    assert refused.json() == error(
        400,
        "Range (Sheet1!F1) exceeds grid limits. Max rows: 10, max columns: 5",
        "INVALID_ARGUMENT",
    )
    assert api.standin.values(SID, "Sheet1") == []

    grow = {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 1}}]}
    grown = api.call("POST", f"{SID}:batchUpdate", grow)
    assert grown.json() == {"spreadsheetId": SID, "replies": [{}]}
    assert api.standin.grid_size(SID, "Sheet1") == (10, 6)

    written = api.put("'Sheet1'!A1", row)
    assert written.status_code == 200
    assert written.json()["updatedRange"] == "Sheet1!A1:F1"
    assert api.standin.values(SID, "Sheet1") == row


def test_rows_past_the_grid_are_refused(api: Api) -> None:
    answer = api.put("Sheet1!A9", [["x"], ["y"], ["z"]])
    assert answer.json()["error"]["message"] == (
        "Range (Sheet1!A11) exceeds grid limits. Max rows: 10, max columns: 5"
    )


def test_read_starting_past_the_grid_fails_and_overhang_is_clamped(api: Api) -> None:
    refused = api.get("Sheet1!A11:B12")
    assert refused.status_code == 400
    assert "Range (Sheet1!A11:B12) exceeds grid limits." in refused.json()["error"]["message"]
    clamped = api.get("Sheet1!A1:Z100")
    assert clamped.json() == {"range": "Sheet1!A1:E10", "majorDimension": "ROWS"}


def test_write_longer_than_the_requested_range_is_refused(api: Api) -> None:
    answer = api.put("Sheet1!A1:B2", [["a"], ["b"], ["c"]])
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "Requested writing within range [Sheet1!A1:B2], but tried writing to row [3]"
    )


def test_batch_update_is_all_or_nothing(api: Api) -> None:
    body = {
        "requests": [
            {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
            {"deleteSheet": {"sheetId": 99}},
        ]
    }
    answer = api.call("POST", f"{SID}:batchUpdate", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "Invalid requests[1].deleteSheet: No grid with id: 99"
    )
    assert api.standin.grid_size(SID, "Sheet1") == (10, 5)


def test_rename_and_resize_through_update_sheet_properties(api: Api) -> None:
    api.put("Sheet1!A1", [["keep", "", "", "", "drop"]])
    body = {
        "requests": [
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": 0,
                        "title": "D3",
                        "gridProperties": {"columnCount": 4},
                    },
                    "fields": "title,gridProperties.columnCount",
                }
            }
        ]
    }
    assert api.call("POST", f"{SID}:batchUpdate", body).status_code == 200
    assert api.standin.grid_size(SID, "D3") == (10, 4)
    assert api.get("'D3'").json() == {
        "range": "'D3'!A1:D10",
        "majorDimension": "ROWS",
        "values": [["keep"]],
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        (
            "POST",
            f"{SID}:batchUpdate",
            {"requests": [{"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS"}}}]},
            400,
            "Invalid requests[0]: the stand-in does not support 'insertDimension'.",
        ),
        (
            "POST",
            f"{SID}:batchUpdate",
            {
                "requests": [
                    {"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "index"}}
                ]
            },
            400,
            "Invalid requests[0].updateSheetProperties: the stand-in does not support "
            "updating 'index'.",
        ),
        (
            "PUT",
            f"{SID}/values/Sheet1!A1?valueInputOption=RAW",
            {"majorDimension": "COLUMNS", "values": [["a", "b"]]},
            400,
            "majorDimension: the stand-in does not support COLUMNS in a write.",
        ),
        (
            "POST",
            f"{SID}/values/Sheet1!A1:append?valueInputOption=RAW",
            {"values": [["a"]]},
            404,
            "Requested entity was not found.",
        ),
    ],
    ids=["insertDimension", "update-index", "columns-write", "values-append"],
)
def test_what_the_stand_in_does_not_implement_is_refused_not_faked(
    api: Api, method: str, path: str, body: Any, status: int, message: str
) -> None:
    answer = api.call(method, path, body)
    assert answer.status_code == status
    assert answer.json()["error"]["message"] == message
    assert api.standin.grid_size(SID, "Sheet1") == (10, 5)
    assert api.standin.values(SID, "Sheet1") == []


# -- ranges ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Nope!A1", "Sheet1!A1:", "Sheet1!1A", "'Sheet1", "A1:B2:C3"])
def test_unparsable_or_unknown_ranges_are_400(api: Api, bad: str) -> None:
    answer = api.get(bad)
    assert answer.status_code == 400
    assert answer.json() == error(400, f"Unable to parse range: {bad}", "INVALID_ARGUMENT")


def test_range_forms_and_echoes(api: Api) -> None:
    api.standin.add_sheet(SID, "It's here", rows=[["a", "b"], ["c", "d"]])
    api.put("Sheet1!A1", [["1", "2"], ["3", "4"]])
    assert api.get("A1").json()["range"] == "Sheet1!A1"
    assert api.get("Sheet1!A:B").json()["range"] == "Sheet1!A1:B10"
    assert api.get("Sheet1!2:3").json()["range"] == "Sheet1!A2:E3"
    assert api.get("Sheet1!A2:B").json()["values"] == [["3", "4"]]
    assert api.get("Sheet1!B2:A1").json()["range"] == "Sheet1!A1:B2"
    quoted = api.get("'It''s here'!B1:B2").json()
    assert quoted == {
        "range": "'It''s here'!B1:B2",
        "majorDimension": "ROWS",
        "values": [["b"], ["d"]],
    }


# -- values: trimming, input options, rendering ------------------------------------------------


def test_batch_get_trims_like_the_api(api: Api) -> None:
    api.put("Sheet1!A1", [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4"]])
    answer = api.call(
        "GET", f"{SID}/values:batchGet", ranges=["Sheet1!A1:D5", "Sheet1!E1:E5", "Sheet1!A:A"]
    )
    assert answer.json() == {
        "spreadsheetId": SID,
        "valueRanges": [
            {
                "range": "Sheet1!A1:D5",
                "majorDimension": "ROWS",
                "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4"]],
            },
            {"range": "Sheet1!E1:E5", "majorDimension": "ROWS"},
            {
                "range": "Sheet1!A1:A10",
                "majorDimension": "ROWS",
                "values": [["A1"], [], [], ["A4"]],
            },
        ],
    }
    columns = api.get("Sheet1!A1:B2", majorDimension="COLUMNS").json()
    assert columns["values"] == [["A1"], ["B1", "b2"]]


def test_raw_keeps_text_user_entered_stores_formulas_and_numbers(api: Api) -> None:
    api.put("Sheet1!A1", [["=SUM(1)", "42"]], option="RAW")
    api.put(
        "Sheet1!A2", [['=HYPERLINK("https://x.test/i","Open")', "42", "true", "'7"]], "USER_ENTERED"
    )
    assert api.standin.formula_cells(SID, "Sheet1") == ["A2"]
    assert api.get("Sheet1!A1:D2").json()["values"] == [
        ["=SUM(1)", "42"],
        ["Open", "42", "TRUE", "7"],
    ]
    formulas = api.get("Sheet1!A1:D2", valueRenderOption="FORMULA").json()["values"]
    assert formulas == [["=SUM(1)", "42"], ['=HYPERLINK("https://x.test/i","Open")', 42, True, "7"]]
    unformatted = api.get("Sheet1!A1:D2", valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert unformatted == [["=SUM(1)", "42"], ["Open", 42, True, "7"]]
    assert api.standin.cell(SID, "Sheet1", "A2") == "Open"


def test_json_numbers_and_booleans_render_like_the_api(api: Api) -> None:
    api.put("Sheet1!A1", [[1, 2.5, True, None, ""]])
    assert api.get("Sheet1!A1:E1").json()["values"] == [["1", "2.5", "TRUE"]]
    raw = api.get("Sheet1!A1:E1", valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert raw == [[1, 2.5, True]]


def test_null_leaves_its_cell_unchanged_and_is_not_counted(api: Api) -> None:
    api.standin.set_values(SID, "Sheet1", "A1", [["a1", "b1", "c1"], ["a2", "b2", "c2"]])
    answer = api.put("Sheet1!A1", [[None, "X", None], [None, ""]])
    assert answer.json() == {
        "spreadsheetId": SID,
        "updatedRange": "Sheet1!A1:C2",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 2,
    }
    assert api.standin.values(SID, "Sheet1") == [["a1", "X", "c1"], ["a2", "", "c2"]]


def test_null_in_values_batch_update_is_skipped_in_cells_and_totals(api: Api) -> None:
    api.standin.set_values(SID, "Sheet1", "A1", [["keep", "old"], ["=1", "also kept"]])
    body = {
        "valueInputOption": "USER_ENTERED",
        "data": [
            {"range": "Sheet1!A1:B1", "values": [[None, "new"]]},
            {"range": "Sheet1!A2", "values": [[None, None]]},
        ],
    }
    answer = api.call("POST", f"{SID}/values:batchUpdate", body).json()
    assert [r["updatedCells"] for r in answer["responses"]] == [1, 0]
    assert answer["totalUpdatedCells"] == 1
    assert api.standin.values(SID, "Sheet1") == [["keep", "new"], ["=1", "also kept"]]
    assert api.standin.formula_cells(SID, "Sheet1") == ["A2"]


def test_value_input_option_is_required(api: Api) -> None:
    answer = api.call("PUT", f"{SID}/values/Sheet1!A1", {"values": [["x"]]})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "'valueInputOption' is required but not specified"


def test_values_batch_update_totals_and_clear(api: Api) -> None:
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Sheet1!A1:B1", "values": [["a", "b"]]},
            {"range": "Sheet1!B3", "values": [["c"], ["d"]]},
        ],
    }
    answer = api.call("POST", f"{SID}/values:batchUpdate", body).json()
    assert answer["totalUpdatedRows"] == 3
    assert answer["totalUpdatedColumns"] == 2
    assert answer["totalUpdatedCells"] == 4
    assert answer["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in answer["responses"]] == ["Sheet1!A1:B1", "Sheet1!B3:B4"]
    cleared = api.call("POST", f"{SID}/values/Sheet1!B1:B3:clear").json()
    assert cleared == {"spreadsheetId": SID, "clearedRange": "Sheet1!B1:B3"}
    assert api.standin.values(SID, "Sheet1") == [["a"], [], [], ["", "d"]]
    batch = api.call("POST", f"{SID}/values:batchClear", {"ranges": ["Sheet1"]}).json()
    assert batch == {"spreadsheetId": SID, "clearedRanges": ["Sheet1!A1:E10"]}
    assert api.standin.values(SID, "Sheet1") == []


def test_set_values_edits_directly(api: Api) -> None:
    api.standin.set_values(SID, "Sheet1", "B2", [["x", "y"]])
    assert api.get("Sheet1!B2:C2").json()["values"] == [["x", "y"]]
    with pytest.raises(ValueError):
        api.standin.set_values(SID, "Sheet1", "E1", [["x", "y"]])


# -- recording, faults, latency, threads --------------------------------------------------------


def test_requests_are_recorded_with_kind_query_body_and_status(api: Api) -> None:
    api.call("GET", SID)
    api.call("GET", f"{SID}/values:batchGet", ranges=["Sheet1!A1", "Sheet1!B1"])
    api.put("Sheet1!A1", [["x"]])
    api.get("Nope!A1")
    kinds = [(r.kind, r.status) for r in api.standin.requests]
    assert kinds == [
        ("spreadsheets.get", 200),
        ("values.batchGet", 200),
        ("values.update", 200),
        ("values.get", 400),
    ]
    update = api.standin.requests[2]
    assert update.method == "PUT"
    assert update.path == f"/v4/spreadsheets/{SID}/values/Sheet1!A1"
    assert update.query == {"valueInputOption": ["RAW"]}
    assert update.json == {"values": [["x"]]}
    assert api.standin.requests[1].query["ranges"] == ["Sheet1!A1", "Sheet1!B1"]
    assert api.standin.requests[0].json is None
    assert api.standin.count("values.update") == 1


def test_injected_429_with_retry_after_then_recovery(api: Api) -> None:
    api.standin.inject("values.batchGet", 429, times=2, retry_after=2)
    for _ in range(2):
        answer = api.call("GET", f"{SID}/values:batchGet", ranges=["Sheet1!A1"])
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "2"
        assert answer.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
        assert answer.json()["error"]["code"] == 429
    assert api.put("Sheet1!A1", [["other kinds pass"]]).status_code == 200
    assert api.call("GET", f"{SID}/values:batchGet", ranges=["Sheet1!A1"]).status_code == 200
    assert [r.status for r in api.standin.requests] == [429, 429, 200, 200]


def test_an_injected_429_names_the_quota_of_the_call_it_refuses(api: Api) -> None:
    api.standin.inject(None, 429, times=2)
    read = api.get("Sheet1!A1").json()["error"]["message"]
    write = api.put("Sheet1!A1", [["x"]]).json()["error"]["message"]
    assert "quota metric 'Read requests'" in read
    assert "limit 'Read requests per minute per user'" in read
    assert "quota metric 'Write requests'" in write
    assert "limit 'Write requests per minute per user'" in write


def test_injected_faults_for_any_call_until_cleared(api: Api) -> None:
    api.standin.inject(None, 503, times=-1)
    for _ in range(3):
        answer = api.call("GET", SID)
        assert answer.status_code == 503
        assert answer.json() == error(503, "The service is currently unavailable.", "UNAVAILABLE")
        assert "Retry-After" not in answer.headers
    api.standin.clear_faults()
    api.standin.inject("values.batchUpdate", 500)
    failed = api.call("POST", f"{SID}/values:batchUpdate", {"valueInputOption": "RAW", "data": []})
    assert failed.json() == error(500, "Internal error encountered.", "INTERNAL")
    assert api.standin.values(SID, "Sheet1") == []
    assert api.call("GET", SID).status_code == 200


def test_latency_is_added_to_every_call(api: Api) -> None:
    api.standin.latency = 0.2
    started = time.monotonic()
    api.call("GET", SID)
    assert time.monotonic() - started >= 0.2


def test_concurrent_writes_are_all_kept(api: Api) -> None:
    api.standin.add_sheet(SID, "Wide", row_count=40, column_count=1)

    def write(row: int) -> None:
        assert api.put(f"Wide!A{row}", [[f"r{row}"]]).status_code == 200

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.standin.values(SID, "Wide") == [[f"r{n}"] for n in range(1, 41)]
