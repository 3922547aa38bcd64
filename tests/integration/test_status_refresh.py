"""The status refresh (`"action": "status"`), over real HTTP: the function, the Sheets and
JobMojito stand-ins and the registration record (the Firestore emulator)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
SETTLED_INVITED = (
    "Invited: JobMojito has this candidate's emailed invitation (the run's answer was lost)"
)
SHEETS_KINDS = ("spreadsheets.get", "values.batchGet", "values.batchUpdate")
STATUS_HEADERS = ("interview_status", "score", "decision", "status_updated")
_ids = itertools.count(1)


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


def left_pending(
    sheet: SheetUnderTest, function: FunctionProcess, ranges: list[str], **fields: Any
) -> dict[str, str]:
    """Invite these rows, but let only the pending markers land (every later Sheets write
    fails): the links stay in the record (and in the lost answer). Returns the links sent so
    far, by email."""
    world = sheet.world
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)
    ok(sheet.call(function, ranges, **fields))
    world.sheets.clear_faults()
    return {c.email: c.url or "" for c in world.jobmojito.credits}


def test_pending_rows_settle_with_the_link_the_record_kept(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet(people("kept", 3))
    links = left_pending(sheet, function, ["2:4"])
    assert all(row[3].startswith("Pending (") for row in header_and_rows(sheet)[1])
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


def big_tab(world: Sandbox, rows: list[list[str]]) -> SheetUnderTest:
    """A tab of these rows in a grid 26 columns wide, as a recruiter's tab usually is."""
    spreadsheet_id = f"1StatusBig{next(_ids):04d}"
    world.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=(RECRUITER_TOKEN,))
    world.sheets.add_sheet(
        spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows, row_count=len(rows), column_count=26
    )
    return SheetUnderTest(world, spreadsheet_id)


def cost_of(sheet: SheetUnderTest, call: Callable[[], object]) -> tuple[int, int, int]:
    """The Sheets calls, JobMojito reads and Sheets writes one call made on this sheet."""
    world = sheet.world
    reads, calls = result_reads(world), sheets_calls(sheet)
    writes = sheet.requests("values.batchUpdate")
    call()
    return (
        sheets_calls(sheet) - calls,
        result_reads(world) - reads,
        sheet.requests("values.batchUpdate") - writes,
    )


def test_a_status_refresh_of_five_thousand_invited_rows_costs_six_jobmojito_and_four_sheets_calls(
    function: FunctionProcess, world: Sandbox
) -> None:
    emails = [f"cost{i}@example.com" for i in range(5000)]
    enrol(world, emails)
    for email in emails[:300]:
        world.jobmojito.complete(email, score=80)
    header = ["Name", "Email", "interview_url", "result", "profile_interview_id"]
    rows = [header] + [
        ["Someone", e, f"https://i.example/{i}", "ok", ""] for i, e in enumerate(emails)
    ]
    sheet = big_tab(world, rows)
    whole_tab = ["A1:Z5001"]
    # The invite run read this tab (here its preview: every row is registered, nothing sent).
    preview = ok(sheet.call(function, whole_tab, dry_run=True))
    assert preview["summary"]["skipped"] == 5000
    answers: list[dict[str, Any]] = []
    # The tab's properties; the top rows with the rows' columns (what the invite run read,
    # with the status columns right of them); the read that finds the rows where they stand
    # now; the write.
    cost = cost_of(sheet, lambda: answers.append(refresh(sheet, function, whole_tab)))
    (answer,) = answers
    assert answer["remaining"] == [] and answer["summary"]["rows"] == 5000
    assert answer["summary"]["completed"] == 300 and answer["summary"]["changed"] == 5000
    assert cost[0] == 4 and cost[1] <= 6 and cost[2] == 1
    # Nothing changed: the tab's properties and one read.
    assert cost_of(sheet, lambda: refresh(sheet, function, whole_tab))[0] == 2
    # A few changed: four calls again.
    for email in emails[300:310]:
        world.jobmojito.complete(email, score=70)
    cost = cost_of(sheet, lambda: answers.append(refresh(sheet, function, whole_tab)))
    assert answers[-1]["summary"]["changed"] == 10
    assert cost[0] == 4 and cost[1] <= 6 and cost[2] == 1


