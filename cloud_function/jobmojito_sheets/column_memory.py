"""The columns each tab's selection was last read in, kept to save a Sheets read next time.

The run reads a tab's header rows, then the columns they name for the selected rows: two
reads. The same tab's next call (a continuation, a rerun) almost always needs the same
columns, so the function asks for them in the header rows' read, and checks the guess against
the header it gets back: a right guess saves a read of the recruiter's per-minute quota, a
wrong one costs the second read as before. Only column indexes are kept, never a cell, for at
most `MAX_TABS` tabs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_TABS = 512

TabKey = tuple[str, int]  # spreadsheet ID, the tab's gid
Groups = tuple[tuple[int, int], ...]  # runs of adjacent 0-based column indexes


class ColumnMemory:
    """A bounded, thread-safe map from a tab to the column groups last read of it."""

    def __init__(self, size: int = MAX_TABS) -> None:
        self._size = size
        self._groups: OrderedDict[TabKey, Groups] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: TabKey) -> Groups | None:
        with self._lock:
            groups = self._groups.get(key)
            if groups is not None:
                self._groups.move_to_end(key)
            return groups

    def put(self, key: TabKey, groups: Groups) -> None:
        with self._lock:
            self._groups[key] = groups
            self._groups.move_to_end(key)
            while len(self._groups) > self._size:
                self._groups.popitem(last=False)
