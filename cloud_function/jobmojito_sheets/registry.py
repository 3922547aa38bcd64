"""The system of record's rules (pure): who may send to a candidate, and what each answer
leaves recorded.

One record per candidate of an interview (interview id + normalised email), whatever tab or
spreadsheet the candidate is on. Before a batch is sent, each of its candidates is claimed
(in a transaction, by the store); a candidate already claimed by another run, or already
registered, is not sent. JobMojito's answers are recorded before the Sheet is written, so a
link is never lost: a later run that finds a registered record writes its link into the row
and sends nothing.

| what happened                          | the record            |
|----------------------------------------|-----------------------|
| claimed, then sent; no clear answer    | stays `claimed`       |
| JobMojito answered `ok` with a link    | `registered`, link kept |
| `/invite-users`: `Invited`, `Activated`, `Skipped` | `registered`, no link      |
| JobMojito's per-row `Error: …`         | released (deleted)    |
| not sent (not processed, not started, not marked) | released   |

A personal invitation is recorded with its `profile_interview_id` (no link comes back). Every
record keeps its run's `type` (`invite_type`), so the status refresh settles a personal
invitation's pending row in its own words (`Record.emailed`). Its
`Skipped` spent nothing, but the candidate has the interview in JobMojito, so it is recorded
as registered too: a later run must not send it again either.

Test mode (`is_test`) keeps its records in a key space of their own (`candidate_key`): a test
registration is never found by a real run (never `recovered` into a real row with its test
link, never holding a real run's candidate), and a real one never by a test run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from jobmojito_sheets.row_status import RowStatus

# The run type whose candidates JobMojito emails, with no link (`request_body.INVITE_TYPES`).
PERSONAL_INVITATION = "personal_invitation"


class RecordState(StrEnum):
    CLAIMED = "claimed"
    REGISTERED = "registered"


@dataclass(frozen=True)
class Record:
    """One candidate of one interview, as the store keeps it."""

    interview_id: str
    email: str
    state: RecordState
    run_id: str
    caller: str
    spreadsheet_id: str
    tab: str
    row: int
    at: str  # ISO 8601 UTC
    interview_url: str = ""
    profile_interview_id: str = ""
    is_test: bool = False
    # The run's `type` ("url", "invitation", "personal_invitation"); "" in records kept before
    # runs said it.
    invite_type: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "interview_id": self.interview_id,
            "email": self.email,
            "state": str(self.state),
            "run_id": self.run_id,
            "caller": self.caller,
            "spreadsheet_id": self.spreadsheet_id,
            "tab": self.tab,
            "row": self.row,
            "at": self.at,
            "interview_url": self.interview_url,
            "profile_interview_id": self.profile_interview_id,
            "is_test": self.is_test,
            "invite_type": self.invite_type,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Record:
        return cls(
            interview_id=str(data.get("interview_id", "")),
            email=str(data.get("email", "")),
            state=RecordState(str(data.get("state", RecordState.CLAIMED))),
            run_id=str(data.get("run_id", "")),
            caller=str(data.get("caller", "")),
            spreadsheet_id=str(data.get("spreadsheet_id", "")),
            tab=str(data.get("tab", "")),
            row=int(str(data.get("row", 0)) or 0),
            at=str(data.get("at", "")),
            interview_url=str(data.get("interview_url", "") or ""),
            profile_interview_id=str(data.get("profile_interview_id", "") or ""),
            is_test=data.get("is_test") is True,
            invite_type=str(data.get("invite_type", "") or ""),
        )

    @property
    def emailed(self) -> bool:
        """Whether this candidate was sent by a personal invitation (`/invite-users`: JobMojito
        emails the invitation and no link exists): the run said so, or, in a record kept before
        runs said their type, it is registered without a link, which only `/invite-users`
        leaves (a registration's `ok` always has its link)."""
        if self.invite_type:
            return self.invite_type == PERSONAL_INVITATION
        return self.state is RecordState.REGISTERED and not self.interview_url

    @property
    def key(self) -> str:
        return candidate_key(self.interview_id, self.email, is_test=self.is_test)


# Appended to a test-mode record's key text, so test and real records never share a key.
TEST_SPACE = "\ntest"


@lru_cache(maxsize=65536)  # a run asks it of each candidate several times (claim, answer)
def candidate_key(interview_id: str, email: str, *, is_test: bool = False) -> str:
    """The record's id: the interview and the email compared case-insensitively, hashed so any
    address makes a valid document id and none is readable in the store's keys. A test-mode
    record has a key of its own (`TEST_SPACE`): a real run never finds it, nor a test run a
    real one."""
    text = f"{interview_id.strip().lower()}\n{email.strip().lower()}"
    if is_test:
        text += TEST_SPACE
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def held_as(existing: Record | None, *, run_id: str, force: bool) -> RowStatus | None:
    """Whether an existing record keeps this run from sending: None when this run may claim
    the candidate (no record, its own claim, or a forced run); else the row's status:
    `recovered` (registered, with a link the row is given now), `registered` (registered,
    no link kept), `interrupted` (claimed by another run that never recorded an answer)."""
    if existing is None or force or existing.run_id == run_id:
        return None
    if existing.state is RecordState.REGISTERED:
        return RowStatus.RECOVERED if existing.interview_url else RowStatus.REGISTERED
    return RowStatus.INTERRUPTED


# What a settled row means for its record: registered (with the outcome's link and
# profile_interview_id), or released.
REGISTERED_BY = frozenset(
    {RowStatus.OK, RowStatus.INVITED, RowStatus.ACTIVATED, RowStatus.ALREADY_INVITED}
)
RELEASED_BY = frozenset({RowStatus.ERROR, RowStatus.NOT_SENT, RowStatus.NOT_YET})
