"""The recall view as a spreadsheet (召回进度表): one row per batch, each school's and the recall's totals per unit.

Every cell goes through projections.cells: a supplier's product or lot that starts like a formula stays text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from domain.glossary import UNITS, zh
from projections.cells import append_row
from projections.print_setup import print_ready

COLUMNS = (
    ("school", "学校编号"), ("school_name", "学校"), ("status", "状态"), ("code", "批次码"), ("product", "品名"),
    ("unit", "单位"), ("received", "入库数量"), ("served", "已供餐"), ("returned", "已退回供应商"),
    ("destroyed", "已销毁"), ("held", "封存未处置"), ("outstanding", "待处置"),
)  # fmt: skip
AMOUNTS = ("received", "served", "returned", "destroyed", "held", "outstanding")


def recall_title(recall: dict[str, Any]) -> str:
    return f"召回进度表  通告{recall['notice_number']}  {recall['product']}"


def recall_xlsx(recall: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "召回进度"
    title = recall_title(recall)
    append_row(sheet, [title])
    status = "进行中" if recall["open"] else "已结案"
    done = f"已完成学校 {recall['schools_done']} 所，未完成 {recall['schools_pending']} 所"
    append_row(sheet, [f"供应商：{recall['supplier']}  批号：{recall['lot'] or '—'}  {status}  {done}"])
    append_row(sheet, [f"召回原因：{recall['reason']}"])
    append_row(sheet, [heading for _, heading in COLUMNS])
    for school in recall["schools"]:
        state = "已完成" if school["done"] else "未完成"
        where = {"school": school["school"], "school_name": school["school_name"], "status": state}
        for batch in school["batches"]:
            append_row(sheet, _cells({**where, **batch}))
        for total in school["totals"]:
            append_row(sheet, _cells({**where, "code": "小计", **total}))
    for total in recall["totals"]:
        append_row(sheet, _cells({"school": "合计", **total}))
    print_ready(sheet, title=title, header_row=4, columns=len(COLUMNS))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(row: dict[str, Any]) -> list[Any]:
    values = {key: Decimal(row[key]) if key in AMOUNTS else row.get(key) for key, _ in COLUMNS}
    values["unit"] = zh(UNITS, row["unit"])
    return list(values.values())
