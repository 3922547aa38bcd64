"""The Sheet, over real HTTP: where the function reads, what it writes, and nothing more."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from werkzeug.wrappers import Request, Response

from sandbox.server import LoopbackServer
from sandbox.world import (
    OUTSIDER,
    OUTSIDER_TOKEN,
    RECRUITER,
    RECRUITER_TOKEN,
    FunctionProcess,
    Sandbox,
    invite,
)
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]

# Output columns of the demo tab: "Interview URL" (E) and "Result" (F) exist in its header,
# profile_interview_id is created in G, the first column right of the header.
DEMO_OUTPUTS = {"interview_url": "E", "result": "F", "profile_interview_id": "G"}
DEMO_OUTPUT_INDEXES = frozenset({4, 5, 6})
FORMULA_LINK = '=HYPERLINK("http://x","y")'


def cell(sheet: SheetUnderTest, a1: str) -> str:
    return sheet.world.sheets.cell(sheet.spreadsheet_id, sheet.title, a1)


def users_sent(world: Sandbox) -> list[dict[str, Any]]:
    return [user for call in world.jobmojito.calls for user in call.json["users"]]


def recorded(sheet: SheetUnderTest, kind: str) -> list[Any]:
    """Bodies of the Sheets calls of `kind` this sheet received, in order."""
    return [
        r.json
        for r in sheet.world.sheets.requests
        if r.kind == kind and sheet.spreadsheet_id in r.path
    ]


def written_rows(sheet: SheetUnderTest) -> set[int]:
    """Sheet rows that any values.batchUpdate range touched."""
    ranges = [vr["range"] for body in recorded(sheet, "values.batchUpdate") for vr in body["data"]]
    return {int(n) for r in ranges for n in re.findall(r"[A-Z]+(\d+)", r.rsplit("!", 1)[1])}


def at(rows: list[list[str]], row: int, col: int) -> str:
    """0-based cell of trimmed values ("" past the end)."""
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else ""


def changed_cells(
    before: list[list[str]], after: list[list[str]], skip_cols: Iterable[int] = ()
) -> list[tuple[int, int]]:
    """1-based (row, column) of every cell that differs, outside `skip_cols` (0-based)."""
    skipped = set(skip_cols)
    height = max(len(before), len(after))
    width = max((len(r) for r in [*before, *after]), default=0)
    return [
        (r + 1, c + 1)
        for r in range(height)
        for c in range(width)
        if c not in skipped and at(before, r, c) != at(after, r, c)
    ]


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


# --- where the header and the columns are --------------------------------------------------


def test_header_row_is_found_below_a_title_row(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [
            ["Autumn intake: shortlisted"],
            [],
            ["Name", "Email"],
            ["Ada Lovelace", "ada.lovelace@example.com"],
            ["Grace Hopper", "grace.hopper@example.com"],
            ["Alan Turing", "alan.turing@example.com"],
            ["Edsger Dijkstra", "edsger.dijkstra@example.com"],
        ]
    )
    # Rows 4-5 come from the header search's read (rows 1-5), rows 6-7 from the selection's.
    answer = ok(sheet.call(function, ["A1:B7"]))
    assert [r["row"] for r in answer["rows"]] == [4, 5, 6, 7]
    assert [u["email"] for u in users_sent(world)] == [
        "ada.lovelace@example.com",
        "grace.hopper@example.com",
        "alan.turing@example.com",
        "edsger.dijkstra@example.com",
    ]
    values = sheet.values()
    assert values[0] == ["Autumn intake: shortlisted"]
    assert values[1] == []
    assert values[2] == ["Name", "Email", "interview_url", "result", "profile_interview_id"]
    assert [at(values, row, 3) for row in range(3, 7)] == ["ok"] * 4
    assert all(at(values, row, 2).startswith("https://") for row in range(3, 7))


def test_header_variants_are_recognised(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [["Full Name", "E-mail", "Candidate ID"], ["Ada Lovelace", "ada@x.com", "C-1"]]
    )
    ok(sheet.call(function, ["A2"]))
    assert users_sent(world) == [
        {"name": "Ada Lovelace", "email": "ada@x.com", "external_id": "C-1"}
    ]


def test_first_and_last_name_are_joined_with_a_space(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [
            ["First name", "Last name", "Email"],
            ["Ada", "Lovelace", "ada@example.com"],
            ["Cher", "", "cher@example.com"],
        ]
    )
    ok(sheet.call(function, ["A2:C3"]))
    assert [u["name"] for u in users_sent(world)] == ["Ada Lovelace", "Cher"]


def test_existing_output_columns_are_reused_even_left_of_the_inputs(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet([["Result", "Interview URL", "Name", "Email"], ["", "", "Ada", "ada@x.com"]])
    answer = ok(sheet.call(function, ["C2"]))
    assert answer["columns"] == {"interview_url": "B", "result": "A", "profile_interview_id": "E"}
    header, ada = sheet.values()[:2]
    assert header == ["Result", "Interview URL", "Name", "Email", "profile_interview_id"]
    assert ada[0] == "ok" and ada[1] == answer["rows"][0]["interview_url"]
    assert ada[2:4] == ["Ada", "ada@x.com"]
    assert ada[4] == answer["rows"][0]["profile_interview_id"]


def test_missing_output_columns_are_created_right_of_the_last_header_cell(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    # The header has a gap in C: the new columns still go right of its last filled cell (D).
    sheet = new_sheet([["Name", "Email", "", "Notes"], ["Ada", "ada@x.com", "", "keen"]])
    answer = ok(sheet.call(function, ["A2"]))
    assert answer["columns"] == {"interview_url": "E", "result": "F", "profile_interview_id": "G"}
    header, ada = sheet.values()[:2]
    assert header == [
        "Name",
        "Email",
        "",
        "Notes",
        "interview_url",
        "result",
        "profile_interview_id",
    ]
    assert ada[:4] == ["Ada", "ada@x.com", "", "keen"]
    assert ada[4].startswith("https://") and ada[5] == "ok" and ada[6]


def test_tab_sized_to_its_data_gets_columns_appended_before_the_write(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()  # 13 x 6, as a CSV import sizes it; profile_interview_id needs G
    assert world.sheets.grid_size(sheet.spreadsheet_id, sheet.title) == (13, 6)
    answer = ok(sheet.call(function, ["A2"]))
    assert answer["columns"] == DEMO_OUTPUTS
    assert recorded(sheet, "spreadsheets.batchUpdate") == [
        {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 1}}]}
    ]
    kinds = [r.kind for r in world.sheets.requests if sheet.spreadsheet_id in r.path]
    assert kinds.index("spreadsheets.batchUpdate") < kinds.index("values.batchUpdate")
    assert world.sheets.grid_size(sheet.spreadsheet_id, sheet.title) == (13, 7)
    assert cell(sheet, "G1") == "profile_interview_id"
    assert cell(sheet, "G2") == answer["rows"][0]["profile_interview_id"]


def test_the_call_after_the_one_that_added_columns_reads_them_with_the_header(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()  # 13 x 6: the first call adds G, profile_interview_id
    ok(sheet.call(function, ["A7"]))  # below the five top rows the header read brings
    reads = sheet.requests("values.batchGet")
    ok(sheet.call(function, ["A8"]))
    # The header rows and the selected row's columns, G included, in one read; then one
    # locating read before each of the two writes (pending marker, result).
    assert sheet.requests("values.batchGet") - reads == 1 + 2
    assert cell(sheet, "G8") != ""


def test_tab_with_room_is_not_grown(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    world.sheets.add_sheet(
        sheet.spreadsheet_id, "Roomy", sheet_id=7, rows=[["Name", "Email"], ["Ada", "ada@x.com"]],
        column_count=26,
    )  # fmt: skip
    roomy = SheetUnderTest(world, sheet.spreadsheet_id, title="Roomy")
    ok(roomy.call(function, ["A2"], sheet_id=7))
    assert recorded(roomy, "spreadsheets.batchUpdate") == []
    assert world.sheets.grid_size(roomy.spreadsheet_id, "Roomy") == (2, 26)
    assert cell(roomy, "D2") == "ok"


# --- nothing else is written ---------------------------------------------------------------


def test_only_output_cells_change(function: FunctionProcess, new_sheet: NewSheet) -> None:
    sheet = new_sheet()
    before = sheet.values()
    ok(sheet.call(function, ["A2:B13"]))
    after = sheet.values()
    assert changed_cells(before, after, skip_cols=DEMO_OUTPUT_INDEXES) == []
    assert after[0][4:] == ["Interview URL", "Result", "profile_interview_id"]


def test_rows_outside_the_selection_are_untouched(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()  # 12 candidates, rows 2-13; rows 7, 9 and 11 would get errors
    before = sheet.values()
    ok(sheet.call(function, ["A2:B4"]))
    after = sheet.values()
    assert after[4:] == before[4:]
    assert {row for row, _ in changed_cells(before, after)} <= {1, 2, 4}


def test_already_registered_row_keeps_its_cells_exactly(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()  # row 3 (Alan Turing) has "ok" and a link from an earlier run
    before = sheet.values()
    ok(sheet.call(function, ["A2:B4"]))
    assert sheet.values()[2] == before[2]
    assert 3 not in written_rows(sheet)
    assert written_rows(sheet) == {1, 2, 4}  # G1's new header, Ada and Grace


# --- RAW writes ----------------------------------------------------------------------------


def test_writes_are_raw_and_leave_no_formula(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()
    ok(sheet.call(function, ["A2:B13"]))
    bodies = recorded(sheet, "values.batchUpdate")
    assert bodies and all(body["valueInputOption"] == "RAW" for body in bodies)
    assert sheet.world.sheets.formula_cells(sheet.spreadsheet_id, sheet.title) == []


def _formula_answering_jobmojito(environ: dict[str, Any], start_response: Any) -> Any:
    """A JobMojito that answers "ok" for every user, with a formula for a link."""
    users = json.loads(Request(environ).get_data())["users"]
    answer = [
        {
            "email": user["email"],
            "result": "ok",
            "interview_url": FORMULA_LINK,
            "profile_interview_id": "=1+1",
        }
        for user in users
    ]
    return Response(json.dumps(answer), 200, content_type="application/json")(
        environ, start_response
    )


def test_link_that_looks_like_a_formula_lands_as_text(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet
) -> None:
    with LoopbackServer(_formula_answering_jobmojito) as stub:
        function = start_function(JOBMOJITO_API_URL=stub.url)
        sheet = new_sheet()
        ok(sheet.call(function, ["A2"]))
    assert cell(sheet, "E2") == FORMULA_LINK
    assert cell(sheet, "G2") == "=1+1"
    assert sheet.world.sheets.formula_cells(sheet.spreadsheet_id, sheet.title) == []


# --- Sheets calls per run ------------------------------------------------------------------


def test_one_run_reads_three_times_then_one_locating_read_per_write(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()
    ok(sheet.call(function, ["A2:B4", "A6:B13"]))
    assert sheet.requests("spreadsheets.get") == 1
    writes = sheet.requests("values.batchUpdate")
    # One batch: its pending markers are written before it is sent, its results after.
    assert writes == 2
    # The header rows are read once, then the selected rows' columns once; each write is
    # preceded by one read of the email column.
    assert sheet.requests("values.batchGet") == 2 + writes


def result_rows(body: Any) -> int:
    """Rows of results (an `ok` result cell) one values.batchUpdate body writes."""
    return sum(1 for entry in body["data"] for row in entry["values"] if "ok" in row)


def test_many_results_are_written_while_the_last_batches_run_so_the_last_write_is_small(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    rows = [["Name", "Email"]] + [[f"C {i}", f"c{i}@example.com"] for i in range(1500)]
    sheet = new_sheet(rows)
    world.jobmojito.latency = 0.6  # 15 batches, 4 at a time: the last 3 run alone
    try:
        ok(sheet.call(function, ["A2:B1501"]))
    finally:
        world.jobmojito.latency = 0.0
    writes = recorded(sheet, "values.batchUpdate")
    assert len(writes) == 3  # the pending markers, the early results, the last results
    assert result_rows(writes[1]) >= 1000  # (EARLY_FLUSH_ROWS) while the last batches ran
    assert result_rows(writes[2]) <= 400 and result_rows(writes[1]) + result_rows(writes[2]) == 1500
    assert all(cell(sheet, f"D{r}") == "ok" for r in range(2, 1502))


def test_rows_deleted_from_the_bottom_mid_run_do_not_stop_the_run(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    """The grid shrinks under the run: reading the rows to write where they were read would
    start past the grid's last row, which Google refuses (400); the run locates them in the
    whole columns instead, writes the rows still there, and answers the others unwritten."""
    rows = [["Name", "Email"]] + [[f"C {i}", f"c{i}@example.com"] for i in range(30)]
    sheet = new_sheet(rows)  # 31 rows, sized to its data
    function = start_function(
        BATCH_SIZE="10", CONCURRENCY="1", SHEETS_WRITE_INTERVAL_SECONDS="0.01"
    )
    shrink = {
        "requests": [
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "gridProperties": {"rowCount": 21}},
                    "fields": "gridProperties.rowCount",
                }
            }
        ]
    }

    def delete_the_last_ten_rows(call_number: int) -> None:
        if call_number == 3:  # the third batch (rows 22 to 31), the others' results written
            url = f"{world.servers['sheets'].url}/v4/spreadsheets/{sheet.spreadsheet_id}"
            headers = {"Authorization": f"Bearer {RECRUITER_TOKEN}"}
            httpx.post(f"{url}:batchUpdate", json=shrink, headers=headers).raise_for_status()

    world.jobmojito.on_processed = delete_the_last_ten_rows
    world.jobmojito.latency = 0.3  # each batch's results are written before the next answers
    try:
        answer = ok(sheet.call(function, ["A2:B31"]))
    finally:
        world.jobmojito.on_processed = None
        world.jobmojito.latency = 0.0
    by_row = {r["row"]: r for r in answer["rows"]}
    assert all(cell(sheet, f"D{r}") == "ok" for r in range(2, 22))
    assert all(by_row[r]["written"] is False and by_row[r]["interview_url"] for r in range(22, 32))
    assert world.sheets.grid_size(sheet.spreadsheet_id, sheet.title)[0] == 21
    reads = [
        r
        for r in world.sheets.requests
        if r.kind == "values.batchGet" and sheet.spreadsheet_id in r.path
    ]
    assert reads[-2].status == 400  # the rows alone: they start past the grid now
    assert reads[-1].status == 200 and reads[-1].query["ranges"][1:] == [
        "'Candidates'!B:B",
        "'Candidates'!D:D",
    ]
    assert "a Sheets write failed" not in function.logs()  # not a Sheets failure: no stop


def test_sheets_are_opened_with_the_callers_own_access_token(
    function: FunctionProcess,
    new_sheet: NewSheet,
    world: Sandbox,
    start_function: Callable[..., FunctionProcess],
) -> None:
    sheet = new_sheet(tokens=(OUTSIDER_TOKEN,))  # shared with another account only
    refused = sheet.call(function, ["A2"])  # the recruiter's access token
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "sheet_access_denied"
    assert world.jobmojito.calls == []
    # The other account, allowed too, calls with its own ID token and access token.
    both = start_function(ALLOWED_USERS=f"{RECRUITER},{OUTSIDER}")
    granted = invite(
        both.url, sheet.body(["A2"]), id_token=world.id_token(OUTSIDER), access_token=OUTSIDER_TOKEN
    )
    ok(granted)
    statuses = [
        r.status
        for r in world.sheets.requests
        if r.kind == "spreadsheets.get" and sheet.spreadsheet_id in r.path
    ]
    assert statuses == [403, 200]
    assert cell(sheet, "F2") == "ok"


def test_a_wide_title_row_above_the_header_does_not_push_the_output_columns(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    title = ["Spring hiring", "", "", "", "", "updated 2026-11-01"]
    sheet = new_sheet([title, [], ["Name", "Email"], ["Ada Lovelace", "ada@example.com"]])
    answer = ok(sheet.call(function, ["A4"]))
    assert answer["columns"] == {"interview_url": "C", "result": "D", "profile_interview_id": "E"}
    assert cell(sheet, "D4") == "ok"


def test_a_selection_split_around_filtered_rows_is_read_in_one_bounded_request(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    rows = [["Name", "Email"]] + [[f"C {i}", f"c{i}@example.com"] for i in range(300)]
    sheet = new_sheet(rows)
    selected = [f"{r}:{r}" for r in range(2, 302, 2)]  # every other row: 150 ranges
    answer = ok(sheet.call(function, selected))
    assert [r["row"] for r in answer["rows"]] == list(range(2, 302, 2))
    reads = [
        r for r in world.sheets.requests
        if r.kind == "values.batchGet" and sheet.spreadsheet_id in r.path
    ]  # fmt: skip
    assert reads[0].query["ranges"] == ["'Candidates'!1:5"]  # the header rows
    assert len(reads[1].query["ranges"]) <= 50  # then at most 50 ranges of the selection
    values = sheet.values()
    assert all(cell(sheet, f"D{r}") == "ok" for r in range(2, 302, 2))
    assert all(len(values[r - 1]) == 2 for r in range(3, 302, 2))  # unselected rows untouched
