"""Settlement rules: what a finished JobMojito call means for its rows and for the run."""

from __future__ import annotations

import pytest
from jobmojito_sheets.jobmojito import (
    Ambiguous,
    CredentialsRejected,
    JobMojitoFailure,
    NotProcessed,
    RequestRefused,
)
from jobmojito_sheets.plan import PlannedRow, SheetRow
from jobmojito_sheets.row_status import (
    NOT_SENT_STOPPED,
    NOT_SENT_UNREACHABLE,
    WOULD_SEND,
    RowStatus,
)
from jobmojito_sheets.settle import settle_batch

ANN = PlannedRow(
    SheetRow(2, "Ann", "ann@example.com", result="Error: old"), RowStatus.WOULD_SEND, WOULD_SEND
)
BOB = PlannedRow(SheetRow(3, "Bob", "bob@example.com"), RowStatus.WOULD_SEND, WOULD_SEND)
URL = "https://cool.jobmojito.com/i/ann"


def test_an_answer_settles_the_rows_it_names_clearly_and_leaves_the_rest_pending() -> None:
    answer = [{"email": "ann@example.com", "result": "ok", "interview_url": URL}]
    settled = settle_batch([ANN, BOB], answer)
    assert settled.answered and settled.stop is None
    assert settled.outcomes[2].status is RowStatus.OK
    assert settled.writes == {2: {"result": "ok", "interview_url": URL}}
    assert 3 not in settled.outcomes and 3 not in settled.writes  # stays pending


def test_a_per_row_error_is_an_error() -> None:
    settled = settle_batch([BOB], [{"email": "bob@example.com", "result": "Error: no credit"}])
    assert settled.outcomes[3].status is RowStatus.ERROR
    assert settled.writes == {3: {"result": "Error: no credit"}}


def test_an_ambiguous_failure_leaves_every_row_pending_and_the_run_going() -> None:
    settled = settle_batch([ANN, BOB], Ambiguous("timed out after sending"))
    assert settled.outcomes == {} and settled.writes == {} and settled.stop is None
    assert not settled.answered


@pytest.mark.parametrize(
    ("failure", "code", "result"),
    [
        (CredentialsRejected("401"), "jobmojito_credentials_rejected", NOT_SENT_STOPPED),
        (RequestRefused("unknown interview", "interview_id"), "jobmojito_rejected_request",
         NOT_SENT_STOPPED),
        (NotProcessed("refused"), "jobmojito_unreachable", NOT_SENT_UNREACHABLE),
    ],
)  # fmt: skip
def test_a_failure_that_processed_nothing_restores_the_rows_and_stops(
    failure: JobMojitoFailure, code: str, result: str
) -> None:
    settled = settle_batch([ANN, BOB], failure)
    assert settled.stop is not None and settled.stop.code == code
    # Each row's result cell gets back exactly what it held before its marker.
    assert settled.writes == {2: {"result": "Error: old"}, 3: {"result": ""}}
    assert {o.status for o in settled.outcomes.values()} == {RowStatus.NOT_SENT}
    assert {o.result for o in settled.outcomes.values()} == {result}


def test_a_refused_request_names_the_field() -> None:
    settled = settle_batch([ANN], RequestRefused("not found", "interview_id"))
    assert settled.stop is not None
    assert "not found (field interview_id)" in settled.stop.message
