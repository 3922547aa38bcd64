"""A `values.batchGet` answer read as it arrives, each cell kept only as far as it is needed.

A Sheets cell holds up to 50,000 characters; 5,000 rows of two such cells are an answer of
500 MB, which the function could never hold (the deploy gives it 512 MiB). So the answer is
parsed as a stream (ijson, on its C backend): one cell at a time is whole in memory, and a
cell longer than `cell_limit` is kept as its first `cell_limit` characters, which is enough
for every rule that reads it (a name or email over 1,000 characters is refused, a result
text over 1,000 characters is never put back, `plan`). Memory grows with the rows read times
`cell_limit`, never with what the cells hold.
"""

from __future__ import annotations

from typing import Any, Protocol

import ijson


class Readable(Protocol):
    """A byte stream read in chunks (a file, or an HTTP answer's raw body)."""

    def read(self, size: int = -1, /) -> bytes: ...


Values = list[list[list[str]]]  # per value range, its rows, each a list of cell texts

_CELL = "valueRanges.item.values.item.item"
_ROW = "valueRanges.item.values.item"
_RANGE = "valueRanges.item"
_SCALARS = frozenset({"string", "number", "boolean"})


def _text(event: str, value: Any) -> str:
    if event == "boolean":
        return "TRUE" if value else "FALSE"
    return str(value)


def read_value_ranges(stream: Readable, cell_limit: int) -> Values:
    """The value ranges of a `values.batchGet` answer, in order, every cell cut to at most
    `cell_limit` characters. The answer is read from `stream` in chunks, never whole."""
    ranges: Values = []
    row: list[str] = []
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if prefix == _RANGE and event == "start_map":
            ranges.append([])
        elif prefix == _ROW and event == "start_array":
            row = []
        elif prefix == _ROW and event == "end_array":
            ranges[-1].append(row)
        elif prefix == _CELL and event in _SCALARS:
            row.append(_text(event, value)[:cell_limit])
        elif prefix == _CELL and event == "null":
            row.append("")
    return ranges
