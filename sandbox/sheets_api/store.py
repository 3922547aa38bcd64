"""The spreadsheets the stand-in holds, and the test-side API to seed and inspect them.

Rules:

- A spreadsheet has an id, a title, the tokens allowed to use it and its tabs, in order.
- A tab has a gid, a title and a grid size; only its non-empty cells are stored, keyed by
  1-based (row, column), and none lies outside the grid.
- A tab added without rows is 1000 rows by 26 columns, as a new tab in Sheets is; one added
  with rows and no size is sized exactly to them, as a tab imported from CSV is.
- A token once granted stays a valid credential after a revoke or a deleted spreadsheet, as
  an OAuth token does: it then gets 403 or 404, never 401.
- The first gid handed out in a spreadsheet is 0, later ones are random (seeded, so runs
  repeat), as Sheets does.
"""

from __future__ import annotations

import csv
import io
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import a1_to_rowcol, rowcol_to_a1

from sandbox.sheets_api.cells import Cell, render, trim, user_entered
from sandbox.sheets_api.faults import JSON

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26


@dataclass
class Sheet:
    """One tab: grid size and the non-empty cells, keyed by 1-based (row, column)."""

    sheet_id: int
    title: str
    row_count: int
    col_count: int
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def properties(self, index: int) -> JSON:
        """The tab's SheetProperties, as spreadsheets.get and addSheet replies give them."""
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count},
        }

    def put(self, row: int, col: int, cell: Cell | None) -> None:
        """Store a cell (None empties it)."""
        if cell is None:
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = cell

    def rendered(
        self, first_row: int, first_col: int, last_row: int, last_col: int, option: str
    ) -> list[list[Any]]:
        """A block of cells under a valueRenderOption, untrimmed."""
        return [
            [render(self.cells.get((r, c)), option) for c in range(first_col, last_col + 1)]
            for r in range(first_row, last_row + 1)
        ]

    def drop_outside_grid(self) -> None:
        """Forget the cells a shrunken grid no longer holds."""
        self.cells = {
            key: cell
            for key, cell in self.cells.items()
            if key[0] <= self.row_count and key[1] <= self.col_count
        }


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    tokens: set[str]
    sheets: list[Sheet] = field(default_factory=list)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)


class Store:
    """The spreadsheets, under one lock, with the methods tests use to seed and inspect them.

    Test-side mistakes (an unknown spreadsheet or tab) raise KeyError; API calls never do.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._known_tokens: set[str] = set()
        self._rng = random.Random(20230725)

    # -- seeding ------------------------------------------------------------------------------

    def add_spreadsheet(
        self, spreadsheet_id: str, title: str = "Candidates", tokens: Iterable[str] = ()
    ) -> None:
        """Create an empty spreadsheet (no tabs yet) that the given tokens may use."""
        with self._lock:
            granted = set(tokens)
            self._spreadsheets[spreadsheet_id] = Spreadsheet(spreadsheet_id, title, granted)
            self._known_tokens.update(granted)

    def remove_spreadsheet(self, spreadsheet_id: str) -> None:
        """Delete a spreadsheet, as deleting the file in Drive does."""
        with self._lock:
            self._spreadsheets.pop(spreadsheet_id, None)

    def add_sheet(
        self,
        spreadsheet_id: str,
        title: str,
        sheet_id: int | None = None,
        rows: list[list[str]] | None = None,
        row_count: int | None = None,
        column_count: int | None = None,
    ) -> int:
        """Add a tab (its cells typed in as a user would) and return its gid."""
        with self._lock:
            book = self._book(spreadsheet_id)
            if book.sheet_by_title(title) is not None:
                raise ValueError(f"sheet {title!r} already exists")
            data = rows or []
            if row_count is None:
                row_count = max(len(data), 1) if rows is not None else DEFAULT_ROWS
            if column_count is None:
                width = max((len(r) for r in data), default=0)
                column_count = max(width, 1) if rows is not None else DEFAULT_COLS
            gid = self.new_sheet_id(book.sheets) if sheet_id is None else sheet_id
            sheet = Sheet(gid, title, row_count, column_count)
            book.sheets.append(sheet)
            _type_in(sheet, 1, 1, data)
            return gid

    def seed_csv(
        self, spreadsheet_id: str, title: str, csv_text: str, sheet_id: int | None = None
    ) -> int:
        """Import CSV text as a new tab sized to the data."""
        rows = [list(r) for r in csv.reader(io.StringIO(csv_text))]
        return self.add_sheet(spreadsheet_id, title, sheet_id=sheet_id, rows=rows)

    def grant(self, spreadsheet_id: str, token: str) -> None:
        with self._lock:
            self._book(spreadsheet_id).tokens.add(token)
            self._known_tokens.add(token)

    def revoke(self, spreadsheet_id: str, token: str) -> None:
        with self._lock:
            self._book(spreadsheet_id).tokens.discard(token)

    def set_values(
        self, spreadsheet_id: str, title: str, a1_start: str, rows: list[list[str]]
    ) -> None:
        """Edit cells directly (as a user typing, USER_ENTERED), e.g. to reorder rows mid-run.
        The grid is not grown; writing outside it raises ValueError."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            row, col = a1_to_rowcol(a1_start)
            width = max((len(r) for r in rows), default=0)
            if row + len(rows) - 1 > sheet.row_count or col + width - 1 > sheet.col_count:
                raise ValueError(f"{a1_start} + {len(rows)}x{width} exceeds the grid of {title!r}")
            _type_in(sheet, row, col, rows)

    # -- inspection ---------------------------------------------------------------------------

    def values(self, spreadsheet_id: str, title: str) -> list[list[str]]:
        """The tab's formatted values, trimmed like the API trims them."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            return trim(sheet.rendered(1, 1, sheet.row_count, sheet.col_count, "FORMATTED_VALUE"))

    def cell(self, spreadsheet_id: str, title: str, a1_cell: str) -> str:
        """One cell's formatted value ("" when empty)."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            rendered: str = render(sheet.cells.get(a1_to_rowcol(a1_cell)), "FORMATTED_VALUE")
            return rendered

    def formula_cells(self, spreadsheet_id: str, title: str) -> list[str]:
        """A1 addresses of the cells that hold formulas, in row-major order."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            keys = sorted(k for k, c in sheet.cells.items() if c.formula is not None)
            return [rowcol_to_a1(r, c) for r, c in keys]

    def grid_size(self, spreadsheet_id: str, title: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a tab."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            return sheet.row_count, sheet.col_count

    # -- shared with the API side -------------------------------------------------------------

    def new_sheet_id(self, sheets: list[Sheet]) -> int:
        """A gid none of these tabs has: 0 if free, else a random one."""
        taken = {s.sheet_id for s in sheets}
        if 0 not in taken:
            return 0
        while True:
            candidate = self._rng.randrange(1, 2**31)
            if candidate not in taken:
                return candidate

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r}")
        return book

    def _sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        sheet = self._book(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            raise KeyError(f"no sheet {title!r} in {spreadsheet_id!r}")
        return sheet


def _type_in(sheet: Sheet, row: int, col: int, rows: list[list[str]]) -> None:
    """Type a block of text into a tab from (row, col), as a user would (USER_ENTERED)."""
    for r, values in enumerate(rows, start=row):
        for c, value in enumerate(values, start=col):
            sheet.put(r, c, user_entered(value))
