"""Located writes (`writer.SheetWriter`): the rows to write are read alone when they stand
where they were read, and the whole columns are read only when something moved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from jobmojito_sheets.layout import find_layout
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.writer import SheetWriter

from tests.unit.grid import Grid

MARK = "Pending (run abc123, 2026-12-06 03:00 UTC)"


def tab_of(rows: int) -> tuple[Grid, SheetWriter]:
    grid = Grid(
        [
            ["Name", "Email", "interview_url", "result", "profile_interview_id"],
            *([f"Candidate {n}", f"c{n}@x.com", "", MARK, ""] for n in range(2, rows + 1)),
        ]
    )
    layout = find_layout(grid.rows[:5], 5)
    gateway = cast(SheetsGateway, cast(Any, grid))
    return grid, SheetWriter(gateway, Tab(0, "Candidates", rows, 5), layout)


def expected_of(grid: Grid, rows: Sequence[int]) -> dict[int, tuple[str, str]]:
    return {row: (f"c{row}@x.com", MARK) for row in rows}


def test_rows_in_place_are_read_alone_then_written_where_they_are() -> None:
    grid, writer = tab_of(1000)
    rows = [*range(100, 200), *range(500, 600)]
    cells = {row: {"result": "ok", "interview_url": f"https://x/{row}"} for row in rows}
    flushed = writer.flush(cells, expected_of(grid, rows))
    assert flushed.written == {row: row for row in rows} and not flushed.not_written
    assert grid.reads == [["1:1", "B100:B199", "D100:D199", "B500:B599", "D500:D599"]]
    assert grid.rows[150 - 1][2:4] == ["https://x/150", "ok"]


def test_after_a_sort_the_whole_columns_are_read_and_each_row_written_where_it_went() -> None:
    grid, writer = tab_of(10)
    grid.rows[1:] = grid.rows[1:][::-1]  # the recruiter sorts Z to A while JobMojito works
    cells = {3: {"result": "ok", "interview_url": "https://x/3"}}
    flushed = writer.flush(cells, expected_of(grid, [3]))
    assert flushed.written == {3: 9}
    assert grid.reads[1] == ["1:1", "B:B", "D:D"]
    assert grid.rows[9 - 1][1:4] == ["c3@x.com", "https://x/3", "ok"]
    assert grid.rows[3 - 1][3] == MARK  # the row that now stands there is left alone


def test_a_result_cell_typed_over_sends_the_write_to_the_whole_columns() -> None:
    grid, writer = tab_of(10)
    grid.rows[4 - 1][3] = "called her, do not send"
    flushed = writer.flush({4: {"result": "ok"}}, expected_of(grid, [4]))
    assert len(grid.reads) == 2  # the rows alone, then the whole columns
    assert flushed.written == {4: 4}  # found by its email, the only one in the tab


def test_once_the_grid_was_grown_for_the_new_columns_rows_are_read_alone() -> None:
    grid = Grid(
        [["Name", "Email", "interview_url", "result"]]
        + [[f"Candidate {n}", f"c{n}@x.com", "", MARK] for n in range(2, 11)]
    )
    layout = find_layout(grid.rows[:5], 4)  # profile_interview_id is a new column, E
    writer = SheetWriter(cast(SheetsGateway, cast(Any, grid)), Tab(0, "C", 10, 4), layout)
    assert writer.flush({2: {"result": "ok"}}, expected_of(grid, [2])).written == {2: 2}
    assert writer.flush({3: {"result": "ok"}}, expected_of(grid, [3])).written == {3: 3}
    assert grid.reads[0] == ["1:1", "B:B", "D:D"]  # before the grid has the new column
    assert writer.tab == Tab(0, "C", 10, 5)  # as the next call will find it
    assert grid.reads[1] == ["1:1", "B3:B3", "D3:D3"]
