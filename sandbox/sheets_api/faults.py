"""Google's error answers, the read/write class of each call, and injected faults.

Every refusal the stand-in gives is an ``ApiError``: an HTTP status with Google's
``{"error": {"code", "message", "status"}}`` body (plus ``details`` where Google sends them),
and a Retry-After header when it has one.

Rules:

- A call is a *write* when it can change a spreadsheet (``WRITE_KINDS``) and a *read*
  otherwise; ``access()`` is the one place that says so. Google meters the two against
  separate per-minute quotas, and a 429 names the metric and the limit of the call it refuses,
  in its message and in a ``google.rpc.ErrorInfo`` detail (``quota_exceeded()``).
- A 403 has three forms, each with its own fix for the user: no access to the spreadsheet
  ("The caller does not have permission"), the Sheets API disabled on the token's project
  (``SERVICE_DISABLED``) and a token without the Sheets scope
  (``ACCESS_TOKEN_SCOPE_INSUFFICIENT``); ``forbidden()`` builds each.
- ``Faults`` answers chosen calls with an error instead of serving them: a fault matches
  one kind of call (or every call), lets its first ``skip`` matches through, then refuses
  ``remaining`` of them (-1: every one) and is dropped once spent. The earliest matching
  fault decides; a fault still skipping lets the call through without consulting later ones.
- Delays follow the same matching rules, separately from the errors: a matching call waits
  the delay's seconds, then is served as usual.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

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
NO_PERMISSION = "The caller does not have permission"
SERVICE = "sheets.googleapis.com"
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
FORBIDDEN_REASONS = frozenset({"SERVICE_DISABLED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
# The RPC behind each call, as an ACCESS_TOKEN_SCOPE_INSUFFICIENT detail names it.
METHODS = {
    "spreadsheets.get": "GetSpreadsheet",
    "spreadsheets.batchUpdate": "BatchUpdateSpreadsheet",
    "values.get": "GetValues",
    "values.batchGet": "BatchGetValues",
    "values.update": "UpdateValues",
    "values.batchUpdate": "BatchUpdateValues",
    "values.clear": "ClearValues",
    "values.batchClear": "BatchClearValues",
}


class ApiError(Exception):
    """An error answer: HTTP status, Google's body and, for some faults, a Retry-After."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        retry_after: float | None = None,
        details: list[JSON] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.retry_after = retry_after
        self.details = details

    def body(self) -> JSON:
        error: JSON = {"code": self.code, "message": self.message, "status": self.status}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}

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


def quota_exceeded(
    kind: str,
    project: str,
    scope: Literal["user", "project"] = "user",
    limit_value: int = 60,
    retry_after: float | None = None,
) -> ApiError:
    """Google's 429 for a call over a per-minute quota: its class (read or write) and the
    limit it hit, per user (per project) or per project, as gspread and gargle recorded it."""
    klass = access(kind)
    metric = "Read requests" if klass == "read" else "Write requests"
    limit = f"{metric} per minute per user" if scope == "user" else f"{metric} per minute"
    quota_limit = f"{klass.capitalize()}RequestsPerMinutePer{scope.capitalize()}"
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service "
        f"'{SERVICE}' for consumer 'project_number:{project}'.",
        "RESOURCE_EXHAUSTED",
        retry_after,
        [
            {
                "@type": ERROR_INFO,
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_metric": f"{SERVICE}/{klass}_requests",
                    "quota_limit": quota_limit,
                    "quota_limit_value": str(limit_value),
                    "consumer": f"projects/{project}",
                    "service": SERVICE,
                },
            }
        ],
    )


