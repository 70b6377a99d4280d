"""Dishes (菜品) in the store room and the kitchen: which batches went into which dish of a meal.

A dish is named as the meal's menu names it (its name, 菜名). An issue to the kitchen may name the dishes it is
for (one sack of rice feeds several, so naming none is fine); after service the kitchen lead records, dish by
dish, the batches that went into it and the portions served (供餐记录). Where the meal has a published menu, a
dish named anywhere must be on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

from domain.checks import check_date
from domain.command import Command, Outcome, handles
from domain.errors import NotFound, RuleViolation, ValidationError
from domain.ids import stream_id
from domain.values import Meal, Principal, parse_choice, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger

MAX_DISHES = 20  # named on one issue: a meal's menu has a handful
MAX_PORTIONS = 100_000


def meal_service_id(school: str, meal_date: date, meal: str) -> UUID:
    return stream_id("meal-service", school, meal_date.isoformat(), meal)


@dataclass(frozen=True)
class DishServed:
    """What the kitchen lead recorded of one dish: the batches cooked into it and the portions served."""

    batch_codes: tuple[str, ...]
    portions: int
    recorded_by: str
    at: datetime


class MealService(Aggregate):
    """供餐记录: one stream per school, date and meal, holding the kitchen's record of each dish served."""

    @staticmethod
    def create_id(school_id: str, meal_date: date, meal: str) -> UUID:
        return meal_service_id(school_id, meal_date, meal)

    @event("Opened")
    def __init__(self, school_id: str, meal_date: date, meal: str, by: Principal, at: datetime) -> None:
        self.school_id = school_id
        self.meal_date = meal_date
        self.meal = Meal(meal)
        self.dishes: dict[str, DishServed] = {}

    def record_dish(self, dish: str, batch_codes: list[str], portions: int, by: Principal, at: datetime) -> None:
        """A later record of the same dish replaces the earlier one (both stay in the log)."""
        self._dish_recorded(
            school_id=self.school_id,
            meal_date=self.meal_date,
            meal=self.meal.value,
            dish=dish,
            batch_codes=batch_codes,
            portions=portions,
            by=by,
            at=at,
        )

    @event("DishRecorded")
    def _dish_recorded(
        self,
        school_id: str,
        meal_date: date,
        meal: str,
        dish: str,
        batch_codes: list[str],
        portions: int,
        by: Principal,
        at: datetime,
    ) -> None:
        self.dishes[dish] = DishServed(tuple(batch_codes), portions, by.person_id, at)


@dataclass(frozen=True, kw_only=True)
class RecordDishServed(Command):
    """After service, the kitchen lead (``by``) says which batches went into a dish and how many portions."""

    school: str
    meal_date: date
    meal: Meal | str
    dish: str
    batch_codes: list[str]
    portions: int


def menu_dishes(ledger: Ledger, school: str, meal_date: date, meal: str) -> frozenset[str] | None:
    """The dishes of the meal's published menu (domain/menu.py), or None where the meal has no menu."""
    planned = ledger.dishes_on_menu(school, meal_date, meal)
    return frozenset(dish.name for dish in planned) if planned else None


def named_dishes(
    ledger: Ledger, school: str, meal_date: date, meal: str, dishes: list[str] | None, field: str = "dishes"
) -> tuple[str, ...]:
    """The dishes an issue, a sample or a record names, each once; on the meal's menu where it has one."""
    names = tuple(dict.fromkeys(require_text(d, field, "菜品") for d in dishes or ()))
    if len(names) > MAX_DISHES:
        raise ValidationError(zh=f"一次最多指明{MAX_DISHES}道菜品", en=f"name at most {MAX_DISHES} dishes", field=field)
    on_menu = menu_dishes(ledger, school, meal_date, meal)
    off_menu = [name for name in names if on_menu is not None and name not in on_menu]
    if off_menu:
        listed = "、".join(sorted(on_menu or ())) or "无"
        raise ValidationError(
            zh=f"菜品{'、'.join(off_menu)}不在{meal_date}本餐的食谱上（食谱：{listed}）",
            en=f"{', '.join(off_menu)} is not on the menu of this meal on {meal_date} (the menu has: {listed})",
            field=field,
        )
    return names


def meal_service(ledger: Ledger, school: str, meal_date: date, meal: str) -> MealService | None:
    try:
        service: MealService = ledger.repository.get(meal_service_id(school, meal_date, meal))
    except AggregateNotFoundError:
        return None
    return service


@handles(RecordDishServed)
def record_dish_served(ledger: Ledger, c: RecordDishServed, by: Principal, at: datetime) -> Outcome:
    """供餐记录: each batch named was issued for this meal (and not voided); the dish is on the menu if it has one."""
    meal = parse_choice(Meal, c.meal, "meal", "餐次").value
    ledger.school(c.school)
    check_date(ledger.profile, c.meal_date, "meal_date", "用餐日期", ledger.profile.local_date(at))
    (dish,) = named_dishes(ledger, c.school, c.meal_date, meal, [c.dish], field="dish")
    if not 0 <= c.portions <= MAX_PORTIONS:
        raise ValidationError(
            zh=f"供餐份数须在0至{MAX_PORTIONS}之间", en=f"portions must be 0 to {MAX_PORTIONS}", field="portions"
        )
    codes = list(dict.fromkeys(_issued_for(ledger, c.school, c.meal_date, meal, code) for code in c.batch_codes))
    service = meal_service(ledger, c.school, c.meal_date, meal)
    if service is None:
        service = MealService(school_id=c.school, meal_date=c.meal_date, meal=meal, by=by, at=at)
    service.record_dish(dish, codes, c.portions, by=by, at=at)
    answer = {"school": c.school, "meal_date": c.meal_date.isoformat(), "meal": meal, "dish": dish}
    return [service], {**answer, "batch_codes": codes, "portions": c.portions}


def _issued_for(ledger: Ledger, school: str, meal_date: date, meal: str, code: str) -> str:
    """A batch's code, when a live issue of it went to this meal."""
    batch = ledger.batch(code)
    if batch.school_id != school:  # as if unknown: another school's batches do not show
        raise NotFound(zh=f"批次{batch.code}不存在", en=f"no batch {batch.code}")
    if not any(
        m.kind == "issue" and m.meal_date == meal_date and m.meal == meal and version not in batch.voided
        for version, m in batch.movements.items()
    ):
        raise RuleViolation(
            zh=f"批次{batch.code}没有出库用于{meal_date}这一餐",
            en=f"batch {batch.code} was not issued for this meal on {meal_date}",
            field="batch_codes",
        )
    return batch.code
