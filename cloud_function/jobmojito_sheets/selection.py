"""Which sheet rows a selection touches: A1 ranges in, row spans out (pure).

The work grows with the number of ranges (at most 1,000), never with the rows they name:
each range is reduced to its bounds, the bounds are merged into spans, and rows are counted
from the spans, so `"1:9999999"` costs what `"2:3"` does. A list of row numbers is made only
once the count is known to be within MAX_ROWS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gspread.utils import a1_range_to_grid_range

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import BadRequest

_CELL, _COLUMN, _ROW = r"[A-Z]{1,3}\d{1,7}", r"[A-Z]{1,3}", r"\d{1,7}"
# A cell ("C15"), cells ("A2:B10"), columns ("A:B", "A2:B" open-ended) or rows ("4:7");
# a row on one side and a column on the other ("2:B") is not A1 notation.
_A1 = re.compile(
    rf"^(?:{_CELL}|{_CELL}:{_CELL}|{_COLUMN}:{_COLUMN}|{_ROW}:{_ROW}"
    rf"|{_CELL}:{_COLUMN}|{_COLUMN}:{_CELL})$"
)


def _bad_range(text: str, why: str) -> BadRequest:
    return BadRequest(
        f"The selected range {text!r} {why}; select the rows again.", code=ErrorCode.INVALID_RANGE
    )


def _ordered(start: int, end: int) -> tuple[int, int]:
    """A grid interval with its ends in order, as Sheets reads "B10:A2" as A2:B10."""
    if start >= end:  # the two corners were given the other way round
        return end - 1, start + 1
    return start, end


def rows_of_range(text: str, row_count: int, column_count: int) -> range:
    """Rows (1-based) that one A1 range touches, checked against the tab's grid."""
    a1 = text.strip().upper().replace("$", "")
    if not _A1.match(a1):
        raise _bad_range(text, "is not an A1 range such as A2:B10, C15 or 4:7")
    if re.search(r"(?<![0-9])0", a1):
        raise _bad_range(text, "names row 0; rows start at 1")
    grid = a1_range_to_grid_range(a1)
    start, end = _ordered(grid.get("startRowIndex", 0), grid.get("endRowIndex", row_count))
    _, end_col = _ordered(grid.get("startColumnIndex", 0), grid.get("endColumnIndex", column_count))
    if end > row_count or end_col > column_count:
        raise _bad_range(
            text, f"is outside the tab, which has {row_count} rows and {column_count} columns"
        )
    return range(start + 1, end + 1)


Span = tuple[int, int]  # first and last row, inclusive


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted, with overlapping and adjacent ones joined."""
    merged: list[Span] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def selected_spans(ranges: Iterable[str], row_count: int, column_count: int) -> list[Span]:
    """The rows the ranges touch, as merged spans, from the ranges' bounds only."""
    spans = []
    for text in ranges:
        rows = rows_of_range(text, row_count, column_count)
        if rows:
            spans.append((rows.start, rows.stop - 1))
    return merge_spans(spans)


def span_rows(spans: Iterable[Span]) -> int:
    """How many rows the (merged) spans hold."""
    return sum(last - first + 1 for first, last in spans)


def clip_spans(spans: Iterable[Span], first_row: int) -> list[Span]:
    """The part of the spans from `first_row` down."""
    return [(max(a, first_row), b) for a, b in spans if b >= first_row]


def rows_in(spans: Iterable[Span]) -> list[int]:
    """Every row of the spans; only for spans whose rows were counted first (`span_rows`)."""
    return [row for first, last in spans for row in range(first, last + 1)]


def selected_rows(ranges: Iterable[str], row_count: int, column_count: int) -> list[int]:
    """Every row any range touches, once, in sheet order (count them first: `span_rows`)."""
    return rows_in(selected_spans(ranges, row_count, column_count))


def plan_reads(
    spans: Sequence[Span], *, per_read: int, max_reads: int, bridge_rows: int
) -> list[list[Span]] | None:
    """Group the spans into reads of at most `per_read` spans each, or None when that needs
    more than `max_reads` reads.

    Gaps are bridged, smallest first, while the spans do not fit one read and the bridged rows
    (read and ignored) stay within `bridge_rows`, so a selection split around filtered rows is
    one read without a few far-apart rows making the function read the whole tab.
    """
    spans = merge_spans(spans)
    if not spans:
        return []
    gaps = sorted(range(1, len(spans)), key=lambda i: spans[i][0] - spans[i - 1][1])
    bridged: set[int] = set()
    spent = 0
    for i in gaps:
        if len(spans) - len(bridged) <= per_read:
            break
        gap = spans[i][0] - spans[i - 1][1] - 1
        if spent + gap > bridge_rows:
            break
        bridged.add(i)
        spent += gap
    joined: list[Span] = [spans[0]]
    for i in range(1, len(spans)):
        if i in bridged:
            joined[-1] = (joined[-1][0], spans[i][1])
        else:
            joined.append(spans[i])
    reads = [joined[i : i + per_read] for i in range(0, len(joined), per_read)]
    return reads if len(reads) <= max_reads else None


def row_spans(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted row numbers, as inclusive (first, last) pairs."""
    spans: list[tuple[int, int]] = []
    for row in rows:
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    return spans


def coalesce_spans(spans: Sequence[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """At most `limit` spans covering the given ones, by bridging the smallest gaps.

    A selection split around hundreds of filtered rows would otherwise make a read request
    with hundreds of ranges in its URL; the bridged rows are read and ignored.
    """
    if len(spans) <= limit:
        return list(spans)
    gaps = sorted(range(1, len(spans)), key=lambda i: spans[i][0] - spans[i - 1][1])
    cuts = sorted(gaps[len(gaps) - (limit - 1) :]) if limit > 1 else []
    merged, start = [], 0
    for cut in [*cuts, len(spans)]:
        merged.append((spans[start][0], spans[cut - 1][1]))
        start = cut
    return merged


def rows_as_ranges(rows: Sequence[int]) -> list[str]:
    """Rows written back as whole-row A1 ranges ("5:9"), the form the Apps Script resends."""
    return [f"{first}:{last}" for first, last in row_spans(sorted(rows))]


def take_rows(spans: Sequence[Span], count: int) -> tuple[list[Span], list[Span]]:
    """The first `count` rows of the (merged) spans, and the spans of the rows after them."""
    taken: list[Span] = []
    rest: list[Span] = []
    left = count
    for first, last in spans:
        if left <= 0:
            rest.append((first, last))
        elif last - first + 1 <= left:
            taken.append((first, last))
            left -= last - first + 1
        else:
            taken.append((first, first + left - 1))
            rest.append((first + left, last))
            left = 0
    return taken, rest
