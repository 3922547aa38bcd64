"""Reading a selection (shell): the top rows, then only the columns a call needs of the
selected rows (`read_plan`), in the top rows' read when the tab's column memory guessed them.

The invite run (`service.read_selection`) and the status refresh (`refresh.read_status_rows`)
read alike; they differ only in how they find their columns in the header (`find`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from jobmojito_sheets.column_memory import ColumnMemory, TabKey
from jobmojito_sheets.errors import TooLarge
from jobmojito_sheets.layout import HEADER_SEARCH_ROWS, Layout, find_header_row
from jobmojito_sheets.read_plan import (
    Block,
    Cells,
    ColumnGroups,
    any_filled,
    blocks,
    column_groups,
    covers,
    merge_cells,
    readable_guess,
    row_reads,
)
from jobmojito_sheets.selection import Span
from jobmojito_sheets.sheets import SheetsGateway, Tab

# Finds a call's columns in the top rows; its second argument is how many columns from the
# left the rows read may hold something in (new columns go right of them).
LayoutFinder = Callable[[Sequence[Sequence[str]], int], Layout]


def read_selected_cells(
    sheets: SheetsGateway,
    tab: Tab,
    below_top: list[Span],
    selected: set[int],
    *,
    find: LayoutFinder,
    memory: ColumnMemory,
    key: TabKey,
    max_rows: int,
    seed: ColumnGroups | None = None,
) -> tuple[Layout, dict[int, Cells]]:
    """The tab's properties were read already; now its top rows, and the columns `find` says
    the call needs of the selected rows below them (`below_top`): in the same read when the
    columns last read of this tab (`memory`, else `seed`) bring them all, else in more reads.

    Returns the layout and the cells of the `selected` rows (the top rows' included). New
    columns go right of the header's last filled cell when they are empty in every selected
    row, and right of the grid's last column otherwise (where nothing can be overwritten).
    """
    top = min(HEADER_SEARCH_ROWS, tab.row_count)
    guess = readable_guess(memory.get(key) or seed, tab.column_count)
    guessed_spans: list[Span] = []
    if guess and below_top:
        with contextlib.suppress(TooLarge):  # the guess would not fit; the real columns may
            guessed_spans = row_reads(below_top, guess, max_rows)[0]
    guessed: list[Block] = blocks(guessed_spans, guess) if guess else []
    read = sheets.read(tab, [f"1:{top}", *(b.a1 for b in guessed)])
    top_rows = read[0] if read else []
    header_row = find_header_row(top_rows) or 0
    top_widest = max((len(c) for n, c in enumerate(top_rows, 1) if n >= header_row), default=0)
    layout = find(top_rows, top_widest)
    free = [i for i in layout.new_headers if i < tab.column_count]  # where new columns go
    groups = tuple(column_groups([*layout.columns_read(), *free]))
    # The next call on this tab needs the new output columns too, once this one added them.
    memory.put(key, tuple(column_groups([*layout.columns_read(), *layout.new_headers])))
    reads = row_reads(below_top, groups, max_rows)
    cells_by_row: dict[int, Cells] = {
        n: dict(enumerate(cells)) for n, cells in enumerate(top_rows, 1) if n in selected
    }
    if guess and guessed and reads[0] == guessed_spans and covers(guess, groups):
        # The first read brought the first part of the selection too.
        merge_cells(cells_by_row, guessed, read[1:], selected)
        reads = reads[1:]
    for spans_of_read in reads:
        ranges = blocks(spans_of_read, groups)
        merge_cells(cells_by_row, ranges, sheets.read(tab, [r.a1 for r in ranges]), selected)
    if free and any_filled(cells_by_row, free):
        layout = find(top_rows, max(top_widest, tab.column_count))
    return layout, cells_by_row
