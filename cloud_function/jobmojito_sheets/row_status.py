"""What happened to one row: a status code for machines and a result text for people (pure).

Every answer row carries both: `status`, a stable code the Apps Script switches on, and
`result`, the sentence the Sheet shows. The texts are made here and nowhere else, and the
only text ever read back (from the Sheet's result column, which is the record of earlier
runs) is read back here, by `cell_state`.

| status        | result text                                          | written to the Sheet |
|---------------|------------------------------------------------------|----------------------|
| `would_send`  | `Would send` (preview only)                          | no                   |
| `ok`          | `ok`                                                 | yes                  |
| `registered`  | `Skipped: already registered`                        | no, the row is kept  |
| `duplicate`   | `Skipped: duplicate of row N`                        | yes                  |
| `invalid`     | `Error: email is empty`, `Error: invalid email …`,   | yes                  |
|               | `Error: name is too long (over 200 characters)`      |                      |
| `error`       | `Error: …` as JobMojito says it                      | yes                  |
| `pending`     | `Pending (run <id>, <UTC time>)`                     | yes                  |
| `interrupted` | `Skipped: pending from an interrupted run: …`        | no, the row is kept  |
| `recovered`   | `ok` (the link an earlier run recorded; nothing sent) | yes, with the link  |
| `not_sent`    | `Not sent: …`                                        | no, the row is kept  |
| `not_yet`     | `Not sent yet: …` (listed in `remaining`)            | no, the row is kept  |
| `invited`     | `Invited: JobMojito emailed the invitation`          | yes                  |
| `activated`   | `Activated: JobMojito emailed the invitation …`      | yes                  |
| `already_invited` | `Skipped: already invited; JobMojito sent nothing` | yes                 |

`ok` of a test-mode run (`is_test`) writes `ok (test)`. The personal invitation (`/invite-users`)
answers `invited`, `activated`, `already_invited` or `error`. A status refresh
(`"action": "status"`) answers `changed`, `unchanged`, `other_interview`, `settled`,
`still_pending`, `invalid` or `not_yet`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum


class RowStatus(StrEnum):
    WOULD_SEND = "would_send"
    OK = "ok"
    REGISTERED = "registered"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    ERROR = "error"
    PENDING = "pending"
    INTERRUPTED = "interrupted"
    RECOVERED = "recovered"
    NOT_SENT = "not_sent"
    NOT_YET = "not_yet"
    # the personal invitation (`/invite-users`)
    INVITED = "invited"
    ACTIVATED = "activated"
    ALREADY_INVITED = "already_invited"
    # the status refresh
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    OTHER_INTERVIEW = "other_interview"
    SETTLED = "settled"
    STILL_PENDING = "still_pending"


WOULD_SEND = "Would send"
OK = "ok"
ALREADY_REGISTERED = "Skipped: already registered"
INTERRUPTED = "Skipped: pending from an interrupted run: check in JobMojito, then use force"
EMAIL_EMPTY = "Error: email is empty"
NAME_EMPTY = "Error: name is empty"
NAME_TOO_LONG = "Error: name is too long (over 200 characters)"
EMAIL_TOO_LONG = "Error: email is too long (over 1000 characters)"
CANDIDATE_ID_TOO_LONG = "Error: candidate id is too long (over 1000 characters)"
NOT_SENT_UNREACHABLE = "Not sent: JobMojito could not be reached; run the menu again"
NOT_SENT_STOPPED = "Not sent: the run stopped before this row; run the menu again"
NOT_SENT_MOVED = "Not sent: the row moved while the run was going; run the menu again"
NOT_SENT_SHEETS = "Not sent: Google Sheets could not be written; run the menu again"
NOT_SENT_STORE = (
    "Not sent: the function's record of registrations could not be reached; wait a minute and "
    "run the menu again"
)
# Its result cell could not be put back whole if the run stopped before it (cells are read
# to their first 1,001 characters), so the row is left alone.
NOT_SENT_LONG_RESULT = (
    "Not sent: the result cell holds over 1000 characters; move that text elsewhere, then run again"
)
NOT_YET = "Not sent yet: the function's time ran out; the next call continues"
OK_TEST = "ok (test)"
INVITED = "Invited: JobMojito emailed the invitation"
ACTIVATED = "Activated: JobMojito emailed the invitation (the candidate already had a profile)"
ALREADY_INVITED = "Skipped: already invited; JobMojito sent nothing"
# A pending row the status refresh found registered, with no link kept anywhere.
SETTLED_NO_LINK = (
    "ok (registered; its link was not kept: invite this row again with force for a fresh link)"
)
# A pending row of a personal invitation (`/invite-users`: JobMojito emails the candidate, no
# link exists) that the status refresh found registered.
SETTLED_INVITED = (
    "Invited: JobMojito has this candidate's emailed invitation (the run's answer was lost)"
)

# What a status refresh answers of each row (`result` in its answer; the Sheet's result cell
# is written only for a row it settles).
STATUS_UPDATED = "Status updated"
STATUS_UNCHANGED = "Status unchanged"
OTHER_INTERVIEW = "Skipped: its profile_interview_id belongs to another interview"
STILL_PENDING = (
    "Still pending: neither JobMojito nor the registration record knows this candidate; "
    "check in JobMojito, then invite the row again with force"
)
NOT_REFRESHED_YET = "Not refreshed yet: the function's time ran out; the next call continues"
# A row the refresh would have written, but which it could not find for certain when it wrote
# (the recruiter sorted, inserted or edited rows while JobMojito's pages were read).
NOT_REFRESHED_MOVED = (
    "Not refreshed yet: the row moved or changed while the refresh ran; the next call continues"
)

# Statuses whose result text the Sheet holds; the others leave the cell as it was before the
# run (a row that is `not_sent` or `not_yet` gets back what it held, its marker removed).
WRITTEN_TO_SHEET = frozenset(
    {
        RowStatus.OK,
        RowStatus.RECOVERED,
        RowStatus.DUPLICATE,
        RowStatus.INVALID,
        RowStatus.ERROR,
        RowStatus.PENDING,
        RowStatus.INVITED,
        RowStatus.ACTIVATED,
        RowStatus.ALREADY_INVITED,
    }
)

# The status refresh's codes, counted by its own summary, never by `summarize`.
REFRESH_STATUSES = frozenset(
    {
        RowStatus.CHANGED,
        RowStatus.UNCHANGED,
        RowStatus.OTHER_INTERVIEW,
        RowStatus.SETTLED,
        RowStatus.STILL_PENDING,
    }
)

_PENDING_PREFIX = "Pending ("
_ERROR_PREFIX = "Error"
MAX_RESULT_LENGTH = 500


def duplicate_of(row: int) -> str:
    return f"Skipped: duplicate of row {row}"


def invalid_email(reason: str) -> str:
    return f"Error: invalid email address ({reason})"


def pending_marker(run_id: str, now: datetime) -> str:
    """The write-ahead text, put in a row's result cell before its batch is sent."""
    return f"{_PENDING_PREFIX}run {run_id}, {now:%Y-%m-%d %H:%M} UTC)"


