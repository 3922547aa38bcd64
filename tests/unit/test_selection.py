"""Selection rules: which sheet rows A1 ranges touch, checked against the tab's grid."""

from __future__ import annotations

import pytest
from jobmojito_sheets.errors import BadRequest
from jobmojito_sheets.selection import (
    coalesce_spans,
    row_spans,
    rows_as_ranges,
    rows_of_range,
    selected_rows,
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
