"""The store room in a basement: the scan page opens with no signal (the service worker keeps the app shell), entries
made meanwhile wait on the phone (待发送) through reloads, and go to the server in order, each once, with the moment
of its scan as business time, when the signal returns. A refusal after sync stays on its entry, with what to do.

Chromium with Playwright's offline mode: each test checks that the page is really served by the worker and that the
network really is gone, so a pass cannot come from an emulation that lets requests through.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from domain.handoff import PutOnHold
from tests.county import DAY, LI, WANG, ZHANG, at
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import PINS, Phones, SchoolDay, screenshot
from tests.pages.steps import go_offline, installed, issue_with_pin, kept, open_app, reload_offline, sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

OUTBOX = "#outbox-list > li"


def recorded_at(school_day: SchoolDay, code: str, what: str) -> list[tuple[datetime, datetime]]:
    """Each recorded event of this kind: (business time, recorded time)."""
    events = [e for e in school_day.ledger.history(code) if e.what == what]
    return [(e.at, e.recorded_at) for e in events]


def meal_samples(page: Page, school_day: SchoolDay) -> list[dict[str, Any]]:
    """The lunch's samples as the server reports them to the person signed in on ``page``."""
    school_day.catch_up()
    token = page.evaluate("JSON.parse(localStorage.getItem('ft.session')).token")
    found = page.request.get(f"/api/v1/meals/{DAY}/lunch/samples", headers={"Authorization": f"Bearer {token}"})
    samples: list[dict[str, Any]] = found.json()["samples"]
    return samples


def test_scan_issue_return_and_sample_with_no_signal_are_recorded_once_each(
    phones: Phones, school_day: SchoolDay
) -> None:
    # 09:00 some pork went to the kitchen; at 10:00 王 opens its card where there is signal: this phone keeps it.
    county = school_day.county
    pork = county.ready_to_issue()
    county.issue(pork, "5", at=at(DAY, 9))
    school_day.set_clock(10)
    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{pork}")
    expect(phone.locator("#on-hand")).to_have_text("15 kg")
    kept(phone, f"batch:{pork}")
    installed(phone)

    # Down in the store room there is no signal. The scan page still opens, from the worker, and a typed code (what
    # the camera reads) opens the card as last synced.
    go_offline(phone)
    phone.goto("/app")
    reload_offline(phone)
    phone.get_by_label("手动输入批次码").fill(pork.lower())
    phone.get_by_role("button", name="查看").click()
    expect(phone).to_have_url(re.compile(f"/app/batch/{pork}$"))
    expect(phone.locator("#offline-note")).to_contain_text("离线 · 上次同步")
    expect(phone.locator("#on-hand")).to_have_text("15 kg")
    expect(phone.locator("#actions button")).to_have_text(["出库给厨房", "退库"])
    scanned = datetime.fromisoformat(phone.evaluate("FT.countyNow()"))

    # 张师傅 takes 4 kg, signing with his PIN; 1 kg comes back. Both wait on the phone.
    issue = issue_with_pin(phone, "4", ZHANG, "2468")
    issue.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("status")).to_have_text("已保存在本机，联网后自动发送")
    phone.get_by_role("button", name="退库").click()
    back = phone.locator("form[data-action=return]")
    back.get_by_label("数量").fill("1")
    back.get_by_label("退回人编号").fill(ZHANG)
    back.get_by_role("button", name="确认").click()
    expect(phone.locator(OUTBOX)).to_have_count(2)
    expect(phone.locator("#outbox")).to_contain_text("等待联网")

    # The lunch sample, still with no signal.
    phone.goto("/app/samples")
    phone.get_by_label("菜品").fill("红烧肉")
    phone.get_by_label("克数").fill("125")
    phone.get_by_label("留样柜").fill("留样柜1号")
    phone.get_by_label(re.compile("所用批次码")).fill(pork)
    phone.get_by_role("button", name="确认").click()
    expect(phone.locator(OUTBOX)).to_have_count(3)
    assert_accessible(phone)
    screenshot(phone, "outbox-phone")

    # A reload (or a restart of the browser) loses nothing.
    reload_offline(phone)
    expect(phone.locator(OUTBOX)).to_have_count(3)
    expect(phone.locator(OUTBOX)).to_contain_text(["出库给厨房", "退库", "留样"])
    assert len(recorded_at(school_day, pork, "IssuedToKitchen")) == 1  # nothing reached the server

    # 11:30 back upstairs: the signal returns and the three go, in order, each recorded once at its scan's time.
    school_day.set_clock(11, 30)
    phone.context.set_offline(False)
    expect(phone.locator("#outbox")).to_be_hidden()
    expect(phone.get_by_role("status")).to_have_text("已发送 3 条")
    issued = recorded_at(school_day, pork, "IssuedToKitchen")
    returned = recorded_at(school_day, pork, "ReturnedToStore")
    assert len(issued) == 2 and len(returned) == 1
    for occurred, recorded in (issued[1], returned[0]):
        assert scanned - timedelta(minutes=5) <= occurred <= scanned < recorded, "business time is the scan's"
    [sample] = meal_samples(phone, school_day)
    assert (sample["dish"], sample["batch_codes"]) == ("红烧肉", [pork])
    assert scanned <= datetime.fromisoformat(sample["sealed_at"]) <= scanned + timedelta(minutes=5)


