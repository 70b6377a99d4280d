"""The demo's weekly menus (周食谱): a two-week rotation of school lunches (rice, a meat or fish dish, a vegetable
dish, soup, fruit) with prices, published by each school's principal on the Friday before, later weeks copied from
two weeks earlier, and one amendment with its reason.

The dish names are the ones the demo's samples use (米饭, 红烧肉, 宫保鸡丁, …), so a meal's samples and its menu
name the same dishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.ledger import Ledger
from domain.menu import week_of
from domain.planning import AmendMenu, CopyMenu, PublishMenu
from domain.values import Principal

RICE = ("米饭", "0.80", [("大米", "plant")])
# (name, price in yuan at a primary school, planned ingredients as (product, category))
DISH = {
    "红烧肉": ("4.00", [("猪肉（前腿）", "meat"), ("食用油", "other")]),
    "宫保鸡丁": ("3.50", [("鸡腿肉", "meat"), ("食用油", "other")]),
    "红烧鱼块": ("4.50", [("草鱼", "aquatic"), ("食用油", "other")]),
    "土豆烧肉": ("3.80", [("猪肉（前腿）", "meat"), ("土豆", "plant")]),
    "清炒青菜": ("1.20", [("青菜", "plant"), ("食用油", "other")]),
    "土豆丝": ("1.00", [("土豆", "plant"), ("食用油", "other")]),
    "西红柿炒蛋": ("1.50", [("西红柿", "plant"), ("鸡蛋", "other")]),
    "紫菜蛋花汤": ("0.60", [("紫菜", "other"), ("鸡蛋", "other")]),
    "冬瓜汤": ("0.60", [("冬瓜", "plant")]),
    "西红柿蛋汤": ("0.60", [("西红柿", "plant"), ("鸡蛋", "other")]),
    "青菜豆腐汤": ("0.60", [("青菜", "plant"), ("豆腐", "plant")]),
    "苹果": ("0.80", [("苹果", "plant")]),
    "香蕉": ("0.80", [("香蕉", "plant")]),
    "橙子": ("1.00", [("橙子", "plant")]),
    "梨": ("0.90", [("梨", "plant")]),
}
# Monday to Friday, each day "main dish, vegetable dish, soup, fruit": two weeks that alternate.
ROTATION = (
    "红烧肉 清炒青菜 紫菜蛋花汤 苹果|宫保鸡丁 土豆丝 冬瓜汤 香蕉|红烧鱼块 西红柿炒蛋 青菜豆腐汤 橙子|"
    "土豆烧肉 清炒青菜 西红柿蛋汤 梨|宫保鸡丁 西红柿炒蛋 紫菜蛋花汤 苹果",
    "宫保鸡丁 清炒青菜 冬瓜汤 香蕉|红烧肉 西红柿炒蛋 青菜豆腐汤 苹果|土豆烧肉 土豆丝 紫菜蛋花汤 梨|"
    "红烧鱼块 清炒青菜 西红柿蛋汤 橙子|红烧肉 土豆丝 冬瓜汤 香蕉",
)
MARKUP = {"CG02": Decimal("1.2")}  # the middle school's portions are larger
AMENDED_DISH = ("红烧鱼块", "宫保鸡丁", "草鱼同批次待复检，改为宫保鸡丁")


def dish(school: str, name: str) -> dict[str, Any]:
    price, ingredients = RICE[1:] if name == RICE[0] else DISH[name]
    priced = (Decimal(price) * MARKUP.get(school, Decimal(1))).quantize(Decimal("0.1"))
    planned = [{"product": product, "category": category} for product, category in ingredients]
    return {"name": name, "price": f"{priced:.2f}", "ingredients": planned}


def week_slots(school: str, week: date) -> list[dict[str, Any]]:
    """Lunch Monday to Friday of ``week``, from its half of the rotation."""
    days = ROTATION[week.isocalendar().week % 2].split("|")
    return [
        {"day": week + timedelta(days=n), "meal": "lunch", "dishes": [dish(school, name) for name in lunch]}
        for n, lunch in enumerate([RICE[0], *names.split()] for names in days)
    ]


def publish_menus(
    ledger: Ledger, school: str, weeks: list[date], *, at: Callable[[date, int], datetime], after: datetime
) -> int:
    """Each week's menu, published by the school's principal on the Friday before (``at(day, hour)``), not after
    now nor before ``after``: the first two weeks written out, each later one copied from two weeks earlier as it
    stands; the week two before the last is amended on its Monday (a fish dish replaced while the fish is held).
    Returns how many menu events were recorded, in the order they happened."""
    principal = Principal(f"{school}-4", "principal")
    recorded = 0
    for n, week in enumerate(weeks):
        when = max(min(at(week - timedelta(days=3), 16), ledger.clock()), after)
        if n < 2:
            command: PublishMenu | CopyMenu = PublishMenu(school=school, week=week, slots=week_slots(school, week))
        else:
            command = CopyMenu(school=school, week=week, from_week=week - timedelta(days=14))
        ledger.execute(command, by=principal, at=when)
        recorded += 1
        if len(weeks) >= 3 and week == weeks[-3]:
            recorded += _amend(ledger, school, week, principal, at(week, 7))
    return recorded


def _amend(ledger: Ledger, school: str, week: date, principal: Principal, when: datetime) -> int:
    old, new, reason = AMENDED_DISH
    for slot in week_slots(school, week):
        if old in [d["name"] for d in slot["dishes"]]:
            dishes = [dish(school, new) if d["name"] == old else d for d in slot["dishes"]]
            amended = AmendMenu(school=school, week=week, slots=[{**slot, "dishes": dishes}], reason=reason)
            ledger.execute(amended, by=principal, at=when)
            return 1
    return 0


def demo_weeks(first_day: date, today: date) -> list[date]:
    """The Mondays of every week from the demo's first day to the week after today's."""
    weeks, week = [], week_of(first_day)
    while week <= week_of(today) + timedelta(days=7):
        weeks.append(week)
        week += timedelta(days=7)
    return weeks
