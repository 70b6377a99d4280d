"""The monthly public notice (公示) as an A4 paper to post on the school's board: the page furniture of every paper
(labels.paper), the data of projections.public_notice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labels.paper import Document, Grid, Section, render_document
from projections.public_notice import NO_PRICE

PURCHASE_COLUMNS = ("供应商", "品名", "单位", "入库笔数", "数量", "单价（元）", "金额（元）")
CHECK_COLUMNS = ("检查", "期间", "次数", "最少次数", "结果")
MENU_COLUMNS = ("日期", "星期", "餐次", "菜品及每份价格（元）")
MENUS_HEADING = "五、每周食谱（菜品及每份价格）："
STANDING = {"met": "已达到", "not_met": "未达到", "in_progress": "进行中", "upcoming": "未开始"}


def notice_pdf(notice: dict[str, Any], note: str = "") -> bytes:
    return render_document(notice_document(notice, note))


def notice_document(notice: dict[str, Any], note: str = "") -> Document:
    purchases = notice["purchases"]
    summary = [f"本月入库 {purchases['receipts']} 笔，采购金额合计 {_yuan(purchases['amount'])} 元。"]
    if purchases["unpriced_receipts"]:
        summary.append(f"其中 {purchases['unpriced_receipts']} 笔入库{NO_PRICE}，不计入金额合计。")
    sections = [
        Section(heading="一、食材采购", lines=summary, grid=_purchases(purchases)),
        Section(heading="二、留样情况", lines=_samples(notice["samples"])),
        Section(heading="三、陪餐与检查（督查）情况", grid=_checks(notice["checks"])),
        Section(heading="四、台账签名检查点（防篡改核验）", lines=_checkpoint(notice)),
        *_menus(notice["menus"]),
    ]
    return Document(
        title=f"{notice['school_name']}食堂食材采购公示（{notice['month_zh']}）",
        subtitle=f"学校编号：{notice['school']}；公示期间 {notice['start']} 至 {notice['end']}",
        sections=sections,
        note=note,
        signers=("公示人", "校长", "监督人"),
    )


def _purchases(purchases: dict[str, Any]) -> Grid:
    rows: list[list[object]] = []
    totals = set()
    for supplier in purchases["suppliers"]:
        name = f"{supplier['supplier_name']}（{supplier['supplier']}）"
        for line in supplier["lines"]:
            price = NO_PRICE if line["unit_price"] is None else _yuan(line["unit_price"])
            amount = NO_PRICE if line["amount"] is None else _yuan(line["amount"])
            rows.append([name, line["product"], line["unit_zh"], line["receipts"], line["quantity"], price, amount])
        totals.add(len(rows))
        rows.append([name, "小计", "", "", "", "", _yuan(supplier["amount"])])
    totals.add(len(rows))
    rows.append(["合计", "", "", purchases["receipts"], "", "", _yuan(purchases["amount"])])
    return Grid(columns=PURCHASE_COLUMNS, rows=rows, numeric=frozenset({3, 4, 5, 6}), totals=frozenset(totals))


def _yuan(amount: Decimal) -> str:
    """Money as posted: two decimals (the paper writes other numbers without trailing zeros)."""
    return f"{amount:.2f}"


def _samples(samples: dict[str, Any]) -> list[str]:
    lines = [f"本月供餐 {samples['meals']} 餐次，留样合规 {samples['compliant_meals']} 餐次。"]
    for gap in samples["meals_with_gaps"]:
        lines.append(f"{gap['meal_date']} {gap['meal_zh']}：{'、'.join(gap['gaps'])}")
    return lines


def _checks(checks: list[dict[str, Any]]) -> Grid:
    rows = [[c["check_zh"], c["period_zh"], c["count"], c["minimum"], STANDING.get(c["status"], c["status"])]
            for c in checks]  # fmt: skip
    return Grid(columns=CHECK_COLUMNS, rows=rows, numeric=frozenset({2, 3}))


def _menus(menus: list[dict[str, Any]]) -> list[Section]:
    """One table per week: a row per day and meal, its dishes with their prices (no menu: said in one line)."""
    if not menus:
        return [Section(heading=MENUS_HEADING.rstrip("："), lines=["本月没有发布周食谱。"])]
    sections = []
    for n, week in enumerate(menus):
        rows: list[list[object]] = [
            [day["day"], day["weekday_zh"], meal["dishes"][0]["meal_zh"], dish_list(meal["dishes"])]
            for day in week["days"]
            for meal in day["meals"]
        ]
        heading = f"{MENUS_HEADING if n == 0 else ''}{week['week']} 起一周"
        sections.append(Section(heading=heading, grid=Grid(columns=MENU_COLUMNS, rows=rows)))
    return sections


def dish_list(dishes: list[dict[str, Any]]) -> str:
    """米饭 0.80、红烧肉 4.00、…: each dish with its age group where it has one, and its price."""
    return "、".join(
        f"{d['name']}{'（' + d['age_group'] + '）' if d['age_group'] else ''} {d['price']}" for d in dishes
    )


def _checkpoint(notice: dict[str, Any]) -> list[str]:
    checkpoint = notice.get("checkpoint")
    if checkpoint is None:
        return ["本月末前尚无已签名的检查点。", notice["verify"]["zh"]]
    return [
        f"日志位置：{checkpoint['position']}；签名时间：{checkpoint['signed_at']}",
        f"摘要（sha256 链）：{checkpoint['digest']}",
        f"Ed25519 公钥：{checkpoint['public_key']}",
        f"签名：{checkpoint['signature']}",
        notice["verify"]["zh"],
    ]
