"""A realistic weekly menu (周食谱) for the tests: lunch on school days, rice, a meat dish, a vegetable, soup, fruit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.ledger import Ledger
from domain.planning import PublishMenu
from domain.values import Principal

PRINCIPAL = Principal("CG01-chen", "principal")  # 陈校长, the school's food-safety officer

LUNCH: list[dict[str, Any]] = [
    {"name": "米饭", "price": "0.80", "ingredients": [{"product": "大米", "category": "plant"}]},
    {"name": "红烧肉", "price": "3.50", "ingredients": [{"product": "猪肉（前腿）", "category": "meat"}]},
    {"name": "清炒小白菜", "price": "1.20", "ingredients": [{"product": "小白菜", "category": "plant"}]},
    {"name": "番茄蛋汤", "price": "0.80", "ingredients": [{"product": "番茄"}, {"category": "other"}]},
    {"name": "苹果", "price": "0.70", "ingredients": [{"product": "苹果", "category": "plant"}]},
]


def lunch_slots(week: date, days: int = 5, dishes: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Lunch on the first ``days`` days of the week, each with the same dishes."""
    return [{"day": week + timedelta(days=n), "meal": "lunch", "dishes": dishes or LUNCH} for n in range(days)]


def publish_week(
    ledger: Ledger, week: date, *, at: datetime, school: str = "CG01", by: Principal = PRINCIPAL
) -> dict[str, Any]:
    """Publish ``school``'s lunch menu for the week beginning Monday ``week``."""
    return ledger.execute(PublishMenu(school=school, week=week, slots=lunch_slots(week)), by=by, at=at)
