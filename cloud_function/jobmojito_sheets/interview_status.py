"""The status refresh's rules (`"action": "status"`): JobMojito's results to status cells (pure).

Each selected row is matched to one of the interview's results (`GET /merchant-result-list`):
by its `profile_interview_id` cell when it has one (an id no result has is another
interview's row, left untouched even if its email matches), else by its email compared as
`candidate.email_key` does, the mailbox's most recently updated result winning. Test results
are ignored (as if JobMojito had not listed them) unless the request includes them.

A row's four status cells say what the result says: `interview_status` a plain word
(`coach_status`, else `status`; `not started` when there is no result), `score` a number,
`decision` JobMojito's `decision_status`, `status_updated` its `updated_at` in UTC. Cells are
compared as the Sheets API reads them back (formatted values: the number 87 reads "87"), and
only those that differ are written, so a row already current is never rewritten.

A row left `Pending (run …)` by an interrupted run is settled when its candidate is known:
its link and `ok` (`ok (test)` for a test run's) when the registration record kept the link;
`SETTLED_INVITED` for a personal invitation's (JobMojito emailed it; no link exists); else
`SETTLED_NO_LINK`. A pending row nobody knows stays pending (`still_pending`).

The cells are written where each row stands at write time (`locate`): found by its email, and
still holding the `profile_interview_id` (and, for a settled row, the result) it was read
with. A row that cannot be found for certain is not written (`NOT_REFRESHED_MOVED`,
`not_yet`): the next call reads it again, so a status or link never lands in another row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from jobmojito_sheets.candidate import MAX_CELL_LENGTH, email_key, normalized_email
from jobmojito_sheets.layout import STATUS_COLUMNS, Layout
from jobmojito_sheets.plan import Cells, email_problem
from jobmojito_sheets.registry import Record, RecordState
from jobmojito_sheets.results import CellValue
from jobmojito_sheets.row_status import (
    EMAIL_EMPTY,
    NOT_REFRESHED_MOVED,
    NOT_REFRESHED_YET,
    OK,
    OK_TEST,
    OTHER_INTERVIEW,
    SETTLED_INVITED,
    SETTLED_NO_LINK,
    STATUS_UNCHANGED,
    STATUS_UPDATED,
    STILL_PENDING,
    RowStatus,
    cell_state,
)

NOT_STARTED = "not started"
_NOT_STARTED_CODE = "not_started"  # JobMojito's coach_status before the candidate starts
SUMMARY_FIELDS = (
    "rows", "completed", "started", "not_started", "selected", "rejected", "undecided",
    "changed", "other_interview", "settled", "still_pending",
)  # fmt: skip
_MAX_WORD = 100


# --- JobMojito's results ----------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def plain_word(coach_status: str, status: str) -> str:
    """The stage as the Sheet says it: JobMojito's `coach_status` once the candidate started
    (`started`, `completed`, …), else its `status` (`invited`, …), underscores as spaces."""
    word = coach_status if coach_status and coach_status != _NOT_STARTED_CODE else status
    return (word or "invited").replace("_", " ")[:_MAX_WORD]


def score_value(value: object) -> int | float | None:
    """A score as a number, an int when whole (87.0 is 87); None when there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def moment(text: str) -> datetime | None:
    """A JobMojito timestamp (`2026-11-30T09:15:00.000Z`) as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def iso_utc(when: datetime | None) -> str:
    """`2026-11-30T09:15:00Z`, or "" when unknown."""
    return f"{when:%Y-%m-%dT%H:%M:%SZ}" if when is not None else ""


@dataclass(frozen=True)
class ResultRecord:
    """One of JobMojito's results, as much of it as the refresh uses."""

    profile_interview_id: str
    email: str  # `email_key` of `candidate_email`
    interview_status: str
    score: int | float | None
    decision: str
    updated: datetime | None
    is_test: bool

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ResultRecord | None:
        """None for an item that names neither a profile_interview_id nor an email."""
        pid = _text(item.get("profile_interview_id"))
        email = email_key(_text(item.get("candidate_email")))
        if not pid and not email:
            return None
        return cls(
            profile_interview_id=pid,
            email=email,
            interview_status=plain_word(_text(item.get("coach_status")), _text(item.get("status"))),
            score=score_value(item.get("score")),
            decision=_text(item.get("decision_status"))[:_MAX_WORD],
            updated=moment(_text(item.get("updated_at"))),
            is_test=item.get("is_test") is True,
        )

    def values(self) -> dict[str, CellValue]:
        """The four status cells this result makes."""
        return {
            "interview_status": self.interview_status,
            "score": "" if self.score is None else self.score,
            "decision": self.decision,
            "status_updated": iso_utc(self.updated),
        }


