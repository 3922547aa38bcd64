"""The status refresh's shell (`"action": "status"`): read the rows, page the results, write
what changed. Every decision is `interview_status`'s.

Its calls, whatever the selection's size:
- Google Sheets: the tab's properties; the top rows, with the selected rows' columns when
  they are those the last refresh of this tab read (`column_memory`); else one more read of
  those columns; and one RAW write of the cells that changed (none when nothing did; one
  more call, once, when the tab is too narrow for new status columns);
- JobMojito: `GET /merchant-result-list`, 1,000 results a page, newest update first,
  stopping as soon as every selected row has its result (a page more, rarely, when a result
  moved while the pages were read); nothing that costs a credit;
- the registration record: one lookup, of the pending rows' candidates only.

Rows past `MAX_ROWS`, and rows whose result the deadline left unread, are `remaining` for
the next call. A refresh is safe to repeat: a failed call wrote nothing, or only status cells
that the next call writes again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from jobmojito_sheets.column_memory import ColumnMemory, Groups
from jobmojito_sheets.config import Settings
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.errors import InviteError, TooLarge
from jobmojito_sheets.interview_status import (
    ResultIndex,
    StatusRow,
    all_found,
    index_results,
    pending_keys,
    refresh_rows,
    status_ranges,
    status_rows,
    summarize_refresh,
)
from jobmojito_sheets.jobmojito import JobMojitoClient, JobMojitoFailure, NotProcessed
from jobmojito_sheets.layout import (
    HEADER_SEARCH_ROWS,
    OUTPUT_COLUMNS,
    STATUS_COLUMNS,
    Layout,
    column_letter,
    find_header_row,
    find_status_layout,
)
from jobmojito_sheets.read_plan import Block, Cells, any_filled, blocks, column_groups, merge_cells
from jobmojito_sheets.registry import Record
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.results import header_cells
from jobmojito_sheets.row_status import RowStatus
from jobmojito_sheets.selection import (
    Span,
    clip_spans,
    plan_reads,
    row_spans,
    rows_in,
    selected_spans,
    take_rows,
)
from jobmojito_sheets.service import (
    BRIDGED_ROWS_PER_MAX_ROW,
    MAX_READ_RANGES,
    MAX_SELECTION_READS,
    find_tab,
)
from jobmojito_sheets.settle import stop_error
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.store import RegistrationStore, StoreUnavailable

log = logging.getLogger(__name__)

# The columns each tab's last refresh read (apart from the invite run's: they differ).
REFRESH_COLUMNS_LAST_READ = ColumnMemory()
# A page of results is asked for only while this much time is left before the reserve.
MIN_PAGE_SECONDS = 1.0


def _reads(below_top: list[Span], groups: Groups, max_rows: int) -> list[list[Span]]:
    """The reads of the selected rows below the top rows, in these column groups (as the
    invite run plans them)."""
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


def read_status_rows(
    sheets: SheetsGateway, tab: Tab, request: InviteRequest, max_rows: int
) -> tuple[Layout, list[StatusRow], list[Span]]:
    """The tab's properties were read already; now the top rows and only the columns the
    refresh needs of the first `max_rows` selected rows below them (the invite run's reads,
    `service.read_selection`, with the refresh's columns). Returns the layout, the rows, and
    the spans of the selected rows past `max_rows`, left for the next call."""
    spans = selected_spans(request.ranges, tab.row_count, tab.column_count)
    below_top, beyond = take_rows(clip_spans(spans, HEADER_SEARCH_ROWS + 1), max_rows)
    in_top = [(a, min(b, HEADER_SEARCH_ROWS)) for a, b in spans if a <= HEADER_SEARCH_ROWS]
    selected = set(rows_in(in_top)) | set(rows_in(below_top))
    top = min(HEADER_SEARCH_ROWS, tab.row_count)
    key = (request.spreadsheet_id, tab.sheet_id)
    guess = REFRESH_COLUMNS_LAST_READ.get(key)
    if guess is not None and any(last >= tab.column_count for _, last in guess):
        guess = None  # the grid has shrunk since: those columns cannot be read
    guessed: list[Block] = []
    if guess and below_top:
        try:
            guessed = blocks(_reads(below_top, guess, max_rows)[0], guess)
        except TooLarge:
            guessed = []  # the guess would not fit; the real columns may
    read = sheets.read(tab, [f"1:{top}", *(b.a1 for b in guessed)])
    top_rows = read[0] if read else []
    header_row = find_header_row(top_rows) or 0
    top_widest = max((len(c) for n, c in enumerate(top_rows, 1) if n >= header_row), default=0)
    layout = find_status_layout(top_rows, top_widest)
    free = [i for i in layout.new_headers if i < tab.column_count]  # where new columns go
    groups = tuple(column_groups([*layout.columns_read(), *free]))
    REFRESH_COLUMNS_LAST_READ.put(key, groups)
    reads = _reads(below_top, groups, max_rows)
    cells_by_row: dict[int, Cells] = {
        n: dict(enumerate(cells)) for n, cells in enumerate(top_rows, 1) if n in selected
    }
    if guessed and guess == groups:  # the first read brought the selected rows too
        merge_cells(cells_by_row, guessed, read[1:], selected)
        reads = reads[1:]
    for spans_of_read in reads:
        ranges = blocks(spans_of_read, groups)
        merge_cells(cells_by_row, ranges, sheets.read(tab, [r.a1 for r in ranges]), selected)
    if free and any_filled(cells_by_row, free):
        layout = find_status_layout(top_rows, max(top_widest, tab.column_count))
    return layout, status_rows(layout, cells_by_row), beyond


def read_results(
    client: JobMojitoClient,
    request: InviteRequest,
    rows: Sequence[StatusRow],
    deadline: Deadline,
    cap: float,
) -> tuple[ResultIndex, bool]:
    """The interview's results, paged until every row has its result or JobMojito has no
    more; returns them indexed, and whether the decisions they allow are final (false when
    the deadline stopped the paging: the rows not found yet are then `not_yet`)."""
    items: list[dict[str, Any]] = []
    index = index_results(items, include_tests=request.is_test)
    if all_found(rows, index):
        return index, True  # no row needs a result: nothing to ask
    pages = client.result_pages(
        request.interview_id, timeout=lambda: deadline.timeout(cap),
        retry_for=deadline.left_for_work,
    )  # fmt: skip
    complete = finished = False
    try:
        for page in pages:
            items.extend(page.records)
            index = index_results(items, include_tests=request.is_test)
            finished = not page.has_more
            complete = finished or all_found(rows, index)
            if complete or deadline.left_for_work() < MIN_PAGE_SECONDS:
                break
    except JobMojitoFailure as failure:
        if isinstance(failure, NotProcessed) and deadline.left_for_work() < MIN_PAGE_SECONDS:
            log.warning("the results were not all read before the deadline")
            return index, complete
        error = stop_error(failure)
        raise error if error is not None else InviteError() from None
    if finished and index.repeats and deadline.left_for_work() >= MIN_PAGE_SECONDS:
        # A result updated while the pages were read moved to the front of the newest-first
        # order and may have pushed another past a page already read: the first page again
        # brings the results updated meanwhile (without it, the pages read still stand).
        try:
            again = client.results_page(
                request.interview_id, 0, timeout=deadline.timeout(cap),
                retry_for=deadline.left_for_work(),
            )  # fmt: skip
        except JobMojitoFailure:
            log.warning("the results updated while they were read could not be read again")
        else:
            index = index_results([*items, *again.records], include_tests=request.is_test)
    return index, complete


def lookup_pending(
    store: RegistrationStore, interview_id: str, rows: Sequence[StatusRow]
) -> dict[str, Record] | None:
    """The registration records of the pending rows' candidates (one lookup, none when no
    row is pending); None when the store could not be read."""
    keys = pending_keys(rows)
    if not keys:
        return {}
    try:
        return store.lookup(interview_id, keys)
    except StoreUnavailable:
        log.warning("the registration record could not be read; pending rows wait")
        return None


def _remaining(not_yet: Sequence[int], beyond: Sequence[Span]) -> list[str]:
    """The rows the next call does, as whole-row A1 ranges in sheet order."""
    return [f"{first}:{last}" for first, last in sorted([*row_spans(sorted(not_yet)), *beyond])]


def refresh(
    request: InviteRequest,
    settings: Settings,
    sheets: SheetsGateway,
    client: JobMojitoClient,
    *,
    deadline: Deadline,
    store: RegistrationStore,
) -> dict[str, Any]:
    """The whole refresh for one request; returns the 200 answer or raises an InviteError."""
    tab = find_tab(sheets.tabs(), request)
    layout, rows, beyond = read_status_rows(sheets, tab, request, settings.max_rows)
    index, complete = read_results(client, request, rows, deadline, settings.jobmojito_timeout)
    stored = lookup_pending(store, request.interview_id, rows)
    refreshed = refresh_rows(
        rows, index, stored or {}, complete=complete, records_read=stored is not None,
        outputs=[name for name in OUTPUT_COLUMNS if name in layout.outputs],
    )  # fmt: skip
    cells: dict[int, dict[str, Any]] = {r.row: dict(r.writes) for r in refreshed if r.writes}
    if cells:
        if layout.new_headers:
            cells.setdefault(layout.header_row, {}).update(header_cells(layout))
        if layout.width_needed > tab.column_count:
            sheets.append_columns(tab, layout.width_needed - tab.column_count)
        sheets.finishing()
        sheets.write(status_ranges(tab.title, layout, cells))
    not_yet = [r.row for r in refreshed if r.status is RowStatus.NOT_YET]
    return {
        "summary": summarize_refresh(refreshed),
        "rows": [r.to_json() for r in refreshed],
        "columns": {name: column_letter(layout.outputs[name]) for name in STATUS_COLUMNS},
        "remaining": _remaining(not_yet, beyond),
    }
