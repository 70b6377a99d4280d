"""The reference county's records: what the replay (replay.py) folds the event log into, in plain Python."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def folded_name(product: str) -> str:
    """A product's name as the issue asks to match it: NFKC (full/half-width brackets) and spaces folded."""
    return " ".join(unicodedata.normalize("NFKC", product).split())


@dataclass
class Logged:
    """One stored event: its position in the log, its name ("IngredientBatch.Received") and the event."""

    position: int
    name: str
    event: Any

    @property
    def at(self) -> datetime:
        moment: datetime = self.event.at
        return moment


@dataclass
class Movement:
    version: int
    kind: str  # issue / return / write_off
    quantity: Decimal
    at: datetime
    given_by: str
    taken_by: str
    meal_date: date | None = None
    meal: str | None = None
    reason: str = ""
    voided: bool = False
    from_issue: int | None = None  # a return: the issue it names as coming back from
    names_issue: bool = False  # whether the return's event can name one (ReturnedToStore v2)
    dishes: tuple[str, ...] = ()  # an issue: the dishes of the meal it named


@dataclass
class Batch:
    code: str
    school: str
    supplier: str
    product: str
    category: str
    pork: bool
    quantity: Decimal
    unit: str
    supplier_lot: str
    lot: str
    gtin: str | None
    use_by_date: date
    received_at: datetime
    received_on: date
    place: str
    signers: list[str]
    on_hold: bool = False
    hold_reason: str = ""
    certificates: dict[int, tuple[str, bool]] = field(default_factory=dict)  # version: kind, voided
    inspections: dict[int, dict[str, Any]] = field(default_factory=dict)
    movements: dict[int, Movement] = field(default_factory=dict)
    offers: dict[int, Decimal] = field(default_factory=dict)  # pending hand-offs: offer version → quantity
    holds: list[tuple[str, str, datetime]] = field(default_factory=list)  # hold/release, reason, when

    @property
    def identity(self) -> tuple[str, str, str]:
        """A lot is (supplier, product, lot); product is the GTIN where there is one, else the folded name."""
        return (self.supplier, self.gtin or folded_name(self.product), self.lot)

    def live(self, kind: str) -> list[Movement]:
        return [m for m in self.movements.values() if m.kind == kind and not m.voided]

    def total(self, kind: str) -> Decimal:
        return sum((m.quantity for m in self.live(kind)), Decimal(0))

    @property
    def on_hand(self) -> Decimal:
        return self.quantity - self.total("issue") + self.total("return") - self.total("write_off")

    @property
    def reserved(self) -> Decimal:
        return sum(self.offers.values(), Decimal(0))

    def meal_of_return(self, ret: Movement) -> tuple[date, str] | None:
        """The meal of the issue a return names; a return that names none counts for the batch, not a meal.

        Returns recorded before they could name an issue come back from the latest live hand-off before them.
        """
        if ret.names_issue:
            source = self.movements.get(ret.from_issue) if ret.from_issue is not None else None
            return (source.meal_date, source.meal) if source and source.meal_date and source.meal else None
        earlier = [m for m in self.live("issue") if m.version < ret.version]
        if not earlier:
            return None
        last = max(earlier, key=lambda m: m.version)
        assert last.meal_date is not None and last.meal is not None
        return (last.meal_date, last.meal)


@dataclass
class Sample:
    sample_id: str
    school: str
    meal_date: date
    meal: str
    dish: str
    grams: int
    sealed_at: datetime
    keep_until: datetime
    batch_codes: list[str]
    disposed_at: datetime | None = None


@dataclass
class Person:
    person_id: str
    name: str
    school: str | None
    roles: list[str]
    history: list[tuple[str, Any, datetime]] = field(default_factory=list)  # kind, value, recorded at


@dataclass
class County:
    """Everything folded from the log, plus the log itself for answers that walk it in order (the 台账)."""

    log: list[Logged] = field(default_factory=list)
    schools: dict[str, str] = field(default_factory=dict)
    suppliers: dict[str, str] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    samples: dict[str, Sample] = field(default_factory=dict)
    codes: dict[Any, str] = field(default_factory=dict)  # batch stream id → code
    # (school, meal date, meal) → dish → the batch codes of the kitchen's latest record of it (供餐记录)
    dish_records: dict[tuple[str, date, str], dict[str, list[str]]] = field(default_factory=dict)
    # (school, meal date, meal) → the dishes its menu plans, as the latest publication or amendment set them
    menus: dict[tuple[str, date, str], list[str]] = field(default_factory=dict)
    persons: dict[Any, str] = field(default_factory=dict)  # staff stream id → person id
