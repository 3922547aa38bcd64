"""Row status rules: one reading of the Sheet's result cell, one summary from statuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jobmojito_sheets.row_status import (
    ACTIVATED,
    ALREADY_INVITED,
    INVITED,
    OK_TEST,
    REFRESH_STATUSES,
    SETTLED_NO_LINK,
    SUMMARY_FIELDS,
    RowStatus,
    cell_state,
    jobmojito_error,
    pending_marker,
    summarize,
)


@pytest.mark.parametrize("cell", ["ok", "OK", " ok ", "Ok"])
def test_ok_in_any_case_is_registered(cell: str) -> None:
    assert cell_state(cell) is RowStatus.REGISTERED


def test_a_pending_marker_is_interrupted() -> None:
    marker = pending_marker("a1b2c3", datetime(2026, 11, 30, 3, 4, tzinfo=UTC))
    assert cell_state(marker) is RowStatus.INTERRUPTED


@pytest.mark.parametrize(
    "cell",
    ["", "Error: no credit", "Skipped: duplicate of row 4", "okay", "ok!", "Pending", "Would send"],
)
def test_anything_else_may_be_sent(cell: str) -> None:
    assert cell_state(cell) is None


def test_summary_counts_each_status_in_its_field() -> None:
    statuses = [
        RowStatus.OK,
        RowStatus.OK,
        RowStatus.REGISTERED,
        RowStatus.DUPLICATE,
        RowStatus.INTERRUPTED,
        RowStatus.INVALID,
        RowStatus.ERROR,
        RowStatus.PENDING,
        RowStatus.NOT_SENT,
        RowStatus.NOT_YET,
        RowStatus.NOT_YET,
    ]
    assert summarize(statuses, sent=4) == {
        "selected": 11,
        "sent": 4,
        "ok": 2,
        "errors": 2,
        "skipped": 3,
        "pending": 1,
        "not_sent": 1,
        "not_yet": 2,
        "recovered": 0,
    }


def test_not_yet_is_never_counted_as_not_sent() -> None:
    summary = summarize([RowStatus.NOT_YET] * 30, sent=0)
    assert summary["not_sent"] == 0 and summary["not_yet"] == 30


def test_every_status_is_counted_somewhere_or_is_a_preview() -> None:
    for status in RowStatus:
        summary = summarize([status], sent=0)
        counted = sum(summary[f] for f in SUMMARY_FIELDS if f not in ("selected", "sent"))
        uncounted = status is RowStatus.WOULD_SEND or status in REFRESH_STATUSES
        assert counted == (0 if uncounted else 1), status


@pytest.mark.parametrize(
    "text",
    ["ok (test)", OK_TEST, SETTLED_NO_LINK, INVITED, ACTIVATED, ALREADY_INVITED, "OK (Test)"],
)
def test_test_mode_settled_and_personal_invitation_results_read_back_as_registered(
    text: str,
) -> None:
    assert cell_state(text) is RowStatus.REGISTERED


@pytest.mark.parametrize("text", ["okay", "ok-ish", "Invited", "Skipped: duplicate of row 4"])
def test_texts_that_only_look_like_done_may_be_sent(text: str) -> None:
    assert cell_state(text) is None


def test_personal_invitation_results_count_as_ok_or_skipped() -> None:
    summary = summarize([RowStatus.INVITED, RowStatus.ACTIVATED, RowStatus.ALREADY_INVITED], sent=3)
    assert (summary["ok"], summary["skipped"]) == (2, 1)


def test_jobmojito_errors_are_kept_bounded_and_nothing_else_is_one() -> None:
    assert jobmojito_error("Error: no credit") == "Error: no credit"
    assert len(jobmojito_error("Error: " + "x" * 900) or "") == 500
    assert jobmojito_error("Invited") is None
