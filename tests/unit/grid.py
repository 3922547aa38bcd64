"""A tab's cells in memory, read and written as `SheetsGateway` does: for unit tests of the
shells over it (the writer, a run's wave). The Sheets stand-in covers the real API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from gspread.utils import a1_range_to_grid_range
from jobmojito_sheets.layout import Layout, find_layout
from jobmojito_sheets.plan import Plan, plan_invites, read_rows
from jobmojito_sheets.sheets import SheetsGateway, Tab
from jobmojito_sheets.writer import SheetWriter


class Grid:
    """One tab's rows; every read and write is recorded."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        self.reads: list[list[str]] = []
        self.writes: list[Sequence[Mapping[str, object]]] = []
        self.events: list[str] = []  # "read" and "write", in order (tests add their own)
        self.appended = 0

    def read(self, tab: Tab, ranges: Sequence[str]) -> list[list[list[str]]]:
        self.reads.append(list(ranges))
        self.events.append("read")
        answer = []
        for a1 in ranges:
            grid = a1_range_to_grid_range(a1)
            top, bottom = grid.get("startRowIndex", 0), grid.get("endRowIndex", len(self.rows))
            left, right = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", 99)
            answer.append([row[left:right] for row in self.rows[top:bottom]])
        return answer

    def write(self, data: Sequence[Mapping[str, object]]) -> None:
        self.writes.append(data)
        self.events.append("write")
        for entry in data:
            a1 = str(entry["range"]).split("!")[-1]
            grid = a1_range_to_grid_range(a1)
            values = cast(list[list[str]], entry["values"])
            for offset, cells in enumerate(values):
                row = self.rows[grid["startRowIndex"] + offset]
                for index, value in enumerate(cells):
                    column = grid["startColumnIndex"] + index
                    row.extend([""] * (column + 1 - len(row)))
                    row[column] = value

    def append_columns(self, tab: Tab, count: int) -> None:
        self.appended = count


def planned_on(
    grid: Grid, selected_rows: Iterable[int], width: int
) -> tuple[Layout, Plan, SheetWriter]:
    """The layout the grid's top rows give (`width` columns wide), the plan of its selected
    rows as a run makes it, and a writer over the grid as tab "C" (gid 0)."""
    layout = find_layout(grid.rows[:5], width)
    selected = {n: dict(enumerate(grid.rows[n - 1])) for n in selected_rows}
    plan = plan_invites(read_rows(layout, selected), force=False)
    tab = Tab(0, "C", len(grid.rows), width)
    return layout, plan, SheetWriter(cast(SheetsGateway, cast(Any, grid)), tab, layout)
