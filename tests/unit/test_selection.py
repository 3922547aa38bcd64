"""Selection rules: which sheet rows A1 ranges touch, checked against the tab's grid."""

from __future__ import annotations

import time

import pytest
from jobmojito_sheets.errors import BadRequest
from jobmojito_sheets.selection import (
    clip_spans,
    coalesce_spans,
    merge_spans,
    plan_reads,
    row_spans,
    rows_as_ranges,
    rows_in,
    rows_of_range,
    selected_rows,
    selected_spans,
    span_rows,
)

ROWS, COLUMNS = 20, 5


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("A2:B10", 2, 10),
        ("C15", 15, 15),
        ("4:7", 4, 7),
        ("$A$2", 2, 2),
        ("$A$2:$B$3", 2, 3),
        ("B10:A2", 2, 10),
        ("7:4", 4, 7),
        ("a2:b3", 2, 3),
        (" A2 ", 2, 2),
        ("B:B", 1, ROWS),
        ("A:E", 1, ROWS),
        ("E20", 20, 20),
        ("A2:B", 2, ROWS),
    ],
)
def test_rows_of_range(text: str, first: int, last: int) -> None:
    assert rows_of_range(text, ROWS, COLUMNS) == range(first, last + 1)


@pytest.mark.parametrize(
    "text",
    [
        # unparsable
        "A",
        "Sheet1!A1",
        "1:0",
        "A0",
        "",
        "   ",
        "A1:B2:C3",
        "AAAA1",
        "A-1",
        "R1C1",
        # outside the 20 x 5 grid
        "A21",
        "F1",
        "A1:F2",
        "B:F",
        "21:22",
        "A25:A2",
    ],
)
def test_bad_range_is_rejected(text: str) -> None:
    with pytest.raises(BadRequest) as caught:
        rows_of_range(text, ROWS, COLUMNS)
    assert caught.value.code == "invalid_range"
    assert caught.value.status == 400
    assert repr(text) in caught.value.message


def test_selected_rows_once_each_in_sheet_order() -> None:
    assert selected_rows(["C12", "A2:B5", "4:7", "C3", "B5"], ROWS, COLUMNS) == [
        2,
        3,
        4,
        5,
        6,
        7,
        12,
    ]


def test_selected_rows_whole_column_is_bounded_by_grid() -> None:
    assert selected_rows(["B:B"], 3, COLUMNS) == [1, 2, 3]


def test_selected_rows_one_bad_range_rejects_all() -> None:
    with pytest.raises(BadRequest) as caught:
        selected_rows(["A2:B3", "Z99"], ROWS, COLUMNS)
    assert caught.value.code == "invalid_range"


@pytest.mark.parametrize(
    ("rows", "spans"),
    [
        ([], []),
        ([4], [(4, 4)]),
        ([2, 3, 4], [(2, 4)]),
        ([2, 3, 5, 7, 8, 9], [(2, 3), (5, 5), (7, 9)]),
    ],
)
def test_row_spans(rows: list[int], spans: list[tuple[int, int]]) -> None:
    assert row_spans(rows) == spans


@pytest.mark.parametrize(
    ("rows", "ranges"),
    [
        ([], []),
        ([5], ["5:5"]),
        ([5, 6, 7, 8, 9], ["5:9"]),
        ([9, 2, 3, 4, 7], ["2:4", "7:7", "9:9"]),
    ],
)
def test_rows_as_ranges(rows: list[int], ranges: list[str]) -> None:
    assert rows_as_ranges(rows) == ranges


def test_rows_as_ranges_round_trips_through_selected_rows() -> None:
    rows = [2, 3, 4, 9, 11, 12]
    assert selected_rows(rows_as_ranges(rows), ROWS, COLUMNS) == rows


