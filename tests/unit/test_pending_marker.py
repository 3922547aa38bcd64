"""The write-ahead marker is what the next run's plan recognises as pending."""

from __future__ import annotations

from datetime import UTC, datetime

from jobmojito_sheets.plan import SheetRow, plan_invites
from jobmojito_sheets.row_status import RowStatus, pending_marker


def test_marker_names_the_run_and_the_utc_time() -> None:
    marker = pending_marker("a1b2c3", datetime(2026, 11, 26, 3, 4, tzinfo=UTC))
    assert marker == "Pending (run a1b2c3, 2026-11-26 03:04 UTC)"


def test_a_row_holding_the_marker_is_not_sent_again_without_force() -> None:
    marker = pending_marker("a1b2c3", datetime.now(UTC))
    row = SheetRow(row=2, name="Ann", email="ann@example.com", result=marker)
    assert plan_invites([row], force=False).rows[0].status is RowStatus.INTERRUPTED
    assert plan_invites([row], force=True).rows[0].status is RowStatus.WOULD_SEND
