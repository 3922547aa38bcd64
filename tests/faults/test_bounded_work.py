"""Bounded work per request: whatever a request names, the function's memory and time stay
small. Each attack runs against a function process of its own, whose peak resident memory
(VmHWM of functions-framework and its gunicorn worker, as `bench/run.py` measures it) must
stay under 200 MB, accepted or refused."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from sandbox.world import (
    RECRUITER_TOKEN,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    invite,
    menu_request,
    process_peaks_mib,
)
from tests.integration import conftest as integration

world = integration.world  # the integration suite's sandbox

PEAK_MIB = 200
WIDE_CELL = "w" * 50_000


def peak_mib(pid: int | None) -> float:
    """The largest peak resident memory among the function's processes, in MiB."""
    assert pid is not None
    peaks = process_peaks_mib(pid)
    assert len(peaks) >= 2, "functions-framework and its gunicorn worker"
    return max(peaks)


@pytest.fixture(autouse=True)
def fresh_jobmojito(world: Sandbox) -> None:
    world.jobmojito.reset()


@pytest.fixture
def function(world: Sandbox) -> Iterator[FunctionProcess]:
    """A fresh function for one attack, so its peak memory is the attack's."""
    with FunctionProcess(world.function_env(MAX_ROWS="5000")) as process:
        yield process


def _tall_tab(world: Sandbox, spreadsheet_id: str) -> None:
    """A tab of 9,999,999 rows (one column: Google's limit is 10 million cells)."""
    world.sheets.add_spreadsheet(spreadsheet_id, tokens=[RECRUITER_TOKEN])
    rows = [["Email"]] + [[f"p{i}@example.com"] for i in range(2, 50)]
    world.sheets.add_sheet(
        spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows, row_count=9_999_999, column_count=1
    )


def _reads(world: Sandbox, spreadsheet_id: str) -> list[list[str]]:
    return [
        list(r.query.get("ranges", []))
        for r in world.sheets.requests
        if r.kind == "values.batchGet" and spreadsheet_id in r.path
    ]


def test_one_range_naming_ten_million_rows_is_refused_at_once(
    function: FunctionProcess, world: Sandbox
) -> None:
    _tall_tab(world, "1BoundedTall")
    started = time.monotonic()
    body = menu_request(["1:9999999"], spreadsheet_id="1BoundedTall")
    response = invite(function.url, body, id_token=world.id_token())
    elapsed = time.monotonic() - started
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_many_rows"
    assert "9999999" in response.json()["error"]["message"]
    assert elapsed < 2.0
    assert _reads(world, "1BoundedTall") == []  # refused before reading a row
    assert world.jobmojito.calls == []
    assert peak_mib(function.pid) < PEAK_MIB


def test_a_thousand_such_ranges_in_a_small_body_are_refused_at_once(
    function: FunctionProcess, world: Sandbox
) -> None:
    _tall_tab(world, "1BoundedThousand")
    ranges = ["1:9999999"] * 1000
    body = menu_request(ranges, spreadsheet_id="1BoundedThousand")
    assert len(json.dumps(body)) < 14_000  # about 13 KB
    started = time.monotonic()
    response = invite(function.url, body, id_token=world.id_token())
    elapsed = time.monotonic() - started
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_many_rows"
    assert elapsed < 2.0
    assert _reads(world, "1BoundedThousand") == []
    assert peak_mib(function.pid) < PEAK_MIB


def test_a_thousand_scattered_ranges_are_counted_from_their_bounds(
    function: FunctionProcess, world: Sandbox
) -> None:
    _tall_tab(world, "1BoundedScattered")
    ranges = [f"{n}:{n + 9_000}" for n in range(10, 9_000_000, 9_000)][:1000]
    body = menu_request(ranges, spreadsheet_id="1BoundedScattered")
    response = invite(function.url, body, id_token=world.id_token())
    assert response.status_code == 413, response.text
    assert _reads(world, "1BoundedScattered") == []
    assert peak_mib(function.pid) < PEAK_MIB


