"""Menu (周食谱, seed §1 and §8): a school's weekly menu, per day and meal the dishes it plans to serve.

A week is named by its Monday. Each (day, meal) of the week is a *slot*; a slot lists its dishes, each with a name,
the age group it is for where the school has several (幼儿园 小班/中班/大班; "" for everyone), the price of one
portion in yuan, and the planned ingredients by product (猪肉（前腿）) or by category (meat).

**A dish's identity is its name within (school, date, meal)**: names are unique within a slot, so
``(school, meal_date, meal, name)`` names one dish for as long as the menu stands (the name a food sample and an
issue to the kitchen use). A school serving one dish to two age groups at two prices names them apart
(软米饭（小班）). An amendment that renames a dish makes another dish; one that keeps the name keeps the dish.

Events: ``Menu.Published`` (the week's slots; ``copied_from`` names the Monday of the week it was copied from, or
None) and ``Menu.Amended`` (the slots it replaces, each whole, and why; a slot with no dishes cancels that meal).
Both carry the school and the week, so a view needs nothing else to place them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ValidationError
from domain.ids import stream_id
from domain.rules import Category
from domain.values import Meal, Principal, optional_text, parse_choice, require_text

MAX_DISHES = 30  # in one slot
MAX_INGREDIENTS = 30  # planned for one dish
Slot = tuple[date, Meal]


def menu_id(school: str, week: date) -> UUID:
    """The stream of ``school``'s menu for the week beginning on Monday ``week``."""
    return stream_id("menu", school, week.isoformat())


def require_monday(week: date, field: str = "week") -> date:
    """A week is named by its Monday: any other day is refused, naming that week's Monday."""
    if week.weekday() != 0:
        raise ValidationError(
            zh=f"周以星期一的日期表示：{week}不是星期一（该周的星期一是{week_of(week)}）",
            en=f"{field} names a week by its Monday: {week} is not a Monday (that week's is {week_of(week)})",
            field=field,
        )
    return week


