"""`make demo` runs the whole product and shows a refresh bringing statuses into the rows."""

from __future__ import annotations

import subprocess
import sys

from sandbox.world import ROOT


def test_the_demo_invites_refreshes_and_prints_statuses_scores_and_decisions() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sandbox.demo"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "Run: 12 rows selected: 8 sent, 8 ok" in out
    assert "8 interview credits spent, at most one per candidate." in out
    assert "Refresh: 12 rows: 4 completed, 1 started" in out
    assert "Refresh again: " in out and out.rstrip().count("0 rows changed") == 1
    after = out.split("after the refresh")[1]
    ada = next(line for line in after.splitlines() if "| Ada Lovelace " in line)
    assert "completed" in ada and "87" in ada and "selected" in ada
    grace = next(line for line in after.splitlines() if "| Grace Hopper " in line)
    assert "64.5" in grace and "rejected" in grace