@pytest.mark.parametrize("text", ["2:B", "B:2", "B2:3", "3:B2", "15"])
def test_a_row_against_a_column_is_not_a_range(text: str) -> None:
    with pytest.raises(BadRequest) as caught:
        rows_of_range(text, 13, 6)
    assert caught.value.code == "invalid_range"


def test_coalesce_spans_bridges_the_smallest_gaps() -> None:
    spans = [(2, 3), (5, 5), (20, 21), (23, 23), (90, 90)]
    assert coalesce_spans(spans, 10) == spans
    assert coalesce_spans(spans, 3) == [(2, 5), (20, 23), (90, 90)]
    assert coalesce_spans(spans, 1) == [(2, 90)]


def test_coalesced_spans_still_cover_every_row() -> None:
    rows = list(range(6, 3000, 2))  # every other row, as a filter leaves them
    spans = coalesce_spans(row_spans(rows), 50)
    assert len(spans) == 50
    assert all(any(a <= r <= b for a, b in spans) for r in rows)


# -- counting from the bounds ----------------------------------------------------------------

TALL = 9_999_999


def test_spans_are_merged_from_the_ranges_bounds() -> None:
    ranges = ["C12", "A2:B5", "4:7", "C3", "B5", "9:10", "11:11"]
    assert selected_spans(ranges, ROWS, COLUMNS) == [(2, 7), (9, 12)]
    assert span_rows(selected_spans(ranges, ROWS, COLUMNS)) == 10
    assert rows_in([(2, 4), (9, 9)]) == [2, 3, 4, 9]


def test_merge_spans_joins_overlapping_and_adjacent_spans() -> None:
    assert merge_spans([(5, 9), (1, 2), (3, 3), (8, 12), (20, 20)]) == [(1, 3), (5, 12), (20, 20)]
    assert merge_spans([(4, 4), (1, 3)]) == [(1, 4)]
    assert merge_spans([]) == []


def test_ten_million_rows_are_counted_without_listing_them() -> None:
    started = time.perf_counter()
    spans = selected_spans(["1:9999999"] * 1000, TALL, 1)
    assert spans == [(1, TALL)] and span_rows(spans) == TALL
    assert span_rows(clip_spans(spans, 6)) == TALL - 5
    scattered = selected_spans([f"{n}:{n + 5000}" for n in range(1, 9_000_000, 9000)], TALL, 1)
    assert len(scattered) == 1000 and span_rows(scattered) == 1000 * 5001
    assert time.perf_counter() - started < 0.5


def test_clip_spans_keeps_the_rows_from_the_first_row_down() -> None:
    assert clip_spans([(1, 3), (4, 8), (10, 12)], 6) == [(6, 8), (10, 12)]
    assert clip_spans([(1, 5)], 6) == []


def test_plan_reads_bridges_small_gaps_into_one_read() -> None:
    spans = [(r, r) for r in range(6, 306, 2)]  # every other row, as a filter leaves them
    reads = plan_reads(spans, per_read=10, max_reads=4, bridge_rows=1000)
    assert reads is not None and len(reads) == 1 and len(reads[0]) <= 10
    assert all(any(a <= r <= b for a, b in reads[0]) for r in rows_in(spans))


def test_plan_reads_never_bridges_more_rows_than_allowed() -> None:
    spans = [(10, 10), (20, 20), (1_000_000, 1_000_000), (2_000_000, 2_000_001)]
    reads = plan_reads(spans, per_read=2, max_reads=4, bridge_rows=100)
    assert reads is not None
    flat = [span for read in reads for span in read]
    assert span_rows(flat) - span_rows(spans) <= 100
    assert (10, 20) in flat and len(reads) == 2


def test_plan_reads_gives_up_when_the_blocks_need_too_many_reads() -> None:
    far = [(n, n) for n in range(10, 10_000_000, 100_000)]  # 100 blocks far apart
    assert plan_reads(far, per_read=6, max_reads=4, bridge_rows=50_000) is None
    assert plan_reads([], per_read=6, max_reads=4, bridge_rows=0) == []
