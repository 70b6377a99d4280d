"""已过期 on the pages: the batch card, the timeline and the investigators' search say so, judged by the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from api.tokens import Credentials
from tests.county import ADMIN, DAY, WANG, at
from tests.pages.conftest import DESKTOP, Phones, SchoolDay
from tests.pages.steps import open_app
from tests.pages.test_investigator_walk import sign_in_with_token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_a_batch_past_its_use_by_date_shows_expired_on_its_card_timeline_and_in_search(
    phones: Phones, school_day: SchoolDay
) -> None:
    greens = school_day.county.receive(
        supplier="SUP-LY", product="青菜", category="plant", quantity="25", supplier_lot="LY0302",
        use_by_date=DAY + timedelta(days=1), gtin=None, place="蔬菜库（绿）",
    )  # fmt: skip
    school_day.county.certify(greens)
    school_day.now = at(DAY + timedelta(days=2), 9)  # two days on, the greens are still in the store room
    school_day.catch_up()

    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{greens}")
    expect(phone.locator("#expired")).to_have_text("已过期")
    expect(phone.locator("#actions button")).not_to_contain_text(["出库给厨房"])
    expect(phone.locator("#refusals")).to_contain_text("已过期（保质期至2026-03-03）")

    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    desktop = phones.open(viewport=DESKTOP)
    sign_in_with_token(desktop, token)
    desktop.get_by_label("批号").fill("LY0302")
    desktop.get_by_role("button", name="查找").click()
    expect(desktop.locator("#results tbody tr")).to_contain_text(["已过期"])
    desktop.get_by_role("link", name=greens).click()
    expect(desktop.locator("#expired")).to_have_text("已过期")
