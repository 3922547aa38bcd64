"""The plan, over real HTTP: which rows are sent, skipped or refused, and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from sandbox.world import FunctionProcess, Sandbox
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]

EARLIER_LINK = (
    "https://interview.jobmojito.test/interview/04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
    "?token=earlier-run"
)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def emails_sent(world: Sandbox) -> list[str]:
    """Every email JobMojito received, lowercased, once per time it was sent."""
    return [u["email"].lower() for call in world.jobmojito.calls for u in call.json["users"]]


def results_by_row(answer: dict[str, Any]) -> dict[int, str]:
    return {r["row"]: r["result"] for r in answer["rows"]}


def cell(sheet: SheetUnderTest, a1: str) -> str:
    return sheet.world.sheets.cell(sheet.spreadsheet_id, sheet.title, a1)


def test_rows_with_a_bad_email_or_no_name_get_an_error_and_are_not_sent(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [
            ["Name", "Email"],
            ["Ada Lovelace", "ada@example.com"],
            ["Barbara Liskov", "barbara.liskov@example"],
            ["No Email", ""],
            ["", "no.name@example.com"],
            ["Spaces Only", "   "],
        ]
    )
    answer = ok(sheet.call(function, ["A2:B6"]))
    assert emails_sent(world) == ["ada@example.com"]
    assert cell(sheet, "D3").startswith("Error: invalid email address")
    assert cell(sheet, "D4") == "Error: email is empty"
    assert cell(sheet, "D5") == "Error: name is empty"
    assert cell(sheet, "D6") == "Error: email is empty"
    for row in (3, 4, 5, 6):
        assert cell(sheet, f"C{row}") == ""
        assert results_by_row(answer)[row] == cell(sheet, f"D{row}")
    assert answer["summary"]["errors"] == 4 and answer["summary"]["sent"] == 1


def test_duplicate_emails_are_sent_once(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()  # row 9 is Ada.Lovelace@Example.com, row 2 ada.lovelace@example.com
    answer = ok(sheet.call(function, ["A2:B13"]))
    assert emails_sent(world).count("ada.lovelace@example.com") == 1
    assert world.jobmojito.credits_by_email()["ada.lovelace@example.com"] == 1
    assert cell(sheet, "F9") == "Skipped: duplicate of row 2"
    assert cell(sheet, "E9") == ""
    assert results_by_row(answer)[9] == "Skipped: duplicate of row 2"
    assert cell(sheet, "E2") and cell(sheet, "F2") == "ok"


def test_duplicate_of_an_already_registered_row_is_not_sent_even_above_it(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(
        [
            ["Name", "Email", "Interview URL", "Result"],
            ["Ada again", "ADA@example.com"],
            ["Ada", "ada@example.com", EARLIER_LINK, "ok"],
        ]
    )
    answer = ok(sheet.call(function, ["A2:B3"]))
    assert world.jobmojito.calls == []
    assert results_by_row(answer) == {
        2: "Skipped: duplicate of row 3",
        3: "Skipped: already registered",
    }


def test_already_registered_rows_are_skipped_not_sent_not_written(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()  # row 3 (Alan Turing): "ok" and a link from an earlier run
    before = sheet.values()
    answer = ok(sheet.call(function, ["A2:B4"]))
    assert results_by_row(answer)[3] == "Skipped: already registered"
    assert "alan.turing@example.com" not in emails_sent(world)
    assert sheet.values()[2] == before[2]
    assert answer["summary"]["skipped"] == 1


def test_force_sends_already_registered_rows_again(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    answer = ok(sheet.call(function, ["A3"], force=True))
    assert emails_sent(world) == ["alan.turing@example.com"]
    (credit,) = world.jobmojito.credits
    assert results_by_row(answer) == {3: "ok"}
    assert cell(sheet, "E3") == credit.url != EARLIER_LINK
    assert cell(sheet, "F3") == "ok"


def test_dry_run_reports_what_a_run_would_do(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    answer = ok(sheet.call(function, ["A2:B13"], dry_run=True))
    summary = answer["summary"]
    assert (summary["sent"], summary["skipped"], summary["errors"]) == (8, 2, 2)
    results = results_by_row(answer)
    assert results[3] == "Skipped: already registered"
    assert results[7].startswith("Error: invalid email address")
    assert results[9] == "Skipped: duplicate of row 2"
    assert results[11] == "Error: name is empty"
    assert {row for row, text in results.items() if text == "Would send"} == {
        2, 4, 5, 6, 8, 10, 12, 13,
    }  # fmt: skip
    assert world.jobmojito.calls == []
    assert sheet.requests("values.batchUpdate") == 0


def test_rerunning_the_same_selection_sends_nothing_new(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    first = ok(sheet.call(function, ["A2:B13"]))
    after_first = sheet.values()
    calls_after_first = len(world.jobmojito.calls)
    second = ok(sheet.call(function, ["A2:B13"]))
    assert second["summary"]["sent"] == 0
    assert len(world.jobmojito.calls) == calls_after_first
    credits = world.jobmojito.credits_by_email()
    assert len(credits) == first["summary"]["sent"] == 8
    assert set(credits.values()) == {1}
    sent_first = {r["row"] for r in first["rows"] if r["result"] == "ok"}
    assert all(results_by_row(second)[row] == "Skipped: already registered" for row in sent_first)
    assert sheet.values() == after_first


def test_a_candidate_registered_on_a_row_outside_the_selection_is_not_sent_again(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    # Row 9 repeats row 2's candidate. Row 2 was registered by an earlier run (or by the
    # script's previous chunk); the recruiter now selects only row 9.
    sheet = new_sheet()
    first = sheet.call(function, ["A2"]).json()
    assert first["rows"][0]["result"] == "ok"
    calls = len(world.jobmojito.calls)
    answer = sheet.call(function, ["A9"]).json()
    assert answer["rows"][0]["result"] == "Skipped: duplicate of row 2"
    assert answer["summary"]["skipped"] == 1 and answer["summary"]["sent"] == 0
    assert len(world.jobmojito.calls) == calls
    assert cell(sheet, "F9") == "Skipped: duplicate of row 2"
    forced = sheet.call(function, ["A9"], force=True).json()
    assert forced["rows"][0]["result"] == "ok"