def test_two_hundred_wide_rows_of_50_kb_cells_read_only_the_needed_columns(
    function: FunctionProcess, world: Sandbox
) -> None:
    notes = [f"Note {i}" for i in range(1, 21)]
    header = ["Name", "Email", *notes]
    rows = [header] + [
        [f"Candidate {i}", f"c{i}@example.com", *[WIDE_CELL] * len(notes)] for i in range(200)
    ]
    # Ten rows whose name or email cell is itself 50,000 characters: refused as `invalid`.
    for i in range(1, 6):
        rows[i][0] = WIDE_CELL
        rows[i + 5][1] = WIDE_CELL + "@example.com"
    world.sheets.add_spreadsheet("1BoundedWide", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet("1BoundedWide", TAB, sheet_id=TAB_GID, rows=rows)
    body = menu_request(["A2:V201"], spreadsheet_id="1BoundedWide")
    response = invite(function.url, body, id_token=world.id_token(), timeout=120)
    assert response.status_code == 200, response.text[:2000]
    answer = response.json()
    assert answer["summary"]["ok"] == 190 and answer["summary"]["errors"] == 10
    assert len(response.content) < 1_000_000  # no 50 KB cell is echoed back
    reads = _reads(world, "1BoundedWide")
    header_read, selection_read = reads[0], reads[1]
    assert header_read == [f"'{TAB}'!1:5"]
    assert selection_read == [f"'{TAB}'!A6:B201"]  # name and email only, not the notes
    assert peak_mib(function.pid) < PEAK_MIB
    sent = [u for call in world.jobmojito.calls for u in call.json["users"]]
    assert len(sent) == 190 and all(len(u["name"]) < 100 for u in sent)


def test_max_rows_rows_of_50_kb_name_and_email_cells_stay_under_the_memory_bound(
    function: FunctionProcess, world: Sandbox
) -> None:
    """5,000 rows whose name and email cells hold 50,000 characters each: a 500 MB answer
    from Sheets, read as it streams in, each cell kept to its first 1,001 characters."""
    rows = [["Name", "Email"]] + [
        [f"{i}{WIDE_CELL}", f"{i}{WIDE_CELL}@example.com"] for i in range(5000)
    ]
    world.sheets.add_spreadsheet("1BoundedTall", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet("1BoundedTall", TAB, sheet_id=TAB_GID, rows=rows)
    body = menu_request(["A2:B5001"], spreadsheet_id="1BoundedTall", dry_run=True)
    response = invite(function.url, body, id_token=world.id_token(), timeout=120)
    assert response.status_code == 200, response.text[:2000]
    answer = response.json()
    assert answer["summary"]["selected"] == 5000 and answer["summary"]["errors"] == 5000
    assert {row["result"] for row in answer["rows"]} == {
        "Error: email is too long (over 1000 characters)"
    }
    assert all(len(row["email"]) == 1001 for row in answer["rows"])
    assert peak_mib(function.pid) < PEAK_MIB


def test_a_result_cell_too_long_to_put_back_keeps_its_text_and_its_row(
    function: FunctionProcess, world: Sandbox
) -> None:
    note = "A long note the recruiter pasted into the result column. " * 40
    rows = [["Name", "Email", "Result"], ["Ann", "ann@example.com", note], ["Bob", "bob@x.com"]]
    world.sheets.add_spreadsheet("1BoundedNote", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet("1BoundedNote", TAB, sheet_id=TAB_GID, rows=rows)
    body = menu_request(["A2:B3"], spreadsheet_id="1BoundedNote")
    response = invite(function.url, body, id_token=world.id_token(), timeout=60)
    assert response.status_code == 200, response.text[:2000]
    statuses = {row["row"]: row["status"] for row in response.json()["rows"]}
    assert statuses == {2: "not_sent", 3: "ok"}
    assert world.sheets.values("1BoundedNote", TAB)[1][2] == note
    sent = [u["email"] for call in world.jobmojito.calls for u in call.json["users"]]
    assert sent == ["bob@x.com"]


def test_peak_memory_is_measured(function: FunctionProcess) -> None:
    """The measure itself: a live function has a peak, and it is a plausible one."""
    assert httpx.get(function.function_url, timeout=5).status_code in (400, 405)
    assert 10 < peak_mib(function.pid) < PEAK_MIB


def test_new_output_columns_never_land_on_unread_cells(world: Sandbox) -> None:
    # Whole rows are not read, so a note right of the header (in a column without a header) is
    # unknown; the columns where new outputs would go are read, and, as they hold something,
    # the outputs go right of the grid instead, over nothing.
    rows = [
        ["Name", "Email"],
        *[[f"Filler {i}", f"filler{i}@example.com"] for i in range(2, 7)],  # the top rows
        ["Ada", "ada@example.com", "note: call first"],
        ["Bob", "bob@example.com", "", "", "", "far note"],
    ]
    world.sheets.add_spreadsheet("1BoundedNotes", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet("1BoundedNotes", TAB, sheet_id=TAB_GID, rows=rows, column_count=8)
    with FunctionProcess(world.function_env()) as function:
        body = menu_request(["A7:B8"], spreadsheet_id="1BoundedNotes")
        response = invite(function.url, body, id_token=world.id_token())
    assert response.status_code == 200, response.text
    assert response.json()["columns"] == {
        "interview_url": "I",
        "result": "J",
        "profile_interview_id": "K",
    }
    values = world.sheets.values("1BoundedNotes", TAB)
    assert values[6][:3] == rows[6] and values[7][:6] == rows[7]
    assert values[6][9] == values[7][9] == "ok"
    assert _reads(world, "1BoundedNotes")[1] == [f"'{TAB}'!A7:E8"]  # inputs and free columns


def test_rows_scattered_far_apart_are_refused_not_read_one_by_one(
    function: FunctionProcess, world: Sandbox
) -> None:
    world.sheets.add_spreadsheet("1BoundedFar", tokens=[RECRUITER_TOKEN])
    rows = [["Name", "Email"], ["Ann", "ann@example.com"]]
    world.sheets.add_sheet(
        "1BoundedFar", TAB, sheet_id=TAB_GID, rows=rows, row_count=5_000_000, column_count=2
    )
    ranges = [f"{n}:{n}" for n in range(100, 5_000_000, 20_000)]  # 250 rows, 20,000 apart
    body = menu_request(ranges, spreadsheet_id="1BoundedFar")
    response = invite(function.url, body, id_token=world.id_token())
    assert response.status_code == 413, response.text
    assert "fewer blocks" in response.json()["error"]["message"]
    assert _reads(world, "1BoundedFar") == [[f"'{TAB}'!1:5"]]  # the header rows only
    assert world.jobmojito.calls == []


def test_the_next_call_on_a_tab_reads_header_and_selection_in_one_read(
    function: FunctionProcess, world: Sandbox
) -> None:
    header = ["Name", "Email", "Notes", "Interview URL", "Result", "Profile interview ID"]
    rows = [header] + [[f"C {i}", f"c{i}@example.com", WIDE_CELL] for i in range(2, 30)]
    world.sheets.add_spreadsheet("1BoundedAgain", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet("1BoundedAgain", TAB, sheet_id=TAB_GID, rows=rows)
    first = invite(function.url, menu_request(["A6:A12"], spreadsheet_id="1BoundedAgain"),
                   id_token=world.id_token())  # fmt: skip
    assert first.status_code == 200, first.text
    reads = len(_reads(world, "1BoundedAgain"))
    again = invite(function.url, menu_request(["A13:A20"], spreadsheet_id="1BoundedAgain"),
                   id_token=world.id_token())  # fmt: skip
    assert again.status_code == 200, again.text
    assert [r["status"] for r in again.json()["rows"]] == ["ok"] * 8
    combined = _reads(world, "1BoundedAgain")[reads]
    assert combined[0] == f"'{TAB}'!1:5" and combined[1:] == [
        f"'{TAB}'!A13:B20",
        f"'{TAB}'!D13:F20",
    ]
    # The header changes (the notes move into B, the email into C): the guess is checked, and
    # the right columns are read in a second read.
    world.sheets.set_values("1BoundedAgain", TAB, "A1", [["Name", "Notes", "Email"]])
    moved_rows = [[WIDE_CELL, "x21@example.com"], [WIDE_CELL, "x22@example.com"]]
    world.sheets.set_values("1BoundedAgain", TAB, "B21", moved_rows)
    before = len(_reads(world, "1BoundedAgain"))
    moved = invite(function.url, menu_request(["A21:A22"], spreadsheet_id="1BoundedAgain"),
                   id_token=world.id_token())  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert [r["email"] for r in moved.json()["rows"]] == ["x21@example.com", "x22@example.com"]
    assert [r["status"] for r in moved.json()["rows"]] == ["ok", "ok"]
    header_read, selection_read = _reads(world, "1BoundedAgain")[before : before + 2]
    assert header_read[0] == f"'{TAB}'!1:5"
    assert selection_read == [f"'{TAB}'!A21:A22", f"'{TAB}'!C21:F22"]  # not the notes in B
