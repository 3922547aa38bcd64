"""10,000 rows through the Apps Script, the function and the stand-ins with every limit on
(Google's Sheets quota, Cloud Run's 60 s, Apps Script's 6 minutes and UrlFetchApp's 60 s):
one menu run completes under the quota, with no error shown and one credit per candidate.
The same driver as `make bench`, which times it; this test asserts the behaviour only."""

from __future__ import annotations

import shutil

from bench.run import BenchSandbox, run_case

ROWS = 10_000


def test_ten_thousand_rows_through_the_script_finish_under_the_quota_and_show_no_error() -> None:
    node = shutil.which("node")
    assert node, "Node 20 is needed (make test installs the script's dependencies)"
    world = BenchSandbox()
    with world:
        case = run_case(world, node, ROWS, latency=0.0)
        credits = world.jobmojito.credits_by_email()
    assert case.errors_shown == [], case.errors_shown
    assert case.quota_errors_shown == 0
    assert case.menu_runs == 1  # no "run it again" needed
    assert len(credits) == ROWS and set(credits.values()) == {1}
