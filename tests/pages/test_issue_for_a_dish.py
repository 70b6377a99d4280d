"""出库 for a dish on the phone: the storekeeper scans the pork, ticks 红烧肉 from the lunch's menu, and the issue
names it; a meal with no menu offers nothing to tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.county import DAY, WANG, ZHANG, at
from tests.menus import publish_week
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import PINS, Phones, SchoolDay
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_storekeeper_picks_the_dish_when_issuing_on_a_phone(phones: Phones, school_day: SchoolDay) -> None:
    publish_week(school_day.ledger, DAY, at=at(DAY - timedelta(days=3)))
    pork = school_day.county.ready_to_issue()
    school_day.set_clock(10)
    school_day.catch_up()

    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{pork}")
    phone.get_by_role("button", name="出库给厨房").click()
    issue = phone.locator("form[data-action=issue]")
    dishes = issue.locator("#issue-dishes")
    expect(dishes).to_be_visible()
    expect(dishes.get_by_role("checkbox")).to_have_count(5)  # 米饭, 红烧肉, 清炒小白菜, 番茄蛋汤, 苹果
    dishes.get_by_label("红烧肉").check()
    issue.get_by_label("数量").fill("5")
    issue.get_by_label("领用人编号（厨师长）").fill(ZHANG)
    issue.get_by_label("厨师长在此输入PIN（不在场可留空，由其手机确认）").fill(PINS[ZHANG])
    assert_accessible(phone)
    issue.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("status")).to_have_text("出库完成，领用人已签收")

    issued = [m for m in school_day.ledger.batch(pork).movements.values() if m.kind == "issue"]
    assert [m.dishes for m in issued] == [("红烧肉",)]

    # Dinner has no menu: the form offers no dish, and an issue for it names none.
    phone.get_by_role("button", name="出库给厨房").click()
    issue.get_by_label("晚餐").check()
    expect(dishes).to_be_hidden()
