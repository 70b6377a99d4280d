"""Weekly menus (周食谱) in the trace index: which dishes a school plans for a meal, with their prices.

Rows are only ever added: each publication or amendment of a week is a ``view_trace_menus`` row; every slot
(day, meal) it sets is a ``view_trace_menu_slots`` row under the menu's version, its dishes ``view_trace_menu_dishes``
rows under the same version. A slot stands as its latest version set it (an amendment with no dishes cancels the
meal). A dish is named by its name within (school, date, meal), as domain/menu.py says.

    dishes_on_menu(views, "CG01", date(2026, 3, 4), "lunch")
    → [{"meal_date": "2026-03-04", "meal": "lunch", "name": "米饭", "age_group": "", "price": "0.80",
        "ingredients": [{"product": "大米", "category": "plant"}]}, …]   (in the menu's order; [] when none)
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.errors import NotFound
from domain.menu import loaded_slots, require_monday
from domain.values import Meal
from projections.rows import Row, plain

if TYPE_CHECKING:
    from projections.projection import Event
    from projections.service import Projections, Reader

MEAL_ORDER = {meal.value: n for n, meal in enumerate(Meal)}
# The slots of a school between two days as their latest version set them, and those slots' dishes.
_CURRENT = (
    "SELECT d.day, d.meal, d.position, d.name, d.age_group, d.price, d.ingredients FROM view_trace_menu_dishes d "
    "JOIN (SELECT school, day, meal, MAX(version) AS version FROM view_trace_menu_slots "
    "WHERE school = ? AND day BETWEEN ? AND ? GROUP BY school, day, meal) s "
    "ON d.school = s.school AND d.day = s.day AND d.meal = s.meal AND d.version = s.version"
)


# --- writing (the trace index's handlers of Menu.Published and Menu.Amended call it) ------------------------


def add_rows(chunk: Any, e: Event, *, kind: str, reason: str, copied_from: date | None) -> None:
    """The rows of one publication or amendment: the event, each slot it sets, each slot's dishes."""
    school, version = e.school_id, e.originator_version
    chunk.add(
        "view_trace_menus",
        school=school,
        week=e.week,
        version=version,
        kind=kind,
        reason=reason,
        copied_from=copied_from,
        by_person=e.by.person_id,
        acted_at=e.at,
        recorded_at=e.recorded_at,
    )
    for (day, meal), dishes in loaded_slots(e.slots).items():
        chunk.add("view_trace_menu_slots", school=school, day=day, meal=meal.value, version=version)
        for position, dish in enumerate(dishes):
            ingredients = json.dumps([i.stored() for i in dish.ingredients], ensure_ascii=False)
            row = {"name": dish.name, "age_group": dish.age_group, "price": dish.price, "ingredients": ingredients}
            slot = {"school": school, "day": day, "meal": meal.value, "version": version, "position": position}
            chunk.add("view_trace_menu_dishes", **slot, **row)


# --- reading ---------------------------------------------------------------------------------------------------


def dishes_on_menu(views: Projections, school: str, day: date, meal: str) -> list[Row]:
    """The dishes ``school``'s menu plans for one meal as it stands, in the menu's order; [] when none."""
    with views.reading("trace") as r:
        return [d for d in menu_dishes(r, school, day, day) if d["meal"] == meal]


def menu_dishes(r: Reader, school: str, first: date, last: date) -> list[Row]:
    """Every dish the menu plans from ``first`` to ``last``, by day, meal and the menu's order, inside one read."""
    rows = [plain(row, r.zone) for row in r.select(_CURRENT, [school, first, last])]
    rows.sort(key=lambda d: (d["day"], MEAL_ORDER[d["meal"]], d["position"]))
    return [
        {
            "meal_date": d["day"],
            "meal": d["meal"],
            "name": d["name"],
            "age_group": d["age_group"],
            "price": price(d["price"]),
            "ingredients": json.loads(d["ingredients"]),
        }
        for d in rows
    ]


def week_menu(views: Projections, school: str, week: date) -> dict[str, Any]:
    """A week's menu: its days with their meals and dishes, and how it came to be (published, copied, amended)."""
    require_monday(week)
    with views.reading("trace") as r:
        history = r.select(
            "SELECT version, kind, reason, copied_from, by_person, acted_at, recorded_at FROM view_trace_menus "
            "WHERE school = ? AND week = ? ORDER BY version",
            [school, week],
        )
        if not history:
            raise NotFound(zh=f"{week}这一周没有食谱", en=f"no menu for the week of {week}", field="week")
        dishes = menu_dishes(r, school, week, week + timedelta(days=6))
        zone = r.zone
    return {
        "school": school,
        "week": week.isoformat(),
        "days": by_day(dishes),
        "history": [plain(row, zone) for row in history],
    }


def by_day(dishes: list[Row]) -> list[Row]:
    """Dishes (in order) grouped as days, each with its meals: ``[{"day", "meals": [{"meal", "dishes"}]}]``."""
    days: list[Row] = []
    for dish in dishes:
        if not days or days[-1]["day"] != dish["meal_date"]:
            days.append({"day": dish["meal_date"], "meals": []})
        meals = days[-1]["meals"]
        if not meals or meals[-1]["meal"] != dish["meal"]:
            meals.append({"meal": dish["meal"], "dishes": []})
        meals[-1]["dishes"].append(dish)
    return days


def price(value: Any) -> str:
    """A price as the menu shows it: yuan with two decimals ("3.50")."""
    return f"{Decimal(str(value)):.2f}"
