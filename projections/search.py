"""The investigators' search (检索): batches by lot, code, supplier, product, school and receipt dates, a page at a
time, matched as a person types: a lot or a code by its start, a product or a supplier by any part of its name.

Starts use ``LIKE 'x%'`` on the ``*_start`` indexes (trace_schema.py). In SQLite those ignore ASCII case, as its
LIKE does, so ``ly2611`` finds ``LY261126-8`` there but not in PostgreSQL. A product's part is ``LIKE '%x%'`` on
``product_folded``: it scans the batches the other filters leave, fine at a county's size. A typed ``%`` or ``_``
matches itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.codes import code_prefix
from domain.errors import NotFound
from domain.gs1 import lot_prefix, normalise_lot, normalise_product
from projections.batch_filters import received_between
from projections.rows import expired, people, plain
from projections.service import Projections

MAX_PAGE_SIZE = 500


def like(text: str) -> str:
    """``text`` for LIKE with ESCAPE '\\': its wildcards are plain characters."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def lot_clause(typed: str) -> tuple[str, list[Any]]:
    """Batches whose lot starts with the typed one, normalised (``ＬＹ2611``) or as printed (``LY2611``)."""
    sql, params = "(lot = ? OR supplier_lot LIKE ? ESCAPE '\\'", [normalise_lot(typed), like(typed.strip()) + "%"]
    prefix = lot_prefix(typed)
    if prefix:
        sql, params = sql + " OR lot LIKE ? ESCAPE '\\'", [*params, like(prefix) + "%"]
    return sql + ")", params


def suppliers_named(views: Projections, typed: str) -> list[str]:
    """The codes of the suppliers whose name or code contains the typed text, folded as product names are."""
    wanted = normalise_product(typed)
    rows = views.view("trace").select("SELECT code, name FROM view_trace_suppliers")
    return sorted(
        r["code"] for r in rows if wanted in normalise_product(r["code"]) or wanted in normalise_product(r["name"])
    )


def require_found(views: Projections, supplier: str | None = None, lot: str | None = None) -> None:
    """A supplier or lot that nothing starts with or contains is a typo: 404 naming the field, not an empty page."""
    if supplier and not suppliers_named(views, supplier):
        raise NotFound(zh=f"没有名称或编号包含{supplier}的供应商", en=f"no supplier's name or code contains {supplier}",
                       field="supplier")  # fmt: skip
    if lot:
        sql, params = lot_clause(lot)
        if not views.view("trace").select(f"SELECT 1 AS found FROM view_trace_batches WHERE {sql} LIMIT 1", params):
            raise NotFound(
                zh=f"没有任何批次的批号以{lot}开头", en=f"no batch carries a lot starting {lot}", field="lot"
            )


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
    code: str | None = None,
    supplier_code: str | None = None,
) -> dict[str, Any]:
    """Newest receipts first. ``has_more`` says whether another page follows (a total would cost a full count).

    ``supplier`` is what a person typed (part of a name or code); ``supplier_code`` is exact (a supplier's own scope).
    """
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if lot:
        sql, lot_params = lot_clause(lot)
        where.append(sql)
        params += lot_params
    if code is not None:
        start = code_prefix(code)
        where.append("code LIKE ? ESCAPE '\\'" if start else "1 = 0")
        params += [like(start) + "%"] if start else []
    if product:
        where.append("product_folded LIKE ? ESCAPE '\\'")  # 猪肉 finds 猪肉（前腿）; a scan, see above
        params.append("%" + like(normalise_product(product)) + "%")
    if supplier:
        named = suppliers_named(views, supplier)
        where.append(f"supplier IN ({', '.join('?' * len(named))})" if named else "1 = 0")
        params += named
    for column, value in (("supplier", supplier_code), ("school", school)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    dates, days = received_between(received_from, received_to)
    where, params = where + dates, params + days
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
