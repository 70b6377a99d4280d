"""Every spreadsheet export prints as someone would file it: one helper sets up the page of each sheet.

A4 landscape, scaled to one page wide (rows run on to as many pages as they need), the column headings repeated
at the top of every page, the file's title in the page header and 第 N 页 / 共 M 页 in the footer; on screen the
headings stay frozen. Excel, WPS and LibreOffice all honour these settings.
"""

from __future__ import annotations

from datetime import date, datetime, time

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Widths in Excel's character units; a CJK character takes two. Longer texts wrap within their column.
MIN_WIDTH = 6
MAX_WIDTH = 28
PAGE_NUMBERS = "第 &P 页 / 共 &N 页"


def print_ready(sheet: Worksheet, title: str, header_row: int, columns: int) -> None:
    """Set up ``sheet`` for the screen and for paper; ``header_row`` holds the column headings."""
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    last = get_column_letter(columns)
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(sheet.max_row, header_row)}"
    _fit_columns(sheet, header_row, columns)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{last}{sheet.max_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.25
    for header_footer in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header_footer.center.text = title.replace("&", "&&")  # a lone & starts a header code
        header_footer.center.size = 11
    for header_footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        header_footer.center.text = PAGE_NUMBERS
        header_footer.center.size = 9


def _fit_columns(sheet: Worksheet, header_row: int, columns: int) -> None:
    """Each column as wide as its longest text up to MAX_WIDTH; texts beyond that wrap, top-aligned."""
    for index in range(1, columns + 1):
        below = (sheet.cell(row=r, column=index) for r in range(header_row + 1, sheet.max_row + 1))
        cells = [cell for cell in below if cell.coordinate not in sheet.merged_cells]  # a section's heading spans
        heading = _width(sheet.cell(row=header_row, column=index).value)
        longest = max((_width(cell.value) for cell in cells), default=0)
        width = min(max(longest + 2, min(heading, 12) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
        if longest + 2 > MAX_WIDTH:
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _width(value: object) -> int:
    """How many character units a value takes, CJK counted double; a date or time as Excel shows it."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19 if value.time() != time(0) else 10
    if isinstance(value, date | time):
        return len(value.isoformat())
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
