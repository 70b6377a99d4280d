"""The monthly public notice (公示) of one school: what the seed (§1) asks a school to publish, read from the trace
index; the public page, its JSON and its A4 PDF are all built from ``public_notice``.

What is public, and why:
- the school (code, name) and the month: whose notice it is;
- purchases by supplier and product: the supplier's code and name (a business, named on its invoices), the
  product, the quantity received, the unit price the receipt recorded and the amount; a receipt without a price
  shows 未填单价 and is left out of the sums, so the totals never pretend to know a price;
- sample compliance (§14): how many meals were served and kept samples, and which meals (date, meal) lacked one or
  had a short, early-disposed or disagreeing sample; counts and dates, never who sealed them;
- the supervisors' checks (§15): per week or month, how many checks of each kind against the minimum, as the
  compliance page shows them; the kind of check, never the checker;
- the weekly menus (周食谱, §1): each day's meals and their dishes with the price of a portion, as the menus stand
  (amendments included), by week; the dishes only, never who published or amended them;
- the signed ledger checkpoint of the month's end (DESIGN 7): position, digest, signature and key, so that anyone can
  later check with ``foodtrace verify --checkpoints`` that the records were not changed.
Nothing else: no person ids, names, phone numbers, PINs or tokens, no batch codes or invoice numbers (a batch code
opens a card to whoever holds it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import NotFound
from domain.glossary import MEALS, UNITS, month_bounds, month_zh, zh
from domain.menu import week_of
from projections.compliance import sample_gaps, supervision
from projections.menus import by_day, menu_dishes
from projections.rows import plain
from projections.service import Projections, Reader

NO_PRICE = "未填单价"
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
CENT = Decimal("0.01")
MONTH = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])$")


def notice_month(month: str) -> date:
    """The month's first day; any other text is a month the county has no notice for (404, zh/en)."""
    if not MONTH.match(month):
        raise NotFound(zh=f"没有{month}这个月份（格式：2026-11）", en=f"no month {month} (as 2026-11)", field="month")
    return date.fromisoformat(f"{month}-01")


def public_notice(views: Projections, school: str, month: str) -> dict[str, Any]:
    """The notice's data: purchases, samples and checks of ``school`` in ``month`` (YYYY-MM)."""
    start, end = month_bounds(notice_month(month))
    with views.reading("trace") as r:
        named = r.select("SELECT name FROM view_trace_schools WHERE code = ?", [school])
        if not named:
            raise NotFound(zh=f"没有编号为{school}的学校", en=f"no school {school}", field="school")
        purchases = _purchases(r, school, start, end)
        meals = _meals(r, school, start, end)
        gaps = sample_gaps(r, start, end, school)
        checks = supervision(r, start, end, school, r.profile.local_date(r.ledger.clock()))
        dishes = menu_dishes(r, school, start, end)
    done = sum(c["count"] for c in checks)
    return {
        "school": school,
        "school_name": named[0]["name"],
        "month": month,
        "month_zh": month_zh(start),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "records": bool(purchases["receipts"] or meals or done or dishes),
        "purchases": purchases,
        "samples": _samples(meals, gaps),
        "checks": [_check(c) for c in checks],
        "menus": _menus(dishes),
    }


def _purchases(r: Reader, school: str, start: date, end: date) -> dict[str, Any]:
    rows = r.select(
        "SELECT b.supplier, s.name, b.product, b.unit, b.quantity, b.unit_price FROM view_trace_batches b "
        "LEFT JOIN view_trace_suppliers s ON s.code = b.supplier "
        "WHERE b.school = ? AND b.received_on >= ? AND b.received_on <= ?",
        [school, start, end],
    )
    lines: dict[tuple[str, str, str, Decimal | None], dict[str, Any]] = {}
    names: dict[str, str] = {}
    for row in rows:
        price = None if row["unit_price"] is None else Decimal(str(row["unit_price"]))
        names[row["supplier"]] = row["name"] or row["supplier"]
        line = lines.setdefault((row["supplier"], row["product"], row["unit"], price), {
            "product": row["product"], "unit": row["unit"], "unit_zh": zh(UNITS, row["unit"]),
            "unit_price": price, "quantity": Decimal(0), "receipts": 0,
        })  # fmt: skip
        line["quantity"] += Decimal(str(row["quantity"]))
        line["receipts"] += 1
    suppliers, spent = [], []
    for code in sorted(names):
        own = [
            {**line, "amount": _amount(line)}
            for (supplier, *_), line in sorted(lines.items(), key=lambda item: _order(item[0]))
            if supplier == code
        ]
        total = sum((line["amount"] for line in own if line["amount"] is not None), Decimal(0)).quantize(CENT)
        spent.append(total)
        suppliers.append({"supplier": code, "supplier_name": names[code], "lines": own, "amount": total})
    unpriced = sum(line["receipts"] for line in lines.values() if line["unit_price"] is None)
    return {
        "suppliers": suppliers,
        "receipts": len(rows),
        "unpriced_receipts": unpriced,
        "amount": sum(spent, Decimal(0)).quantize(CENT),
    }


