"""How a run ends: the rows it did not start, and whether it answers 200 or an error (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.results import Outcome
from jobmojito_sheets.row_status import NOT_SENT_UNREACHABLE, NOT_YET, RowStatus
from jobmojito_sheets.selection import rows_as_ranges


@dataclass(frozen=True)
class Ending:
    """`unsent`: the outcomes of the rows never started; `remaining`: those the next call does,
    after `retry_after` seconds when Google's Sheets quota asks for a wait."""

    unsent: dict[int, Outcome]
    remaining: list[str]
    retry_after: int | None = None


def run_fails(stop: InviteError | None, answered_any: bool) -> bool:
    """A stop fails the run, except JobMojito becoming unreachable after it answered a batch:
    then the run goes through with the rest `not_sent`. A failed run writes no refusals."""
    if stop is None:
        return False
    return stop.code is not ErrorCode.JOBMOJITO_UNREACHABLE or not answered_any


def ending(
    unsent: Sequence[int], stop: InviteError | None, sheets_error: InviteError | None
) -> Ending:
    """Rows never started: `not_yet` and listed in `remaining` when only time ran out, or when
    the Sheets quota ran out (the next call waits `retry_after_seconds`); `not_sent` when the
    run stopped (they keep the outcome they have, unless JobMojito was unreachable, which
    they then say)."""
    if not unsent:
        return Ending({}, [])
    quota = sheets_error is not None and sheets_error.code is ErrorCode.SHEETS_QUOTA_EXCEEDED
    if stop is None and (sheets_error is None or quota):
        outcomes = {row: Outcome(row, RowStatus.NOT_YET, NOT_YET) for row in unsent}
        wait = sheets_error.extra.get("retry_after_seconds") if quota and sheets_error else None
        return Ending(outcomes, rows_as_ranges(unsent), int(wait) if wait is not None else None)
    if stop is not None and stop.code is ErrorCode.JOBMOJITO_UNREACHABLE:
        outcomes = {row: Outcome(row, RowStatus.NOT_SENT, NOT_SENT_UNREACHABLE) for row in unsent}
        return Ending(outcomes, [])
    return Ending({}, [])


def run_error(
    stop: InviteError | None,
    answered_any: bool,
    sheets_error: InviteError | None,
    sent_any: bool,
) -> InviteError | None:
    """The error the run answers instead of 200, if any: the stop when it fails the run, or a
    Sheets failure that kept the run from sending anything at all."""
    if stop is not None and run_fails(stop, answered_any):
        return stop
    if sheets_error is not None and not sent_any:
        return sheets_error
    return None
