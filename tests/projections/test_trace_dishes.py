"""Trace per dish (按菜品追溯): a meal's batches grouped by the dishes they went into, where that is known."""

from __future__ import annotations

from domain.dishes import RecordDishServed
from domain.values import Principal
from projections.exports import trace_csv
from projections.incident_report import incident_document
from projections.service import Projections
from projections.tracing import trace_backward
from tests.county import DAY, ZHANG, County, at, retain_sample, send

KITCHEN = Principal(ZHANG, "kitchen")


def lunch_of_three_dishes(county: County, views: Projections) -> dict[str, str]:
    """Pork issued for 红烧肉, rice for 米饭, greens naming no dish; the kitchen records the greens' dish later."""
    pork = county.ready_to_issue()
    rice = county.ready_to_issue(supplier="SUP-LY", product="大米", category="other", supplier_lot="LY260301-7",
                                 gtin=None, invoice_number="FP20260302011", place="干货库")  # fmt: skip
    greens = county.ready_to_issue(supplier="SUP-LY", product="青菜", category="plant", supplier_lot="LY260302-1",
                                   gtin=None, invoice_number="FP20260302009", place="蔬菜库（绿）")  # fmt: skip
    oil = county.ready_to_issue(supplier="SUP-LY", product="菜籽油", category="other", supplier_lot="LY260201-3",
                                gtin=None, invoice_number="FP20260302012", place="干货库")  # fmt: skip
    county.issue(pork, "5", dishes=["红烧肉"])
    county.issue(rice, "10", dishes=["米饭"])
    county.issue(greens, "3")
    county.issue(oil, "1")
    fields = {"school": "CG01", "meal_date": DAY, "meal": "lunch", "by": KITCHEN, "at": at(hour=13)}
    send(county.ledger, RecordDishServed, {**fields, "dish": "清炒青菜", "batch_codes": [greens], "portions": 305})
    retain_sample(
        county.ledger, "红烧肉", [pork], grams=150, sealed_at=at(hour=12, minute=10), at=at(hour=12, minute=15)
    )
    views.catch_up()
    return {"pork": pork, "rice": rice, "greens": greens, "oil": oil}


def test_the_backward_trace_groups_batches_by_dish_and_lists_the_rest_apart(county: County, views: Projections) -> None:
    codes = lunch_of_three_dishes(county, views)
    trace = trace_backward(views, "CG01", DAY, "lunch")
    dishes = {d["dish"]: d for d in trace["dishes"]}
    assert sorted(dishes) == ["清炒青菜", "米饭", "红烧肉"]
    assert dishes["红烧肉"]["batch_codes"] == [codes["pork"]] and dishes["红烧肉"]["sample_ids"]
    assert dishes["米饭"]["named_on_issues"] == [codes["rice"]] and dishes["米饭"]["portions"] is None
    assert dishes["清炒青菜"]["recorded_by_kitchen"] == [codes["greens"]] and dishes["清炒青菜"]["portions"] == 305
    assert trace["unassigned_batches"] == [{"code": codes["oil"], "product": "菜籽油"}]
    issued = {b["code"]: b["issues_for_meal"][0]["dishes"] for b in trace["batches"]}
    assert issued[codes["pork"]] == ["红烧肉"] and issued[codes["greens"]] == []


def test_a_backward_trace_from_one_dish_follows_that_dishs_batches_only(county: County, views: Projections) -> None:
    codes = lunch_of_three_dishes(county, views)
    trace = trace_backward(views, "CG01", DAY, "lunch", dish="红烧肉")
    assert trace["query"]["dish"] == "红烧肉" and trace["dish"]["dish"] == "红烧肉"
    assert [b["code"] for b in trace["batches"]] == [codes["pork"]]
    assert [s["dish"] for s in trace["samples"]] == ["红烧肉"]
    assert [s["code"] for s in trace["suppliers"]] == ["SUP-HX"]
    assert codes["oil"] in {b["code"] for b in trace["unassigned_batches"]}  # it may have gone in too


def test_a_dish_the_meal_does_not_have_is_none(county: County, views: Projections) -> None:
    lunch_of_three_dishes(county, views)
    trace = trace_backward(views, "CG01", DAY, "lunch", dish="糖醋排骨")
    assert trace["dish"] is None and trace["batches"] == []


def test_a_voided_issue_takes_its_batch_out_of_the_dish(county: County, views: Projections) -> None:
    codes = lunch_of_three_dishes(county, views)
    version = county.ledger.batch(codes["rice"]).version
    county.correct(codes["rice"], version, "出库录错")
    views.catch_up()
    trace = trace_backward(views, "CG01", DAY, "lunch")
    assert "米饭" not in {d["dish"] for d in trace["dishes"]}
    assert codes["rice"] in {b["code"] for b in trace["voided_batches"]}


def test_the_incident_export_names_each_batchs_dish(county: County, views: Projections) -> None:
    codes = lunch_of_three_dishes(county, views)
    trace = trace_backward(views, "CG01", DAY, "lunch")

    lines = trace_csv(trace).decode("utf-8-sig").splitlines()
    dish = lines[0].split(",").index("菜品")
    received = {line.split(",")[4]: line.split(",")[dish] for line in lines[1:] if ",入库验收," in line}
    assert received[codes["pork"]] == "红烧肉" and received[codes["greens"]] == "清炒青菜"
    assert received[codes["oil"]] == "未指明"  # unassigned: it may have gone into any dish
    report = incident_document(trace, position=1, checkpoint=None)
    grid = report.sections[2].grid
    assert grid is not None and "菜品" in grid.columns
    by_code = {row[0]: row[list(grid.columns).index("菜品")] for row in grid.rows}
    assert by_code[codes["rice"]] == "米饭"
