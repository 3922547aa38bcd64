"""An in-memory stand-in for the Google Sheets API v4, served as a WSGI app.

It answers the calls gspread and the Cloud Function make (``spreadsheets.get``,
``spreadsheets.batchUpdate`` and the ``values`` family) with the status codes and JSON bodies the
real API gives: ranges echoed the way Google echoes them, trailing empty cells and rows trimmed,
writes outside the grid refused, Google's error bodies. Tests seed and inspect spreadsheets
directly, count the calls in ``requests`` and inject faults with ``inject()``.

    standin = SheetsStandIn()
    standin.add_spreadsheet("sheet-id", tokens=["token"])
    standin.add_sheet("sheet-id", "Candidates", rows=[["name", "email"]])
    with standin.serve() as server:
        ...  # point the client at server.url instead of https://sheets.googleapis.com
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from gspread.utils import a1_to_rowcol, rowcol_to_a1
from werkzeug.wrappers import Request, Response

from sandbox import a1
from sandbox.server import LoopbackServer

JSON = dict[str, Any]
CellValue = str | float | bool
WsgiEnviron = dict[str, Any]
StartResponse = Callable[..., Any]

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
FAULT_BODIES: dict[int, tuple[str, str]] = {
    429: (
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
    ),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
DEFAULT_FORMAT: JSON = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_HYPERLINK = re.compile(
    r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.IGNORECASE
)


class ApiError(Exception):
    """An error answer: HTTP status and Google's ``{"error": {...}}`` body."""

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")

    def body(self) -> JSON:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def invalid(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


@dataclass(frozen=True)
class Cell:
    """A stored cell: its effective value and, when it holds one, the formula text."""

    value: CellValue
    formula: str | None = None


@dataclass
class Sheet:
    """One tab: grid size and the non-empty cells, keyed by 1-based (row, column)."""

    sheet_id: int
    title: str
    row_count: int
    col_count: int
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def properties(self, index: int) -> JSON:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count},
        }

    def drop_outside_grid(self) -> None:
        self.cells = {
            key: cell
            for key, cell in self.cells.items()
            if key[0] <= self.row_count and key[1] <= self.col_count
        }


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    tokens: set[str]
    sheets: list[Sheet] = field(default_factory=list)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)


@dataclass(frozen=True)
class Target:
    """A parsed range on a sheet, plus the text the client sent."""

    sheet: Sheet
    bounds: a1.Bounds
    text: str

    @property
    def last_row(self) -> int:
        """Last row inside the grid (open ends and overhangs clamped)."""
        end = self.bounds.last_row or self.sheet.row_count
        return min(end, self.sheet.row_count)

    @property
    def last_col(self) -> int:
        end = self.bounds.last_col or self.sheet.col_count
        return min(end, self.sheet.col_count)

    def echo(self) -> str:
        """The range as the API echoes it: sheet-qualified and clamped to the grid."""
        b = self.bounds
        return a1.with_sheet(
            self.sheet.title,
            a1.format_cells(b.first_row, b.first_col, self.last_row, self.last_col),
        )

    def check_starts_in_grid(self) -> None:
        """Refuse a range that starts past the grid's last row or column, as the API does."""
        b = self.bounds
        if b.first_row > self.sheet.row_count or b.first_col > self.sheet.col_count:
            raise grid_error(self.sheet, a1.format_bounds(b))


def grid_error(sheet: Sheet, cells: str) -> ApiError:
    return invalid(
        f"Range ({a1.with_sheet(sheet.title, cells)}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
    )


@dataclass
class RecordedRequest:
    """One call the stand-in answered (injected failures included)."""

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any
    kind: str
    status: int


@dataclass
class _Fault:
    kind: str | None
    status: int
    remaining: int
    retry_after: float | None
    skip: int = 0


@dataclass(frozen=True)
class _Route:
    kind: str
    spreadsheet_id: str
    range_text: str | None = None


# ---------------------------------------------------------------------------------------------
# Values: input parsing and rendering


def _to_number(text: str) -> float | None:
    return float(text) if _NUMBER.match(text) else None


def user_entered(value: Any) -> Cell | None:
    """Interpret a value as typing it into the Sheets UI would (valueInputOption USER_ENTERED)."""
    if not isinstance(value, str):
        return raw_entered(value)
    if value == "":
        return None
    if value.startswith("'"):
        return Cell(value[1:])
    if value.startswith("=") and len(value) > 1:
        return Cell(evaluate_formula(value), formula=value)
    if value.upper() in ("TRUE", "FALSE"):
        return Cell(value.upper() == "TRUE")
    number = _to_number(value.strip())
    return Cell(number) if number is not None else Cell(value)


