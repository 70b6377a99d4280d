"""The month's 台账 as a PDF to file: the paper book's lines per product with running balances and the month's
totals, page furniture on every page, and the lines to sign at the end; over HTTP and the command line too."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from projections.ledger_book import COLUMNS, ledger_pdf
from projections.stock import warehouse_ledger
from tests.paper.conftest import MONTH, DemoMonth
from tests.paper.office import Printed, tools_or_skip
from tests.test_cli import run

pytestmark = pytest.mark.xdist_group("paper")
TITLE = "城关第一小学食材进出库台账（2026年11月）"


def month_totals(book: dict[str, Any]) -> Counter[tuple[Decimal, Decimal, Decimal]]:
    """(in, out, closing balance) of each product, from the answer the PDF was made of."""
    totals: Counter[tuple[Decimal, Decimal, Decimal]] = Counter()
    for closing in book["closing"]:
        rows = [r for r in book["rows"] if (r["product"], r["unit"]) == (closing["product"], closing["unit"])]
        total_in = sum((Decimal(r["quantity_in"] or 0) for r in rows), Decimal(0))
        total_out = sum((Decimal(r["quantity_out"] or 0) for r in rows), Decimal(0))
        totals[(total_in, total_out, Decimal(closing["product_balance"]))] += 1
    return totals


def assert_a_filed_book(printed: Printed, book: dict[str, Any], position: int) -> None:
    assert printed.landscape_a4
    movements = len(book["rows"]) + 2 * len(book["closing"])
    assert 1 < len(printed.pages) <= movements // 15 + len(book["closing"]), len(printed.pages)
    for number, page in enumerate(printed.pages, start=1):
        lines = re.search(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}", page)  # the signatures may have a page of their own
        missing = [heading for _, heading in COLUMNS if lines and heading not in page]
        assert not missing, f"page {number} lacks the columns {missing}"
        assert TITLE in page and printed.numbered(number), f"page {number}"
        assert f"数据截至日志位置 {position}" in page
    text = "\n".join(printed.pages)
    found = Counter(
        (Decimal(i), Decimal(o), Decimal(c))
        for i, o, c in re.findall(r"本月合计\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", text)
    )
    assert found == month_totals(book)
    assert text.count("上月结存") == len(book["closing"])
    last = printed.pages[-1]
    for signer in ("经手人（签字）", "负责人（签字）", "审核人（签字）"):
        assert signer in last
    assert last.count("日期：") == 3


def test_the_demo_schools_november_book_prints_per_product_with_totals_and_lines_to_sign(
    demo_month: DemoMonth, folder: Path
) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    book = warehouse_ledger(demo_month.views, "CG01", MONTH)
    position = demo_month.views.freshness(["warehouse"])["position"]
    pdf = folder / "台账.pdf"
    pdf.write_bytes(ledger_pdf(book, note=f"数据截至日志位置 {position}"))

    assert_a_filed_book(Printed.read(pdf), book, position)


def test_the_principal_downloads_the_book_and_the_storekeeper_prints_it_from_the_command_line(
    demo_month: DemoMonth, folder: Path
) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    book = warehouse_ledger(demo_month.views, "CG01", MONTH)
    with demo_month.served(folder) as client:
        answer = client.get(
            "/api/v1/schools/CG01/ledger",
            params={"month": MONTH, "format": "pdf"},
            headers=demo_month.bearer("CG01-4", "principal", "CG01"),
        )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="ledger-CG01-{MONTH}.pdf"'
    downloaded = folder / "downloaded.pdf"
    downloaded.write_bytes(answer.content)
    assert_a_filed_book(Printed.read(downloaded), book, int(answer.headers["X-Log-Position"]))

    printed = run(
        demo_month.url, ["export", "ledger", "--school", "CG01", "--month", MONTH, "-o", str(folder / "台账.pdf")]
    )
    assert printed.returncode == 0, printed.stderr
    assert_a_filed_book(Printed.read(folder / "台账.pdf"), book, demo_month.views.freshness(["warehouse"])["position"])
    chosen = run(demo_month.url, ["export", "ledger", "--school", "CG01", "--month", MONTH, "--format", "pdf",
                                  "-o", str(folder / "book")])  # fmt: skip
    assert chosen.returncode == 0 and (folder / "book").read_bytes().startswith(b"%PDF-")
