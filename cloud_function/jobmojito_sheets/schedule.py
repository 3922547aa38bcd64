"""When a batch may still start before the call's deadline, and when the results waiting are
written while batches are under way (pure rules; and the batch times they read, kept for one
call)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

# The least time a first batch is given: below it, it would only time out and leave its rows
# pending, so the rows wait for the next call instead.
MIN_BATCH_SECONDS = 1.0
# A later batch starts only with this much more time than the slowest batch so far took.
MARGIN = 1.25
# Rows of results that, once the last batches are under way, are written while those run.
EARLY_FLUSH_ROWS = 1000
# A call sending more rows than this marks its first wave pending and sends it before it marks
# the rest, which it then does while that wave is under way.
FIRST_WAVE_ALONE_ROWS = 2000

Batch = TypeVar("Batch")


def may_start(left: float, slowest: float | None) -> bool:
    """Whether a batch started now can be expected to finish in the `left` seconds: the first
    one needs MIN_BATCH_SECONDS, a later one the slowest batch's time with a margin."""
    needed = MIN_BATCH_SECONDS if slowest is None else max(MIN_BATCH_SECONDS, slowest * MARGIN)
    return left >= needed


def turns(
    batches: Sequence[Batch], concurrency: int, rows: int, *, covered: bool
) -> list[list[Batch]]:
    """The turns that mark a call's batches pending (each turn one read and one write, ahead
    of sending its batches): one turn for them all; or, when the call sends more than
    FIRST_WAVE_ALONE_ROWS `rows` and the balance `covered` them all, the first wave
    (`concurrency` batches) alone, then the rest.

    So JobMojito starts on the first wave without waiting for the claims, the locating and
    the markers of thousands of rows more (0.1 to 0.2 s at 5,000 rows), which are made while
    it works, for one Sheets read and one write more. Every row is still marked before its
    batch is sent. A balance that may not cover the call keeps one turn: a run the balance
    cannot pay for is refused whole, before anything is sent."""
    if rows <= FIRST_WAVE_ALONE_ROWS or not covered or len(batches) <= concurrency:
        return [list(batches)] if batches else []
    return [list(batches[:concurrency]), list(batches[concurrency:])]


def flush_due(
    waiting: int, since_last: float, interval: float, *, last_wave: bool, early_done: bool
) -> bool:
    """Whether the `waiting` rows of results are written now, while batches are still under
    way: at most every `interval` seconds (each write costs a read and a write of the
    recruiter's quota); and once more when only the last batches are under way (none waits
    to start) and at least EARLY_FLUSH_ROWS rows wait, so that the call's last write, made
    after the last answer while the recruiter waits, holds only those batches' rows."""
    if waiting == 0:
        return False
    if since_last >= interval:
        return True
    return last_wave and not early_done and waiting >= EARLY_FLUSH_ROWS


@dataclass
class BatchTimes:
    """How long this call's batches took, shared by the threads that send them."""

    slowest: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def may_start(self, left: float) -> bool:
        with self._lock:
            return may_start(left, self.slowest)

    def record(self, seconds: float) -> None:
        with self._lock:
            self.slowest = seconds if self.slowest is None else max(self.slowest, seconds)