def test_the_first_refresh_of_a_tab_this_function_never_read_costs_one_sheets_read_more(
    function: FunctionProcess, world: Sandbox
) -> None:
    emails = [f"cold{i}@example.com" for i in range(5000)]
    enrol(world, emails)
    sheet = big_tab(world, [["Name", "Email"]] + [["Someone", e] for e in emails])
    # Its columns are not known before its header is read: the tab's properties, the top
    # rows, the rows' columns, the read that finds the rows, the write.
    cost = cost_of(sheet, lambda: refresh(sheet, function, ["A1:Z5001"]))
    assert cost[0] == 5 and cost[1] <= 6 and cost[2] == 1
    world.jobmojito.complete(emails[0], score=10)
    cost = cost_of(sheet, lambda: refresh(sheet, function, ["A1:Z5001"]))
    assert cost[0] == 4 and cost[1] <= 6 and cost[2] == 1


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


# --- the right cells reach the right row ----------------------------------------------------


def roomy_sheet(world: Sandbox, rows: list[list[str]], spare_rows: int) -> SheetUnderTest:
    """A tab with room for the output and status columns and `spare_rows` empty rows."""
    spreadsheet_id = f"1StatusMoved{next(_ids):04d}"
    world.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=(RECRUITER_TOKEN,))
    world.sheets.add_sheet(
        spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows,
        row_count=len(rows) + spare_rows, column_count=12,
    )  # fmt: skip
    return SheetUnderTest(world, spreadsheet_id)


