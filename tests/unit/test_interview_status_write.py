"""Where a status refresh writes (pure): each row where it stands at write time, found by its
email and checked by its profile_interview_id and (when settled) its result cell; a row that
cannot be found for certain is not written but left for the next call. And the pending rows of
a personal invitation or a test run, settled in their own words."""

from __future__ import annotations

from typing import Any

from jobmojito_sheets.interview_status import (
    Refreshed,
    StatusRow,
    index_results,
    refresh_rows,
    settled_result,
    settling_record,
    write_checks,
    written_at,
)
from jobmojito_sheets.layout import find_status_layout
from jobmojito_sheets.locate import confirm_located, locate_rows
from jobmojito_sheets.read_plan import covers, readable_guess, row_reads, widened
from jobmojito_sheets.registry import PERSONAL_INVITATION, Record, RecordState
from jobmojito_sheets.row_status import (
    NOT_REFRESHED_MOVED,
    OK,
    OK_TEST,
    SETTLED_INVITED,
    SETTLED_NO_LINK,
    RowStatus,
    cell_state,
)

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
MARKER = "Pending (run abc123, 2026-01-01 10:00 UTC)"
OUTPUTS = ("interview_url", "result", "profile_interview_id")
HEADER = ["Name", "Email", "interview_url", "result", "profile_interview_id"]


def record(
    state: RecordState, url: str = "", *, kind: str = "", is_test: bool = False, email: str = "a"
) -> Record:
    return Record(
        INTERVIEW, email, state, "run1", "r@x.com", "S", "T", 2, "t", url, "pid",
        is_test=is_test, invite_type=kind,
    )  # fmt: skip


def column(*cells: str) -> list[list[str]]:
    return [[c] if c else [] for c in cells]


def item(email: str, **fields: Any) -> dict[str, Any]:
    return {"profile_interview_id": f"pi-{email}", "candidate_email": email, **fields}


# --- the settled row's words --------------------------------------------------------------


def test_a_settled_row_with_its_link_says_ok_and_a_test_runs_says_ok_test() -> None:
    assert settled_result(record(RecordState.REGISTERED, "https://l"), "https://l") == OK
    test = record(RecordState.REGISTERED, "https://l", is_test=True)
    assert settled_result(test, "https://l") == OK_TEST


def test_a_personal_invitations_pending_row_says_it_was_emailed_not_to_invite_again() -> None:
    for state in RecordState:  # answered and recorded, or only claimed before the answer
        assert settled_result(record(state, kind=PERSONAL_INVITATION), "") == SETTLED_INVITED
    # A record kept before runs said their type: registered without a link is /invite-users'.
    assert settled_result(record(RecordState.REGISTERED), "") == SETTLED_INVITED


def test_a_link_runs_row_without_its_link_says_invite_again_with_force() -> None:
    assert settled_result(record(RecordState.CLAIMED, kind="url"), "") == SETTLED_NO_LINK
    assert settled_result(record(RecordState.CLAIMED), "") == SETTLED_NO_LINK
    assert settled_result(None, "") == SETTLED_NO_LINK
    # The link's column is missing: the link cannot be written, so it is not "ok".
    linked = record(RecordState.REGISTERED, "https://l", kind="invitation")
    assert settled_result(linked, "") == SETTLED_NO_LINK


def test_the_personal_invitations_settled_text_reads_back_as_registered() -> None:
    assert cell_state(SETTLED_INVITED) is RowStatus.REGISTERED
    assert SETTLED_INVITED.startswith("Invited: ")


def test_a_personal_invitations_pending_row_found_in_the_results_is_settled_as_invited() -> None:
    row = StatusRow(2, "a@x.com", result=MARKER)
    stored = {"a@x.com": record(RecordState.CLAIMED, kind=PERSONAL_INVITATION, email="a@x.com")}
    index = index_results([item("a@x.com")], include_tests=False)
    (done,) = refresh_rows([row], index, stored, complete=True, outputs=OUTPUTS)
    assert done.status is RowStatus.SETTLED and done.writes["result"] == SETTLED_INVITED
    assert "interview_url" not in done.writes
    assert done.writes["profile_interview_id"] == "pi-a@x.com"


def test_a_test_record_settles_a_row_only_where_no_real_run_claimed_the_candidate() -> None:
    real = record(RecordState.CLAIMED)
    test = record(RecordState.REGISTERED, "https://test", is_test=True)
    assert settling_record(real, test) is real
    assert settling_record(None, test) is test
    assert settling_record(None, None) is None
    row = StatusRow(2, "a@x.com", result=MARKER)
    index = index_results([], include_tests=True)
    (done,) = refresh_rows([row], index, {"a@x.com": test}, complete=True, outputs=OUTPUTS)
    assert done.writes["result"] == OK_TEST and done.writes["interview_url"] == "https://test"


# --- where the cells go -------------------------------------------------------------------


