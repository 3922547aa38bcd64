"""End to end: the Apps Script menu, run in Node, against the real function and the stand-ins.

"Menu click -> function -> JobMojito stand-in -> Sheet" as one: the script's UrlFetchApp makes
real HTTP calls to the function under functions-framework, and its SpreadsheetApp reads and
writes the same Sheets stand-in the function uses. The Node side is apps_script/test/e2e.test.js;
its harness holds the script to Apps Script's real limits on a real clock (6 minutes per
execution, 60 s per fetch), and the script waits for real when the function asks it to
(`retry_after_seconds`, the Sheets stand-in's per-minute quota).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sandbox.jobmojito_api import JobMojitoStandIn
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


def test_menu_runs_300_rows_in_chunks_then_a_rerun_skips_what_is_done(
    world: Sandbox, function: FunctionProcess
) -> None:
    npm = shutil.which("npm")
    assert npm, "npm is needed for the Apps Script end-to-end test (Node 20 with npm)"
    assert (APPS_SCRIPT / "node_modules").is_dir(), "run `make test` (it runs npm ci first)"
    rows = [["Name", "Email", "Candidate ID"]] + [
        [f"Candidate {i}", f"e2e.candidate{i}@example.com", f"E-{i:03d}"] for i in range(CANDIDATES)
    ]
    world.sheets.add_spreadsheet(SPREADSHEET, tokens=[RECRUITER_TOKEN, SPREADSHEETAPP_TOKEN])
    world.sheets.add_sheet(SPREADSHEET, TAB, sheet_id=0, rows=rows)
    world.jobmojito.reset()
    slow = JobMojitoStandIn([JOBMOJITO_TOKEN], [INTERVIEW_ID], MERCHANT_ID, latency=1.0)
    slow_server = slow.serve()
    short_env = world.function_env(**SHORT_BUDGET, JOBMOJITO_API_URL=slow_server.url)
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
        }
        done = subprocess.run(
            [npm, "run", "--silent", "test:e2e"],
            cwd=APPS_SCRIPT, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 6" in done.stdout, done.stdout[-2000:]
    print("\n".join(line for line in done.stdout.splitlines() if line.lstrip().startswith("# ")))
    # Every candidate got exactly one credit across the six menu runs, including the 12 rows
    # that took `remaining` continuations and the 12 whose first run stopped for time and
    # whose second run continued.
    slow_server.stop()
    credits = world.jobmojito.credits_by_email() + slow.credits_by_email()
    assert len(credits) == CANDIDATES and set(credits.values()) == {1}
    assert len(slow.credits_by_email()) == 24
