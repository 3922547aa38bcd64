"""One run, start to finish: read the selection, plan, register with JobMojito, write back.

The link run (`/job-interview-register-users`, in test mode too) and the personal invitation
(`/invite-users`) are the same run; only the call each batch makes (`_send`) and how its
answer is read (`results.reader`) differ.

This is the imperative shell that strings the pure rules together. Its promises:
- write ahead: the rows to send are claimed in the system of record, then marked
  `Pending (run …)` in the Sheet, in one read and one write, before their batches are sent
  (a large call's first wave in a turn of its own, `schedule.turns`), and a row that could
  not be marked is not sent;
- results replace the markers as batches answer, in coalesced writes (at most one every
  `SHEETS_WRITE_INTERVAL_SECONDS`, and one more while the last batches run when many rows
  wait: `schedule.flush_due`), each preceded by one read that locates the rows by email;
- when JobMojito's answer proves it processed nothing, the batch's rows get back exactly what
  they held; when it may have processed them, they stay pending;
- the call answers before its deadline: a batch starts only while it can still finish, and
  its rows get back what they held otherwise, answered as `remaining` for the next call.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from jobmojito_sheets.claim import Claim, claim_rows, held_by_records, unmarked
from jobmojito_sheets.column_memory import MAX_TABS, ColumnMemory
from jobmojito_sheets.config import Settings
from jobmojito_sheets.credits import Credits, shortfall
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError, NotFound, TooLarge
from jobmojito_sheets.finish import ending, run_error, run_fails
from jobmojito_sheets.jobmojito import JobMojitoClient, JobMojitoFailure, NotStarted, UserPayload
from jobmojito_sheets.layout import HEADER_SEARCH_ROWS, Layout, find_layout
from jobmojito_sheets.ledger import Ledger
from jobmojito_sheets.locate import registered_rows
from jobmojito_sheets.plan import Plan, PlannedRow, batches, plan_invites, read_rows
from jobmojito_sheets.recent import Recent
from jobmojito_sheets.registry import REGISTERED_BY, RELEASED_BY
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.results import ItemReader, Outcome, link_outcome, reader
from jobmojito_sheets.row_status import (
    NOT_SENT_STOPPED,
    WRITTEN_TO_SHEET,
    RowStatus,
    pending_marker,
    summarize,
)
from jobmojito_sheets.schedule import BatchTimes, flush_due, turns
from jobmojito_sheets.selection import (
    clip_spans,
    rows_in,
    selected_spans,
    span_rows,
)
from jobmojito_sheets.selection_read import read_selected_cells
from jobmojito_sheets.settle import settle_batch, stop_error
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.store import RegistrationStore, StoreUnavailable
from jobmojito_sheets.writer import Flushed, SheetWriter, Snapshot

log = logging.getLogger(__name__)

T = TypeVar("T")


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
        code=ErrorCode.SHEET_NOT_FOUND,
    )


def _too_many(count: int, limit: int) -> TooLarge:
    return TooLarge(
        f"The selection has {count} candidate rows, over the limit of {limit}; select fewer "
        "rows and run again."
    )


# The columns each tab was last read in (`column_memory`), shared by the process's calls.
COLUMNS_LAST_READ = ColumnMemory()

# Each tab's properties as the process last read them, by spreadsheet and gid (or title).
TabRef = tuple[str, int | str]
TABS_LAST_READ: Recent[TabRef, Tab] = Recent(MAX_TABS)


def tab_ref(request: InviteRequest) -> TabRef:
    """How the request names its tab: by gid when it gives one, else by title."""
    if request.sheet_id is not None:
        return request.spreadsheet_id, request.sheet_id
    return request.spreadsheet_id, request.sheet or ""


def read_selection(
    sheets: SheetsGateway, tab: Tab, request: InviteRequest, max_rows: int
) -> tuple[Layout, Plan]:
    """The tab's properties were read already; now the header rows, and only the columns the
    run needs of the selected rows (`read_plan`): in one read when the columns are those the
    last call on this tab needed (`column_memory`), else in a second read.

    Rows are counted from the ranges' bounds before anything is read, so a selection over
    MAX_ROWS is refused at once whatever it names. New output columns go right of the header's
    last filled cell when those columns are empty in every selected row, and right of the
    grid's last column otherwise (where nothing can be overwritten).
    """
    spans = selected_spans(request.ranges, tab.row_count, tab.column_count)
    below_top = clip_spans(spans, HEADER_SEARCH_ROWS + 1)
    if span_rows(below_top) > max_rows:
        raise _too_many(span_rows(spans), max_rows)
    layout, cells_by_row = read_selected_cells(
        sheets, tab, below_top, set(rows_in(spans)), find=find_layout, memory=COLUMNS_LAST_READ,
        key=(request.spreadsheet_id, tab.sheet_id), max_rows=max_rows,
    )  # fmt: skip
    candidates = read_rows(layout, cells_by_row)
    if len(candidates) > max_rows:
        raise _too_many(len(candidates), max_rows)
    return layout, plan_invites(candidates, force=request.force)


def read_tab_and(
    sheets: SheetsGateway,
    request: InviteRequest,
    read: Callable[[Tab], T],
    side: ThreadPoolExecutor,
) -> tuple[Tab, T]:
    """The tab's properties, then what `read` reads of the tab (the selection).

    When this process read the tab before (`TABS_LAST_READ`: a continuation, the run after its
    preview), the selection is read with the tab as it was then while its properties are read
    again on `side`: one round trip to Google instead of two. The selection read that way is
    kept only when the properties are unchanged (the same reads a sequential call would make);
    otherwise it is read again with the new ones. An error of the properties' read (no access,
    no such tab) wins over the selection's, as when the two are read in turn."""
    ref = tab_ref(request)
    remembered = TABS_LAST_READ.get(ref)
    if remembered is None:
        tab = find_tab(sheets.tabs(), request)
        selection = read(tab)
    else:
        properties = side.submit(sheets.tabs)
        early: T | InviteError
        try:
            early = read(remembered)
        except InviteError as error:
            early = error
        tab = find_tab(properties.result(), request)
        if tab != remembered:
            selection = read(tab)
        elif isinstance(early, InviteError):
            raise early
        else:
            selection = early
    TABS_LAST_READ.put(ref, tab)
    return tab, selection


