"""Hand-offs waiting for the taker's signature: the warehouse view finds the batches, each batch names its offers."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import county_time
from projections.service import Projections


def waiting_handoffs(views: Projections, school: str, taker: str | None = None) -> list[dict[str, Any]]:
    """Every issue the storekeeper signed at ``school`` that awaits its taker (only ``taker``'s, when named)."""
    rows = views.view("warehouse").select(
        "SELECT code FROM view_warehouse_batches WHERE school = ? AND reserved > 0 ORDER BY code", [school]
    )
    waiting = []
    for row in rows:
        batch = views.ledger.batch(row["code"])  # the offers themselves live on the batch, not in the view
        for offer, pending in batch.offers.items():
            if taker is not None and pending.taken_by != taker:
                continue
            waiting.append(
                {
                    "code": batch.code,
                    "product": batch.product,
                    "colour": views.profile.colour(batch.category),
                    "offer": offer,
                    "quantity": str(pending.quantity),
                    "unit": batch.unit,
                    "meal_date": pending.meal_date or date.min,
                    "meal": pending.meal.value if pending.meal else "",
                    "given_by": pending.given_by,
                    "taken_by": pending.taken_by,
                    "offered_at": county_time(pending.at, views.zone),
                }
            )
    return waiting
