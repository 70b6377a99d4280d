"""Samples per dish (每餐每样菜品留样, §14): where a meal has a published menu, each of its dishes with or without a
sample of at least the profile's grams kept at least the profile's hours.

The profile is applied when asked (as in projections/compliance.py): a sample kept 48 hours meets a 48-hour rule and
not a later 72-hour one. A sample sent to a laboratory (送检) counts as kept: it left the fridge for a reason.
Meals without a menu are judged by their batches, as before (projections/compliance.py, projections/meal_samples.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from domain.rules import RulesProfile
from projections.menus import menu_dishes
from projections.rows import Row
from projections.service import Reader

Meal = tuple[str, str, str]  # school, meal date (ISO), meal


def planned_dishes(r: Reader, schools: Iterable[str], start: date, end: date) -> dict[Meal, list[str]]:
    """Each meal with a published menu between ``start`` and ``end``: its dishes' names, in the menu's order."""
    found: dict[Meal, list[str]] = defaultdict(list)
    for school in schools:
        for dish in menu_dishes(r, school, start, end):
            names = found[(school, dish["meal_date"], dish["meal"])]
            if dish["name"] not in names:
                names.append(dish["name"])
    return dict(found)


def kept_enough(sample: Row, profile: RulesProfile) -> bool:
    """At least the profile's grams, and not disposed of before the profile's hours were up."""
    if sample["grams"] < profile.sample_grams:
        return False
    if not sample["disposed_at"]:
        return True
    kept = datetime.fromisoformat(sample["disposed_at"]) - datetime.fromisoformat(sample["sealed_at"])
    return kept >= timedelta(hours=profile.sample_hours)


def dish_rows(meal: Meal, dishes: list[str], samples: list[Row], profile: RulesProfile) -> list[Row]:
    """One row per dish of the meal: its samples, and whether one of them meets the profile (``sampled``)."""
    school, meal_date, meal_name = meal
    rows = []
    for dish in dishes:
        of_dish = [s for s in samples if s["dish"] == dish]
        good = [s for s in of_dish if kept_enough(s, profile)]
        status = "sampled" if good else ("short_or_early" if of_dish else "missing")
        rows.append({
            "school": school, "meal_date": meal_date, "meal": meal_name, "dish": dish,
            "sampled": bool(good), "status": status, "sample_ids": [s["sample_id"] for s in of_dish],
        })  # fmt: skip
    return rows
