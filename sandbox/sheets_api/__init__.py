"""An in-memory stand-in for the Google Sheets API v4, served as a WSGI app.

It answers the calls the Cloud Function, the Apps Script end-to-end test and gspread's recorded
traffic make (``spreadsheets.get``, ``spreadsheets.batchUpdate`` and the ``values`` family)
with the status codes and JSON bodies the real API gives: ranges echoed the way Google echoes
them, trailing empty cells and rows trimmed, writes outside the grid refused, Google's error
bodies, Google's per-minute quotas (60 reads and 60 writes per user, 300 of each per project,
in rolling windows). Tests seed and inspect spreadsheets directly, count the calls in
``requests``, inject faults with ``inject()`` and hanging calls with ``inject_delay()``.

    standin = SheetsStandIn()
    standin.add_spreadsheet("sheet-id", tokens=["token"])
    standin.add_sheet("sheet-id", "Candidates", rows=[["name", "email"]])
    with standin.serve() as server:
        ...  # point the client at server.url instead of https://sheets.googleapis.com

Modules, by concern:

- ``app``: routing, authorization, latency, the request log; ``SheetsStandIn`` itself.
- ``quota``: the per-minute read and write quotas, per user and per project.
- ``store``: spreadsheets, tabs and cells, and the test-side seeding and inspection methods.
- ``cells``: how values are stored (RAW, USER_ENTERED) and rendered.
- ``targets``: A1 ranges resolved against a spreadsheet, and the grid-limit error.
- ``values``: the ``spreadsheets.values`` calls.
- ``metadata``: ``spreadsheets.get`` and its ``fields`` mask.
- ``batch_update``: ``spreadsheets.batchUpdate`` requests.
- ``faults``: Google's error bodies, the read/write class of each call, injected faults.
"""

from sandbox.sheets_api.app import DEFAULT_PROJECT_NUMBER, RecordedRequest, SheetsStandIn
from sandbox.sheets_api.faults import ApiError
from sandbox.sheets_api.quota import REAL_LIMITS, QuotaLimits, QuotaRefusal

__all__ = [
    "DEFAULT_PROJECT_NUMBER",
    "REAL_LIMITS",
    "ApiError",
    "QuotaLimits",
    "QuotaRefusal",
    "RecordedRequest",
    "SheetsStandIn",
]