def week_of(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class PlannedIngredient:
    """What a dish is planned to be cooked from: a product by name, or only its category (or both)."""

    product: str = ""
    category: str = ""  # a Category's value, or ""

    def stored(self) -> dict[str, str]:
        return {"product": self.product, "category": self.category}


@dataclass(frozen=True)
class Dish:
    """One dish of one slot. Its identity is ``name`` within (school, meal_date, meal)."""

    meal_date: date
    meal: Meal
    name: str
    age_group: str
    price: Decimal  # yuan per portion
    ingredients: tuple[PlannedIngredient, ...]

    def stored(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "age_group": self.age_group,
            "price": str(self.price),
            "ingredients": [i.stored() for i in self.ingredients],
        }


def stored_slots(slots: Mapping[Slot, Sequence[Dish]]) -> list[dict[str, Any]]:
    """Slots as an event stores them: plain JSON (dates ISO, prices decimal strings), in day and meal order."""
    order = list(Meal)
    return [
        {"day": day.isoformat(), "meal": meal.value, "dishes": [d.stored() for d in slots[(day, meal)]]}
        for day, meal in sorted(slots, key=lambda s: (s[0], order.index(s[1])))
    ]


def loaded_slots(stored: Iterable[Mapping[str, Any]]) -> dict[Slot, tuple[Dish, ...]]:
    """The slots of a stored event (already checked when recorded)."""
    found: dict[Slot, tuple[Dish, ...]] = {}
    for slot in stored:
        day, meal = date.fromisoformat(slot["day"]), Meal(slot["meal"])
        found[(day, meal)] = tuple(
            Dish(
                meal_date=day,
                meal=meal,
                name=d["name"],
                age_group=d["age_group"],
                price=Decimal(d["price"]),
                ingredients=tuple(PlannedIngredient(**i) for i in d["ingredients"]),
            )
            for d in slot["dishes"]
        )
    return found


def parse_slots(week: date, given: Sequence[Mapping[str, Any]], *, may_empty: bool) -> dict[Slot, tuple[Dish, ...]]:
    """Slots as a command sends them (``day``, ``meal``, ``dishes``), checked: days of the week, each slot once,
    dish names unique within their slot, prices and ingredients well formed. ``may_empty``: an amendment may
    empty a slot (the meal is cancelled); a publication lists only meals with dishes."""
    if not given:
        raise ValidationError(zh="请至少填写一餐的菜品", en="name at least one meal with its dishes", field="slots")
    slots: dict[Slot, tuple[Dish, ...]] = {}
    for n, slot in enumerate(given):
        where = f"slots[{n}]"
        day = slot.get("day")
        if not isinstance(day, date) or not week <= day < week + timedelta(days=7):
            raise ValidationError(
                zh=f"第{n + 1}餐的日期不在{week}这一周内",
                en=f"{where}.day must be a date of the week beginning {week}",
                field=f"{where}.day",
            )
        meal = Meal(parse_choice(Meal, slot.get("meal"), f"{where}.meal", "餐次"))
        if (day, meal) in slots:
            raise ValidationError(
                zh=f"{day}的{meal.value}重复填写", en=f"{day} {meal.value} is named twice", field=f"{where}.meal"
            )
        dishes = [_dish(day, meal, d, f"{where}.dishes[{i}]") for i, d in enumerate(slot.get("dishes") or [])]
        if not dishes and not may_empty:
            raise ValidationError(
                zh=f"{day}的{meal.value}没有菜品", en=f"{day} {meal.value} has no dishes", field=f"{where}.dishes"
            )
        if len(dishes) > MAX_DISHES:
            raise ValidationError(
                zh=f"一餐最多{MAX_DISHES}道菜", en=f"at most {MAX_DISHES} dishes a meal", field=f"{where}.dishes"
            )
        names = [d.name for d in dishes]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValidationError(
                zh=f"{day}的{meal.value}菜名重复：{'、'.join(twice)}（同一菜品供不同年龄段请分别命名）",
                en=f"{day} {meal.value} names a dish twice: {', '.join(twice)} (name each age group's dish apart)",
                field=f"{where}.dishes",
            )
        slots[(day, meal)] = tuple(dishes)
    return slots


def _dish(day: date, meal: Meal, given: Mapping[str, Any], where: str) -> Dish:
    name = require_text(given.get("name", ""), f"{where}.name", "菜名", 100)
    ingredients = [_ingredient(i, f"{where}.ingredients[{n}]") for n, i in enumerate(given.get("ingredients") or [])]
    if len(ingredients) > MAX_INGREDIENTS:
        raise ValidationError(
            zh=f"一道菜最多{MAX_INGREDIENTS}种食材", en=f"at most {MAX_INGREDIENTS} ingredients", field=where
        )
    return Dish(
        meal_date=day,
        meal=meal,
        name=name,
        age_group=optional_text(given.get("age_group"), f"{where}.age_group", "年龄段", 50),
        price=_price(given.get("price"), f"{where}.price"),
        ingredients=tuple(ingredients),
    )


def _price(value: Any, field: str) -> Decimal:
    """Yuan per portion: zero or more, at most two decimals (分), under a thousand."""
    try:
        price = Decimal(str(value)) if isinstance(value, Decimal | str | int) else Decimal("NaN")
    except (InvalidOperation, ValueError):
        price = Decimal("NaN")
    exponent = price.as_tuple().exponent if price.is_finite() else 0
    if not price.is_finite() or price < 0 or price >= 1000 or (isinstance(exponent, int) and exponent < -2):
        raise ValidationError(
            zh="每份价格应为0至999.99元，最多两位小数",
            en=f"{field} must be 0 to 999.99 yuan, cents at most",
            field=field,
        )
    return price


def _ingredient(given: Mapping[str, Any], where: str) -> PlannedIngredient:
    product = optional_text(given.get("product"), f"{where}.product", "食材", 100)
    category = given.get("category") or ""
    if category:
        category = Category(parse_choice(Category, category, f"{where}.category", "类别")).value
    if not product and not category:
        raise ValidationError(
            zh="计划食材须写明品名或类别", en=f"{where} needs a product or a category", field=f"{where}.product"
        )
    return PlannedIngredient(product=product, category=category)


class Menu(Aggregate):
    """One school's menu for one week (周食谱)."""

    @staticmethod
    def create_id(school_id: str, week: date) -> UUID:
        return menu_id(school_id, week)

    @event("Published")
    def __init__(
        self,
        school_id: str,
        week: date,
        slots: list[dict[str, Any]],
        copied_from: date | None,
        by: Principal,
        at: datetime,
    ) -> None:
        self.school_id = school_id
        self.week = week
        self.copied_from = copied_from
        self.slots: dict[Slot, tuple[Dish, ...]] = loaded_slots(slots)
        self.amendments = 0

    @event("Amended")
    def amend(
        self, school_id: str, week: date, slots: list[dict[str, Any]], reason: str, by: Principal, at: datetime
    ) -> None:
        self.slots.update(loaded_slots(slots))
        self.amendments += 1

    def dishes(self, day: date, meal: Meal) -> list[Dish]:
        """The dishes of one slot as the menu stands, in the order the menu lists them."""
        return list(self.slots.get((day, meal), ()))

    def served_slots(self) -> dict[Slot, tuple[Dish, ...]]:
        """The slots that have dishes, in day and meal order."""
        order = list(Meal)
        return {s: self.slots[s] for s in sorted(self.slots, key=lambda s: (s[0], order.index(s[1]))) if self.slots[s]}
