"""Menu planning (周食谱): a school publishes its weekly menu, amends it with a reason, or copies an earlier week.

The principal (校长, who is the school's food-safety officer here) publishes; storekeepers, kitchen leads and
investigators read (api/auth.py). A week is named by its Monday; a dish by its name within (school, date, meal)
(domain/menu.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from domain.checks import check_date
from domain.command import Command, Outcome, handles
from domain.errors import ValidationError
from domain.menu import Dish, Menu, Slot, menu_id, parse_slots, require_monday, stored_slots
from domain.values import Principal, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class PublishMenu(Command):
    school: str
    week: date  # its Monday
    slots: list[dict[str, Any]]  # each {"day": date, "meal": "lunch", "dishes": [{"name", "age_group", "price", …}]}


@dataclass(frozen=True, kw_only=True)
class AmendMenu(Command):
    school: str
    week: date
    slots: list[dict[str, Any]]  # the slots it replaces, each whole; a slot with no dishes cancels that meal
    reason: str


@dataclass(frozen=True, kw_only=True)
class CopyMenu(Command):
    school: str
    week: date
    from_week: date


@handles(PublishMenu)
def publish_menu(ledger: Ledger, c: PublishMenu, by: Principal, at: datetime) -> Outcome:
    """发布周食谱: once a week; later changes are amendments."""
    _check_week(ledger, c.school, c.week, "week", at)
    slots = parse_slots(c.week, c.slots, may_empty=False)
    return _published(ledger, school=c.school, week=c.week, slots=slots, copied_from=None, by=by, at=at)


@handles(CopyMenu)
def copy_menu(ledger: Ledger, c: CopyMenu, by: Principal, at: datetime) -> Outcome:
    """Copy an earlier (or any other) week's menu as it stands, amendments included, to a week not yet published."""
    _check_week(ledger, c.school, c.week, "week", at)
    _check_week(ledger, c.school, c.from_week, "from_week", at)
    if c.from_week == c.week:
        raise ValidationError(zh="不能复制到同一周", en="from_week is the week itself", field="from_week")
    source = ledger.menu(c.school, c.from_week)
    shift = c.week - c.from_week
    slots: dict[Slot, tuple[Dish, ...]] = {
        (day + shift, meal): tuple(dataclasses.replace(d, meal_date=day + shift) for d in dishes)
        for (day, meal), dishes in source.served_slots().items()
    }
    return _published(ledger, school=c.school, week=c.week, slots=slots, copied_from=c.from_week, by=by, at=at)


@handles(AmendMenu)
def amend_menu(ledger: Ledger, c: AmendMenu, by: Principal, at: datetime) -> Outcome:
    """修改周食谱: the slots named are replaced whole, with a reason; a slot left as it was is refused."""
    _check_week(ledger, c.school, c.week, "week", at)
    menu = ledger.menu(c.school, c.week)
    reason = require_text(c.reason, "reason", "修改原因", 500)
    slots = parse_slots(c.week, c.slots, may_empty=True)
    for (day, meal), dishes in slots.items():
        if menu.slots.get((day, meal), ()) == dishes:
            raise ValidationError(
                zh=f"{day}的{meal.value}与原食谱相同，没有修改",
                en=f"{day} {meal.value} is the same as the menu already says",
                field="slots",
            )
    menu.amend(school_id=c.school, week=c.week, slots=stored_slots(slots), reason=reason, by=by, at=at)
    return [menu], _result(menu)


def _published(
    ledger: Ledger,
    *,
    school: str,
    week: date,
    slots: dict[Slot, tuple[Dish, ...]],
    copied_from: date | None,
    by: Principal,
    at: datetime,
) -> Outcome:
    ledger.refuse_existing(
        menu_id(school, week),
        zh=f"{week}这一周的食谱已发布，请修改而不是重新发布",
        en=f"the menu of the week of {week} is already published: amend it instead",
    )
    menu = Menu(school_id=school, week=week, slots=stored_slots(slots), copied_from=copied_from, by=by, at=at)
    return [menu], _result(menu)


def _check_week(ledger: Ledger, school: str, week: date, field: str, at: datetime) -> None:
    require_monday(week, field)
    check_date(ledger.profile, week, field, "周", ledger.profile.local_date(at))
    ledger.school(school)


def _result(menu: Menu) -> dict[str, Any]:
    served = menu.served_slots()
    return {
        "school": menu.school_id,
        "week": menu.week.isoformat(),
        "version": menu.version,
        "meals": len(served),
        "dishes": sum(len(dishes) for dishes in served.values()),
    }
