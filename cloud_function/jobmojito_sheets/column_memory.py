"""The columns each tab's selection was last read in, kept to save a Sheets read next time.

The run reads a tab's header rows, then the columns they name for the selected rows: two
reads. The same tab's next call (a continuation, a rerun) almost always needs the same
columns, so the function asks for them in the header rows' read, and checks the guess against
the header it gets back: a right guess saves a read of the recruiter's per-minute quota, a
wrong one costs the second read as before. Only column indexes are kept, never a cell, for at
most `MAX_TABS` tabs.
"""

from __future__ import annotations

from jobmojito_sheets.recent import Recent

MAX_TABS = 512

TabKey = tuple[str, int]  # spreadsheet ID, the tab's gid
Groups = tuple[tuple[int, int], ...]  # runs of adjacent 0-based column indexes


class ColumnMemory(Recent[TabKey, Groups]):
    """A bounded, thread-safe map from a tab to the column groups last read of it."""

    def __init__(self, size: int = MAX_TABS) -> None:
        super().__init__(size)
