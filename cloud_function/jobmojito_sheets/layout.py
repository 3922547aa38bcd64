"""Where things are in a tab: the header row, the input columns and the output columns (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gspread.utils import rowcol_to_a1

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import BadRequest

HEADER_SEARCH_ROWS = 5
OUTPUT_COLUMNS = ("interview_url", "result", "profile_interview_id")

_ALIASES = {
    "name": {"name", "fullname", "candidatename", "candidate"},
    "first_name": {"firstname"},
    "last_name": {"lastname"},
    "email": {"email", "emailaddress"},
    "external_id": {"externalid", "candidateid"},
    "interview_url": {"interviewurl"},
    "result": {"result"},
    "profile_interview_id": {"profileinterviewid"},
}


def normalise_header(text: str) -> str:
    """Header text compared case-, space-, dash- and underscore-insensitively."""
    return re.sub(r"[\s\-_]+", "", text).lower()


def _role(text: str) -> str | None:
    key = normalise_header(text)
    return next((role for role, names in _ALIASES.items() if key in names), None)


def column_letter(index: int) -> str:
    """A1 letters of a 0-based column index."""
    return rowcol_to_a1(1, index + 1).rstrip("0123456789")


@dataclass(frozen=True)
class Layout:
    """Column indexes are 0-based; `header_row` is the sheet's 1-based row number."""

    header_row: int
    email: int
    name: int | None
    first_name: int | None
    last_name: int | None
    external_id: int | None
    outputs: dict[str, int]
    new_headers: dict[int, str] = field(default_factory=dict)

    def columns_read(self) -> list[int]:
        """The columns a run reads of each selected row: its inputs (name or first and last
        name, email, candidate id) and the output columns the header already has."""
        inputs = (self.name, self.first_name, self.last_name, self.email, self.external_id)
        existing = [i for i in self.outputs.values() if i not in self.new_headers]
        return sorted({i for i in inputs if i is not None} | set(existing))

    @property
    def width_needed(self) -> int:
        """Columns the grid must have for every output column to be written."""
        return max(self.outputs.values()) + 1

    def letters(self) -> dict[str, str]:
        return {name: column_letter(index) for name, index in self.outputs.items()}


def find_header_row(top_rows: Sequence[Sequence[str]]) -> int | None:
    """1-based number of the first of the top rows that has an email header."""
    for number, cells in enumerate(top_rows[:HEADER_SEARCH_ROWS], start=1):
        if any(_role(str(cell)) == "email" for cell in cells):
            return number
    return None


def find_layout(top_rows: Sequence[Sequence[str]], widest_row: int) -> Layout:
    """Find the header row and every column; place the missing output columns.

    `widest_row` is how many columns from the left the rows read may hold something in, so
    new output columns never land on a cell that holds anything in a row we read (the run
    passes the grid's width when the columns right of the header are not free).
    """
    header_row, header, found = _header(top_rows)
    if "name" not in found and "first_name" not in found and "last_name" not in found:
        raise BadRequest(
            f"No name column found in header row {header_row}: add a header cell named 'Name' "
            "(or 'First name' and 'Last name') above the candidates' names.",
            code=ErrorCode.NO_NAME_COLUMN,
        )
    return _placed(header_row, header, found, widest_row, kept=(), created=OUTPUT_COLUMNS)


# The status refresh's columns (`"action": "status"`), found by header like the output columns
# ("Interview status", "Score", "Decision", "Status updated") or created right of the table.
# The invite run neither reads nor creates them.
STATUS_COLUMNS = ("interview_status", "score", "decision", "status_updated")
_STATUS_NAMES = {normalise_header(name): name for name in STATUS_COLUMNS}


def find_status_layout(top_rows: Sequence[Sequence[str]], widest_row: int) -> Layout:
    """The status refresh's layout: the header row, the input columns, the output columns the
    header already has (none is created), and the four status columns, found by header or
    placed like new output columns (right of the header's last filled cell and of
    `widest_row`, so never over a cell that holds anything in a row read).

    No name column is needed: a refresh sends nothing. `outputs` holds the existing output
    columns and the status columns; `new_headers` only the status columns it creates.
    """
    header_row, header, found = _header(top_rows, _STATUS_NAMES)
    return _placed(
        header_row, header, found, widest_row, kept=OUTPUT_COLUMNS, created=STATUS_COLUMNS
    )


def _header(
    top_rows: Sequence[Sequence[str]], more: Mapping[str, str] | None = None
) -> tuple[int, list[str], dict[str, int]]:
    """The header row's number, its cells, and the first column of each role it names (and
    of the `more` names, keyed by normalised header)."""
    header_row = find_header_row(top_rows)
    if header_row is None:
        raise BadRequest(
            f"No email column found in the top {HEADER_SEARCH_ROWS} rows: add a header cell "
            "named 'Email' above the candidates' email addresses.",
            code=ErrorCode.NO_EMAIL_COLUMN,
        )
    header = [str(cell) for cell in top_rows[header_row - 1]]
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        role = _role(cell) or (more or {}).get(normalise_header(cell))
        if role is not None and role not in found:
            found[role] = index
    return header_row, header, found


def _placed(
    header_row: int,
    header: Sequence[str],
    found: Mapping[str, int],
    widest_row: int,
    *,
    kept: Sequence[str],
    created: Sequence[str],
) -> Layout:
    """The layout with the `kept` output columns the header has, and every `created` column
    found by header or placed right of the header's last filled cell and of `widest_row`."""
    last_filled = max((i + 1 for i, cell in enumerate(header) if cell.strip()), default=0)
    next_free = max(last_filled, widest_row)
    outputs = {name: found[name] for name in kept if name in found}
    new_headers: dict[int, str] = {}
    for name in created:
        if name in found:
            outputs[name] = found[name]
        else:
            outputs[name] = next_free
            new_headers[next_free] = name
            next_free += 1
    return Layout(
        header_row=header_row,
        email=found["email"],
        name=found.get("name"),
        first_name=found.get("first_name"),
        last_name=found.get("last_name"),
        external_id=found.get("external_id"),
        outputs=outputs,
        new_headers=new_headers,
    )
