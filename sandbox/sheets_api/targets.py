"""A1 ranges resolved against a spreadsheet, and the API's grid-limit error.

Rules (A1 parsing and formatting are ``sandbox.a1``'s):

- ``Sheet!A1:B2``, ``'My Sheet'!A2:B`` and a bare sheet name name a tab; a cell part alone
  (``A1:B2``) means the first tab. Anything else, or an unknown tab, is "Unable to parse range".
- Open ends run to the grid's edge; a range may overhang the grid (it is clamped) but may not
  start past its last row or column ("exceeds grid limits").
- Ranges are echoed sheet-qualified and clamped to the grid (``Sheet1!A1:E10``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox import a1
from sandbox.sheets_api.faults import ApiError, invalid
from sandbox.sheets_api.store import Sheet, Spreadsheet


@dataclass(frozen=True)
class Target:
    """A parsed range on a sheet, plus the text the client sent."""

    sheet: Sheet
    bounds: a1.Bounds
    text: str

    @property
    def last_row(self) -> int:
        """Last row inside the grid (open ends and overhangs clamped)."""
        end = self.bounds.last_row or self.sheet.row_count
        return min(end, self.sheet.row_count)

    @property
    def last_col(self) -> int:
        end = self.bounds.last_col or self.sheet.col_count
        return min(end, self.sheet.col_count)

    def contains(self, row: int, col: int) -> bool:
        """Whether a cell lies inside the target (clamped to the grid)."""
        b = self.bounds
        return b.first_row <= row <= self.last_row and b.first_col <= col <= self.last_col

    def echo(self) -> str:
        """The range as the API echoes it: sheet-qualified and clamped to the grid."""
        b = self.bounds
        return a1.with_sheet(
            self.sheet.title,
            a1.format_cells(b.first_row, b.first_col, self.last_row, self.last_col),
        )

    def check_starts_in_grid(self) -> None:
        """Refuse a range that starts past the grid's last row or column, as the API does."""
        b = self.bounds
        if b.first_row > self.sheet.row_count or b.first_col > self.sheet.col_count:
            raise grid_error(self.sheet, a1.format_bounds(b))


def resolve(book: Spreadsheet, text: str) -> Target:
    """Resolve a range text to a sheet and bounds, or fail like the API."""
    unparsable = invalid(f"Unable to parse range: {text}")
    try:
        split = a1.split_range(text)
    except a1.RangeSyntaxError:
        raise unparsable from None
    if split.sheet is None:
        if a1.is_cell_part(text) and book.sheets:
            return Target(book.sheets[0], a1.parse_cells(text), text)
        named = book.sheet_by_title(text)
        if named is not None:
            return Target(named, a1.whole_sheet(), text)
        raise unparsable
    sheet = book.sheet_by_title(split.sheet)
    if sheet is None:
        raise unparsable
    if split.cells == "":
        return Target(sheet, a1.whole_sheet(), text)
    if not a1.is_cell_part(split.cells):
        raise unparsable
    return Target(sheet, a1.parse_cells(split.cells), text)


def grid_error(sheet: Sheet, cells: str) -> ApiError:
    """The API's refusal of a range past the grid (``cells`` is the part outside it)."""
    return invalid(
        f"Range ({a1.with_sheet(sheet.title, cells)}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
    )
