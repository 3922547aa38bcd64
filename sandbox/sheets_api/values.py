"""The ``spreadsheets.values`` calls: get, batchGet, update, batchUpdate, clear, batchClear.

Rules:

- Reads return the target's range as echoed (``targets``), ``majorDimension`` ROWS or COLUMNS
  and the rendered values (``cells``), trimmed; a range with no values has no ``values`` key.
- Writes need ``valueInputOption`` RAW or USER_ENTERED and take their values as rows.
- A JSON ``null`` in a write leaves its cell unchanged and is not counted in ``updatedCells``;
  ``""`` empties the cell and is counted. ``updatedRange``, ``updatedRows`` and
  ``updatedColumns`` cover the block the values span, nulls included.
- A write must fit the range it names when that range has an end (``A1:B2``) and must fit
  the grid; otherwise nothing of the call is written. A batchUpdate checks every range
  before writing any.
- Options the stand-in does not implement (``includeValuesInResponse``, date-time rendering,
  ...) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox import a1
from sandbox.sheets_api.cells import RENDER_OPTIONS, raw_entered, trim, user_entered
from sandbox.sheets_api.faults import JSON, invalid, unsupported
from sandbox.sheets_api.store import Spreadsheet
from sandbox.sheets_api.targets import Target, grid_error, resolve

Query = dict[str, list[str]]


def first(query: Query, name: str) -> str | None:
    """A query parameter's first value, or None."""
    values = query.get(name)
    return values[0] if values else None


# -- reads ------------------------------------------------------------------------------------


def get(book: Spreadsheet, range_text: str, query: Query) -> JSON:
    return _value_range(resolve(book, range_text), query)


def batch_get(book: Spreadsheet, query: Query) -> JSON:
    targets = [resolve(book, text) for text in query.get("ranges", [])]
    result: JSON = {"spreadsheetId": book.spreadsheet_id}
    if targets:
        result["valueRanges"] = [_value_range(t, query) for t in targets]
    return result


def _value_range(target: Target, query: Query) -> JSON:
    target.check_starts_in_grid()
    major = _major_dimension(first(query, "majorDimension"))
    option = first(query, "valueRenderOption")
    if option is None:
        option = "FORMATTED_VALUE"
    elif option not in RENDER_OPTIONS:
        raise invalid(
            "Invalid value at 'value_render_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "{option}"'
        )
    b = target.bounds
    last_row, last_col = _data_extent(target)
    grid = target.sheet.rendered(b.first_row, b.first_col, last_row, last_col, option)
    if major == "COLUMNS":
        grid = [list(column) for column in zip(*grid, strict=True)]
    result: JSON = {"range": target.echo(), "majorDimension": major}
    values = trim(grid)
    if values:
        result["values"] = values
    return result


def _data_extent(target: Target) -> tuple[int, int]:
    """The last row and column holding a value inside the target (so reads skip empty space)."""
    last_row = last_col = 0
    for row, col in target.sheet.cells:
        if target.contains(row, col):
            last_row, last_col = max(last_row, row), max(last_col, col)
    return last_row, last_col


def _major_dimension(value: Any) -> str:
    if value in (None, "", "ROWS", "DIMENSION_UNSPECIFIED"):
        return "ROWS"
    if value == "COLUMNS":
        return "COLUMNS"
    raise invalid(
        "Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), "
        f'"{value}"'
    )


# -- writes -----------------------------------------------------------------------------------


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
        """The cells this write sets: every value but the nulls, which are skipped."""
        return sum(1 for row in self.rows for value in row if value is not None)

    def rows_touched(self) -> range:
        first_row = self.target.bounds.first_row
        return range(first_row, first_row + len(self.rows)) if self.width else range(0)

    def cols_touched(self) -> range:
        first_col = self.target.bounds.first_col
        return range(first_col, first_col + self.width)

    def check(self) -> None:
        """Refuse writes past the requested range or the grid, in the API's words."""
        target, b, sheet = self.target, self.target.bounds, self.target.sheet
        target.check_starts_in_grid()
        if not self.width:
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
        """Store the values; a null leaves its cell as it is."""
        parse = user_entered if option == "USER_ENTERED" else raw_entered
        b = self.target.bounds
        for r, values in enumerate(self.rows, start=b.first_row):
            for c, value in enumerate(values, start=b.first_col):
                if value is not None:
                    self.target.sheet.put(r, c, parse(value))

    def summary(self, spreadsheet_id: str) -> JSON:
        """The call's UpdateValuesResponse."""
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


def update(book: Spreadsheet, range_text: str, query: Query, body: Any) -> JSON:
    option = _input_option(first(query, "valueInputOption"))
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received.")
    if body.get("range") not in (None, range_text):
        raise invalid(
            f"Requested range [{body['range']}] does not match the range in the URL [{range_text}]."
        )
    write = _plan_write(book, range_text, body)
    write.apply(option)
    return write.summary(book.spreadsheet_id)


def batch_update(book: Spreadsheet, body: Any) -> JSON:
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received.")
    option = _input_option(body.get("valueInputOption"))
    items = body.get("data", [])
    if not isinstance(items, list):
        raise invalid("Invalid JSON payload: 'data' must be a list.")
    writes = [_plan_write(book, str(item.get("range", "")), item) for item in items]
    for write in writes:
        write.apply(option)
    result: JSON = {"spreadsheetId": book.spreadsheet_id}
    if not writes:
        return result
    rows = {(w.target.sheet.sheet_id, r) for w in writes for r in w.rows_touched()}
    cols = {(w.target.sheet.sheet_id, c) for w in writes for c in w.cols_touched()}
    result.update(
        totalUpdatedRows=len(rows),
        totalUpdatedColumns=len(cols),
        totalUpdatedCells=sum(w.cell_count for w in writes),
        totalUpdatedSheets=len({w.target.sheet.sheet_id for w in writes}),
        responses=[w.summary(book.spreadsheet_id) for w in writes],
    )
    return result


def _plan_write(book: Spreadsheet, range_text: str, data: JSON) -> _Write:
    write = _Write(resolve(book, range_text), _rows(data))
    write.check()
    return write


def _rows(data: JSON) -> list[list[Any]]:
    """The body's values, which must be rows."""
    values = data.get("values", [])
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise invalid(
            "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)"
        )
    if _major_dimension(data.get("majorDimension")) == "COLUMNS":
        raise unsupported("majorDimension", "COLUMNS in a write")
    return values


def _input_option(value: Any) -> str:
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise invalid("'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise invalid(
            "Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{value}"'
        )
    return str(value)


# -- clears -----------------------------------------------------------------------------------


def clear(book: Spreadsheet, range_text: str) -> JSON:
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": _clear(resolve(book, range_text))}


def batch_clear(book: Spreadsheet, body: Any) -> JSON:
    ranges = body.get("ranges", []) if isinstance(body, dict) else []
    targets = [resolve(book, str(text)) for text in ranges]
    for target in targets:
        target.check_starts_in_grid()
    return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": [_clear(t) for t in targets]}


def _clear(target: Target) -> str:
    target.check_starts_in_grid()
    for row, col in list(target.sheet.cells):
        if target.contains(row, col):
            del target.sheet.cells[(row, col)]
    return target.echo()
