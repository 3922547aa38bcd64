"""``spreadsheets.get``: a spreadsheet's id, title, URL and tabs, cut down by ``fields=``.

Rules:

- Each tab is listed with its SheetProperties (gid, title, index, type, grid size), in order;
  grid data is never included.
- ``fields`` is a field mask: names separated by commas, ``a.b`` for a path and ``a(b,c)``
  for several children (``sheets(properties(sheetId,title))``, ``sheets.properties``). The
  answer keeps only the named fields; a mask that does not parse is a 400.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.sheets_api.faults import JSON, ApiError, invalid
from sandbox.sheets_api.store import Spreadsheet

Mask = dict[str, Any]  # field name -> sub-mask, or None for the whole field

_NAME = re.compile(r"[A-Za-z0-9_]+")


def get(book: Spreadsheet, fields: str | None) -> JSON:
    payload: JSON = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": {"title": book.title},
        "sheets": [{"properties": s.properties(i)} for i, s in enumerate(book.sheets)],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
    }
    if fields:
        masked: JSON = apply_field_mask(payload, parse_field_mask(fields))
        return masked
    return payload


def parse_field_mask(mask: str) -> Mask:
    """Parse ``sheets(properties(sheetId,title)),spreadsheetId`` into a nested dict of names."""
    tree, rest = _parse_list(mask.replace(" ", ""))
    if rest:
        raise _bad_mask()
    return tree


def apply_field_mask(data: Any, tree: Mask | None) -> Any:
    """Keep only the fields the mask names (lists are masked item by item)."""
    if tree is None:
        return data
    if isinstance(data, list):
        return [apply_field_mask(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: apply_field_mask(data[key], sub) for key, sub in tree.items() if key in data}


def _bad_mask() -> ApiError:
    return invalid("Request contains an invalid argument.")


def _parse_element(text: str) -> tuple[str, Mask | None, str]:
    """One field name with what follows it (``.child`` or ``(children)``), and the rest."""
    name_match = _NAME.match(text)
    if name_match is None:
        raise _bad_mask()
    name, text = name_match.group(0), text[name_match.end() :]
    sub: Mask | None = None
    if text.startswith("."):
        child, grandchildren, text = _parse_element(text[1:])  # a.b.c is a(b(c))
        sub = {child: grandchildren}
    elif text.startswith("("):
        sub, text = _parse_list(text[1:])
        if not text.startswith(")"):
            raise _bad_mask()
        text = text[1:]
    return name, sub, text


def _parse_list(text: str) -> tuple[Mask, str]:
    tree: Mask = {}
    while True:
        name, sub, text = _parse_element(text)
        _merge(tree, name, sub)
        if not text.startswith(","):
            return tree, text
        text = text[1:]
        if text.startswith(")") or text == "":
            return tree, text


def _merge(tree: Mask, name: str, sub: Mask | None) -> None:
    """Add a field to a mask; naming a whole field wins over naming some of its children."""
    if name in tree and (tree[name] is None or sub is None):
        tree[name] = None
    elif name in tree:
        for key, value in sub.items() if sub else ():
            _merge(tree[name], key, value)
    else:
        tree[name] = sub
