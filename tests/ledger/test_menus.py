"""The weekly menu (周食谱): published once a week, amended with a reason, copied from an earlier week."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import AlreadyExists, NotFound, ValidationError
from domain.menu import Menu
from domain.planning import AmendMenu, CopyMenu, PublishMenu
from tests.county import DAY, County, at
from tests.menus import LUNCH, PRINCIPAL, lunch_slots, publish_week

WEEK = DAY  # 2026-03-02, a Monday


def test_a_published_week_lists_each_days_dishes_with_prices_and_planned_ingredients(county: County) -> None:
    result = publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))

    assert (result["week"], result["meals"], result["dishes"]) == ("2026-03-02", 5, 25)
    dishes = county.ledger.dishes_on_menu("CG01", WEEK + timedelta(days=2), "lunch")
    assert [d.name for d in dishes] == ["米饭", "红烧肉", "清炒小白菜", "番茄蛋汤", "苹果"]
    pork = dishes[1]
    assert (pork.price, pork.age_group, pork.ingredients[0].product) == (Decimal("3.50"), "", "猪肉（前腿）")
    assert county.ledger.dishes_on_menu("CG01", WEEK + timedelta(days=5), "lunch") == []  # Saturday: none planned
    assert county.ledger.dishes_on_menu("XH01", WEEK, "lunch") == []  # another school published nothing


def test_a_week_is_published_once_and_then_amended(county: County) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    with pytest.raises(AlreadyExists, match="amend it instead"):
        publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=2)))


def test_an_amendment_replaces_the_meals_it_names_and_keeps_its_reason(county: County) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    fish = {"name": "清蒸鱼", "price": "4.00", "ingredients": [{"product": "鲈鱼", "category": "aquatic"}]}
    wednesday = WEEK + timedelta(days=2)
    amended = AmendMenu(
        school="CG01",
        week=WEEK,
        slots=[{"day": wednesday, "meal": "lunch", "dishes": [LUNCH[0], fish]}],
        reason="猪肉供应商停供，改为鱼",
    )
    result = county.ledger.execute(amended, by=PRINCIPAL, at=at(WEEK, hour=7))

    assert result["version"] == 2 and result["dishes"] == 22
    assert [d.name for d in county.ledger.dishes_on_menu("CG01", wednesday, "lunch")] == ["米饭", "清蒸鱼"]
    assert len(county.ledger.dishes_on_menu("CG01", WEEK, "lunch")) == 5  # the other days stand
    events = list(county.ledger.events.get(county.ledger.menu("CG01", WEEK).id))
    assert type(events[-1]).__qualname__ == "Menu.Amended" and events[-1].reason == "猪肉供应商停供，改为鱼"


def test_an_amendment_may_cancel_a_meal_but_must_change_something_and_say_why(county: County) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    friday = WEEK + timedelta(days=4)
    unchanged = AmendMenu(school="CG01", week=WEEK, slots=lunch_slots(WEEK, days=1), reason="核对")
    with pytest.raises(ValidationError, match="same as the menu already says"):
        county.ledger.execute(unchanged, by=PRINCIPAL, at=at(WEEK, hour=7))
    no_reason = AmendMenu(school="CG01", week=WEEK, slots=[{"day": friday, "meal": "lunch", "dishes": []}], reason="")
    with pytest.raises(ValidationError, match="reason is required"):
        county.ledger.execute(no_reason, by=PRINCIPAL, at=at(WEEK, hour=7))

    county.ledger.execute(
        AmendMenu(school="CG01", week=WEEK, slots=[{"day": friday, "meal": "lunch"}], reason="运动会，停餐"),
        by=PRINCIPAL,
        at=at(WEEK, hour=7),
    )

    assert county.ledger.dishes_on_menu("CG01", friday, "lunch") == []
    assert len(county.ledger.menu("CG01", WEEK).served_slots()) == 4


def test_copying_a_week_shifts_its_dishes_as_amended_to_the_new_week(county: County) -> None:
    publish_week(county.ledger, WEEK, at=at(WEEK - timedelta(days=3)))
    county.ledger.execute(
        AmendMenu(school="CG01", week=WEEK, slots=[{"day": WEEK, "meal": "lunch", "dishes": LUNCH[:2]}], reason="减菜"),
        by=PRINCIPAL,
        at=at(WEEK, hour=7),
    )
    next_week = WEEK + timedelta(days=7)

    result = county.ledger.execute(
        CopyMenu(school="CG01", week=next_week, from_week=WEEK), by=PRINCIPAL, at=at(WEEK + timedelta(days=4))
    )

    assert result["dishes"] == 22
    assert [d.name for d in county.ledger.dishes_on_menu("CG01", next_week, "lunch")] == ["米饭", "红烧肉"]
    copied = county.ledger.menu("CG01", next_week)
    assert copied.copied_from == WEEK and isinstance(copied, Menu)
    assert county.ledger.dishes_on_menu("CG01", next_week + timedelta(days=1), "lunch")[0].meal_date == (
        next_week + timedelta(days=1)
    )
    with pytest.raises(NotFound, match="no menu for the week of 2026-02-23"):
        county.ledger.execute(
            CopyMenu(school="CG01", week=next_week + timedelta(days=7), from_week=WEEK - timedelta(days=7)),
            by=PRINCIPAL,
            at=at(WEEK + timedelta(days=4)),
        )


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ([], "at least one meal"),
        ([{"day": WEEK + timedelta(days=7), "meal": "lunch", "dishes": LUNCH}], "a date of the week beginning"),
        ([{"day": WEEK, "meal": "supper", "dishes": LUNCH}], "must be one of breakfast, lunch, dinner"),
        ([{"day": WEEK, "meal": "lunch", "dishes": []}], "has no dishes"),
        ([{"day": WEEK, "meal": "lunch", "dishes": [LUNCH[0], LUNCH[0]]}], "names a dish twice: 米饭"),
        ([{"day": WEEK, "meal": "lunch", "dishes": [{**LUNCH[0], "price": "-1"}]}], "0 to 999.99 yuan"),
        ([{"day": WEEK, "meal": "lunch", "dishes": [{**LUNCH[0], "price": "1.005"}]}], "cents at most"),
        ([{"day": WEEK, "meal": "lunch", "dishes": [{**LUNCH[0], "ingredients": [{}]}]}], "a product or a category"),
        ([{"day": WEEK, "meal": "lunch", "dishes": [{**LUNCH[0], "name": " "}]}], "name is required"),
        (lunch_slots(WEEK, days=1) * 2, "is named twice"),
    ],
)
def test_a_menu_that_cannot_be_served_is_refused(county: County, slots: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        county.ledger.execute(PublishMenu(school="CG01", week=WEEK, slots=slots), by=PRINCIPAL, at=at(WEEK))


def test_a_week_is_named_by_its_monday(county: County) -> None:
    with pytest.raises(ValidationError, match="2026-03-04 is not a Monday \\(that week's is 2026-03-02\\)"):
        publish_week(county.ledger, WEEK + timedelta(days=2), at=at(WEEK))
