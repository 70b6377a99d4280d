"""The weekly menu (周食谱) on the school's 公示 page: anyone, without signing in, reads each day's lunch with its
dishes and their prices, as amended; the page stays readable to axe in Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from domain.planning import AmendMenu
from tests.county import DAY, at
from tests.menus import LUNCH, PRINCIPAL, publish_week
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, Phones, SchoolDay

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
MONTH = DAY.isoformat()[:7]


def test_the_public_page_shows_the_weeks_menu_with_dish_prices(phones: Phones, school_day: SchoolDay) -> None:
    # Given the week's lunches published the Friday before, and Wednesday's pork changed to fish on Monday.
    ledger = school_day.ledger
    publish_week(ledger, DAY, at=at(DAY - timedelta(days=3), 16))
    fish = {"name": "清蒸鱼", "price": "4.00", "ingredients": [{"product": "鲈鱼", "category": "aquatic"}]}
    wednesday = {"day": DAY + timedelta(days=2), "meal": "lunch", "dishes": [LUNCH[0], fish, *LUNCH[2:]]}
    ledger.execute(AmendMenu(school="CG01", week=DAY, slots=[wednesday], reason="改为鱼"), by=PRINCIPAL, at=at(DAY, 7))
    school_day.catch_up()

    # When someone with no account opens the school's notice for the month.
    page = phones.open(DESKTOP)
    page.goto(f"/public/CG01/{MONTH}")

    # Then each school day's lunch is a row with its dishes and prices, Wednesday as amended.
    menu = page.get_by_role("table").filter(has_text="2026-03-02 起一周")
    expect(menu.get_by_role("row")).to_have_count(6)  # the heading and five school days
    monday = menu.get_by_role("row").filter(has_text="2026-03-02 星期一")
    expect(monday).to_contain_text("米饭 0.80、红烧肉 3.50、清炒小白菜 1.20、番茄蛋汤 0.80、苹果 0.70")
    wednesday_row = menu.get_by_role("row").filter(has_text="2026-03-04 星期三")
    expect(wednesday_row).to_contain_text("清蒸鱼 4.00")
    expect(wednesday_row).not_to_contain_text("红烧肉")
    expect(page.get_by_role("heading", name="五、每周食谱（菜品及每份价格）")).to_be_visible()
    assert "CG01-chen" not in page.content() and "陈校长" not in page.content()
    assert_accessible(page)
