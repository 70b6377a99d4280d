"""按菜品追溯 in the browser: after 'children fell ill after the braised pork', the investigator traces the lunch,
sees its dishes and starts the trace again from the one dish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from api.tokens import Credentials
from domain.dishes import RecordDishServed
from domain.values import Principal
from tests.county import ADMIN, DAY, ZHANG, at, send
from tests.pages.conftest import DESKTOP, Phones, SchoolDay
from tests.pages.test_investigator_walk import sign_in_with_token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_investigator_starts_a_backward_trace_from_one_dish(phones: Phones, school_day: SchoolDay, server: str) -> None:
    county = school_day.county
    pork = county.ready_to_issue()
    greens = county.ready_to_issue(supplier="SUP-LY", product="青菜", category="plant", supplier_lot="LY260302-1",
                                   gtin=None, invoice_number="FP20260302009", place="蔬菜库（绿）")  # fmt: skip
    county.issue(pork, "5", dishes=["红烧肉"])
    county.issue(greens, "3")
    kitchen = {
        "school": "CG01",
        "meal_date": DAY,
        "meal": "lunch",
        "by": Principal(ZHANG, "kitchen"),
        "at": at(hour=13),
    }
    send(school_day.ledger, RecordDishServed, {**kitchen, "dish": "清炒青菜", "batch_codes": [greens], "portions": 305})
    school_day.set_clock(15)
    school_day.catch_up()
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]

    desktop = phones.open(viewport=DESKTOP)
    sign_in_with_token(desktop, token)
    desktop.goto(f"/app/trace?school=CG01&meal_date={DAY}&meal=lunch")
    dishes = desktop.locator("#meal-dishes li")
    expect(dishes).to_have_count(2)
    expect(dishes.filter(has_text="清炒青菜")).to_contain_text("供餐305份")
    expect(desktop.locator("#trace-tree")).to_contain_text(greens)

    dishes.filter(has_text="红烧肉").get_by_role("button", name="从此菜品追溯").click()
    expect(desktop.locator("#b-dish")).to_have_value("红烧肉")
    expect(desktop.locator("#trace-tree")).not_to_contain_text(greens)
    expect(desktop.locator("#trace-tree")).to_contain_text(pork)
    expect(dishes.filter(has_text="红烧肉")).to_have_class(re.compile("chosen"))
