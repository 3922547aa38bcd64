"""The system of record, over real HTTP and the real Firestore emulator: at most one send per
candidate per interview, whatever runs at once, and no link lost."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import Fault
from sandbox.world import RECRUITER, TAB_GID, FunctionProcess, Sandbox, invite, menu_request
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]
AT = "2026-12-06T04:00:00+00:00"
PEOPLE = [["Name", "Email"]] + [[f"Candidate {i}", f"record{i}@example.com"] for i in range(8)]


@pytest.fixture(autouse=True)
def _clean_stand_ins(world: Sandbox) -> Iterator[None]:
    world.jobmojito.reset()
    yield
    world.jobmojito.clear_faults()
    world.sheets.clear_faults()


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _statuses(answer: dict[str, Any]) -> list[str]:
    return [r["status"] for r in answer["rows"]]


def test_four_identical_requests_at_once_pay_once_per_candidate(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(PEOPLE)
    token = world.id_token()
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: invite(function.url, sheet.body(["2:9"]), id_token=token), range(4))
        )
    credits = world.jobmojito.credits_by_email()
    assert len(credits) == 8 and set(credits.values()) == {1}
    sent = sum(a.json().get("summary", {}).get("sent", 0) for a in answers if a.status_code == 200)
    assert sent == 8


def test_two_function_processes_on_one_store_pay_once_per_candidate(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    first, second = start_function(), start_function()
    sheet = new_sheet(PEOPLE)
    token = world.id_token()
    body = sheet.body(["2:9"])
    with ThreadPoolExecutor(4) as pool:
        calls = [pool.submit(invite, f.url, body, id_token=token) for f in (first, second) * 2]
        responses = [c.result() for c in calls]
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    credits = world.jobmojito.credits_by_email()
    assert len(credits) == 8 and set(credits.values()) == {1}


def test_the_same_candidate_in_two_spreadsheets_is_sent_once(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    one, other = new_sheet(PEOPLE), new_sheet(PEOPLE)
    _ok(one.call(function, ["2:9"]))
    preview = _ok(other.call(function, ["2:9"], dry_run=True))
    answer = _ok(other.call(function, ["2:9"]))
    # The other sheet gets each candidate's link from the record; nothing is sent again.
    assert set(_statuses(preview)) == set(_statuses(answer)) == {"recovered"}
    assert answer["summary"]["sent"] == 0 and answer["summary"]["recovered"] == 8
    credits = world.jobmojito.credits_by_email()
    assert len(credits) == 8 and set(credits.values()) == {1}
    links = {c.email: c.url for c in world.jobmojito.credits}
    for row, values in enumerate(other.values()[1:], start=2):
        assert values[2:4] == [links[values[1]], "ok"], row  # link and result written


def test_a_link_the_sheet_never_got_is_written_by_the_next_run_without_sending(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet(PEOPLE)
    # Only the markers land; the answer's links (written: false) are then lost with the
    # script, as when its 6 minutes run out: the rows say Pending.
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)
    first = _ok(sheet.call(function, ["2:9"]))
    assert {r["written"] for r in first["rows"]} == {False}
    world.sheets.clear_faults()
    calls = len(world.jobmojito.calls)
    preview = _ok(sheet.call(function, ["2:9"], dry_run=True))
    again = _ok(sheet.call(function, ["2:9"]))
    assert set(_statuses(preview)) == set(_statuses(again)) == {"recovered"}
    assert len(world.jobmojito.calls) == calls  # nothing sent
    links = {c.email: c.url for c in world.jobmojito.credits}
    assert len(links) == 8 and set(world.jobmojito.credits_by_email().values()) == {1}
    for values in sheet.values()[1:]:
        assert values[2:4] == [links[values[1]], "ok"]


def test_a_pending_marker_lost_with_the_sheet_still_keeps_the_candidate_from_a_second_send(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(SHEETS_WRITE_INTERVAL_SECONDS="0.01")
    sheet = new_sheet(PEOPLE)
    world.jobmojito.inject(Fault.drop_after_processing())  # processed, answer lost
    first = _ok(sheet.call(function, ["2:9"]))
    assert set(_statuses(first)) == {"pending"}
    # The recruiter clears the result column by hand (or copies the rows to a new tab):
    # the Sheet no longer says pending, but the record does.
    world.sheets.set_values(sheet.spreadsheet_id, sheet.title, "D2:D9", [[""]] * 8)
    again = _ok(sheet.call(function, ["2:9"]))
    assert set(_statuses(again)) == {"interrupted"} and again["summary"]["sent"] == 0
    # Left as they are: the run writes nothing into a row it leaves alone.
    assert all(len(values) < 4 or values[3] == "" for values in sheet.values()[1:])
    assert set(world.jobmojito.credits_by_email().values()) == {1}


def test_each_run_is_recorded_with_its_caller_sheet_and_counts(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    assert world.firestore is not None
    sheet = new_sheet(PEOPLE)
    _ok(sheet.call(function, ["2:5"]))
    os.environ.setdefault("FIRESTORE_EMULATOR_HOST", world.firestore.host)
    from google.cloud import firestore

    client = firestore.Client(project=world.firestore.project)
    runs = [d.to_dict() for d in client.collection("runs").stream()]
    mine = [r for r in runs if r and r.get("spreadsheet_id") == sheet.spreadsheet_id]
    assert len(mine) == 1
    run = mine[0]
    assert run["caller"] == RECRUITER and run["force"] is False
    assert run["summary"]["ok"] == 4 and run["tab"] == sheet.title
    records = [d.to_dict() for d in client.collection("registrations").stream()]
    assert sorted(r["email"] for r in records if r) == [f"record{i}@example.com" for i in range(4)]
    assert {r["state"] for r in records if r} == {"registered"}
    assert all(r["interview_url"].startswith("https://") for r in records if r)


def test_a_store_that_cannot_be_reached_sends_nothing(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(  # nothing listens there; the store's timeout scaled down
        FIRESTORE_EMULATOR_HOST="127.0.0.1:9", STATE_STORE_TIMEOUT_SECONDS="1"
    )
    sheet = new_sheet(PEOPLE)
    before = sheet.values()
    response = sheet.call(function, ["2:9"])
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "state_store_unavailable"
    assert world.jobmojito.calls == [] and sheet.values() == before


def test_menu_request_helper_is_the_body_the_script_sends() -> None:
    body = menu_request(["2:3"], spreadsheet_id="x")
    assert body["sheet_id"] == TAB_GID and body["ranges"] == ["2:3"]


def test_one_mailbox_spelled_two_ways_in_two_sheets_is_one_candidate_of_the_record(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    composed = [["Name", "Email"], ["Zoë", "zo\u00eb@example.com"]]
    decomposed = [["Name", "Email"], ["Zoë", "zoe\u0308@example.com"]]
    _ok(new_sheet(composed).call(function, ["2:2"]))
    answer = _ok(new_sheet(decomposed).call(function, ["2:2"]))
    assert _statuses(answer) == ["recovered"] and answer["summary"]["sent"] == 0
    assert sum(world.jobmojito.credits_by_email().values()) == 1


def test_claims_go_in_commits_of_500_and_a_refused_commit_is_claimed_one_by_one(
    world: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the emulator, a store used as a run uses it: candidates nobody holds are claimed
    in commits of up to 500 creates; a commit Firestore refuses because one of its candidates
    is held is claimed candidate by candidate, so the others are still claimed and the held
    ones named with their holder; a forced claim takes every candidate."""
    from jobmojito_sheets.registry import Record, RecordState
    from jobmojito_sheets.store import WRITES_PER_COMMIT, FirestoreStore

    assert world.firestore is not None
    for name, value in world.firestore.env().items():
        monkeypatch.setenv(name, value)
    store = FirestoreStore(world.firestore.project, None, timeout=30.0)
    interview = "7c9e6679-7425-40de-944b-e07fc1f90ae7"

    def claims(run: str, numbers: range) -> list[Record]:
        return [
            Record(interview_id=interview, email=f"commit{n}@example.com",
                   state=RecordState.CLAIMED, run_id=run, caller=RECRUITER,
                   spreadsheet_id="1Commits", tab="Candidates", row=n + 2, at=AT)
            for n in numbers
        ]  # fmt: skip

    commits: list[int] = []
    alone: list[str] = []
    commit, claim_one = store._commit_claims, store._claim_one

    def counted_commit(chunk: list[Record], force: bool) -> bool:
        commits.append(len(chunk))
        return commit(chunk, force)

    def counted_claim_one(claim: Record, force: bool) -> Record | None:
        alone.append(claim.email)
        return claim_one(claim, force)

    monkeypatch.setattr(store, "_commit_claims", counted_commit)
    monkeypatch.setattr(store, "_claim_one", counted_claim_one)

    first = range(0, 600)  # a commit of 500 and one of 100
    assert store.claim(claims("run-a", first), force=False) == {}
    assert (commits, len(alone)) == ([500, 100], 0)
    second = range(590, 1200)  # its first commit holds ten of run-a's candidates
    held = store.claim(claims("run-b", second), force=False)
    assert (commits[2:], len(alone)) == ([500, 110], WRITES_PER_COMMIT)  # the refused 500 alone
    assert sorted(held) == sorted(f"commit{n}@example.com" for n in range(590, 600))
    assert {record.run_id for record in held.values()} == {"run-a"}
    emails = [f"commit{n}@example.com" for n in range(0, 1200)]
    owners = {e: r.run_id for e, r in store.lookup(interview, emails).items()}
    assert all(owners[f"commit{n}@example.com"] == "run-a" for n in range(0, 600))
    assert all(owners[f"commit{n}@example.com"] == "run-b" for n in range(600, 1200))
    assert len(second) > WRITES_PER_COMMIT  # both paths were taken
    assert store.claim(claims("run-c", range(0, 10)), force=True) == {}
    owners = {e: r.run_id for e, r in store.lookup(interview, emails[:10]).items()}
    assert set(owners.values()) == {"run-c"}