def jobmojito_error(text: str) -> str | None:
    """JobMojito's per-user `Error: …`, kept as it says it (bounded); None if it is not one."""
    return text[:MAX_RESULT_LENGTH] if text.startswith(_ERROR_PREFIX) else None


def cell_state(result_cell: str) -> RowStatus | None:
    """What an earlier run left in a row's result cell, the one rule for "already done".

    `ok` (any case, also `ok (test)` and the settled `ok (registered; …)`) is registered, with
    or without a link in the row: its credit is spent, and sending it again would spend
    another. So is a personal invitation's `Invited: …`, `Activated: …` and
    `Skipped: already invited; …`, and the refresh's settled `SETTLED_INVITED`. A pending
    marker may be registered: JobMojito's answer never came. Anything else (empty, an old
    error, an old duplicate) may be sent.
    """
    text = result_cell.strip()
    lower = text.lower()
    if lower == OK or lower.startswith(OK + " ("):
        return RowStatus.REGISTERED
    if text in (INVITED, ACTIVATED, ALREADY_INVITED, SETTLED_INVITED):
        return RowStatus.REGISTERED
    if text.startswith(_PENDING_PREFIX):
        return RowStatus.INTERRUPTED
    return None


SUMMARY_FIELDS = (
    "selected", "sent", "ok", "errors", "skipped", "pending", "not_sent", "not_yet", "recovered",
)  # fmt: skip

_COUNTED_AS: dict[RowStatus, str | None] = {
    RowStatus.WOULD_SEND: None,
    RowStatus.OK: "ok",
    RowStatus.REGISTERED: "skipped",
    RowStatus.DUPLICATE: "skipped",
    RowStatus.INTERRUPTED: "skipped",
    RowStatus.RECOVERED: "recovered",
    RowStatus.INVALID: "errors",
    RowStatus.ERROR: "errors",
    RowStatus.PENDING: "pending",
    RowStatus.NOT_SENT: "not_sent",
    RowStatus.NOT_YET: "not_yet",
    RowStatus.INVITED: "ok",
    RowStatus.ACTIVATED: "ok",
    RowStatus.ALREADY_INVITED: "skipped",
    # the status refresh's codes are counted by its own summary
    RowStatus.CHANGED: None,
    RowStatus.UNCHANGED: None,
    RowStatus.OTHER_INTERVIEW: None,
    RowStatus.SETTLED: None,
    RowStatus.STILL_PENDING: None,
}


def summarize(statuses: Iterable[RowStatus], sent: int) -> dict[str, int]:
    """The answer's `summary`, from the rows' statuses: the one place counts are made.

    `sent` is the rows this call sent to JobMojito (in a preview: the rows it would send).
    """
    summary = dict.fromkeys(SUMMARY_FIELDS, 0)
    summary["sent"] = sent
    for status in statuses:
        summary["selected"] += 1
        field = _COUNTED_AS[status]
        if field is not None:
            summary[field] += 1
    return summary
