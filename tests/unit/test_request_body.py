"""Request body rules: a checked InviteRequest, or an error naming the field to fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jobmojito_sheets.errors import BadRequest, TooLarge
from jobmojito_sheets.request_body import MAX_BODY_BYTES, InviteRequest, parse_invite_request

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
VALID: dict[str, Any] = {
    "spreadsheet_id": "1AbC",
    "sheet_id": 0,
    "ranges": ["A2:B10", "C15"],
    "type": "invitation",
    "interview_id": INTERVIEW,
}
_DROP: Any = object()  # a field value meaning "leave the field out"


def _raw(**changes: Any) -> bytes:
    body = {**VALID, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not _DROP}).encode()


def _error(raw: bytes) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_invite_request(raw)
    assert caught.value.status == 400
    return caught.value


def test_valid_body_with_defaults() -> None:
    assert parse_invite_request(_raw()) == InviteRequest(
        spreadsheet_id="1AbC",
        sheet_id=0,
        sheet=None,
        ranges=("A2:B10", "C15"),
        type="invitation",
        interview_id=INTERVIEW,
        hide_menu=False,
        dry_run=False,
        force=False,
    )


def test_valid_body_with_every_field() -> None:
    request = parse_invite_request(
        _raw(
            sheet_id=_DROP, sheet="Candidates", type="url", hide_menu=True, dry_run=True, force=True
        )
    )
    assert (request.sheet_id, request.sheet, request.type) == (None, "Candidates", "url")
    assert (request.hide_menu, request.dry_run, request.force) == (True, True, True)


def test_unknown_fields_are_ignored() -> None:
    assert parse_invite_request(_raw(colour="blue", extra={"a": 1})).interview_id == INTERVIEW


@pytest.mark.parametrize("field", ["spreadsheet_id", "ranges", "type", "interview_id"])
def test_missing_required_field_is_named(field: str) -> None:
    message = _error(_raw(**{field: _DROP})).message
    assert f"'{field}'" in message
    assert "missing" in message


def test_neither_sheet_id_nor_sheet() -> None:
    assert "sheet_id" in _error(_raw(sheet_id=_DROP)).message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("spreadsheet_id", 12),
        ("spreadsheet_id", ""),
        ("sheet_id", "3"),
        ("sheet_id", True),
        ("sheet_id", -1),
        ("sheet_id", 1.5),
        ("sheet", ""),
        ("ranges", "A1"),
        ("ranges", []),
        ("ranges", [1]),
        ("ranges", [""]),
        ("type", "email"),
        ("interview_id", None),
        ("hide_menu", "true"),
        ("dry_run", "yes"),
        ("force", 1),
    ],
)
def test_wrong_type_names_the_field(field: str, value: Any) -> None:
    assert f"'{field}'" in _error(_raw(**{field: value})).message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("spreadsheet_id", "x" * 201),
        ("spreadsheet_id", "x" * 129),
        ("spreadsheet_id", "1AbC/values"),
        ("spreadsheet_id", "../1AbC"),
        ("spreadsheet_id", "1AbC?fields=*"),
        ("spreadsheet_id", "1AbC%2F"),
        ("spreadsheet_id", "1AbC\n"),
        ("spreadsheet_id", "1Ab C"),
        ("spreadsheet_id", "1AbC\u00e9"),
        ("spreadsheet_id", "\uff11AbC"),  # a full-width digit is not Google's alphabet
        ("sheet", "x" * 201),
        ("interview_id", "x" * 201),
        ("ranges", ["A" * 41]),
        ("ranges", ["A1"] * 1001),
    ],
)
def test_overlong_values_are_rejected(field: str, value: Any) -> None:
    assert f"'{field}'" in _error(_raw(**{field: value})).message


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"{",
        b"[]",
        b"[1, 2]",
        b"null",
        b'"text"',
        b"42",
        b"[" * 100_000,
        b"\xff\xfe",
    ],
)
def test_not_a_json_object(raw: bytes) -> None:
    assert "must be a JSON object" in _error(raw).message


def test_over_one_megabyte_is_too_large() -> None:
    raw = _raw(padding="x" * MAX_BODY_BYTES)
    with pytest.raises(TooLarge) as caught:
        parse_invite_request(raw)
    assert caught.value.code == "body_too_large"
    assert caught.value.status == 413


def test_just_under_the_limit_is_parsed() -> None:
    base = len(_raw(padding=""))
    raw = _raw(padding="x" * (MAX_BODY_BYTES - base))
    assert len(raw) == MAX_BODY_BYTES
    assert parse_invite_request(raw).spreadsheet_id == "1AbC"


@pytest.mark.parametrize(
    "interview_id",
    [
        "iv-1",
        "04e09fa5-3fb8-4236-b37d-fca2bcd1cb6",  # one digit short
        "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66\n",
        "04e09fa5-3fb8-4236-b37d-fca2bcd1cb6\x00",
        "04e09fa5-3fb8-4236-b37d-fca2bcd1cb6g",
        "04e09fa53fb84236b37dfca2bcd1cb66",
        " 04e09fa5-3fb8-4236-b37d-fca2bcd1cb66",
        "",
    ],
)
def test_interview_id_must_be_a_uuid(interview_id: str) -> None:
    error = _error(_raw(interview_id=interview_id))
    assert "'interview_id'" in error.message and "UUID" in error.message
    assert error.code == "invalid_request"


def test_interview_id_in_upper_case_is_a_uuid_too() -> None:
    upper = INTERVIEW.upper()
    assert parse_invite_request(_raw(interview_id=upper)).interview_id == upper


@pytest.mark.parametrize(
    "spreadsheet_id",
    ["1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms", "a", "A-b_C-9", "x" * 128],
)
def test_spreadsheet_ids_in_googles_alphabet_are_accepted(spreadsheet_id: str) -> None:
    raw = json.dumps({**VALID, "spreadsheet_id": spreadsheet_id}).encode()
    assert parse_invite_request(raw).spreadsheet_id == spreadsheet_id


def test_a_status_refresh_needs_rows_but_no_type() -> None:
    parsed = parse_invite_request(_raw(action="status", type=_DROP, is_test=True))
    assert (parsed.action, parsed.ranges, parsed.is_test) == ("status", ("A2:B10", "C15"), True)
    assert "'ranges'" in _error(_raw(action="status", type=_DROP, ranges=_DROP)).message


def test_the_languages_list_needs_no_sheet_and_no_interview() -> None:
    parsed = parse_invite_request(json.dumps({"action": "languages"}).encode())
    assert parsed.action == "languages"


def test_a_personal_invitation_carries_its_message_and_language() -> None:
    parsed = parse_invite_request(
        _raw(type="personal_invitation", message_from_recruiter="Hi!", mojito_language_code="fr")
    )
    assert (parsed.type, parsed.message_from_recruiter, parsed.mojito_language_code) == (
        "personal_invitation",
        "Hi!",
        "fr",
    )
    assert parse_invite_request(_raw(type="personal_invitation")).mojito_language_code == "en"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"type": "personal_invitation", "message_from_recruiter": "x" * 2001}, "message_from"),
        ({"type": "personal_invitation", "mojito_language_code": "xx"}, "mojito_language"),
        ({"message_from_recruiter": "Hi"}, "message_from_recruiter"),
        ({"type": "url", "mojito_language_code": "fr"}, "mojito_language_code"),
        ({"is_test": "yes"}, "is_test"),
        ({"type": "personal_invitation", "is_test": True}, "Test mode"),
    ],
)
def test_personal_invitation_and_test_fields_are_refused_naming_what_to_fix(
    changes: dict[str, Any], named: str
) -> None:
    assert named in _error(_raw(**changes)).message


def test_a_message_of_exactly_2000_characters_is_accepted() -> None:
    message = "é" * 2000
    parsed = parse_invite_request(_raw(type="personal_invitation", message_from_recruiter=message))
    assert parsed.message_from_recruiter == message
