"""Which rows of a wave may be marked and sent, decided against a fresh read of the tab (pure).

Before a wave of batches is sent, the function reads the tab's email and result columns once.
A row is sent only if no row of the tab holds its candidate as registered or pending: the
selection may not include that row, or the script may have sent it in an earlier call of the
same menu run. The preview applies the same rule to the same read, so it says what the run
will do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from jobmojito_sheets.candidate import email_key
from jobmojito_sheets.plan import PlannedRow
from jobmojito_sheets.registry import Record, held_as
from jobmojito_sheets.results import Outcome
from jobmojito_sheets.row_status import (
    ALREADY_REGISTERED,
    INTERRUPTED,
    NOT_SENT_MOVED,
    NOT_SENT_SHEETS,
    NOT_SENT_STORE,
    OK,
    OK_TEST,
    RowStatus,
    duplicate_of,
)


@dataclass(frozen=True)
class Claim:
    """`send`: the rows to mark and send, in wave order; `skipped`: the others and why."""

    send: tuple[PlannedRow, ...]
    skipped: dict[int, Outcome]


def claim_rows(
    rows: Sequence[PlannedRow],
    taken: Mapping[str, int],
    located: Mapping[int, int | None],
    *,
    force: bool,
) -> Claim:
    """Split a wave's rows into those to send and those another row already holds.

    `taken` maps each email registered or pending on some row of the tab to the first such
    row, as the fresh read shows it; `located` is where each wave row stands in that read. A
    row whose own cell became registered meanwhile is `registered` (its cells are kept); a
    row whose candidate another row holds is a `duplicate` of that row. A forced run claims
    every row.
    """
    send: list[PlannedRow] = []
    skipped: dict[int, Outcome] = {}
    for planned in rows:
        other = None if force else taken.get(email_key(planned.source.email))
        if other is None:
            send.append(planned)
        elif other == located.get(planned.row):
            skipped[planned.row] = Outcome(planned.row, RowStatus.REGISTERED, ALREADY_REGISTERED)
        else:
            skipped[planned.row] = Outcome(planned.row, RowStatus.DUPLICATE, duplicate_of(other))
    return Claim(tuple(send), skipped)


# Why a row was not marked pending: it could not be found for certain (it moved), Google
# Sheets could not be read or written, or its candidate could not be claimed in the system of
# record.
NotMarked = Literal["moved", "sheets", "store"]
_NOT_MARKED: dict[NotMarked, str] = {
    "moved": NOT_SENT_MOVED,
    "sheets": NOT_SENT_SHEETS,
    "store": NOT_SENT_STORE,
}


def unmarked(rows: Sequence[PlannedRow], *, because: NotMarked) -> dict[int, Outcome]:
    """Rows whose pending marker was never written: never sent, and the Sheet still holds what
    they held before; their result says why."""
    result = _NOT_MARKED[because]
    return {p.row: Outcome(p.row, RowStatus.NOT_SENT, result) for p in rows}


def held_by_records(
    rows: Sequence[PlannedRow], holders: Mapping[str, Record], *, run_id: str
) -> dict[int, Outcome]:
    """Rows whose candidate the system of record holds for another run (`registry.held_as`):
    `recovered` rows get the link that run recorded (written `ok (test)` when it was a test
    registration); the others are left alone."""
    held: dict[int, Outcome] = {}
    for planned in rows:
        record = holders.get(email_key(planned.email))
        status = held_as(record, run_id=run_id, force=False)
        if record is None or status is None:
            continue
        if status is RowStatus.RECOVERED:
            text = OK_TEST if record.is_test else OK
            held[planned.row] = Outcome(
                planned.row, status, text, record.interview_url, record.profile_interview_id or None
            )
        else:
            text = ALREADY_REGISTERED if status is RowStatus.REGISTERED else INTERRUPTED
            held[planned.row] = Outcome(planned.row, status, text)
    return held
