"""The failures a caller can meet, each a code of `error_codes` with a plain sentence."""

from __future__ import annotations

from typing import Any

from jobmojito_sheets.error_codes import ErrorCode, sentence_of, status_of


class InviteError(Exception):
    """A failure answered to the caller as `{"error": {"code", "message"}}` with its status.

    The status comes from the code (one table, `error_codes`); `message` is one sentence a
    recruiter can act on, the code's default sentence unless the raise site says more. It
    never holds a token or a stack trace.
    """

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None, *, code: ErrorCode | None = None) -> None:
        if code is not None:
            self.code = code
        self.message = message or sentence_of(self.code)
        super().__init__(self.message)
        # What a run that failed part-way still has to say (its rows, summary and columns).
        self.extra: dict[str, Any] = {}

    @property
    def status(self) -> int:
        return status_of(self.code)

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, "error": {"code": str(self.code), "message": self.message}}


class BadRequest(InviteError):
    """The request body or the selection cannot be used (400)."""

    code = ErrorCode.INVALID_REQUEST


class Unauthenticated(InviteError):
    """The caller's Google ID token is missing, invalid or expired (401)."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(InviteError):
    """The caller is not allowed, or cannot open the sheet (403)."""

    code = ErrorCode.USER_NOT_ALLOWED


class NotFound(InviteError):
    """The spreadsheet or the tab does not exist (404)."""

    code = ErrorCode.SPREADSHEET_NOT_FOUND


class TooLarge(InviteError):
    """The selection or the body is over the configured limit (413)."""

    code = ErrorCode.TOO_MANY_ROWS


class UpstreamError(InviteError):
    """JobMojito, Google Sheets or Google's sign-in failed in a way the caller cannot fix by
    editing the request (5xx)."""

    code = ErrorCode.JOBMOJITO_UNREACHABLE


class ConfigurationError(InviteError):
    """The function is deployed with a missing or malformed environment variable (500)."""

    code = ErrorCode.CONFIGURATION_ERROR
