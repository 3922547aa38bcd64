"""Sheets answers read as they stream in: every cell cut to the limit, nothing else changed."""

from __future__ import annotations

import io
import json
import tracemalloc

from jobmojito_sheets.value_stream import read_value_ranges


class Chunked(io.RawIOBase):
    """A stream that hands out at most `size` bytes a read, like a socket."""

    def __init__(self, data: bytes, size: int = 7) -> None:
        self._data, self._at, self._size = data, 0, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview, /) -> int:  # type: ignore[override]
        chunk = self._data[self._at : self._at + min(len(buffer), self._size)]
        buffer[: len(chunk)] = chunk
        self._at += len(chunk)
        return len(chunk)


def _answer(*ranges: list[list[object]] | None) -> bytes:
    value_ranges = [
        {"range": f"'Tab'!A{i}:B{i}", "majorDimension": "ROWS", **({"values": v} if v else {})}
        for i, v in enumerate(ranges, 1)
    ]
    return json.dumps({"spreadsheetId": "1x", "valueRanges": value_ranges}).encode()


def test_ranges_rows_and_cells_come_back_in_order_as_text() -> None:
    data = _answer([["Ann", "ann@example.com"], [], ["Bob"]], None, [["", "é 😀", 87, True]])
    assert read_value_ranges(Chunked(data), 1001) == [
        [["Ann", "ann@example.com"], [], ["Bob"]],
        [],
        [["", "é 😀", "87", "TRUE"]],
    ]


def test_a_long_cell_is_cut_to_the_limit_and_short_ones_are_kept() -> None:
    data = _answer([["x" * 50_000, "short", "y" * 1001]])
    cells = read_value_ranges(Chunked(data, 4096), 1001)[0][0]
    assert [len(c) for c in cells] == [1001, 5, 1001]


def test_memory_grows_with_the_limit_not_with_the_cells() -> None:
    rows: list[list[object]] = [[f"{i}" + "x" * 49_990, "y" * 49_990] for i in range(400)]
    data = _answer(rows)
    tracemalloc.start()
    values = read_value_ranges(io.BytesIO(data), 1001)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(values[0]) == 400 and values[0][399][0].startswith("399x")
    assert peak < 5_000_000  # the cut cells (~0.8 MB) and one cell at a time, not 40 MB
