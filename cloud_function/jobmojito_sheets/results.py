"""Map JobMojito's per-user answers back to rows by email, and rows to cell writes (pure).

Each spending call answers its per-user items in its own words; one reader per call turns an
item into a row's outcome (`reader`):

| call                            | item's `result`              | row status        |
|---------------------------------|------------------------------|-------------------|
| `/job-interview-register-users` | `ok` with an `interview_url` | `ok` (`ok (test)` in test mode) |
| `/invite-users`                 | `Invited`                    | `invited`         |
|                                 | `Activated`                  | `activated`       |
|                                 | `Skipped`                    | `already_invited` |
| either                          | `Error: …`                   | `error`           |
| either                          | anything else, or no item    | stays `pending`   |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from gspread.utils import absolute_range_name, rowcol_to_a1

from jobmojito_sheets.candidate import email_key
from jobmojito_sheets.layout import Layout
from jobmojito_sheets.plan import PlannedRow
from jobmojito_sheets.read_plan import column_groups
from jobmojito_sheets.row_status import (
    ACTIVATED,
    ALREADY_INVITED,
    INVITED,
    OK,
    OK_TEST,
    RowStatus,
    jobmojito_error,
)


@dataclass(frozen=True)
class Outcome:
    """What one row ends up with: its status, its result text and, when ok, its link."""

    row: int
    status: RowStatus
    result: str
    interview_url: str | None = None
    profile_interview_id: str | None = None

    def cells(self) -> dict[str, str]:
        """The output cells this outcome writes (the result, and the link when it has one)."""
        values = {"result": self.result}
        if self.interview_url:
            values["interview_url"] = self.interview_url
        if self.profile_interview_id:
            values["profile_interview_id"] = self.profile_interview_id
        return values


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# Reads one answer item for the row it was matched to; None: nothing certain, stays pending.
ItemReader = Callable[[int, Mapping[str, object]], "Outcome | None"]


def link_outcome(row: int, item: Mapping[str, object]) -> Outcome | None:
    """`ok` with its link, or JobMojito's `Error: …`; anything else says nothing for sure."""
    result = _text(item.get("result")) or ""
    url = _text(item.get("interview_url"))
    if result.lower() == OK and url is not None:
        return Outcome(row, RowStatus.OK, OK, url, _text(item.get("profile_interview_id")))
    error = jobmojito_error(result)
    if error is not None:
        return Outcome(row, RowStatus.ERROR, error)
    # "ok" without a link, or a result we do not know: the candidate may be registered, so
    # the row must not be sent again blindly; it stays pending for the recruiter to check.
    return None


def link_outcome_as_test(row: int, item: Mapping[str, object]) -> Outcome | None:
    """A test-mode registration: as `link_outcome`, its `ok` written `ok (test)`."""
    return as_test(link_outcome(row, item))


def as_test(outcome: Outcome | None) -> Outcome | None:
    """A test registration's outcome: the status stays, the text says `ok (test)`."""
    if outcome is None or outcome.result != OK:
        return outcome
    return replace(outcome, result=OK_TEST)


# `/invite-users`' words (case aside) for the candidate's invitation.
_INVITED = {
    "invited": (RowStatus.INVITED, INVITED),
    "activated": (RowStatus.ACTIVATED, ACTIVATED),
    "skipped": (RowStatus.ALREADY_INVITED, ALREADY_INVITED),
}


def invitation_outcome(row: int, item: Mapping[str, object]) -> Outcome | None:
    """`/invite-users`' `Invited`, `Activated` (a profile it had) or `Skipped` (the candidate
    already has the interview: nothing sent), or its `Error: …`; no link ever comes back, its
    `profile_interview_id` is kept when given. Anything else (another word, no result) may
    have invited the candidate: nothing certain, the row stays pending."""
    result = _text(item.get("result")) or ""
    known = _INVITED.get(result.lower())
    if known is not None:
        status, text = known
        return Outcome(row, status, text, None, _text(item.get("profile_interview_id")))
    error = jobmojito_error(result)
    return Outcome(row, RowStatus.ERROR, error) if error is not None else None


