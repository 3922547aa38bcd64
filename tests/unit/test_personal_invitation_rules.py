"""Personal invitation and test mode, the pure rules: how `/invite-users`' per-user words and
a test registration's `ok` map to rows, and what each leaves in the system of record."""

from __future__ import annotations

import pytest
from jobmojito_sheets.claim import held_by_records
from jobmojito_sheets.ledger import Ledger
from jobmojito_sheets.plan import PlannedRow, SheetRow
from jobmojito_sheets.registry import (
    REGISTERED_BY,
    RELEASED_BY,
    Record,
    RecordState,
    candidate_key,
    held_as,
)
from jobmojito_sheets.results import (
    Outcome,
    invitation_outcome,
    link_outcome,
    link_outcome_as_test,
    match_results,
    reader,
)
from jobmojito_sheets.row_status import (
    ACTIVATED,
    ALREADY_INVITED,
    INVITED,
    OK_TEST,
    WOULD_SEND,
    RowStatus,
    cell_state,
)
from jobmojito_sheets.settle import settle_batch
from jobmojito_sheets.store import MemoryStore

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
ANN = PlannedRow(SheetRow(2, "Ann", "Ann@Example.com"), RowStatus.WOULD_SEND, WOULD_SEND)
BOB = PlannedRow(SheetRow(5, "Bob", "bob@example.com", "B-1"), RowStatus.WOULD_SEND, WOULD_SEND)
URL = "https://cool.jobmojito.com/i/ann"


def _invited(email: str, result: str, profile: str | None = "pi-1") -> dict[str, object]:
    return {
        "email": email, "name": "x", "type": "candidate", "interview_id": INTERVIEW,
        "result": result, "profile_id": "p", "profile_interview_id": profile,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("word", "status", "text"),
    [
        ("Invited", RowStatus.INVITED, INVITED),
        ("Activated", RowStatus.ACTIVATED, ACTIVATED),
        ("Skipped", RowStatus.ALREADY_INVITED, ALREADY_INVITED),
        (" invited ", RowStatus.INVITED, INVITED),
    ],
)
def test_invite_users_words_map_to_row_statuses(word: str, status: RowStatus, text: str) -> None:
    outcome = invitation_outcome(2, _invited("ann@example.com", word))
    assert outcome == Outcome(2, status, text, None, "pi-1")
    # No link ever comes from `/invite-users`: the row gets its result and profile id only.
    assert outcome.cells() == {"result": text, "profile_interview_id": "pi-1"}
    # What it writes reads back as registered, so a later run does not send it again.
    assert cell_state(text) is RowStatus.REGISTERED


def test_an_invitation_without_a_profile_id_writes_the_result_only() -> None:
    outcome = invitation_outcome(2, _invited("ann@example.com", "Invited", None))
    assert outcome is not None and outcome.cells() == {"result": INVITED}


def test_an_invitation_error_is_an_error_in_jobmojitos_words() -> None:
    outcome = invitation_outcome(2, _invited("a@x.com", "Error: Not enough interview credits"))
    assert outcome == Outcome(2, RowStatus.ERROR, "Error: Not enough interview credits")


@pytest.mark.parametrize(
    "word", ["SubMerchantAdded", "CoachingAccessAdded", "ok", "", None, "Invited!"]
)
def test_any_other_invitation_word_leaves_the_row_pending(word: str | None) -> None:
    # It may have invited the candidate (and spent a credit): nothing certain, stays pending.
    assert invitation_outcome(2, _invited("a@x.com", word)) is None  # type: ignore[arg-type]


def test_invitations_match_by_email_never_by_position() -> None:
    answer = [
        _invited("BOB@example.com", "Activated", "pb"),
        _invited("ann@example.com", "Invited"),
    ]
    outcomes = match_results([ANN, BOB], answer, invitation_outcome)
    assert outcomes[2].status is RowStatus.INVITED and outcomes[2].profile_interview_id == "pi-1"
    assert outcomes[5].status is RowStatus.ACTIVATED and outcomes[5].profile_interview_id == "pb"
    foreign = [_invited("eve@example.com", "Invited")]
    assert match_results([ANN], foreign, invitation_outcome) == {}
    assert set(match_results([ANN, BOB], answer[:1], invitation_outcome)) == {5}


def test_a_settled_invitation_batch_writes_no_link() -> None:
    answer = [_invited("ann@example.com", "Invited"), _invited("bob@example.com", "Maybe")]
    settled = settle_batch([ANN, BOB], answer, invitation_outcome)
    assert settled.answered
    assert settled.writes == {2: {"result": INVITED, "profile_interview_id": "pi-1"}}
    assert 5 not in settled.outcomes  # unclear: stays pending


