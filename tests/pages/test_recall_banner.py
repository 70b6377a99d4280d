"""召回 on the storekeeper's phone: an open recall that holds a batch of the school is at the top of the scan page
and of the batch's card, in words that say what to do; a school it does not touch sees nothing of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from api.tokens import Credentials
from domain.recalling import OpenRecall
from domain.values import Principal
from tests.county import DAY, WANG, XH_STOREKEEPER, at
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import PINS, Phones, SchoolDay
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

NOTICE = "县市监召〔2026〕3号"


def test_a_storekeeper_sees_the_recall_at_the_top_of_the_scan_page_and_on_the_card(
    phones: Phones, school_day: SchoolDay
) -> None:
    # Given pork of a lot the county then recalls
    pork = school_day.county.receive()
    recall = OpenRecall(
        notice_number=NOTICE,
        reason="同批次猪肉抽检兽药残留超标",
        supplier="SUP-HX",
        product="猪肉（前腿）",
        lot="HX260301-2",
    )
    school_day.ledger.execute(recall, by=Principal("county-logistics", "logistics"), at=at(DAY, 7, 35))
    school_day.set_clock(8)
    phone = phones.open()
    school_day.catch_up()
    # When the storekeeper opens the app
    open_app(phone, WANG.person_id)
    # Then the recall is the first thing on the scan page
    banner = phone.locator("#recalls")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(NOTICE)
    expect(banner).to_contain_text("退回供应商或在见证人见证下销毁")
    assert_accessible(phone)
    # And the batch's card names it above everything else
    phone.goto(f"/app/batch/{pork}")
    expect(phone.locator("#recalled")).to_have_text(f"已召回：{NOTICE} · 同批次猪肉抽检兽药残留超标")
    expect(phone.locator("#hold")).to_contain_text(NOTICE)
    assert_accessible(phone)


def test_a_school_the_recall_does_not_touch_sees_no_banner(
    phones: Phones, school_day: SchoolDay, monkeypatch: pytest.MonkeyPatch
) -> None:
    school_day.county.receive()
    recall = OpenRecall(
        notice_number=NOTICE, reason="抽检不合格", supplier="SUP-HX", product="猪肉（前腿）", lot="HX260301-2"
    )
    school_day.ledger.execute(recall, by=Principal("county-logistics", "logistics"), at=at(DAY, 7, 35))
    school_day.set_clock(8)
    phone = phones.open()
    school_day.catch_up()
    # 新华's storekeeper signs in with a PIN of their own
    Credentials(school_day.ledger).set_pin(XH_STOREKEEPER, "9753", by=Principal("county-admin", "admin"))
    monkeypatch.setitem(PINS, XH_STOREKEEPER, "9753")
    open_app(phone, XH_STOREKEEPER)
    phone.wait_for_load_state("networkidle")  # the recalls asked for have been answered
    expect(phone.locator("#recalls")).to_be_hidden()
