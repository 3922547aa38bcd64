"""One run, start to finish: read the selection, plan, register with JobMojito, write back.

This is the imperative shell that strings the pure rules together. Its promises:
- write ahead: a batch's rows are marked `Pending (run …)` in the Sheet before the batch is
  sent, and a row that could not be marked is not sent;
- results replace the markers as batches answer, in coalesced writes (at most about one a
  second), each preceded by one read that locates the rows by email;
- when JobMojito's answer proves it processed nothing, the batch's rows get back exactly what
  they held; when it may have processed them, they stay pending;
- no new batch starts after the time budget; the rest is answered as `remaining`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
from jobmojito_sheets.layout import HEADER_SEARCH_ROWS, Layout, find_header_row, find_layout
from jobmojito_sheets.locate import registered_rows
from jobmojito_sheets.plan import (
    ALREADY_REGISTERED,
    DUPLICATE_OF,
    PENDING_PREFIX,
    Action,
    Plan,
    PlannedRow,
    batches,
    plan_invites,
    read_rows,
)
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.results import Outcome, match_results
from jobmojito_sheets.selection import coalesce_spans, row_spans, rows_as_ranges, selected_rows
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.writer import Flushed, SheetWriter

log = logging.getLogger(__name__)

# Ranges in the one read of the selection (they travel in the request's URL).
MAX_READ_RANGES = 50

NOT_SENT_UNREACHABLE = "Not sent: JobMojito could not be reached; run the menu again"
NOT_SENT_STOPPED = "Not sent: the run stopped before this row; run the menu again"
NOT_SENT_MOVED = "Not sent: the row moved while the run was going; run the menu again"
NOT_SENT_YET = "Not sent yet: the function's time ran out; the next call continues"
NOT_SENT_SHEETS = "Not sent: Google Sheets could not be written; run the menu again"


def pending_marker(run_id: str, now: datetime) -> str:
    """The write-ahead text; `plan.is_pending` recognises it on the next run."""
    return f"{PENDING_PREFIX}run {run_id}, {now:%Y-%m-%d %H:%M} UTC)"


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
    below_top = [r for r in rows if r > HEADER_SEARCH_ROWS]
    if len(below_top) > max_rows:
        raise _too_many(len(rows), max_rows)
    spans = coalesce_spans(row_spans(below_top), MAX_READ_RANGES)
    top = min(HEADER_SEARCH_ROWS, tab.row_count)
    values = sheets.read(tab, [f"1:{top}"] + [f"{a}:{b}" for a, b in spans])
    top_rows = values[0] if values else []
    cells_by_row: dict[int, list[str]] = {
        number: cells for number, cells in enumerate(top_rows, start=1) if number in rows
    }
    selected = set(rows)
    for (first, _last), block in zip(spans, values[1:], strict=False):
        for offset, cells in enumerate(block):
            if first + offset in selected:
                cells_by_row[first + offset] = cells
    header_row = find_header_row(top_rows) or 0
    below_header = [
        c for n, c in [*enumerate(top_rows, 1), *cells_by_row.items()] if n >= header_row
    ]
    widest = max((len(c) for c in below_header), default=0)
    layout = find_layout(top_rows, widest)
    candidates = read_rows(layout, cells_by_row)
    if len(candidates) > max_rows:
        raise _too_many(len(candidates), max_rows)
    return layout, plan_invites(candidates, force=request.force)


@dataclass
class RowReport:
    """What the answer says of one row; `written` false means the Sheet could not be updated."""

    planned: PlannedRow
    result: str
    at: int
    interview_url: str | None = None
    profile_interview_id: str | None = None
    written: bool = True

    def to_json(self, dry_run: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"row": self.at, "email": self.planned.source.email}
        entry["result"] = self.result
        if self.interview_url:
            entry["interview_url"] = self.interview_url
        if self.profile_interview_id:
            entry["profile_interview_id"] = self.profile_interview_id
        if not dry_run:
            entry["written"] = self.written
        return entry


@dataclass
class Run:
    """The mutable state of one run, owned by the thread that calls `run`."""

    plan: Plan
    writer: SheetWriter
    force: bool
    reports: dict[int, RowReport] = field(default_factory=dict)
    outbox: dict[int, dict[str, str]] = field(default_factory=dict)
    sent: set[int] = field(default_factory=set)
    answered: set[int] = field(default_factory=set)
    stop: InviteError | None = None
    sheets_error: InviteError | None = None
    last_flush: float = float("-inf")
    result_cells: dict[int, str] = field(default_factory=dict)

    def expected(self) -> dict[int, tuple[str, str]]:
        """Each row's email and what its result cell holds, as far as this run knows."""
        cells = self.result_cells
        return {p.row: (p.source.email, cells.get(p.row, p.source.result)) for p in self.plan.rows}

    def flush(self, now: float) -> set[int]:
        """Write the outbox; returns the rows whose cells are now in the Sheet."""
        if not self.outbox:
            return set()
        cells, self.outbox = self.outbox, {}
        self.last_flush = now
        return self._settle_write(cells, self.writer.flush(cells, self.expected()))

    def start_wave(
        self, wave: list[list[PlannedRow]], marker: str, now: float
    ) -> list[list[PlannedRow]]:
        """Mark the wave's rows pending (with whatever else waits in the outbox) in one read
        and one write; returns the batches to send now: the rows that were marked.

        A row whose email is registered or pending on any row of the tab is not sent but
        skipped as a duplicate of that row (unless the run is forced).
        """
        self.last_flush = now
        rows = [planned for batch in wave for planned in batch]
        try:
            snapshot = self.writer.snapshot()
        except InviteError as error:
            self.sheets_error = self.sheets_error or error
            self._never_sent(rows, NOT_SENT_SHEETS)
            return []
        taken = (
            {}
            if self.force
            else registered_rows(snapshot.emails, snapshot.results, self.writer.header_row)
        )
        expected = self.expected()
        at = self.writer.locate({p.row: expected[p.row] for p in rows}, snapshot)
        skipped: set[int] = set()
        for planned in rows:
            other = taken.get(planned.source.email.strip().lower())
            report = self.reports[planned.row]
            if other is None:
                report.result = marker
                self.outbox[planned.row] = {"result": marker}
            elif other == at[planned.row]:  # registered on this very row since it was read
                skipped.add(planned.row)
                report.result = ALREADY_REGISTERED  # and its cells stay exactly as they are
            else:
                skipped.add(planned.row)
                report.result = f"{DUPLICATE_OF}{other}"
                self.outbox[planned.row] = {"result": report.result}
        cells, self.outbox = self.outbox, {}
        marked = self._settle_write(cells, self.writer.write(cells, expected, snapshot))
        unmarked = NOT_SENT_SHEETS if self.sheets_error else NOT_SENT_MOVED
        self._never_sent(
            [p for p in rows if p.row not in marked and p.row not in skipped], unmarked
        )
        return [
            sendable
            for batch in wave
            if (sendable := [p for p in batch if p.row in marked and p.row not in skipped])
        ]

    def _never_sent(self, rows: Sequence[PlannedRow], result: str) -> None:
        """Rows of a wave that were not marked: their marker must never be written later, and
        the Sheet already holds what it should, what the rows held before."""
        for planned in rows:
            self.outbox.pop(planned.row, None)
            self.reports[planned.row].result = result
            self.reports[planned.row].written = True

    def _settle_write(self, cells: dict[int, dict[str, str]], flushed: Flushed) -> set[int]:
        if flushed.error is not None:
            log.warning("a Sheets write failed: %s", flushed.error.code)
            self.sheets_error = self.sheets_error or flushed.error
            # Tried again by the last flush of the run (newer cells for a row win).
            self.outbox = {**cells, **self.outbox}
        for row, at in flushed.written.items():
            self.reports[row].at = at
            self.reports[row].written = True
            if "result" in cells[row]:
                self.result_cells[row] = cells[row]["result"]
        for row in flushed.not_written:
            self.reports[row].written = False
        return set(flushed.written)

    def restore(self, batch: Sequence[PlannedRow], result: str) -> None:
        """JobMojito processed nothing: put back what the rows held before their marker."""
        for planned in batch:
            self.outbox[planned.row] = {"result": planned.source.result}
            self.reports[planned.row].result = result

    def settle(self, batch: list[PlannedRow], future: Future[list[object]]) -> None:
        """Fold one finished batch into the reports and the outbox."""
        error = future.exception()
        if error is None:
            matched = match_results(batch, future.result())
            self.answered.update(p.row for p in batch)
            for planned in batch:
                outcome = matched.get(planned.row)
                if outcome is None:
                    continue  # may or may not be registered: it stays pending
                self._record(outcome)
        elif isinstance(error, Ambiguous):
            log.warning("a batch of %d may have been processed: %s", len(batch), error)
        elif isinstance(error, CredentialsRejected):
            self.stop = self.stop or credentials_rejected()
            self.restore(batch, NOT_SENT_STOPPED)
        elif isinstance(error, RequestRefused):
            self.stop = self.stop or request_refused(error)
            self.restore(batch, NOT_SENT_STOPPED)
        elif isinstance(error, NotProcessed):
            log.warning("a batch of %d was not processed: %s", len(batch), error)
            self.stop = self.stop or unreachable()
            self.restore(batch, NOT_SENT_UNREACHABLE)
        else:
            raise error

    def _record(self, outcome: Outcome) -> None:
        report = self.reports[outcome.row]
        report.result = outcome.result
        report.interview_url = outcome.interview_url
        report.profile_interview_id = outcome.profile_interview_id
        self.outbox[outcome.row] = outcome.cells()


