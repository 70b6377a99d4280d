"""留样 per meal on the storekeeper's phone: which batches issued for the meal still lack a sample, the samples the
school kept (on any phone), and the moment the meal is complete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from domain.values import Principal
from tests.county import DAY, WANG, ZHANG, at, retain_sample
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import Phones, SchoolDay, screenshot
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_the_samples_page_shows_what_lunch_still_lacks_until_it_is_complete(
    phones: Phones, school_day: SchoolDay
) -> None:
    # Given pork and greens issued for lunch, and the greens' sample already kept by 张师傅 on his own phone.
    county, ledger = school_day.county, school_day.ledger
    pork = county.receive()
    county.certify(pork)
    county.issue(pork, "12")
    greens = county.receive(
        supplier="SUP-LY", product="青菜", category="plant", quantity="25", supplier_lot="LY0302",
        use_by_date=DAY + timedelta(days=2), gtin=None, place="蔬菜库（绿）",
    )  # fmt: skip
    county.certify(greens)
    county.issue(greens, "8", at=at(hour=10, minute=5))
    retain_sample(
        ledger,
        "清炒青菜",
        [greens],
        grams=150,
        sealed_at=at(DAY, 12, 5),
        by=Principal(ZHANG, "kitchen"),
        at=at(DAY, 12, 5),
    )
    school_day.set_clock(12, 10)
    school_day.catch_up()

    # 王 opens 留样: today's lunch is missing the pork; the greens' sample from the kitchen's phone is listed.
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/samples")
    status = phone.locator("#meal-status")
    expect(status).to_have_text("尚缺留样：猪肉（前腿）")
    expect(phone.locator("#sample-list li")).to_have_count(1)
    expect(phone.locator("#sample-list li").first).to_contain_text("清炒青菜 · 150 g")
    unsampled = phone.locator("#meal-batches li.unsampled")
    expect(unsampled).to_contain_text(f"猪肉（前腿） {pork}")
    expect(phone.locator("#meal-batches li.sampled")).to_contain_text("已留样：清炒青菜")
    phone.locator("#sample-gaps").scroll_into_view_if_needed()
    assert_accessible(phone)
    screenshot(phone, "samples-missing-phone")

    # He takes the sample of 红烧肉, naming the pork with one tap; the meal is complete.
    unsampled.get_by_role("button", name="加入本次留样").click()
    form = phone.locator("#sample-form")
    expect(form.get_by_label("所用批次码（可选，用逗号分隔）")).to_have_value(pork)
    form.get_by_label("菜品").fill("红烧肉")
    form.get_by_label("克数").fill("130")
    form.get_by_label("留样柜").fill("留样柜1")
    form.get_by_role("button", name="确认").click()
    expect(status).to_have_text("本餐出库的批次都已留样")
    expect(phone.locator("#sample-list li")).to_have_count(2)
    expect(phone.locator("#meal-batches li.unsampled")).to_have_count(0)
    phone.locator("#sample-gaps").scroll_into_view_if_needed()
    assert_accessible(phone)
    screenshot(phone, "samples-complete-phone")

    # Dinner has nothing issued yet.
    phone.get_by_text("晚餐").click()
    expect(status).to_have_text("本餐尚无出库记录")
    expect(phone.locator("#sample-list li")).to_have_count(0)