NO_RESULT: dict[str, CellValue] = {
    "interview_status": NOT_STARTED,
    "score": "",
    "decision": "",
    "status_updated": "",
}


def _newer(candidate: ResultRecord, kept: ResultRecord | None) -> bool:
    """Whether `candidate` was updated after `kept` (the first met wins a tie)."""
    if kept is None:
        return True
    if candidate.updated is None:
        return False
    return kept.updated is None or candidate.updated > kept.updated


@dataclass(frozen=True)
class ResultIndex:
    """The interview's results by profile_interview_id and by mailbox (its latest update).

    `repeats` counts items met more than once: JobMojito moved a result to the front of its
    newest-first order while the pages were read, which may have hidden another one."""

    by_id: Mapping[str, ResultRecord] = field(default_factory=dict)
    by_email: Mapping[str, ResultRecord] = field(default_factory=dict)
    repeats: int = 0


def index_results(items: Iterable[Mapping[str, Any]], *, include_tests: bool) -> ResultIndex:
    """Index the items of every page read so far (test results left out unless included)."""
    by_id: dict[str, ResultRecord] = {}
    by_email: dict[str, ResultRecord] = {}
    repeats = 0
    for item in items:
        record = ResultRecord.from_json(item)
        if record is None or (record.is_test and not include_tests):
            continue
        if record.profile_interview_id:
            kept = by_id.get(record.profile_interview_id)
            repeats += kept is not None
            if _newer(record, kept):
                by_id[record.profile_interview_id] = record
        if record.email and _newer(record, by_email.get(record.email)):
            by_email[record.email] = record
    return ResultIndex(by_id, by_email, repeats)


# --- the rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """One selected row as read: what matching needs, and its status cells as they read."""

    row: int
    email: str
    profile_interview_id: str = ""
    result: str = ""
    interview_url: str = ""
    shown: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The row's mailbox as emails are compared; "" when the email is not usable."""
        normalized = normalized_email(self.email)
        return email_key(normalized) if normalized else ""

    @property
    def pending(self) -> bool:
        return cell_state(self.result) is RowStatus.INTERRUPTED

    def found_in(self, index: ResultIndex) -> bool:
        """Whether the results read so far settle this row's match (so paging may stop)."""
        if self.profile_interview_id:
            return self.profile_interview_id in index.by_id
        return not self.key or self.key in index.by_email


def _cell(cells: Cells, index: int | None) -> str:
    if index is None:
        return ""
    if isinstance(cells, Mapping):
        return str(cells.get(index, "")).strip()
    return str(cells[index]).strip() if index < len(cells) else ""


def status_rows(layout: Layout, cells_by_row: Mapping[int, Cells]) -> list[StatusRow]:
    """The rows below the header, in sheet order; wholly blank rows (no name, email,
    candidate id or profile_interview_id) are left out, as the invite run leaves them."""
    outputs = layout.outputs
    rows = []
    for number in sorted(cells_by_row):
        if number <= layout.header_row:
            continue
        cells = cells_by_row[number]
        name = " ".join(
            _cell(cells, i) for i in (layout.name, layout.first_name, layout.last_name)
        ).strip()
        email = _cell(cells, layout.email)[: MAX_CELL_LENGTH + 1]
        pid = _cell(cells, outputs.get("profile_interview_id"))
        if not (name or email or pid or _cell(cells, layout.external_id)):
            continue
        rows.append(
            StatusRow(
                row=number,
                email=email,
                profile_interview_id=pid,
                result=_cell(cells, outputs.get("result")),
                interview_url=_cell(cells, outputs.get("interview_url")),
                shown={name: _cell(cells, outputs[name]) for name in STATUS_COLUMNS},
            )
        )
    return rows


def pending_keys(rows: Iterable[StatusRow]) -> list[str]:
    """The mailboxes of the pending rows: the only ones looked up in the registration record."""
    return sorted({row.key for row in rows if row.pending and row.key})