def test_a_refusal_after_sync_stays_on_its_entry_and_is_re_signed(phones: Phones, school_day: SchoolDay) -> None:
    county = school_day.county
    pork = county.ready_to_issue()
    greens = county.ready_to_issue(product="青菜", category="plant", supplier="SUP-LY", gtin=None)
    school_day.set_clock(10)
    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{greens}")
    expect(phone.locator("#on-hand")).not_to_have_text("—")
    kept(phone, f"batch:{greens}")
    phone.goto(f"/app/batch/{pork}")
    expect(phone.locator("#on-hand")).to_have_text("20 kg")
    kept(phone, f"batch:{pork}")
    installed(phone)

    # With no signal: greens to 张师傅 with a mistyped PIN, then pork, which the principal holds meanwhile.
    go_offline(phone)
    phone.goto(f"/app/batch/{greens}")
    expect(phone.locator("#offline-note")).to_be_visible()
    issue_with_pin(phone, "3", ZHANG, "1111").get_by_role("button", name="确认").click()
    phone.goto(f"/app/batch/{pork}")
    issue_with_pin(phone, "2", ZHANG, "2468").get_by_role("button", name="确认").click()
    expect(phone.locator(OUTBOX)).to_have_count(2)
    school_day.ledger.execute(PutOnHold(code=pork, reason="疑似变质"), by=WANG, at=at(DAY, 10, 20))

    phone.context.set_offline(False)
    refused = phone.locator(f"{OUTBOX}[data-state=refused]")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("领用人PIN错误，交接未完成")
    expect(refused.nth(0)).to_contain_text("请签字人本人重新输入PIN")
    expect(refused.nth(1)).to_contain_text("已封存：疑似变质")
    expect(refused.nth(1)).to_contain_text("请查看批次卡")
    assert_accessible(phone)
    screenshot(phone, "outbox-refused-phone")

    # 张师傅 types his PIN again: the greens go. The held pork is discarded: nothing was issued from it.
    refused.nth(0).get_by_role("button", name="修改后重发").click()
    refused.nth(0).get_by_label(re.compile("厨师长在此输入PIN")).fill("2468")
    refused.nth(0).get_by_role("button", name="重新发送").click()
    expect(phone.locator(OUTBOX)).to_have_count(1)
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.locator(OUTBOX).get_by_role("button", name="放弃此条").click()
    expect(phone.locator("#outbox")).to_be_hidden()
    assert len(recorded_at(school_day, greens, "IssuedToKitchen")) == 1
    assert recorded_at(school_day, pork, "IssuedToKitchen") == []


