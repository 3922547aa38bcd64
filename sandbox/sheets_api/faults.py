"""Google's error answers, the read/write class of each call, and injected faults.

Every refusal the stand-in gives is an ``ApiError``: an HTTP status with Google's
``{"error": {"code", "message", "status"}}`` body, plus a Retry-After header when it has one.

Rules:

- A call is a *write* when it can change a spreadsheet (``WRITE_KINDS``) and a *read*
  otherwise; ``access()`` is the one place that says so. Google meters the two against
  separate per-minute quotas, and a 429 names the metric of the call it refuses.
- ``Faults`` answers chosen calls with an error instead of serving them: a fault matches
  one kind of call (or every call), lets its first ``skip`` matches through, then refuses
  ``remaining`` of them (-1: every one) and is dropped once spent. The earliest matching
  fault decides; a fault still skipping lets the call through without consulting later ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from sandbox.sheets_api.cells import format_number

JSON = dict[str, Any]
Access = Literal["read", "write"]

WRITE_KINDS = frozenset(
    {
        "spreadsheets.batchUpdate",
        "values.update",
        "values.batchUpdate",
        "values.clear",
        "values.batchClear",
    }
)
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
SERVER_ERRORS = {500: "Internal error encountered.", 503: "The service is currently unavailable."}
_CREDENTIALS = (
    "Expected OAuth 2 access token, login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
MISSING_CREDENTIALS = f"Request is missing required authentication credential. {_CREDENTIALS}"
INVALID_CREDENTIALS = f"Request had invalid authentication credentials. {_CREDENTIALS}"


class ApiError(Exception):
    """An error answer: HTTP status, Google's body and, for some faults, a Retry-After."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.retry_after = retry_after

    def body(self) -> JSON:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": format_number(float(self.retry_after))}


def invalid(message: str) -> ApiError:
    """400 INVALID_ARGUMENT, Google's answer to a request it cannot accept."""
    return ApiError(400, message, "INVALID_ARGUMENT")


def unsupported(where: str, what: str) -> ApiError:
    """400 for a request the real API would serve but the stand-in does not implement."""
    return invalid(f"{where}: the stand-in does not support {what}.")


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def access(kind: str) -> Access:
    """Which quota a call of this kind counts against (unrouted calls change nothing: reads)."""
    return "write" if kind in WRITE_KINDS else "read"


def quota_exceeded(kind: str, retry_after: float | None = None) -> ApiError:
    """Google's 429 for a call over its per-user per-minute quota (read or write)."""
    metric = "Read requests" if access(kind) == "read" else "Write requests"
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
        "RESOURCE_EXHAUSTED",
        retry_after,
    )


def injected(kind: str, status: int, retry_after: float | None = None) -> ApiError:
    """The error an injected fault answers with: Google's own body where the stand-in knows it."""
    if status == 429:
        return quota_exceeded(kind, retry_after)
    message = SERVER_ERRORS.get(status, "Injected failure.")
    return ApiError(status, message, STATUS_NAMES.get(status, "UNKNOWN"), retry_after)


@dataclass
class _Fault:
    kind: str | None
    status: int
    remaining: int
    retry_after: float | None
    skip: int


class Faults:
    """The injected faults, earliest first (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []

    def inject(
        self, kind: str | None, status: int, times: int, retry_after: float | None, after: int
    ) -> None:
        if times == 0 or times < -1:
            raise ValueError("times must be positive, or -1 for always")
        with self._lock:
            self._faults.append(_Fault(kind, status, times, retry_after, after))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kind: str) -> ApiError | None:
        """The error to answer this call with, or None to serve it; spends the fault used."""
        with self._lock:
            for fault in self._faults:
                if fault.kind is not None and fault.kind != kind:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                if fault.remaining > 0:
                    fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return injected(kind, fault.status, fault.retry_after)
            return None