# --- the decisions ----------------------------------------------------------------------


def shown(value: CellValue) -> str:
    """A value as the Sheets API reads it back after a RAW write (its formatted value): a
    whole number without a decimal point, text as it is."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return value


@dataclass(frozen=True)
class Refreshed:
    """What the refresh decided for one row: its status code, the sentence for people, the
    status cells it should hold (None for a row left untouched) and the cells to write."""

    row: int
    email: str
    status: RowStatus
    result: str
    values: Mapping[str, CellValue] | None = None
    writes: Mapping[str, CellValue] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "row": self.row,
            "email": self.email,
            "status": str(self.status),
            "result": self.result,
        }
        if self.values is not None:
            for name in STATUS_COLUMNS:
                value = self.values[name]
                entry[name] = None if name == "score" and value == "" else value
        if self.writes.get("interview_url"):
            entry["interview_url"] = self.writes["interview_url"]
        entry["written"] = True
        return entry


def _changes(row: StatusRow, values: Mapping[str, CellValue]) -> dict[str, CellValue]:
    return {name: v for name, v in values.items() if shown(v) != row.shown.get(name, "")}


def refresh_row(
    row: StatusRow,
    index: ResultIndex,
    stored: Record | None,
    *,
    complete: bool,
    outputs: Iterable[str],
    records_read: bool = True,
) -> Refreshed:
    """One row's refresh (see the module's rules).

    `complete`: every page of results was read (else a row whose result was not met yet is
    `not_yet`). `stored`: the registration record of a pending row's candidate, if any;
    `records_read` false when the record could not be read: a pending row then waits
    (`not_yet`), untouched, as settling it without the record could lose its link.
    `outputs`: the output columns the tab has (a settled row's link and id are written only
    where their column exists).
    """
    outputs = set(outputs)
    if row.profile_interview_id:
        record = index.by_id.get(row.profile_interview_id)
        if record is None:
            if not complete:
                return Refreshed(row.row, row.email, RowStatus.NOT_YET, NOT_REFRESHED_YET)
            return Refreshed(row.row, row.email, RowStatus.OTHER_INTERVIEW, OTHER_INTERVIEW)
    elif not row.key:
        problem = email_problem(row.email) or EMAIL_EMPTY
        return Refreshed(row.row, row.email, RowStatus.INVALID, problem)
    else:
        record = index.by_email.get(row.key)
        if record is None and not complete:
            return Refreshed(row.row, row.email, RowStatus.NOT_YET, NOT_REFRESHED_YET)
    if row.pending and not records_read:
        return Refreshed(row.row, row.email, RowStatus.NOT_YET, NOT_REFRESHED_YET)
    values = record.values() if record is not None else dict(NO_RESULT)
    writes = _changes(row, values)
    if not row.pending:
        status, text = (RowStatus.CHANGED, STATUS_UPDATED) if writes else (
            RowStatus.UNCHANGED, STATUS_UNCHANGED)  # fmt: skip
        return Refreshed(row.row, row.email, status, text, values, writes)
    registered = stored if stored is not None and stored.state is RecordState.REGISTERED else None
    if record is None and registered is None:
        return Refreshed(row.row, row.email, RowStatus.STILL_PENDING, STILL_PENDING, values, writes)
    link = registered.interview_url if registered is not None else ""
    link = link if "interview_url" in outputs else ""
    settled: dict[str, CellValue] = {"result": settled_result(stored, link)}
    if link and link != row.interview_url:
        settled["interview_url"] = link
    pid = record.profile_interview_id if record is not None else ""
    pid = pid or (registered.profile_interview_id if registered is not None else "")
    if pid and "profile_interview_id" in outputs and not row.profile_interview_id:
        settled["profile_interview_id"] = pid
    text = str(settled["result"])
    return Refreshed(row.row, row.email, RowStatus.SETTLED, text, values, {**writes, **settled})


def settled_result(stored: Record | None, link: str) -> str:
    """The result cell of a pending row the refresh settles: `ok` with the link the record
    kept (`ok (test)` for a test run's), a personal invitation's own words (it has no link:
    JobMojito emailed the candidate), else `SETTLED_NO_LINK`."""
    if link and stored is not None:
        return OK_TEST if stored.is_test else OK
    if stored is not None and stored.emailed:
        return SETTLED_INVITED
    return SETTLED_NO_LINK


def settling_record(real: Record | None, test: Record | None) -> Record | None:
    """The record that settles a pending row: its candidate's real record, else (a refresh
    that includes test results) its test record. A test record counts only where no real run
    ever claimed the candidate, so a real row is never settled with a test link."""
    return real if real is not None else test


def refresh_rows(
    rows: Sequence[StatusRow],
    index: ResultIndex,
    stored: Mapping[str, Record],
    *,
    complete: bool,
    outputs: Iterable[str],
    records_read: bool = True,
) -> list[Refreshed]:
    """Every row's refresh, in sheet order; `stored` is the registration records by mailbox
    (`email_key`). `complete` is true once every page was read or every row found its
    result (`all_found`)."""
    outputs = list(outputs)
    return [
        refresh_row(
            row,
            index,
            stored.get(row.key),
            complete=complete,
            outputs=outputs,
            records_read=records_read,
        )
        for row in rows
    ]


def all_found(rows: Iterable[StatusRow], index: ResultIndex) -> bool:
    """Whether every row has met its result, so no further page can change any decision."""
    return all(row.found_in(index) for row in rows)


def summarize_refresh(refreshed: Iterable[Refreshed]) -> dict[str, int]:
    """The refresh's `summary` (the contract's fields), counted from the rows in one place:
    stages and decisions from the status cells the rows hold now, `changed` from the rows
    written. A `not_yet` row is counted by none of them: the call that refreshes it counts it,
    so the summaries of a refresh's calls add up (as the Apps Script adds them)."""
    summary = dict.fromkeys(SUMMARY_FIELDS, 0)
    for item in refreshed:
        if item.status is RowStatus.NOT_YET:
            continue
        summary["rows"] += 1
        if item.writes:
            summary["changed"] += 1
        if item.status is RowStatus.OTHER_INTERVIEW:
            summary["other_interview"] += 1
        elif item.status is RowStatus.SETTLED:
            summary["settled"] += 1
        elif item.status is RowStatus.STILL_PENDING:
            summary["still_pending"] += 1
        if item.values is None:
            continue
        stage, decision = item.values["interview_status"], item.values["decision"]
        if stage == "completed":
            summary["completed"] += 1
        elif stage == "started":
            summary["started"] += 1
        elif stage in ("invited", NOT_STARTED):
            summary["not_started"] += 1
        if decision in ("selected", "rejected"):
            summary[str(decision)] += 1
        elif stage == "completed" and not decision:
            summary["undecided"] += 1
    return summary


