"""The library on its own: an aggregate shaped like IngredientBatch, with none of our rules or transcodings.

It lives outside bench/ledger.py because that file runs as ``__main__``, and an event class defined there
would be stored under the topic ``__main__:…``. Fields match the Received and IssuedToKitchen events field
for field; dates and the principal travel as plain strings and a dict, which the default transcoder knows.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class BareBatch(Aggregate):
    @event("Received")
    def __init__(
        self,
        code: str,
        school_id: str,
        supplier_id: str,
        product: str,
        category: str,
        pork: bool,
        quantity: Decimal,
        unit: str,
        supplier_lot: str,
        lot: str,
        gtin: str | None,
        production_date: str,
        use_by_date: str,
        invoice_number: str,
        unit_price: Decimal | None,
        place: str,
        signers: list[str],
        sensory_check: str,
        arrival_temperature: Decimal | None,
        by: dict[str, Any],
        at: datetime,
    ) -> None:
        self.code = code
        self.school_id = school_id
        self.supplier_id = supplier_id
        self.product = product
        self.category = category
        self.pork = pork
        self.received_quantity = quantity
        self.unit = unit
        self.supplier_lot = supplier_lot
        self.lot = lot
        self.gtin = gtin
        self.production_date = production_date
        self.use_by_date = use_by_date
        self.invoice_number = invoice_number
        self.unit_price = unit_price
        self.place = place
        self.signers = list(signers)
        self.sensory_check = sensory_check
        self.arrival_temperature = arrival_temperature
        self.received_by = by
        self.received_at = at
        self.issued = Decimal(0)

    @event("IssuedToKitchen")
    def issue_to_kitchen(
        self,
        quantity: Decimal,
        meal_date: str,
        meal: str,
        given_by: str,
        taken_by: str,
        by: dict[str, Any],
        at: datetime,
    ) -> None:
        self.issued += quantity


class BareApplication(Application[UUID]):
    """A plain Application: default transcoder, no checks, no idempotency records."""
