"""Only the needed columns of the selected rows are read, and kept sparse."""

from __future__ import annotations

from jobmojito_sheets.layout import find_layout
from jobmojito_sheets.read_plan import Block, any_filled, blocks, column_groups, merge_cells


def test_adjacent_columns_are_one_group() -> None:
    assert column_groups([4, 0, 1, 2, 6, 7, 1]) == [(0, 2), (4, 4), (6, 7)]
    assert column_groups([]) == []


def test_each_span_is_read_once_per_column_group() -> None:
    read = blocks([(6, 9), (12, 12)], [(0, 1), (5, 5)])
    assert [b.a1 for b in read] == ["A6:B9", "F6:F9", "A12:B12", "F12:F12"]
    assert Block(2, 3, 26, 27).a1 == "AA2:AB3"


def test_layout_reads_inputs_and_existing_outputs_only() -> None:
    top = [["Notes", "Name", "Email", "Long CV", "Result", "Candidate ID"]]
    layout = find_layout(top, widest_row=6)
    assert layout.columns_read() == [1, 2, 4, 5]  # not the notes, not the CV
    split = find_layout([["First name", "x", "Last name", "Email"]], widest_row=4)
    assert split.columns_read() == [0, 2, 3]


def test_cells_come_back_sparse_for_the_wanted_rows_only() -> None:
    read = blocks([(6, 9)], [(0, 1), (4, 4)])
    values = [
        [["Ann", "ann@x.com"], [], ["Bob", "bob@x.com", "spill"], ["Cy"]],  # A6:B9
        [["ok"], [""], ["Pending (run 1)"]],  # E6:E9, trailing rows left out by the API
    ]
    cells: dict[int, dict[int, str]] = {}
    merge_cells(cells, read, values, wanted=[6, 8, 9])
    assert cells == {
        6: {0: "Ann", 1: "ann@x.com", 4: "ok"},
        8: {0: "Bob", 1: "bob@x.com", 4: "Pending (run 1)"},
        9: {0: "Cy"},
    }
    assert any_filled(cells, [4]) and not any_filled(cells, [2, 3])
