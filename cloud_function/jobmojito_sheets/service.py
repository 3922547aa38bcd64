"""One run, start to finish: read the selection, plan, register with JobMojito, write back.

This is the imperative shell that strings the pure rules together; every decision it acts on
comes from `selection`, `layout`, `plan` and `results`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from jobmojito_sheets.config import Settings
from jobmojito_sheets.errors import InviteError, NotFound, TooLarge, UpstreamError
from jobmojito_sheets.jobmojito import (
    Ambiguous,
    CredentialsRejected,
    JobMojitoClient,
    NotProcessed,
    RequestRefused,
    UserPayload,
)
from jobmojito_sheets.layout import HEADER_SEARCH_ROWS, Layout, find_layout
from jobmojito_sheets.plan import Action, Plan, PlannedRow, batches, plan_invites, read_rows
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.results import (
    NO_RESULT,
    Outcome,
    header_cells,
    match_results,
    value_ranges,
)
from jobmojito_sheets.selection import row_spans, selected_rows
from jobmojito_sheets.sheets import SheetsGateway, Tab

log = logging.getLogger(__name__)

AMBIGUOUS_RESULT = (
    "Error: JobMojito's answer was incomplete; check this candidate in JobMojito before "
    "sending again"
)
NOT_SENT_RESULT = "Not sent: JobMojito could not be reached; run the menu again"


@dataclass
class _RunState:
    """What the batches produced; filled from worker threads under `lock`."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    sent_rows: set[int] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)
    credentials_rejected: bool = False
    refused: RequestRefused | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def find_tab(tabs: Sequence[Tab], request: InviteRequest) -> Tab:
    for tab in tabs:
        if request.sheet_id is not None and tab.sheet_id == request.sheet_id:
            return tab
        if request.sheet_id is None and tab.title == request.sheet:
            return tab
    which = f"gid {request.sheet_id}" if request.sheet_id is not None else repr(request.sheet)
    raise NotFound(
        f"The tab {which} was not found in this spreadsheet; run the menu from the "
        "candidates' tab.",
        code="sheet_not_found",
    )


def _too_many(count: int, limit: int) -> TooLarge:
    return TooLarge(
        f"The selection has {count} candidate rows, over the limit of {limit}; select fewer "
        "rows and run again."
    )


def read_selection(
    sheets: SheetsGateway, tab: Tab, request: InviteRequest, max_rows: int
) -> tuple[Layout, Plan]:
    """Two reads: the tab's properties were read already; now the header rows and the selection."""
    rows = selected_rows(request.ranges, tab.row_count, tab.column_count)
    if sum(1 for r in rows if r > HEADER_SEARCH_ROWS) > max_rows:
        raise _too_many(len(rows), max_rows)
    spans = row_spans([r for r in rows if r > HEADER_SEARCH_ROWS])
    top = min(HEADER_SEARCH_ROWS, tab.row_count)
    values = sheets.read(tab, [f"1:{top}"] + [f"{a}:{b}" for a, b in spans])
    top_rows = values[0] if values else []
    cells_by_row: dict[int, list[str]] = {
        number: cells for number, cells in enumerate(top_rows, start=1) if number in rows
    }
    for (first, _last), block in zip(spans, values[1:], strict=False):
        for offset, cells in enumerate(block):
            cells_by_row[first + offset] = cells
    widest = max((len(c) for c in [*top_rows, *cells_by_row.values()]), default=0)
    layout = find_layout(top_rows, widest)
    candidates = read_rows(layout, cells_by_row)
    if len(candidates) > max_rows:
        raise _too_many(len(candidates), max_rows)
    return layout, plan_invites(candidates, force=request.force)


def _send_batch(
    client: JobMojitoClient, request: InviteRequest, batch: list[PlannedRow], state: _RunState
) -> None:
    if state.stop.is_set():
        return
    users = [UserPayload(p.source.name, p.source.email, p.source.external_id) for p in batch]
    rows = [p.row for p in batch]
    try:
        answer = client.register(request.interview_id, request.type, request.hide_menu, users)
    except CredentialsRejected:
        state.stop.set()
        with state.lock:
            state.credentials_rejected = True
        return
    except RequestRefused as refused:
        state.stop.set()
        with state.lock:
            state.refused = refused
        return
    except NotProcessed as error:
        log.warning("JobMojito batch of %d not processed: %s", len(batch), error)
        return
    except Ambiguous as error:
        log.warning("JobMojito batch of %d answered ambiguously: %s", len(batch), error)
        with state.lock:
            state.sent_rows.update(rows)
            for row in rows:
                state.outcomes[row] = Outcome(row, AMBIGUOUS_RESULT)
        return
    matched = match_results(batch, answer)
    with state.lock:
        state.sent_rows.update(rows)
        for row in rows:
            state.outcomes[row] = matched.get(row, Outcome(row, NO_RESULT))


