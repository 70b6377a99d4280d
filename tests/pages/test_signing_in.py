"""Staff sign in on the phone with their person id and PIN; the language they choose stays."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.county import WANG
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, Phones, screenshot
from tests.pages.steps import sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_storekeeper_signs_in_chooses_english_and_signs_out(phones: Phones) -> None:
    # Given the storekeeper's phone, not signed in: the scan page asks them to sign in first.
    phone = phones.open()
    phone.goto("/app")
    expect(phone).to_have_url(re.compile(r"/app/sign-in\?next=%2Fapp$"))
    expect(phone.get_by_role("heading", name="登录")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "sign-in-phone")

    # A wrong PIN is refused in plain words, and says nothing about whether the person exists.
    phone.get_by_label("人员编号").fill(WANG.person_id)
    phone.get_by_label("PIN码").fill("0000")
    phone.get_by_role("button", name="登录", exact=True).click()
    expect(phone.get_by_role("alert")).to_have_text("人员编号或PIN错误")

    # The right PIN opens the scan page, with who is signed in at the top.
    sign_in(phone, WANG.person_id)
    expect(phone).to_have_url(re.compile(r"/app$"))
    expect(phone.locator("#who")).to_have_text("王建国 · 仓管员")
    expect(phone.get_by_role("button", name="扫描批次标签")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "scan-phone")

    # English, and it stays after a reload and on the next page.
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("button", name="Scan a batch label")).to_be_visible()
    phone.reload()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="Intake").click()
    expect(phone.get_by_role("heading", name="Intake", exact=True)).to_be_visible()
    phone.get_by_role("button", name="中文").click()
    expect(phone.get_by_role("heading", name="入库验收", exact=True)).to_be_visible()

    # Signing out forgets the token on this phone, and the server stops taking it: a lost phone opens nothing.
    token = phone.evaluate("JSON.parse(localStorage.getItem('ft.session')).token")
    me = phone.request.get("/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "王建国"
    phone.get_by_role("button", name="退出登录").click()
    expect(phone).to_have_url(re.compile(r"/app/sign-in$"))
    assert phone.evaluate("localStorage.getItem('ft.session')") is None
    assert phone.request.get("/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}).status == 401
    phone.goto("/app/samples")
    expect(phone).to_have_url(re.compile(r"/app/sign-in\?next=%2Fapp%2Fsamples$"))


def test_the_scan_page_on_an_office_desktop(phones: Phones) -> None:
    desktop = phones.open(viewport=DESKTOP)
    desktop.goto("/app")
    sign_in(desktop, WANG.person_id)
    expect(desktop.get_by_role("button", name="扫描批次标签")).to_be_visible()
    assert_accessible(desktop)
    screenshot(desktop, "scan-desktop")
