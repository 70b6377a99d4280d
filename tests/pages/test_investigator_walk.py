"""An investigator at the county bureau after 'students fell ill after lunch on 2 March at 城关第一小学': signs in
with a token, finds the lot, reads the batch's timeline and its state that morning, traces the meal back to the
other school that had the same pork, and files the trace as a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from api.tokens import Credentials
from tests.county import ADMIN, DAY
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, Phones, SchoolDay, screenshot
from tests.pages.incident import LOT, potatoes_and_tomatoes_share_a_lot, same_pork_at_two_schools

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def sign_in_with_token(page: Page, token: str) -> None:
    page.goto("/app/sign-in")
    page.get_by_text("办公室人员：粘贴令牌").click()
    page.get_by_label("令牌").fill(token)
    page.get_by_role("button", name="使用令牌登录").click()
    expect(page.locator("#who")).not_to_be_empty()


def downloaded(page: Page, button: str) -> bytes:
    """Click an export button and take the file the browser saves."""
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    path = download.value.path()
    return Path(path).read_bytes()


def cells(xlsx: bytes) -> str:
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))


def test_investigator_goes_from_the_lot_to_the_meal_to_the_other_school_and_exports(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    ours, theirs = same_pork_at_two_schools(school_day, server)
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]

    # Signed in with the bureau's token: the search page, with the investigator's tabs.
    desktop = phones.open(viewport=DESKTOP)
    sign_in_with_token(desktop, token)
    expect(desktop).to_have_url(re.compile(r"/app/search$"))
    expect(desktop.locator("#who")).to_have_text("inv-chen · 调查员")
    expect(desktop.locator(".tabs a:visible")).to_have_text(["扫码", "检索", "追溯", "合规", "台账"])

    # The lot, at both schools, found by its start as a person types it.
    desktop.get_by_label("批号").fill(LOT[:6])
    desktop.get_by_role("button", name="查找").click()
    results = desktop.locator("#results tbody tr")
    expect(results).to_have_count(2)
    expect(desktop.locator("#results")).to_contain_text("CG01")
    expect(desktop.locator("#results")).to_contain_text("XH01")
    expect(desktop).to_have_url(re.compile(f"/app/search\\?lot={LOT[:6]}$"))
    assert_accessible(desktop)
    screenshot(desktop, "search-desktop")

    # 城关一小's batch: every event, what, who and when, in Chinese.
    desktop.get_by_role("link", name=ours).click()
    expect(desktop).to_have_url(re.compile(f"/app/batch/{ours}/timeline$"))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("猪肉（前腿）")
    events = desktop.locator("#timeline li.event")
    expect(events).to_have_count(6)
    expect(events.first).to_contain_text("入库验收 · 王建国（仓管员）")
    expect(events.first).to_contain_text("验收人 王建国、李秀英")
    expect(events.last).to_contain_text("出库至厨房 · 王建国（仓管员）")
    expect(events.last).to_contain_text("12 kg · 用于 2026-03-02 午餐 · 王建国 → 张师傅")
    expect(desktop.locator("#timeline")).to_contain_text("附证明 · 恒鑫肉类食品有限公司（供应商）")
    expect(desktop.locator("#forward-tree")).to_contain_text("新华镇中心小学")

    # What the batch was at 09:00, before the issue: 20 kg with all four certificates; later events are marked.
    desktop.get_by_label("时刻", exact=True).fill("2026-03-02T09:00")
    desktop.get_by_role("button", name="查看", exact=True).click()
    expect(desktop.locator("#as-of-on-hand")).to_have_text("20 kg")
    expect(desktop.locator("#as-of-certificates")).to_contain_text("同批次质量检测报告")
    expect(desktop.locator("#timeline li.later")).to_have_count(1)
    desktop.evaluate("window.scrollTo(0, 0)")
    assert_accessible(desktop)
    screenshot(desktop, "timeline-desktop")  # the README's docs/screenshots/timeline-desktop.png

    # At 07:35 it was in the store room without a single certificate; at 07:00 it did not exist.
    desktop.get_by_label("时刻", exact=True).fill("2026-03-02T07:35")
    desktop.get_by_role("button", name="查看", exact=True).click()
    expect(desktop.locator("#as-of-certificates")).to_have_text("无")
    expect(desktop.locator("#timeline li.later")).to_have_count(5)
    desktop.get_by_label("时刻", exact=True).fill("2026-03-02T07:00")
    desktop.get_by_role("button", name="查看", exact=True).click()
    expect(desktop.locator("#as-of-result")).to_have_text("该时刻此批次尚未入库")

    # The quality report 恒鑫 uploaded opens from the page.
    report = desktop.locator("#documents li").filter(has_text="同批次质量检测报告")
    with desktop.context.expect_page() as opened:
        report.get_by_role("button", name="打开文件").click()
    assert opened.value.url.startswith("blob:")

    # Backward from the meal: the batch, its supplier, certificates, people, and the other school with the lot.
    desktop.get_by_role("link", name="追溯", exact=True).click()
    trace = desktop.locator("#backward-form")
    trace.get_by_label("学校编号").fill("CG01")
    expect(trace.get_by_label("用餐日期")).to_have_value(str(DAY))
    trace.get_by_role("button", name="追溯").click()
    tree = desktop.locator("#trace-tree")
    expect(tree).to_contain_text("城关第一小学 2026-03-02 午餐 用了什么")
    expect(tree).to_contain_text(f"猪肉（前腿） {ours} · 批号 {LOT}")
    expect(tree).to_contain_text("12 kg（王建国 → 张师傅")
    expect(tree).to_contain_text("恒鑫肉类食品有限公司 (SUP-HX) · 经营许可证 JY1430102 ✓ 送货时有效")
    expect(tree).to_contain_text("留样 红烧肉 130 g")
    people = desktop.locator("#people tbody tr")
    expect(people).to_have_count(4)  # 李 signed; 王 signed and gave; 张 took
    expect(desktop.locator("#people")).to_contain_text("张师傅 (CG01-zhang)")
    expect(desktop.locator("#people")).to_contain_text("JK-CG01-zhang（有效期至 2026-12-31）")
    others = desktop.locator("#others")
    expect(others).to_contain_text("新华镇中心小学 (XH01) · 1 批")
    expect(others).to_contain_text(f"批号 {LOT}")  # each lot it received, counted; its batches when opened
    expect(others).not_to_contain_text(theirs)
    others.get_by_role("button", name="展开批次").click()
    expect(others).to_contain_text(theirs)
    expect(others.get_by_role("button", name="展开批次")).to_have_count(0)  # one page held them all
    expect(desktop).to_have_url(re.compile(r"/app/trace\?school=CG01&meal_date=2026-03-02&meal=lunch$"))
    assert_accessible(desktop)
    screenshot(desktop, "trace-backward-desktop")

    # Filed as a spreadsheet and as CSV, downloaded through the page.
    workbook = cells(downloaded(desktop, "导出Excel"))
    assert LOT in workbook and ours in workbook and theirs in workbook and "XH01" in workbook
    rows = list(csv.reader(io.StringIO(downloaded(desktop, "导出CSV").decode("utf-8-sig"))))
    assert any(LOT in row for row in rows)

    # The other school's lunch, one click on: no sample was kept there.
    others.get_by_role("link", name="反向追溯此餐").click()
    expect(desktop).to_have_url(re.compile(r"/app/trace\?school=XH01&meal_date=2026-03-02&meal=lunch$"))
    expect(tree).to_contain_text("新华镇中心小学 2026-03-02 午餐 用了什么")
    expect(tree).to_contain_text("本餐无留样")
    expect(desktop.locator("#others")).to_contain_text("城关第一小学 (CG01)")
    assert_accessible(desktop)


def test_the_timeline_and_the_trace_on_a_phone(phones: Phones, school_day: SchoolDay, server: str) -> None:
    ours, _ = same_pork_at_two_schools(school_day, server)
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    phone = phones.open()
    sign_in_with_token(phone, token)
    phone.goto(f"/app/batch/{ours}/timeline")
    expect(phone.locator("#timeline li.event")).to_have_count(6)
    assert_accessible(phone)
    screenshot(phone, "timeline-phone")
    phone.goto(f"/app/trace?lot={LOT}")
    expect(phone.locator("#trace-tree")).to_contain_text("批号 HX260301-2 的去向")
    expect(phone.locator("#trace-tree")).to_contain_text("本餐无留样")  # 新华镇 kept none
    assert_accessible(phone)
    screenshot(phone, "trace-forward-phone")

    # The same trace and timeline in English.
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("#trace-tree")).to_contain_text("Where lot HX260301-2 went")
    expect(phone.locator("#trace-tree")).to_contain_text("No sample kept for this meal")
    phone.goto(f"/app/batch/{ours}/timeline")
    expect(phone.get_by_role("heading", name="Every event")).to_be_visible()
    expect(phone.locator("#timeline li.event").first).to_contain_text("Received · 王建国 (storekeeper)")
    expect(phone.locator("#timeline li.event").last).to_contain_text("Issued to the kitchen")
    assert_accessible(phone)


def test_investigators_choose_the_school_for_compliance_and_the_ledger(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    same_pork_at_two_schools(school_day, server)
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    desktop = phones.open(viewport=DESKTOP)
    sign_in_with_token(desktop, token)

    # Compliance: every school unless one is chosen; the county's schools are offered.
    desktop.get_by_role("link", name="合规").click()
    expect(desktop.locator("#schools option")).to_have_count(2)
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.locator("#report-title")).to_have_text("全部学校 · 2026-03-02 至 2026-03-08")
    expect(desktop.locator("#meals-without-samples")).to_contain_text("XH01 · 2026-03-02 午餐")
    desktop.get_by_label("学校编号").fill("XH01")
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.locator("#report-title")).to_have_text("XH01 · 2026-03-02 至 2026-03-08")
    assert_accessible(desktop)

    # The other school's book for the month.
    desktop.get_by_role("link", name="台账", exact=True).click()
    desktop.get_by_label("学校编号").fill("XH01")
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.locator("#book-title")).to_have_text("新华镇中心小学（XH01） 进出库台账 · 2026-03")
    expect(desktop.locator("#book-table tbody tr")).to_have_count(2)
    expect(desktop).to_have_url(re.compile(r"/app/ledger\?school=XH01&month=2026-03$"))
    assert_accessible(desktop)


def test_a_lot_number_shared_by_two_products_shows_only_the_batchs_own_product(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    potatoes, tomatoes = potatoes_and_tomatoes_share_a_lot(school_day)
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    desktop = phones.open(viewport=DESKTOP)
    sign_in_with_token(desktop, token)

    # The potatoes' timeline: where this lot went is the potatoes only, never the tomatoes with the same number.
    desktop.goto(f"/app/batch/{potatoes}/timeline")
    forward = desktop.locator("#forward-tree")
    expect(forward).to_contain_text("土豆")
    expect(forward).to_contain_text("已出库 10 kg · 退库 2 kg · 净用 8 kg")
    expect(forward).to_contain_text("封存 · 学生午餐后腹泻，待查")
    expect(forward).not_to_contain_text("西红柿")
    expect(forward).not_to_contain_text(tomatoes)
    expect(desktop.locator("#timeline li.ev-ReturnedToStore")).to_contain_text("2 kg · 张师傅 → 王建国 · 退自第4条出库")

    # The lunch traced back: the potatoes with what came back; no other school, since nobody else had these potatoes.
    desktop.goto(f"/app/trace?school=CG01&meal_date={DAY}&meal=lunch")
    tree = desktop.locator("#trace-tree")
    expect(tree).to_contain_text("10 kg（王建国 → 张师傅")
    expect(tree).to_contain_text("退库 2 kg · 净用 8 kg")
    expect(tree).to_contain_text("退库 2 kg（张师傅 → 王建国")
    expect(desktop.locator("#others")).to_contain_text("没有其他学校收到这些批号")
    expect(desktop.locator("#others")).not_to_contain_text(tomatoes)
    assert_accessible(desktop)
    workbook = cells(downloaded(desktop, "导出Excel"))
    assert potatoes in workbook and tomatoes not in workbook and "退库" in workbook and "封存" in workbook
