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
| JobMojito's per-row `Error: …`         | released (deleted)    |
| not sent (not processed, not started, not marked) | released   |
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from jobmojito_sheets.row_status import RowStatus


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
        )


def candidate_key(interview_id: str, email: str) -> str:
    """The record's id: the interview and the email compared case-insensitively, hashed so any
    address makes a valid document id and none is readable in the store's keys."""
    text = f"{interview_id.strip().lower()}\n{email.strip().lower()}"
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


# What a settled row means for its record.
RELEASED_BY = frozenset({RowStatus.ERROR, RowStatus.NOT_SENT, RowStatus.NOT_YET})
