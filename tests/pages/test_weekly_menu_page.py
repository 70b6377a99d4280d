"""The weekly menu page (周食谱): the principal publishes this week's lunches, amends one day with a reason and
copies the week to the next; a storekeeper reads the week on a phone and has nothing to edit. Readable to axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.county import WANG
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, PRINCIPAL, Phones, SchoolDay
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LUNCH = "米饭 0.80\n红烧肉 3.50\n清炒青菜 1.20\n番茄蛋汤 0.80\n苹果 0.70"


def test_the_principal_publishes_amends_and_copies_a_week_and_the_store_room_reads_it(
    phones: Phones, school_day: SchoolDay
) -> None:
    # 陈校长 opens 周食谱 on Monday 2026-03-02: the week has no menu yet.
    desk = phones.open(DESKTOP)
    open_app(desk, PRINCIPAL, "/app/menus")
    expect(desk.locator("#no-menu")).to_be_visible()
    assert_accessible(desk)

    # He types the five lunches, one dish a line, and publishes them.
    editor = desk.locator("#menu-form")
    for day in ("星期一 2026-03-02 午餐", "星期二 2026-03-03 午餐", "星期三 2026-03-04 午餐", "星期四 2026-03-05 午餐",
                "星期五 2026-03-06 午餐"):  # fmt: skip
        editor.get_by_label(day).fill(LUNCH)
    editor.get_by_role("button", name="发布周食谱").click()
    expect(desk.locator("#notice")).to_have_text("已发布2026-03-02这一周的食谱，25道菜")
    rows = desk.locator("#menu-rows tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("米饭 0.80、红烧肉 3.50、清炒青菜 1.20、番茄蛋汤 0.80、苹果 0.70")

    # Wednesday's pork becomes fish, with a reason; the other days stand.
    editor.get_by_label("星期三 2026-03-04 午餐").fill("米饭 0.80\n清蒸鱼 4.00\n苹果 0.70")
    editor.get_by_label("修改原因").fill("猪肉供应商停供，改为鱼")
    editor.get_by_role("button", name="保存修改").click()
    expect(desk.locator("#notice")).to_have_text("已修改2026-03-02这一周的食谱，现23道菜")
    expect(rows.nth(2)).to_contain_text("米饭 0.80、清蒸鱼 4.00、苹果 0.70")
    expect(desk.locator("#menu-history li")).to_have_count(2)
    expect(desk.locator("#menu-history li").last).to_contain_text("修改：猪肉供应商停供，改为鱼")
    assert_accessible(desk)

    # Next week: copied from this one, as amended.
    week = desk.locator("#week-form")
    week.get_by_label("周（任选一天，按该周星期一）").fill("2026-03-11")
    week.get_by_role("button", name="查看").click()
    expect(desk.locator("#menu-week")).to_have_text("2026-03-09")
    expect(desk.locator("#no-menu")).to_be_visible()
    copy = desk.locator("#copy-form")
    copy.get_by_label("复制哪一周的食谱（该周任一天）").fill("2026-03-02")
    copy.get_by_role("button", name="复制到本周").click()
    expect(rows).to_have_count(5)
    expect(rows.nth(2)).to_contain_text("2026-03-11")
    expect(rows.nth(2)).to_contain_text("清蒸鱼 4.00")
    expect(desk.locator("#menu-history li").first).to_contain_text("← 2026-03-02")

    # 王 reads this week's menu on his phone; there is nothing for him to edit.
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/menus")
    expect(phone.locator("#menu-rows tr")).to_have_count(5)
    expect(phone.locator("#menu-rows tr").nth(2)).to_contain_text("清蒸鱼 4.00")
    expect(phone.locator("#menu-editor")).to_be_hidden()
    assert_accessible(phone)
