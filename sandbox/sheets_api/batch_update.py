"""``spreadsheets.batchUpdate``: addSheet, deleteSheet, updateSheetProperties, appendDimension.

Rules:

- The requests apply in order to a staged copy of the tabs; if any is refused, none applies
  and the spreadsheet is untouched (a batch is atomic, as the API's is).
- Each request object holds exactly one kind of request; the replies mirror the requests:
  addSheet answers the new tab's properties, the others ``{}``.
- Tab titles are unique ignoring case and gids are unique; a spreadsheet keeps at least one
  tab; a grid keeps at least one row and one column, and shrinking it drops the cells outside.
- A new tab without a size is 1000 by 26, without a gid gets a fresh one.
- Request kinds and properties the stand-in does not implement are refused with a 400 naming
  them, never silently ignored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.sheets_api.faults import JSON, invalid, unsupported
from sandbox.sheets_api.store import DEFAULT_COLS, DEFAULT_ROWS, Sheet, Spreadsheet

NewSheetId = Callable[[list[Sheet]], int]
UPDATABLE_PROPERTIES = frozenset(
    {"title", "gridProperties", "gridProperties.rowCount", "gridProperties.columnCount"}
)


@dataclass
class _Batch:
    """The tabs as the requests so far left them, and where fresh gids come from."""

    staged: list[Sheet]
    new_sheet_id: NewSheetId

    def sheet(self, where: str, sheet_id: Any) -> Sheet:
        sheet = next((s for s in self.staged if s.sheet_id == sheet_id), None)
        if sheet is None:
            raise invalid(f"{where}: No grid with id: {sheet_id}")
        return sheet

    def replace(self, old: Sheet, new: Sheet) -> None:
        self.staged[self.staged.index(old)] = new

    def check_title_free(self, where: str, title: str, keep: Sheet | None = None) -> None:
        if any(s.title.lower() == title.lower() and s is not keep for s in self.staged):
            raise invalid(
                f'{where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )


def apply(book: Spreadsheet, body: Any, new_sheet_id: NewSheetId) -> JSON:
    """Apply a batch to the spreadsheet, all or nothing, and answer its replies."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list):
        raise invalid("Invalid JSON payload: 'requests' must be a list.")
    batch = _Batch([copy.copy(s) for s in book.sheets], new_sheet_id)
    replies = [_apply_one(batch, index, request) for index, request in enumerate(requests)]
    book.sheets = batch.staged
    return {"spreadsheetId": book.spreadsheet_id, "replies": replies}


def _apply_one(batch: _Batch, index: int, request: Any) -> JSON:
    if not isinstance(request, dict) or len(request) != 1:
        raise invalid(f"Invalid requests[{index}]: exactly one kind of request must be set.")
    ((name, args),) = request.items()
    applier = _APPLIERS.get(name)
    if applier is None:
        raise unsupported(f"Invalid requests[{index}]", repr(name))
    where = f"Invalid requests[{index}].{name}"
    if not isinstance(args, dict):
        raise invalid(f"{where}: request body must be an object.")
    return applier(batch, where, args)


def _add_sheet(batch: _Batch, where: str, args: JSON) -> JSON:
    props = args.get("properties", {})
    title = str(props.get("title") or "")
    if not title:
        raise unsupported(where, "a new tab without a title")
    batch.check_title_free(where, title)
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = batch.new_sheet_id(batch.staged)
    elif any(s.sheet_id == sheet_id for s in batch.staged):
        raise invalid(f"{where}: Sheet with id {sheet_id} already exists.")
    grid = props.get("gridProperties", {})
    rows = int(grid.get("rowCount", DEFAULT_ROWS))
    cols = int(grid.get("columnCount", DEFAULT_COLS))
    sheet = Sheet(int(sheet_id), title, rows, cols)
    batch.staged.append(sheet)
    return {"addSheet": {"properties": sheet.properties(len(batch.staged) - 1)}}


def _delete_sheet(batch: _Batch, where: str, args: JSON) -> JSON:
    sheet = batch.sheet(where, args.get("sheetId"))
    if len(batch.staged) == 1:
        raise invalid(f"{where}: You can't remove all the sheets in a document.")
    batch.staged.remove(sheet)
    return {}


def _update_sheet_properties(batch: _Batch, where: str, args: JSON) -> JSON:
    props = args.get("properties", {})
    sheet = batch.sheet(where, props.get("sheetId"))
    mask = str(args.get("fields", ""))
    fields = {part.strip().replace("/", ".") for part in mask.split(",") if part.strip()}
    if not fields:
        raise invalid(f"{where}: At least one field must be updated, but 'fields' is empty.")
    unknown = sorted(fields - UPDATABLE_PROPERTIES)
    if unknown:
        raise unsupported(where, f"updating {unknown[0]!r}")
    updated = copy.copy(sheet)
    if "title" in fields:
        updated.title = str(props.get("title", ""))
        batch.check_title_free(where, updated.title, keep=sheet)
    grid = props.get("gridProperties", {})
    if fields & {"gridProperties", "gridProperties.rowCount"}:
        updated.row_count = int(grid.get("rowCount", updated.row_count))
    if fields & {"gridProperties", "gridProperties.columnCount"}:
        updated.col_count = int(grid.get("columnCount", updated.col_count))
    if updated.row_count < 1 or updated.col_count < 1:
        raise invalid(f"{where}: Sheet must have at least one row and one column.")
    updated.drop_outside_grid()
    batch.replace(sheet, updated)
    return {}


def _append_dimension(batch: _Batch, where: str, args: JSON) -> JSON:
    sheet = batch.sheet(where, args.get("sheetId"))
    dimension = args.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise invalid(f"{where}: dimension must be ROWS or COLUMNS, got {dimension!r}.")
    length = args.get("length")
    if not isinstance(length, int) or length < 1:
        raise invalid(f"{where}: length must be greater than zero.")
    grown = copy.copy(sheet)
    if dimension == "ROWS":
        grown.row_count += length
    else:
        grown.col_count += length
    batch.replace(sheet, grown)
    return {}


_APPLIERS: dict[str, Callable[[_Batch, str, JSON], JSON]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "appendDimension": _append_dimension,
}
