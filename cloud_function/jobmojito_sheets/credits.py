"""What the merchant has left, and whether a run fits in it (pure).

JobMojito's `/merchant-status` reports the invitation headroom of the current period
(`invitations_available`, null on unlimited plans) and the interview credits. The preview
shows them, so the confirmation can say what the run will use and what is left; a real run
that would send more candidates than `invitations_available` is refused before anything is
sent or written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


@dataclass(frozen=True)
class Credits:
    """The balance as JobMojito reports it; None where the plan is unlimited (or unknown)."""

    invitations_available: int | None
    invitations_limit: int | None
    credits_interview_monthly: int | None
    credits_interview_extra: int | None

    @classmethod
    def from_status(cls, status: Mapping[str, Any]) -> Credits:
        return cls(
            invitations_available=_count(status.get("invitations_available")),
            invitations_limit=_count(status.get("invitations_limit")),
            credits_interview_monthly=_count(status.get("credits_interview_monthly")),
            credits_interview_extra=_count(status.get("credits_interview_extra")),
        )

    def to_json(self) -> dict[str, int | None]:
        return asdict(self)


def shortfall(credits: Credits | None, to_send: int) -> InviteError | None:
    """The refusal of a run that would send more candidates than the invitations left; None
    when it fits, when the plan is unlimited, or when the balance is unknown."""
    if credits is None or credits.invitations_available is None:
        return None
    left = credits.invitations_available
    if to_send <= left:
        return None
    return InviteError(
        f"This run would invite {to_send} candidates, but only {left} invitations are left "
        "this period; select fewer rows, or ask your JobMojito admin for more credits.",
        code=ErrorCode.NOT_ENOUGH_INVITATIONS,
    )
