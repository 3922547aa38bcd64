"""When a batch may still start before the call's deadline (a pure rule, and the batch times
it reads, kept for one call)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

# The least time a first batch is given: below it, it would only time out and leave its rows
# pending, so the rows wait for the next call instead.
MIN_BATCH_SECONDS = 1.0
# A later batch starts only with this much more time than the slowest batch so far took.
MARGIN = 1.25


def may_start(left: float, slowest: float | None) -> bool:
    """Whether a batch started now can be expected to finish in the `left` seconds: the first
    one needs MIN_BATCH_SECONDS, a later one the slowest batch's time with a margin."""
    needed = MIN_BATCH_SECONDS if slowest is None else max(MIN_BATCH_SECONDS, slowest * MARGIN)
    return left >= needed


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
