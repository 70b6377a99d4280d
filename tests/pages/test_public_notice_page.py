"""The school's 公示 page, opened by anyone without signing in: the month's purchases with a receipt that has no
price shown as 未填单价 and left out of the total, readable to axe in Chromium, and no one's personal data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.county import DAY, LI, WANG
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, PINS, PRINCIPAL, Phones, SchoolDay, screenshot

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
MONTH = DAY.isoformat()[:7]


def test_the_public_notice_page_shows_the_months_purchases_to_anyone(phones: Phones, school_day: SchoolDay) -> None:
    # Given pork at 26.00 a kg, and greens whose receipt has no price.
    county = school_day.county
    county.receive(quantity=Decimal("20"), unit_price=Decimal("26.00"))
    county.receive(
        supplier="SUP-LY", product="青菜", category="plant", quantity=Decimal("25"), supplier_lot="LY0302",
        use_by_date=DAY + timedelta(days=2), gtin=None, place="蔬菜库（绿）", unit_price=None,
    )  # fmt: skip
    school_day.catch_up()

    # When someone with no account opens the school's notice for the month.
    page = phones.open(DESKTOP)
    page.goto(f"/public/CG01/{MONTH}")

    # Then the pork is priced and summed, the greens show 未填单价 and stay out of the total.
    expect(page.locator("#total")).to_have_text("520.00")
    expect(page.get_by_role("row").filter(has_text="青菜")).to_contain_text("未填单价")
    expect(page.get_by_role("row").filter(has_text="猪肉")).to_contain_text("520.00")
    expect(page.get_by_text("其中 1 笔入库未填单价")).to_be_visible()
    expect(page.get_by_role("link", name="下载 A4 公示（PDF）")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "public-notice")
    html = page.content()
    for private in (WANG.person_id, LI, PRINCIPAL, "王建国", "李秀英", *PINS.values()):
        assert private not in html

    # And a month with nothing recorded says so, in Chinese and English, and passes axe too.
    page.goto(f"/public/CG01/{(DAY + timedelta(days=62)).isoformat()[:7]}")
    expect(page.get_by_role("alert")).to_contain_text("没有任何记录")
    expect(page.get_by_role("alert")).to_contain_text("recorded nothing")
    assert_accessible(page)
