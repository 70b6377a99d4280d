"""What keeps the store room's records right on a phone: refusals in plain words, retries that record once,
labels that open the card after signing in, the fallback of typing a code, and office readers who write nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Route, expect

from tests.api.files import photo
from tests.county import ADMIN, DAY, LI, WANG, ZHANG
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, Phones, SchoolDay, screenshot
from tests.pages.steps import issue_with_pin, open_app, sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_a_label_link_asks_to_sign_in_then_opens_the_batch(phones: Phones, school_day: SchoolDay) -> None:
    # The phone's own camera app reads the QR code and opens its address: /b/{code} on any host.
    pork = school_day.county.receive()
    phone = phones.open()
    phone.goto(f"/b/{pork.replace('-', '').lower()}")
    sign_in(phone, WANG.person_id)
    expect(phone).to_have_url(re.compile(f"/app/batch/{pork}$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("猪肉（前腿）")

    # After signing in, the page goes back only to a page of this app, never to another site.
    phone.get_by_role("button", name="退出登录").click()
    expect(phone).to_have_url(re.compile(r"/app/sign-in$"))  # once the server has revoked the token
    phone.goto("/app/sign-in?next=%2F%5Cevil.example%2Fapp")
    sign_in(phone, WANG.person_id)
    expect(phone).to_have_url(re.compile(r"/app$"))


def test_a_typed_code_opens_the_card_and_a_mistyped_one_is_caught(phones: Phones, school_day: SchoolDay) -> None:
    pork = school_day.county.receive()
    phone = phones.open()
    open_app(phone, WANG.person_id)
    typed = phone.get_by_label("手动输入批次码")
    typed.fill(pork[:-1] + ("0" if pork[-1] != "0" else "1"))  # one wrong character: the check character says so
    phone.get_by_role("button", name="查看").click()
    expect(phone.get_by_role("alert")).to_contain_text("校验")
    typed.fill(pork.lower().replace("-", ""))
    phone.get_by_role("button", name="查看").click()
    expect(phone).to_have_url(re.compile(f"/app/batch/{pork}$"))


def test_refusals_show_the_rules_reason_in_plain_words(phones: Phones, school_day: SchoolDay) -> None:
    # Greens from 绿源 came without their invoice: issue is not offered, and the card says why.
    greens = school_day.county.receive(
        supplier="SUP-LY", product="青菜", category="plant", quantity="25", supplier_lot="LY0302",
        use_by_date=DAY + timedelta(days=2), gtin=None, place="蔬菜库（绿）",
    )  # fmt: skip
    school_day.county.certify(greens, skip=("invoice",))
    school_day.set_clock(9)
    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{greens}")
    expect(phone.locator("#band")).to_have_class(re.compile("band-green"))
    expect(phone.locator("#certs")).to_contain_text("缺少：正式发票")
    expect(phone.locator("#actions button")).not_to_contain_text(["出库给厨房"])
    expect(phone.locator("#refusals")).to_contain_text("现在不能 出库给厨房：缺少正式发票")
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("#refusals")).to_contain_text("Not now Issue to kitchen: missing invoice")
    phone.get_by_role("button", name="中文").click()

    # The invoice photo, taken with the phone, is attached; now the greens may go to the kitchen.
    phone.get_by_role("button", name="上传证明").click()
    form = phone.locator("form[data-action=attach_certificate]")
    form.get_by_label("证明编号").fill("FP0302-LY")
    form.get_by_label("出具单位").fill("国家税务总局")
    form.get_by_label("照片或PDF").set_input_files(
        {"name": "invoice.jpg", "mimeType": "image/jpeg", "buffer": photo("JPEG", "FP0302-LY")}
    )
    form.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("status")).to_have_text("已记录")
    expect(phone.locator("#certs")).to_contain_text("证明齐全")
    expect(phone.get_by_role("button", name="出库给厨房")).to_be_visible()

    # A recall notice: 封存. Issue disappears and the hold's reason is on the card.
    phone.get_by_role("button", name="封存").click()
    phone.locator("form[data-action=hold]").get_by_label("原因").fill("供应商召回通知")
    phone.locator("form[data-action=hold]").get_by_role("button", name="封存").click()
    expect(phone.locator("#hold")).to_have_text("已封存：供应商召回通知")
    expect(phone.locator("#refusals")).to_contain_text("已封存：供应商召回通知")
    phone.evaluate("window.scrollTo(0, 0)")
    assert_accessible(phone)
    screenshot(phone, "batch-card-on-hold-phone")

    # Released, then asked for more than is on hand: the server's refusal is shown as the rule says it.
    phone.get_by_role("button", name="解封").click()
    phone.locator("form[data-action=release]").get_by_label("原因").fill("召回不涉及本批")
    phone.locator("form[data-action=release]").get_by_role("button", name="解封").click()
    expect(phone.get_by_role("button", name="出库给厨房")).to_be_visible()
    issue = issue_with_pin(phone, "30", ZHANG, "2468")
    issue.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("alert")).to_contain_text("库存")
    refusal_zh = phone.get_by_role("alert").inner_text()

    # The same refusal in English.
    phone.get_by_role("button", name="English").click()
    phone.get_by_role("button", name="Issue to kitchen").click()
    issue.get_by_label(re.compile("Quantity")).fill("30")
    issue.get_by_label(re.compile("PIN here")).fill("2468")
    issue.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_role("alert")).not_to_have_text(refusal_zh)
    expect(phone.get_by_role("alert")).to_contain_text(re.compile("on hand|stock", re.IGNORECASE))
    assert school_day.ledger.batch(greens).on_hand == 25

    # In the end the recalled greens are written off, with 李 as witness.
    phone.get_by_role("button", name="Write off").click()
    write_off = phone.locator("form[data-action=write_off]")
    write_off.get_by_label("Reason").fill("recalled, destroyed")
    write_off.get_by_label("Witness (person ID)").fill(LI)
    write_off.get_by_role("button", name="Write off").click()
    expect(phone.locator("#on-hand")).to_have_text("0 kg")
    expect(phone.locator("#actions button")).not_to_contain_text(["Issue to kitchen"])


def test_a_double_tap_or_a_lost_answer_records_the_issue_once(phones: Phones, school_day: SchoolDay) -> None:
    pork = school_day.county.receive()
    school_day.county.certify(pork)
    school_day.set_clock(10)
    phone = phones.open()
    open_app(phone, WANG.person_id, f"/app/batch/{pork}")

    # The first answer is lost on the way back (the server did record it); the page retries with the same key.
    keys: list[str] = []

    def lose_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # reaches the server...
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.continue_()

    phone.route("**/api/v1/batches/*/issues", lose_first_answer)
    issue = issue_with_pin(phone, "4", ZHANG, "2468")
    issue.get_by_role("button", name="确认").dblclick()
    expect(phone.get_by_role("status")).to_have_text("出库完成，领用人已签收")
    expect(phone.locator("#on-hand")).to_have_text("16 kg")

    assert len(keys) == 2 and keys[0] == keys[1] and re.fullmatch(r"[0-9a-f-]{36}", keys[0])
    issued = [e for e in school_day.ledger.history(pork) if e.what == "IssuedToKitchen"]
    assert len(issued) == 1


def test_an_investigator_pastes_a_token_and_reads_without_actions(phones: Phones, school_day: SchoolDay) -> None:
    from api.tokens import Credentials

    pork = school_day.county.receive()
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "office", ADMIN)[0]
    desktop = phones.open(viewport=DESKTOP)
    desktop.goto(f"/app/batch/{pork}")
    desktop.get_by_text("办公室人员：粘贴令牌").click()
    desktop.get_by_label("令牌").fill("ft_not-a-real-token")
    desktop.get_by_role("button", name="使用令牌登录").click()
    expect(desktop.get_by_role("alert")).to_have_text("令牌无效或已过期")
    desktop.get_by_label("令牌").fill(token)
    desktop.get_by_role("button", name="使用令牌登录").click()
    expect(desktop).to_have_url(re.compile(f"/app/batch/{pork}$"))
    expect(desktop.locator("#who")).to_have_text("inv-chen · 调查员")  # whose token it is, as the server says
    expect(desktop.get_by_role("heading", level=1)).to_have_text("猪肉（前腿）")
    expect(desktop.get_by_text("您现在不能对此批次操作")).to_be_visible()
    expect(desktop.locator("#actions button")).to_have_count(0)
    assert_accessible(desktop)


def test_storekeeper_receives_an_unannounced_delivery_with_the_short_form(
    phones: Phones, school_day: SchoolDay
) -> None:
    school_day.set_clock(7, 50)
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    expect(phone.get_by_text("今天没有待验收的预告送货")).to_be_visible()
    phone.get_by_text("未预告的送货").click()
    form = phone.locator("#intake-form")
    form.get_by_label("供应商编号").fill("sup-ly")
    form.get_by_label("品名").fill("青菜")
    form.get_by_label("数量").fill("25")
    form.get_by_label("供应商批号").fill("LY0302")
    form.get_by_label("保质期至").fill(str(DAY + timedelta(days=2)))
    form.get_by_label("发票号").fill("FP0302-LY")
    form.get_by_label("存放位置").fill("蔬菜库（绿）")
    form.get_by_label("共同验收人编号").fill(LI)
    assert_accessible(phone)
    screenshot(phone, "intake-unannounced-phone")
    form.locator("fieldset.categories").evaluate("(choices) => choices.scrollIntoView({ block: 'center' })")
    screenshot(phone, "intake-form-phone")  # the README's docs/screenshots/intake-form-phone.png
    form.get_by_role("button", name="确认入库").click()
    expect(phone.locator("#received-code")).not_to_be_empty()
    expect(phone.get_by_role("status")).to_have_text("已入库，共同验收人签字后方可出库")  # no PIN given
    code = phone.locator("#received-code").inner_text()
    batch = school_day.ledger.batch(code)
    assert (batch.product, batch.supplier_id, str(batch.on_hand), batch.signers, batch.awaiting_co_signers) == (
        "青菜",
        "SUP-LY",
        "25",
        [WANG.person_id, LI],
        [LI],
    )
    expect(phone.locator("#label-preview")).to_be_visible()
    phone.get_by_role("link", name="打开批次卡").click()
    expect(phone.locator("#certs")).to_contain_text("缺少：正式发票")
    expect(phone.locator("#co-sign")).to_contain_text(LI)
    expect(phone.locator("#refusals")).to_contain_text(f"入库验收尚待{LI}签字")
    expect(phone.get_by_role("button", name="签字确认入库验收")).to_be_hidden()  # 王 cannot sign for 李

    # 李 signs the intake on her own phone: the card no longer waits for her.
    li_phone = phones.open()
    open_app(li_phone, LI, f"/app/batch/{code}")
    li_phone.get_by_role("button", name="签字确认入库验收").click()
    expect(li_phone.get_by_role("status")).to_have_text("已签字，入库验收完成")
    expect(li_phone.locator("#co-sign")).to_be_hidden()
    assert_accessible(li_phone)
    assert school_day.ledger.batch(code).awaiting_co_signers == []
