"""The investigators' search (检索): batches by lot, supplier, product, school and receipt dates, a page at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.gs1 import normalise_lot, normalise_product
from projections.rows import expired, people, plain
from projections.service import Projections

MAX_PAGE_SIZE = 500


def search_batches(
    views: Projections,
    lot: str | None = None,
    supplier: str | None = None,
    product: str | None = None,
    school: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Newest receipts first. ``has_more`` says whether another page follows (a total would cost a full count)."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if lot:
        where.append("(lot = ? OR supplier_lot = ?)")
        params += [normalise_lot(lot), lot.strip()]
    if product:
        where.append("product_folded = ?")  # 猪肉(前腿) finds 猪肉（前腿）
        params.append(normalise_product(product))
    for column, value in (("supplier", supplier), ("school", school)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if received_from:
        where.append("received_on >= ?")
        params.append(received_from)
    if received_to:
        where.append("received_on <= ?")
        params.append(received_to)
    rows = views.view("trace").select(
        "SELECT code, school, supplier, product, product_key, category, quantity, unit, supplier_lot, lot, gtin, "
        "use_by_date, place, signers, received_at, received_on, on_hold FROM view_trace_batches "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY received_on DESC, notification_id DESC LIMIT ? OFFSET ?",
        [*params, page_size + 1, (page - 1) * page_size],
    )
    today = views.today()
    items = []
    for row in rows[:page_size]:
        item = plain(row, views.zone)
        item["signers"] = people(row["signers"])
        item["colour"] = views.profile.colour(row["category"])
        item["expired"] = expired(item["use_by_date"], today)
        items.append(item)
    return {"page": page, "page_size": page_size, "has_more": len(rows) > page_size, "items": items}