def while_results_are_read(
    world: Sandbox, change: Callable[[], None], call: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Make the call; once it reads JobMojito's results (after it read the rows, before it
    writes), `change` the Sheet as a recruiter would, while JobMojito is still answering."""
    world.jobmojito.inject(Fault.delay_after_processing(1.5).only(RESULT_LIST_PATH))
    before = result_reads(world)
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(call)
        waited = time.monotonic()
        while result_reads(world) == before:
            assert not answer.done() and time.monotonic() - waited < 30
            time.sleep(0.01)
        change()
        return answer.result(timeout=60)


def data_rows(sheet: SheetUnderTest) -> list[list[str]]:
    """The rows below the header, each as wide as the widest."""
    values = sheet.values()
    width = max(len(row) for row in values)
    return [row + [""] * (width - len(row)) for row in values[1:]]


@pytest.mark.parametrize("change", ["sorted", "row inserted above"])
def test_rows_moved_while_the_results_are_read_get_their_own_status_and_link(
    start_function: Callable[..., FunctionProcess], world: Sandbox, change: str
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    emails = [f"moved{i}.{change[:3]}@example.com" for i in range(6)]
    sheet = roomy_sheet(
        world, [["Name", "Email"]] + [[f"C{i}", e] for i, e in enumerate(emails)], 2
    )
    ok(sheet.call(function, ["2:4"]))  # registered, their links in the Sheet
    links = left_pending(sheet, function, ["5:7"])  # the links of rows 5 to 7 in the record
    profiles = {r["candidate_email"]: r["profile_interview_id"] for r in world.jobmojito.results()}
    world.jobmojito.complete(emails[0], score=91)
    world.jobmojito.decide(emails[0], "selected")
    world.jobmojito.start(emails[1])
    world.jobmojito.complete(emails[3], score=42)
    world.jobmojito.complete(emails[4], score=77)
    world.jobmojito.decide(emails[4], "rejected")
    expected = {
        emails[0]: ["completed", "91", "selected"], emails[1]: ["started", "", ""],
        emails[2]: ["invited", "", ""], emails[3]: ["completed", "42", ""],
        emails[4]: ["completed", "77", "rejected"], emails[5]: ["invited", "", ""],
    }  # fmt: skip

    def rearrange() -> None:
        rows = data_rows(sheet)
        if change == "sorted":
            rows = sorted(rows, key=lambda row: row[1], reverse=True)
        else:
            rows = [[""] * len(rows[0]), *rows]
        world.sheets.set_values(sheet.spreadsheet_id, TAB, "A2", rows)

    answer = while_results_are_read(world, rearrange, lambda: refresh(sheet, function, ["2:7"]))
    assert sorted(statuses(answer)) == ["changed"] * 3 + ["settled"] * 3
    assert answer["remaining"] == []
    header, rows = header_and_rows(sheet)
    at = {name: column(header, name) for name in (*STATUS_HEADERS, "interview_url", "result")}
    at["profile_interview_id"] = column(header, "profile_interview_id")
    holding = {row[1]: row for row in rows if len(row) > 1 and row[1]}
    assert sorted(holding) == sorted(emails)
    for email, row in holding.items():  # each candidate's own stage, score, decision and link
        row = row + [""] * (len(header) - len(row))
        assert [row[at[n]] for n in ("interview_status", "score", "decision")] == expected[email]
        assert row[at["interview_url"]] == links[email]
        assert row[at["result"]] == "ok"
        assert row[at["profile_interview_id"]] == profiles[email]
    for entry in answer["rows"]:  # each answered where it stands now
        assert rows[entry["row"] - 2][1] == entry["email"]
    if change != "sorted":
        assert rows[0] == []  # the inserted row got nothing


def test_a_row_whose_email_changed_while_the_results_were_read_is_left_for_the_next_call(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    emails = [f"edited{i}@example.com" for i in range(3)]
    enrol(world, emails)
    world.jobmojito.complete(emails[1], score=55)
    sheet = new_sheet([["Name", "Email"]] + [[f"C{i}", e] for i, e in enumerate(emails)])

    def retype() -> None:
        world.sheets.set_values(sheet.spreadsheet_id, TAB, "B3", [["someone.else@example.com"]])

    answer = while_results_are_read(world, retype, lambda: refresh(sheet, function, ["2:4"]))
    assert statuses(answer) == ["changed", "not_yet", "changed"]
    assert answer["rows"][1]["result"].startswith("Not refreshed yet: the row moved or changed")
    assert answer["remaining"] == ["3:3"] and answer["summary"]["changed"] == 2
    rows = header_and_rows(sheet)[1]
    assert rows[1] == ["C1", "someone.else@example.com"]  # not the other candidate's status
    assert rows[0][2] == rows[2][2] == "invited"
    rest = refresh(sheet, function, answer["remaining"])  # what stands there now
    assert statuses(rest) == ["changed"] and header_and_rows(sheet)[1][1][2] == "not started"


# --- pending rows of other runs -------------------------------------------------------------


def test_a_personal_invitations_pending_rows_settle_as_emailed_invitations(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people("emailed", 2))
    world.jobmojito.inject(Fault.drop_after_processing())  # invited, the answer lost
    first = ok(sheet.call(function, ["2:3"], type="personal_invitation"))
    assert set(statuses(first)) == {"pending"}
    answer = refresh(sheet, function, ["2:3"])
    assert statuses(answer) == ["settled"] * 2
    assert {row["result"] for row in answer["rows"]} == {SETTLED_INVITED}
    header, rows = header_and_rows(sheet)
    assert {row[column(header, "result")] for row in rows} == {SETTLED_INVITED}
    assert all(row[column(header, "profile_interview_id")] for row in rows)
    assert all(not row[column(header, "interview_url")] for row in rows)  # it has no link
    # Neither kind of run sends them again: settled reads back as registered.
    again = ok(sheet.call(function, ["2:3"], type="personal_invitation"))
    assert set(statuses(again)) == {"registered"}
    assert set(statuses(ok(sheet.call(function, ["2:3"])))) == {"registered"}


def test_a_test_runs_pending_rows_settle_from_the_test_records_in_a_test_refresh_only(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet(people("trial", 2))
    links = left_pending(sheet, function, ["2:3"], is_test=True)  # in the test records
    plain = refresh(sheet, function, ["2:3"])  # test results and test records ignored
    assert statuses(plain) == ["still_pending"] * 2
    tested = refresh(sheet, function, ["2:3"], is_test=True)
    assert statuses(tested) == ["settled"] * 2
    header, rows = header_and_rows(sheet)
    for row in rows:
        assert row[column(header, "result")] == "ok (test)"
        assert row[column(header, "interview_url")] == links[row[1]]