def test_a_test_registration_says_ok_test_and_keeps_its_status() -> None:
    item = {"email": "ann@example.com", "result": "ok", "interview_url": URL}
    assert link_outcome_as_test(2, item) == Outcome(2, RowStatus.OK, OK_TEST, URL)
    error = {"email": "ann@example.com", "result": "Error: draft"}
    assert link_outcome_as_test(2, error) == Outcome(2, RowStatus.ERROR, "Error: draft")
    assert link_outcome_as_test(2, {"email": "ann@example.com", "result": "ok"}) is None
    assert cell_state(OK_TEST) is RowStatus.REGISTERED


def test_the_reader_follows_the_type_and_test_mode() -> None:
    assert reader("personal_invitation") is invitation_outcome
    assert reader("url") is link_outcome and reader("invitation") is link_outcome
    assert reader("url", is_test=True) is link_outcome_as_test
    assert reader("invitation", is_test=True) is link_outcome_as_test


def test_invitation_answers_register_the_candidate_and_an_error_releases_it() -> None:
    # `Skipped` spent nothing, but the candidate has the interview: recorded as registered.
    assert {RowStatus.INVITED, RowStatus.ACTIVATED, RowStatus.ALREADY_INVITED} <= REGISTERED_BY
    assert RowStatus.OK in REGISTERED_BY and RowStatus.ERROR in RELEASED_BY
    assert RowStatus.PENDING not in REGISTERED_BY | RELEASED_BY  # stays claimed


def _record(email: str, *, is_test: bool, url: str = "", run_id: str = "run-a") -> Record:
    return Record(
        INTERVIEW, email, RecordState.REGISTERED, run_id, "ann@hr.example", "sheet", "Tab", 2,
        "t", url, "pi-1", is_test=is_test,
    )  # fmt: skip


def test_test_records_have_a_key_space_of_their_own() -> None:
    real = candidate_key(INTERVIEW, "ann@example.com")
    assert candidate_key(INTERVIEW, "ann@example.com", is_test=True) != real
    assert _record("Ann@example.com", is_test=True).key == candidate_key(
        INTERVIEW, "ann@example.com", is_test=True
    )
    assert Record.from_json(_record("a@x.com", is_test=True).to_json()).is_test is True
    assert Record.from_json(_record("a@x.com", is_test=False).to_json()).is_test is False


def test_a_test_registration_never_holds_a_real_run_nor_a_real_one_a_test_run() -> None:
    store = MemoryStore()
    store.register([_record("ann@example.com", is_test=True, url="https://i/test")])
    assert store.lookup(INTERVIEW, ["ann@example.com"]) == {}
    claim = Record(
        INTERVIEW, "ann@example.com", RecordState.CLAIMED, "run-b", "c", "s", "T", 2, "t"
    )
    assert store.claim([claim], force=False) == {}  # the real run claims it
    assert store.lookup(INTERVIEW, ["ann@example.com"], is_test=True)["ann@example.com"].is_test
    # ... and the real claim does not hold a later test run's candidate either.
    test_claim = Record(
        INTERVIEW, "ann@example.com", RecordState.CLAIMED, "run-c", "c", "s", "T", 2, "t",
        is_test=True,
    )  # fmt: skip
    held = store.claim([test_claim], force=False)
    assert held["ann@example.com"].interview_url == "https://i/test"  # its own, test, record
    store.release(INTERVIEW, ["ann@example.com"], "run-b", is_test=True)
    assert store.lookup(INTERVIEW, ["ann@example.com"])["ann@example.com"].run_id == "run-b"


def test_a_test_record_is_recovered_as_ok_test() -> None:
    rows = [PlannedRow(SheetRow(2, "A", "ann@example.com"), RowStatus.WOULD_SEND, WOULD_SEND)]
    test = {"ann@example.com": _record("ann@example.com", is_test=True, url="https://i/t")}
    held = held_by_records(rows, test, run_id="run-b")
    assert held[2].status is RowStatus.RECOVERED and held[2].result == OK_TEST
    real = {"ann@example.com": _record("ann@example.com", is_test=False, url="https://i/r")}
    assert held_by_records(rows, real, run_id="run-b")[2].result == "ok"


def test_a_personal_invitation_record_has_no_link_so_it_is_registered_not_recovered() -> None:
    record = _record("ann@example.com", is_test=False)
    assert held_as(record, run_id="run-b", force=False) is RowStatus.REGISTERED


def test_a_test_ledger_claims_and_records_in_the_test_space() -> None:
    store = MemoryStore()
    ledger = Ledger(store, "run-t", "c", "s", "Tab", INTERVIEW, is_test=True)
    ledger.claim([ANN], force=False)
    assert store.lookup(INTERVIEW, ["ann@example.com"]) == {}
    ledger.register([(ANN, Outcome(2, RowStatus.OK, OK_TEST, URL))])
    (record,) = ledger.lookup([ANN]).values()
    assert record.is_test and record.interview_url == URL
    assert Ledger(store, "run-r", "c", "s", "Tab", INTERVIEW).lookup([ANN]) == {}
