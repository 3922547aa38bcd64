"""The tab's properties and the selection (`service.read_tab_and`): read in turn the
first time the process meets a tab; after that, the selection is read with the tab as it was
last seen while its properties are read again, and kept only when they have not changed."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import pytest
from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError, NotFound
from jobmojito_sheets.request_body import InviteRequest
from jobmojito_sheets.service import TABS_LAST_READ, read_selection, read_tab_and, tab_ref
from jobmojito_sheets.sheets import SheetsGateway, Tab

from tests.unit.grid import Grid

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
HEADER = ["Name", "Email", "interview_url", "result"]


class Spreadsheet(Grid):
    """One tab behind the gateway's `tabs` and `read`; `tabs` notes whether a read of the
    values had begun before it answered, and can be made to fail."""

    def __init__(self, rows: list[list[str]], tab: Tab) -> None:
        super().__init__(rows)
        self.tab = tab
        self.tabs_error: InviteError | None = None
        self.read_error: InviteError | None = None
        self.reading = threading.Event()
        self.tabs_saw_a_read: list[bool] = []

    def tabs(self) -> list[Tab]:
        # Answers once a read has begun, or after a short wait when none comes (read in turn).
        self.tabs_saw_a_read.append(self.reading.wait(timeout=0.5))
        self.events.append("tabs")
        if self.tabs_error is not None:
            raise self.tabs_error
        return [self.tab]

    def read(self, tab: Tab, ranges: Sequence[str]) -> list[list[list[str]]]:
        self.reading.set()
        if self.read_error is not None:
            self.events.append("read")
            raise self.read_error
        return super().read(tab, ranges)


def sheet_of(count: int) -> list[list[str]]:
    return [HEADER] + [[f"Candidate {n}", f"c{n}@x.com", "", ""] for n in range(2, count + 2)]


def request_for(ranges: Sequence[str], spreadsheet_id: str = "1Tabs") -> InviteRequest:
    return InviteRequest(
        spreadsheet_id=spreadsheet_id, sheet_id=7, sheet=None, ranges=tuple(ranges),
        type="invitation", interview_id=INTERVIEW, hide_menu=False, dry_run=True, force=False,
    )  # fmt: skip


@pytest.fixture
def side() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


def read(sheet: Spreadsheet, request: InviteRequest, side: ThreadPoolExecutor) -> Any:
    sheet.reading.clear()
    gateway = cast(SheetsGateway, cast(Any, sheet))
    tab, (layout, plan) = read_tab_and(
        gateway, request, lambda tab: read_selection(gateway, tab, request, 1000), side
    )
    return tab, layout, plan


def emails_planned(answer: Any) -> list[str]:
    return [p.source.email for p in answer[2].to_send]


def test_a_tab_met_again_is_read_with_its_selection_at_once(side: ThreadPoolExecutor) -> None:
    sheet = Spreadsheet(sheet_of(5), Tab(7, "Candidates", 6, 4))
    request = request_for(["2:6"], spreadsheet_id="1TabsAgain")
    first = read(sheet, request, side)
    assert sheet.tabs_saw_a_read == [False]  # the first time: the properties, then the rows
    reads = len(sheet.reads)
    again = read(sheet, request, side)
    assert sheet.tabs_saw_a_read == [False, True]  # now both at once
    assert len(sheet.reads) == reads + 1  # and the selection is not read twice
    assert emails_planned(again) == emails_planned(first) == [f"c{n}@x.com" for n in range(2, 7)]
    assert again[0] == Tab(7, "Candidates", 6, 4)


def test_rows_added_since_are_read_again_with_the_new_grid(side: ThreadPoolExecutor) -> None:
    sheet = Spreadsheet(sheet_of(5), Tab(7, "Candidates", 6, 4))
    read(sheet, request_for(["2:6"], spreadsheet_id="1TabsGrown"), side)
    sheet.rows += [[f"Candidate {n}", f"c{n}@x.com", "", ""] for n in range(7, 10)]
    sheet.tab = Tab(7, "Candidates", 9, 4)
    answer = read(sheet, request_for(["2:9"], spreadsheet_id="1TabsGrown"), side)
    # The selection read with the old grid (rows 2 to 6) is dropped and read again whole.
    assert emails_planned(answer) == [f"c{n}@x.com" for n in range(2, 10)]
    assert answer[0] == sheet.tab
    assert TABS_LAST_READ.get(("1TabsGrown", 7)) == sheet.tab


def test_a_tab_renamed_since_is_read_under_its_new_title(side: ThreadPoolExecutor) -> None:
    sheet = Spreadsheet(sheet_of(3), Tab(7, "Candidates", 4, 4))
    request = request_for(["2:4"], spreadsheet_id="1TabsRenamed")
    read(sheet, request, side)
    sheet.tab = Tab(7, "Shortlist", 4, 4)
    answer = read(sheet, request, side)
    assert answer[0].title == "Shortlist"
    assert len(sheet.reads) == 3  # the guess under the old title was not kept


def test_the_properties_error_wins_over_the_selections(side: ThreadPoolExecutor) -> None:
    sheet = Spreadsheet(sheet_of(3), Tab(7, "Candidates", 4, 4))
    request = request_for(["2:4"], spreadsheet_id="1TabsNoAccess")
    read(sheet, request, side)
    no_access = InviteError("ask the owner", code=ErrorCode.SHEET_ACCESS_DENIED)
    sheet.tabs_error = no_access
    sheet.read_error = InviteError("bad range", code=ErrorCode.INVALID_RANGE)
    with pytest.raises(InviteError) as raised:
        read(sheet, request, side)
    assert raised.value is no_access


def test_a_tab_deleted_since_is_not_found(side: ThreadPoolExecutor) -> None:
    sheet = Spreadsheet(sheet_of(3), Tab(7, "Candidates", 4, 4))
    request = request_for(["2:4"], spreadsheet_id="1TabsDeleted")
    read(sheet, request, side)
    sheet.tab = Tab(8, "Another", 4, 4)
    sheet.read_error = InviteError("bad range", code=ErrorCode.INVALID_RANGE)
    with pytest.raises(NotFound):
        read(sheet, request, side)


def test_the_selections_error_stands_when_the_tab_is_unchanged(
    side: ThreadPoolExecutor,
) -> None:
    sheet = Spreadsheet(sheet_of(3), Tab(7, "Candidates", 4, 4))
    request = request_for(["2:4"], spreadsheet_id="1TabsReadFails")
    read(sheet, request, side)
    failure = InviteError("Sheets is unavailable", code=ErrorCode.SHEETS_UNAVAILABLE)
    sheet.read_error = failure
    with pytest.raises(InviteError) as raised:
        read(sheet, request, side)
    assert raised.value is failure


def test_tabs_are_remembered_by_spreadsheet_and_by_gid_or_title() -> None:
    by_gid = request_for(["2:3"])
    by_title = InviteRequest(
        spreadsheet_id="1Tabs", sheet_id=None, sheet="Candidates", ranges=("2:3",),
        type="invitation", interview_id=INTERVIEW, hide_menu=False, dry_run=False, force=False,
    )  # fmt: skip
    assert tab_ref(by_gid) == ("1Tabs", 7)
    assert tab_ref(by_title) == ("1Tabs", "Candidates")
