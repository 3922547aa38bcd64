"""What a run reads of its selected rows: only the columns it needs (pure).

A row may be wide (notes, CVs pasted into cells of 50,000 characters); the run needs only its
name, email and candidate id and its output cells. Each read asks, for each span of rows, one
A1 range per run of adjacent needed columns ("B6:C900", "F6:F900"), and the cells come back
as a sparse map per row: column index to text, nothing else kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from jobmojito_sheets.errors import TooLarge
from jobmojito_sheets.layout import column_letter
from jobmojito_sheets.selection import Span, plan_reads

Cells = dict[int, str]  # a row's cells by 0-based column index
ColumnGroups = Sequence[tuple[int, int]]  # runs of adjacent column indexes, (first, last)

# Ranges in one read of the selection (they travel in the request's URL).
MAX_READ_RANGES = 50
# A selection is read in at most this many reads; rows between its blocks are read (and
# ignored) to join them, up to this many per MAX_ROWS row.
MAX_SELECTION_READS = 4
BRIDGED_ROWS_PER_MAX_ROW = 10


def column_groups(columns: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of adjacent column indexes, as inclusive (first, last) pairs."""
    groups: list[tuple[int, int]] = []
    for column in sorted(set(columns)):
        if groups and column == groups[-1][1] + 1:
            groups[-1] = (groups[-1][0], column)
        else:
            groups.append((column, column))
    return groups


@dataclass(frozen=True)
class Block:
    """One A1 range of a read: some rows, some adjacent columns."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int

    @property
    def a1(self) -> str:
        first, last = column_letter(self.first_column), column_letter(self.last_column)
        return f"{first}{self.first_row}:{last}{self.last_row}"


def blocks(spans: Sequence[Span], groups: Sequence[tuple[int, int]]) -> list[Block]:
    """The ranges of one read: every span crossed with every column group."""
    return [Block(a, b, c, d) for a, b in spans for c, d in groups]


def merge_cells(
    into: dict[int, Cells],
    read: Sequence[Block],
    values: Sequence[Sequence[Sequence[str]]],
    wanted: Iterable[int],
) -> None:
    """Put the cells a read brought back into `into`, for the wanted rows only (bridged rows
    are dropped). `values` are the read's value ranges, in the order of `read`, each a list
    of rows from the block's first row, each a list of cells from its first column, as the
    Sheets API answers them (trailing empty rows and cells left out)."""
    wanted = set(wanted)
    for block, rows in zip(read, values, strict=False):
        for offset, cells in enumerate(rows):
            row = block.first_row + offset
            if row not in wanted or row > block.last_row:
                continue
            target = into.setdefault(row, {})
            for index, cell in enumerate(cells[: block.last_column - block.first_column + 1]):
                if cell != "":
                    target[block.first_column + index] = str(cell)


def any_filled(cells_by_row: Mapping[int, Cells], columns: Iterable[int]) -> bool:
    """Whether any of these columns holds something in any row read."""
    columns = list(columns)
    return any(cells.get(c, "") != "" for cells in cells_by_row.values() for c in columns)


def row_reads(below_top: Sequence[Span], groups: ColumnGroups, max_rows: int) -> list[list[Span]]:
    """The reads of the selected rows below the top rows, in these column groups: each a list
    of row spans (crossed with the groups by `blocks`), at most `MAX_SELECTION_READS` of them
    (the invite run and the status refresh plan them alike). Raises TooLarge when the
    selection's blocks lie too far apart for that."""
    if not below_top:
        return []
    reads = plan_reads(
        below_top,
        per_read=max(1, MAX_READ_RANGES // len(groups)),
        max_reads=MAX_SELECTION_READS,
        bridge_rows=BRIDGED_ROWS_PER_MAX_ROW * max_rows,
    )
    if reads is None:
        raise TooLarge(
            f"The selection is split into {len(below_top)} blocks far apart in the tab; select "
            "the rows in fewer blocks (or fewer at a time) and run again."
        )
    return reads


def readable_guess(guess: ColumnGroups | None, column_count: int) -> ColumnGroups | None:
    """A remembered guess of the columns to read, cut to the grid: it may name output columns
    the last call placed right of the grid and added only if it wrote, or the grid may have
    shrunk since. None when nothing of it is left."""
    if guess is None:
        return None
    cut = tuple(
        (first, min(last, column_count - 1)) for first, last in guess if first < column_count
    )
    return cut or None


def covers(guess: ColumnGroups, groups: ColumnGroups) -> bool:
    """Whether reading the guessed column groups brings every column of `groups` (it may
    bring more, which the rules ignore)."""
    return all(any(a <= first and last <= b for a, b in guess) for first, last in groups)


def widened(groups: ColumnGroups, more: int, column_count: int) -> tuple[tuple[int, int], ...]:
    """The groups with the last one `more` columns wider, within the grid: the columns an
    invite run read of a tab, and the status columns a refresh finds or puts right of them."""
    if not groups:
        return ()
    *rest, (first, last) = groups
    return (*rest, (first, min(last + more, column_count - 1)))
