"""One deadline per call: every wait of the run is bounded by the time left before it.

Cloud Run ends a request at its timeout (60 s in our deploy) and UrlFetchApp gives up at about
60 s; what the function does after that is never answered. So a call answers within
`DEADLINE_SECONDS` of the request's arrival, whatever JobMojito and Sheets do: each network
wait gets at most the time left less the time reserved for the last write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """`seconds` after `started` (a reading of `clock`); `reserve` is kept for the last write."""

    started: float
    seconds: float
    reserve: float
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @classmethod
    def after(
        cls, seconds: float, *, started: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Deadline:  # fmt: skip
        """A deadline `seconds` from `started` (now by default), reserving a tenth of it
        (at most 5 s) for the last write."""
        return cls(clock() if started is None else started, seconds, min(5.0, seconds / 10), clock)

    def left(self) -> float:
        """Seconds left before the deadline itself (never below zero)."""
        return max(0.0, self.started + self.seconds - self.clock())

    def left_for_work(self) -> float:
        """Seconds left before the reserve for the last write begins."""
        return max(0.0, self.left() - self.reserve)

    def timeout(self, cap: float, *, final: bool = False) -> float:
        """The timeout of one network call: at most `cap`, and it ends before the reserve
        (or, for the last write, before the deadline itself)."""
        return max(0.0, min(cap, self.left() if final else self.left_for_work()))
