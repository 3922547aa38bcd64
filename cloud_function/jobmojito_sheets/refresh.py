"""The status refresh's shell (`"action": "status"`): read the rows, page the results, write
what changed where each row stands then. Every decision is `interview_status`'s.

Its calls, whatever the selection's size:
- Google Sheets: the tab's properties; the top rows, with the selected rows' columns when the
  columns last read of this tab (by a refresh, else by an invite run, with the status columns
  right of them) bring them all (`selection_read`); else one more read of those columns; and,
  only when a cell changed, one read of the header row and the email, result and
  `profile_interview_id` columns that finds each row where it stands now (`locate`), then one
  RAW write of the cells that changed (one more call, once, when the tab is too narrow for
  new status columns);
- JobMojito: `GET /merchant-result-list`, 1,000 results a page, newest update first,
  stopping as soon as every selected row has its result (a page more, rarely, when a result
  moved while the pages were read); nothing that costs a credit;
- the registration record: one lookup of the pending rows' candidates only (two with
  `is_test`: the test records too), none when no row is pending.

Rows past `MAX_ROWS`, rows whose result the deadline left unread, and rows that moved or
changed so that they cannot be found for certain at write time are `remaining` for the next
call. A refresh is safe to repeat: a failed call wrote nothing, or only status cells that the
next call writes again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jobmojito_sheets.column_memory import ColumnMemory
from jobmojito_sheets.config import Settings
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.interview_status import (
    Refreshed,
    ResultIndex,
    StatusRow,
    all_found,
    index_results,
    pending_keys,
    refresh_rows,
    settling_record,
    status_rows,
    summarize_refresh,
    write_checks,
    written_at,
)
from jobmojito_sheets.jobmojito import JobMojitoClient, JobMojitoFailure, NotProcessed
from jobmojito_sheets.layout import (
    HEADER_SEARCH_ROWS,
    OUTPUT_COLUMNS,
    STATUS_COLUMNS,
    Layout,
    column_letter,
    find_status_layout,
)
from jobmojito_sheets.read_plan import widened
from jobmojito_sheets.registry import Record
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.row_status import RowStatus
from jobmojito_sheets.selection import (
    Span,
    clip_spans,
    row_spans,
    rows_in,
    selected_spans,
    take_rows,
)
from jobmojito_sheets.selection_read import read_selected_cells
from jobmojito_sheets.service import COLUMNS_LAST_READ, TABS_LAST_READ, read_tab_and, tab_ref
from jobmojito_sheets.settle import stop_error
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.store import RegistrationStore, StoreUnavailable
from jobmojito_sheets.writer import SheetWriter

log = logging.getLogger(__name__)

# The columns each tab's last refresh read (apart from the invite run's: they differ).
REFRESH_COLUMNS_LAST_READ = ColumnMemory()
# A page of results is asked for only while this much time is left before the reserve.
MIN_PAGE_SECONDS = 1.0


def read_status_rows(
    sheets: SheetsGateway, tab: Tab, request: InviteRequest, max_rows: int
) -> tuple[Layout, list[StatusRow], list[Span]]:
    """The tab's properties were read already; now the top rows and only the columns the
    refresh needs of the first `max_rows` selected rows below them, read as the invite run
    reads (`selection_read`). Its first guess of those columns is what the last refresh of
    the tab read, else what the last invite run read widened by the four status columns
    (they go right of the output columns), checked against the header. Returns the layout,
    the rows, and the spans of the selected rows past `max_rows`, left for the next call."""
    spans = selected_spans(request.ranges, tab.row_count, tab.column_count)
    below_top, beyond = take_rows(clip_spans(spans, HEADER_SEARCH_ROWS + 1), max_rows)
    in_top = [(a, min(b, HEADER_SEARCH_ROWS)) for a, b in spans if a <= HEADER_SEARCH_ROWS]
    selected = set(rows_in(in_top)) | set(rows_in(below_top))
    key = (request.spreadsheet_id, tab.sheet_id)
    invited = COLUMNS_LAST_READ.get(key)  # what an invite run read of this tab, if any
    layout, cells_by_row = read_selected_cells(
        sheets, tab, below_top, selected, find=find_status_layout,
        memory=REFRESH_COLUMNS_LAST_READ, key=key, max_rows=max_rows,
        seed=widened(invited, len(STATUS_COLUMNS), tab.column_count) if invited else None,
    )  # fmt: skip
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
    store: RegistrationStore, interview_id: str, rows: Sequence[StatusRow], *, is_test: bool
) -> dict[str, Record] | None:
    """The registration records of the pending rows' candidates (one lookup, none when no
    row is pending; with `is_test` the test records too, each used only where the candidate
    has no real record: `settling_record`); None when the store could not be read."""
    keys = pending_keys(rows)
    if not keys:
        return {}
    try:
        real = store.lookup(interview_id, keys)
        test = store.lookup(interview_id, keys, is_test=True) if is_test else {}
    except StoreUnavailable:
        log.warning("the registration record could not be read; pending rows wait")
        return None
    records = {key: settling_record(real.get(key), test.get(key)) for key in keys}
    return {key: record for key, record in records.items() if record is not None}


def write_where_they_stand(
    sheets: SheetsGateway, tab: Tab, layout: Layout, rows: Sequence[StatusRow],
    refreshed: Sequence[Refreshed],
) -> tuple[list[Refreshed], Tab]:  # fmt: skip
    """Write the cells that changed, each row where it stands now: one read of the header row
    and the email, result and `profile_interview_id` columns (`SheetWriter.snapshot`), then
    one RAW write of the rows found for certain, with the headers of the columns created
    (`SheetWriter.write`). Returns the rows as answered then (`written_at`) and the tab as the
    write left it (wider, when it grew the grid for new status columns); raises the write's
    InviteError (nothing, or only status cells the next call writes again, was written)."""
    cells = {item.row: item.writes for item in refreshed if item.writes}
    expected, held = write_checks(rows, refreshed, layout)
    writer = SheetWriter(sheets, tab, layout)
    sheets.finishing()
    pid = layout.outputs.get("profile_interview_id")
    snapshot = writer.snapshot(also=[pid] if pid is not None else [])
    flushed = writer.write(cells, expected, snapshot, held)
    if flushed.error is not None:
        raise flushed.error
    if flushed.not_written:
        log.warning("%d rows moved or changed during the refresh; left for the next call",
                    len(flushed.not_written))  # fmt: skip
    return written_at(refreshed, flushed.written), writer.tab


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
    with ThreadPoolExecutor(max_workers=1) as side:
        tab, (layout, rows, beyond) = read_tab_and(
            sheets, request, lambda tab: read_status_rows(sheets, tab, request, settings.max_rows),
            side,
        )  # fmt: skip
    index, complete = read_results(client, request, rows, deadline, settings.jobmojito_timeout)
    stored = lookup_pending(store, request.interview_id, rows, is_test=request.is_test)
    refreshed = refresh_rows(
        rows, index, stored or {}, complete=complete, records_read=stored is not None,
        outputs=[name for name in OUTPUT_COLUMNS if name in layout.outputs],
    )  # fmt: skip
    if any(item.writes for item in refreshed):
        refreshed, tab = write_where_they_stand(sheets, tab, layout, rows, refreshed)
        TABS_LAST_READ.put(tab_ref(request), tab)
    not_yet = [r.row for r in refreshed if r.status is RowStatus.NOT_YET]
    return {
        "summary": summarize_refresh(refreshed),
        "rows": [r.to_json() for r in refreshed],
        "columns": {name: column_letter(layout.outputs[name]) for name in STATUS_COLUMNS},
        "remaining": _remaining(not_yet, beyond),
    }
