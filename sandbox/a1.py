"""A1-notation ranges as the Google Sheets API v4 reads and writes them.

Parsing splits a range such as ``'My Sheet'!A2:B`` into its sheet name and cell part; the cell
arithmetic itself is left to ``gspread.utils``. Formatting follows what the API echoes back: the
sheet name is quoted only when it has to be (``Sheet1!A1:D4`` but ``'D3'!A1`` and
``'My Sheet'!A1``) and a one-cell range collapses to that cell (``Sheet1!A1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

# One endpoint of a range: column letters, row number or both (Google allows up to column ZZZ).
_ENDPOINT = r"(?:[A-Za-z]{1,3}[1-9][0-9]*|[A-Za-z]{1,3}|[1-9][0-9]*)"
_CELL_PART = re.compile(rf"^(?P<start>{_ENDPOINT})(?::(?P<end>{_ENDPOINT}))?$")
_FULL_CELL = re.compile(r"^[A-Za-z]{1,3}[1-9][0-9]*$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


class RangeSyntaxError(ValueError):
    """The text is not a range the API can parse."""


@dataclass(frozen=True)
class Bounds:
    """A block of cells, 1-based and inclusive; ``None`` for an end that runs to the grid's edge."""

    first_row: int
    first_col: int
    last_row: int | None
    last_col: int | None


@dataclass(frozen=True)
class SplitRange:
    """A range split into its sheet name (``None`` when absent) and its cell part ("" for none)."""

    sheet: str | None
    cells: str


def split_range(text: str) -> SplitRange:
    """Separate ``'Sheet'!A1:B2`` / ``Sheet!A1`` / ``A1:B2`` / ``'Sheet'`` into name and cells."""
    if text.startswith("'"):
        name, rest = _read_quoted(text)
        if rest == "":
            return SplitRange(name, "")
        if not rest.startswith("!") or rest == "!":
            raise RangeSyntaxError(text)
        return SplitRange(name, rest[1:])
    if "!" in text:
        name, _, cells = text.rpartition("!")
        if not name or not cells:
            raise RangeSyntaxError(text)
        return SplitRange(name, cells)
    return SplitRange(None, text)


def _read_quoted(text: str) -> tuple[str, str]:
    """Read a single-quoted sheet name (quotes doubled inside); return it and the remainder."""
    chars: list[str] = []
    i = 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                chars.append("'")
                i += 2
                continue
            return "".join(chars), text[i + 1 :]
        chars.append(text[i])
        i += 1
    raise RangeSyntaxError(text)


def is_cell_part(text: str) -> bool:
    """Whether ``text`` is a cell part alone: ``A1``, ``A1:B2``, ``A:B``, ``2:5``, ``A2:B``."""
    match = _CELL_PART.match(text)
    if match is None:
        return False
    return match.group("end") is not None or _FULL_CELL.match(text) is not None


def parse_cells(text: str) -> Bounds:
    """Turn a cell part into bounds; raise ``RangeSyntaxError`` if it is not one."""
    if not is_cell_part(text):
        raise RangeSyntaxError(text)
    grid = a1_range_to_grid_range(text)
    first_row = int(grid.get("startRowIndex", 0)) + 1
    first_col = int(grid.get("startColumnIndex", 0)) + 1
    end_row = grid.get("endRowIndex")
    end_col = grid.get("endColumnIndex")
    return Bounds(
        first_row=first_row,
        first_col=first_col,
        last_row=None if end_row is None else int(end_row),
        last_col=None if end_col is None else int(end_col),
    )


def whole_sheet() -> Bounds:
    """The bounds of a bare sheet name: every cell of the tab."""
    return Bounds(1, 1, None, None)


def quote_sheet_name(name: str) -> str:
    """Quote a sheet name the way the API does in the ranges it returns."""
    if _PLAIN_NAME.match(name) and not _CELL_LIKE.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def column_letters(col: int) -> str:
    """1-based column number to letters (1 -> A, 27 -> AA)."""
    return "".join(ch for ch in rowcol_to_a1(1, col) if ch.isalpha())


def format_cells(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """A closed block of cells in A1 notation, collapsed to one cell when it is one."""
    start = rowcol_to_a1(first_row, first_col)
    if (first_row, first_col) == (last_row, last_col):
        return start
    return f"{start}:{rowcol_to_a1(last_row, last_col)}"


def format_bounds(bounds: Bounds) -> str:
    """Bounds in A1 notation keeping open ends open (``A1001:B``, ``AA1:2``), as error texts do."""
    start = rowcol_to_a1(bounds.first_row, bounds.first_col)
    if bounds.last_row is not None and bounds.last_col is not None:
        return format_cells(bounds.first_row, bounds.first_col, bounds.last_row, bounds.last_col)
    end_col = "" if bounds.last_col is None else column_letters(bounds.last_col)
    end_row = "" if bounds.last_row is None else str(bounds.last_row)
    return f"{start}:{end_col}{end_row}"


def with_sheet(sheet: str, cells: str) -> str:
    """Join a sheet name and a cell part as the API echoes them."""
    return f"{quote_sheet_name(sheet)}!{cells}"
