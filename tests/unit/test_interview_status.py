"""The status refresh's rules (`interview_status`), on plain data."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from jobmojito_sheets.interview_status import (
    NOT_STARTED,
    ResultIndex,
    StatusRow,
    all_found,
    index_results,
    iso_utc,
    moment,
    pending_keys,
    plain_word,
    refresh_rows,
    score_value,
    shown,
    status_rows,
    summarize_refresh,
)
from jobmojito_sheets.layout import STATUS_COLUMNS, find_status_layout
from jobmojito_sheets.registry import Record, RecordState
from jobmojito_sheets.results import CellValue, value_ranges
from jobmojito_sheets.row_status import (
    NOT_REFRESHED_YET,
    OK,
    OTHER_INTERVIEW,
    SETTLED_NO_LINK,
    STATUS_UNCHANGED,
    STATUS_UPDATED,
    STILL_PENDING,
    RowStatus,
)

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
MARKER = "Pending (run abc123, 2026-01-01 10:00 UTC)"
ALL_OUTPUTS = ("interview_url", "result", "profile_interview_id")


def result(email: str, **fields: Any) -> dict[str, Any]:
    """A `merchant-result-list` item as JobMojito answers it (the fields the refresh reads)."""
    item: dict[str, Any] = {
        "profile_interview_id": f"pi-{email}",
        "candidate_email": email,
        "status": "invited",
        "coach_status": "not_started",
        "decision_status": None,
        "score": None,
        "is_test": False,
        "updated_at": "2026-11-30T09:15:00.000Z",
    }
    item.update(fields)
    return item


def refreshed(rows: list[StatusRow], items: list[dict[str, Any]], **kwargs: Any) -> Any:
    include_tests = kwargs.pop("include_tests", False)
    index = index_results(items, include_tests=include_tests)
    kwargs.setdefault("complete", True)
    kwargs.setdefault("outputs", ALL_OUTPUTS)
    stored = kwargs.pop("stored", {})
    return refresh_rows(rows, index, stored, **kwargs)


def record(email: str, state: RecordState, url: str = "", pid: str = "") -> Record:
    return Record(INTERVIEW, email, state, "run1", "r@example.com", "S", "T", 2, "t", url, pid)


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coach", "status", "word"),
    [
        ("not_started", "invited", "invited"),
        ("started", "active", "started"),
        ("completed", "active", "completed"),
        ("", "invited", "invited"),
        ("", "", "invited"),
        ("in_review", "active", "in review"),
    ],
)
def test_the_stage_is_coach_status_once_started_else_status(
    coach: str, status: str, word: str
) -> None:
    assert plain_word(coach, status) == word


@pytest.mark.parametrize(
    ("value", "number"),
    [(87, 87), (87.0, 87), (87.5, 87.5), ("91", 91), (None, None), (True, None), ("n/a", None)],
)
def test_a_score_is_a_number_whole_when_it_can_be(value: object, number: object) -> None:
    got = score_value(value)
    assert got == number and type(got) is type(number)


def test_scores_are_compared_as_sheets_shows_them() -> None:
    assert [shown(87), shown(87.5), shown(87.0), shown("completed")] == [
        "87",
        "87.5",
        "87",
        "completed",
    ]


def test_updated_at_becomes_an_iso_utc_date_time_to_the_second() -> None:
    assert iso_utc(moment("2026-11-30T09:15:00.123Z")) == "2026-11-30T09:15:00Z"
    assert iso_utc(moment("2026-11-30T10:15:00+01:00")) == "2026-11-30T09:15:00Z"
    assert iso_utc(moment("not a time")) == ""


# --- matching -----------------------------------------------------------------------------


def test_a_row_is_matched_by_its_profile_interview_id_before_its_email() -> None:
    items = [
        result("ada@example.com", profile_interview_id="pi-1", coach_status="completed", score=90),
        result("ada@example.com", profile_interview_id="pi-2", updated_at="2027-01-01T00:00:00Z"),
    ]
    (row,) = refreshed([StatusRow(2, "ada@example.com", profile_interview_id="pi-1")], items)
    assert row.values["interview_status"] == "completed" and row.values["score"] == 90


def test_a_row_without_id_is_matched_by_email_in_any_spelling() -> None:
    nfd = unicodedata.normalize("NFD", "Zoë.Álvarez@Example.COM")
    items = [result("zoë.álvarez@example.com", coach_status="started", status="active")]
    (row,) = refreshed([StatusRow(2, nfd)], items)
    assert row.status is RowStatus.CHANGED
    assert row.values["interview_status"] == "started"


def test_the_most_recently_updated_record_of_a_mailbox_wins() -> None:
    items = [
        result("b@example.com", profile_interview_id="new", updated_at="2026-12-01T00:00:00Z"),
        result(
            "b@example.com",
            profile_interview_id="old",
            coach_status="completed",
            updated_at="2026-12-02T00:00:00Z",
        ),
    ]
    (row,) = refreshed([StatusRow(2, "b@example.com")], items)
    assert row.values["interview_status"] == "completed"
    assert row.values["status_updated"] == "2026-12-02T00:00:00Z"


def test_a_row_of_another_interview_is_untouched_even_when_its_email_matches() -> None:
    items = [result("c@example.com", coach_status="completed")]
    (row,) = refreshed([StatusRow(2, "c@example.com", profile_interview_id="elsewhere")], items)
    assert (row.status, row.result, row.values, dict(row.writes)) == (
        RowStatus.OTHER_INTERVIEW,
        OTHER_INTERVIEW,
        None,
        {},
    )


def test_test_results_are_ignored_unless_asked_for() -> None:
    items = [result("t@example.com", coach_status="completed", is_test=True)]
    (ignored,) = refreshed([StatusRow(2, "t@example.com")], items)
    (included,) = refreshed([StatusRow(2, "t@example.com")], items, include_tests=True)
    assert ignored.values["interview_status"] == NOT_STARTED
    assert included.values["interview_status"] == "completed"
    # A row whose id names an ignored test result is left alone, as another interview's.
    (by_id,) = refreshed(
        [StatusRow(2, "t@example.com", profile_interview_id="pi-t@example.com")], items
    )
    assert by_id.status is RowStatus.OTHER_INTERVIEW


def test_a_row_with_no_record_says_not_started() -> None:
    (row,) = refreshed([StatusRow(2, "nobody@example.com")], [])
    assert dict(row.writes) == {"interview_status": NOT_STARTED}
    assert row.status is RowStatus.CHANGED and row.result == STATUS_UPDATED


def test_a_row_without_usable_email_or_id_is_invalid_and_untouched() -> None:
    (row,) = refreshed([StatusRow(2, "not an address")], [result("x@example.com")])
    assert row.status is RowStatus.INVALID and row.values is None and not row.writes
    assert row.result.startswith("Error: invalid email address")


# --- only what changed ---------------------------------------------------------------------


def test_only_cells_that_differ_from_what_the_sheet_shows_are_written() -> None:
    items = [
        result("d@example.com", coach_status="completed", score=87.5, decision_status="selected")
    ]
    current = {
        "interview_status": "completed",
        "score": "87.5",
        "decision": "",
        "status_updated": "2026-11-30T09:15:00Z",
    }
    (row,) = refreshed([StatusRow(2, "d@example.com", shown=current)], items)
    assert dict(row.writes) == {"decision": "selected"}
    assert row.status is RowStatus.CHANGED


def test_a_row_already_current_is_not_rewritten() -> None:
    items = [result("e@example.com", coach_status="completed", score=87)]
    current = {
        "interview_status": "completed",
        "score": "87",
        "decision": "",
        "status_updated": "2026-11-30T09:15:00Z",
    }
    (row,) = refreshed([StatusRow(2, "e@example.com", shown=current)], items)
    assert (row.status, row.result, dict(row.writes)) == (RowStatus.UNCHANGED, STATUS_UNCHANGED, {})


# --- pending rows ---------------------------------------------------------------------------


def test_a_pending_row_the_record_kept_a_link_for_is_settled_with_it() -> None:
    stored = {"f@example.com": record("f@example.com", RecordState.REGISTERED, "https://l/f", "p")}
    (row,) = refreshed([StatusRow(2, "f@example.com", result=MARKER)], [], stored=stored)
    assert row.status is RowStatus.SETTLED and row.result == OK
    assert row.writes["result"] == OK and row.writes["interview_url"] == "https://l/f"
    assert row.writes["profile_interview_id"] == "p"


def test_a_pending_row_found_only_in_the_results_is_settled_without_link() -> None:
    stored = {"g@example.com": record("g@example.com", RecordState.CLAIMED)}
    items = [result("g@example.com")]
    (row,) = refreshed([StatusRow(2, "g@example.com", result=MARKER)], items, stored=stored)
    assert row.status is RowStatus.SETTLED and row.writes["result"] == SETTLED_NO_LINK
    assert "interview_url" not in row.writes
    assert row.writes["profile_interview_id"] == "pi-g@example.com"


def test_a_settled_link_needs_its_column() -> None:
    stored = {"f@example.com": record("f@example.com", RecordState.REGISTERED, "https://l/f")}
    rows = [StatusRow(2, "f@example.com", result=MARKER)]
    (row,) = refreshed(rows, [], stored=stored, outputs=("result",))
    assert dict(row.writes)["result"] == SETTLED_NO_LINK and "interview_url" not in row.writes


def test_a_pending_row_nobody_knows_stays_pending_with_its_status_cells() -> None:
    stored = {"h@example.com": record("h@example.com", RecordState.CLAIMED)}
    (row,) = refreshed([StatusRow(2, "h@example.com", result=MARKER)], [], stored=stored)
    assert (row.status, row.result) == (RowStatus.STILL_PENDING, STILL_PENDING)
    assert dict(row.writes) == {"interview_status": NOT_STARTED}  # result cell left as it is


def test_pending_rows_wait_when_the_record_could_not_be_read() -> None:
    rows = [StatusRow(2, "i@example.com", result=MARKER), StatusRow(3, "j@example.com")]
    waiting, other = refreshed(rows, [result("i@example.com")], records_read=False)
    assert (waiting.status, waiting.result, dict(waiting.writes)) == (
        RowStatus.NOT_YET,
        NOT_REFRESHED_YET,
        {},
    )
    assert other.status is RowStatus.CHANGED


def test_only_pending_rows_are_looked_up() -> None:
    rows = [
        StatusRow(2, "K@Example.com", result=MARKER),
        StatusRow(3, "l@example.com", result="ok"),
    ]
    assert pending_keys(rows) == ["k@example.com"]


# --- paging --------------------------------------------------------------------------------


def test_paging_stops_once_every_row_has_its_record() -> None:
    rows = [StatusRow(2, "m@example.com"), StatusRow(3, "n@example.com", profile_interview_id="x")]
    first = index_results([result("m@example.com")], include_tests=False)
    both = index_results(
        [result("m@example.com"), result("z@example.com", profile_interview_id="x")],
        include_tests=False,
    )
    assert not all_found(rows, first) and all_found(rows, both)
    assert all_found([StatusRow(4, "bad address")], ResultIndex())  # needs no result


def test_rows_not_found_before_the_deadline_are_not_yet() -> None:
    rows = [StatusRow(2, "o@example.com"), StatusRow(3, "p@example.com", profile_interview_id="q")]
    found, *waiting = refreshed(rows, [result("o@example.com")], complete=False)
    assert found.status is RowStatus.CHANGED
    assert [r.status for r in waiting] == [RowStatus.NOT_YET]


def test_a_result_met_twice_is_counted_and_its_latest_version_kept() -> None:
    items = [
        result("r@example.com"),
        result("r@example.com", coach_status="started", updated_at="2026-12-01T00:00:00Z"),
    ]
    index = index_results(items, include_tests=False)
    assert index.repeats == 1
    assert index.by_id["pi-r@example.com"].interview_status == "started"


# --- summary -------------------------------------------------------------------------------


def test_the_summary_counts_stages_decisions_and_changes() -> None:
    items = [
        result("a@example.com", coach_status="completed", decision_status="selected"),
        result("b@example.com", coach_status="completed", decision_status="rejected"),
        result("c@example.com", coach_status="completed"),
        result("d@example.com", coach_status="started"),
        result("e@example.com"),
    ]
    rows = [
        StatusRow(n, email)
        for n, email in enumerate(
            ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com",
             "f@example.com"],
            start=2,
        )
    ]  # fmt: skip
    rows.append(StatusRow(8, "g@example.com", profile_interview_id="elsewhere"))
    rows.append(StatusRow(9, "h@example.com", result=MARKER))
    summary = summarize_refresh(refreshed(rows, items))
    assert summary == {
        "rows": 8,
        "completed": 3,
        "started": 1,
        "not_started": 3,
        "selected": 1,
        "rejected": 1,
        "undecided": 1,
        "changed": 7,
        "other_interview": 1,
        "settled": 0,
        "still_pending": 1,
    }


def test_a_row_not_refreshed_yet_is_counted_by_the_call_that_refreshes_it() -> None:
    items = [result("a@example.com", coach_status="completed", decision_status="selected")]
    rows = [StatusRow(2, "a@example.com"), StatusRow(3, "late@example.com")]
    first = refreshed(rows, items, complete=False)
    assert [item.status for item in first] == [RowStatus.CHANGED, RowStatus.NOT_YET]
    summary = summarize_refresh(first)
    assert summary["rows"] == 1 and summary["completed"] == 1 and summary["not_started"] == 0


# --- the Sheet -----------------------------------------------------------------------------


def test_rows_are_read_from_the_status_layout_and_blank_rows_left_out() -> None:
    header = ["Name", "Email", "Result", "Interview status", "Score"]
    layout = find_status_layout([header], 5)
    cells = {
        2: {0: "Ada", 1: "ada@example.com", 2: MARKER, 3: "invited", 4: "87"},
        3: {},
        4: {3: "completed"},  # only a status cell: a blank candidate row
    }
    (row,) = status_rows(layout, cells)
    assert (row.row, row.email, row.result) == (2, "ada@example.com", MARKER)
    assert dict(row.shown) == {
        "interview_status": "invited",
        "score": "87",
        "decision": "",
        "status_updated": "",
    }


def test_numbers_are_written_as_numbers_in_runs_of_adjacent_cells() -> None:
    # The invite run's range builder serves the refresh: status columns are in `outputs`.
    layout = find_status_layout([["Name", "Email"]], 2)
    data = value_ranges("Tab", layout, {2: {"interview_status": "completed", "score": 87}})
    assert data == [{"range": "'Tab'!C2:D2", "values": [["completed", 87]]}]
    assert set(STATUS_COLUMNS) == set(layout.new_headers.values())


def test_adjacent_rows_writing_the_same_status_cells_are_one_range() -> None:
    layout = find_status_layout([["Name", "Email"]], 2)
    cells: dict[int, dict[str, CellValue]] = {
        2: {"score": 87, "decision": "selected"},
        3: {"score": 9.5, "decision": ""},
    }
    data = value_ranges("Tab", layout, {**cells, 5: {"score": 1}})
    assert data == [
        {"range": "'Tab'!D2:E3", "values": [[87, "selected"], [9.5, ""]]},
        {"range": "'Tab'!D5", "values": [[1]]},
    ]
