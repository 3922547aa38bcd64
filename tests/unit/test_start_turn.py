"""A turn's start (`service.Run.start_turn`): candidates are claimed in the system of record
before the read that locates their rows, so nothing but the function's own work lies between
that read and the write of the pending markers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jobmojito_sheets.ledger import Ledger
from jobmojito_sheets.plan import PlannedRow, batches
from jobmojito_sheets.registry import Record
from jobmojito_sheets.row_status import NOT_SENT_STORE, RowStatus
from jobmojito_sheets.service import Run, _planned_reports
from jobmojito_sheets.store import MemoryStore, StoreUnavailable

from tests.unit.grid import Grid, planned_on

INTERVIEW = "6f1c1d62-3c52-4c38-9e43-2d4f3c6b0a11"
HEADER = ["Name", "Email", "interview_url", "result", "profile_interview_id"]


class RecordingStore(MemoryStore):
    """The in-memory store, noting its claims and releases among the Sheet's reads and writes."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def claim(self, claims: Sequence[Record], *, force: bool) -> dict[str, Record]:
        self.events.append("claim")
        return super().claim(claims, force=force)

    def release(
        self, interview_id: str, emails: Iterable[str], run_id: str, *, is_test: bool = False
    ) -> None:
        self.events.append("release")
        super().release(interview_id, emails, run_id, is_test=is_test)


MARKER = "Pending (run run1)"


def run_on(
    grid: Grid, selected_rows: range, store: MemoryStore
) -> tuple[Run, list[list[PlannedRow]]]:
    """A run of the grid's selected rows against `store`, and what its first turn sends."""
    _, plan, writer = planned_on(grid, selected_rows, len(HEADER))
    run = Run(plan, writer, Ledger(store, "run1", "r@x.com", "1Sheet", "C", INTERVIEW), force=False)
    run.reports = _planned_reports(plan)
    return run, run.start_turn(batches(plan.to_send, 100), MARKER, 0.0)


def test_claims_come_before_the_locating_read_and_a_skipped_rows_claim_is_released() -> None:
    grid = Grid(
        [
            HEADER,
            *([f"C {n}", f"c{n}@x.com", "", "", ""] for n in range(2, 6)),
            ["C 3", "c3@x.com", "https://x/3", "ok", "p-3"],  # row 6, not selected: registered
        ]
    )
    store = RecordingStore(grid.events)

    run, sending = run_on(grid, range(2, 6), store)

    assert grid.events == ["claim", "read", "write", "release"]
    assert [p.row for batch in sending for p in batch] == [2, 4, 5]
    assert run.reports[3].status is RowStatus.DUPLICATE  # its candidate is on row 6
    assert [grid.rows[n - 1][3] for n in (2, 4, 5)] == [MARKER] * 3
    assert grid.rows[3 - 1][3] == run.reports[3].result != MARKER
    held = store.lookup(INTERVIEW, [f"c{n}@x.com" for n in range(2, 6)])
    assert sorted(held) == ["c2@x.com", "c4@x.com", "c5@x.com"]  # row 3's claim released


class UnreachableStore(MemoryStore):
    """A store whose claims fail, as Firestore does when it cannot be reached."""

    def claim(self, claims: Sequence[Record], *, force: bool) -> dict[str, Record]:
        raise StoreUnavailable()


def test_rows_whose_candidates_could_not_be_claimed_say_the_store_and_are_left_alone() -> None:
    grid = Grid([HEADER, *([f"C {n}", f"c{n}@x.com", "", "typed", ""] for n in range(2, 5))])
    before = [list(row) for row in grid.rows]

    run, sending = run_on(grid, range(2, 5), UnreachableStore())

    assert sending == [] and run.halted
    assert grid.events == [] and grid.rows == before  # not read, not written
    assert {n: (run.reports[n].status, run.reports[n].result) for n in (2, 3, 4)} == {
        n: (RowStatus.NOT_SENT, NOT_SENT_STORE) for n in (2, 3, 4)
    }