def credentials_rejected() -> InviteError:
    return UpstreamError(
        "JobMojito rejected the function's credentials (the API token is expired or "
        "revoked): ask the engineer who deployed the function to update the "
        "JOBMOJITO_API_TOKEN secret in Google Cloud Secret Manager.",
        code="jobmojito_credentials_rejected",
    )


def request_refused(refused: RequestRefused) -> InviteError:
    field_name = f" (field {refused.name})" if refused.name else ""
    return InviteError(
        f"JobMojito refused the request: {refused.error}{field_name}; check the interview ID "
        "in Settings.",
        code="jobmojito_rejected_request",
        status=422,
    )


def unreachable() -> InviteError:
    return UpstreamError(
        "JobMojito could not be reached; nothing more was sent. Wait a few minutes and run the "
        "menu again.",
        code="jobmojito_unreachable",
    )


def _planned_reports(plan: Plan) -> dict[int, RowReport]:
    """Each row as the plan leaves it; a registered row shows the link it already has."""
    reports: dict[int, RowReport] = {}
    for planned in plan.rows:
        report = RowReport(planned, planned.result, planned.row)
        if planned.action is Action.REGISTERED:
            report.interview_url = planned.source.interview_url or None
        reports[planned.row] = report
    return reports


def _summary(state_rows: Sequence[RowReport], plan: Plan, sent: int) -> dict[str, int]:
    results = [r.result for r in state_rows]
    return {
        "selected": len(results),
        "sent": sent,
        "ok": sum(1 for r in results if r == "ok"),
        "errors": sum(1 for r in results if r.startswith("Error")),
        "skipped": sum(1 for r in results if r.startswith("Skipped")),
        "pending": sum(1 for r in results if r.startswith(PENDING_PREFIX)),
        "not_sent": sum(1 for r in results if r.startswith("Not sent")),
    }


