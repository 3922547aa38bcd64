"""End to end: the Apps Script menu, run in Node, against the real function and the stand-ins.

"Menu click -> function -> JobMojito stand-in -> Sheet" as one: the script's UrlFetchApp makes
real HTTP calls to the function under functions-framework, and its SpreadsheetApp reads and
writes the same Sheets stand-in the function uses. The Node side is apps_script/test/e2e.test.js;
its harness holds the script to Apps Script's real limits on a real clock (6 minutes per
execution, 60 s per fetch), and the script waits for real when the function asks it to
(`retry_after_seconds`, the Sheets stand-in's quota). Google's quota window, a minute, is
scaled down to `QUOTA_WINDOW` seconds in the stand-in and the functions alike (60 reads and 60
writes per window), so that such a wait takes seconds, not a minute.

A second tab, "Interviews", is for what issue 11 added: Refresh interview status after the
candidates moved on in the JobMojito stand-in, Send personal invitations…, test mode and the
hourly trigger. The Node side moves candidates through `E2E_WORLD_URL`, a small control server
of this test (`world_control`) in front of the stand-in's own methods.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from sandbox.jobmojito_api import INVITE_PATH, JobMojitoStandIn
from sandbox.script_fixtures import enrol
from sandbox.server import LoopbackServer
from sandbox.world import (
    INTERVIEW_ID,
    JOBMOJITO_TOKEN,
    MERCHANT_ID,
    RECRUITER_TOKEN,
    TAB,
    FunctionProcess,
    Sandbox,
)

APPS_SCRIPT = Path(__file__).resolve().parents[2] / "apps_script"
SPREADSHEET = "1AppsScriptEndToEnd"
# Rows 2-301 for the runs in parts, rows 302-313 for the `remaining` run, rows 314-325 for the
# run that stops before Apps Script's time limit and the run that continues it.
CANDIDATES = 324
# The fake SpreadsheetApp's own token: real SpreadsheetApp calls do not spend the recruiter's
# Sheets API quota, so the harness's reads and writes must not either.
SPREADSHEETAPP_TOKEN = "ya29.e2e-spreadsheetapp-harness"
# A function that sends 2 rows per batch, one batch at a time, with a 2 s deadline, in front of
# a JobMojito that takes 1 s a batch: each call sends one batch (a second would not finish in
# time), so 12 rows take five `remaining` continuations, and each of those answers lists the
# rows still to do as `not_yet` again (10 + 8 + 6 + 4 + 2 = 30 times).
SHORT_BUDGET = {"BATCH_SIZE": "2", "CONCURRENCY": "1", "DEADLINE_SECONDS": "2"}
# The issue-11 tab: rows 2-5 for the status refresh (and the hourly one), 6-9 for the personal
# invitation (new, known from another interview, already enrolled, refused), 10-11 test mode.
INTERVIEWS_TAB = "Interviews"
INTERVIEWS = [
    ["Name", "Email"],
    *([f"Status {i}", f"e2e.status{i}@example.com"] for i in range(1, 5)),
    *([f"Personal {i}", f"e2e.personal{i}@example.com"] for i in range(1, 5)),
    *([f"Trial {i}", f"e2e.trial{i}@example.com"] for i in range(1, 3)),
]
QUOTA_WINDOW = 10  # seconds: Google's per-user window (60 s), scaled down
MENU_TESTS = 10  # the tests e2e.test.js runs (the 6 of the first tab, the 4 of issue 11)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def world_control(world: Sandbox) -> WsgiApp:
    """What happens in JobMojito between two menu runs, asked for by the Node side:
    `{"do": "complete", "email": …, "score": 87}`, `start`, `decide` (`decision`), `enrol`
    (straight with JobMojito, in `interview_id`, added first if new), `reject` (`result`);
    and `{"do": "fresh_quota"}`: a new minute of the recruiter's Sheets quota, as each test of
    the suite starts with (the issue-11 part comes after 300 rows' worth of calls)."""

    def act(order: dict[str, Any]) -> None:
        if order["do"] == "fresh_quota":
            world.sheets.reset_quota()
            return
        email, jobmojito = order["email"], world.jobmojito
        match order["do"]:
            case "start":
                jobmojito.start(email)
            case "complete":
                jobmojito.complete(email, score=order.get("score"))
            case "decide":
                jobmojito.decide(email, order["decision"])
            case "enrol":
                interview_id = order.get("interview_id", INTERVIEW_ID)
                jobmojito.add_interview(interview_id)
                enrol(world, [email], interview_id)
            case "reject":
                jobmojito.reject_email(email, order["result"])
            case other:
                raise ValueError(f"unknown order {other!r}")

    @Request.application
    def app(request: Request) -> Response:
        try:
            act(json.loads(request.get_data(as_text=True)))
        except (KeyError, ValueError) as problem:
            return Response(json.dumps({"error": repr(problem)}), 400)
        return Response("{}", 200, content_type="application/json")

    served: WsgiApp = app
    return served


@pytest.mark.timeout(300)  # ten menu runs on a real clock, some waiting for the Sheets quota
def test_menu_runs_300_rows_in_chunks_then_a_rerun_skips_what_is_done(
    world: Sandbox, start_function: Callable[..., FunctionProcess]
) -> None:
    world.sheets.set_quota(window=float(QUOTA_WINDOW))  # Google's figures are back after it
    window = {"SHEETS_QUOTA_WINDOW_SECONDS": str(QUOTA_WINDOW)}
    function = start_function(**window)
    npm = shutil.which("npm")
    assert npm, "npm is needed for the Apps Script end-to-end test (Node 20 with npm)"
    assert (APPS_SCRIPT / "node_modules").is_dir(), "run `make test` (it runs npm ci first)"
    rows = [["Name", "Email", "Candidate ID"]] + [
        [f"Candidate {i}", f"e2e.candidate{i}@example.com", f"E-{i:03d}"] for i in range(CANDIDATES)
    ]
    world.sheets.add_spreadsheet(SPREADSHEET, tokens=[RECRUITER_TOKEN, SPREADSHEETAPP_TOKEN])
    world.sheets.add_sheet(SPREADSHEET, TAB, sheet_id=0, rows=rows)
    world.sheets.add_sheet(SPREADSHEET, INTERVIEWS_TAB, sheet_id=1, rows=INTERVIEWS)
    world.jobmojito.reset()
    control = LoopbackServer(world_control(world)).start()
    slow = JobMojitoStandIn([JOBMOJITO_TOKEN], [INTERVIEW_ID], MERCHANT_ID, latency=1.0)
    slow_server = slow.serve()
    short_env = world.function_env(**SHORT_BUDGET, **window, JOBMOJITO_API_URL=slow_server.url)
    with FunctionProcess(short_env) as short_budget:
        env = {
            **os.environ,
            "E2E_FUNCTION_URL": function.url,
            "E2E_SHORT_BUDGET_FUNCTION_URL": short_budget.url,
            "E2E_SHEETS_API_URL": world.servers["sheets"].url,
            "E2E_SPREADSHEET_ID": SPREADSHEET,
            "E2E_SHEET_TITLE": TAB,
            "E2E_ID_TOKEN": world.id_token(),
            "E2E_ACCESS_TOKEN": RECRUITER_TOKEN,
            "E2E_SPREADSHEETAPP_TOKEN": SPREADSHEETAPP_TOKEN,
            "E2E_INTERVIEW_ID": INTERVIEW_ID,
            "E2E_INTERVIEWS_TITLE": INTERVIEWS_TAB,
            "E2E_WORLD_URL": control.url,
        }
        done = subprocess.run(
            [npm, "run", "--silent", "test:e2e"],
            cwd=APPS_SCRIPT, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    control.stop()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and f"# pass {MENU_TESTS}" in done.stdout, done.stdout[-2000:]
    print("\n".join(line for line in done.stdout.splitlines() if line.lstrip().startswith("# ")))
    # Every candidate got exactly one credit across the menu runs, including the 12 rows that
    # took `remaining` continuations and the 12 whose first run stopped for time and whose
    # second run continued; on the Interviews tab, the refused candidate none, and the one
    # another tool had enrolled none more.
    slow_server.stop()
    credits = Counter(
        credit.email
        for stand_in in (world.jobmojito, slow)
        for credit in stand_in.credits
        if credit.interview_id == INTERVIEW_ID  # not the other interview a candidate came from
    )
    interviews = {email for _, email in INTERVIEWS[1:]}
    assert set(credits) == {r[1].lower() for r in rows[1:]} | interviews - {
        "e2e.personal4@example.com"
    }
    assert set(credits.values()) == {1}
    assert len(slow.credits_by_email()) == 24
    # The personal invitation went to JobMojito once per candidate: its rerun sent nothing.
    invited = Counter(
        user["email"]
        for call in world.jobmojito.calls
        if call.endpoint == INVITE_PATH
        for user in call.json["users"]
    )
    assert invited == Counter(f"e2e.personal{i}@example.com" for i in range(1, 5))
