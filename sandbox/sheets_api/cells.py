"""What a cell holds, how a value typed or sent into it is stored, and how it is shown.

Rules:

- RAW stores a value as given: text stays text, JSON numbers and booleans keep their type.
- USER_ENTERED reads text as the Sheets UI does: ``'`` keeps the rest as text, ``=`` starts a
  formula, TRUE/FALSE are booleans, numbers are numbers.
- An empty string leaves the cell empty (a JSON ``null`` is not stored at all: see values).
- Formulas are not computed: ``=HYPERLINK(url, label)`` shows its label (or url), any other
  formula shows its own text.
- FORMATTED_VALUE shows everything as text; UNFORMATTED_VALUE keeps numbers and booleans;
  FORMULA shows a formula cell's formula. Empty cells read as ``""``, and the trailing ones of
  each row, and trailing empty rows, are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CellValue = str | float | bool
RENDER_OPTIONS = frozenset({"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"})

_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_HYPERLINK = re.compile(
    r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.IGNORECASE
)


@dataclass(frozen=True)
class Cell:
    """A stored cell: its effective value and, when it holds one, the formula text."""

    value: CellValue
    formula: str | None = None


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
    number = value.strip()
    return Cell(float(number)) if _NUMBER.match(number) else Cell(value)


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
    """A number as Sheets displays it by default: whole numbers without a decimal point."""
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
