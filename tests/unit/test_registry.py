"""System-of-record rules: who may claim a candidate, and the in-memory store that keeps them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from jobmojito_sheets.claim import held_by_records
from jobmojito_sheets.plan import PlannedRow, SheetRow
from jobmojito_sheets.registry import Record, RecordState, candidate_key, held_as
from jobmojito_sheets.row_status import RowStatus
from jobmojito_sheets.store import MemoryStore

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"


def _record(email: str, state: RecordState, run_id: str = "run-a", url: str = "") -> Record:
    return Record(INTERVIEW, email, state, run_id, "ann@hr.example", "sheet", "Tab", 2, "t", url)


def test_a_candidate_is_one_key_per_interview_whatever_the_case() -> None:
    assert candidate_key(INTERVIEW, "Ann@Example.com") == candidate_key(
        INTERVIEW, "ann@example.com"
    )
    assert candidate_key(INTERVIEW, "ann@example.com") != candidate_key("other", "ann@example.com")
    assert "@" not in candidate_key(INTERVIEW, "ann@example.com")


def test_who_holds_a_candidate() -> None:
    claimed = _record("a@x.com", RecordState.CLAIMED)
    registered = _record("a@x.com", RecordState.REGISTERED, url="https://i/1")
    assert held_as(None, run_id="run-b", force=False) is None
    assert held_as(claimed, run_id="run-a", force=False) is None  # its own claim
    assert held_as(claimed, run_id="run-b", force=False) is RowStatus.INTERRUPTED
    assert held_as(registered, run_id="run-b", force=False) is RowStatus.RECOVERED
    no_link = _record("a@x.com", RecordState.REGISTERED)
    assert held_as(no_link, run_id="run-b", force=False) is RowStatus.REGISTERED
    assert held_as(registered, run_id="run-b", force=True) is None


def test_held_rows_get_the_recorded_link_or_are_left_alone() -> None:
    rows = [
        PlannedRow(SheetRow(2, "A", "A@x.com"), RowStatus.WOULD_SEND, "Would send"),
        PlannedRow(SheetRow(3, "B", "b@x.com"), RowStatus.WOULD_SEND, "Would send"),
        PlannedRow(SheetRow(4, "C", "c@x.com"), RowStatus.WOULD_SEND, "Would send"),
    ]
    holders = {
        "a@x.com": _record("a@x.com", RecordState.REGISTERED, url="https://i/a"),
        "b@x.com": _record("b@x.com", RecordState.CLAIMED),
    }
    held = held_by_records(rows, holders, run_id="run-b")
    assert held[2].status is RowStatus.RECOVERED and held[2].interview_url == "https://i/a"
    assert held[2].cells() == {"result": "ok", "interview_url": "https://i/a"}
    assert held[3].status is RowStatus.INTERRUPTED and 4 not in held


def test_the_memory_store_lets_one_of_many_concurrent_claims_win() -> None:
    store = MemoryStore()
    claims = [_record("a@x.com", RecordState.CLAIMED, run_id=f"run-{i}") for i in range(20)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda c: store.claim([c], force=False), claims))
    assert sum(1 for held in results if not held) == 1


def test_the_memory_store_releases_only_its_own_unanswered_claims() -> None:
    store = MemoryStore()
    store.claim([_record("a@x.com", RecordState.CLAIMED, run_id="run-a")], force=False)
    store.release(INTERVIEW, ["a@x.com"], "run-b")
    assert store.lookup(INTERVIEW, ["a@x.com"])
    store.register([_record("a@x.com", RecordState.REGISTERED, "run-a", "https://i/a")])
    store.release(INTERVIEW, ["a@x.com"], "run-a")  # registered: kept
    assert store.lookup(INTERVIEW, ["A@x.com"])["a@x.com"].interview_url == "https://i/a"
    store.claim([_record("b@x.com", RecordState.CLAIMED, run_id="run-a")], force=False)
    store.release(INTERVIEW, ["b@x.com"], "run-a")
    assert store.lookup(INTERVIEW, ["b@x.com"]) == {}


def test_a_forced_claim_takes_the_candidate_over() -> None:
    store = MemoryStore()
    store.register([_record("a@x.com", RecordState.REGISTERED, "run-a", "https://i/a")])
    assert store.claim([_record("a@x.com", RecordState.CLAIMED, "run-b")], force=False)
    assert store.claim([_record("a@x.com", RecordState.CLAIMED, "run-b")], force=True) == {}
    assert store.lookup(INTERVIEW, ["a@x.com"])["a@x.com"].run_id == "run-b"
