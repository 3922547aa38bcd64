"""The status refresh (`"action": "status"`), over real HTTP: the function, the Sheets and
JobMojito stand-ins and the registration record (the Firestore emulator)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import RESULT_LIST_PATH, Fault
from sandbox.world import (
    INTERVIEW_ID,
    JOBMOJITO_TOKEN,
    MERCHANT_ID,
    RECRUITER_TOKEN,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
)
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]
MARKER = "Pending (run 0a1b2c, 2026-01-01 10:00 UTC)"
SETTLED_NO_LINK = (
    "ok (registered; its link was not kept: invite this row again with force for a fresh link)"
)
SHEETS_KINDS = ("spreadsheets.get", "values.batchGet", "values.batchUpdate")


@pytest.fixture(autouse=True)
def _clean_stand_ins(world: Sandbox) -> Iterator[None]:
    world.jobmojito.reset()
    yield
    world.jobmojito.clear_faults()
    world.sheets.clear_faults()


def people(tag: str, count: int) -> list[list[str]]:
    """A header and `count` candidates whose emails no other test uses (the record is shared)."""
    return [["Name", "Email"]] + [[f"Candidate {i}", f"{tag}{i}@example.com"] for i in range(count)]


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refresh(
    sheet: SheetUnderTest, function: FunctionProcess, ranges: list[str], **fields: Any
) -> dict[str, Any]:
    return ok(sheet.call(function, ranges, action="status", **fields))


def statuses(answer: dict[str, Any]) -> list[str]:
    return [row["status"] for row in answer["rows"]]


def result_reads(world: Sandbox) -> int:
    return sum(1 for call in world.jobmojito.reads if call.endpoint == RESULT_LIST_PATH)


def sheets_calls(sheet: SheetUnderTest) -> int:
    return sum(1 for r in sheet.world.sheets.requests if sheet.spreadsheet_id in r.path)


def enrol(world: Sandbox, emails: list[str], *, is_test: bool = False) -> None:
    """Register candidates straight with the JobMojito stand-in (as another tool would)."""
    url = world.servers["jobmojito"].url + "/job-interview-register-users"
    for start in range(0, len(emails), 1000):
        users = [{"name": "Someone", "email": e} for e in emails[start : start + 1000]]
        body: dict[str, Any] = {"interview_id": INTERVIEW_ID, "merchant_id": MERCHANT_ID}
        body["users"] = users
        if is_test:
            body["is_test"] = True
        answer = httpx.post(
            url, json=body, headers={"Authorization": f"Bearer {JOBMOJITO_TOKEN}"}, timeout=60
        )
        assert answer.status_code == 200, answer.text


def header_and_rows(sheet: SheetUnderTest) -> tuple[list[str], list[list[str]]]:
    values = sheet.values()
    return values[0], values[1:]


def column(header: list[str], name: str) -> int:
    return header.index(name)


def test_a_refresh_writes_stage_score_and_decision_and_a_second_one_writes_nothing(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people("flow", 4))
    invited = ok(sheet.call(function, ["2:5"]))
    assert set(statuses(invited)) == {"ok"}
    world.jobmojito.start("flow1@example.com")
    world.jobmojito.complete("flow2@example.com", score=87)
    world.jobmojito.complete("flow3@example.com", score=72.5)
    world.jobmojito.decide("flow3@example.com", "rejected")

    first = refresh(sheet, function, ["2:5"])
    assert statuses(first) == ["changed"] * 4
    assert first["columns"] == {
        "interview_status": "F",
        "score": "G",
        "decision": "H",
        "status_updated": "I",
    }
    header, rows = header_and_rows(sheet)
    assert header[5:9] == ["interview_status", "score", "decision", "status_updated"]
    assert [row[5:8] for row in rows] == [
        ["invited", "", ""],
        ["started", "", ""],
        ["completed", "87", ""],
        ["completed", "72.5", "rejected"],
    ]
    assert all(len(row[8]) == 20 and row[8].endswith("Z") for row in rows)  # ISO, UTC
    assert first["rows"][2]["score"] == 87 and first["rows"][3]["decision"] == "rejected"
    assert first["summary"] == {
        "rows": 4, "completed": 2, "started": 1, "not_started": 1, "selected": 0,
        "rejected": 1, "undecided": 1, "changed": 4, "other_interview": 0, "settled": 0,
        "still_pending": 0,
    }  # fmt: skip
    credits = len(world.jobmojito.credits)

    writes = sheet.requests("values.batchUpdate")
    again = refresh(sheet, function, ["2:5"])
    assert statuses(again) == ["unchanged"] * 4 and again["summary"]["changed"] == 0
    assert sheet.requests("values.batchUpdate") == writes  # nothing rewritten
    assert len(world.jobmojito.credits) == credits  # a refresh spends nothing

    world.jobmojito.decide("flow2@example.com", "selected")
    third = refresh(sheet, function, ["2:5"])
    assert statuses(third) == ["unchanged", "unchanged", "changed", "unchanged"]
    assert sheet.requests("values.batchUpdate") == writes + 1
    _, rows = header_and_rows(sheet)
    assert rows[2][7] == "selected"


def test_rows_are_matched_by_email_when_they_have_no_id_and_paged_past_a_thousand(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    emails = [f"many{i}@example.com" for i in range(1200)]
    enrol(world, emails)
    world.jobmojito.complete(emails[0], score=90)  # the oldest enrolment, on the last page
    rows = [["Name", "Email"]] + [["Someone", email.upper()] for email in emails]
    sheet = new_sheet(rows)
    reads = result_reads(world)
    answer = refresh(sheet, function, ["2:1201"])
    assert result_reads(world) - reads == 2  # 1,000 a page
    assert answer["summary"]["rows"] == 1200 and answer["summary"]["completed"] == 1
    assert answer["summary"]["not_started"] == 1199
    _, values = header_and_rows(sheet)
    assert values[0][2:4] == ["completed", "90"] and values[1][2] == "invited"


def test_paging_stops_once_every_selected_row_has_its_result(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    emails = [f"early{i}@example.com" for i in range(1500)]
    enrol(world, emails)
    world.jobmojito.complete(emails[3], score=60)  # updated last: on the first page
    sheet = new_sheet([["Name", "Email"], ["One", emails[3]], ["Two", emails[-1]]])
    reads = result_reads(world)
    answer = refresh(sheet, function, ["2:3"])
    assert result_reads(world) - reads == 1
    assert [row["interview_status"] for row in answer["rows"]] == ["completed", "invited"]


def test_a_row_of_another_interview_is_left_untouched_and_counted(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    enrol(world, ["other0@example.com", "other1@example.com"])
    world.jobmojito.complete("other0@example.com", score=50)
    sheet = new_sheet(
        [
            ["Name", "Email", "profile_interview_id", "Interview status"],
            ["Zero", "other0@example.com", "7d0f3c1e-0000-4000-8000-000000000000", "typed"],
            ["One", "other1@example.com"],
        ]
    )
    answer = refresh(sheet, function, ["2:3"])
    assert statuses(answer) == ["other_interview", "changed"]
    assert answer["summary"]["other_interview"] == 1
    _, rows = header_and_rows(sheet)
    assert rows[0] == [
        "Zero",
        "other0@example.com",
        "7d0f3c1e-0000-4000-8000-000000000000",
        "typed",
    ]
    assert rows[1][3] == "invited"


def test_test_results_count_only_when_the_refresh_asks_for_them(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    enrol(world, ["mode0@example.com"], is_test=True)
    world.jobmojito.complete("mode0@example.com", score=99)
    sheet = new_sheet([["Name", "Email"], ["Zero", "mode0@example.com"]])
    plain = refresh(sheet, function, ["2:2"])
    assert plain["rows"][0]["interview_status"] == "not started"
    tested = refresh(sheet, function, ["2:2"], is_test=True)
    assert tested["rows"][0]["interview_status"] == "completed"
    assert header_and_rows(sheet)[1][0][2:4] == ["completed", "99"]


def test_pending_rows_settle_with_the_link_the_record_kept(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet(people("kept", 3))
    # Only the markers land; the links stay in the record (and in the lost answer).
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)
    ok(sheet.call(function, ["2:4"]))
    world.sheets.clear_faults()
    assert all(row[3].startswith("Pending (") for row in header_and_rows(sheet)[1])
    links = {c.email: c.url for c in world.jobmojito.credits}
    credits = len(world.jobmojito.credits)

    answer = refresh(sheet, function, ["2:4"])
    assert statuses(answer) == ["settled"] * 3 and answer["summary"]["settled"] == 3
    header, rows = header_and_rows(sheet)
    for row in rows:
        assert row[column(header, "interview_url")] == links[row[1]]
        assert row[column(header, "result")] == "ok"
        assert row[column(header, "profile_interview_id")]
        assert row[column(header, "interview_status")] == "invited"
    assert len(world.jobmojito.credits) == credits  # nothing sent
    assert statuses(refresh(sheet, function, ["2:4"])) == ["unchanged"] * 3


def test_pending_rows_jobmojito_knows_but_no_link_was_kept_say_so(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people("lost", 2))
    world.jobmojito.inject(Fault.drop_after_processing())  # registered, the answer lost
    first = ok(sheet.call(function, ["2:3"]))
    assert set(statuses(first)) == {"pending"}
    answer = refresh(sheet, function, ["2:3"])
    assert statuses(answer) == ["settled"] * 2
    header, rows = header_and_rows(sheet)
    assert {row[column(header, "result")] for row in rows} == {SETTLED_NO_LINK}
    assert all(row[column(header, "profile_interview_id")] for row in rows)
    # A later invite run leaves them alone: settled reads back as registered.
    again = ok(sheet.call(function, ["2:3"]))
    assert set(statuses(again)) == {"registered"}


def test_a_pending_row_nobody_knows_stays_pending(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [["Name", "Email", "Result"], ["Nobody", "nobody.pending@example.com", MARKER]]
    )
    answer = refresh(sheet, function, ["2:2"])
    assert statuses(answer) == ["still_pending"] and answer["summary"]["still_pending"] == 1
    assert answer["rows"][0]["result"].startswith("Still pending")
    _, rows = header_and_rows(sheet)
    assert rows[0][2:4] == [MARKER, "not started"]


def test_a_status_refresh_of_five_thousand_rows_costs_six_jobmojito_and_four_sheets_calls(
    function: FunctionProcess, world: Sandbox
) -> None:
    emails = [f"cost{i}@example.com" for i in range(5000)]
    enrol(world, emails)
    for email in emails[:300]:
        world.jobmojito.complete(email, score=80)
    spreadsheet_id = "1StatusCost5000"
    world.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=(RECRUITER_TOKEN,))
    rows = [["Name", "Email"]] + [["Someone", email] for email in emails]
    world.sheets.add_sheet(
        spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows, row_count=5001, column_count=26
    )
    sheet = SheetUnderTest(world, spreadsheet_id)
    reads, calls = result_reads(world), sheets_calls(sheet)
    answer = refresh(sheet, function, ["A1:Z5001"])
    assert answer["remaining"] == [] and answer["summary"]["rows"] == 5000
    assert answer["summary"]["completed"] == 300 and answer["summary"]["changed"] == 5000
    assert result_reads(world) - reads <= 6
    assert sheets_calls(sheet) - calls <= 4
    assert sheet.requests("values.batchUpdate") == 1
    # The next refresh reads the same columns with the top rows and has nothing to write:
    # the tab's properties and one read.
    reads, calls = result_reads(world), sheets_calls(sheet)
    again = refresh(sheet, function, ["A1:Z5001"])
    assert again["summary"]["changed"] == 0
    assert result_reads(world) - reads <= 6 and sheets_calls(sheet) - calls == 2


def test_rows_past_max_rows_are_left_for_the_next_call(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(MAX_ROWS="3")
    sheet = new_sheet(people("limit", 10))
    answer = refresh(sheet, function, ["2:11"])
    # The top five rows come with the header; MAX_ROWS counts the rows below them.
    assert [row["row"] for row in answer["rows"]] == [2, 3, 4, 5, 6, 7, 8]
    assert answer["remaining"] == ["9:11"]
    rest = refresh(sheet, function, answer["remaining"])
    assert [row["row"] for row in rest["rows"]] == [9, 10, 11] and rest["remaining"] == []
    assert {row[2] for row in sheet.values()[1:]} == {"not started"}


def test_rows_whose_result_the_deadline_left_unread_are_remaining(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(DEADLINE_SECONDS="5")
    emails = [f"late{i}@example.com" for i in range(1100)]
    enrol(world, emails)
    # Newest update first: the last enrolled is on the first page, the first on the second,
    # which JobMojito answers too late.
    world.jobmojito.inject(Fault.delay_after_processing(0.0).only(RESULT_LIST_PATH))
    world.jobmojito.inject(Fault.delay_after_processing(20.0).only(RESULT_LIST_PATH))
    sheet = new_sheet([["Name", "Email"], ["New", emails[-1]], ["Old", emails[0]]])
    started = time.monotonic()
    answer = refresh(sheet, function, ["2:3"])
    assert time.monotonic() - started < 5.5
    assert statuses(answer) == ["changed", "not_yet"] and answer["remaining"] == ["3:3"]
    new, old = sheet.values()[1:]
    assert new[2] == "invited" and old == ["Old", emails[0]]  # the unread row untouched
