"""Text from records leaves in exports as text: one safe xlsx cell, one safe CSV field, used by every export.

Suppliers and staff type product names, lots and notes; investigators open the files in Excel or WPS. A typed text
that starts like a formula must stay text (CSV/formula injection, OWASP), and controls stored before the domain
refused them (step 7) must never make an export fail: events are never edited, so the file must still be written.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from domain.printable import printable

# What Excel, WPS and LibreOffice read as the start of a formula in a CSV cell (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile('[",\r\n]')


def xlsx_cell(sheet: Worksheet, value: Any) -> Any:
    """A value for ``sheet.append``: text becomes a string cell, whatever it starts with; numbers, dates stay typed."""
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, value=printable(value))
    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; a string cell is never evaluated
    return cell


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append([xlsx_cell(sheet, value) for value in values])


def csv_field(value: Any) -> str:
    """One CSV field as written: numbers as numbers (a negative one too), text neutralised and quoted as needed."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = printable(str(value))
    if text.startswith(FORMULA_STARTS):
        return "\"'" + text.replace('"', '""') + '"'  # OWASP: a leading apostrophe, the cell quoted
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: list[Any]) -> str:
    return ",".join(csv_field(value) for value in values) + "\r\n"
