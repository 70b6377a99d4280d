"""The exports as LibreOffice Calc prints them: landscape A4, every column on every page under repeated headings,
page numbers, the title on each page, Chinese text intact (issue 17: the 台账 printed as 13 portrait pages)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from projections.exports import LEDGER_COLUMNS, TRACE_COLUMNS, ledger_xlsx, trace_title, trace_xlsx
from projections.stock import warehouse_ledger
from projections.tracing import trace_backward
from tests.paper.conftest import MONTH, DemoMonth
from tests.paper.office import Office, Printed

pytestmark = pytest.mark.xdist_group("paper")
ROWS_A_PAGE_AT_LEAST = 40  # landscape, one page wide: a page holds far more rows than this


def headings(columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [heading for key, heading in columns if key not in ("time", "at")] + ["（+08:00）"]


def assert_filed_as_paper(printed: Printed, title: str, columns: tuple[tuple[str, str], ...], rows: int) -> None:
    assert printed.landscape_a4, (printed.width, printed.height)
    assert len(printed.pages) <= -(-rows // ROWS_A_PAGE_AT_LEAST), f"{len(printed.pages)} pages for {rows} rows"
    for number, page in enumerate(printed.pages, start=1):
        missing = [heading for heading in headings(columns) if heading not in page]
        assert not missing, f"page {number} lacks the columns {missing}"
        assert title in page, f"page {number} lacks its title"
        assert printed.numbered(number), f"page {number} is not numbered"


def test_the_demo_schools_november_ledger_prints_in_landscape_with_every_column_on_every_page(
    demo_month: DemoMonth, office: Office, folder: Path
) -> None:
    book = warehouse_ledger(demo_month.views, "CG01", MONTH)
    xlsx = folder / "ledger.xlsx"
    xlsx.write_bytes(ledger_xlsx(book))
    trace = trace_backward(demo_month.views, "CG01", date(2026, 11, 30), "lunch", others_in_full=True)
    incident = folder / "incident.xlsx"
    incident.write_bytes(trace_xlsx(trace))

    ledger_pdf, incident_pdf = office.to_pdf(xlsx, incident)

    printed = Printed.read(ledger_pdf)
    rows = load_workbook(xlsx).active.max_row  # type: ignore[union-attr]
    assert len(book["rows"]) > 150 and len(printed.pages) > 1  # a real month, more than one page
    assert_filed_as_paper(printed, "城关第一小学食材进出库台账（2026年11月）", LEDGER_COLUMNS, rows)
    first = printed.pages[0]
    assert first.index("上月结存（各品名）") < first.index("本月出入库")  # the brought-forward block has its heading
    assert "恒鑫肉类食品有限公司" in first and "猪肉（前腿）" in first
    trace_rows = load_workbook(incident).active.max_row  # type: ignore[union-attr]
    assert_filed_as_paper(Printed.read(incident_pdf), trace_title(trace), TRACE_COLUMNS, trace_rows)


def test_every_export_carries_its_print_setup_for_excel_and_wps_too(demo_month: DemoMonth) -> None:
    book = warehouse_ledger(demo_month.views, "CG01", MONTH)
    trace = trace_backward(demo_month.views, "CG01", date(2026, 11, 30), "lunch", others_in_full=True)
    for data, header_row in ((ledger_xlsx(book), 3), (trace_xlsx(trace), 1)):
        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert sheet.freeze_panes == f"A{header_row + 1}"
        assert sheet.oddFooter.center.text == "第 &P 页 / 共 &N 页"
        assert sheet.oddHeader.center.text
