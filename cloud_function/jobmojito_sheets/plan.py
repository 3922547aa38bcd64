"""Plan before spending: which selected rows are sent, skipped or refused, and why (pure).

One mailbox is one candidate: rows are de-duplicated on `candidate.email_key`, so the
spellings of one address (case, NFC/NFD, punycode/Unicode domain) are sent once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from jobmojito_sheets.candidate import (
    MAX_CELL_LENGTH,
    MAX_NAME_LENGTH,
    check_email,
    clean_name,
    email_key,
    normalized_email,
)
from jobmojito_sheets.layout import Layout
from jobmojito_sheets.row_status import (
    ALREADY_REGISTERED,
    CANDIDATE_ID_TOO_LONG,
    EMAIL_EMPTY,
    EMAIL_TOO_LONG,
    INTERRUPTED,
    NAME_EMPTY,
    NAME_TOO_LONG,
    NOT_SENT_LONG_RESULT,
    WOULD_SEND,
    RowStatus,
    cell_state,
    duplicate_of,
    invalid_email,
)

Cells = Sequence[str] | Mapping[int, str]  # a row as a list, or sparse by column index


@dataclass(frozen=True)
class SheetRow:
    """One candidate row as read from the Sheet (cells trimmed; missing cells are ""): what the
    recruiter typed, which the Sheet keeps. A name, email, candidate id or result cell is
    kept to its first 1,001 characters, enough to know it is too long."""

    row: int
    name: str
    email: str
    external_id: str = ""
    result: str = ""
    interview_url: str = ""
    profile_interview_id: str = ""


@dataclass(frozen=True)
class PlannedRow:
    """A row and what the plan decided for it: `would_send`, or why it is not sent."""

    source: SheetRow
    status: RowStatus
    result: str
    row: int = field(init=False)  # the source's row number, asked for everywhere

    def __post_init__(self) -> None:
        object.__setattr__(self, "row", self.source.row)

    @property
    def name(self) -> str:
        """The name as sent: control and format characters removed, whitespace collapsed."""
        return clean_name(self.source.name)

    @property
    def email(self) -> str:
        """The email as sent: email-validator's normalised form (the cell when not valid)."""
        return normalized_email(self.source.email) or self.source.email

    @property
    def refused(self) -> bool:
        """A bad row or a duplicate: not sent, its planned result written into the Sheet.

        Rows skipped as registered or pending keep their cells; rows to send get a marker.
        """
        return self.status in (RowStatus.INVALID, RowStatus.DUPLICATE)


@dataclass(frozen=True)
class Plan:
    rows: tuple[PlannedRow, ...]

    @property
    def to_send(self) -> list[PlannedRow]:
        return [p for p in self.rows if p.status is RowStatus.WOULD_SEND]


def _cell(cells: Cells, index: int | None) -> str:
    if index is None:
        return ""
    if isinstance(cells, (dict, Mapping)):  # a dict first: no ABC check for it
        return str(cells.get(index, "")).strip()
    if index >= len(cells):
        return ""
    return str(cells[index]).strip()


def _bounded(text: str) -> str:
    """A name or email cell, kept only as far as needed to refuse it as too long."""
    return text[: MAX_CELL_LENGTH + 1]


def read_rows(layout: Layout, cells_by_row: Mapping[int, Cells]) -> list[SheetRow]:
    """Candidate rows below the header, in sheet order; wholly blank candidate rows are left out."""
    rows = []
    for number in sorted(cells_by_row):
        if number <= layout.header_row:
            continue
        cells = cells_by_row[number]
        if layout.name is not None:
            name = _cell(cells, layout.name)
        else:
            name = f"{_cell(cells, layout.first_name)} {_cell(cells, layout.last_name)}".strip()
        row = SheetRow(
            row=number,
            name=_bounded(name),
            email=_bounded(_cell(cells, layout.email)),
            external_id=_bounded(_cell(cells, layout.external_id)),
            result=_bounded(_cell(cells, layout.outputs["result"])),
            interview_url=_cell(cells, layout.outputs["interview_url"]),
            profile_interview_id=_cell(cells, layout.outputs["profile_interview_id"]),
        )
        if row.name or row.email or row.external_id:
            rows.append(row)
    return rows


def email_problem(email: str) -> str | None:
    """Why an email address cannot be used, checked for syntax only (no network)."""
    if not email:
        return EMAIL_EMPTY
    if len(email) > MAX_CELL_LENGTH:
        return EMAIL_TOO_LONG
    problem = check_email(email)[1]
    return invalid_email(problem) if problem is not None else None


def name_problem(name: str) -> str | None:
    """Why a name cannot be sent: empty once cleaned, or over 200 characters."""
    if len(name) > MAX_CELL_LENGTH:
        return NAME_TOO_LONG
    cleaned = clean_name(name)
    if not cleaned:
        return NAME_EMPTY
    return NAME_TOO_LONG if len(cleaned) > MAX_NAME_LENGTH else None


def refusal(row: SheetRow) -> str | None:
    """Why the row's own data cannot be sent (the `invalid` rule), or None."""
    if len(row.external_id) > MAX_CELL_LENGTH:
        return CANDIDATE_ID_TOO_LONG
    return email_problem(row.email) or name_problem(row.name)


def candidate_key(row: SheetRow) -> str:
    """The mailbox a row names, as rows are compared (its normalised email's key)."""
    return email_key(normalized_email(row.email) or row.email)


def claimed_by_earlier_run(row: SheetRow) -> PlannedRow | None:
    """A row an earlier run registered (or may have), left alone unless forced."""
    state = cell_state(row.result)
    if state is RowStatus.REGISTERED:
        return PlannedRow(row, state, ALREADY_REGISTERED)
    if state is RowStatus.INTERRUPTED:
        return PlannedRow(row, state, INTERRUPTED)
    return None


def plan_invites(rows: Iterable[SheetRow], *, force: bool) -> Plan:
    """Decide each row's fate: send once per email, never a bad row, never one already done."""
    rows = list(rows)
    claimed: dict[str, int] = {}
    decided: dict[int, PlannedRow] = {}
    # Rows already registered (or pending) claim their email first, wherever they stand, so a
    # duplicate above them is not sent a second time.
    if not force:
        for row in rows:
            earlier = claimed_by_earlier_run(row)
            if earlier is not None:
                decided[row.row] = earlier
                claimed.setdefault(candidate_key(row), row.row)
    for row in rows:
        if row.row in decided:
            continue
        if len(row.result) > MAX_CELL_LENGTH:  # never overwritten, so never marked
            decided[row.row] = PlannedRow(row, RowStatus.NOT_SENT, NOT_SENT_LONG_RESULT)
            continue
        problem = refusal(row)
        first = claimed.get(candidate_key(row)) if problem is None else None
        if problem is not None:
            decided[row.row] = PlannedRow(row, RowStatus.INVALID, problem)
        elif first is not None:
            decided[row.row] = PlannedRow(row, RowStatus.DUPLICATE, duplicate_of(first))
        else:
            claimed[candidate_key(row)] = row.row
            decided[row.row] = PlannedRow(row, RowStatus.WOULD_SEND, WOULD_SEND)
    return Plan(tuple(decided[row.row] for row in rows))


def batches(rows: Sequence[PlannedRow], size: int) -> list[list[PlannedRow]]:
    return [list(rows[i : i + size]) for i in range(0, len(rows), size)]
