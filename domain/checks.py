"""Checks more than one capability makes: a typed date is plausible, a person may handle food that day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.delivery import Delivery
from domain.errors import NotFound, ValidationError
from domain.rules import RulesProfile

if TYPE_CHECKING:
    from domain.ledger import Ledger


def check_date(
    profile: RulesProfile, value: date | None, field: str, zh: str, today: date, *, shelf_life: bool = False
) -> None:
    """A typed date lies within the profile's window around the county's today (9999-12-31 does not)."""
    earliest, latest = profile.date_window(today, shelf_life=shelf_life)
    if value is not None and not earliest <= value <= latest:
        raise ValidationError(
            zh=f"{zh}{value}不在合理范围内（{earliest}至{latest}）",
            en=f"{field} {value} is outside {earliest} to {latest}, the dates allowed around today",
            field=field,
        )


def check_delivery_dates(profile: RulesProfile, delivery: Delivery, today: date) -> None:
    check_date(profile, delivery.production_date, "production_date", "生产日期", today)
    check_date(profile, delivery.use_by_date, "use_by_date", "保质期", today, shelf_life=True)


def check_handler(ledger: Ledger, person_id: str, school: str, day: date) -> None:
    """Whoever receives, gives or takes food must belong to the school and be fit that day (§12)."""
    member = ledger.staff(person_id, read_only=True)
    if member.school_id is not None and member.school_id != school:
        # As if unknown: a school learns nothing about another school's staff, not even a name.
        raise NotFound(zh=f"人员{person_id}未登记", en=f"{person_id} is not registered staff")
    member.check_fit_for_food_work(day, ledger.profile.require_daily_health_check)
