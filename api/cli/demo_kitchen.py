"""The demo's kitchen by its menu: which products a day's dishes are cooked from, and the one sample forgotten.

Where a school's week has a menu (api/cli/demo_menus.py), lunch is cooked from its dishes' planned ingredients
that the demo's suppliers deliver; each issue names the dishes its product goes into (the cooking oil every dish
cooked with it). One dish of one lunch goes unsampled: CG01's last dish on the Wednesday of the last full week,
so the compliance of that week shows one dish without its sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol, TypeVar

from domain.menu import Dish, week_of


class Deliverable(Protocol):
    @property
    def name(self) -> str: ...


P = TypeVar("P", bound=Deliverable)


def cooked_from(dishes: Sequence[Dish], products: Sequence[P]) -> tuple[list[P], dict[str, list[str]]]:
    """The products the dishes need (in the order delivered), and for each product the dishes it goes into."""
    names = {p.name for p in products}
    into: dict[str, list[str]] = {}
    for dish in dishes:
        for ingredient in dish.ingredients:
            if ingredient.product in names and dish.name not in into.get(ingredient.product, []):
                into.setdefault(ingredient.product, []).append(dish.name)
    return [p for p in products if p.name in into], into


def forgotten_sample(first: date, today: date) -> tuple[str, date] | None:
    """The school and day of the lunch whose last dish goes unsampled, where the demo's days include it."""
    wednesday = week_of(today) - timedelta(days=5)
    return ("CG01", wednesday) if first <= wednesday < today else None