def _answer(
    reports: Sequence[RowReport], plan: Plan, layout: Layout, sent: int,
    *, dry_run: bool, remaining: list[str],
) -> dict[str, Any]:  # fmt: skip
    return {
        "summary": _summary(reports, plan, sent),
        "rows": [r.to_json(dry_run) for r in reports],
        "columns": layout.letters(),
        "remaining": remaining,
        "dry_run": dry_run,
    }


def _send(
    client: JobMojitoClient, request: InviteRequest, batch: Sequence[PlannedRow], retry_for: float
) -> list[object]:
    users = [UserPayload(p.source.name, p.source.email, p.source.external_id) for p in batch]
    return client.register(
        request.interview_id, request.type, request.hide_menu, users, retry_for=retry_for
    )


def run(
    request: InviteRequest,
    settings: Settings,
    sheets: SheetsGateway,
    client: JobMojitoClient,
    *,
    started: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """The whole run for one request; returns the 200 answer or raises an InviteError."""
    started = clock() if started is None else started
    tab = find_tab(sheets.tabs(), request)
    layout, plan = read_selection(sheets, tab, request, settings.max_rows)
    if request.dry_run:
        reports = list(_planned_reports(plan).values())
        return _answer(reports, plan, layout, len(plan.to_send), dry_run=True, remaining=[])

    marker = pending_marker(secrets.token_hex(3), datetime.now(UTC))
    state = Run(plan, SheetWriter(sheets, tab, layout), force=request.force)
    state.reports = _planned_reports(plan)
    for planned in plan.to_send:
        state.reports[planned.row].result = NOT_SENT_STOPPED  # until its batch is sent
    refusals = {p.row: {"result": p.result} for p in plan.rows if p.refused}
    queue = deque(batches(plan.to_send, settings.batch_size))
    in_flight: dict[Future[list[object]], list[PlannedRow]] = {}

    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        while True:
            for future in [f for f in in_flight if f.done()]:
                state.settle(in_flight.pop(future), future)
            now = clock()
            # The first batch always goes, so that every call makes progress.
            in_time = now - started < settings.time_budget or not state.sent
            may_start = queue and in_time and state.stop is None and state.sheets_error is None
            due = now - state.last_flush >= settings.write_interval
            if may_start and due and len(in_flight) < settings.concurrency:
                wave = [
                    queue.popleft() for _ in range(settings.concurrency - len(in_flight)) if queue
                ]
                for sendable in state.start_wave(wave, marker, now):
                    state.sent.update(p.row for p in sendable)
                    retry_for = settings.time_budget - (now - started)
                    future = pool.submit(_send, client, request, sendable, retry_for)
                    in_flight[future] = sendable
            elif state.outbox and due:
                state.flush(now)
            if not in_flight and (not queue or not in_time or state.stop or state.sheets_error):
                break
            wait_for = max(0.02, settings.write_interval - (clock() - state.last_flush))
            if in_flight:
                wait(list(in_flight), timeout=wait_for, return_when=FIRST_COMPLETED)
            else:  # nothing to wait for but the next write slot
                time.sleep(wait_for)
    stop = state.stop
    fails = stop is not None and (stop.code != "jobmojito_unreachable" or not state.answered)
    if not fails:
        # The planned refusals (bad rows, duplicates) are written once the run went through;
        # a run that fails leaves every row it did not send exactly as it was.
        state.outbox = {**refusals, **state.outbox}
    state.flush(clock())

    unsent = [p.row for batch in queue for p in batch]
    remaining: list[str] = []
    if unsent and state.stop is None and state.sheets_error is None:
        remaining = rows_as_ranges(unsent)
        for row in unsent:
            state.reports[row].result = NOT_SENT_YET
    elif unsent and state.stop is not None and state.stop.code == "jobmojito_unreachable":
        for row in unsent:
            state.reports[row].result = NOT_SENT_UNREACHABLE
    reports = [state.reports[p.row] for p in plan.rows]
    answer = _answer(reports, plan, layout, len(state.sent), dry_run=False, remaining=remaining)

    if stop is not None and fails:
        stop.extra = answer
        raise stop
    if state.sheets_error is not None and not state.sent:
        raise state.sheets_error
    return answer
