"""Test connection (`"action": "check"`): each link of the chain, in plain words.

The function was reached and the caller allowed before this runs (else the answer is that
error). Then, one link each, in order: Google Sheets access to this spreadsheet; JobMojito's
credentials (`GET /merchant-status`); the interview (`GET /job-interview-get`); the credits
and invitations left. A broken link names its fix; the links after a broken JobMojito
credential are not tried (they would fail for the same reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from jobmojito_sheets.credits import Credits
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.jobmojito import JobMojitoClient, JobMojitoFailure
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.settle import stop_error
from jobmojito_sheets.sheets import SheetsGateway


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


def _left(value: int | None, noun: str) -> str:
    return f"unlimited {noun}" if value is None else f"{value} {noun}"


def credits_sentence(credits: Credits) -> str:
    """E.g. "120 invitations left this period (of 200); 40 interview credits this month, 5
    extra." (pure)"""
    limit = f" (of {credits.invitations_limit})" if credits.invitations_limit is not None else ""
    invitations = _left(credits.invitations_available, "invitations") + " left this period"
    monthly = _left(credits.credits_interview_monthly, "interview credits")
    extra = credits.credits_interview_extra
    extras = f", {extra} extra" if extra else ""
    return f"{invitations}{limit}; {monthly} this month{extras}."


def interview_name(answer: Mapping[str, Any]) -> str:
    """The interview's name in a `/job-interview-get` answer, wherever the shape keeps it."""
    for holder in (answer, answer.get("interview"), answer.get("data"), answer.get("position")):
        if isinstance(holder, Mapping):
            for key in ("name", "title", "interview_name", "position_name"):
                if isinstance(holder.get(key), str) and holder[key].strip():
                    return str(holder[key]).strip()
    return "(no name)"


def _failure(failure: JobMojitoFailure) -> str:
    error = stop_error(failure)
    return error.message if error is not None else "JobMojito did not answer clearly; try again."


def check(
    request: InviteRequest,
    caller: str,
    sheets: SheetsGateway,
    client: JobMojitoClient,
    deadline: Deadline,
) -> dict[str, Any]:
    """The answer of a connection check: `{"checks": [...], "credits": {...} | null}`."""
    checks = [
        Check("function", True, "The invitation service answered."),
        Check("caller", True, f"You are allowed to use it, as {caller}."),
    ]
    try:
        titles = [tab.title for tab in sheets.tabs()]
        checks.append(Check("sheets", True, f"It can open this spreadsheet ({len(titles)} tabs)."))
    except InviteError as error:
        checks.append(Check("sheets", False, error.message))
    credits: Credits | None = None
    try:
        status = client.merchant_status(timeout=deadline.timeout(10.0))
        credits = Credits.from_status(status)
        checks.append(Check("jobmojito", True, "JobMojito accepted the function's credentials."))
    except JobMojitoFailure as failure:
        checks.append(Check("jobmojito", False, _failure(failure)))
        return {"checks": [asdict(c) for c in checks], "credits": None}
    try:
        name = interview_name(
            client.interview(request.interview_id, timeout=deadline.timeout(10.0))
        )
        checks.append(Check("interview", True, f"The interview was found: {name}."))
    except JobMojitoFailure as failure:
        checks.append(Check("interview", False, _failure(failure)))
    enough = credits.invitations_available is None or credits.invitations_available > 0
    fix = "" if enough else " Ask your JobMojito admin for more credits before inviting."
    checks.append(Check("credits", enough, credits_sentence(credits) + fix))
    return {"checks": [asdict(c) for c in checks], "credits": credits.to_json()}