def register_all(
    client: JobMojitoClient, request: InviteRequest, plan: Plan, settings: Settings
) -> _RunState:
    """Send the planned rows in batches, a bounded number at once; 401/403/422 stop the run."""
    state = _RunState()
    work = batches(plan.to_send, settings.batch_size)
    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        for future in [pool.submit(_send_batch, client, request, b, state) for b in work]:
            future.result()
    return state


def _row_json(planned: PlannedRow, outcome: Outcome | None, dry_run: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"row": planned.row, "email": planned.source.email}
    if outcome is not None:
        entry["result"] = outcome.result
        if outcome.interview_url:
            entry["interview_url"] = outcome.interview_url
        if outcome.profile_interview_id:
            entry["profile_interview_id"] = outcome.profile_interview_id
    elif planned.action is Action.SEND and not dry_run:
        entry["result"] = NOT_SENT_RESULT
    else:
        entry["result"] = planned.result
        if planned.source.interview_url and planned.action is Action.REGISTERED:
            entry["interview_url"] = planned.source.interview_url
    return entry


def _summary(rows: Sequence[dict[str, Any]], plan: Plan, sent: int) -> dict[str, int]:
    results = [str(r["result"]) for r in rows]
    return {
        "selected": len(rows),
        "sent": sent,
        "ok": sum(1 for r in results if r == "ok"),
        "errors": sum(1 for r in results if r.startswith("Error")),
        "skipped": plan.count(Action.DUPLICATE, Action.REGISTERED, Action.PENDING),
        "not_sent": sum(1 for r in results if r.startswith("Not sent")),
    }


def _answer(
    plan: Plan, layout: Layout, outcomes: dict[int, Outcome], sent: int, dry_run: bool
) -> dict[str, Any]:
    rows = [_row_json(p, outcomes.get(p.row), dry_run) for p in plan.rows]
    if not dry_run:
        for entry in rows:
            entry["written"] = True
    return {
        "summary": _summary(rows, plan, sent),
        "rows": rows,
        "columns": layout.letters(),
        "remaining": [],
        "dry_run": dry_run,
    }


def _cells_to_write(
    plan: Plan, outcomes: dict[int, Outcome], *, planned: bool
) -> dict[int, dict[str, str]]:
    """Output cells per row: JobMojito's outcomes, and (when `planned`) the planned refusals."""
    cells: dict[int, dict[str, str]] = {}
    for planned_row in plan.rows:
        if planned_row.row in outcomes:
            cells[planned_row.row] = outcomes[planned_row.row].cells()
        elif planned and planned_row.action in (Action.ERROR, Action.DUPLICATE):
            cells[planned_row.row] = {"result": planned_row.result}
    return cells


def _run_failure(state: _RunState, plan: Plan) -> InviteError | None:
    """The error that ends a run JobMojito refused or never answered, if it did."""
    if state.credentials_rejected:
        return UpstreamError(
            "JobMojito rejected the function's credentials (the API token is expired or "
            "revoked): ask the engineer who deployed the function to update the "
            "JOBMOJITO_API_TOKEN secret in Google Cloud Secret Manager.",
            code="jobmojito_credentials_rejected",
        )
    if state.refused is not None:
        field_name = f" (field {state.refused.name})" if state.refused.name else ""
        return InviteError(
            f"JobMojito refused the request: {state.refused.error}{field_name}; check the "
            "interview ID in Settings.",
            code="jobmojito_rejected_request",
            status=422,
        )
    if plan.to_send and not state.sent_rows:
        return UpstreamError(
            "JobMojito could not be reached; nothing was sent. Wait a few minutes and run the "
            "menu again.",
            code="jobmojito_unreachable",
        )
    return None


def write_back(
    sheets: SheetsGateway, tab: Tab, layout: Layout, cells: dict[int, dict[str, str]]
) -> None:
    """Grow the grid if the output columns fall outside it, then one batched RAW write."""
    if not cells:
        return
    if layout.new_headers:
        cells = {**cells, layout.header_row: header_cells(layout)}
    if layout.width_needed > tab.column_count:
        sheets.append_columns(tab, layout.width_needed - tab.column_count)
    sheets.write(value_ranges(tab.title, layout, cells))


def run(
    request: InviteRequest, settings: Settings, sheets: SheetsGateway, client: JobMojitoClient
) -> dict[str, Any]:
    """The whole run for one request; returns the 200 answer or raises an InviteError."""
    tab = find_tab(sheets.tabs(), request)
    layout, plan = read_selection(sheets, tab, request, settings.max_rows)
    if request.dry_run:
        return _answer(plan, layout, {}, len(plan.to_send), dry_run=True)
    state = register_all(client, request, plan, settings)
    failure = _run_failure(state, plan)
    # A run that failed writes only what JobMojito answered (those credits are spent); the
    # planned errors and duplicates wait for a run that goes through, so rows never sent
    # stay exactly as they were.
    write_back(sheets, tab, layout, _cells_to_write(plan, state.outcomes, planned=failure is None))
    if failure is not None:
        raise failure
    return _answer(plan, layout, state.outcomes, len(state.sent_rows), dry_run=False)