def test_the_rows_to_write_are_checked_by_email_result_and_profile_interview_id() -> None:
    layout = find_status_layout([HEADER], 5)
    rows = [
        StatusRow(2, "a@x.com", "pi-a", result="ok"),
        StatusRow(3, "b@x.com", result=MARKER),
        StatusRow(4, "c@x.com", result="ok"),
    ]
    refreshed = [
        Refreshed(2, "a@x.com", RowStatus.CHANGED, "", writes={"score": 5}),
        Refreshed(3, "b@x.com", RowStatus.SETTLED, "", writes={"result": OK}),
        Refreshed(4, "c@x.com", RowStatus.UNCHANGED, ""),  # nothing to write: not checked
    ]
    expected, held = write_checks(rows, refreshed, layout)
    assert expected == {2: ("a@x.com", "ok"), 3: ("b@x.com", MARKER)}
    assert held == {2: {4: "pi-a"}, 3: {4: "", 3: MARKER}}


def test_a_tab_without_output_columns_checks_the_email_only() -> None:
    layout = find_status_layout([["Name", "Email"]], 2)
    rows = [StatusRow(2, "a@x.com")]
    refreshed = [Refreshed(2, "a@x.com", RowStatus.CHANGED, "", writes={"score": 5})]
    assert write_checks(rows, refreshed, layout) == ({2: ("a@x.com", "")}, {2: {}})


def test_a_sorted_tab_moves_every_row_with_its_own_cells() -> None:
    emails = column("Email", "c@x.com", "b@x.com", "a@x.com")
    pids = column("profile_interview_id", "pi-c", "pi-b", "pi-a")
    expected = {2: ("a@x.com", ""), 3: ("b@x.com", ""), 4: ("c@x.com", "")}
    held = {2: {4: "pi-a"}, 3: {4: "pi-b"}, 4: {4: "pi-c"}}
    located = locate_rows(expected, emails, [], 1)
    assert confirm_located(located, held, {4: pids}) == {2: 4, 3: 3, 4: 2}


def test_a_row_whose_profile_interview_id_changed_is_not_written() -> None:
    pids = column("profile_interview_id", "pi-other", "")
    located = {2: 2, 3: 3}
    held = {2: {4: "pi-a"}, 3: {4: ""}}
    assert confirm_located(located, held, {4: pids}) == {2: None, 3: 3}
    # An id typed into a row read without one is a change too.
    assert confirm_located({3: 3}, {3: {4: ""}}, {4: column("x", "", "pi-new")}) == {3: None}


def test_a_settled_rows_result_cell_must_still_hold_the_pending_marker() -> None:
    results = column("result", "Pending (run ffffff, 2026-01-02 10:00 UTC)")
    assert confirm_located({2: 2}, {2: {3: MARKER}}, {3: results}) == {2: None}
    assert confirm_located({2: 2}, {2: {3: MARKER}}, {3: column("result", MARKER)}) == {2: 2}
    assert confirm_located({2: None}, {2: {}}, {}) == {2: None}
    # A checked column that was not read counts as empty.
    assert confirm_located({2: 2}, {2: {9: "pi"}}, {}) == {2: None}


def test_rows_not_found_are_not_yet_for_the_next_call_and_written_ones_answer_where_they_are() -> (
    None
):
    refreshed = [
        Refreshed(2, "a@x.com", RowStatus.CHANGED, "u", {"score": 5}, {"score": 5}),
        Refreshed(3, "b@x.com", RowStatus.SETTLED, "ok", {"score": 1}, {"result": OK}),
        Refreshed(4, "c@x.com", RowStatus.UNCHANGED, "u", {"score": 2}),
    ]
    moved, lost, kept = written_at(refreshed, {2: 7})
    assert (moved.row, moved.status, dict(moved.writes)) == (7, RowStatus.CHANGED, {"score": 5})
    assert (lost.row, lost.status, lost.result) == (3, RowStatus.NOT_YET, NOT_REFRESHED_MOVED)
    assert lost.values is None and not lost.writes
    assert lost.to_json()["written"] is True  # nothing for the caller to write: never wrong
    assert kept == refreshed[2]


# --- the refresh's first read -------------------------------------------------------------


def test_the_invite_runs_columns_widened_by_the_status_columns_guess_the_refreshs() -> None:
    invited = ((0, 4),)  # name, email, interview_url, result, profile_interview_id
    seed = widened(invited, 4, 26)
    assert seed == ((0, 8),)
    assert covers(seed, [(0, 8)]) and covers(seed, [(0, 1), (3, 6)])
    assert not covers(seed, [(0, 9)])
    assert widened(((0, 1), (3, 4)), 4, 7) == ((0, 1), (3, 6))  # within the grid
    assert widened((), 4, 7) == ()


def test_a_guess_is_read_only_within_the_grid() -> None:
    assert readable_guess(((0, 8),), 8) == ((0, 7),)
    assert readable_guess(((0, 7),), 8) == ((0, 7),)
    assert readable_guess(((0, 1), (3, 5), (8, 9)), 8) == ((0, 1), (3, 5))
    assert readable_guess(((9, 12),), 8) is None
    assert readable_guess(None, 8) is None


def test_the_selection_is_read_in_the_same_spans_whatever_the_reader() -> None:
    assert row_reads([], [(0, 1)], 10) == []
    assert row_reads([(6, 5000)], [(0, 8)], 5000) == [[(6, 5000)]]
