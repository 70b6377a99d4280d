"""The monthly public notice (公示) of a demo school: the A4 PDF's totals against the month's receipts as the
events recorded them, and the public answers, which need no sign-in and give away no person's data."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from api.checkpoints import Checkpoints
from tests.paper.conftest import MONTH, DemoMonth
from tests.paper.office import Printed, tools_or_skip

pytestmark = pytest.mark.xdist_group("paper")
RECEIVED = "domain.batch:IngredientBatch.Received"
NOTICE = f"/api/v1/public/schools/CG01/notices/{MONTH}"


def receipts(demo_month: DemoMonth, school: str) -> list[tuple[str, Decimal, Decimal | None]]:
    """(supplier, quantity, unit price) of every batch ``school`` received in the month, read from the events."""
    ledger, found, start = demo_month.ledger, [], 1
    while page := ledger.recorder.select_notifications(start=start, limit=500, topics=[RECEIVED]):
        for notification in page:
            e = ledger.mapper.to_domain_event(notification)
            local = ledger.profile.local_date(e.at)  # type: ignore[attr-defined]
            if e.school_id == school and local.isoformat()[:7] == MONTH:  # type: ignore[attr-defined]
                found.append((e.supplier_id, e.quantity, e.unit_price))  # type: ignore[attr-defined]
        start = page[-1].id + 1
    return found


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def test_the_notice_of_november_prints_on_a4_with_the_months_purchase_totals(
    demo_month: DemoMonth, folder: Path
) -> None:
    tools_or_skip("pdfinfo", "pdftotext")
    bought = receipts(demo_month, "CG01")
    assert len(bought) > 20 and all(price is not None for _, _, price in bought)  # the demo prices every receipt
    by_supplier: dict[str, Decimal] = defaultdict(Decimal)
    for supplier, quantity, price in bought:
        by_supplier[supplier] += quantity * price  # type: ignore[operator]
    total = sum(by_supplier.values(), Decimal(0))

    with demo_month.served(folder) as client:  # no Authorization header anywhere in this test
        answer = client.get(NOTICE)
        paper = client.get(f"{NOTICE}/notice.pdf")

    assert answer.status_code == 200 and paper.status_code == 200, paper.text
    assert paper.headers["content-type"] == "application/pdf"
    notice = answer.json()
    assert notice["purchases"]["receipts"] == len(bought) and notice["purchases"]["amount"] == money(total)
    pdf = folder / "notice.pdf"
    pdf.write_bytes(paper.content)
    printed = Printed.read(pdf)
    assert printed.landscape_a4 and all(printed.numbered(n) for n in range(1, len(printed.pages) + 1))
    text = "\n".join(printed.pages)
    flat = "".join(text.split())
    assert "城关第一小学食堂食材采购公示（2026年11月）" in flat
    assert f"本月入库{len(bought)}笔，采购金额合计{money(total)}元" in flat
    subtotals = [line.split() for line in text.splitlines() if "小计" in line]
    assert sorted(Decimal(cells[-1]) for cells in subtotals) == sorted(by_supplier.values())
    total_line = [line.split() for line in text.splitlines() if re.match(r"\s*合计\s", line)]
    assert total_line and total_line[0][-1] == money(total)
    for heading in ("二、留样情况", "三、陪餐与检查（督查）情况", "四、台账签名检查点", "foodtraceverify--checkpoints"):
        assert heading in flat


def test_the_notice_names_the_checkpoint_signed_before_the_month_ended(demo_month: DemoMonth, folder: Path) -> None:
    with demo_month.served(folder) as client:
        signed = Checkpoints(demo_month.ledger, folder / "key.pem").take()
        notice = client.get(NOTICE).json()
    if signed.signed_at < "2026-12-01T00:00:00+08:00":  # signed on the real clock: in November, it is the one
        assert notice["checkpoint"]["position"] == signed.position
        assert notice["checkpoint"]["signature"] == signed.signature
    else:
        assert notice["checkpoint"] is None or notice["checkpoint"]["signed_at"] < "2026-12-01T00:00:00+08:00"
    assert "foodtrace verify --checkpoints" in notice["verify"]["zh"]


# A mainland mobile number standing alone: not eleven digits inside the checkpoint's hex digest or base64 signature.
MOBILE = re.compile(r"(?<![0-9A-Za-z+/=_-])1[3-9]\d{9}(?![0-9A-Za-z+/=_-])")


def test_the_public_answers_need_no_sign_in_and_keep_people_out(demo_month: DemoMonth, folder: Path) -> None:
    with demo_month.views.reading("trace") as r:
        people = r.select("SELECT person_id, name FROM view_trace_staff")
    with demo_month.served(folder) as client:
        token = demo_month.bearer("CG01-4", "principal", "CG01")["Authorization"].split()[1]
        answers = [client.get(NOTICE), client.get(f"/public/CG01/{MONTH}")]
        unknown_school = client.get("/api/v1/public/schools/ZZ99/notices/2026-11")
        unknown_month = client.get("/api/v1/public/schools/CG01/notices/2026-13/notice.pdf")
        empty_month = client.get("/api/v1/public/schools/CG01/notices/2025-01/notice.pdf")
        empty_page = client.get("/public/CG01/2025-01")

    assert [a.status_code for a in answers] == [200, 200]
    assert "text/html" in answers[1].headers["content-type"]
    for text in (a.text for a in answers):
        assert token not in text and not MOBILE.search(text)  # no token, no mobile number
        for person in people:
            assert person["person_id"] not in text and person["name"] not in text
        assert "pin" not in text.lower()
    for refused in (unknown_school, unknown_month, empty_month):
        assert refused.status_code == 404 and refused.json()["zh"] and refused.json()["en"]
    assert "没有任何记录" in empty_month.json()["zh"] and empty_page.status_code == 404
    assert "没有任何记录" in empty_page.text and "recorded nothing" in empty_page.text
