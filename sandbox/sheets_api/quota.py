"""Google's per-minute Sheets API quotas: reads and writes, per user and per project.

Figures and rules from developers.google.com/workspace/sheets/api/limits and Google's own 429
answers (see /work/shared/google-limits.md):

- Every call that gets past authentication counts once against a *read* or a *write* quota
  (``faults.access()`` says which), whatever it holds: a batch call counts as one request.
- Each class has two limits: per user per project (60 a minute) and per project, all users
  together (300 a minute). The user is the access token's owner, the project the one behind
  the token's OAuth client.
- The window is rolling: a call is refused when its user (or project) already made ``limit``
  calls of its class within the last ``window`` seconds. Google speaks of quotas "refilled every
  minute"; a rolling minute is the stricter reading, so code that lives within it lives within
  Google's.
- A refused call is not counted. Google's own example ("if your app sends 350 requests in one
  minute, the additional 50 requests exceed the quota") treats refusals as outside the quota,
  and "after 1 minute, you can execute requests again" holds only if retrying does not keep the
  window full.
- The per-user limit is checked first: a call over both names the per-user limit.
- Every refusal is kept in ``refusals`` (until ``reset()``), so tests and the benchmark can
  count the 429s met and which limit each hit.
- ``enabled = False`` lets every call through and counts nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Literal

from sandbox.sheets_api.faults import Access, ApiError, access, quota_exceeded

Scope = Literal["user", "project"]
SCOPES: tuple[Scope, ...] = ("user", "project")


@dataclass(frozen=True)
class QuotaLimits:
    """How many calls of each class one user and one project may make per ``window`` seconds."""

    reads_per_user: int = 60
    writes_per_user: int = 60
    reads_per_project: int = 300
    writes_per_project: int = 300
    window: float = 60.0

    def __post_init__(self) -> None:
        counts = (
            self.reads_per_user,
            self.writes_per_user,
            self.reads_per_project,
            self.writes_per_project,
        )
        if min(counts) < 0 or self.window <= 0:
            raise ValueError("quota limits must be >= 0 and the window > 0 seconds")

    def limit(self, scope: Scope, kind: Access) -> int:
        if scope == "user":
            return self.reads_per_user if kind == "read" else self.writes_per_user
        return self.reads_per_project if kind == "read" else self.writes_per_project


REAL_LIMITS = QuotaLimits()


@dataclass(frozen=True)
class QuotaRefusal:
    """One call refused with 429 because a quota was spent."""

    kind: str
    user: str
    project: str
    access: Access
    quota_limit: str  # Google's name, e.g. "ReadRequestsPerMinutePerUser"
    at: float  # time.monotonic()


class Quota:
    """The rolling windows of every user and project (thread-safe)."""

    def __init__(self, limits: QuotaLimits | None = REAL_LIMITS) -> None:
        self.enabled = limits is not None
        self.limits = limits if limits is not None else REAL_LIMITS
        self.refusals: list[QuotaRefusal] = []
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, ...], deque[float]] = {}

    def configure(self, limits: QuotaLimits | None = None, **changes: Any) -> None:
        """Replace the limits (``limits``, then any field by name, e.g. ``window=2.0``).
        Calls already counted stay counted, against the new limits."""
        base = limits if limits is not None else self.limits
        updated = replace(base, **changes)
        with self._lock:
            self.limits = updated

    def reset(self) -> None:
        """Empty every window and forget the refusals: a fresh minute for everyone."""
        with self._lock:
            self._calls.clear()
            self.refusals.clear()

    def charge(self, kind: str, user: str, project: str) -> ApiError | None:
        """Count a call, or return the 429 that refuses it (and count nothing)."""
        if not self.enabled:
            return None
        klass = access(kind)
        with self._lock:
            now = time.monotonic()
            for scope in SCOPES:
                limit = self.limits.limit(scope, klass)
                if len(self._window(scope, klass, user, project, now)) >= limit:
                    error = quota_exceeded(kind, project, scope, limit)
                    name = _limit_name(klass, scope)
                    self.refusals.append(QuotaRefusal(kind, user, project, klass, name, now))
                    return error
            for scope in SCOPES:
                self._window(scope, klass, user, project, now).append(now)
            return None

    def spend(self, user: str, project: str, *, reads: int = 0, writes: int = 0) -> None:
        """Count calls as made just now by ``user`` (say, by another tool on the same project),
        whatever the limits."""
        with self._lock:
            now = time.monotonic()
            counts: list[tuple[Access, int]] = [("read", reads), ("write", writes)]
            for klass, count in counts:
                for scope in SCOPES:
                    self._window(scope, klass, user, project, now).extend([now] * count)

    def used(self, kind: Access, *, project: str, user: str | None = None) -> int:
        """Calls of this class counted in the current window: the user's, or the project's."""
        with self._lock:
            scope: Scope = "project" if user is None else "user"
            return len(self._window(scope, kind, user or "", project, time.monotonic()))

    def _window(
        self, scope: Scope, kind: Access, user: str, project: str, now: float
    ) -> deque[float]:
        key = (scope, kind, project, user) if scope == "user" else (scope, kind, project)
        calls = self._calls.setdefault(key, deque())
        start = now - self.limits.window
        while calls and calls[0] <= start:
            calls.popleft()
        return calls


def _limit_name(kind: Access, scope: Scope) -> str:
    return f"{kind.capitalize()}RequestsPerMinutePer{scope.capitalize()}"