def test_a_sign_in_that_expired_meanwhile_keeps_the_queue_until_its_person_signs_in(
    phones: Phones, school_day: SchoolDay
) -> None:
    school_day.set_clock(10)
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/samples")
    installed(phone)
    go_offline(phone)
    reload_offline(phone)
    phone.get_by_label("菜品").fill("清炒青菜")
    phone.get_by_label("克数").fill("130")
    phone.get_by_label("留样柜").fill("留样柜1号")
    phone.get_by_role("button", name="确认").click()
    expect(phone.locator(OUTBOX)).to_have_count(1)

    # The signal returns late that night, after 王's sign-in (a working day) has run out: the entry waits for him.
    school_day.now = at(DAY, 23)
    phone.context.set_offline(False)
    expect(phone.locator("#outbox-sign-in")).to_contain_text("登录已过期：请重新登录，待发送的记录会保留")
    expect(phone.locator(OUTBOX)).to_have_count(1)
    phone.get_by_role("link", name="重新登录").click()
    sign_in(phone, WANG.person_id)
    expect(phone).to_have_url(re.compile("/app/samples$"))
    expect(phone.get_by_role("status")).to_have_text("已发送 1 条")
    expect(phone.locator("#outbox")).to_be_hidden()
    [sample] = meal_samples(phone, school_day)
    assert sample["dish"] == "清炒青菜"
    assert at(DAY, 10) <= datetime.fromisoformat(sample["sealed_at"]) < at(DAY, 10, 5)  # sealed then, not at 23:00


def test_an_intake_with_no_signal_is_re_signed_by_its_co_signer_and_recorded_at_its_time(
    phones: Phones, school_day: SchoolDay
) -> None:
    # 06:10, before anyone is at a desk: the list of announced deliveries was synced upstairs.
    delivery = school_day.announce_pork()
    school_day.set_clock(6, 10)
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    expect(phone.get_by_role("button", name=re.compile("猪肉（前腿）"))).to_be_visible()
    kept(phone, "deliveries")
    installed(phone)

    # In the store room the pork is checked and confirmed with 李 as co-signer, who types her PIN (one digit wrong):
    # it waits, and is not offered twice.
    go_offline(phone)
    reload_offline(phone)
    expect(phone.locator("#offline-note")).to_contain_text("离线 · 上次同步")
    phone.get_by_role("button", name=re.compile("猪肉（前腿）")).click()
    receive = phone.locator("#receive-form")
    receive.get_by_label("存放位置").fill("冷冻库（红）")
    receive.get_by_label("共同验收人编号").fill(LI)
    receive.get_by_label(re.compile("共同验收人PIN")).fill("8641")
    received_at = datetime.fromisoformat(phone.evaluate("FT.countyNow()"))
    receive.get_by_role("button", name="确认入库").click()
    expect(phone.get_by_role("status")).to_have_text("入库已保存在本机：联网发送后再打印标签")
    reload_offline(phone)
    expect(phone.locator(OUTBOX)).to_have_count(1)
    expect(phone.locator(OUTBOX)).to_contain_text("入库验收 · 猪肉（前腿） · 20 kg")
    expect(phone.locator("#no-announced")).to_be_visible()

    # 07:45 the signal is back: the PIN is refused and nothing is received; the entry says so and what to do.
    school_day.set_clock(7, 45)
    phone.context.set_offline(False)
    refused = phone.locator(f"{OUTBOX}[data-state=refused]")
    expect(refused).to_contain_text(f"共同验收人{LI}的PIN错误，未入库")
    expect(refused).to_contain_text("请签字人本人重新输入PIN")
    assert school_day.ledger.announcement(delivery).status == "announced"

    # 李 types her PIN again on the entry: the batch is received once, signed by both, at the time it was checked.
    refused.get_by_role("button", name="修改后重发").click()
    refused.get_by_label(re.compile("共同验收人PIN")).fill(PINS[LI])
    refused.get_by_role("button", name="重新发送").click()
    expect(phone.locator("#outbox")).to_be_hidden()
    announcement = school_day.ledger.announcement(delivery)
    assert announcement.status == "received"
    assert school_day.ledger.batch(announcement.batch_code).awaiting_co_signers == []
    [(occurred, _)] = recorded_at(school_day, announcement.batch_code, "Received")
    assert received_at <= occurred <= received_at + timedelta(minutes=5)
