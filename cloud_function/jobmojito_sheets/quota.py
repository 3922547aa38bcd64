"""Sheets calls paced within the per-user quota (60 reads and 60 writes a minute).

Google counts a recruiter's Sheets reads and writes per minute on the Apps Script's Cloud
project, shared with every other tool of that recruiter. The function keeps each caller's
reads and writes, each, to `per_minute` (48 by default: room to spare for the rest) in any
rolling minute, so its own calls never cause a 429. The window rule is pure (`wait_for`);
one `Pacer` serves one call. A call lasts at most its deadline and the script's calls follow
one another, so any minute holds at most one call's worth plus the few calls that start the
next one.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from enum import StrEnum

WINDOW_SECONDS = 60.0  # Google's quota refills each minute (SHEETS_QUOTA_WINDOW_SECONDS)


class CallKind(StrEnum):
    READ = "read"
    WRITE = "write"


def wait_for(
    times: Sequence[float], now: float, per_minute: int, window: float = WINDOW_SECONDS
) -> float:
    """Seconds to wait before one more call, given the times of earlier calls (oldest first):
    none while fewer than `per_minute` fall in the last `window` seconds (the quota's
    minute), else until the oldest of the last `per_minute` leaves it."""
    recent = [t for t in times if now - t < window]
    if len(recent) < per_minute:
        return 0.0
    return max(0.0, recent[-per_minute] + window - now)


class QuotaWaitTooLong(Exception):
    """The next call would have to wait past what the caller may wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the next Sheets call must wait {seconds:.1f} s")
        self.seconds = seconds


class Pacer:
    """Paces one caller's Sheets calls of each kind within `per_minute` in any `window`
    seconds: Google's quota window, a minute, which tests scale down."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        *,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._times: dict[CallKind, deque[float]] = {k: deque(maxlen=per_minute) for k in CallKind}
        self._lock = threading.Lock()

    def acquire(self, kind: CallKind, may_wait: float) -> None:
        """Wait for a slot (at most `may_wait` seconds, else raise) and take it."""
        with self._lock:
            times = self._times[kind]
            delay = wait_for(times, self._clock(), self.per_minute, self.window)
            if delay > may_wait:
                raise QuotaWaitTooLong(delay)
            if delay > 0:
                self._sleep(delay)
            times.append(self._clock())
