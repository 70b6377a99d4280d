"""A command's fields (and a delivery's) are a copy of its instance's dict: every field, in order, and nothing else.

The control-character net names the first field at fault in this order, and the fingerprint and the handlers read
the fields by name, so the copy must be what a getattr per dataclass field gives.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import domain.ledger  # noqa: F401  (every capability registers its commands' handlers)
from domain.command import HANDLERS, Command
from domain.delivery import Delivery


def field_by_field(instance: Any) -> dict[str, Any]:
    return {field.name: getattr(instance, field.name) for field in dataclasses.fields(instance)}


@pytest.mark.parametrize("kind", sorted(HANDLERS, key=lambda kind: kind.__name__), ids=lambda kind: kind.__name__)
def test_every_command_gives_its_fields_in_order(kind: type[Command]) -> None:
    sent = {field.name: f"value {n}" for n, field in enumerate(dataclasses.fields(kind))}
    command = kind(**sent)
    assert list(command.fields().items()) == list(field_by_field(command).items()) == list(sent.items())


def test_a_delivery_gives_its_fields_in_order() -> None:
    delivery = Delivery(
        school_id="S001",
        supplier_id="SUP-LY",
        product="猪肉（前腿）",
        category="meat",
        pork=True,
        quantity=Decimal("100"),
        unit="kg",
        supplier_lot="LY-7",
        lot="LY-7",
        gtin=None,
        production_date=date(2026, 11, 22),
        use_by_date=date(2026, 12, 20),
        invoice_number="INV-1",
        unit_price=None,
    )
    assert list(delivery.fields().items()) == list(field_by_field(delivery).items())
    assert [name for name, _ in delivery.fields().items()] == [field.name for field in dataclasses.fields(Delivery)]
