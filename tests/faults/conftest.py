"""The fault suite's table: collected by the scenarios, printed at the end of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.promises import TABLE, markdown

TABLE_FILE = Path(__file__).resolve().parents[2] / "build" / "fault-table.md"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TABLE:
        return
    text = markdown(sorted(TABLE, key=lambda t: t.fault))
    terminalreporter.write_sep("=", "fault suite: the five promises, counted")
    terminalreporter.write_line(text)
    TABLE_FILE.parent.mkdir(exist_ok=True)
    TABLE_FILE.write_text(text + "\n", encoding="utf-8")
