"""A receipt written up late (补录) in the 台账, its export, the as-of answer and a trace: all by when it happened."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from domain.business_time import LateApproval
from domain.handoff import Move
from domain.registry import RegisterStaff
from projections.batch_state import batch_as_of
from projections.exports import ledger_xlsx
from projections.service import Projections
from projections.stock import warehouse_ledger
from projections.tracing import trace_backward
from tests.county import ADMIN, DAY, WANG, County, at


def test_a_receipt_written_up_two_hours_late_sits_at_its_hour_and_says_so(county: County, views: Projections) -> None:
    # 06:45 the pork arrives; 08:00 the greens are received live; 08:45 the pork is written up from the slip.
    greens = county.receive(product="青菜", category="plant", supplier_lot="LY0302", at=at(DAY, 8))
    pork = county.receive(at=at(DAY, 8, 45), occurred_at=at(DAY, 6, 45))
    views.catch_up()

    rows = warehouse_ledger(views, "CG01", "2026-03")["rows"]

    assert [(r["code"], r["late"]) for r in rows] == [(pork, True), (greens, False)]  # by when it happened
    assert rows[0]["moved_at"] == "2026-03-02T06:45:00+08:00"
    assert rows[0]["recorded_at"] == "2026-03-02T08:45:00+08:00"
    sheet = load_workbook(io.BytesIO(ledger_xlsx(warehouse_ledger(views, "CG01", "2026-03")))).active
    book = list(sheet.iter_rows(values_only=True))
    assert book[2][15] == "补录录入时间（+08:00）"
    assert (book[3][1], book[3][15], book[3][16]) == (
        datetime(2026, 3, 2, 6, 45).time(),
        datetime(2026, 3, 2, 8, 45),
        "补录 已过期",  # and still in store past its use-by date at the month's end
    )
    assert book[4][15] is None and "补录" not in book[4][16]


def test_the_as_of_answer_between_occurred_and_recorded_shows_the_batch(county: County, views: Projections) -> None:
    pork = county.receive(at=at(DAY, 9), occurred_at=at(DAY, 7))
    views.catch_up()

    between = batch_as_of(county.ledger, pork, at(DAY, 8))

    assert between["exists"] and between["on_hand"] == "20"
    assert [e["late"] for e in between["events"]] == [True]


def test_a_trace_finds_a_late_receipt_by_the_day_it_happened(county: County, views: Projections) -> None:
    code = county.ready_to_issue(at=at(DAY + timedelta(days=1), 8), occurred_at=at(DAY, 7, 30))
    county.issue(code, "5", at=at(DAY + timedelta(days=1), 9), occurred_at=at(DAY, 10))
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert [b["code"] for b in trace["batches"]] == [code]
    assert trace["batches"][0]["received_at"] == "2026-03-02T07:30:00+08:00"


def test_a_principals_approval_is_in_the_books_remark(county: County, views: Projections) -> None:
    county.ledger.execute(
        RegisterStaff(person_id="CG01-principal", name="陈校长", school="CG01", roles=["principal"]),
        by=ADMIN,
        at=at(DAY, 6),
    )
    code = county.receive()
    approval = LateApproval(approver="CG01-principal", reason="周末停电补录")
    later = at(DAY + timedelta(days=3), 9)
    county.ledger.execute(
        Move(code=code, place="二号库", occurred_at=at(DAY, 8), late_approval=approval), by=WANG, at=later
    )
    views.catch_up()

    moved = warehouse_ledger(views, "CG01", "2026-03")["rows"][-1]
    sheet = load_workbook(io.BytesIO(ledger_xlsx(warehouse_ledger(views, "CG01", "2026-03")))).active

    assert moved["late"] and moved["late_approval"] == {"approver": "CG01-principal", "reason": "周末停电补录"}
    assert list(sheet.iter_rows(values_only=True))[-1][16].startswith("补录（批准人CG01-principal：周末停电补录）")
