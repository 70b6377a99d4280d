"""Tracing: a lot forward to every school and meal it reached; a meal backward to every lot, supplier and person."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.handoff import Correct, Inspect
from domain.registry import SuspendStaff
from domain.values import Principal
from projections.service import Projections
from projections.tracing import trace_backward, trace_forward
from tests.county import ADMIN, DAY, LI, WANG, ZHANG, County, at, retain_sample
from tests.projections.conftest import XH_KITCHEN, XH_SECOND

XH_KEEPER = Principal("XH01-zhou", "storekeeper")


def lunch_at_two_schools(county: County) -> dict[str, str]:
    """One lot of pork goes to CG01 and XH01; CG01 also cooks greens from another supplier."""
    ledger = county.ledger
    pork_cg = county.receive()
    pork_xh = county.receive(school="XH01", by=XH_KEEPER, co_signers=[XH_SECOND], quantity="8",
                             at=at(hour=7, minute=45))  # fmt: skip
    greens = county.receive(supplier="SUP-LY", product="青菜", category="plant", supplier_lot="LY260302-1", gtin=None,
                            invoice_number="FP20260302009", place="蔬菜库（绿）", at=at(hour=7, minute=50))  # fmt: skip
    for code in (pork_cg, pork_xh, greens):
        county.certify(code)
    county.issue(pork_cg, "5")
    county.issue(greens, "3", at=at(hour=10, minute=10))
    county.issue(pork_xh, "2", taken_by=XH_KITCHEN, by=XH_KEEPER)
    ledger.execute(
        Inspect(code=pork_cg, stage="issue", passed=True, notes="出库查验正常"), by=WANG, at=at(hour=9, minute=50)
    )
    for dish, code in (("红烧肉", pork_cg), ("清炒青菜", greens)):
        retain_sample(
            ledger,
            dish,
            [code],
            grams=150,
            fridge="CG01留样柜",
            sealed_at=at(hour=12, minute=10),
            at=at(hour=12, minute=15),
        )
    ledger.execute(
        SuspendStaff(person_id=ZHANG, reason="腹泻，调岗停岗"), by=ADMIN, at=at(hour=14)
    )  # after lunch: he was fit when he took it
    return {"pork_cg": pork_cg, "pork_xh": pork_xh, "greens": greens}


def test_forward_trace_finds_every_school_that_got_the_lot(two_schools: County, views: Projections) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()

    trace = trace_forward(views, lot="HX260301-2")

    assert [b["code"] for b in trace["batches"]] == [codes["pork_cg"], codes["pork_xh"]]
    assert [(s["code"], s["name"]) for s in trace["schools"]] == [("CG01", "城关第一小学"), ("XH01", "新华镇中心小学")]
    assert trace["meals"] == [
        {"school": "CG01", "meal_date": "2026-03-02", "meal": "lunch"},
        {"school": "XH01", "meal_date": "2026-03-02", "meal": "lunch"},
    ]
    assert [(s["school"], s["dish"], s["batch_codes"]) for s in trace["samples"]] == [
        ("CG01", "红烧肉", [codes["pork_cg"]])
    ]
    issues = {b["code"]: [(i["quantity"], i["given_by"], i["taken_by"]) for i in b["issues"]] for b in trace["batches"]}
    assert issues == {
        codes["pork_cg"]: [("5", WANG.person_id, ZHANG)],
        codes["pork_xh"]: [("2", "XH01-zhou", XH_KITCHEN)],
    }
    assert trace["truncated"] is False


def test_forward_trace_by_lot_narrows_to_a_gtin(two_schools: County, views: Projections) -> None:
    lunch_at_two_schools(two_schools)
    views.catch_up()

    assert len(trace_forward(views, lot="HX260301-2", gtin="6901234567892")["batches"]) == 2
    assert trace_forward(views, lot="HX260301-2", gtin="6923456789012")["batches"] == []


def test_forward_trace_keeps_the_receipts_between_two_days_both_included(
    two_schools: County, views: Projections
) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()
    pork = {codes["pork_cg"], codes["pork_xh"]}

    def traced(**days: date) -> set[str]:
        return {b["code"] for b in trace_forward(views, lot="HX260301-2", **days)["batches"]}

    assert traced(received_from=DAY, received_to=DAY) == pork
    assert traced(received_from=DAY + timedelta(days=1)) == set()
    assert traced(received_to=DAY - timedelta(days=1)) == set()


def test_forward_trace_by_supplier_or_product(two_schools: County, views: Projections) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()

    assert [b["code"] for b in trace_forward(views, supplier="SUP-LY")["batches"]] == [codes["greens"]]
    by_product = trace_forward(views, product="猪肉（前腿）")["batches"]
    assert {b["code"] for b in by_product} == {codes["pork_cg"], codes["pork_xh"]}


def test_backward_trace_of_a_meal_names_every_lot_supplier_certificate_and_person(
    two_schools: County, views: Projections
) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()

    trace = trace_backward(views, "CG01", DAY, "lunch")

    assert [b["code"] for b in trace["batches"]] == [codes["pork_cg"], codes["greens"]]
    pork, greens = trace["batches"]
    assert sorted(c["kind"] for c in pork["certificates"]) == [
        "animal_quarantine_certificate", "invoice", "meat_quality_certificate", "quality_inspection_report",
    ]  # fmt: skip
    assert [c["number"] for c in greens["certificates"]] == [f"IN-{codes['greens']}", f"QU-{codes['greens']}"]
    assert [(i["stage"], i["passed"], i["inspector"]) for i in pork["inspections"]] == [("issue", True, WANG.person_id)]
    assert [(i["quantity"], i["taken_by"]) for i in pork["issues_for_meal"]] == [("5", ZHANG)]
    assert (pork["supplier"], pork["lot"], pork["colour"], greens["colour"]) == ("SUP-HX", "HX260301-2", "red", "green")
    suppliers = {s["code"]: s for s in trace["suppliers"]}
    assert suppliers["SUP-HX"]["name"] == "恒鑫肉类食品有限公司"
    licence = suppliers["SUP-HX"]["licence_at_delivery"][codes["pork_cg"]]
    assert (licence["number"], licence["valid_on_delivery"]) == ("JY1430102", True)
    assert [(s["dish"], s["grams"], s["batch_codes"]) for s in trace["samples"]] == [
        ("清炒青菜", 150, [codes["greens"]]),
        ("红烧肉", 150, [codes["pork_cg"]]),
    ]
    assert [(s["code"], [b["code"] for b in s["batches"]]) for s in trace["other_schools"]] == [
        ("XH01", [codes["pork_xh"]])
    ]
    assert trace["lots"] == [
        {"supplier": "SUP-HX", "product_key": "06901234567892", "lot": "HX260301-2", "products": ["猪肉（前腿）"]},
        {"supplier": "SUP-LY", "product_key": "青菜", "lot": "LY260302-1", "products": ["青菜"]},
    ]


def test_backward_trace_gives_each_handlers_certificates_as_they_stood_that_day(
    two_schools: County, views: Projections
) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()

    people = {p["person_id"]: p for p in trace_backward(views, "CG01", DAY, "lunch")["people"]}

    assert sorted(people) == [LI, WANG.person_id, ZHANG]
    zhang = people[ZHANG]
    assert (zhang["name"], zhang["roles"]) == ("张师傅", ["kitchen"])
    [took_pork, took_greens] = zhang["handled"]
    assert (took_pork["what"], took_pork["batch"], took_pork["at"]) == (
        "took",
        codes["pork_cg"],
        at(hour=10).isoformat(),
    )
    assert took_pork["health_certificate"] == {
        "number": f"JK-{ZHANG}", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "valid": True,
    }  # fmt: skip
    assert took_pork["suspended"] is False and took_pork["fit_for_food_work"] is True
    assert took_greens["batch"] == codes["greens"]
    wang = [(h["what"], h["batch"]) for h in people[WANG.person_id]["handled"]]
    assert sorted(wang) == sorted([("intake_signer", codes["pork_cg"]), ("intake_signer", codes["greens"]),
                                   ("gave", codes["pork_cg"]), ("gave", codes["greens"])])  # fmt: skip


def test_a_voided_issue_is_not_part_of_the_meal(two_schools: County, views: Projections) -> None:
    codes = lunch_at_two_schools(two_schools)
    wrong = two_schools.issue(codes["pork_cg"], "1", meal="dinner", taken_by=LI, at=at(hour=15))
    two_schools.ledger.execute(
        Correct(code=codes["pork_cg"], corrects_version=wrong["version"], reason="录错餐次"),
        by=WANG,
        at=at(hour=15, minute=5),
    )
    views.catch_up()

    assert trace_backward(views, "CG01", DAY, "dinner")["batches"] == []
    issues = trace_forward(views, lot="HX260301-2")["batches"][0]["issues"]
    assert [(i["meal"], i["voided"], Decimal(i["quantity"])) for i in issues] == [
        ("lunch", False, Decimal(5)),
        ("dinner", True, Decimal(1)),
    ]
