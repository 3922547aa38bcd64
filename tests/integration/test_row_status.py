"""Row status codes over real HTTP: every answer row says its `status`, the summary counts
them, and the preview says what the real run then does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jobmojito_sheets.row_status import SUMMARY_FIELDS, RowStatus

from sandbox.jobmojito_api import Fault
from sandbox.world import FunctionProcess, Sandbox
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]
CODES = {str(status) for status in RowStatus}


@pytest.fixture(autouse=True)
def _clean_stand_ins(world: Sandbox) -> Iterator[None]:
    world.jobmojito.reset()
    yield
    world.jobmojito.reset()
    world.sheets.clear_faults()


def _answer(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    for row in body["rows"]:
        assert row["status"] in CODES, row
        assert list(row)[:4] == ["row", "email", "status", "result"], row
    return body


def _statuses(answer: dict[str, Any]) -> dict[int, str]:
    return {r["row"]: r["status"] for r in answer["rows"]}


def test_preview_and_run_of_the_demo_sheet_say_each_row_by_code(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet()
    preview = _answer(sheet.call(function, ["2:13"], dry_run=True))
    assert _statuses(preview) == {
        2: "would_send",
        3: "registered",
        4: "would_send",
        5: "would_send",
        6: "would_send",
        7: "invalid",
        8: "would_send",
        9: "duplicate",
        10: "would_send",
        11: "invalid",
        12: "would_send",
        13: "would_send",
    }
    run = _answer(sheet.call(function, ["2:13"]))
    expected = {row: ("ok" if s == "would_send" else s) for row, s in _statuses(preview).items()}
    assert _statuses(run) == expected
    counts = Counter(_statuses(run).values())
    assert run["summary"] == {
        "selected": 12,
        "sent": 8,
        "ok": counts["ok"],
        "errors": 2,
        "skipped": 2,
        "pending": 0,
        "not_sent": 0,
        "not_yet": 0,
        "recovered": 0,
    }
    assert tuple(run["summary"]) == SUMMARY_FIELDS
    # A second run leaves everything alone: registered rows say so.
    again = _answer(sheet.call(function, ["2:13"]))
    assert {s for s in _statuses(again).values()} == {"registered", "duplicate", "invalid"}


def test_a_row_left_ok_without_its_link_is_registered_in_the_preview_and_the_run(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    # Bug: the preview said "Would send" while the real run skipped the row as registered.
    rows = [
        ["Name", "Email", "Interview URL", "Result"],
        ["Ann", "ann@example.com", "", "ok"],
        ["Bob", "bob@example.com", "", ""],
    ]
    sheet = new_sheet(rows)
    preview = _answer(sheet.call(function, ["2:3"], dry_run=True))
    run = _answer(sheet.call(function, ["2:3"]))
    assert _statuses(preview) == {2: "registered", 3: "would_send"}
    assert _statuses(run) == {2: "registered", 3: "ok"}
    assert preview["summary"]["sent"] == run["summary"]["sent"] == 1
    assert set(world.jobmojito.credits_by_email()) == {"bob@example.com"}
    assert sheet.values()[1][:4] == ["Ann", "ann@example.com", "", "ok"]  # left alone


def test_the_preview_sees_a_candidate_registered_outside_the_selection(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    _answer(sheet.call(function, ["A2"]))  # row 2 (Ada) is registered
    preview = _answer(sheet.call(function, ["A9"], dry_run=True))  # row 9 repeats Ada
    calls = len(world.jobmojito.calls)
    run = _answer(sheet.call(function, ["A9"]))
    assert _statuses(preview) == _statuses(run) == {9: "duplicate"}
    assert preview["rows"][0]["result"] == run["rows"][0]["result"]
    assert preview["summary"]["sent"] == run["summary"]["sent"] == 0
    assert len(world.jobmojito.calls) == calls


def test_rows_past_the_time_budget_are_not_yet_never_not_sent(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    # Bug: `Not sent yet` rows were counted in `not_sent`, which the script read as a failure.
    function = start_function(
        BATCH_SIZE="2", CONCURRENCY="1", SHEETS_WRITE_INTERVAL_SECONDS="0.01",
        DEADLINE_SECONDS="2.5",
    )  # fmt: skip
    world.jobmojito.latency = 0.4
    sheet = new_sheet()
    answer = _answer(sheet.call(function, ["2:13"]))
    left = [r for r in answer["rows"] if r["status"] == "not_yet"]
    assert left and answer["remaining"] and answer["summary"]["ok"] > 0
    assert answer["summary"]["not_yet"] == len(left)
    assert answer["summary"]["not_sent"] == 0
    follow = _answer(sheet.call(function, answer["remaining"]))
    assert {r["row"] for r in follow["rows"]} == {r["row"] for r in left}
    assert follow["summary"]["not_sent"] == 0


def test_pending_interrupted_and_not_sent_rows_carry_their_codes(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(BATCH_SIZE="2", CONCURRENCY="1", SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet()
    world.jobmojito.inject(Fault.status(500))  # the first batch may have been processed
    first = _answer(sheet.call(function, ["2:2", "4:4"]))
    assert _statuses(first) == {2: "pending", 4: "pending"}
    assert first["summary"]["pending"] == 2
    again = _answer(sheet.call(function, ["2:2", "4:4"]))
    assert _statuses(again) == {2: "interrupted", 4: "interrupted"}
    world.jobmojito.inject(Fault.status(503, times=50))  # certainly not processed
    response = sheet.call(function, ["5:6"])
    assert response.status_code == 502, response.text
    assert response.json()["error"]["code"] == "jobmojito_unreachable"
    assert {r["status"] for r in response.json()["rows"]} == {"not_sent"}


def test_a_jobmojito_per_row_error_is_error_and_a_bad_row_is_invalid(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    world.jobmojito.reject_email("grace.hopper@example.com", "Error: no credits left")
    answer = _answer(sheet.call(function, ["4:4", "7:7", "11:11"]))
    assert _statuses(answer) == {4: "error", 7: "invalid", 11: "invalid"}
    assert answer["summary"]["errors"] == 3


def test_a_row_never_sent_whose_marker_could_not_be_removed_says_what_its_cell_must_hold(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(BATCH_SIZE="2", CONCURRENCY="1", SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    rows = [["Name", "Email", "Result"]] + [
        [f"C{i}", f"c{i}@example.com", "Error: old typo" if i == 8 else ""] for i in range(10)
    ]
    sheet = new_sheet(rows)
    world.jobmojito.latency = 0.3
    # Only the markers land; the Retry-After of 0 makes the failing write fail fast.
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)
    answer = _answer(sheet.call(function, ["2:11"]))
    never = [r for r in answer["rows"] if r["status"] == "not_sent"]
    assert never, answer["summary"]
    for row in never:
        # The marker is still in the Sheet; the caller puts back what the cell held.
        assert row["written"] is False and row["result"].startswith("Not sent")
        assert row["result_cell"] == ("Error: old typo" if row["row"] == 10 else "")
    sent = {c.email for c in world.jobmojito.credits}
    assert {r["email"] for r in never}.isdisjoint(sent)
    assert all("result_cell" not in r for r in answer["rows"] if r["status"] == "ok")
