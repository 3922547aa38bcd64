"""The function's request body: its JSON Schema and the parsed, checked `InviteRequest`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import BadRequest, TooLarge

MAX_BODY_BYTES = 1_000_000
MAX_RANGES = 1000

InviteType = Literal["url", "invitation"]

REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spreadsheet_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "sheet_id": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        "sheet": {"type": "string", "minLength": 1, "maxLength": 200},
        "ranges": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_RANGES,
            "items": {"type": "string", "minLength": 1, "maxLength": 40},
        },
        "type": {"enum": ["url", "invitation"]},
        "interview_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "hide_menu": {"type": "boolean"},
        "dry_run": {"type": "boolean"},
        "force": {"type": "boolean"},
    },
    "required": ["spreadsheet_id", "ranges", "type", "interview_id"],
    "anyOf": [{"required": ["sheet_id"]}, {"required": ["sheet"]}],
}

_VALIDATOR = Draft202012Validator(REQUEST_SCHEMA)

_FIELD_HINTS = {
    "spreadsheet_id": "a spreadsheet ID (text)",
    "sheet_id": "the tab's gid (a whole number)",
    "sheet": "the tab's title (text)",
    "ranges": f'a list of 1 to {MAX_RANGES} A1 ranges such as "A2:B10"',
    "type": '"url" or "invitation"',
    "interview_id": "the JobMojito interview ID (text)",
    "hide_menu": "true or false",
    "dry_run": "true or false",
    "force": "true or false",
}


@dataclass(frozen=True)
class InviteRequest:
    """What the caller asked for, checked."""

    spreadsheet_id: str
    sheet_id: int | None
    sheet: str | None
    ranges: tuple[str, ...]
    type: InviteType
    interview_id: str
    hide_menu: bool = False
    dry_run: bool = False
    force: bool = False


def _field_of(error: ValidationError) -> str:
    if error.validator == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in error.instance]
        if missing:
            return str(missing[0])
    if error.validator == "anyOf" and not error.path:
        return "sheet_id"
    return str(error.path[0]) if error.path else "body"


def _describe(error: ValidationError) -> str:
    field = _field_of(error)
    if error.validator == "anyOf" and not error.path:
        return "The request needs either 'sheet_id' (the tab's gid) or 'sheet' (the tab's title)."
    if error.validator == "required":
        return f"The request is missing the field '{field}': send {_FIELD_HINTS[field]}."
    hint = _FIELD_HINTS.get(field)
    if hint is None:
        return "The request body must be a JSON object."
    return f"The field '{field}' must be {hint}."


def parse_invite_request(raw: bytes) -> InviteRequest:
    """Parse and check a request body; any problem raises naming the field to fix."""
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge(
            f"The request body is over {MAX_BODY_BYTES // 1_000_000} MB; select fewer ranges.",
            code=ErrorCode.BODY_TOO_LARGE,
        )
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("The request body must be a JSON object.") from None
    errors = sorted(_VALIDATOR.iter_errors(body), key=lambda e: (len(e.path), str(e.path)))
    if errors:
        raise BadRequest(_describe(errors[0]))
    return InviteRequest(
        spreadsheet_id=body["spreadsheet_id"],
        sheet_id=body.get("sheet_id"),
        sheet=body.get("sheet"),
        ranges=tuple(body["ranges"]),
        type=body["type"],
        interview_id=body["interview_id"],
        hide_menu=body.get("hide_menu", False),
        dry_run=body.get("dry_run", False),
        force=body.get("force", False),
    )
