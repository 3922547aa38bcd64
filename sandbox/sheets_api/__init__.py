"""An in-memory stand-in for the Google Sheets API v4, served as a WSGI app.

It answers the calls the Cloud Function, the Apps Script end-to-end test and gspread's recorded
traffic make (``spreadsheets.get``, ``spreadsheets.batchUpdate`` and the ``values`` family)
with the status codes and JSON bodies the real API gives: ranges echoed the way Google echoes
them, trailing empty cells and rows trimmed, writes outside the grid refused, Google's error
bodies. Tests seed and inspect spreadsheets directly, count the calls in ``requests`` and
inject faults with ``inject()``.

    standin = SheetsStandIn()
    standin.add_spreadsheet("sheet-id", tokens=["token"])
    standin.add_sheet("sheet-id", "Candidates", rows=[["name", "email"]])
    with standin.serve() as server:
        ...  # point the client at server.url instead of https://sheets.googleapis.com

Modules, by concern:

- ``app``: routing, authorization, latency, the request log; ``SheetsStandIn`` itself.
- ``store``: spreadsheets, tabs and cells, and the test-side seeding and inspection methods.
- ``cells``: how values are stored (RAW, USER_ENTERED) and rendered.
- ``targets``: A1 ranges resolved against a spreadsheet, and the grid-limit error.
- ``values``: the ``spreadsheets.values`` calls.
- ``metadata``: ``spreadsheets.get`` and its ``fields`` mask.
- ``batch_update``: ``spreadsheets.batchUpdate`` requests.
- ``faults``: Google's error bodies, the read/write class of each call, injected faults.
"""

from sandbox.sheets_api.app import RecordedRequest, SheetsStandIn
from sandbox.sheets_api.faults import ApiError

__all__ = ["ApiError", "RecordedRequest", "SheetsStandIn"]
