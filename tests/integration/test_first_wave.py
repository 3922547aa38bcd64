"""A large call's first wave has a turn of its own (`schedule.turns`): its rows are marked
pending and sent first, and the call's other rows are marked while that wave is under way,
each still before its own batch is sent. The stand-ins are timed (`bench.run.Timed`), so the
order of the Sheets writes and JobMojito's calls is what the servers saw."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from jobmojito_sheets.schedule import FIRST_WAVE_ALONE_ROWS

from bench.run import BenchSandbox, Hit, candidate_rows
from sandbox.jobmojito_api import Balance
from sandbox.world import RECRUITER_TOKEN, FunctionProcess, invite, menu_request

LATENCY = 0.5  # seconds JobMojito takes per batch: room to see what happens meanwhile
FIRST_WAVE = 4 * 100  # the default CONCURRENCY batches of the default BATCH_SIZE rows


@pytest.fixture(scope="module")
def timed() -> Iterator[BenchSandbox]:
    world = BenchSandbox()
    with world:
        yield world


def _call(world: BenchSandbox, function: FunctionProcess, name: str, rows: int) -> httpx.Response:
    world.seed(candidate_rows(rows, name.lower()), spreadsheet_id=name)
    world.jobmojito.reset()
    world.sheets.reset_quota()
    body = menu_request([f"A2:B{rows + 1}"], spreadsheet_id=name)
    return invite(function.url, body, id_token=world.id_token(), access_token=RECRUITER_TOKEN)


def _timed_call(
    world: BenchSandbox, name: str, rows: int, **env: str
) -> tuple[httpx.Response, list[Hit], list[Hit]]:
    """One real call on a new tab of `rows` candidates, by a new function process; with this
    spreadsheet's value writes and JobMojito's batches, in the order they arrived."""
    world.jobmojito.latency = LATENCY
    with FunctionProcess(world.function_env(**env)) as function:
        world.sheets_log.hits.clear()
        world.jobmojito_log.hits.clear()
        response = _call(world, function, name, rows)
    writes = [h for h in world.sheets_log.hits if h.path.endswith(f"{name}/values:batchUpdate")]
    batches = [h for h in world.jobmojito_log.hits if h.method == "POST"]
    return response, sorted(writes, key=lambda h: h.start), sorted(batches, key=lambda h: h.start)


def test_a_large_call_sends_its_first_wave_while_it_marks_the_rest(
    timed: BenchSandbox,
) -> None:
    rows = FIRST_WAVE_ALONE_ROWS + 100
    response, writes, batches = _timed_call(timed, "1FirstWaveLarge", rows)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["summary"]["ok"] == rows and answer["remaining"] == []
    assert set(timed.jobmojito.credits_by_email().values()) == {1}
    first_marks, rest_marks = writes[0], writes[1]
    first_wave, later = batches[:4], batches[4:]
    # The first wave went out once its own rows were marked, and before the rest were.
    assert all(first_marks.end <= b.start < rest_marks.start for b in first_wave)
    # The rest were marked while it was under way, and each later batch only after that.
    assert rest_marks.end < min(b.end for b in first_wave)
    assert all(rest_marks.end <= b.start for b in later)
    values = timed.sheets.values("1FirstWaveLarge", "Candidates")
    result = values[0].index("result")
    assert all(row[result] == "ok" for row in values[1:])


def test_a_call_at_the_threshold_marks_every_row_before_its_first_batch(
    timed: BenchSandbox,
) -> None:
    response, writes, batches = _timed_call(timed, "1FirstWaveAtLimit", FIRST_WAVE_ALONE_ROWS)
    assert response.status_code == 200, response.text
    first_answer = min(b.end for b in batches)
    assert [w for w in writes if w.start < first_answer] == [writes[0]]  # one write marks all
    assert writes[0].end <= batches[0].start


def test_a_balance_short_of_a_large_call_refuses_it_whole_before_anything_is_sent(
    timed: BenchSandbox,
) -> None:
    rows = FIRST_WAVE_ALONE_ROWS + 100
    timed.jobmojito.latency = 0.0
    with FunctionProcess(timed.function_env()) as function:
        timed.jobmojito.balance = Balance(invitations_limit=rows - 50)
        try:
            timed.seed(candidate_rows(rows, "short"), spreadsheet_id="1FirstWaveShort")
            before = timed.sheets.values("1FirstWaveShort", "Candidates")
            timed.jobmojito.calls.clear()
            timed.sheets.reset_quota()
            body = menu_request([f"A2:B{rows + 1}"], spreadsheet_id="1FirstWaveShort")
            response = invite(function.url, body, id_token=timed.id_token())
        finally:
            timed.jobmojito.balance = Balance()
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "not_enough_invitations"
    assert timed.jobmojito.calls == []
    assert timed.sheets.values("1FirstWaveShort", "Candidates") == before


def test_quota_gone_before_the_rest_is_marked_answers_it_as_remaining(
    timed: BenchSandbox,
) -> None:
    rows = FIRST_WAVE_ALONE_ROWS + 100
    # A new process reads the header, then the selection, then the tab for the first wave;
    # every later read meets a quota another tool spent, for longer than the call has left.
    timed.sheets.inject("values.batchGet", 429, times=-1, retry_after=90, after=3)
    try:
        # The deadline scaled down: the last write waits for the quota until it, in vain.
        response, _, _ = _timed_call(timed, "1FirstWaveQuota", rows, DEADLINE_SECONDS="6")
    finally:
        timed.sheets.clear_faults()
    assert response.status_code == 200, response.text
    answer = response.json()
    by_status: dict[str, list[int]] = {}
    for row in answer["rows"]:
        by_status.setdefault(row["status"], []).append(row["row"])
    assert by_status["ok"] == list(range(2, FIRST_WAVE + 2))  # the first wave's links
    assert by_status["not_yet"] == list(range(FIRST_WAVE + 2, rows + 2))
    assert answer["remaining"] == [f"{FIRST_WAVE + 2}:{rows + 1}"]
    assert answer["retry_after_seconds"] >= 1
    assert len(timed.jobmojito.credits_by_email()) == FIRST_WAVE  # nothing else was spent
