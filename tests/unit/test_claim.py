"""Claim rules: which rows of a wave are marked and sent, against a fresh read of the tab."""

from __future__ import annotations

from jobmojito_sheets.claim import claim_rows, unmarked
from jobmojito_sheets.locate import registered_rows
from jobmojito_sheets.plan import PlannedRow, SheetRow
from jobmojito_sheets.results import Outcome
from jobmojito_sheets.row_status import (
    ALREADY_REGISTERED,
    NOT_SENT_MOVED,
    NOT_SENT_SHEETS,
    NOT_SENT_STORE,
    WOULD_SEND,
    RowStatus,
)


def _row(number: int, email: str) -> PlannedRow:
    return PlannedRow(SheetRow(number, f"Name {number}", email), RowStatus.WOULD_SEND, WOULD_SEND)


ANN, BOB = _row(2, "Ann@Example.com"), _row(3, "bob@example.com")


def test_rows_no_other_row_holds_are_sent_in_order() -> None:
    claim = claim_rows([ANN, BOB], {}, {2: 2, 3: 3}, force=False)
    assert claim.send == (ANN, BOB) and claim.skipped == {}


def test_a_candidate_held_on_another_row_is_a_duplicate_of_it() -> None:
    claim = claim_rows([ANN, BOB], {"ann@example.com": 9}, {2: 2, 3: 3}, force=False)
    assert claim.send == (BOB,)
    assert claim.skipped == {2: Outcome(2, RowStatus.DUPLICATE, "Skipped: duplicate of row 9")}


def test_a_row_registered_on_itself_meanwhile_is_registered_not_a_duplicate() -> None:
    # Row 2 now stands at row 5 (the recruiter inserted rows), and row 5 says ok.
    claim = claim_rows([ANN], {"ann@example.com": 5}, {2: 5}, force=False)
    assert claim.send == ()
    assert claim.skipped == {2: Outcome(2, RowStatus.REGISTERED, ALREADY_REGISTERED)}


def test_force_claims_every_row() -> None:
    claim = claim_rows([ANN, BOB], {"ann@example.com": 9, "bob@example.com": 3}, {}, force=True)
    assert claim.send == (ANN, BOB) and claim.skipped == {}


def test_unmarked_rows_are_not_sent_and_say_why() -> None:
    assert unmarked([ANN], because="sheets") == {2: Outcome(2, RowStatus.NOT_SENT, NOT_SENT_SHEETS)}
    assert unmarked([BOB], because="moved") == {3: Outcome(3, RowStatus.NOT_SENT, NOT_SENT_MOVED)}
    assert unmarked([ANN], because="store") == {2: Outcome(2, RowStatus.NOT_SENT, NOT_SENT_STORE)}


def test_another_spelling_of_a_held_candidate_is_a_duplicate() -> None:
    held = registered_rows(
        [["Email"], ["ann@xn--bcher-kva.example"]], [["result"], ["ok"]], header_row=1
    )
    spelled = _row(5, "ANN@Bücher.example")
    claim = claim_rows([spelled], held, {5: 5}, force=False)
    assert claim.send == () and claim.skipped[5].status is RowStatus.DUPLICATE
