"""What is printed on a label: plain values, already read from the ledger.

Batch labels (批次标签) go on goods in the store room; sample labels (留样标签) on sealed sample boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from domain.glossary import CATEGORIES, MEALS, names_zh
from domain.rules import Category
from domain.values import Meal

Format = Literal["png", "svg", "pdf"]
RGB = tuple[int, int, int]

# Label stock the thermal printers take, width × height in millimetres.
SIZES: dict[str, tuple[float, float]] = {"40x30": (40, 30), "50x30": (50, 30), "60x40": (60, 40)}

# One name for a category and a meal everywhere: the card, the 台账 and the label say the same.
CATEGORY_NAMES_ZH = names_zh(CATEGORIES)
MEAL_NAMES_ZH = names_zh(MEALS)
# The colour names of the rules profile (色标管理), as printed.
COLOUR_RGB: dict[str, RGB | None] = {
    "green": (0, 150, 64),
    "red": (210, 16, 24),
    "yellow": (255, 205, 0),
    "blue": (0, 90, 180),
    "none": None,
}


@dataclass(frozen=True)
class BatchLabel:
    """批次标签: one received batch, with the QR payload built by labels.payload.batch_uri."""

    code: str
    payload: str
    product: str
    category: Category
    supplier_lot: str
    received_on: date
    use_by: date | None
    school: str
    storage_place: str


@dataclass(frozen=True)
class SampleLabel:
    """留样标签: one sealed sample; keep_until is the ledger's (sealed + 48 h under the profile).

    Times are printed as given: pass them in the county's time zone.
    """

    dish: str
    meal: Meal
    sealed_at: datetime
    grams: int
    keep_until: datetime
    sealed_by: str
    fridge: str = ""
    payload: str | None = None


def label_size(size: str) -> tuple[float, float]:
    """Width and height in mm of a label stock name such as ``"40x30"``."""
    try:
        return SIZES[size]
    except KeyError:
        raise ValueError(f"label size must be one of {', '.join(SIZES)}, got {size!r}") from None
