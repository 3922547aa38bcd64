"""Replay gspread's recordings of the real Sheets API v4 against the stand-in, over real HTTP.

Every Sheets request in ``tests/cassettes/*.json`` is sent to the stand-in; the answer must carry
the recorded status code and the recorded JSON body (for ``spreadsheets.get`` only the sheet
titles, ids and grid sizes are compared). Drive calls are not replayed, but their effect is:
creating a file creates the spreadsheet in the stand-in, deleting it removes it.

The world the recordings assume is rebuilt too: a spreadsheet a recording reads with a 403 answer
but never creates (gspread's "private spreadsheet" test) is someone else's spreadsheet, so it is
added under another account's token; one answered 404 simply does not exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.sheets_api import SheetsStandIn

CASSETTES = Path(__file__).parent / "cassettes"
RECORDINGS = sorted(CASSETTES.glob("*.json"))
TOKEN = "replay-token"
OTHER_ACCOUNT = "someone-elses-token"
SHEETS = "https://sheets.googleapis.com"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
_SPREADSHEET_ID = re.compile(r"^https://sheets\.googleapis\.com/v4/spreadsheets/([^/:?]+)")

Interaction = dict[str, Any]


def load(path: Path) -> list[Interaction]:
    interactions: list[Interaction] = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    return interactions


def response_json(interaction: Interaction) -> Any:
    text = interaction["response"]["body"]["string"]
    return json.loads(text) if text else None


def spreadsheet_id(uri: str) -> str | None:
    match = _SPREADSHEET_ID.match(uri)
    return match.group(1) if match else None


def is_spreadsheets_get(interaction: Interaction) -> bool:
    request = interaction["request"]
    path = request["uri"].split("?", 1)[0]
    return request["method"] == "GET" and re.search(r"/v4/spreadsheets/[^/:]+$", path) is not None


def sheet_summary(body: Any) -> Any:
    """What a spreadsheets.get comparison looks at: id, and each tab's title, id and grid size."""
    if not isinstance(body, dict) or "sheets" not in body:
        return body
    return {
        "spreadsheetId": body.get("spreadsheetId"),
        "sheets": [
            (
                s["properties"]["title"],
                s["properties"]["sheetId"],
                s["properties"]["gridProperties"]["rowCount"],
                s["properties"]["gridProperties"]["columnCount"],
            )
            for s in body["sheets"]
        ],
    }


def create_from_drive(standin: SheetsStandIn, later: list[Interaction], created: Any) -> None:
    """A Drive 'create spreadsheet' call: make it, with the tabs its first get shows."""
    new_id = created["id"]
    standin.add_spreadsheet(new_id, title=created["name"], tokens=[TOKEN])
    first_get = next(
        (
            i
            for i in later
            if is_spreadsheets_get(i) and spreadsheet_id(i["request"]["uri"]) == new_id
        ),
        None,
    )
    tabs = [] if first_get is None else response_json(first_get).get("sheets", [])
    if not tabs:
        standin.add_sheet(new_id, "Sheet1", sheet_id=0)
    for tab in tabs:
        props = tab["properties"]
        standin.add_sheet(
            new_id,
            props["title"],
            sheet_id=props["sheetId"],
            row_count=props["gridProperties"]["rowCount"],
            column_count=props["gridProperties"]["columnCount"],
        )


def add_preexisting(standin: SheetsStandIn, interactions: list[Interaction]) -> None:
    """Spreadsheets read but never created: a 403 means another account's spreadsheet."""
    created = {
        response_json(i)["id"]
        for i in interactions
        if i["request"]["method"] == "POST" and i["request"]["uri"].startswith(DRIVE_FILES)
    }
    for interaction in interactions:
        sid = spreadsheet_id(interaction["request"]["uri"])
        status = interaction["response"]["status"]["code"]
        if sid and sid not in created and status == 403:
            standin.add_spreadsheet(sid, title="Private", tokens=[OTHER_ACCOUNT])
            standin.add_sheet(sid, "Sheet1", sheet_id=0)


def with_recorded_sheet_ids(interaction: Interaction) -> str | None:
    """The request body, with addSheet asking for the sheetId the real API handed out."""
    body: str | None = interaction["request"]["body"]
    if body is None or ":batchUpdate" not in interaction["request"]["uri"]:
        return body
    parsed = json.loads(body)
    replies = (response_json(interaction) or {}).get("replies", [])
    for request, reply in zip(parsed.get("requests", []), replies, strict=False):
        if "addSheet" in request and "addSheet" in reply:
            sheet_id = reply["addSheet"]["properties"]["sheetId"]
            request["addSheet"].setdefault("properties", {})["sheetId"] = sheet_id
    return json.dumps(parsed)


def replay_drive(standin: SheetsStandIn, interactions: list[Interaction], index: int) -> None:
    request = interactions[index]["request"]
    if request["method"] == "POST" and request["uri"].startswith(DRIVE_FILES + "?"):
        create_from_drive(standin, interactions[index + 1 :], response_json(interactions[index]))
    elif request["method"] == "DELETE":
        deleted = request["uri"][len(DRIVE_FILES) + 1 :].split("?", 1)[0]
        standin.remove_spreadsheet(deleted)


def replay_sheets(base_url: str, interaction: Interaction) -> tuple[int, Any]:
    request = interaction["request"]
    body = with_recorded_sheet_ids(interaction)
    answer = requests.request(
        request["method"],
        request["uri"].replace(SHEETS, base_url, 1),
        data=None if body is None else body.encode("utf-8"),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        timeout=10,
    )
    return answer.status_code, answer.json() if answer.content else None


@pytest.mark.parametrize("recording", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_replay_matches_recording(recording: Path) -> None:
    interactions = load(recording)
    standin = SheetsStandIn()
    add_preexisting(standin, interactions)
    replayed = 0
    with standin.serve() as server:
        for index, interaction in enumerate(interactions):
            uri = interaction["request"]["uri"]
            if not uri.startswith(SHEETS):
                replay_drive(standin, interactions, index)
                continue
            status, body = replay_sheets(server.url, interaction)
            expected = response_json(interaction)
            where = f"{recording.name} #{index}: {interaction['request']['method']} {uri}"
            assert status == interaction["response"]["status"]["code"], where
            if is_spreadsheets_get(interaction):
                assert sheet_summary(body) == sheet_summary(expected), where
            else:
                assert body == expected, where
            replayed += 1
    assert replayed > 0
    assert len(standin.requests) == replayed


def test_every_recording_is_in_the_project_copy() -> None:
    names = {p.name for p in CASSETTES.iterdir()}
    assert len(RECORDINGS) == 12
    assert {"LICENSE.txt", "README.md"} <= names
