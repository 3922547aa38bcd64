"""The fault suite's table: collected by the scenarios, printed at the end of the run, and
written to docs/fault-table.md when every scenario ran (so the page is made by the test run,
never pasted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.promises import TABLE, markdown

# Every test starts with a fresh minute of Google's Sheets quota, as in the integration suite
# whose world these tests share (one fixture, defined there).
from tests.integration.conftest import fresh_sheets_quota  # noqa: F401

TABLE_FILE = Path(__file__).resolve().parents[2] / "docs" / "fault-table.md"
HEADER = """# The fault table

Written by the fault suite (`tests/faults/test_fault_suite.py`) at the end of every `make test`
that runs all its scenarios; do not edit it by hand. What the columns mean, and what the
recruiter does about a `Pending` row: [failures.md](failures.md).

"""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TABLE:
        return
    from tests.faults.test_fault_suite import RUNS, SCENARIOS

    text = markdown(sorted(TABLE, key=lambda t: t.fault))
    terminalreporter.write_sep("=", "fault suite: the five promises, counted")
    terminalreporter.write_line(text)
    if len(TABLE) == len(SCENARIOS) * len(RUNS):
        TABLE_FILE.write_text(HEADER + text + "\n", encoding="utf-8")
