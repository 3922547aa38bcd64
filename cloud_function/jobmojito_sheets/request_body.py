"""The function's request body: its JSON Schema and the parsed, checked `InviteRequest`.

The schema is compiled once by fastjsonschema (a small, fast validator: the full `jsonschema`
package took about 120 ms of the function's cold start for this one flat body).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import fastjsonschema

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import BadRequest, TooLarge

MAX_BODY_BYTES = 1_000_000
MAX_RANGES = 1000

InviteType = Literal["url", "invitation", "personal_invitation"]
INVITE_TYPES: tuple[InviteType, ...] = ("url", "invitation", "personal_invitation")
Action = Literal["invite", "check", "status", "languages"]
ACTIONS: tuple[Action, ...] = ("invite", "check", "status", "languages")
# Actions that work on selected rows (and need `ranges`); `status` needs no `type`.
ROW_ACTIONS: tuple[Action, ...] = ("invite", "status")

MAX_MESSAGE_LENGTH = 2000
DEFAULT_LANGUAGE = "en"
# `mojito_language_code` as JobMojito's OpenAPI lists it for `/invite-users` (the codes of its
# platform languages; `GET /platform-languages-list` names them).
LANGUAGE_CODES = (
    "ar", "bg", "zh", "hr", "cs", "da", "nl", "en", "fil", "fi", "fr", "de", "el", "hi", "hu",
    "id", "it", "ja", "ko", "ms", "no", "pl", "pt", "br", "ro", "ru", "sk", "es", "sv", "ta",
    "th", "tr", "uk", "vi",
)  # fmt: skip

# Google's spreadsheet IDs are letters, digits, "-" and "_" (the Sheets API overview); the
# ID travels in the Sheets API's URL path, so nothing else (no "/", "?", "%", "..") may.
SPREADSHEET_ID_PATTERN = "^[A-Za-z0-9_-]{1,128}$"
MAX_SPREADSHEET_ID_LENGTH = 128

# JobMojito's OpenAPI gives interview ids as UUIDs; the length bound also refuses a trailing
# newline, which `$` would let through.
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spreadsheet_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_SPREADSHEET_ID_LENGTH,
            "pattern": SPREADSHEET_ID_PATTERN,
        },
        "sheet_id": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        "sheet": {"type": "string", "minLength": 1, "maxLength": 200},
        "ranges": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_RANGES,
            "items": {"type": "string", "minLength": 1, "maxLength": 40},
        },
        "type": {"enum": list(INVITE_TYPES)},
        "interview_id": {
            "type": "string",
            "minLength": 36,
            "maxLength": 36,
            "pattern": UUID_PATTERN,
        },
        "hide_menu": {"type": "boolean"},
        "dry_run": {"type": "boolean"},
        "force": {"type": "boolean"},
        "action": {"enum": list(ACTIONS)},
        "is_test": {"type": "boolean"},
        "message_from_recruiter": {"type": "string", "maxLength": MAX_MESSAGE_LENGTH},
        "mojito_language_code": {"enum": list(LANGUAGE_CODES)},
    },
}


@cache
def validator() -> Callable[[Any], Any]:
    """The compiled schema, made on the first request rather than at cold start."""
    validate: Callable[[Any], Any] = fastjsonschema.compile(REQUEST_SCHEMA)
    return validate


_FIELD_HINTS = {
    "spreadsheet_id": "a Google spreadsheet ID: 1 to 128 letters, digits, '-' or '_'",
    "sheet_id": "the tab's gid (a whole number)",
    "sheet": "the tab's title (text)",
    "ranges": f'a list of 1 to {MAX_RANGES} A1 ranges such as "A2:B10"',
    "type": '"url" or "invitation"',
    "interview_id": "the JobMojito interview ID, a UUID such as "
    '"04e09fa5-3fb8-4236-b37d-fca2bcd1cb66" (copy it from JobMojito into Settings)',
    "hide_menu": "true or false",
    "dry_run": "true or false",
    "force": "true or false",
    "action": '"invite" (the default: the run), "status" (refresh interview status), '
    '"check" (test the connection) or "languages" (list JobMojito\'s languages)',
    "is_test": "true or false",
    "message_from_recruiter": f"text of at most {MAX_MESSAGE_LENGTH} characters",
    "mojito_language_code": 'one of JobMojito\'s language codes, such as "en" or "fr"',
}

# What each action requires besides the schema's types (checked in this order, so the field
# to add comes first); every action but `languages` also needs the tab (`sheet_id` or `sheet`).
REQUIRED_FIELDS: dict[Action, tuple[str, ...]] = {
    "invite": ("spreadsheet_id", "ranges", "type", "interview_id"),
    "status": ("spreadsheet_id", "ranges", "interview_id"),
    "check": ("spreadsheet_id", "interview_id"),
    "languages": (),
}
TAB_FIELDS = ("sheet_id", "sheet")


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
    action: Action = "invite"
    is_test: bool = False
    message_from_recruiter: str | None = None
    mojito_language_code: str = DEFAULT_LANGUAGE


def _describe(error: fastjsonschema.JsonSchemaValueException) -> str:
    """The sentence for the first schema violation, naming the field to fix."""
    path = [str(part) for part in (error.path or [])][1:]  # the first element is "data"
    hint = _FIELD_HINTS.get(path[0]) if path else None
    if hint is None:
        return "The request body must be a JSON object."
    return f"The field '{path[0]}' must be {hint}."


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
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    action = body.get("action", "invite")
    if action not in ACTIONS:
        raise BadRequest(f"The field 'action' must be {_FIELD_HINTS['action']}.")
    missing = [name for name in REQUIRED_FIELDS[action] if name not in body]
    if missing:  # said before any other problem, as the field to add comes first
        raise BadRequest(
            f"The request is missing the field '{missing[0]}': send {_FIELD_HINTS[missing[0]]}."
        )
    if action != "languages" and not any(name in body for name in TAB_FIELDS):
        raise BadRequest(
            "The request needs either 'sheet_id' (the tab's gid) or 'sheet' (the tab's title)."
        )
    try:
        validator()(body)
    except fastjsonschema.JsonSchemaValueException as error:
        raise BadRequest(_describe(error)) from None
    _check_combination(body)
    return InviteRequest(
        spreadsheet_id=body.get("spreadsheet_id", ""),
        sheet_id=body.get("sheet_id"),
        sheet=body.get("sheet"),
        ranges=tuple(body.get("ranges", ())),
        type=body.get("type", "url"),
        interview_id=body.get("interview_id", ""),
        hide_menu=body.get("hide_menu", False),
        dry_run=body.get("dry_run", False),
        force=body.get("force", False),
        action=action,
        is_test=body.get("is_test", False),
        message_from_recruiter=body.get("message_from_recruiter"),
        mojito_language_code=body.get("mojito_language_code", DEFAULT_LANGUAGE),
    )


def _check_combination(body: dict[str, Any]) -> None:
    """Fields that only mean something together: a personal message without a personal
    invitation would be dropped in silence, and JobMojito's `/invite-users` has no test mode."""
    personal = body.get("type") == "personal_invitation"
    for name in ("message_from_recruiter", "mojito_language_code"):
        if name in body and not personal:
            raise BadRequest(f'The field \'{name}\' goes with "type": "personal_invitation" only.')
    if personal and body.get("is_test") is True:
        raise BadRequest(
            "Test mode works with interview links only (JobMojito's personal invitations have "
            "no test mode): turn test mode off in Settings to send personal invitations."
        )
