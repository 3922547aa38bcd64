"""Every error code the function answers, with its HTTP status and its default sentence.

One table, as `http.HTTPStatus` keeps value, phrase and description together: a code for
machines (the Apps Script switches on it), a status for HTTP, and a sentence for people. A
raise site may say something more precise (naming a field or a number); when it says nothing,
the sentence here is what the recruiter reads. The contract page (docs/contract.md) and the
Apps Script's fallback sentences (apps_script/Messages.js) are checked against this table by
tests/unit/test_error_codes.py, so a code added here and not there fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_RANGE = "invalid_range"
    NO_EMAIL_COLUMN = "no_email_column"
    NO_NAME_COLUMN = "no_name_column"
    UNAUTHENTICATED = "unauthenticated"
    SHEETS_TOKEN_REJECTED = "sheets_token_rejected"
    USER_NOT_ALLOWED = "user_not_allowed"
    TOKEN_MISMATCH = "token_mismatch"
    SHEET_ACCESS_DENIED = "sheet_access_denied"
    SHEETS_API_DISABLED = "sheets_api_disabled"
    SHEETS_SCOPE_MISSING = "sheets_scope_missing"
    JOBMOJITO_FORBIDDEN = "jobmojito_forbidden"
    SPREADSHEET_NOT_FOUND = "spreadsheet_not_found"
    SHEET_NOT_FOUND = "sheet_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_MANY_ROWS = "too_many_rows"
    BODY_TOO_LARGE = "body_too_large"
    SHEETS_QUOTA_EXCEEDED = "sheets_quota_exceeded"
    JOBMOJITO_REJECTED_REQUEST = "jobmojito_rejected_request"
    JOBMOJITO_INTERVIEW_NOT_FOUND = "jobmojito_interview_not_found"
    JOBMOJITO_CONFLICT = "jobmojito_conflict"
    NOT_ENOUGH_INVITATIONS = "not_enough_invitations"
    JOBMOJITO_UNREACHABLE = "jobmojito_unreachable"
    JOBMOJITO_CREDENTIALS_REJECTED = "jobmojito_credentials_rejected"
    SHEETS_UNAVAILABLE = "sheets_unavailable"
    GOOGLE_CERTS_UNAVAILABLE = "google_certs_unavailable"
    STATE_STORE_UNAVAILABLE = "state_store_unavailable"
    CONFIGURATION_ERROR = "configuration_error"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class ErrorKind:
    """What one code means: the HTTP status it is answered with and its default sentence."""

    status: int
    sentence: str


_ADMIN = "ask the engineer who deployed the function"

ERRORS: dict[ErrorCode, ErrorKind] = {
    ErrorCode.INVALID_REQUEST: ErrorKind(
        400, "The request could not be used; run it from the JobMojito menu in the spreadsheet."
    ),
    ErrorCode.INVALID_RANGE: ErrorKind(
        400, "The selected ranges could not be read; select the candidate rows again."
    ),
    ErrorCode.NO_EMAIL_COLUMN: ErrorKind(
        400,
        "No email column found in the top 5 rows: add a header cell named 'Email' above the "
        "candidates' email addresses.",
    ),
    ErrorCode.NO_NAME_COLUMN: ErrorKind(
        400,
        "No name column found in the header row: add a header cell named 'Name' (or 'First "
        "name' and 'Last name') above the candidates' names.",
    ),
    ErrorCode.UNAUTHENTICATED: ErrorKind(
        401, "Your Google sign-in could not be checked; reload the spreadsheet and try again."
    ),
    ErrorCode.SHEETS_TOKEN_REJECTED: ErrorKind(
        401,
        "Google did not accept your access to Google Sheets; reload the spreadsheet and run "
        "the menu again.",
    ),
    ErrorCode.USER_NOT_ALLOWED: ErrorKind(
        403, f"Your Google account may not use this function; {_ADMIN} to add you."
    ),
    ErrorCode.TOKEN_MISMATCH: ErrorKind(
        403,
        "Your Google Sheets access does not belong to the Google account you are signed in "
        "with; reload the spreadsheet and run the menu again from your own account.",
    ),
    ErrorCode.SHEET_ACCESS_DENIED: ErrorKind(
        403, "Your Google account cannot edit this spreadsheet; ask its owner for edit access."
    ),
    ErrorCode.SHEETS_API_DISABLED: ErrorKind(
        403,
        "The Google Sheets API is switched off in the Apps Script's Google Cloud project; "
        f"{_ADMIN} to enable it there.",
    ),
    ErrorCode.SHEETS_SCOPE_MISSING: ErrorKind(
        403,
        "JobMojito may not edit your spreadsheets yet: choose any item of the JobMojito menu "
        "and allow every access Google asks for.",
    ),
    ErrorCode.JOBMOJITO_FORBIDDEN: ErrorKind(
        403,
        "JobMojito does not let the function's credentials do this (their role or merchant "
        f"does not allow it); {_ADMIN} to check the JobMojito API key and merchant ID.",
    ),
    ErrorCode.SPREADSHEET_NOT_FOUND: ErrorKind(
        404,
        "The spreadsheet was not found; check that it still exists and that the menu was run "
        "from it.",
    ),
    ErrorCode.SHEET_NOT_FOUND: ErrorKind(
        404, "The tab was not found in this spreadsheet; run the menu from the candidates' tab."
    ),
    ErrorCode.METHOD_NOT_ALLOWED: ErrorKind(405, "Send the request as a POST."),
    ErrorCode.TOO_MANY_ROWS: ErrorKind(
        413, "The selection has too many candidate rows; select fewer rows and run again."
    ),
    ErrorCode.BODY_TOO_LARGE: ErrorKind(413, "The request body is over 1 MB; select fewer ranges."),
    ErrorCode.JOBMOJITO_INTERVIEW_NOT_FOUND: ErrorKind(
        404,
        "JobMojito does not know this interview; copy the interview ID from JobMojito into "
        "Settings again.",
    ),
    ErrorCode.JOBMOJITO_CONFLICT: ErrorKind(
        409,
        "JobMojito refused the request because of the interview's current state (for example "
        "it is closed or still a draft); check the interview in JobMojito, then run again.",
    ),
    ErrorCode.NOT_ENOUGH_INVITATIONS: ErrorKind(
        409,
        "This run would invite more candidates than the invitations left this period; select "
        "fewer rows, or ask your JobMojito admin for more credits.",
    ),
    ErrorCode.SHEETS_QUOTA_EXCEEDED: ErrorKind(
        429,
        "Google Sheets asks to slow down (your per-minute quota is spent, perhaps by another "
        "tool); wait a minute and run the menu again.",
    ),
    ErrorCode.JOBMOJITO_REJECTED_REQUEST: ErrorKind(
        422, "JobMojito refused the request; check the interview ID in Settings."
    ),
    ErrorCode.JOBMOJITO_UNREACHABLE: ErrorKind(
        502,
        "JobMojito could not be reached; nothing more was sent. Wait a few minutes and run "
        "the menu again.",
    ),
    ErrorCode.JOBMOJITO_CREDENTIALS_REJECTED: ErrorKind(
        502,
        "JobMojito rejected the function's credentials (the API token is expired or "
        f"revoked): {_ADMIN} to update the JOBMOJITO_API_TOKEN secret in Google Cloud "
        "Secret Manager.",
    ),
    ErrorCode.SHEETS_UNAVAILABLE: ErrorKind(
        503, "Google Sheets is not answering right now; wait a minute and run the menu again."
    ),
    ErrorCode.GOOGLE_CERTS_UNAVAILABLE: ErrorKind(
        503, "Google sign-in could not be checked right now; wait a minute and try again."
    ),
    ErrorCode.STATE_STORE_UNAVAILABLE: ErrorKind(
        503,
        "The function's record of registrations could not be reached, so nothing more was "
        "sent (to be sure no one is invited twice); wait a minute and run the menu again.",
    ),
    ErrorCode.CONFIGURATION_ERROR: ErrorKind(
        500, f"The function is not configured correctly; {_ADMIN} to check its settings."
    ),
    ErrorCode.INTERNAL_ERROR: ErrorKind(
        500,
        "Something went wrong in the function; try again, and if it happens again tell the "
        "engineer who deployed it.",
    ),
}


def status_of(code: ErrorCode) -> int:
    return ERRORS[code].status


def sentence_of(code: ErrorCode) -> str:
    return ERRORS[code].sentence
