"""陈校长, principal and food-safety officer of 城关第一小学, on the office computer and on a tablet: the week's
compliance gaps and the month's 进出库台账, downloaded as the spreadsheet the county files."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from domain.handoff import Inspect
from domain.values import Principal
from projections.stock import warehouse_ledger
from tests.county import DAY, WANG, at
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, PRINCIPAL, TABLET, Phones, SchoolDay, screenshot
from tests.pages.incident import same_pork_at_two_schools
from tests.pages.steps import sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def a_week_with_gaps(school_day: SchoolDay, server: str) -> tuple[str, str]:
    """The incident's pork, and: greens without their invoice that failed the issue inspection, pork for dinner
    with no sample kept, and one walk-round by the principal (of the two a week the county asks, §15)."""
    ours, _ = same_pork_at_two_schools(school_day, server)
    county, ledger = school_day.county, school_day.ledger
    greens = county.receive(
        supplier="SUP-LY", product="青菜", category="plant", quantity="25", supplier_lot="LY0302",
        use_by_date=DAY + timedelta(days=2), gtin=None, place="蔬菜库（绿）", at=at(hour=7, minute=45),
    )  # fmt: skip
    county.certify(greens, skip=("invoice",))
    ledger.execute(Inspect(code=greens, stage="issue", passed=False, notes="叶片发黄、有异味"), by=WANG, at=at(hour=9))
    ledger.execute(
        Inspect(code=ours, stage="issue", passed=True, notes="色泽正常"),
        by=Principal(PRINCIPAL, "principal"),
        at=at(hour=9, minute=30),
    )
    county.issue(ours, "3", meal="dinner", at=at(hour=15))
    school_day.catch_up()
    return ours, greens


def test_principal_reads_the_weeks_gaps_and_the_months_ledger(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    ours, greens = a_week_with_gaps(school_day, server)
    school_day.set_clock(16)

    # 陈校长 signs in with her PIN and lands on her school's compliance for this week.
    desktop = phones.open(viewport=DESKTOP)
    desktop.goto("/app/sign-in")
    sign_in(desktop, PRINCIPAL)
    expect(desktop).to_have_url(re.compile(r"/app/compliance"))
    expect(desktop.locator("#who")).to_have_text("陈校长 · 校长/食品安全员")
    expect(desktop.locator(".tabs a:visible")).to_have_text(["扫码", "留样", "食谱", "合规", "台账"])
    expect(desktop.get_by_label("学校编号")).to_be_hidden()  # her own school only
    expect(desktop.locator("#report-title")).to_have_text("CG01 · 2026-03-02 至 2026-03-08")

    # What is missing, each with its count at the top.
    tiles = desktop.locator("#tiles li")
    expect(tiles).to_have_text(
        [
            "1缺少证明的入库",
            "1查验不合格",
            "0食谱菜品未留样",  # this county has no menus: no dish to miss
            "1未留样的餐次",
            "0留样克数不足",
            "0提前处理的留样",
            "0留样与台账不一致",
            "1从业人员证件到期",
            "0食堂检查次数",  # the week and the month began today: still running, not failed
        ]
    )
    expect(desktop.locator("#missing-certificates")).to_contain_text(f"{greens}")
    expect(desktop.locator("#missing-certificates")).to_contain_text("正式发票")
    expect(desktop.locator("#failed-inspections")).to_contain_text("叶片发黄、有异味")
    expect(desktop.locator("#meals-without-samples")).to_contain_text("CG01 · 2026-03-02 晚餐")
    expect(desktop.locator("#staff-expiring")).to_contain_text("赵志强 (CG01-zhao)")
    expect(desktop.locator("#staff-expiring")).to_contain_text("2026-02-20 已过期")
    principal_checks = desktop.locator("#supervision tr").filter(has_text="校长/食品安全员抽查（每周）")
    expect(principal_checks).to_contain_text("第10周（3月2日–3月8日）")
    expect(principal_checks).to_contain_text("1 / 至少 2 次")
    expect(principal_checks).to_contain_text("进行中")
    expect(desktop.locator("#supervision")).to_contain_text("2026年3月")
    expect(desktop.locator("#supervision")).not_to_contain_text("未达标")
    expect(desktop.locator("#report")).not_to_contain_text("§")
    iso_week = re.compile(r"\d{4}-W\d{2}(?![0-9A-Z])")  # 2026-W10, never a batch code such as 3775-W236F
    expect(desktop.locator("#report")).not_to_contain_text(iso_week)
    assert_accessible(desktop)
    screenshot(desktop, "compliance-desktop")

    # The month: the same gaps from 1 to 31 March.
    desktop.get_by_text("按月").click()
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.locator("#report-title")).to_have_text("CG01 · 2026-03-01 至 2026-03-31")

    # The month's 进出库台账, laid out like the paper book, and downloaded for the county.
    desktop.get_by_role("link", name="台账", exact=True).click()
    book = desktop.locator("#book-table")
    expect(desktop.locator("#book-title")).to_have_text("城关第一小学（CG01） 进出库台账 · 2026-03")
    rows = book.locator("tbody tr")
    expect(rows).to_have_count(4)  # pork in, greens in, pork out for lunch, pork out for dinner
    # In the order things happened, like the paper book (the greens came at 7:45 but were written up after the
    # pork's issue at 10:00), and the same order as the view's.
    in_time_order = [ours, greens, ours, ours]
    assert school_day.views is not None
    assert [r["code"] for r in warehouse_ledger(school_day.views, "CG01", "2026-03")["rows"]] == in_time_order
    expect(rows.locator("td:nth-child(4)")).to_have_text(in_time_order)
    expect(rows.locator("td:nth-child(2)")).to_have_text(["入库", "入库", "出库", "出库"])
    expect(rows.locator("td:nth-child(9)")).to_have_text(["20", "25", "8", "5"])  # 本批结存
    pork_lunch = rows.filter(has_text="2026-03-02 午餐")
    expect(pork_lunch).to_contain_text("出库")
    expect(pork_lunch).to_contain_text("王建国")
    expect(pork_lunch).to_contain_text("张师傅")
    expect(pork_lunch.locator("td").nth(7)).to_have_text("12")  # 出库数量
    expect(pork_lunch.locator("td").nth(8)).to_have_text("8")  # 本批结存
    expect(book.locator("tfoot")).to_contain_text("本月结存")
    assert_accessible(desktop)
    screenshot(desktop, "ledger-desktop")
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="下载Excel").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
    assert ours in text and greens in text and "猪肉（前腿）" in text
    codes = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[3]]
    assert codes == in_time_order, "the xlsx lists the rows in the page's order"

    # Another school's book is not hers to read.
    desktop.goto("/app/ledger?school=XH01&month=2026-03")
    expect(desktop.locator("#book-title")).to_contain_text("城关第一小学")


def test_principal_on_a_tablet_and_a_phone(phones: Phones, school_day: SchoolDay, server: str) -> None:
    a_week_with_gaps(school_day, server)
    school_day.set_clock(16)
    for viewport, name in ((TABLET, "tablet"), (None, "phone")):
        page = phones.open(viewport=viewport) if viewport else phones.open()
        page.goto("/app/sign-in")
        sign_in(page, PRINCIPAL)
        expect(page.locator("#tiles li")).to_have_count(9)
        assert_accessible(page)
        screenshot(page, f"compliance-{name}")
        page.goto("/app/ledger")
        expect(page.locator("#book-table tbody tr")).to_have_count(4)
        assert_accessible(page)
        if name == "phone":
            expect(page.locator(".scroll-hint")).to_be_visible()  # wider than a phone, and it says so
        page.locator("#book").evaluate("(book) => book.scrollIntoView()")
        screenshot(page, f"ledger-{name}")  # the phone's is the README's docs/screenshots/ledger-phone.png
