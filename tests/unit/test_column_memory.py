"""The columns last read per tab: bounded, newest kept."""

from __future__ import annotations

from jobmojito_sheets.column_memory import ColumnMemory


def test_the_last_columns_of_each_tab_are_kept_and_the_oldest_tab_forgotten() -> None:
    memory = ColumnMemory(size=2)
    memory.put(("1A", 0), ((0, 1),))
    memory.put(("1B", 0), ((2, 3),))
    assert memory.get(("1A", 0)) == ((0, 1),)  # now the most recently used
    memory.put(("1C", 5), ((4, 4),))
    assert memory.get(("1B", 0)) is None
    assert memory.get(("1A", 0)) == ((0, 1),) and memory.get(("1C", 5)) == ((4, 4),)
    memory.put(("1A", 0), ((0, 2),))
    assert memory.get(("1A", 0)) == ((0, 2),)
    assert memory.get(("1A", 1)) is None  # another tab of the same spreadsheet
