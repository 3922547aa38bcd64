"""The preview (`service.preview`) looks the rows up in the system of record while it reads the
tab's email and result columns, so it waits for one round trip, not two; what it answers is
what the two read in turn would give, and a Sheets failure is answered without waiting for the
store."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.ledger import Ledger
from jobmojito_sheets.registry import Record, RecordState
from jobmojito_sheets.service import preview
from jobmojito_sheets.sheets import Tab
from jobmojito_sheets.store import MemoryStore

from tests.unit.grid import Grid, planned_on

INTERVIEW = "6f1c1d62-3c52-4c38-9e43-2d4f3c6b0a11"
HEADER = ["Name", "Email", "interview_url", "result"]


class WatchedStore(MemoryStore):
    """The in-memory store, saying when a lookup began; it can be made slow."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.looking = threading.Event()
        self.delay = delay

    def lookup(
        self, interview_id: str, emails: Iterable[str], *, is_test: bool = False
    ) -> dict[str, Record]:
        self.looking.set()
        time.sleep(self.delay)
        return super().lookup(interview_id, emails, is_test=is_test)


class WatchingGrid(Grid):
    """The tab; a read notes whether the store's lookup had begun (waiting a little for it)."""

    def __init__(self, rows: list[list[str]], store: WatchedStore) -> None:
        super().__init__(rows)
        self.store = store
        self.saw_a_lookup: list[bool] = []
        self.error: InviteError | None = None

    def read(self, tab: Tab, ranges: Sequence[str]) -> list[list[list[str]]]:
        self.saw_a_lookup.append(self.store.looking.wait(timeout=0.5))
        if self.error is not None:
            raise self.error
        return super().read(tab, ranges)


def preview_of(grid: WatchingGrid, store: WatchedStore) -> dict[str, Any]:
    layout, plan, writer = planned_on(grid, range(2, len(grid.rows) + 1), len(HEADER))
    ledger = Ledger(store, "run1", "r@x.com", "1Sheet", "C", INTERVIEW)
    return preview(plan, layout, writer, ledger, None, force=False)


def test_the_store_is_looked_up_while_the_columns_are_read() -> None:
    store = WatchedStore()
    rows = [[f"C {n}", f"c{n}@x.com", "", ""] for n in range(2, 6)]
    rows.append(["C 9", "c2@x.com", "https://x/2", "ok"])  # c2 registered further down
    held = Record(INTERVIEW, "c3@x.com", RecordState.CLAIMED, "r0", "o@x.com", "1Sheet", "C", 3, "")
    store.claim([held], force=False)  # c3 held by another run
    grid = WatchingGrid([HEADER, *rows], store)
    answer = preview_of(grid, store)
    assert grid.saw_a_lookup == [True]  # the lookup was under way when the columns were read
    statuses = {row["row"]: row["status"] for row in answer["rows"]}
    assert statuses == {
        2: "duplicate",  # c2: the columns turn it away (registered on row 6)
        3: "interrupted",  # c3: the store holds it
        4: "would_send",
        5: "would_send",
        6: "registered",
    }
    assert answer["summary"]["sent"] == 2


def test_a_sheets_failure_is_answered_without_waiting_for_the_store() -> None:
    store = WatchedStore(delay=3.0)
    grid = WatchingGrid([HEADER, *([f"C {n}", f"c{n}@x.com", "", ""] for n in range(2, 4))], store)
    grid.error = InviteError("Google Sheets is unavailable")
    started = time.monotonic()
    with pytest.raises(InviteError):
        preview_of(grid, store)
    assert time.monotonic() - started < 2.0
