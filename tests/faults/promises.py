"""Count the five promises from the stand-ins' own records (used by the fault suite).

The same counts hold for both spending calls: registrations (links) and personal invitations
(`/invite-users`, which return no link; a row it settled says `Invited: …`, `Activated: …` or
`Skipped: …`). JobMojito itself answers `Skipped` to a candidate invited twice without
charging again, so a personal invitation's double sends are counted from the calls JobMojito
processed, not only from its credits.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

from jobmojito_sheets.row_status import ACTIVATED, ALREADY_INVITED, INVITED, OK, OK_TEST

from sandbox.jobmojito_api import FaultKind, JobMojitoStandIn

# Faults after which the function never gets the answer's links.
UNDELIVERED = {
    FaultKind.DROP_AFTER_PROCESSING,
    FaultKind.DELAY_AFTER_PROCESSING,
    FaultKind.MALFORMED_JSON,
}


@dataclass
class Tally:
    """One line of the fault table."""

    fault: str
    candidates: int = 0
    sent_once: int = 0
    double_spends: int = 0
    double_sends: int = 0
    spent_on_bad_rows: int = 0
    links_returned: int = 0
    links_in_right_rows: int = 0
    misplaced_links: int = 0
    misplaced_profiles: int = 0
    user_cells_changed: int = 0
    formulas_written: int = 0
    pending_left: int = 0
    not_done: int = 0

    @classmethod
    def headers(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def cells(self) -> list[str]:
        return [str(getattr(self, name)) for name in self.headers()]


# Filled by the fault suite, printed by its conftest at the end of the run.
TABLE: list[Tally] = []


# What a row the run settled says (a row left `Pending` is counted apart).
DONE = frozenset({OK, OK_TEST, INVITED, ACTIVATED, ALREADY_INVITED})


def processed_sends(jobmojito: JobMojitoStandIn) -> Counter[str]:
    """How many spending calls JobMojito processed with each (lower-cased) email in them: a
    call answered with an injected status was never processed; any other answered or dropped
    call was."""
    sends: Counter[str] = Counter()
    for call in jobmojito.calls:
        if call.fault is FaultKind.STATUS or call.status not in (200, None):
            continue
        users = call.json.get("users") if isinstance(call.json, dict) else None
        for user in users if isinstance(users, list) else []:
            if isinstance(user, dict) and isinstance(user.get("email"), str):
                sends[user["email"].lower()] += 1
    return sends


def delivered_links(jobmojito: JobMojitoStandIn) -> dict[str, str]:
    """url -> email for every link an answer delivered under the email it was issued for."""
    issued = {credit.url: credit.email for credit in jobmojito.credits}
    links: dict[str, str] = {}
    for call in jobmojito.calls:
        if call.answer is None or call.status != 200 or call.fault in UNDELIVERED:
            continue
        try:
            items = json.loads(call.answer)
        except ValueError:
            continue
        for item in items if isinstance(items, list) else []:
            url = item.get("interview_url") if isinstance(item, dict) else None
            email = str(item.get("email") or "").lower() if isinstance(item, dict) else ""
            if isinstance(url, str) and issued.get(url) == email:
                links[url] = email
    return links


def tally(
    fault: str,
    jobmojito: JobMojitoStandIn,
    before: list[list[str]],
    after: list[list[str]],
    *,
    key: int,
    email: int,
    outputs: dict[str, int],
    valid_unique: set[str],
    bad_emails: set[str],
    formulas: int,
) -> Tally:
    """Compare the sheet before and after (rows matched by the `key` column, as sorts move them)."""
    credits = Counter(credit.email for credit in jobmojito.credits)
    issued = {credit.url: credit.email for credit in jobmojito.credits}
    result = Tally(fault=fault, candidates=len(valid_unique), formulas_written=formulas)
    result.sent_once = sum(1 for e in valid_unique if credits[e] == 1)
    result.double_spends = sum(1 for count in credits.values() if count > 1)
    result.spent_on_bad_rows = sum(credits[e] for e in bad_emails)
    result.double_sends = sum(1 for count in processed_sends(jobmojito).values() if count > 1)
    # Every profile_interview_id JobMojito made, with the email it belongs to.
    profiles = {
        str(entry["profile_interview_id"]): str(entry["candidate_email"]).lower()
        for entry in jobmojito.results()
    }
    links = delivered_links(jobmojito)
    result.links_returned = len(links)

    def by_key(rows: list[list[str]]) -> dict[str, list[str]]:
        return {row[key]: row for row in rows[1:] if len(row) > key and row[key]}

    old, new = by_key(before), by_key(after)
    output_columns = set(outputs.values())
    for ident, row in old.items():
        now = new.get(ident, [])
        width = max(len(row), len(now))
        for col in range(width):
            was = row[col] if col < len(row) else ""
            is_ = now[col] if col < len(now) else ""
            if col not in output_columns and was != is_:
                result.user_cells_changed += 1
    done: set[str] = set()
    was_registered = {ident for ident, row in old.items() if _cell(row, outputs["result"]) == "ok"}
    for ident, row in new.items():
        url = _cell(row, outputs["interview_url"])
        row_email = _cell(row, email).lower()
        if ident in was_registered:
            if row != old[ident]:
                result.user_cells_changed += 1  # a registered row must stay exactly as it was
            continue
        if url and issued.get(url) != row_email:
            result.misplaced_links += 1
        profile = _cell(row, outputs["profile_interview_id"])
        if profile and profiles.get(profile) != row_email:
            result.misplaced_profiles += 1
        if url in links and links[url] == row_email:
            result.links_in_right_rows += 1
        state = _cell(row, outputs["result"])
        if state.startswith("Pending ("):
            result.pending_left += 1
            done.add(row_email)
        elif state in DONE:
            done.add(row_email)
    result.not_done = len(valid_unique - done)
    return result


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def markdown(rows: list[Tally]) -> str:
    headers = Tally.headers()
    lines = ["| " + " | ".join(h.replace("_", " ") for h in headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(t.cells()) + " |" for t in rows]
    return "\n".join(lines)


def as_json(rows: list[Tally]) -> list[dict[str, Any]]:
    return [dict(zip(Tally.headers(), t.cells(), strict=True)) for t in rows]