def reader(invite_type: str, *, is_test: bool = False) -> ItemReader:
    """How the answers of a run of this type are read (the request checked the pair)."""
    if invite_type == "personal_invitation":
        return invitation_outcome
    return link_outcome_as_test if is_test else link_outcome


def match_results(
    sent: Sequence[PlannedRow], answer: Sequence[object], read: ItemReader = link_outcome
) -> dict[int, Outcome]:
    """Outcomes of the sent rows that the answer names, matched by email and external_id.

    Emails are compared as `candidate.email_key` does (JobMojito may echo the sent,
    normalised spelling, or another spelling of the same mailbox).
    Position is never used: an item naming an email we did not send, or the right email with
    another external_id, is ignored, so no candidate's link reaches another candidate's row.
    Sent rows the answer does not name, or names without a result `read` is sure of (a clear
    `ok` + link or `Error: …` for registrations), are absent from the result.
    """
    by_email = {email_key(p.email): p for p in sent}
    outcomes: dict[int, Outcome] = {}
    for item in answer:
        if not isinstance(item, Mapping):
            continue
        email = _text(item.get("email"))
        planned = by_email.get(email_key(email)) if email else None
        if planned is None or planned.row in outcomes:
            continue
        external_id = _text(item.get("external_id"))
        if planned.source.external_id and external_id and external_id != planned.source.external_id:
            continue
        outcome = read(planned.row, item)
        if outcome is not None:
            outcomes[planned.row] = outcome
    return outcomes


# A cell as the function writes it (RAW): text, or a number (a status refresh's score).
CellValue = str | int | float


def value_ranges(
    tab_title: str, layout: Layout, cells_by_row: Mapping[int, Mapping[str, CellValue]]
) -> list[dict[str, object]]:
    """`values.batchUpdate` data for the given cells, by their column's name in
    `layout.outputs` (the output columns, and a status refresh's status columns): one range
    per block of adjacent rows that write the same adjacent columns (a wave of markers on rows
    2 to 1,001 is one range of 1,000 values, not 1,000 ranges); nothing else is covered.
    Numbers stay numbers."""
    blocks: list[tuple[int, int, int, list[list[CellValue]]]] = []  # first row, columns, values
    open_blocks: dict[tuple[int, int], int] = {}  # columns -> index of the block at the last row
    shapes: dict[tuple[str, ...], list[_Run]] = {}  # rows mostly write the same columns
    for row, cells in sorted(cells_by_row.items()):
        names = tuple(cells)
        runs = shapes.get(names)
        if runs is None:
            runs = shapes[names] = _runs(layout, names)
        still_open: dict[tuple[int, int], int] = {}
        for columns, run_names in runs:
            values = [cells[name] for name in run_names]
            index = open_blocks.get(columns)
            if index is not None and blocks[index][0] + len(blocks[index][3]) == row:
                blocks[index][3].append(values)
            else:
                index = len(blocks)
                blocks.append((row, *columns, [values]))
            still_open[columns] = index
        open_blocks = still_open
    return [_range(tab_title, first, left, right, values) for first, left, right, values in blocks]


# Adjacent output columns a row writes: their first and last index, and their names in order.
_Run = tuple[tuple[int, int], list[str]]


def _runs(layout: Layout, names: Sequence[str]) -> list[_Run]:
    by_column = {layout.outputs[name]: name for name in names}
    return [
        ((first, last), [by_column[c] for c in range(first, last + 1)])
        for first, last in column_groups(by_column)
    ]


def header_cells(layout: Layout) -> dict[str, str]:
    """Header cells of the output columns this run creates, keyed by output name."""
    names = {index: name for name, index in layout.outputs.items()}
    return {names[index]: text for index, text in layout.new_headers.items()}


def _range(
    tab_title: str, first_row: int, left: int, right: int, values: list[list[CellValue]]
) -> dict[str, object]:
    first = rowcol_to_a1(first_row, left + 1)
    last = rowcol_to_a1(first_row + len(values) - 1, right + 1)
    a1 = first if first == last else f"{first}:{last}"
    return {"range": absolute_range_name(tab_title, a1), "values": values}
