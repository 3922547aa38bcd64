"""Rows located by content, not position, at write time (pure).

Between the read and each write the recruiter may sort, insert or delete rows. Before every
write the function re-reads the email column; a row is written where its email still stands,
or where that email now stands once and only once; otherwise it is not written at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from jobmojito_sheets.layout import Layout, normalise_header


def _key(email: str) -> str:
    return email.strip().lower()


def header_still_matches(layout: Layout, header_cells: Sequence[str], created: bool) -> bool:
    """Whether the header row still has the email and output columns where the run put them.

    Output columns the run creates are empty until its first write (`created` false).
    """

    def cell(index: int) -> str:
        return normalise_header(header_cells[index]) if index < len(header_cells) else ""

    if cell(layout.email) not in {"email", "emailaddress"}:
        return False
    for name, index in layout.outputs.items():
        expected = normalise_header(name)
        if index in layout.new_headers and not created:
            if cell(index) not in ("", expected):
                return False
        elif cell(index) != expected:
            return False
    return True


def locate_rows(
    expected: Mapping[int, str], email_column: Sequence[Sequence[str]], header_row: int
) -> dict[int, int | None]:
    """Where each row (by its number at read time) stands now, judged by its email.

    `email_column` is the email column from row 1 down, as the Sheets API returns it (one
    list per row, empty for a blank cell). A row whose email is no longer where it was and
    does not appear exactly once below the header maps to None; a row read without an email
    is found only where it was, if its email cell is still empty.
    """
    current = {
        number: _key(cells[0]) if cells else ""
        for number, cells in enumerate(email_column, start=1)
    }
    positions: dict[str, list[int]] = defaultdict(list)
    for number, email in current.items():
        if number > header_row and email:
            positions[email].append(number)
    located: dict[int, int | None] = {}
    for row, email in expected.items():
        key = _key(email)
        if current.get(row, "") == key:
            # Still where it was (a row with no email can only be found in its place).
            located[row] = row
        elif len(positions.get(key, [])) == 1:
            located[row] = positions[key][0]
        else:
            located[row] = None
    return located
