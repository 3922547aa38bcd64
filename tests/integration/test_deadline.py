"""One deadline per call, over real HTTP: whatever JobMojito and Sheets do, the function
answers within DEADLINE_SECONDS and loses nothing. The real figures (50 s, JobMojito at up to
29 s a batch) are scaled down by ten."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sandbox.world import FunctionProcess, Sandbox
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]
SCALED = {
    "DEADLINE_SECONDS": "5",
    "JOBMOJITO_TIMEOUT_SECONDS": "3",
    "BATCH_SIZE": "2",
    "CONCURRENCY": "2",
    "SHEETS_WRITE_INTERVAL_SECONDS": "0.5",
}
OVERHEAD = 0.75  # process start-up of the request and loopback HTTP, well under a second


@pytest.fixture(autouse=True)
def _clean_stand_ins(world: Sandbox) -> Iterator[None]:
    world.jobmojito.reset()
    yield
    world.jobmojito.reset()
    world.jobmojito.latency = 0.0
    world.sheets.clear_faults()


def _timed(sheet: SheetUnderTest, function: FunctionProcess, **fields: Any) -> tuple[float, Any]:
    started = time.monotonic()
    response: httpx.Response = sheet.call(function, ["2:13"], **fields)
    return time.monotonic() - started, response


def test_jobmojito_at_29_s_a_batch_still_gets_an_answer_within_the_deadline(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**SCALED)
    sheet = new_sheet()
    world.jobmojito.latency = 2.9  # 29 s at full scale
    elapsed, response = _timed(sheet, function)
    assert response.status_code == 200, response.text
    assert elapsed < 5 + OVERHEAD, elapsed
    answer = response.json()
    statuses = {r["row"]: r["status"] for r in answer["rows"]}
    # The first two batches went together and answered in 2.9 s; a third would need 3.6 s
    # more and was left for the next call.
    assert list(statuses.values()).count("ok") == 4
    assert answer["remaining"] and "pending" not in statuses.values()
    # Nothing lost: each credit's link is on its row, the rest is as it was and remaining.
    links = {c.url for c in world.jobmojito.credits}
    values = sheet.values()

    def cell(row: int, column: int) -> str:
        line = values[row - 1]
        return line[column] if column < len(line) else ""

    assert links == {cell(r, 4) for r, s in statuses.items() if s == "ok"}
    for row in (r for r, s in statuses.items() if s == "not_yet"):
        assert cell(row, 5) == ""  # its marker was put back


def test_jobmojito_slower_than_the_deadline_leaves_its_rows_pending_and_answers_in_time(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**{**SCALED, "JOBMOJITO_TIMEOUT_SECONDS": "30"})
    sheet = new_sheet()
    world.jobmojito.latency = 6.0  # never answers within the call
    elapsed, response = _timed(sheet, function)
    # JobMojito still works on the two batches the function gave up on: let it finish, so
    # that nothing of this test reaches the next one.
    time.sleep(max(0.0, 6.5 - elapsed))
    assert elapsed < 5 + OVERHEAD, elapsed
    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["rows"]]
    # The batches in flight may have been processed: their rows stay pending, never resent.
    assert statuses.count("pending") == 4 and "ok" not in statuses


def test_a_sheets_write_that_hangs_still_gets_an_answer_within_the_deadline_with_every_link(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**SCALED)
    sheet = new_sheet()
    # The marking write lands; every write after it hangs for longer than the whole call.
    world.sheets.inject_delay("values.batchUpdate", 8.0, times=-1, after=1)
    elapsed, response = _timed(sheet, function)
    assert elapsed < 5 + OVERHEAD, elapsed
    assert response.status_code == 200, response.text
    answer = response.json()
    # Nothing lost: each link JobMojito gave is in the answer for the script to write.
    links = {c.url for c in world.jobmojito.credits}
    answered = {r["interview_url"] for r in answer["rows"] if r.get("interview_url")}
    assert links and links <= answered
    unwritten = [r for r in answer["rows"] if r["status"] == "ok"]
    assert unwritten and all(r["written"] is False for r in unwritten)
    time.sleep(max(0.0, 8.5 - elapsed))  # let the hanging writes land before the next test


def test_a_quota_spent_elsewhere_asks_for_a_wait_no_longer_than_the_quota_window(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    # Google's per-user window (a minute) scaled down to 5 s in the function.
    function = start_function(**SCALED, SHEETS_QUOTA_WINDOW_SECONDS="5")
    sheet = new_sheet()
    world.sheets.inject("values.batchGet", 429, times=-1)  # another tool spent every read
    elapsed, response = _timed(sheet, function)
    assert elapsed < 5 + OVERHEAD, elapsed
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "sheets_quota_exceeded"
    assert 1 <= response.json()["retry_after_seconds"] <= 5
    assert world.jobmojito.calls == []
