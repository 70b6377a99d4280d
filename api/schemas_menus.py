"""Request bodies of the weekly menu (周食谱): the slots of a week, each (day, meal) with its dishes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from api.schemas import Body, CommandBody, Text, plain_decimal
from domain.menu import MAX_DISHES, MAX_INGREDIENTS
from domain.rules import Category
from domain.values import Meal

Price = Annotated[
    Decimal,
    BeforeValidator(plain_decimal),
    Field(ge=0, lt=1000, decimal_places=2, description='yuan per portion, a decimal string, e.g. "3.50"'),
]


class PlannedIngredient(Body):
    """What a dish is planned to be cooked from: a product by name, or only its category (or both)."""

    product: str = Field("", max_length=100, description="猪肉（前腿）; may be left out when a category is given")
    category: Category | None = None


class MenuDish(Body):
    """One dish; its name is its identity within the day and meal (unique there)."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    age_group: str = Field("", max_length=50, description='小班, 大班, …, where the school has several; "" for all')
    price: Price
    ingredients: list[PlannedIngredient] = Field(default_factory=list, max_length=MAX_INGREDIENTS)


class MenuSlot(Body):
    day: date = Field(description="a day of the week the menu is for")
    meal: Meal
    dishes: list[MenuDish] = Field(
        default_factory=list, max_length=MAX_DISHES, description="in an amendment, none cancels the meal"
    )


Slots = Annotated[list[MenuSlot], Field(min_length=1, max_length=21)]


class MenuRequest(CommandBody):
    """A week's menu: every meal of the week that has dishes."""

    slots: Slots


class MenuAmendmentRequest(CommandBody):
    """The meals it changes, each replaced whole, and why."""

    slots: Slots
    reason: Text


class MenuCopyRequest(CommandBody):
    from_week: date = Field(description="the Monday of the week to copy, as it stands (amendments included)")