# --- the write ---------------------------------------------------------------------------


def write_checks(
    rows: Iterable[StatusRow], refreshed: Iterable[Refreshed], layout: Layout
) -> tuple[dict[int, tuple[str, str]], dict[int, dict[int, str]]]:
    """What each row to write must still hold at write time to be written where it stands
    then: its email and result cell (`locate.locate_rows`, keyed by the row read), and the
    cells `locate.confirm_located` checks: its `profile_interview_id` cell (where the tab has
    that column, empty or not) and, for a row whose result cell is written, that cell."""
    writing = {item.row: item for item in refreshed if item.writes}
    pid = layout.outputs.get("profile_interview_id")
    result = layout.outputs.get("result")
    expected: dict[int, tuple[str, str]] = {}
    held: dict[int, dict[int, str]] = {}
    for row in rows:
        item = writing.get(row.row)
        if item is None:
            continue
        expected[row.row] = (row.email, row.result)
        checks = held.setdefault(row.row, {})
        if pid is not None:
            checks[pid] = row.profile_interview_id
        if result is not None and "result" in item.writes:
            checks[result] = row.result
    return expected, held


def written_at(refreshed: Iterable[Refreshed], written: Mapping[int, int]) -> list[Refreshed]:
    """The rows after the write: a written row answered where it was written; a row that had
    cells to write but was not written (not found for certain) `not_yet`, untouched, for the
    next call; the others as they were."""
    after: list[Refreshed] = []
    for item in refreshed:
        if not item.writes:
            after.append(item)
        elif item.row in written:
            after.append(replace(item, row=written[item.row]))
        else:
            after.append(Refreshed(item.row, item.email, RowStatus.NOT_YET, NOT_REFRESHED_MOVED))
    return after