def raw_entered(value: Any) -> Cell | None:
    """Store a value exactly as given (valueInputOption RAW): text stays text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Cell(value)
    if isinstance(value, int | float):
        return Cell(float(value))
    return Cell(str(value))


def evaluate_formula(formula: str) -> str:
    """Stand-in evaluation: ``=HYPERLINK(url, label)`` shows its label, anything else its text."""
    match = _HYPERLINK.match(formula)
    if match is None:
        return formula
    url, label = match.group(1), match.group(2)
    return (label if label is not None else url).replace('""', '"')


def format_number(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.15g}"


def render(cell: Cell | None, option: str) -> Any:
    """A cell as values.get returns it under a valueRenderOption."""
    if cell is None:
        return ""
    if option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.value
    if option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return format_number(value)
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row and trailing empty rows, as the API does."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        trimmed.append(row[:end])
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def transpose(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[row[i] if i < len(row) else None for row in rows] for i in range(width)]


def _enum(
    query: dict[str, list[str]],
    name: str,
    field_name: str,
    kind: str,
    allowed: set[str],
    default: str | None,
) -> str | None:
    value = _first(query, name)
    if value is None:
        return default
    if value not in allowed:
        raise invalid(
            f"Invalid value at '{field_name}' (type.googleapis.com/google.apps.sheets.v4.{kind}), "
            f'"{value}"'
        )
    return value


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


# ---------------------------------------------------------------------------------------------
# Partial responses (`fields=`)


def parse_field_mask(mask: str) -> dict[str, Any]:
    """Parse ``sheets(properties(sheetId,title)),spreadsheetId`` into a nested dict of names."""
    tree, rest = _parse_mask_list(mask.replace(" ", ""))
    if rest:
        raise invalid("Request contains an invalid argument.")
    return tree


def _parse_mask_element(text: str) -> tuple[str, dict[str, Any] | None, str]:
    """One field name with what follows it (``.child`` or ``(children)``), and the rest."""
    name_match = re.match(r"[A-Za-z0-9_*]+", text)
    if name_match is None:
        raise invalid("Request contains an invalid argument.")
    name, text = name_match.group(0), text[name_match.end() :]
    sub: dict[str, Any] | None = None
    if text.startswith("."):
        sub, text = _parse_mask_list_item(text[1:])
    elif text.startswith("("):
        sub, text = _parse_mask_list(text[1:])
        if not text.startswith(")"):
            raise invalid("Request contains an invalid argument.")
        text = text[1:]
    return name, sub, text


def _parse_mask_list(text: str) -> tuple[dict[str, Any], str]:
    tree: dict[str, Any] = {}
    while True:
        name, sub, text = _parse_mask_element(text)
        _merge_mask(tree, name, sub)
        if not text.startswith(","):
            return tree, text
        text = text[1:]
        if text.startswith(")") or text == "":
            return tree, text


def _parse_mask_list_item(text: str) -> tuple[dict[str, Any], str]:
    """Parse the single path element after a dot (``a.b.c`` is ``a(b(c))``)."""
    name, sub, text = _parse_mask_element(text)
    return {name: sub}, text


def _merge_mask(tree: dict[str, Any], name: str, sub: dict[str, Any] | None) -> None:
    if name in tree and (tree[name] is None or sub is None):
        tree[name] = None
    elif name in tree:
        for key, value in sub.items() if sub else ():
            _merge_mask(tree[name], key, value)
    else:
        tree[name] = sub


def apply_field_mask(data: Any, tree: dict[str, Any] | None) -> Any:
    if tree is None or "*" in tree:
        return data
    if isinstance(data, list):
        return [apply_field_mask(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: apply_field_mask(data[key], sub) for key, sub in tree.items() if key in data}


# ---------------------------------------------------------------------------------------------
# The stand-in


class SheetsStandIn:
    """In-memory Google Sheets API v4; thread-safe; usable as a WSGI app."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._faults: list[_Fault] = []
        # Tokens ever granted stay valid credentials after a revoke or a deleted spreadsheet,
        # as an OAuth token does: they then get 403/404, not 401.
        self._known_tokens: set[str] = set()
        self._rng = random.Random(20230725)

    # -- seeding and inspection ---------------------------------------------------------------

    def add_spreadsheet(
        self, spreadsheet_id: str, title: str = "Candidates", tokens: Iterable[str] = ()
    ) -> None:
        """Create an empty spreadsheet (no tabs yet) that the given tokens may use."""
        with self._lock:
            granted = set(tokens)
            self._spreadsheets[spreadsheet_id] = Spreadsheet(spreadsheet_id, title, granted)
            self._known_tokens.update(granted)

    def remove_spreadsheet(self, spreadsheet_id: str) -> None:
        """Delete a spreadsheet, as deleting the file in Drive does."""
        with self._lock:
            self._spreadsheets.pop(spreadsheet_id, None)

    def add_sheet(
        self,
        spreadsheet_id: str,
        title: str,
        sheet_id: int | None = None,
        rows: list[list[str]] | None = None,
        row_count: int | None = None,
        column_count: int | None = None,
    ) -> int:
        """Add a tab and return its gid. Without rows the grid is 1000x26; with rows and no
        sizes it is sized exactly to the data, like a tab imported from CSV."""
        with self._lock:
            book = self._book(spreadsheet_id)
            if book.sheet_by_title(title) is not None:
                raise ValueError(f"sheet {title!r} already exists")
            data = rows or []
            if row_count is None:
                row_count = max(len(data), 1) if rows is not None else DEFAULT_ROWS
            if column_count is None:
                width = max((len(r) for r in data), default=0)
                column_count = max(width, 1) if rows is not None else DEFAULT_COLS
            gid = self._new_sheet_id(book) if sheet_id is None else sheet_id
            sheet = Sheet(gid, title, row_count, column_count)
            book.sheets.append(sheet)
            self._put_rows(sheet, 1, 1, data)
            return gid

    def seed_csv(
        self, spreadsheet_id: str, title: str, csv_text: str, sheet_id: int | None = None
    ) -> int:
        """Import CSV text as a new tab sized to the data."""
        rows = [list(r) for r in csv.reader(io.StringIO(csv_text))]
        return self.add_sheet(spreadsheet_id, title, sheet_id=sheet_id, rows=rows)

    def grant(self, spreadsheet_id: str, token: str) -> None:
        with self._lock:
            self._book(spreadsheet_id).tokens.add(token)
            self._known_tokens.add(token)

    def revoke(self, spreadsheet_id: str, token: str) -> None:
        with self._lock:
            self._book(spreadsheet_id).tokens.discard(token)

    def values(self, spreadsheet_id: str, title: str) -> list[list[str]]:
        """The tab's formatted values, trimmed like the API trims them."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            grid = self._read(sheet, 1, 1, sheet.row_count, sheet.col_count, "FORMATTED_VALUE")
            return trim(grid)

    def cell(self, spreadsheet_id: str, title: str, a1_cell: str) -> str:
        """One cell's formatted value ("" when empty)."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            rendered: str = render(sheet.cells.get(a1_to_rowcol(a1_cell)), "FORMATTED_VALUE")
            return rendered

    def formula(self, spreadsheet_id: str, title: str, a1_cell: str) -> str | None:
        """The formula stored in a cell, or None."""
        with self._lock:
            cell = self._sheet(spreadsheet_id, title).cells.get(a1_to_rowcol(a1_cell))
            return None if cell is None else cell.formula

    def formula_cells(self, spreadsheet_id: str, title: str) -> list[str]:
        """A1 addresses of the cells that hold formulas, in row-major order."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            keys = sorted(k for k, c in sheet.cells.items() if c.formula is not None)
            return [rowcol_to_a1(r, c) for r, c in keys]

    def grid_size(self, spreadsheet_id: str, title: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a tab."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            return sheet.row_count, sheet.col_count

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [s.title for s in self._book(spreadsheet_id).sheets]

    def set_values(
        self, spreadsheet_id: str, title: str, a1_start: str, rows: list[list[str]]
    ) -> None:
        """Edit cells directly (as a user typing, USER_ENTERED), e.g. to reorder rows mid-run.
        The grid is not grown; writing outside it raises ValueError."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, title)
            row, col = a1_to_rowcol(a1_start)
            width = max((len(r) for r in rows), default=0)
            if row + len(rows) - 1 > sheet.row_count or col + width - 1 > sheet.col_count:
                raise ValueError(f"{a1_start} + {len(rows)}x{width} exceeds the grid of {title!r}")
            self._put_rows(sheet, row, col, rows)

    # -- fault knobs --------------------------------------------------------------------------

    def inject(
        self,
        kind: str | None,
        status: int,
        times: int = 1,
        retry_after: float | None = None,
        *,
        after: int = 0,
    ) -> None:
        """Answer the next ``times`` calls of ``kind`` (None: any call; times=-1: always) with
        ``status`` and Google's error body, plus a Retry-After header when given; the first
        ``after`` matching calls go through untouched."""
        if times == 0 or times < -1:
            raise ValueError("times must be positive, or -1 for always")
        with self._lock:
            self._faults.append(_Fault(kind, status, times, retry_after, after))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self.latency = 0.0

    def count(self, kind: str) -> int:
        """How many recorded calls were of this kind."""
        with self._lock:
            return sum(1 for r in self.requests if r.kind == kind)

    # -- serving ------------------------------------------------------------------------------

    @property
    def app(self) -> Callable[[WsgiEnviron, StartResponse], Iterable[bytes]]:
        return self.__call__

    def __call__(self, environ: WsgiEnviron, start_response: StartResponse) -> Iterable[bytes]:
        response = self._handle(Request(environ))
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def serve(self) -> LoopbackServer:
        """Start a loopback HTTP server for this stand-in (stop it, or use it as a context)."""
        return LoopbackServer(self).start()

    # -- request handling ---------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        if self.latency > 0:
            time.sleep(self.latency)
        raw_path = _raw_path(request)
        query = parse_qs(request.query_string.decode("latin-1"), keep_blank_values=True)
        body = _json_body(request)
        route = _route(request.method, raw_path)
        kind = route.kind if route else "unknown"
        try:
            fault = self._take_fault(kind)
            if fault is not None:
                return self._answer(request, raw_path, query, body, kind, fault)
            if route is None:
                raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
            with self._lock:
                payload = self._dispatch(route, request, query, body)
            response = _json_response(200, payload)
        except ApiError as error:
            response = _json_response(error.code, error.body())
        self._record(request, raw_path, query, body, kind, response.status_code)
        return response

    def _answer(
        self,
        request: Request,
        raw_path: str,
        query: dict[str, list[str]],
        body: Any,
        kind: str,
        fault: _Fault,
    ) -> Response:
        status_name, message = FAULT_BODIES.get(
            fault.status, (STATUS_NAMES.get(fault.status, "UNKNOWN"), "Injected failure.")
        )
        response = _json_response(fault.status, ApiError(fault.status, message, status_name).body())
        if fault.retry_after is not None:
            response.headers["Retry-After"] = format_number(float(fault.retry_after))
        self._record(request, raw_path, query, body, kind, fault.status)
        return response

    def _take_fault(self, kind: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind is not None and fault.kind != kind:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                if fault.remaining > 0:
                    fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
            return None

    def _record(
        self,
        request: Request,
        raw_path: str,
        query: dict[str, list[str]],
        body: Any,
        kind: str,
        status: int,
    ) -> None:
        recorded = RecordedRequest(request.method, unquote(raw_path), query, body, kind, status)
        with self._lock:
            self.requests.append(recorded)

    def _dispatch(
        self, route: _Route, request: Request, query: dict[str, list[str]], body: Any
    ) -> JSON:
        book = self._authorize(request, route.spreadsheet_id)
        handlers: dict[str, Callable[[], JSON]] = {
            "spreadsheets.get": lambda: self._get_spreadsheet(book, query),
            "spreadsheets.batchUpdate": lambda: self._batch_update(book, body),
            "values.get": lambda: self._values_get(book, route, query),
            "values.batchGet": lambda: self._values_batch_get(book, query),
            "values.update": lambda: self._values_update(book, route, query, body),
            "values.batchUpdate": lambda: self._values_batch_update(book, body),
            "values.append": lambda: self._values_append(book, route, query, body),
            "values.clear": lambda: self._values_clear(book, route),
            "values.batchClear": lambda: self._values_batch_clear(book, body),
        }
        return handlers[route.kind]()

    def _authorize(self, request: Request, spreadsheet_id: str) -> Spreadsheet:
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not token:
            raise ApiError(401, MISSING_CREDENTIALS, "UNAUTHENTICATED")
        if token not in self._known_tokens:
            raise ApiError(401, INVALID_CREDENTIALS, "UNAUTHENTICATED")
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if token not in book.tokens:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return book

    # -- spreadsheets.get / batchUpdate ---------------------------------------------------------

    def _get_spreadsheet(self, book: Spreadsheet, query: dict[str, list[str]]) -> JSON:
        payload: JSON = {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {
                "title": book.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
                "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
            },
            "sheets": [{"properties": s.properties(i)} for i, s in enumerate(book.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }
        mask = _first(query, "fields")
        if mask:
            payload = apply_field_mask(payload, parse_field_mask(mask))
        return payload

    def _batch_update(self, book: Spreadsheet, body: Any) -> JSON:
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list):
            raise invalid("Invalid JSON payload: 'requests' must be a list.")
        # Work on copies so that one bad request leaves the spreadsheet untouched.
        staged = [copy.copy(s) for s in book.sheets]
        replies = [self._apply_request(book, staged, i, req) for i, req in enumerate(requests)]
        book.sheets = staged
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _apply_request(self, book: Spreadsheet, staged: list[Sheet], index: int, req: Any) -> JSON:
        if not isinstance(req, dict) or len(req) != 1:
            raise invalid(f"Invalid requests[{index}]: exactly one kind of request must be set.")
        ((name, args),) = req.items()
        where = f"Invalid requests[{index}].{name}"
        appliers: dict[str, Callable[[Spreadsheet, list[Sheet], str, JSON], JSON]] = {
            "addSheet": self._add_sheet_request,
            "deleteSheet": _delete_sheet_request,
            "updateSheetProperties": _update_properties_request,
            "appendDimension": _append_dimension_request,
            "insertDimension": _insert_dimension_request,
            "deleteDimension": _delete_dimension_request,
        }
        applier = appliers.get(name)
        if applier is None:
            raise invalid(f"Invalid requests[{index}]: the stand-in does not support {name!r}.")
        if not isinstance(args, dict):
            raise invalid(f"{where}: request body must be an object.")
        return applier(book, staged, where, args)

    def _add_sheet_request(
        self, book: Spreadsheet, staged: list[Sheet], where: str, args: JSON
    ) -> JSON:
        props = args.get("properties", {})
        title = props.get("title") or _next_title(staged)
        if any(s.title.lower() == str(title).lower() for s in staged):
            raise invalid(
                f'{where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self._new_sheet_id(book, staged)
        elif any(s.sheet_id == sheet_id for s in staged):
            raise invalid(f"{where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = Sheet(
            int(sheet_id),
            str(title),
            int(grid.get("rowCount", DEFAULT_ROWS)),
            int(grid.get("columnCount", DEFAULT_COLS)),
        )
        position = int(props.get("index", len(staged)))
        staged.insert(min(position, len(staged)), sheet)
        return {"addSheet": {"properties": sheet.properties(staged.index(sheet))}}

    def _new_sheet_id(self, book: Spreadsheet, sheets: list[Sheet] | None = None) -> int:
        taken = {s.sheet_id for s in (sheets if sheets is not None else book.sheets)}
        if 0 not in taken:
            return 0
        while True:
            candidate = self._rng.randrange(1, 2**31)
            if candidate not in taken:
                return candidate

    # -- values ---------------------------------------------------------------------------------

    def _target(self, book: Spreadsheet, text: str) -> Target:
        """Resolve a range text to a sheet and bounds, or fail like the API."""
        unparsable = invalid(f"Unable to parse range: {text}")
        try:
            split = a1.split_range(text)
        except a1.RangeSyntaxError:
            raise unparsable from None
        if split.sheet is None:
            named = book.sheet_by_title(text)
            if a1.is_cell_part(text) and book.sheets:
                return Target(book.sheets[0], a1.parse_cells(text), text)
            if named is not None:
                return Target(named, a1.whole_sheet(), text)
            raise unparsable
        sheet = book.sheet_by_title(split.sheet)
        if sheet is None:
            raise unparsable
        if split.cells == "":
            return Target(sheet, a1.whole_sheet(), text)
        if not a1.is_cell_part(split.cells):
            raise unparsable
        return Target(sheet, a1.parse_cells(split.cells), text)

    def _read(
        self,
        sheet: Sheet,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        option: str,
    ) -> list[list[Any]]:
        return [
            [render(sheet.cells.get((r, c)), option) for c in range(first_col, last_col + 1)]
            for r in range(first_row, last_row + 1)
        ]

    def _value_range(self, target: Target, query: dict[str, list[str]]) -> JSON:
        target.check_starts_in_grid()
        major = _major_dimension(_first(query, "majorDimension"))
        option = _enum(
            query,
            "valueRenderOption",
            "value_render_option",
            "ValueRenderOption",
            {"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"},
            "FORMATTED_VALUE",
        )
        b = target.bounds
        last_row, last_col = _data_extent(target)
        grid = self._read(
            target.sheet, b.first_row, b.first_col, last_row, last_col, option or "FORMATTED_VALUE"
        )
        if major == "COLUMNS":
            grid = [["" if v is None else v for v in col] for col in transpose(grid)]
        result: JSON = {"range": target.echo(), "majorDimension": major}
        values = trim(grid)
        if values:
            result["values"] = values
        return result

    def _values_get(self, book: Spreadsheet, route: _Route, query: dict[str, list[str]]) -> JSON:
        return self._value_range(self._target(book, route.range_text or ""), query)

    def _values_batch_get(self, book: Spreadsheet, query: dict[str, list[str]]) -> JSON:
        targets = [self._target(book, text) for text in query.get("ranges", [])]
        result: JSON = {"spreadsheetId": book.spreadsheet_id}
        if targets:
            result["valueRanges"] = [self._value_range(t, query) for t in targets]
        return result

    def _values_update(
        self, book: Spreadsheet, route: _Route, query: dict[str, list[str]], body: Any
    ) -> JSON:
        option = _input_option(_first(query, "valueInputOption"))
        data = _value_range_body(body)
        url_range = route.range_text or ""
        if data.get("range") not in (None, url_range):
            raise invalid(
                f"Requested range [{data['range']}] does not match the range in the URL "
                f"[{url_range}]."
            )
        write = self._plan_write(book, url_range, data)
        write.apply(option)
        response = write.summary(book.spreadsheet_id)
        if _first(query, "includeValuesInResponse") == "true":
            response["updatedData"] = self._updated_data(write, query)
        return response

    def _values_batch_update(self, book: Spreadsheet, body: Any) -> JSON:
        if not isinstance(body, dict):
            raise invalid("Invalid JSON payload received.")
        option = _input_option(body.get("valueInputOption"))
        items = body.get("data", [])
        if not isinstance(items, list):
            raise invalid("Invalid JSON payload: 'data' must be a list.")
        writes = [self._plan_write(book, str(item.get("range", "")), item) for item in items]
        for write in writes:
            write.apply(option)
        result: JSON = {"spreadsheetId": book.spreadsheet_id}
        if not writes:
            return result
        render_query = {
            "valueRenderOption": [body.get("responseValueRenderOption", "FORMATTED_VALUE")]
        }
        responses = []
        for write in writes:
            summary = write.summary(book.spreadsheet_id)
            if body.get("includeValuesInResponse"):
                summary["updatedData"] = self._updated_data(write, render_query)
            responses.append(summary)
        rows = {(w.target.sheet.sheet_id, r) for w in writes for r in w.rows_touched()}
        cols = {(w.target.sheet.sheet_id, c) for w in writes for c in w.cols_touched()}
        result.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=sum(w.cell_count for w in writes),
            totalUpdatedSheets=len({w.target.sheet.sheet_id for w in writes}),
            responses=responses,
        )
        return result

    def _values_append(
        self, book: Spreadsheet, route: _Route, query: dict[str, list[str]], body: Any
    ) -> JSON:
        option = _input_option(_first(query, "valueInputOption"))
        data = _value_range_body(body)
        target = self._target(book, route.range_text or "")
        target.check_starts_in_grid()
        rows = _oriented(data)
        sheet = target.sheet
        b = target.bounds
        used = [r for (r, c) in sheet.cells if b.first_row <= r and c >= b.first_col]
        start_row = max(used, default=b.first_row - 1) + 1
        width = max((len(r) for r in rows), default=0)
        insert = _first(query, "insertDataOption") == "INSERT_ROWS"
        if insert:
            _shift_rows(sheet, start_row, len(rows))
        sheet.row_count = max(sheet.row_count, start_row + len(rows) - 1)
        sheet.col_count = max(sheet.col_count, b.first_col + width - 1)
        anchor = a1.with_sheet(sheet.title, rowcol_to_a1(start_row, b.first_col))
        write = self._plan_write(book, anchor, {"values": rows})
        write.apply(option)
        table = target.echo() if used else None
        result: JSON = {"spreadsheetId": book.spreadsheet_id}
        if table is not None:
            result["tableRange"] = table
        result["updates"] = write.summary(book.spreadsheet_id)
        return result

    def _values_clear(self, book: Spreadsheet, route: _Route) -> JSON:
        target = self._target(book, route.range_text or "")
        return {"spreadsheetId": book.spreadsheet_id, "clearedRange": _clear(target)}

    def _values_batch_clear(self, book: Spreadsheet, body: Any) -> JSON:
        ranges = body.get("ranges", []) if isinstance(body, dict) else []
        targets = [self._target(book, str(text)) for text in ranges]
        for target in targets:
            target.check_starts_in_grid()
        return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": [_clear(t) for t in targets]}

    def _plan_write(self, book: Spreadsheet, text: str, data: JSON) -> _Write:
        target = self._target(book, text)
        rows = _oriented(data)
        write = _Write(target, rows)
        write.check()
        return write

    def _updated_data(self, write: _Write, query: dict[str, list[str]]) -> JSON:
        sheet = write.target.sheet
        b = write.target.bounds
        cells = a1.format_cells(b.first_row, b.first_col, write.last_row, write.last_col)
        target = Target(sheet, a1.parse_cells(cells), cells)
        return self._value_range(target, query)

    # -- helpers --------------------------------------------------------------------------------

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r}")
        return book

    def _sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        sheet = self._book(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            raise KeyError(f"no sheet {title!r} in {spreadsheet_id!r}")
        return sheet

    @staticmethod
    def _put_rows(sheet: Sheet, row: int, col: int, rows: list[list[str]]) -> None:
        for r, values in enumerate(rows, start=row):
            for c, value in enumerate(values, start=col):
                _store(sheet, r, c, user_entered(value))


# ---------------------------------------------------------------------------------------------
# Writes


@dataclass
class _Write:
    """A values write resolved against a sheet, validated before anything is stored."""

    target: Target
    rows: list[list[Any]]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    @property
    def last_row(self) -> int:
        return self.target.bounds.first_row + max(len(self.rows), 1) - 1

    @property
    def last_col(self) -> int:
        return self.target.bounds.first_col + max(self.width, 1) - 1

    @property
    def cell_count(self) -> int:
        return sum(len(r) for r in self.rows)

    def rows_touched(self) -> range:
        first = self.target.bounds.first_row
        return range(first, first + len(self.rows)) if self.width else range(0)

    def cols_touched(self) -> range:
        first = self.target.bounds.first_col
        return range(first, first + self.width)

    def check(self) -> None:
        """Refuse writes past the requested range or the grid, in the API's words."""
        target, b, sheet = self.target, self.target.bounds, self.target.sheet
        target.check_starts_in_grid()
        if not self.rows or not self.width:
            return
        bounded = ":" in a1.split_range(target.text).cells
        if bounded and b.last_row is not None and self.last_row > b.last_row:
            raise invalid(
                f"Requested writing within range [{target.text}], but tried writing to row "
                f"[{b.last_row + 1}]"
            )
        if bounded and b.last_col is not None and self.last_col > b.last_col:
            raise invalid(
                f"Requested writing within range [{target.text}], but tried writing to column "
                f"[{a1.column_letters(b.last_col + 1)}]"
            )
        if self.last_col > sheet.col_count:
            first_out = max(b.first_col, sheet.col_count + 1)
            raise grid_error(
                sheet, a1.format_cells(b.first_row, first_out, self.last_row, self.last_col)
            )
        if self.last_row > sheet.row_count:
            first_out = max(b.first_row, sheet.row_count + 1)
            raise grid_error(
                sheet, a1.format_cells(first_out, b.first_col, self.last_row, self.last_col)
            )

    def apply(self, option: str) -> None:
        parse = user_entered if option == "USER_ENTERED" else raw_entered
        b = self.target.bounds
        for r, values in enumerate(self.rows, start=b.first_row):
            for c, value in enumerate(values, start=b.first_col):
                if value is not None:
                    _store(self.target.sheet, r, c, parse(value))

    def summary(self, spreadsheet_id: str) -> JSON:
        b = self.target.bounds
        if not self.width:
            return {"spreadsheetId": spreadsheet_id}
        cells = a1.format_cells(b.first_row, b.first_col, self.last_row, self.last_col)
        return {
            "spreadsheetId": spreadsheet_id,
            "updatedRange": a1.with_sheet(self.target.sheet.title, cells),
            "updatedRows": len(self.rows_touched()),
            "updatedColumns": self.width,
            "updatedCells": self.cell_count,
        }


def _data_extent(target: Target) -> tuple[int, int]:
    """The last row and column holding a value inside the target (so reads skip empty space)."""
    b = target.bounds
    last_row = last_col = 0
    for row, col in target.sheet.cells:
        if b.first_row <= row <= target.last_row and b.first_col <= col <= target.last_col:
            last_row, last_col = max(last_row, row), max(last_col, col)
    return last_row, last_col


def _store(sheet: Sheet, row: int, col: int, cell: Cell | None) -> None:
    if cell is None:
        sheet.cells.pop((row, col), None)
    else:
        sheet.cells[(row, col)] = cell


def _clear(target: Target) -> str:
    target.check_starts_in_grid()
    b = target.bounds
    for row, col in list(target.sheet.cells):
        if b.first_row <= row <= target.last_row and b.first_col <= col <= target.last_col:
            del target.sheet.cells[(row, col)]
    return target.echo()


def _shift_rows(sheet: Sheet, from_row: int, count: int) -> None:
    sheet.cells = {
        ((r + count, c) if r >= from_row else (r, c)): cell for (r, c), cell in sheet.cells.items()
    }


def _oriented(data: JSON) -> list[list[Any]]:
    """The body's values as rows, whatever its majorDimension."""
    values = data.get("values", [])
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise invalid(
            "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)"
        )
    major = _major_dimension(data.get("majorDimension"))
    if major == "COLUMNS":
        return transpose(values)
    return values


def _value_range_body(body: Any) -> JSON:
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received.")
    return body


def _major_dimension(value: Any) -> str:
    if value in (None, "", "ROWS", "DIMENSION_UNSPECIFIED"):
        return "ROWS"
    if value == "COLUMNS":
        return "COLUMNS"
    raise invalid(
        "Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), "
        f'"{value}"'
    )


def _input_option(value: Any) -> str:
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise invalid("'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise invalid(
            "Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{value}"'
        )
    return str(value)


# ---------------------------------------------------------------------------------------------
# spreadsheets.batchUpdate requests (module functions: they touch only the staged sheets)


def _next_title(staged: list[Sheet]) -> str:
    titles = {s.title for s in staged}
    n = len(staged) + 1
    while f"Sheet{n}" in titles:
        n += 1
    return f"Sheet{n}"


def _staged_sheet(staged: list[Sheet], where: str, sheet_id: Any) -> Sheet:
    sheet = next((s for s in staged if s.sheet_id == sheet_id), None)
    if sheet is None:
        raise invalid(f"{where}: No grid with id: {sheet_id}")
    return sheet


def _delete_sheet_request(book: Spreadsheet, staged: list[Sheet], where: str, args: JSON) -> JSON:
    sheet = _staged_sheet(staged, where, args.get("sheetId"))
    if len(staged) == 1:
        raise invalid(f"{where}: You can't remove all the sheets in a document.")
    staged.remove(sheet)
    return {}


def _field_paths(mask: str) -> set[str]:
    return {part.strip().replace("/", ".") for part in mask.split(",") if part.strip()}


def _update_properties_request(
    book: Spreadsheet, staged: list[Sheet], where: str, args: JSON
) -> JSON:
    props = args.get("properties", {})
    sheet = _staged_sheet(staged, where, props.get("sheetId"))
    fields = _field_paths(str(args.get("fields", "")))
    if not fields:
        raise invalid(f"{where}: At least one field must be updated, but 'fields' is empty.")
    every = "*" in fields
    updated = copy.copy(sheet)
    if every or "title" in fields:
        title = str(props.get("title", ""))
        if any(s.title.lower() == title.lower() and s is not sheet for s in staged):
            raise invalid(
                f'{where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )
        updated.title = title
    grid = props.get("gridProperties", {})
    if every or "gridProperties" in fields or "gridProperties.rowCount" in fields:
        updated.row_count = int(grid.get("rowCount", updated.row_count))
    if every or "gridProperties" in fields or "gridProperties.columnCount" in fields:
        updated.col_count = int(grid.get("columnCount", updated.col_count))
    if updated.row_count < 1 or updated.col_count < 1:
        raise invalid(f"{where}: Sheet must have at least one row and one column.")
    updated.drop_outside_grid()
    position = staged.index(sheet)
    staged[position] = updated
    if every or "index" in fields:
        staged.remove(updated)
        staged.insert(min(int(props.get("index", position)), len(staged)), updated)
    return {}


def _dimension(where: str, value: Any) -> str:
    if value not in ("ROWS", "COLUMNS"):
        raise invalid(f"{where}: dimension must be ROWS or COLUMNS, got {value!r}.")
    return str(value)


def _append_dimension_request(
    book: Spreadsheet, staged: list[Sheet], where: str, args: JSON
) -> JSON:
    sheet = _staged_sheet(staged, where, args.get("sheetId"))
    dimension = _dimension(where, args.get("dimension"))
    length = args.get("length")
    if not isinstance(length, int) or length < 1:
        raise invalid(f"{where}: length must be greater than zero.")
    grown = copy.copy(sheet)
    if dimension == "ROWS":
        grown.row_count += length
    else:
        grown.col_count += length
    staged[staged.index(sheet)] = grown
    return {}


def _dimension_span(sheet: Sheet, where: str, args: JSON) -> tuple[str, int, int]:
    span = args.get("range", {})
    dimension = _dimension(where, span.get("dimension"))
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    start = int(span.get("startIndex", 0))
    end = int(span.get("endIndex", limit))
    if not 0 <= start < end:
        raise invalid(f"{where}: Invalid dimension range [{start}, {end}).")
    return dimension, start, end


def _insert_dimension_request(
    book: Spreadsheet, staged: list[Sheet], where: str, args: JSON
) -> JSON:
    sheet = _staged_sheet(staged, where, args.get("range", {}).get("sheetId"))
    dimension, start, end = _dimension_span(sheet, where, args)
    count = end - start
    moved = copy.copy(sheet)
    if dimension == "ROWS":
        _shift_rows(moved, start + 1, count)
        moved.row_count += count
    else:
        moved.cells = {
            ((r, c + count) if c > start else (r, c)): cell for (r, c), cell in sheet.cells.items()
        }
        moved.col_count += count
    staged[staged.index(sheet)] = moved
    return {}


def _delete_dimension_request(
    book: Spreadsheet, staged: list[Sheet], where: str, args: JSON
) -> JSON:
    sheet = _staged_sheet(staged, where, args.get("range", {}).get("sheetId"))
    dimension, start, end = _dimension_span(sheet, where, args)
    count = end - start
    limit = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if end > limit:
        raise invalid(f"{where}: Invalid dimension range [{start}, {end}).")
    if count >= limit:
        raise invalid(f"{where}: You can't delete all the rows/columns on the sheet.")
    moved = copy.copy(sheet)
    axis = 0 if dimension == "ROWS" else 1
    moved.cells = {}
    for key, cell in sheet.cells.items():
        position = key[axis]
        if start < position <= end:
            continue
        if position > end:
            key = (position - count, key[1]) if axis == 0 else (key[0], position - count)
        moved.cells[key] = cell
    if axis == 0:
        moved.row_count -= count
    else:
        moved.col_count -= count
    staged[staged.index(sheet)] = moved
    return {}


# ---------------------------------------------------------------------------------------------
# HTTP plumbing

_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)$"), "spreadsheets.get"),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+):batchUpdate$"),
        "spreadsheets.batchUpdate",
    ),
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchGet$"), "values.batchGet"),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchUpdate$"),
        "values.batchUpdate",
    ),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchClear$"),
        "values.batchClear",
    ),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>[^/]+):clear$"),
        "values.clear",
    ),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>[^/]+):append$"),
        "values.append",
    ),
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>[^/]+)$"), "values.get"),
    (
        "PUT",
        re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>[^/]+)$"),
        "values.update",
    ),
]


def _route(method: str, raw_path: str) -> _Route | None:
    """Match the still percent-encoded path, so an encoded '/' or ':' in a range stays put."""
    for route_method, pattern, kind in _ROUTES:
        match = pattern.match(raw_path)
        if match is not None and method == route_method:
            groups = match.groupdict()
            range_text = groups.get("range")
            return _Route(
                kind,
                unquote(groups["id"]),
                None if range_text is None else unquote(range_text),
            )
    return None


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = str(raw).split("?", 1)[0]
        if "://" in path:
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        return path
    return str(request.environ.get("PATH_INFO", request.path))


def _json_body(request: Request) -> Any:
    data = request.get_data()
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _json_response(status: int, payload: JSON) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, indent=2),
        status=status,
        content_type="application/json; charset=UTF-8",
    )
