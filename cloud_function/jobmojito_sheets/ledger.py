"""One run's side of the system of record: claims before sending, answers before writing.

A thin shell over `store.RegistrationStore` that knows the run (its id, caller, sheet,
interview). Claims fail closed: when the store cannot be reached, nothing is sent. Recording
an answer or releasing a claim that fails is logged and the run goes on: the link is still in
the Sheet or the answer, and a claim left behind only makes a later run leave the row alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jobmojito_sheets.candidate import email_key
from jobmojito_sheets.plan import PlannedRow
from jobmojito_sheets.registry import Record, RecordState
from jobmojito_sheets.results import Outcome
from jobmojito_sheets.store import RegistrationStore, StoreUnavailable

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Ledger:
    store: RegistrationStore
    run_id: str
    caller: str
    spreadsheet_id: str
    tab: str
    interview_id: str
    # Test mode: every claim, answer and look-up is in the test records' own key space.
    is_test: bool = False
    # The run's `type`, kept in each record (a status refresh settles a personal invitation's
    # pending row with its own words: no link exists for it).
    invite_type: str = ""

    def _record(
        self, planned: PlannedRow, state: RecordState, outcome: Outcome | None, at: str
    ) -> Record:
        return Record(
            interview_id=self.interview_id,
            email=email_key(planned.email),
            state=state,
            run_id=self.run_id,
            caller=self.caller,
            spreadsheet_id=self.spreadsheet_id,
            tab=self.tab,
            row=planned.row,
            at=at,
            interview_url=(outcome.interview_url or "") if outcome else "",
            profile_interview_id=(outcome.profile_interview_id or "") if outcome else "",
            is_test=self.is_test,
            invite_type=self.invite_type,
        )

    def lookup(self, rows: Sequence[PlannedRow]) -> dict[str, Record]:
        emails = (email_key(p.email) for p in rows)
        return self.store.lookup(self.interview_id, emails, is_test=self.is_test)

    def claim(self, rows: Sequence[PlannedRow], *, force: bool) -> dict[str, Record]:
        """Claim the rows' candidates; returns the records that hold the others. Raises
        `StoreUnavailable`: then nothing may be sent."""
        at = _now()
        claims = [self._record(p, RecordState.CLAIMED, None, at) for p in rows]
        return self.store.claim(claims, force=force)

    def register(self, answered: Iterable[tuple[PlannedRow, Outcome]]) -> None:
        at = _now()
        records = [self._record(p, RecordState.REGISTERED, o, at) for p, o in answered]
        try:
            self.store.register(records)
        except StoreUnavailable:
            log.error("could not record %d registrations of run %s", len(records), self.run_id)

    def release(self, rows: Iterable[PlannedRow]) -> None:
        emails = [email_key(p.email) for p in rows]
        if not emails:
            return
        try:
            self.store.release(self.interview_id, emails, self.run_id, is_test=self.is_test)
        except StoreUnavailable:
            log.error("could not release %d claims of run %s", len(emails), self.run_id)

    def close(self, entry: dict[str, Any]) -> None:
        """The run's own document: who, where, and its counts by status."""
        try:
            self.store.save_run(self.run_id, {**entry, "caller": self.caller, "at": _now()})
        except StoreUnavailable:
            log.error("could not record run %s", self.run_id)
