"""What a finished JobMojito call means for its rows, and whether the run must stop (pure).

A call ends in one of the ways `jobmojito` tells apart, whichever call it was (registration or
personal invitation). An answer settles the rows it names clearly (`ok` with a link, or
`Invited`, `Activated`, `Skipped`, or JobMojito's `Error: …`: `results.reader`); the rows it
leaves out or names unclearly stay pending, since they may be registered. A failure that proves
nothing was processed
restores the batch's rows (their result cell gets back what it held) and stops the run; a
failure that may have processed the batch leaves its rows pending, never to be sent blindly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.jobmojito import (
    Ambiguous,
    CredentialsRejected,
    JobMojitoFailure,
    NotProcessed,
    RequestRefused,
)
from jobmojito_sheets.plan import PlannedRow
from jobmojito_sheets.results import ItemReader, Outcome, link_outcome, match_results
from jobmojito_sheets.row_status import NOT_SENT_STOPPED, NOT_SENT_UNREACHABLE, RowStatus

# JobMojito's refusals other than 422, each with its own sentence (error_codes).
REFUSAL_CODES = {
    403: ErrorCode.JOBMOJITO_FORBIDDEN,
    404: ErrorCode.JOBMOJITO_INTERVIEW_NOT_FOUND,
    409: ErrorCode.JOBMOJITO_CONFLICT,
}


@dataclass(frozen=True)
class Settlement:
    """The outcomes to report, the cells to write, and the error that stops the run, if any."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    writes: dict[int, dict[str, str]] = field(default_factory=dict)
    answered: bool = False
    stop: InviteError | None = None


def stop_error(failure: JobMojitoFailure) -> InviteError | None:
    """The error a failed call stops the run with; None when the run may go on (`Ambiguous`)."""
    if isinstance(failure, CredentialsRejected):
        return InviteError(code=ErrorCode.JOBMOJITO_CREDENTIALS_REJECTED)
    if isinstance(failure, RequestRefused):
        if failure.status in REFUSAL_CODES:
            return InviteError(code=REFUSAL_CODES[failure.status])
        field_name = f" (field {failure.name})" if failure.name else ""
        return InviteError(
            f"JobMojito refused the request: {failure.error}{field_name}; check the interview "
            "ID in Settings.",
            code=ErrorCode.JOBMOJITO_REJECTED_REQUEST,
        )
    if isinstance(failure, NotProcessed):
        return InviteError(code=ErrorCode.JOBMOJITO_UNREACHABLE)
    return None


def _restored(batch: Sequence[PlannedRow], result: str) -> Settlement:
    """Nothing was processed: each row's result cell gets back what it held before."""
    return Settlement(
        outcomes={p.row: Outcome(p.row, RowStatus.NOT_SENT, result) for p in batch},
        writes={p.row: {"result": p.source.result} for p in batch},
    )


def settle_batch(
    batch: Sequence[PlannedRow],
    answer: Sequence[object] | JobMojitoFailure,
    read: ItemReader = link_outcome,
) -> Settlement:
    """Fold one finished call into outcomes and cell writes; see the module's rules. `read`
    is how this call's per-user items are read (`results.reader`)."""
    if isinstance(answer, Ambiguous):
        return Settlement()
    if isinstance(answer, JobMojitoFailure):
        stop = stop_error(answer)
        unreachable = stop is not None and stop.code is ErrorCode.JOBMOJITO_UNREACHABLE
        restored = _restored(batch, NOT_SENT_UNREACHABLE if unreachable else NOT_SENT_STOPPED)
        return Settlement(restored.outcomes, restored.writes, stop=stop)
    matched = match_results(batch, answer, read)
    return Settlement(
        outcomes=matched,
        writes={row: outcome.cells() for row, outcome in matched.items()},
        answered=True,
    )
