"""What a Sheets API failure means to the recruiter, told apart by Google's reason (pure).

A 403 has three causes with three fixes: no edit access (ask the owner), the Sheets API
switched off on the Apps Script's Cloud project (`SERVICE_DISABLED`: enable it there), a token
without the spreadsheets scope (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`: authorise again). Google
names the reason in the body's `details` (an `ErrorInfo`), and older bodies only in `status`
or the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError

SERVICE_DISABLED = "SERVICE_DISABLED"
SCOPE_INSUFFICIENT = "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def reasons(error: Mapping[str, Any]) -> set[str]:
    """Google's reasons for an error body's `error` object (ErrorInfo details and status)."""
    found = {str(error.get("status", ""))}
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, Mapping) and detail.get("reason"):
            found.add(str(detail["reason"]))
    message = str(error.get("message", ""))
    if "has not been used in project" in message or "it is disabled" in message:
        found.add(SERVICE_DISABLED)
    if "insufficient authentication scopes" in message:
        found.add(SCOPE_INSUFFICIENT)
    return found - {""}


def project_number(error: Mapping[str, Any]) -> str | None:
    """The Cloud project Google names in a SERVICE_DISABLED error, if any."""
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        metadata = detail.get("metadata") if isinstance(detail, Mapping) else None
        if isinstance(metadata, Mapping):
            consumer = str(metadata.get("consumer", ""))
            if consumer.startswith("projects/"):
                return consumer.removeprefix("projects/")
    match = re.search(r"project (\d+)", str(error.get("message", "")))
    return match.group(1) if match else None


def forbidden(error: Mapping[str, Any]) -> InviteError:
    """The 403 told apart by its reason."""
    found = reasons(error)
    if SERVICE_DISABLED in found:
        number = project_number(error)
        where = f" (project number {number})" if number else ""
        link = "https://console.cloud.google.com/apis/library/sheets.googleapis.com"
        link += f"?project={number}" if number else ""
        return InviteError(
            "The Google Sheets API is switched off in the Apps Script's Google Cloud "
            f"project{where}; ask the engineer who deployed JobMojito to enable it at {link}.",
            code=ErrorCode.SHEETS_API_DISABLED,
        )
    if SCOPE_INSUFFICIENT in found:
        return InviteError(code=ErrorCode.SHEETS_SCOPE_MISSING)
    return InviteError(code=ErrorCode.SHEET_ACCESS_DENIED)
