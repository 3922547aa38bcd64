"""Ending rules: rows never started, and whether a run answers 200 or an error."""

from __future__ import annotations

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.finish import ending, run_error, run_fails
from jobmojito_sheets.row_status import NOT_SENT_UNREACHABLE, RowStatus

UNREACHABLE = InviteError(code=ErrorCode.JOBMOJITO_UNREACHABLE)
CREDENTIALS = InviteError(code=ErrorCode.JOBMOJITO_CREDENTIALS_REJECTED)
SHEETS = InviteError(code=ErrorCode.SHEETS_UNAVAILABLE)


def test_rows_left_when_time_ran_out_are_not_yet_and_remaining() -> None:
    end = ending([5, 6, 7, 9], None, None)
    assert end.remaining == ["5:7", "9:9"]
    assert {o.status for o in end.unsent.values()} == {RowStatus.NOT_YET}
    assert set(end.unsent) == {5, 6, 7, 9}


def test_rows_left_when_jobmojito_was_unreachable_are_not_sent_and_not_remaining() -> None:
    end = ending([5], UNREACHABLE, None)
    assert end.remaining == []
    assert end.unsent[5].status is RowStatus.NOT_SENT
    assert end.unsent[5].result == NOT_SENT_UNREACHABLE


def test_rows_left_after_another_stop_keep_their_outcome() -> None:
    assert ending([5], CREDENTIALS, None).unsent == {}
    assert ending([5], None, SHEETS) == ending([5], CREDENTIALS, None)
    assert ending([], None, None).remaining == []


def test_rows_left_when_the_sheets_quota_ran_out_are_remaining_after_a_wait() -> None:
    quota = InviteError(code=ErrorCode.SHEETS_QUOTA_EXCEEDED)
    quota.extra["retry_after_seconds"] = 42
    end = ending([5, 6], None, quota)
    assert end.remaining == ["5:6"] and end.retry_after == 42
    assert {o.status for o in end.unsent.values()} == {RowStatus.NOT_YET}


def test_unreachable_after_an_answer_goes_through_anything_else_fails() -> None:
    assert not run_fails(None, answered_any=False)
    assert not run_fails(UNREACHABLE, answered_any=True)
    assert run_fails(UNREACHABLE, answered_any=False)
    assert run_fails(CREDENTIALS, answered_any=True)


def test_the_run_error_is_the_stop_or_a_sheets_failure_before_anything_was_sent() -> None:
    assert run_error(CREDENTIALS, True, None, True) is CREDENTIALS
    assert run_error(UNREACHABLE, True, None, True) is None
    assert run_error(None, False, SHEETS, sent_any=False) is SHEETS
    assert run_error(None, True, SHEETS, sent_any=True) is None