def forbidden(
    kind: str, project: str, reason: str | None = None, retry_after: float | None = None
) -> ApiError:
    """Google's 403: no access to the spreadsheet (reason None), the Sheets API disabled on the
    token's project (SERVICE_DISABLED), or a token without the Sheets scope
    (ACCESS_TOKEN_SCOPE_INSUFFICIENT)."""
    if reason is None:
        return ApiError(403, NO_PERMISSION, "PERMISSION_DENIED", retry_after)
    if reason == "SERVICE_DISABLED":
        url = f"https://console.developers.google.com/apis/api/{SERVICE}/overview?project={project}"
        message = (
            f"Google Sheets API has not been used in project {project} before or it is "
            f"disabled. Enable it by visiting {url} then retry. If you enabled this API "
            "recently, wait a few minutes for the action to propagate to our systems and retry."
        )
        details: list[JSON] = [
            {
                "@type": ERROR_INFO,
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {
                    "consumer": f"projects/{project}",
                    "service": SERVICE,
                    "activationUrl": url,
                    "containerInfo": project,
                    "serviceTitle": "Google Sheets API",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": message,
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": "Google developers console API activation", "url": url}],
            },
        ]
        return ApiError(403, message, "PERMISSION_DENIED", retry_after, details)
    if reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
        method = f"google.apps.sheets.v4.SpreadsheetsService.{METHODS.get(kind, 'Unknown')}"
        details = [
            {
                "@type": ERROR_INFO,
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {"service": SERVICE, "method": method},
            }
        ]
        return ApiError(
            403,
            "Request had insufficient authentication scopes.",
            "PERMISSION_DENIED",
            retry_after,
            details,
        )
    raise ValueError(f"unknown 403 reason {reason!r}; known: {sorted(FORBIDDEN_REASONS)}")


@dataclass
class Fault:
    """An injected error: which calls it matches, what it answers, how often."""

    kind: str | None
    status: int
    remaining: int
    retry_after: float | None
    skip: int
    reason: str | None = None

    def error(self, kind: str, project: str, quota_limit_value: int) -> ApiError:
        """The answer: Google's own body where the stand-in knows it."""
        if self.status == 429:
            return quota_exceeded(kind, project, "user", quota_limit_value, self.retry_after)
        if self.status == 403:
            return forbidden(kind, project, self.reason, self.retry_after)
        message = SERVER_ERRORS.get(self.status, "Injected failure.")
        status = STATUS_NAMES.get(self.status, "UNKNOWN")
        return ApiError(self.status, message, status, self.retry_after)


@dataclass
class Delay:
    """An injected delay: which calls it matches, how long each waits, how often."""

    kind: str | None
    seconds: float
    remaining: int
    skip: int


class Faults:
    """The injected faults and delays, earliest first (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._delays: list[Delay] = []

    def inject(
        self,
        kind: str | None,
        status: int,
        times: int,
        retry_after: float | None,
        after: int,
        reason: str | None = None,
    ) -> None:
        _check_times(times)
        if reason is not None and (status != 403 or reason not in FORBIDDEN_REASONS):
            raise ValueError(f"a reason goes with 403 only, one of {sorted(FORBIDDEN_REASONS)}")
        with self._lock:
            self._faults.append(Fault(kind, status, times, retry_after, after, reason))

    def inject_delay(self, kind: str | None, seconds: float, times: int, after: int) -> None:
        _check_times(times)
        if seconds < 0:
            raise ValueError("a delay is >= 0 seconds")
        with self._lock:
            self._delays.append(Delay(kind, seconds, times, after))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()

    def take(self, kind: str) -> Fault | None:
        """The fault to answer this call with, or None to serve it; spends the fault used."""
        with self._lock:
            return _take(self._faults, kind)

    def take_delay(self, kind: str) -> float:
        """How long this call waits before it is served (0: not at all); spends the delay."""
        with self._lock:
            delay = _take(self._delays, kind)
            return delay.seconds if delay is not None else 0.0


def _check_times(times: int) -> None:
    if times == 0 or times < -1:
        raise ValueError("times must be positive, or -1 for always")


_Entry = TypeVar("_Entry", Fault, Delay)


def _take(entries: list[_Entry], kind: str) -> _Entry | None:
    """The earliest entry matching this call (None if none, or if it still lets calls by)."""
    for entry in entries:
        if entry.kind is not None and entry.kind != kind:
            continue
        if entry.skip > 0:
            entry.skip -= 1
            return None
        if entry.remaining > 0:
            entry.remaining -= 1
        if entry.remaining == 0:
            entries.remove(entry)
        return entry
    return None
