"""Rows located by content, not position, at write time (pure).

Between the read and each write the recruiter may sort, insert or delete rows. Before every
write the function re-reads the email column; a row is written where its email still stands,
or where that email now stands once and only once; otherwise it is not written at all.
Emails are compared as `candidate.email_key` does: the case, NFC/NFD and punycode spellings
of one mailbox are one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from jobmojito_sheets.candidate import email_key
from jobmojito_sheets.layout import Layout, normalise_header
from jobmojito_sheets.row_status import cell_state


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


def _column(cells: Sequence[Sequence[str]]) -> dict[int, str]:
    return {n: str(c[0]).strip() if c else "" for n, c in enumerate(cells, start=1)}


def locate_rows(
    expected: Mapping[int, tuple[str, str]],
    email_column: Sequence[Sequence[str]],
    result_column: Sequence[Sequence[str]],
    header_row: int,
) -> dict[int, int | None]:
    """Where each row (by its number at read time) stands now.

    `expected` gives each row's email and what its result cell holds now (what was read, or
    the run's own pending marker once written). The columns are as the Sheets API returns
    them, from row 1 down. A row stands where its email stands below the header; when the
    email stands on several rows (a duplicate), only those whose result cell holds what this
    row's does count. It stays where it was if that is one of them, moves if there is exactly
    one, and otherwise maps to None.
    A row read without an email is found only where it was, if its email cell is still empty.
    """
    emails = {n: email_key(e) for n, e in _column(email_column).items()}
    results = _column(result_column)
    positions: dict[str, list[int]] = defaultdict(list)
    for number, email in emails.items():
        if number > header_row and email:
            positions[email].append(number)
    located: dict[int, int | None] = {}
    for row, (email, result) in expected.items():
        key = email_key(email)
        if not key:
            located[row] = row if emails.get(row, "") == "" else None
            continue
        places = positions.get(key, [])
        if len(places) > 1:
            places = [n for n in places if results.get(n, "") == result.strip()]
        if row in places:
            located[row] = row
        else:
            located[row] = places[0] if len(places) == 1 else None
    return located


def still_in_place(
    expected: Mapping[int, tuple[str, str]],
    cells_by_row: Mapping[int, Mapping[int, str]],
    email: int,
    result: int,
    header_row: int,
) -> bool:
    """Whether every row still stands where it was read: below the header, with its email
    (compared as `email_key` does) and its result cell (trimmed) as `expected` says.

    `cells_by_row` holds, by row number and 0-based column index, what a read of just those
    rows found (a cell not there is empty). When this holds, `locate_rows` on the whole
    columns maps each of the rows to itself, whatever the rest of the tab holds: a row is
    kept where it was read whenever its email and result cell are still there. So a write
    that finds its rows in place needs no read of the whole columns.
    """
    for row, (address, text) in expected.items():
        cells = cells_by_row.get(row, {})
        if row <= header_row or email_key(cells.get(email, "")) != email_key(address):
            return False
        if cells.get(result, "").strip() != text.strip():
            return False
    return True


def registered_rows(
    email_column: Sequence[Sequence[str]], result_column: Sequence[Sequence[str]], header_row: int
) -> dict[str, int]:
    """Each email whose row an earlier run registered or may have (`row_status.cell_state`),
    with the first such row below the header.

    A candidate registered (or maybe registered) on any row of the tab is not sent again from
    another row: the selection may not include that row, or the script may have sent it in an
    earlier chunk of the same menu run.
    """
    emails = {n: email_key(e) for n, e in _column(email_column).items()}
    taken: dict[str, int] = {}
    for number, result in _column(result_column).items():
        email = emails.get(number, "")
        if number > header_row and email and cell_state(result) is not None:
            taken.setdefault(email, number)
    return taken


def confirm_located(
    located: Mapping[int, int | None],
    held: Mapping[int, Mapping[int, str]],
    columns: Mapping[int, Sequence[Sequence[str]]],
) -> dict[int, int | None]:
    """`locate_rows`' answer, keeping only the rows whose other cells still hold, where the row
    stands now, what they held when read; the others map to None (not written).

    `held` gives, per row, the cells to check by column index, as read (a status refresh checks
    the row's `profile_interview_id` cell, and the result cell of a row it settles); `columns`
    those columns as read now, from row 1 down. A column not read counts as empty.
    """
    now = {index: _column(cells) for index, cells in columns.items()}
    confirmed: dict[int, int | None] = {}
    for row, at in located.items():
        checks = held.get(row, {})
        if at is not None and any(
            now.get(index, {}).get(at, "") != text.strip() for index, text in checks.items()
        ):
            at = None
        confirmed[row] = at
    return confirmed
