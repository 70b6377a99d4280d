"""The month's 进出库台账 as the paper book a school files (PDF): a page block per product, as the county's form
keeps it, each opening with the balance brought forward, one line a movement with the running balances, and the
month's totals; signature lines (经手人、负责人、审核人) close the book. The lines are the xlsx export's own cells.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.glossary import UNITS, zh
from labels.paper import Document, Grid, Section, render_document
from projections.exports import LEDGER_COLUMNS, ledger_movement, ledger_title

# The product and its unit head each block, so the lines leave them out.
COLUMNS = tuple((key, heading) for key, heading in LEDGER_COLUMNS if key not in ("product", "unit"))
NUMBERS = ("quantity_in", "quantity_out", "batch_balance", "product_balance")
BROUGHT_FORWARD = "上月结存"
MONTH_TOTAL = "本月合计"


def ledger_pdf(ledger: dict[str, Any], note: str = "") -> bytes:
    return render_document(ledger_document(ledger, note))


def ledger_document(ledger: dict[str, Any], note: str = "") -> Document:
    products = sorted({(r["product"], r["unit"]) for r in [*ledger["opening"], *ledger["rows"], *ledger["closing"]]})
    sections = [_product(ledger, product, unit) for product, unit in products]
    moves = len(ledger["rows"])
    subtitle = f"学校编号：{ledger['school']}；{len(products)} 个品名，本月出入库 {moves} 笔"
    return Document(title=ledger_title(ledger), subtitle=subtitle, sections=sections, note=note)


def _product(ledger: dict[str, Any], product: str, unit: str) -> Section:
    def balance(rows: list[dict[str, Any]]) -> Decimal:
        return sum((Decimal(r["product_balance"]) for r in rows if (r["product"], r["unit"]) == (product, unit)),
                   Decimal(0))  # fmt: skip

    opening = balance(ledger["opening"])
    moves = [ledger_movement(r) for r in ledger["rows"] if (r["product"], r["unit"]) == (product, unit)]
    total_in = sum((m["quantity_in"] or 0 for m in moves), Decimal(0))
    total_out = sum((m["quantity_out"] or 0 for m in moves), Decimal(0))
    closing = balance(ledger["closing"]) if ledger["closing"] else opening + total_in - total_out
    lines = [_line({"summary": BROUGHT_FORWARD, "product_balance": opening})]
    lines += [_line(move) for move in moves]
    lines.append(_line({"summary": MONTH_TOTAL, "quantity_in": total_in, "quantity_out": total_out,
                        "product_balance": closing}))  # fmt: skip
    grid = Grid(
        columns=[heading for _, heading in COLUMNS],
        rows=lines,
        numeric=frozenset(i for i, (key, _) in enumerate(COLUMNS) if key in NUMBERS),
        totals=frozenset({0, len(lines) - 1}),
    )
    return Section(heading=f"品名：{product}（单位：{zh(UNITS, unit)}）", grid=grid)


def _line(cells: dict[str, Any]) -> list[Any]:
    return [cells.get(key) for key, _ in COLUMNS]
