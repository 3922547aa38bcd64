"""Progressive, located writes: each is one read and one RAW write.

The read is of the header and of the rows to write, in the email and result columns, when
they all still stand where they were read (`locate.still_in_place`); otherwise (a sort, an
insert, a row typed over) it is of the header and the whole email and result columns, and
each row is written where it stands now (`locate.locate_rows`), or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.layout import Layout, column_letter
from jobmojito_sheets.locate import (
    confirm_located,
    header_still_matches,
    locate_rows,
    still_in_place,
)
from jobmojito_sheets.read_plan import Cells, blocks, column_groups, merge_cells
from jobmojito_sheets.results import CellValue, header_cells, value_ranges
from jobmojito_sheets.selection import coalesce_spans, row_spans
from jobmojito_sheets.sheets import SheetsGateway, Tab

log = logging.getLogger(__name__)

# A read of just the rows to write joins them into at most this many spans of rows (the rows
# between them are read and ignored; the ranges travel in the request's URL).
IN_PLACE_SPANS = 20


def column_range(index: int) -> str:
    """A whole column in A1 notation ("F:F")."""
    letter = column_letter(index)
    return f"{letter}:{letter}"


@dataclass(frozen=True)
class Snapshot:
    """The header row and the email and result columns, from row 1 down, as read (`results`
    is empty when the tab has no result column), and any other columns asked for, by index."""

    header: list[str]
    emails: list[list[str]]
    results: list[list[str]]
    columns: dict[int, list[list[str]]] = field(default_factory=dict)


@dataclass
class Flushed:
    """What one flush did: where each row was written, which were not, and why."""

    written: dict[int, int] = field(default_factory=dict)
    not_written: set[int] = field(default_factory=set)
    error: InviteError | None = None


class SheetWriter:
    """Writes output cells for rows known by their number at read time and their email."""

    def __init__(self, sheets: SheetsGateway, tab: Tab, layout: Layout) -> None:
        self._sheets = sheets
        self._tab = tab
        self._layout = layout
        self._headers_written = not layout.new_headers
        self._grid_wide_enough = layout.width_needed <= tab.column_count

    @property
    def header_row(self) -> int:
        return self._layout.header_row

    @property
    def tab(self) -> Tab:
        """The tab as this writer leaves it: as wide as its output columns need, once it grew
        the grid for them."""
        width = self._layout.width_needed
        if self._grid_wide_enough and width > self._tab.column_count:
            return replace(self._tab, column_count=width)
        return self._tab

    def snapshot(self, also: Sequence[int] = ()) -> Snapshot:
        """One read: the header row, and the email and result columns of the whole tab (and the
        columns `also` names, those the grid has)."""
        layout = self._layout
        header = layout.header_row
        ranges = [f"{header}:{header}", column_range(layout.email)]
        result = layout.outputs.get("result")  # a status refresh's tab may have none
        if result is not None:
            if result >= self._tab.column_count:  # it must exist to be read
                self._grow_grid()
            ranges.append(column_range(result))
        others = [i for i in dict.fromkeys(also) if i != result and i < self._tab.column_count]
        values = self._sheets.read(self._tab, [*ranges, *map(column_range, others)])
        header_row, emails = values[0], values[1]
        results = values[2] if result is not None else []
        read = dict(zip(others, values[len(ranges) :], strict=True))
        if result is not None:
            read[result] = results
        return Snapshot(header_row[0] if header_row else [], emails, results, read)

    def _grow_grid(self) -> None:
        """Add the columns the output columns need (writes outside the grid are refused)."""
        if not self._grid_wide_enough:
            needed = self._layout.width_needed - self._tab.column_count
            self._sheets.append_columns(self._tab, needed)
            self._grid_wide_enough = True

    def locate(
        self, rows: Mapping[int, tuple[str, str]], snapshot: Snapshot
    ) -> dict[int, int | None]:
        return locate_rows(rows, snapshot.emails, snapshot.results, self._layout.header_row)

    def flush(
        self, cells: Mapping[int, Mapping[str, CellValue]], expected: Mapping[int, tuple[str, str]]
    ) -> Flushed:
        """Locate the rows, then write: a read of just these rows when they all stand where
        they were read, otherwise a snapshot of the whole columns and `write`."""
        if not cells:
            return Flushed()
        try:
            if self._in_place({row: expected[row] for row in cells}):
                return self._write_located(cells, {row: row for row in cells})
            snapshot = self.snapshot()
        except InviteError as error:
            return Flushed(not_written=set(cells), error=error)
        return self.write(cells, expected, snapshot)

    def _in_place(self, expected: Mapping[int, tuple[str, str]]) -> bool:
        """One read of the header and of these rows' email and result cells: whether the
        header is as the run left it and every row still stands where it was read. Google
        refuses a range that starts past the grid's last row (rows deleted at the bottom
        meanwhile): then they are not in place either."""
        layout = self._layout
        result = layout.outputs.get("result")
        if result is None or not self._grid_wide_enough:
            return False  # the result column must exist to be read: `snapshot` grows the grid
        header = layout.header_row
        spans = coalesce_spans(row_spans(sorted(expected)), IN_PLACE_SPANS)
        read = blocks(spans, column_groups((layout.email, result)))
        try:
            values = self._sheets.read(self._tab, [f"{header}:{header}", *(b.a1 for b in read)])
        except InviteError as error:
            if error.code is ErrorCode.INVALID_RANGE:  # rows deleted: they start past the grid
                return False
            raise
        header_cells = values[0][0] if values[0] else []
        if not header_still_matches(layout, header_cells, self._headers_written):
            return False
        cells_by_row: dict[int, Cells] = {}
        merge_cells(cells_by_row, read, values[1:], expected)
        return still_in_place(expected, cells_by_row, layout.email, result, header)

    def write(
        self,
        cells: Mapping[int, Mapping[str, CellValue]],
        expected: Mapping[int, tuple[str, str]],
        snapshot: Snapshot,
        held: Mapping[int, Mapping[int, str]] | None = None,
    ) -> Flushed:
        """Write each row where the snapshot shows it now stands (one RAW write).

        `expected` is each row's email and current result cell, as the run knows them; `held`,
        other cells (by column index, read in the snapshot) a row must still hold where it
        stands now to be written (`locate.confirm_located`).
        """
        layout = self._layout
        if not header_still_matches(layout, snapshot.header, self._headers_written):
            log.warning("the header row changed during the run; nothing more is written")
            return Flushed(not_written=set(cells))
        located = self.locate({row: expected[row] for row in cells}, snapshot)
        if held:
            located = confirm_located(located, held, snapshot.columns)
        return self._write_located(cells, located)

    def _write_located(
        self, cells: Mapping[int, Mapping[str, CellValue]], located: Mapping[int, int | None]
    ) -> Flushed:
        """One RAW write of each row's cells where it stands now; a row with no place, or
        whose place another row took, is not written."""
        layout = self._layout
        targets: dict[int, Mapping[str, CellValue]] = {}
        flushed = Flushed()
        for row, values in cells.items():
            at = located[row]
            if at is None or at in targets:
                flushed.not_written.add(row)
            else:
                targets[at] = values
                flushed.written[row] = at
        if not self._headers_written:
            targets[layout.header_row] = header_cells(layout)
        try:
            self._grow_grid()
            self._sheets.write(value_ranges(self._tab.title, layout, targets))
        except InviteError as error:
            return Flushed(not_written=set(cells), error=error)
        self._headers_written = True
        return flushed