def test_a_release_deletes_only_this_runs_claims_in_commits_and_spares_a_record_written_since(
    world: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Releasing reads the records once and deletes this run's claims in commits of up to 500,
    each on condition that the record was not written since the read: a record another run
    wrote meanwhile survives (its commit is refused, then each claim is released alone), and a
    registered record, or another run's, is never deleted."""
    from jobmojito_sheets.registry import Record, RecordState
    from jobmojito_sheets.store import FirestoreStore

    assert world.firestore is not None
    for name, value in world.firestore.env().items():
        monkeypatch.setenv(name, value)
    store = FirestoreStore(world.firestore.project, None, timeout=30.0)
    interview = "0b5f3e0c-7b8a-4b8e-9d4c-6a1f2e3d4c5b"

    def record(n: int, run: str, state: RecordState = RecordState.CLAIMED) -> Record:
        return Record(
            interview_id=interview, email=f"release{n}@example.com", state=state, run_id=run,
            caller=RECRUITER, spreadsheet_id="1Releases", tab="Candidates", row=n + 2, at=AT,
            interview_url="https://x/1" if state is RecordState.REGISTERED else "",
        )  # fmt: skip

    assert store.claim([record(n, "run-a") for n in range(600)], force=False) == {}
    store.register([record(n, "run-a", RecordState.REGISTERED) for n in range(5)])  # answered
    assert store.claim([record(n, "run-b") for n in range(600, 610)], force=False) == {}
    read = store._client.get_all

    def read_then_another_run_writes(refs: Any, **options: Any) -> list[Any]:
        snapshots = list(read(refs, **options))
        store.register([record(7, "run-z", RecordState.REGISTERED)])  # a forced run, meanwhile
        return snapshots

    monkeypatch.setattr(store._client, "get_all", read_then_another_run_writes)
    store.release(interview, [f"release{n}@example.com" for n in range(610)], "run-a")
    monkeypatch.setattr(store._client, "get_all", read)

    left = store.lookup(interview, [f"release{n}@example.com" for n in range(610)])
    assert sorted(left) == sorted(
        [f"release{n}@example.com" for n in (0, 1, 2, 3, 4, 7)]
        + [f"release{n}@example.com" for n in range(600, 610)]
    )
    assert left["release7@example.com"].run_id == "run-z"
    assert {left[f"release{n}@example.com"].state for n in range(5)} == {RecordState.REGISTERED}


def test_a_candidate_named_twice_in_one_claim_or_release_is_written_once(
    world: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Firestore refuses a commit that writes one document twice; the store never sends one."""
    from jobmojito_sheets.registry import Record, RecordState
    from jobmojito_sheets.store import FirestoreStore

    assert world.firestore is not None
    for name, value in world.firestore.env().items():
        monkeypatch.setenv(name, value)
    store = FirestoreStore(world.firestore.project, None, timeout=30.0)
    interview = "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
    twice = Record(
        interview_id=interview, email="twice@example.com", state=RecordState.CLAIMED,
        run_id="run-t", caller=RECRUITER, spreadsheet_id="1Twice", tab="Candidates", row=2, at=AT,
    )  # fmt: skip
    assert store.claim([twice, twice], force=False) == {}
    assert store.lookup(interview, ["twice@example.com"])["twice@example.com"].run_id == "run-t"
    store.release(interview, ["twice@example.com", "TWICE@example.com"], "run-t")
    assert store.lookup(interview, ["twice@example.com"]) == {}
