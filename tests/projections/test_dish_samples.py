"""Samples per dish (每餐每样菜品留样, §14): where a meal has a published menu, compliance and the meal's samples page
show each of its dishes with or without a sample of at least the profile's grams kept the profile's hours."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from datetime import timedelta

from api.settings import eventsourcing_env
from domain.sampling import DisposeSample
from projections.compliance import compliance_report
from projections.meal_samples import meal_samples
from projections.service import Projections
from tests.county import DAY, WANG, County, at, retain_sample
from tests.menus import publish_week

SEALED = {"sealed_at": at(hour=12, minute=10), "at": at(hour=12, minute=15)}


def monday_lunch_without_its_fruit(county: County) -> dict[str, str]:
    """The week's menu is published; Monday's lunch is cooked and four of its five dishes are sampled (not 苹果)."""
    publish_week(county.ledger, DAY, at=at(DAY - timedelta(days=3)))
    pork = county.ready_to_issue()
    county.issue(pork, "5", dishes=["红烧肉"])
    samples = {dish: retain_sample(county.ledger, dish, [pork] if dish == "红烧肉" else [], **SEALED)["sample_id"]
               for dish in ("米饭", "红烧肉", "清炒小白菜", "番茄蛋汤")}  # fmt: skip
    return {"pork": pork, **samples}


def test_compliance_lists_each_dish_of_a_meal_with_a_menu_and_the_one_without_a_sample(
    county: County, views: Projections
) -> None:
    found = monday_lunch_without_its_fruit(county)
    views.catch_up()

    gaps = compliance_report(views, DAY, DAY, "CG01", today=DAY)["samples"]

    assert [(d["dish"], d["sampled"]) for d in gaps["dishes"]] == [
        ("米饭", True), ("红烧肉", True), ("清炒小白菜", True), ("番茄蛋汤", True), ("苹果", False),
    ]  # fmt: skip
    assert [(d["meal_date"], d["dish"], d["status"]) for d in gaps["dishes_without_samples"]] == [
        ("2026-03-02", "苹果", "missing")
    ]
    assert gaps["dishes"][1]["sample_ids"] == [found["红烧肉"]]
    assert gaps["meals_without_samples"] == [] and gaps["disagreements"] == []  # judged by dish, not by batch


def test_a_meal_without_a_menu_keeps_the_old_answer(county: County, views: Projections) -> None:
    monday_lunch_without_its_fruit(county)
    rice = county.ready_to_issue(supplier="SUP-LY", product="大米", category="plant", supplier_lot="LY260301-7",
                                 gtin=None, invoice_number="FP20260302011", place="干货库")  # fmt: skip
    county.issue(rice, "3", meal="dinner")  # no dinner on the menu, and no sample
    views.catch_up()

    gaps = compliance_report(views, DAY, DAY, "CG01", today=DAY)["samples"]

    assert gaps["meals_without_samples"] == [
        {"school": "CG01", "meal_date": "2026-03-02", "meal": "dinner", "batches": [rice]}
    ]
    assert {d["meal"] for d in gaps["dishes"]} == {"lunch"}


def test_a_dish_whose_sample_left_before_its_hours_is_not_sampled(county: County, views: Projections) -> None:
    found = monday_lunch_without_its_fruit(county)
    county.ledger.execute(DisposeSample(sample_id=found["米饭"], reason="留样柜故障"), by=WANG, at=at(hour=18))
    views.catch_up()

    gaps = compliance_report(views, DAY, DAY, "CG01", today=DAY)["samples"]

    assert [(d["dish"], d["status"]) for d in gaps["dishes_without_samples"]] == [
        ("米饭", "short_or_early"),
        ("苹果", "missing"),
    ]


def test_a_stricter_profile_judges_the_dishes_samples_by_its_grams(county: County, database_url: str) -> None:
    monday_lunch_without_its_fruit(county)  # every sample weighs 130 g
    stricter = replace(county.ledger.profile, sample_grams=150)
    with closing(Projections(eventsourcing_env(database_url), profile=stricter, ledger=county.ledger)) as views:
        views.catch_up()
        missing = compliance_report(views, DAY, DAY, "CG01", today=DAY)["samples"]["dishes_without_samples"]
    assert [d["dish"] for d in missing] == ["米饭", "红烧肉", "清炒小白菜", "番茄蛋汤", "苹果"]


def test_the_meals_samples_page_answer_names_the_dish_still_missing(county: County, views: Projections) -> None:
    monday_lunch_without_its_fruit(county)
    views.catch_up()

    meal = meal_samples(views, "CG01", DAY, "lunch")

    assert [d["dish"] for d in meal["dishes"]] == ["米饭", "红烧肉", "清炒小白菜", "番茄蛋汤", "苹果"]
    assert [m["dish"] for m in meal["missing"]] == ["苹果"] and not meal["complete"]
    assert "苹果" not in {s["dish"] for s in meal["samples"]}
