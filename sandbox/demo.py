"""`make demo`: the whole product on one machine, printed as the recruiter would see it.

Starts the stand-ins, seeds a sample candidate sheet, runs the real function under
functions-framework, sends it the preview and then the request the menu sends, and prints the
sheet before and after. Then some candidates take their interview in the JobMojito stand-in
(one starts, three finish with scores, two are decided), the menu's "Refresh interview status"
request brings their stages, scores and decisions into the rows, and a second refresh shows
that nothing unchanged is written again.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

from sandbox.world import SPREADSHEET_ID, TAB, FunctionProcess, Sandbox, invite, menu_request

MAX_CELL = 34


def _short(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(rows: Sequence[Sequence[str]]) -> str:
    """A readable fixed-width table with row numbers, long cells shortened."""
    width = max((len(r) for r in rows), default=0)
    grid = [[_short(str(c)) for c in r] + [""] * (width - len(r)) for r in rows]
    widths = [max([len(r[i]) for r in grid] + [1]) for i in range(width)]
    lines = []
    for number, cells in enumerate(grid, start=1):
        line = " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        lines.append(f"{number:>3} | {line}")
        if number == 1:
            lines.append("----+-" + "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


# Candidates moving through the interview in JobMojito (the stand-in) after the invite run.
STARTED = ("katherine.johnson@example.com",)
COMPLETED = {
    "ada.lovelace@example.com": 87.0,
    "grace.hopper@example.com": 64.5,
    "donald.knuth@example.com": 91.0,
}
DECIDED = {"ada.lovelace@example.com": "selected", "grace.hopper@example.com": "rejected"}
STATUS_VIEW = ("Name", "Result", "interview_status", "score", "decision", "status_updated")


def columns(rows: Sequence[Sequence[str]], names: Sequence[str]) -> list[list[str]]:
    """Only the named columns of a sheet (header first), in that order."""
    header = list(rows[0]) if rows else []
    picked = [header.index(name) for name in names if name in header]
    return [[r[i] if i < len(r) else "" for i in picked] for r in rows]


def _refresh_summary(answer: dict[str, Any]) -> str:
    c = answer["summary"]
    return (
        f"{c['rows']} rows: {c['completed']} completed, {c['started']} started, "
        f"{c['not_started']} not started; {c['selected']} selected, {c['rejected']} rejected, "
        f"{c['undecided']} undecided; {c['changed']} rows changed"
    )


def _summary(answer: dict[str, Any]) -> str:
    counts = answer["summary"]
    sent = "would be sent" if answer["dry_run"] else "sent"
    return (
        f"{counts['selected']} rows selected: {counts['sent']} {sent}, {counts['ok']} ok, "
        f"{counts['skipped']} skipped, {counts['errors']} errors, {counts['pending']} pending"
    )


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log between the tables
    with Sandbox() as sandbox:
        sandbox.seed()
        last_row = len(sandbox.sheets.values(SPREADSHEET_ID, TAB))
        selection = [f"A2:B{last_row}"]
        print(f"Sheet '{TAB}' before the run:\n")
        print(table(sandbox.sheets.values(SPREADSHEET_ID, TAB)))
        with FunctionProcess(sandbox.function_env()) as function:
            token = sandbox.id_token()
            preview = invite(function.url, menu_request(selection, dry_run=True), id_token=token)
            if preview.status_code != 200:
                print(f"\nThe preview failed ({preview.status_code}): {preview.text}")
                return 1
            print(f"\nPreview of {selection}: {_summary(preview.json())}")
            answer = invite(function.url, menu_request(selection), id_token=token)
            if answer.status_code != 200:
                print(f"\nThe run failed ({answer.status_code}): {answer.text}")
                return 1
            print(f"Run: {_summary(answer.json())}")
            print(f"\nSheet '{TAB}' after the run:\n")
            print(table(sandbox.sheets.values(SPREADSHEET_ID, TAB)))
            credits = sandbox.jobmojito.credits_by_email()
            once = max(credits.values(), default=0) <= 1
            print(
                f"\nJobMojito stand-in: {sum(credits.values())} interview credits spent, ", end=""
            )
            print("at most one per candidate." if once else "SOME CANDIDATE TWICE.")

            for email in STARTED:
                sandbox.jobmojito.start(email)
            for email, score in COMPLETED.items():
                sandbox.jobmojito.complete(email, score)
            for email, decision in DECIDED.items():
                sandbox.jobmojito.decide(email, decision)
            print(
                f"\nIn JobMojito: {len(STARTED)} candidate started, {len(COMPLETED)} finished "
                f"with scores, {len(DECIDED)} decided. Refresh interview status:"
            )
            status = {"action": "status", **menu_request(selection)}
            for attempt in ("Refresh", "Refresh again"):
                refreshed = invite(function.url, status, id_token=token)
                if refreshed.status_code != 200:
                    print(f"\nThe refresh failed ({refreshed.status_code}): {refreshed.text}")
                    return 1
                print(f"{attempt}: {_refresh_summary(refreshed.json())}")
        print(f"\nSheet '{TAB}' after the refresh (some columns):\n")
        print(table(columns(sandbox.sheets.values(SPREADSHEET_ID, TAB), STATUS_VIEW)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
