"""A receipt written up late (补录) in the 台账, its export, the as-of answer and a trace: all by when it happened."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook

from domain.business_time import LateApproval
from domain.handoff import Move
from domain.registry import RegisterStaff
from projections.batch_state import batch_as_of
from projections.exports import ledger_xlsx, trace_csv
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


def test_a_trace_finds_a_late_receipt_by_the_day_it_happened_and_its_export_says_when_recorded(
    county: County, views: Projections
) -> None:
    code = county.ready_to_issue(at=at(DAY + timedelta(days=1), 8), occurred_at=at(DAY, 7, 30))
    county.issue(code, "5", at=at(DAY + timedelta(days=1), 9), occurred_at=at(DAY, 10))
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert [b["code"] for b in trace["batches"]] == [code]
    batch = trace["batches"][0]
    assert batch["received_at"] == "2026-03-02T07:30:00+08:00" and batch["late"]
    assert batch["recorded_at"] == "2026-03-03T08:00:00+08:00"
    assert [(i["issued_at"], i["late"]) for i in batch["issues"]] == [("2026-03-02T10:00:00+08:00", True)]
    lines = trace_csv(trace).decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",补录录入时间（+08:00）")
    received = next(line for line in lines if ",入库验收," in line)
    issued = next(line for line in lines if ",出库," in line)
    certified = next(line for line in lines if ",附证明," in line)
    assert received.startswith("2026-03-02 07:30:00,") and received.endswith(",2026-03-03 08:00:00")
    assert issued.startswith("2026-03-02 10:00:00,") and issued.endswith(",2026-03-03 09:00:00")
    assert certified.endswith(",")  # attached when it was recorded: no second time


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
