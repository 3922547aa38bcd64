"""A tab the function process met before is read in one round trip, not two: its properties
are read again while the selection is read with the tab as the process last saw it
(`service.read_tab_and`), so the run after its preview waits once for Google, not twice, and
a status refresh of the tab alike. Timed against the Sheets stand-in with a latency on every
call, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.run import BenchSandbox, Hit, candidate_rows
from sandbox.world import RECRUITER_TOKEN, FunctionProcess, invite, menu_request

LATENCY = 0.2  # seconds every Sheets call takes: enough to tell "at once" from "in turn"
ROWS = 30


@pytest.fixture(scope="module")
def timed() -> Iterator[BenchSandbox]:
    world = BenchSandbox()
    with world:
        world.sheets.latency = LATENCY
        yield world


def _call(world: BenchSandbox, function: FunctionProcess, name: str, **fields: object) -> list[Hit]:
    """One call of the whole selection; this spreadsheet's Sheets calls, in arrival order."""
    world.sheets_log.hits.clear()
    body = menu_request([f"A2:B{ROWS + 1}"], spreadsheet_id=name, **fields)
    response = invite(function.url, body, id_token=world.id_token(), access_token=RECRUITER_TOKEN)
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert summary["rows" if fields.get("action") == "status" else "selected"] == ROWS
    hits = [h for h in world.sheets_log.hits if name in h.path]
    return sorted(hits, key=lambda h: h.start)


def _properties_and_first_read(hits: list[Hit], name: str) -> tuple[Hit, Hit]:
    """The call's read of the tab's properties (`spreadsheets.get`) and its first value read."""
    properties = next(h for h in hits if h.method == "GET" and h.path.endswith(f"/{name}"))
    first_read = next(h for h in hits if h.path.endswith(f"/{name}/values:batchGet"))
    return properties, first_read


def test_the_run_after_its_preview_reads_the_tab_and_the_selection_at_once(
    timed: BenchSandbox,
) -> None:
    name = "1TabReadsAtOnce"
    timed.seed(candidate_rows(ROWS, name.lower()), spreadsheet_id=name)
    timed.sheets.reset_quota()
    with FunctionProcess(timed.function_env()) as function:
        preview = _call(timed, function, name, dry_run=True)
        run = _call(timed, function, name)
        after = _call(timed, function, name, dry_run=True)  # after the run grew the grid
        status = _call(timed, function, name, action="status")  # adds the status columns
        unchanged = _call(timed, function, name, action="status")
    properties, selection = _properties_and_first_read(preview, name)
    assert selection.start >= properties.end  # a tab the process has not met: in turn
    properties, selection = _properties_and_first_read(run, name)
    assert selection.start < properties.end  # met before: both under way at once
    properties, selection = _properties_and_first_read(after, name)
    assert selection.start < properties.end
    # The run grew the grid for its new columns, and the process knows the tab as it left it:
    # the preview after it (of rows all done, so nothing to locate) reads the selection once.
    reads = sorted(h.path.rsplit("/", 1)[-1] for h in after if h.method == "GET")
    assert reads == [name, "values:batchGet"]
    properties, selection = _properties_and_first_read(status, name)
    assert selection.start < properties.end  # the status refresh reads its rows alike
    # The refresh grew the grid for its status columns, and the process knows that too: the
    # refresh after it, with nothing changed, makes its two calls, nothing again.
    assert sorted(h.path.rsplit("/", 1)[-1] for h in unchanged) == [name, "values:batchGet"]
    values = timed.sheets.values(name, "Candidates")
    result = values[0].index("result")
    assert all(row[result] == "ok" for row in values[1:])
