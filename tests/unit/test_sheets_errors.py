"""Sheets 403s told apart by Google's reason, each with its own fix."""

from __future__ import annotations

from jobmojito_sheets.sheets_errors import forbidden, project_number

NO_ACCESS = {
    "code": 403,
    "message": "The caller does not have permission",
    "status": "PERMISSION_DENIED",
}
DISABLED = {
    "code": 403,
    "message": "Google Sheets API has not been used in project 123456789012 before or it is "
    "disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
    "sheets.googleapis.com/overview?project=123456789012 then retry.",
    "status": "PERMISSION_DENIED",
    "details": [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {"consumer": "projects/123456789012", "service": "sheets.googleapis.com"},
        }
    ],
}
SCOPE = {
    "code": 403,
    "message": "Request had insufficient authentication scopes.",
    "status": "PERMISSION_DENIED",
    "details": [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
        }
    ],
}


def test_no_edit_access_asks_the_owner() -> None:
    error = forbidden(NO_ACCESS)
    assert error.code == "sheet_access_denied" and "owner" in error.message


def test_a_disabled_api_names_the_project_and_where_to_enable_it() -> None:
    error = forbidden(DISABLED)
    assert error.code == "sheets_api_disabled" and error.status == 403
    assert "123456789012" in error.message
    assert "sheets.googleapis.com?project=123456789012" in error.message


def test_a_disabled_api_is_recognised_from_the_message_alone_too() -> None:
    bare = {k: v for k, v in DISABLED.items() if k != "details"}
    assert forbidden(bare).code == "sheets_api_disabled"
    assert project_number(bare) == "123456789012"


def test_a_missing_scope_asks_to_authorise_again() -> None:
    error = forbidden(SCOPE)
    assert error.code == "sheets_scope_missing" and "allow" in error.message
    assert forbidden({"message": "Request had insufficient authentication scopes."}).code == (
        "sheets_scope_missing"
    )
