"""JobMojito, over real HTTP: what it receives, in how many calls, and how its answers land."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from sandbox.jobmojito_api import Fault
from sandbox.world import INTERVIEW_ID, MERCHANT_ID, FunctionProcess, Sandbox
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]

URL, RESULT = 4, 5  # 0-based columns of "Interview URL" (E) and "Result" (F) in the demo tab
# The demo tab's sendable rows, in sheet order (3 is registered, 7 and 11 are errors, 9 a
# duplicate of 2).
SENDABLE = {
    2: "ada.lovelace@example.com",
    4: "grace.hopper@example.com",
    5: "katherine.johnson@example.com",
    6: "edsger.dijkstra@example.com",
    8: "donald.knuth@example.com",
    10: "zoe.alvarez@example.com",
    12: "margaret.hamilton@example.com",
    13: "radia.perlman@example.com",
}


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def error_message(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    message: str = error["message"]
    return message


def at(rows: list[list[str]], row: int, col: int) -> str:
    """Cell of trimmed values by 1-based sheet row and 0-based column ("" past the end)."""
    cells = rows[row - 1] if row - 1 < len(rows) else []
    return cells[col] if col < len(cells) else ""


def emails_sent(world: Sandbox) -> list[str]:
    return [u["email"].lower() for call in world.jobmojito.calls for u in call.json["users"]]


def assert_links_are_the_issued_ones(
    sheet: SheetUnderTest, before: list[list[str]]
) -> dict[int, str]:
    """Every link this run wrote is the one JobMojito issued for that row's email, and no link
    is on two rows. Returns the new links by row."""
    issued: dict[str, list[str]] = {}
    for credit in sheet.world.jobmojito.credits:
        issued.setdefault(credit.email, []).append(credit.url or "")
    after = sheet.values()
    links = [at(after, row, URL) for row in range(2, len(after) + 1)]
    assert [link for link, n in Counter(links).items() if link and n > 1] == []
    new: dict[int, str] = {}
    for row in range(2, len(after) + 1):
        link = at(after, row, URL)
        if link and link != at(before, row, URL):
            email = at(after, row, 1).lower()
            assert issued.get(email) == [link], f"row {row} ({email}) got {link}"
            new[row] = link
    return new


# --- the request ---------------------------------------------------------------------------


def test_body_for_type_url(function: FunctionProcess, new_sheet: NewSheet, world: Sandbox) -> None:
    sheet = new_sheet()
    ok(sheet.call(function, ["A2:B4"], type="url", hide_menu=False))
    (call,) = world.jobmojito.calls
    assert (call.method, call.endpoint) == ("POST", "/job-interview-register-users")
    assert call.headers["authorization"] == "Bearer <redacted>"
    assert call.json == {
        "interview_id": INTERVIEW_ID,
        "type": "url",
        "send_email": False,
        "hide_menu": False,
        "merchant_id": MERCHANT_ID,
        "users": [
            {"name": "Ada Lovelace", "email": "ada.lovelace@example.com", "external_id": "C-001"},
            {"name": "Grace Hopper", "email": "grace.hopper@example.com", "external_id": "C-003"},
        ],
    }
    assert {c.type for c in world.jobmojito.credits} == {"url"}
    assert world.jobmojito.emails_sent == []


def test_type_invitation_sends_email_and_spends_invitation_credits(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    ok(sheet.call(function, ["A2:B4"], type="invitation", hide_menu=True))
    (call,) = world.jobmojito.calls
    assert call.json["type"] == "invitation"
    assert call.json["send_email"] is True
    assert call.json["hide_menu"] is True
    assert {c.type for c in world.jobmojito.credits} == {"invitation"}
    assert world.jobmojito.emails_sent == ["ada.lovelace@example.com", "grace.hopper@example.com"]
    assert sheet.values()[1][RESULT] == "ok"


def test_rows_are_sent_in_batches_of_batch_size(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(BATCH_SIZE="3")
    sheet = new_sheet()
    answer = ok(sheet.call(function, ["A2:B13"]))
    assert sorted(len(call.json["users"]) for call in world.jobmojito.calls) == [2, 3, 3]
    assert sorted(emails_sent(world)) == sorted(SENDABLE.values())
    assert answer["summary"]["sent"] == answer["summary"]["ok"] == 8


# --- answers that do not line up with the request ------------------------------------------


def test_reordered_answer_puts_each_link_on_its_own_row(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    before = sheet.values()
    world.jobmojito.inject(Fault.reorder())
    ok(sheet.call(function, ["A2:B13"]))
    assert set(assert_links_are_the_issued_ones(sheet, before)) == set(SENDABLE)


def test_shorter_answer_gives_the_missing_row_no_link(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    before = sheet.values()
    world.jobmojito.inject(Fault.shorter())
    ok(sheet.call(function, ["A2:B13"]))
    missing_email = world.jobmojito.calls[0].json["users"][-1]["email"].lower()
    (missing_row,) = [row for row, email in SENDABLE.items() if email == missing_email]
    new = assert_links_are_the_issued_ones(sheet, before)
    assert set(new) == set(SENDABLE) - {missing_row}
    # Today the row reads "Error: no result returned by JobMojito"; the faults issue turns it
    # into a pending mark. Either way it must not read "ok" nor carry anyone's link.
    assert at(sheet.values(), missing_row, URL) == ""
    assert at(sheet.values(), missing_row, RESULT) != "ok"


def test_answer_naming_a_foreign_email_gives_nobody_its_link(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    before = sheet.values()
    world.jobmojito.inject(Fault.foreign_email("stranger@example.org", index=0))
    ok(sheet.call(function, ["A2:B13"]))
    first_email = world.jobmojito.calls[0].json["users"][0]["email"].lower()
    (foreign_link,) = [c.url for c in world.jobmojito.credits if c.email == first_email]
    after = sheet.values()
    assert all(foreign_link not in cells for cells in after)
    assert all("stranger@example.org" not in cells for cells in after)
    new = assert_links_are_the_issued_ones(sheet, before)
    assert set(new) == {row for row, email in SENDABLE.items() if email != first_email}


# --- JobMojito refusing --------------------------------------------------------------------


def test_credentials_rejected_mid_run_stops_and_keeps_what_was_registered(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(BATCH_SIZE="2", CONCURRENCY="1")
    sheet = new_sheet()
    before = sheet.values()
    # Faults are consumed one per call, in order: a zero delay lets call 1 through untouched,
    # then call 2 meets the 401.
    world.jobmojito.inject(Fault.delay_after_processing(0.0))
    world.jobmojito.inject(Fault.status(401))
    response = sheet.call(function, ["A2:B13"])
    error_message(response, 502, "jobmojito_credentials_rejected")
    assert [call.status for call in world.jobmojito.calls] == [200, 401]
    new = assert_links_are_the_issued_ones(sheet, before)
    assert set(new) == {2, 4}
    after = sheet.values()
    assert at(after, 2, RESULT) == at(after, 4, RESULT) == "ok"
    for row in range(5, len(before) + 1):
        assert after[row - 1] == before[row - 1], f"row {row} was marked"


def test_unknown_interview_is_422_naming_interview_id_and_restores_every_row(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet()
    before = sheet.values()
    response = sheet.call(function, ["A2:B13"], interview_id="00000000-0000-0000-0000-000000000000")
    message = error_message(response, 422, "jobmojito_rejected_request")
    assert "interview_id" in message
    assert world.jobmojito.credits == []
    after = sheet.values()
    # The rows were marked pending before the batch went out (write ahead); a 422 proves
    # JobMojito processed nothing, so each row holds exactly what it held before.
    assert after[1:] == before[1:]
    # The only lasting change is the missing output column's header.
    assert after[0] == [*before[0], "profile_interview_id"]
