"""JobMojito's languages (`"action": "languages"`): what Settings offers for a personal
invitation's `mojito_language_code`.

The caller was checked before this runs (ID token, ALLOWED_USERS, the access token's owner);
nothing in the Sheet is read. One `GET /platform-languages-list`; its answer is cut down to
what the list shows (`language_list`, pure), and a failure is one of the run's JobMojito
errors (`language_error`, pure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.jobmojito import (
    CredentialsRejected,
    JobMojitoClient,
    JobMojitoFailure,
    RequestRefused,
)

READ_TIMEOUT = 10.0
UNREADABLE = (
    "JobMojito's list of languages could not be read (JobMojito could not be reached); wait a "
    "few minutes and open Settings again."
)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def language_list(answer: Mapping[str, Any]) -> list[dict[str, str]]:
    """`[{"code", "name", "local_name"}, …]` from JobMojito's `PlatformLanguage`s, sorted by
    English name; an entry without a code is left out, a missing name is the code."""
    items = answer.get("languages")
    languages: dict[str, dict[str, str]] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or (code := _text(item.get("code"))) is None:
            continue
        name = _text(item.get("name_english")) or code
        local = _text(item.get("name_local")) or name
        languages.setdefault(code, {"code": code, "name": name, "local_name": local})
    return sorted(languages.values(), key=lambda language: language["name"].casefold())


def language_error(failure: JobMojitoFailure) -> InviteError:
    """The answer when the list cannot be read: the credentials rejected (401), refused to
    them (403), or JobMojito unreachable (anything else: a read is safe to ask again)."""
    if isinstance(failure, CredentialsRejected):
        return InviteError(code=ErrorCode.JOBMOJITO_CREDENTIALS_REJECTED)
    if isinstance(failure, RequestRefused) and failure.status == 403:
        return InviteError(code=ErrorCode.JOBMOJITO_FORBIDDEN)
    return InviteError(UNREADABLE, code=ErrorCode.JOBMOJITO_UNREACHABLE)


def languages(client: JobMojitoClient, deadline: Deadline) -> dict[str, Any]:
    """The answer of `"action": "languages"`, or raises the InviteError to answer."""
    try:
        answer = client.languages(timeout=deadline.timeout(READ_TIMEOUT))
    except JobMojitoFailure as failure:
        raise language_error(failure) from None
    return {"languages": language_list(answer)}
