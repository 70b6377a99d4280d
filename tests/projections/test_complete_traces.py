"""Complete traces: what came back to the store, what was voided, written off, held and released is where an
investigator looks, in both directions and in the exports."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from domain.handoff import PutOnHold, Release, WriteOff
from projections.exports import trace_csv, trace_xlsx
from projections.service import Projections
from projections.tracing import trace_backward, trace_forward
from tests.county import DAY, LI, WANG, ZHANG, County, at

PRINCIPAL_REASON = "供应商通报同批次抽检不合格，待复检"


def pork_for_lunch(county: County) -> str:
    code = county.ready_to_issue()
    return code


def test_trace_shows_returned_and_net_quantity(county: County, views: Projections) -> None:
    code = pork_for_lunch(county)
    county.issue(code, "5")
    county.return_to_store(code, "2", "午餐剩余", at=at(hour=13))
    views.catch_up()

    [batch] = trace_backward(views, "CG01", DAY, "lunch")["batches"]
    [forward] = trace_forward(views, lot="HX260301-2")["batches"]

    assert (batch["issued_for_meal"], batch["returned_for_meal"], batch["net_for_meal"]) == ("5", "2", "3")
    assert [(x["quantity"], x["returned_by"], x["reason"]) for x in batch["returns_for_meal"]] == [
        ("2", ZHANG, "午餐剩余")
    ]
    assert forward["meals"] == [
        {"school": "CG01", "meal_date": "2026-03-02", "meal": "lunch", "issued": "5", "returned": "2", "net": "3"}
    ]
    assert (forward["issued"], forward["returned"], forward["net"]) == ("5", "2", "3")
    assert (forward["returns"][0]["meal_date"], forward["returns"][0]["meal"]) == ("2026-03-02", "lunch")


def test_a_return_counts_for_the_meal_of_the_issue_it_comes_back_from(county: County, views: Projections) -> None:
    code = pork_for_lunch(county)
    lunch = county.issue(code, "5")
    county.issue(code, "4", meal="dinner", at=at(hour=16))
    county.return_to_store(code, "3", "午餐剩余", issue=lunch["version"], at=at(hour=17))
    county.return_to_store(code, "1", "晚餐剩余", at=at(hour=19))  # the latest issue
    views.catch_up()

    nets = {m["meal"]: (m["issued"], m["returned"], m["net"]) for m in trace_forward(views, lot="HX260301-2")
            ["batches"][0]["meals"]}  # fmt: skip

    assert nets == {"lunch": ("5", "3", "2"), "dinner": ("4", "1", "3")}
    assert trace_backward(views, "CG01", DAY, "dinner")["batches"][0]["net_for_meal"] == "3"


def test_voided_issue_is_marked_not_dropped(county: County, views: Projections) -> None:
    code = pork_for_lunch(county)
    county.issue(code, "5")
    wrong = county.issue(code, "1", meal="dinner", at=at(hour=15))
    county.correct(code, wrong["version"], "录错餐次", at=at(hour=15, minute=5))
    views.catch_up()

    dinner = trace_backward(views, "CG01", DAY, "dinner")
    [lunch_batch] = trace_backward(views, "CG01", DAY, "lunch")["batches"]

    assert dinner["batches"] == []
    [voided] = dinner["voided_batches"]
    assert [(i["quantity"], i["voided"]) for i in voided["issues_for_meal"]] == [("1", True)]
    assert (voided["issued_for_meal"], voided["net_for_meal"]) == ("0", "0")
    assert [(i["meal"], i["voided"]) for i in lunch_batch["issues"]] == [("lunch", False), ("dinner", True)]
    assert lunch_batch["issued"] == "5"


def test_a_voided_return_is_marked_and_gives_nothing_back(county: County, views: Projections) -> None:
    code = pork_for_lunch(county)
    county.issue(code, "5")
    back = county.return_to_store(code, "2", "误录", at=at(hour=13))
    county.correct(code, back["version"], "并未退库", at=at(hour=13, minute=5))
    views.catch_up()

    [batch] = trace_backward(views, "CG01", DAY, "lunch")["batches"]

    assert [x["voided"] for x in batch["returns_for_meal"]] == [True]
    assert (batch["returned_for_meal"], batch["net_for_meal"]) == ("0", "5")


def test_trace_shows_write_offs_holds_and_releases_with_reasons_times_and_who(
    county: County, views: Projections
) -> None:
    code = pork_for_lunch(county)
    county.issue(code, "5")
    county.ledger.execute(PutOnHold(code=code, reason=PRINCIPAL_REASON), by=WANG, at=at(hour=14))
    county.ledger.execute(Release(code=code, reason="复检合格"), by=WANG, at=at(hour=15))
    county.ledger.execute(
        WriteOff(code=code, reason="冷库断电，变质", witness=LI, quantity="4"), by=WANG, at=at(hour=16)
    )
    views.catch_up()

    [batch] = trace_backward(views, "CG01", DAY, "lunch")["batches"]

    assert [(h["action"], h["reason"], h["person"], h["acted_at"]) for h in batch["holds"]] == [
        ("hold", PRINCIPAL_REASON, WANG.person_id, at(hour=14).isoformat()),
        ("release", "复检合格", WANG.person_id, at(hour=15).isoformat()),
    ]
    assert [
        (w["quantity"], w["reason"], w["witness"], w["written_off_by"], w["voided"]) for w in batch["write_offs"]
    ] == [("4", "冷库断电，变质", LI, WANG.person_id, False)]
    assert batch["written_off"] == "4"


def test_trace_exports_carry_returns_write_offs_and_holds(county: County, views: Projections) -> None:
    code = pork_for_lunch(county)
    county.issue(code, "5")
    county.return_to_store(code, "2", "午餐剩余", at=at(hour=13))
    county.ledger.execute(PutOnHold(code=code, reason=PRINCIPAL_REASON), by=WANG, at=at(hour=14))
    county.ledger.execute(WriteOff(code=code, reason="冷库断电，变质", witness=LI), by=WANG, at=at(hour=16))
    views.catch_up()
    trace = trace_backward(views, "CG01", DAY, "lunch", others_in_full=True)

    sheet = load_workbook(io.BytesIO(trace_xlsx(trace))).active
    events = [(r[1], r[7], r[13]) for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] != "附证明"]
    csv_lines = trace_csv(trace).decode("utf-8-sig")

    assert [e[0] for e in events] == ["入库验收", "出库", "退库", "封存", "报损销毁"]
    assert "已退库 2，净用 3" in events[1][2]
    assert "退自 2026-03-02 午餐" in events[2][2] and "午餐剩余" in events[2][2]
    assert events[3][2] == PRINCIPAL_REASON
    assert events[4][2] == "冷库断电，变质"
    assert all(word in csv_lines for word in ("退库", "封存", "报损销毁"))
