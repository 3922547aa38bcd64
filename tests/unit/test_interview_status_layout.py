"""Where the status refresh's columns go (`layout.find_status_layout`), and the rows it takes
in one call (`selection.take_rows`)."""

from __future__ import annotations

import pytest
from jobmojito_sheets.errors import BadRequest
from jobmojito_sheets.layout import find_layout, find_status_layout
from jobmojito_sheets.selection import take_rows


def test_status_columns_are_found_by_header_in_any_spelling() -> None:
    header = ["Email", "INTERVIEW_STATUS", "score", "De-cision", "Status  updated", "Result"]
    layout = find_status_layout([header], 6)
    assert {k: layout.outputs[k] for k in ("interview_status", "score", "decision")} == {
        "interview_status": 1,
        "score": 2,
        "decision": 3,
    }
    assert layout.outputs["status_updated"] == 4 and layout.outputs["result"] == 5
    assert layout.new_headers == {}


def test_missing_status_columns_go_right_of_the_table_and_of_anything_read() -> None:
    layout = find_status_layout([["Name", "Email", "", "Notes"]], 6)
    assert {layout.outputs[k] for k in layout.new_headers.values()} == {6, 7, 8, 9}
    assert layout.new_headers == {
        6: "interview_status",
        7: "score",
        8: "decision",
        9: "status_updated",
    }


def test_the_refresh_creates_no_output_column_and_needs_no_name() -> None:
    layout = find_status_layout([["Email", "Interview status"]], 2)
    assert set(layout.outputs) == {"interview_status", "score", "decision", "status_updated"}
    assert layout.name is None


def test_the_refresh_needs_an_email_column() -> None:
    with pytest.raises(BadRequest) as caught:
        find_status_layout([["Name", "Score"]], 2)
    assert caught.value.code == "no_email_column"


def test_the_invite_run_never_takes_or_creates_status_columns() -> None:
    layout = find_layout([["Name", "Email", "Interview status", "Score"]], 4)
    assert set(layout.outputs) == {"interview_url", "result", "profile_interview_id"}
    assert set(layout.new_headers) == {4, 5, 6}  # right of the status columns, not over them


def test_take_rows_splits_spans_at_a_row_count() -> None:
    assert take_rows([(6, 10), (20, 29)], 8) == ([(6, 10), (20, 22)], [(23, 29)])
    assert take_rows([(6, 10)], 5) == ([(6, 10)], [])
    assert take_rows([(6, 10), (12, 12)], 5) == ([(6, 10)], [(12, 12)])
