"""The menu view (周食谱 in the trace index): the dishes of a meal as the menu stands, after amendments and copies,
read the same from both backends and the same as the Menu itself says."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from api.cli.demo import seed_demo
from api.cli.demo_menus import DISH, demo_weeks
from domain.errors import NotFound
from domain.ledger import Ledger
from domain.menu import week_of
from domain.planning import AmendMenu, CopyMenu
from projections.menus import dishes_on_menu, week_menu
from projections.service import Projections
from tests.county import DAY, County, at
from tests.menus import LUNCH, PRINCIPAL, publish_week

WEEK = DAY


def test_the_dishes_of_a_meal_as_published_with_prices_and_planned_ingredients(
    county: County, views: Projections
) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    views.catch_up()

    dishes = dishes_on_menu(views, "CG01", WEEK + timedelta(days=1), "lunch")

    assert [(d["name"], d["price"]) for d in dishes] == [
        ("米饭", "0.80"),
        ("红烧肉", "3.50"),
        ("清炒小白菜", "1.20"),
        ("番茄蛋汤", "0.80"),
        ("苹果", "0.70"),
    ]
    assert dishes[1] == {
        "meal_date": "2026-03-03",
        "meal": "lunch",
        "name": "红烧肉",
        "age_group": "",
        "price": "3.50",
        "ingredients": [{"product": "猪肉（前腿）", "category": "meat"}],
    }
    assert dishes_on_menu(views, "CG01", WEEK + timedelta(days=1), "dinner") == []
    assert dishes_on_menu(views, "XH01", WEEK + timedelta(days=1), "lunch") == []


def test_an_amendment_and_a_cancelled_meal_read_as_the_menu_stands(county: County, views: Projections) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    tuesday, friday = WEEK + timedelta(days=1), WEEK + timedelta(days=4)
    kindergarten = [
        {**LUNCH[0], "name": "软米饭（小班）", "age_group": "小班", "price": "0.60"},
        {**LUNCH[0], "age_group": "大班"},
    ]
    slots = [{"day": tuesday, "meal": "lunch", "dishes": kindergarten}, {"day": friday, "meal": "lunch"}]
    county.ledger.execute(
        AmendMenu(school="CG01", week=WEEK, slots=slots, reason="分班供餐；周五停餐"), by=PRINCIPAL, at=at(WEEK)
    )
    views.catch_up()

    tuesday_lunch = dishes_on_menu(views, "CG01", tuesday, "lunch")
    assert [(d["name"], d["age_group"], d["price"]) for d in tuesday_lunch] == [
        ("软米饭（小班）", "小班", "0.60"),
        ("米饭", "大班", "0.80"),
    ]
    assert dishes_on_menu(views, "CG01", friday, "lunch") == []
    for day in (tuesday, friday, WEEK):  # the view says what the Menu itself says
        names = [d.name for d in county.ledger.dishes_on_menu("CG01", day, "lunch")]
        assert [d["name"] for d in dishes_on_menu(views, "CG01", day, "lunch")] == names

    menu = week_menu(views, "CG01", WEEK)
    assert [day["day"] for day in menu["days"]] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert [(h["version"], h["kind"], h["reason"], h["by_person"]) for h in menu["history"]] == [
        (1, "published", "", "CG01-chen"),
        (2, "amended", "分班供餐；周五停餐", "CG01-chen"),
    ]
    assert menu["history"][1]["acted_at"] == "2026-03-02T08:00:00+08:00"


def test_a_copied_week_names_the_week_it_came_from(county: County, views: Projections) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    next_week = WEEK + timedelta(days=7)
    county.ledger.execute(CopyMenu(school="CG01", week=next_week, from_week=WEEK), by=PRINCIPAL, at=at(WEEK))
    views.catch_up()

    menu = week_menu(views, "CG01", next_week)

    assert menu["history"][0]["copied_from"] == "2026-03-02"
    assert menu["days"][0]["day"] == "2026-03-09" and len(menu["days"][0]["meals"][0]["dishes"]) == 5
    with pytest.raises(NotFound, match="no menu for the week of 2026-03-16"):
        week_menu(views, "CG01", next_week + timedelta(days=7))


def test_the_demo_plans_every_school_lunch_with_rice_a_main_dish_a_vegetable_soup_and_fruit(
    ledger: Ledger, views: Projections
) -> None:
    summary = seed_demo(ledger, days=10)
    views.catch_up()
    today = ledger.profile.local_date(ledger.clock())
    day, lunches = today - timedelta(days=10), 0
    while day <= week_of(today) + timedelta(days=11):
        dishes = dishes_on_menu(views, "CG02", day, "lunch")
        if day.weekday() < 5:
            assert len(dishes) == 5 and dishes[0]["name"] == "米饭", day
            assert {d["name"] for d in dishes[1:]} <= set(DISH) and all(Decimal(d["price"]) > 0 for d in dishes)
            lunches += 1
        else:
            assert dishes == []
        day += timedelta(days=1)
    assert lunches >= 15 and summary["schools"] == 3
    weeks = demo_weeks(today - timedelta(days=10), today)
    history = [week_menu(views, "CG01", week)["history"] for week in weeks]
    assert [h[0]["copied_from"] for h in history[2:]] == [(w - timedelta(days=14)).isoformat() for w in weeks[2:]]
    assert [h["reason"] for h in history[-3][1:]] == ["草鱼同批次待复检，改为宫保鸡丁"]
    prices = {d["name"]: d["price"] for d in dishes_on_menu(views, "CG01", weeks[0], "lunch")}
    assert prices["米饭"] == "0.80"
    middle_school = {d["name"]: d["price"] for d in dishes_on_menu(views, "CG02", weeks[0], "lunch")}
    assert middle_school["米饭"] == "1.00"  # its portions are larger