def _order(key: tuple[str, str, str, Decimal | None]) -> tuple[str, str, str, Decimal]:
    supplier, product, unit, price = key
    return supplier, product, unit, Decimal(-1) if price is None else price


def _amount(line: dict[str, Any]) -> Decimal | None:
    price: Decimal | None = line["unit_price"]
    return None if price is None else (line["quantity"] * price).quantize(CENT)


def _meals(r: Reader, school: str, start: date, end: date) -> list[tuple[str, str]]:
    rows = r.select(
        "SELECT DISTINCT meal_date, meal FROM view_trace_issues "
        "WHERE school = ? AND meal_date >= ? AND meal_date <= ? AND voided = ?",
        [school, start, end, False],
    )
    return sorted((plain(row, r.zone)["meal_date"], row["meal"]) for row in rows)


def _samples(meals: list[tuple[str, str]], gaps: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per meal served: kept, or which gap; the meal's date and name only."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, text in (("meals_without_samples", "未留样"), ("short_samples", "留样不足克数"),
                       ("disposed_early", "留样提前处置"), ("disagreements", "留样与出库不一致")):  # fmt: skip
        for gap in gaps[kind]:
            if text not in found[(gap["meal_date"], gap["meal"])]:
                found[(gap["meal_date"], gap["meal"])].append(text)
    gaps_by_meal = [
        {"meal_date": day, "meal": meal, "meal_zh": zh(MEALS, meal), "gaps": found[(day, meal)]}
        for day, meal in sorted(found)
    ]
    return {
        "meals": len(meals),
        "compliant_meals": sum(1 for meal in meals if meal not in found),
        "meals_with_gaps": gaps_by_meal,
    }


def _menus(dishes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The month's menus by week (its Monday), each day's meals with their dishes: name, age group and price."""
    weeks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for dish in dishes:
        week = week_of(date.fromisoformat(dish["meal_date"])).isoformat()
        kept = {key: dish[key] for key in ("meal_date", "meal", "name", "age_group", "price")}
        weeks[week].append({**kept, "meal_zh": zh(MEALS, dish["meal"])})
    found = []
    for week, rows in sorted(weeks.items()):
        days = by_day(rows)
        for day in days:
            day["weekday_zh"] = WEEKDAYS_ZH[date.fromisoformat(day["day"]).weekday()]
        found.append({"week": week, "days": days})
    return found


def _check(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("check", "check_zh", "period", "period_zh", "period_start", "period_end", "count", "minimum", "met")
    return {**{key: row[key] for key in keep}, "status": row["status"]}


def require_records(notice: dict[str, Any]) -> dict[str, Any]:
    """A month without a receipt, a meal or a check has nothing to publish: said plainly, never an empty notice."""
    if not notice["records"]:
        raise NotFound(
            zh=f"{notice['school_name']}在{notice['month_zh']}没有任何记录，没有可公示的内容",
            en=f"{notice['school']} recorded nothing in {notice['month']}: there is no notice to publish",
            field="month",
        )
    return notice


def vouched(notice: dict[str, Any], checkpoint: dict[str, Any] | None) -> dict[str, Any]:
    """The notice with the month end's signed checkpoint, and how anyone checks the log against it."""
    how = {
        "zh": "下载 /api/v1/checkpoints 保存为 checkpoints.json，运行 foodtrace verify --checkpoints checkpoints.json"
        "（可加 --public-key 公钥）：签名与日志一致即证明本月记录未被改动。",
        "en": "Save /api/v1/checkpoints as checkpoints.json and run foodtrace verify --checkpoints checkpoints.json "
        "(optionally --public-key KEY): a signature that holds over the log shows the month's records unchanged.",
    }
    return {**notice, "checkpoint": checkpoint, "verify": how}
