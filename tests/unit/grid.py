"""A tab's cells in memory, read and written as `SheetsGateway` does: for unit tests of the
shells over it (the writer, a run's wave). The Sheets stand-in covers the real API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from gspread.utils import a1_range_to_grid_range
from jobmojito_sheets.sheets import Tab


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