@dataclass
class RowReport:
    """What the answer says of one row; `written` false means the Sheet could not be updated."""

    planned: PlannedRow
    status: RowStatus
    result: str
    at: int
    interview_url: str | None = None
    profile_interview_id: str | None = None
    written: bool = True

    def apply(self, outcome: Outcome) -> None:
        self.status = outcome.status
        self.result = outcome.result
        self.interview_url = outcome.interview_url
        self.profile_interview_id = outcome.profile_interview_id

    def to_json(self, dry_run: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {"row": self.at, "email": self.planned.source.email}
        entry["status"] = str(self.status)
        entry["result"] = self.result
        if self.interview_url:
            entry["interview_url"] = self.interview_url
        if self.profile_interview_id:
            entry["profile_interview_id"] = self.profile_interview_id
        if not dry_run:
            entry["written"] = self.written
        if self.written is False and self.status not in WRITTEN_TO_SHEET:
            # What the result cell must hold again (the caller writes it): never a sentence
            # that is only for the answer.
            entry["result_cell"] = self.planned.source.result
        return entry


def taken_rows(snapshot: Snapshot, header_row: int) -> dict[str, int]:
    return registered_rows(snapshot.emails, snapshot.results, header_row)


@dataclass
class Run:
    """The mutable state of one run, owned by the thread that calls `run`: what to write next
    and what to answer. Every decision is made by the pure rules it calls."""

    plan: Plan
    writer: SheetWriter
    ledger: Ledger
    force: bool
    # How this run's answers are read: registrations, test registrations or invitations.
    read: ItemReader = link_outcome
    reports: dict[int, RowReport] = field(default_factory=dict)
    outbox: dict[int, dict[str, str]] = field(default_factory=dict)
    sent: set[int] = field(default_factory=set)
    answered: bool = False
    stop: InviteError | None = None
    sheets_error: InviteError | None = None
    store_error: InviteError | None = None
    credits: Credits | None = None
    refusal: InviteError | None = None
    last_flush: float = float("-inf")
    result_cells: dict[int, str] = field(default_factory=dict)
    # Never sent: no time left for their batch, a Sheets failure kept them from being
    # marked, or the run halted before their turn; `ending` says what they become (`not_yet`
    # in `remaining` when only time or the quota ran out).
    unstarted: list[PlannedRow] = field(default_factory=list)

    @property
    def halted(self) -> bool:
        """Whether nothing more may be marked or sent: the run stopped, was refused, or could
        not reach the Sheet or the system of record."""
        return any(
            e is not None for e in (self.stop, self.refusal, self.sheets_error, self.store_error)
        )

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

    def _report(self, outcomes: dict[int, Outcome], writes: dict[int, dict[str, str]]) -> None:
        for row, outcome in outcomes.items():
            self.reports[row].apply(outcome)
        self.outbox.update(writes)

    def start_turn(
        self, turn: list[list[PlannedRow]], marker: str, now: float
    ) -> list[list[PlannedRow]]:
        """Mark the turn's rows pending (with whatever else waits in the outbox) in one read
        and one write (`schedule.turns`); returns the batches to send now: the rows that
        were marked.

        The candidates are claimed in the system of record first, and the claims of rows the
        read then turns away are released after the write: so between the read that locates
        the rows and the write of their markers there is only the function's own work, never a
        round trip to the store (one Firestore document per candidate)."""
        self.last_flush = now
        rows = [planned for batch in turn for planned in batch]
        try:  # the system of record: claimed here, or held by another run
            holders = self.ledger.claim(rows, force=self.force)
        except StoreUnavailable as error:
            self.store_error = error
            self._never_sent(unmarked(rows, because="store"))
            return []
        held = held_by_records(rows, holders, run_id=self.ledger.run_id)
        claimed = [p for p in rows if p.row not in held]  # this run's claims, until released
        try:
            snapshot = self.writer.snapshot()
        except InviteError as error:
            self.sheets_error = self.sheets_error or error
            self._never_sent(unmarked(rows, because="sheets"))
            self.unstarted.extend(rows)  # their claims are released with the others, at the end
            return []
        expected = self.expected()
        at = self.writer.locate({p.row: expected[p.row] for p in rows}, snapshot)
        claim = claim_rows(rows, taken_rows(snapshot, self.writer.header_row), at, force=self.force)
        # A row another row of the tab holds says so; a row the store holds, as the store says.
        claim = Claim(tuple(p for p in claim.send if p.row not in held), {**held, **claim.skipped})
        refusal = shortfall(self.credits, len(claim.send))
        if refusal is not None:  # refused before anything is sent or written
            self.ledger.release(claimed)
            self.refusal = refusal
            return []
        marks = {p.row: Outcome(p.row, RowStatus.PENDING, marker) for p in claim.send}
        decided = {**claim.skipped, **marks}
        # Only the statuses the Sheet holds are written; a registered or interrupted row's
        # cells stay exactly as they are.
        self._report(
            decided, {row: o.cells() for row, o in decided.items() if o.status in WRITTEN_TO_SHEET}
        )
        cells, self.outbox = self.outbox, {}
        marked = self._settle_write(cells, self.writer.write(cells, expected, snapshot))
        not_marked = [p for p in claim.send if p.row not in marked]
        failed = self.sheets_error is not None  # else the rows not marked had moved
        self.ledger.release(
            [*(p for p in claimed if p.row in claim.skipped), *([] if failed else not_marked)]
        )
        self._never_sent(unmarked(not_marked, because="sheets" if failed else "moved"))
        if failed:  # their claims are released with the others, at the end
            self.unstarted.extend(not_marked)
        sending = {p.row for p in claim.send} & marked
        return [sendable for batch in turn if (sendable := [p for p in batch if p.row in sending])]

    def _never_sent(self, outcomes: dict[int, Outcome]) -> None:
        """Rows of a wave that were not marked: their marker must never be written later, and
        the Sheet already holds what it should, what the rows held before."""
        for row, outcome in outcomes.items():
            self.outbox.pop(row, None)
            self.reports[row].apply(outcome)
            self.reports[row].written = True

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

    def settle(self, batch: list[PlannedRow], future: Future[list[object]]) -> None:
        """Fold one finished batch into the reports and the outbox."""
        error = future.exception()
        if error is not None and not isinstance(error, JobMojitoFailure):
            raise error
        if isinstance(error, NotStarted):  # never sent: the row gets back what it held
            self.unstarted.extend(batch)  # their claims are released together, at the end
            self._report(
                {p.row: Outcome(p.row, RowStatus.NOT_SENT, NOT_SENT_STOPPED) for p in batch},
                {p.row: {"result": p.source.result} for p in batch},
            )  # `finish.ending` says more once the run is over
            return
        self.sent.update(p.row for p in batch)
        settlement = settle_batch(batch, error if error is not None else future.result(), self.read)
        if error is not None:
            log.warning("a batch of %d failed: %s", len(batch), type(error).__name__)
        self.answered = self.answered or settlement.answered
        self.stop = self.stop or settlement.stop
        # Recorded before the Sheet is written, so a link is never lost.
        outcomes = settlement.outcomes
        self.ledger.register((p, outcomes[p.row]) for p in batch if _registers(outcomes.get(p.row)))
        self.ledger.release(p for p in batch if _releases(outcomes.get(p.row)))
        self._report(settlement.outcomes, settlement.writes)


def _registers(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.status in REGISTERED_BY


def _releases(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.status in RELEASED_BY


def _planned_reports(plan: Plan) -> dict[int, RowReport]:
    """Each row as the plan leaves it; a registered row shows the link it already has."""
    reports: dict[int, RowReport] = {}
    for planned in plan.rows:
        report = RowReport(planned, planned.status, planned.result, planned.row)
        if planned.status is RowStatus.REGISTERED:
            report.interview_url = planned.source.interview_url or None
        reports[planned.row] = report
    return reports


def _answer(
    reports: Sequence[RowReport], layout: Layout, sent: int,
    *, dry_run: bool, remaining: list[str], retry_after: int | None = None,
    is_test: bool = False,
) -> dict[str, Any]:  # fmt: skip
    answer: dict[str, Any] = {
        "summary": summarize((r.status for r in reports), sent),
        "rows": [r.to_json(dry_run) for r in reports],
        "columns": layout.letters(),
        "remaining": remaining,
        "dry_run": dry_run,
    }
    if is_test:
        answer["is_test"] = True
    if retry_after is not None:
        answer["retry_after_seconds"] = retry_after
    return answer


def _send(
    client: JobMojitoClient,
    request: InviteRequest,
    batch: Sequence[PlannedRow],
    *,
    deadline: Deadline,
    times: BatchTimes,
    cancel: threading.Event,
    cap: float,
) -> list[object]:
    """One batch, sent only if it can still finish before the deadline (`schedule`)."""
    if cancel.is_set() or not times.may_start(deadline.left_for_work()):
        raise NotStarted("no time left for this batch")
    # What JobMojito gets is the clean form (name cleaned, email normalised); the Sheet keeps
    # what the recruiter typed.
    users = [UserPayload(p.name, p.email, p.source.external_id) for p in batch]
    started = deadline.clock()
    try:
        if request.type == "personal_invitation":
            return client.invite(
                request.interview_id, users,
                message=request.message_from_recruiter, language=request.mojito_language_code,
                retry_for=deadline.left_for_work(), timeout=deadline.timeout(cap),
            )  # fmt: skip
        return client.register(
            request.interview_id, request.type, request.hide_menu, users,
            retry_for=deadline.left_for_work(), timeout=deadline.timeout(cap),
            is_test=request.is_test,
        )  # fmt: skip
    except JobMojitoFailure as failure:
        if stop_error(failure) is not None:
            cancel.set()  # at once, so that no queued batch starts after it
        raise
    finally:
        times.record(deadline.clock() - started)


def recoveries(plan: Plan, ledger: Ledger) -> dict[int, Outcome]:
    """Rows left pending by an earlier run whose answer the system of record kept: they get
    its link now (`recovered`), and nothing is sent."""
    pending = [p for p in plan.rows if p.status is RowStatus.INTERRUPTED]
    if not pending:
        return {}
    held = held_by_records(pending, ledger.lookup(pending), run_id=ledger.run_id)
    return {row: o for row, o in held.items() if o.status is RowStatus.RECOVERED}


def read_credits(client: JobMojitoClient, deadline: Deadline) -> Credits | None:
    """The merchant's balance, or None when it cannot be read (the run goes on)."""
    try:
        return Credits.from_status(client.merchant_status(timeout=deadline.timeout(10.0)))
    except JobMojitoFailure as failure:
        log.warning("JobMojito's merchant status could not be read: %s", type(failure).__name__)
        return None


def preview(
    plan: Plan,
    layout: Layout,
    writer: SheetWriter,
    ledger: Ledger,
    credits: Credits | None,
    *,
    force: bool,
    is_test: bool = False,
) -> dict[str, Any]:
    """The dry run: the plan, then the same claim rule the real run applies to the tab's
    email and result columns (one read; none when forced or when the result column does not
    exist yet, as then no row can hold a candidate), and what the system of record holds of
    the rows left. The record is looked up while the columns are read (of every row to send:
    those the columns turn away are then ignored), so the preview waits for one, not both."""
    reports = _planned_reports(plan)
    for row, outcome in recoveries(plan, ledger).items():
        reports[row].apply(outcome)
    rows = plan.to_send
    if rows and not force:
        side = ThreadPoolExecutor(max_workers=1)
        try:
            records = side.submit(ledger.lookup, rows)
            if "result" not in layout.new_headers.values():
                snapshot = writer.snapshot()  # its error is answered without waiting for the store
                expected = {p.row: (p.source.email, p.source.result) for p in rows}
                at = writer.locate(expected, snapshot)
                claim = claim_rows(rows, taken_rows(snapshot, layout.header_row), at, force=False)
                for row, outcome in claim.skipped.items():
                    reports[row].apply(outcome)
                rows = list(claim.send)
            # What the system of record holds, as the real run's claim finds it.
            held = held_by_records(rows, records.result(), run_id=ledger.run_id)
        finally:
            side.shutdown(wait=False)
        for row, outcome in held.items():
            reports[row].apply(outcome)
        rows = [p for p in rows if p.row not in held]
    answer = _answer(
        list(reports.values()), layout, len(rows), dry_run=True, remaining=[], is_test=is_test
    )
    answer["credits"] = credits.to_json() if credits is not None else None
    return answer


def run(
    request: InviteRequest,
    settings: Settings,
    sheets: SheetsGateway,
    client: JobMojitoClient,
    *,
    deadline: Deadline,
    store: RegistrationStore,
    caller: str,
) -> dict[str, Any]:
    """The whole run for one request; returns the 200 answer or raises an InviteError."""
    # The balance is read from JobMojito while the tab is read from Sheets (a read, free and
    # safe to waste when the selection turns out to have nothing to send); the second worker
    # reads the tab's properties when `read_tab_and` reads them alongside the selection.
    side = ThreadPoolExecutor(max_workers=2)
    try:
        balance = side.submit(read_credits, client, deadline)
        tab, (layout, plan) = read_tab_and(
            sheets, request, lambda tab: read_selection(sheets, tab, request, settings.max_rows),
            side,
        )  # fmt: skip
        credits = balance.result() if plan.to_send else None
    finally:
        side.shutdown(wait=False, cancel_futures=True)
    writer = SheetWriter(sheets, tab, layout)
    run_id = secrets.token_hex(8)
    ledger = Ledger(
        store, run_id, caller, request.spreadsheet_id, tab.title, request.interview_id,
        is_test=request.is_test, invite_type=request.type,
    )  # fmt: skip
    if request.dry_run:
        return preview(
            plan, layout, writer, ledger, credits, force=request.force, is_test=request.is_test
        )

    clock = deadline.clock
    marker = pending_marker(run_id[:6], datetime.now(UTC))
    state = Run(
        plan, writer, ledger, force=request.force, credits=credits,
        read=reader(request.type, is_test=request.is_test),
    )  # fmt: skip
    state.reports = _planned_reports(plan)
    for planned in plan.to_send:  # until its batch is sent
        state.reports[planned.row].apply(Outcome(planned.row, RowStatus.NOT_SENT, NOT_SENT_STOPPED))
    refusals = {p.row: {"result": p.result} for p in plan.rows if p.refused}
    try:
        recovered = recoveries(plan, ledger)
    except StoreUnavailable:
        recovered = {}  # they stay as they are: pending in the Sheet, never sent
    state._report(recovered, {row: o.cells() for row, o in recovered.items()})
    times = BatchTimes()
    cancel = threading.Event()
    in_flight: dict[Future[list[object]], list[PlannedRow]] = {}

    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        # A turn marks its rows pending, then its batches go `concurrency` at a time (a large
        # call's first wave has a turn of its own, `schedule.turns`); batches the deadline
        # does not reach get their rows back at the end.
        to_send = plan.to_send
        covered = shortfall(credits, len(to_send)) is None
        all_batches = batches(to_send, settings.batch_size)
        for turn in turns(all_batches, settings.concurrency, len(to_send), covered=covered):
            if cancel.is_set() or state.halted:  # never marked, never sent
                state.unstarted.extend(planned for batch in turn for planned in batch)
                continue
            for sendable in state.start_turn(turn, marker, clock()):
                future = pool.submit(
                    _send, client, request, sendable, deadline=deadline, times=times,
                    cancel=cancel, cap=settings.jobmojito_timeout,
                )  # fmt: skip
                in_flight[future] = sendable
        early_done = False
        while in_flight:
            wait_for = max(0.02, settings.write_interval - (clock() - state.last_flush))
            wait(list(in_flight), timeout=wait_for, return_when=FIRST_COMPLETED)
            for future in [f for f in in_flight if f.done()]:
                state.settle(in_flight.pop(future), future)
            now = clock()
            last_wave = len(in_flight) <= settings.concurrency  # none waits to start
            due = flush_due(
                len(state.outbox), now - state.last_flush, settings.write_interval,
                last_wave=last_wave, early_done=early_done,
            )  # fmt: skip
            if in_flight and due:
                early_done = early_done or last_wave
                state.flush(now)
            if state.stop is not None or state.sheets_error is not None:
                cancel.set()  # batches not yet started are not sent
    state.ledger.release(state.unstarted)  # one release for them all, not one a batch
    if state.refusal is not None:
        raise state.refusal
    if not run_fails(state.stop, state.answered):
        # The planned refusals (bad rows, duplicates) are written once the run went through;
        # a run that fails leaves every row it did not send exactly as it was.
        state.outbox = {**refusals, **state.outbox}
    sheets.finishing()
    state.flush(clock())
    TABS_LAST_READ.put(tab_ref(request), writer.tab)  # wider, when the run grew its grid

    end = ending([p.row for p in state.unstarted], state.stop, state.sheets_error)
    for row, outcome in end.unsent.items():
        state.reports[row].apply(outcome)
    reports = [state.reports[p.row] for p in plan.rows]
    answer = _answer(
        reports, layout, len(state.sent), dry_run=False, remaining=end.remaining,
        retry_after=end.retry_after, is_test=request.is_test,
    )  # fmt: skip
    ledger.close(
        {
            "spreadsheet_id": request.spreadsheet_id,
            "tab": tab.title,
            "interview_id": request.interview_id,
            "type": request.type,
            "is_test": request.is_test,
            "force": request.force,
            "summary": answer["summary"],
        }
    )
    error = run_error(
        state.stop, state.answered, state.sheets_error or state.store_error, bool(state.sent)
    )
    if error is not None:
        if error is state.stop:
            error.extra = answer
        raise error
    return answer
