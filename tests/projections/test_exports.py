"""Exports open in Excel as staff expect: Chinese headers, a filter, a frozen header, one row per event."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from domain.handoff import WriteOff
from projections.exports import ledger_xlsx, trace_csv, trace_xlsx
from projections.service import Projections
from projections.stock import warehouse_ledger
from projections.tracing import trace_backward
from tests.county import DAY, LI, WANG, County, at, retain_sample


def lunch(county: County) -> str:
    code = county.ready_to_issue()
    county.issue(code, "5")
    county.ledger.execute(WriteOff(code=code, reason="变质", witness=LI, quantity="1"), by=WANG, at=at(hour=16))
    retain_sample(
        county.ledger,
        "红烧肉",
        [code],
        grams=150,
        fridge="CG01留样柜",
        sealed_at=at(hour=12, minute=10),
        at=at(hour=12, minute=15),
    )
    return code


def test_a_trace_exports_as_a_sortable_sheet_one_row_per_event(county: County, views: Projections) -> None:
    code = lunch(county)
    views.catch_up()

    sheet = load_workbook(
        io.BytesIO(trace_xlsx(trace_backward(views, "CG01", DAY, "lunch", others_in_full=True)))
    ).active

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("日期时间（+08:00）", "事件", "学校编号", "学校", "批次码", "批号", "品名", "数量")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:P{len(rows)}"
    assert [(r[1], r[4]) for r in rows[1:]] == [("入库验收", code)] + [("附证明", code)] * 4 + [
        ("出库", code),
        ("留样", code),
        ("报损销毁", code),
    ]
    received = rows[1]
    assert received[0] == datetime(2026, 3, 2, 7, 30) and received[7] == Decimal(20)
    assert (received[3], received[6], received[8], received[9]) == ("城关第一小学", "猪肉（前腿）", "kg", "SUP-HX")
    assert received[11] == f"{WANG.person_id}、{LI}"
    assert received[12].count("、") == 3  # the four certificate numbers
    assert received[14] == "未指明"  # the dish (菜品): no issue named one, nor did the kitchen
    assert rows[6][11] == f"{WANG.person_id} → CG01-zhang"


def test_a_trace_exports_as_csv_that_excel_reads_as_utf8(county: County, views: Projections) -> None:
    code = lunch(county)
    views.catch_up()

    data = trace_csv(trace_backward(views, "CG01", DAY, "lunch", others_in_full=True))

    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("日期时间（+08:00）,事件,学校编号,学校,批次码")
    assert lines[1].startswith(f"2026-03-02 07:30:00,入库验收,CG01,城关第一小学,{code},HX260301-2,猪肉（前腿）,20,kg")
    assert len(lines) == 9  # header, receipt, four certificates, issue, sample, write-off


def test_the_monthly_ledger_has_the_paper_books_title_headers_and_rows(county: County, views: Projections) -> None:
    code = lunch(county)
    views.catch_up()

    sheet = load_workbook(io.BytesIO(ledger_xlsx(warehouse_ledger(views, "CG01", "2026-03")))).active

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "城关第一小学食材进出库台账（2026年3月）"
    assert rows[2] == ("日期", "时间（+08:00）", "品名", "批次码", "批号", "供应商", "色标", "摘要", "入库数量",
                       "出库数量", "本批结存", "品名结存", "单位", "经手人", "领用人/见证人", "补录录入时间（+08:00）",
                       "备注")  # fmt: skip
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:Q6"
    assert [r[15] for r in rows[3:]] == [None, None, None]  # each recorded as it happened
    body = [(r[2], r[3], r[6], r[7], r[8], r[9], r[10], r[13], r[14], r[16]) for r in rows[3:]]
    # 14 kg were still in store at the end of March, past their use-by date of 5 March: 已过期.
    assert body == [
        ("猪肉（前腿）", code, "红", "入库", 20, None, 20, "王建国、李秀英", None, "已过期"),
        ("猪肉（前腿）", code, "红", "出库（2026-03-02 午餐）", None, 5, 15, "王建国", "张师傅", "已过期"),
        ("猪肉（前腿）", code, "红", "报损", None, 1, 14, "王建国", "李秀英", "已过期 变质"),
    ]
    assert rows[3][5] == "恒鑫肉类食品有限公司"
