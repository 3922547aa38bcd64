"""The faults issue's rules, one at a time: write ahead, progressive writes, pending rows,
restored rows, the time budget and `written: false`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox.jobmojito_api import Fault
from sandbox.world import FunctionProcess, Sandbox
from tests.integration.conftest import ONE_AT_A_TIME, SheetUnderTest, answer_of, cell

NewSheet = Callable[..., SheetUnderTest]
URL, RESULT = 4, 5  # columns E and F of the demo tab


pytestmark = pytest.mark.usefixtures("stand_ins_cleaned")


def test_every_row_of_the_call_is_marked_pending_before_its_first_batch_is_sent(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet()
    seen: dict[int, list[list[str]]] = {}

    def look(call: int) -> None:
        seen.setdefault(call, sheet.values())

    world.jobmojito.on_processed = look
    answer_of(sheet.call(function, ["A2:B5"]))
    # While JobMojito works on call 1 (rows 2 and 4; row 3 is already registered), every row
    # to send already says Pending, row 5 (the next batch) too: one write marks them all.
    during_first = seen[1]
    assert cell(during_first, 2, RESULT).startswith("Pending (run ")
    assert cell(during_first, 4, RESULT).startswith("Pending (run ")
    assert cell(during_first, 5, RESULT).startswith("Pending (run ")
    assert cell(during_first, 3, RESULT) == "ok"  # already registered: untouched
    assert cell(seen[2], 5, RESULT).startswith("Pending (run ")
    assert all(cell(sheet.values(), r, RESULT) == "ok" for r in (2, 4, 5))


def test_an_ambiguous_answer_leaves_rows_pending_and_a_later_run_does_not_resend_them(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet()
    world.jobmojito.inject(Fault.status(500))
    answer = answer_of(sheet.call(function, ["A2:B4"]))
    assert answer["summary"]["pending"] == 2
    assert {r["row"] for r in answer["rows"] if r["result"].startswith("Pending (run ")} == {2, 4}
    assert cell(sheet.values(), 2, RESULT).startswith("Pending (run ")
    calls = len(world.jobmojito.calls)
    preview = answer_of(sheet.call(function, ["A2:B4"], dry_run=True))
    texts = {r["row"]: r["result"] for r in preview["rows"]}
    assert (
        texts[2]
        == texts[4]
        == ("Skipped: pending from an interrupted run: check in JobMojito, then use force")
    )
    again = answer_of(sheet.call(function, ["A2:B4"]))
    assert again["summary"]["sent"] == 0 and len(world.jobmojito.calls) == calls
    forced = answer_of(sheet.call(function, ["A2:B2"], force=True))
    assert forced["rows"][0]["result"] == "ok"


def test_a_row_missing_from_the_answer_stays_pending(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet()
    world.jobmojito.inject(Fault.shorter(1))
    answer = answer_of(sheet.call(function, ["A2:B4"]))
    results = {r["row"]: r for r in answer["rows"]}
    assert results[2]["result"] == "ok"
    assert results[4]["result"].startswith("Pending (run ") and "interview_url" not in results[4]
    assert cell(sheet.values(), 4, RESULT).startswith("Pending (run ")


@pytest.mark.parametrize(
    ("status", "answered"),
    [(401, 502), (403, 403), (404, 404), (409, 409), (422, 422), (429, 502)],
)
def test_a_batch_jobmojito_did_not_process_gets_back_exactly_what_it_held(
    start_function: Callable[..., FunctionProcess],
    new_sheet: NewSheet,
    world: Sandbox,
    status: int,
    answered: int,
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    rows = [["Name", "Email", "Candidate ID", "Notes", "Interview URL", "Result"]]
    rows += [["Ann", "ann@example.com", "C-1", "", "", "Error: earlier typo"]]
    rows += [["Bob", "bob@example.com", "C-2", "", "", ""]]
    sheet = new_sheet(rows)
    before = sheet.values()
    world.jobmojito.inject(Fault.status(status, times=10))
    response = sheet.call(function, ["A2:B3"])
    assert response.status_code == answered, response.text
    assert sheet.values()[1:] == before[1:]
    assert world.jobmojito.credits == []


def test_after_the_deadline_the_rest_is_answered_as_remaining(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME, DEADLINE_SECONDS="2.5")
    sheet = new_sheet()
    world.jobmojito.latency = 0.4
    answer = answer_of(sheet.call(function, ["A2:B13"]))
    assert answer["remaining"], answer["summary"]
    left = [r for r in answer["rows"] if r["result"].startswith("Not sent yet")]
    assert left and all(cell(sheet.values(), r["row"], RESULT) == "" for r in left)
    follow = answer_of(sheet.call(function, answer["remaining"]))
    done = {r["row"] for r in follow["rows"] if r["result"] == "ok"}
    assert {r["row"] for r in left} <= done | {
        r["row"] for r in follow["rows"] if follow["remaining"]
    }
    assert set(world.jobmojito.credits_by_email().values()) == {1}


def test_links_the_sheet_would_not_take_are_in_the_answer_with_written_false(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet()
    world.sheets.inject("values.batchUpdate", 500, times=-1, after=1)  # only the markers land
    answer = answer_of(sheet.call(function, ["A2:B13"]))
    unwritten = [r for r in answer["rows"] if r["written"] is False]
    links = {r["interview_url"]: r["email"].lower() for r in unwritten if "interview_url" in r}
    issued = {c.url: c.email for c in world.jobmojito.credits}
    assert links and links == issued  # every link returned, each with its own candidate
    # The planned refusals could not be written either, and say so.
    assert {r["row"] for r in unwritten if r["result"].startswith(("Error", "Skipped"))} == {
        7,
        9,
        11,
    }
    # Every row was marked in the first write, so batches went on; each link is in the answer
    # for the script to write, and no row is left claiming a link it does not have.
    assert all(r["status"] in ("ok", "invalid", "duplicate", "registered", "not_sent")
               for r in answer["rows"])  # fmt: skip


def test_a_call_whose_deadline_leaves_no_time_to_send_sends_nothing_and_leaves_no_pending_row(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME, DEADLINE_SECONDS="0.5")
    sheet = new_sheet()
    before = sheet.values()
    answer = answer_of(sheet.call(function, ["A2:B13"]))
    assert world.jobmojito.calls == []
    assert answer["remaining"] == ["2:2", "4:6", "8:8", "10:10", "12:13"]
    assert {r["status"] for r in answer["rows"]} == {
        "not_yet",
        "registered",
        "invalid",
        "duplicate",
    }
    # The markers were put back; the planned refusals are written as in any run that went through.
    after = sheet.values()
    for row in (2, 4, 5, 6, 8, 10, 12, 13):
        assert cell(after, row, RESULT) == cell(before, row, RESULT)
