"""The failures a caller can meet, each with an HTTP status, a short code and a plain sentence."""

from __future__ import annotations

from typing import Any


class InviteError(Exception):
    """A failure answered to the caller as `{"error": {"code", "message"}}` with `status`.

    `message` is one sentence a recruiter can act on; it never holds a token or a stack trace.
    """

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        # What a run that failed part-way still has to say (its rows, summary and columns).
        self.extra: dict[str, Any] = {}
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, "error": {"code": self.code, "message": self.message}}


class BadRequest(InviteError):
    """The request body or the selection cannot be used (400)."""

    status = 400
    code = "invalid_request"


class Unauthenticated(InviteError):
    """The caller's Google ID token is missing, invalid or expired (401)."""

    status = 401
    code = "unauthenticated"


class Forbidden(InviteError):
    """The caller is not allowed, or cannot open the sheet (403)."""

    status = 403
    code = "user_not_allowed"


class NotFound(InviteError):
    """The spreadsheet or the tab does not exist (404)."""

    status = 404
    code = "spreadsheet_not_found"


class TooLarge(InviteError):
    """The selection or the body is over the configured limit (413)."""

    status = 413
    code = "too_many_rows"


class UpstreamError(InviteError):
    """JobMojito or the Sheets API failed in a way the caller cannot fix by editing the request."""

    status = 502
    code = "jobmojito_unreachable"


class ConfigurationError(InviteError):
    """The function is deployed with a missing or malformed environment variable (500)."""

    status = 500
    code = "configuration_error"
