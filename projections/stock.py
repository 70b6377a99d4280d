"""Queries of the warehouse ledger (进出库台账): a school's rows for a month, stock on hand, what expires soon."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.business_time import is_late
from domain.glossary import LEDGER_KINDS, names_zh
from projections.rows import Row, expired, people, plain, plain_rows
from projections.service import Projections, Reader

KIND_ZH = names_zh(LEDGER_KINDS)


def month_range(month: str) -> tuple[date, date]:
    """ "2026-03" → the first day of March and the first day of April."""
    first = date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


def warehouse_ledger(views: Projections, school: str, month: str) -> dict[str, Any]:
    """Every movement at ``school`` in ``month`` (YYYY-MM) in time order, as the paper book, with balances carried."""
    with views.reading("warehouse") as r:
        return _ledger(r, school, month, views.today())


def recorded_months(views: Projections, school: str) -> tuple[str, str] | None:
    """The first and last month (YYYY-MM) with a movement at ``school``; None when it has none."""
    with views.reading("warehouse") as r:
        found = r.select(
            "SELECT MIN(on_date) AS first, MAX(on_date) AS last FROM view_warehouse_movements WHERE school = ?",
            [school],
        )
    if not found or found[0]["first"] is None:
        return None
    return str(found[0]["first"])[:7], str(found[0]["last"])[:7]


def _ledger(r: Reader, school: str, month: str, today: date) -> dict[str, Any]:
    start, end = month_range(month)
    # The view keeps balances in the order things were recorded. The book runs in the order they happened (a
    # receipt written up late still sits at its hour), so both balances are carried again here, in time order,
    # from what every earlier movement left.
    batch_balance, product_balance = _balances_before(r, school, start)
    opening = _product_rows(product_balance)
    rows = r.select(
        "SELECT * FROM view_warehouse_movements WHERE school = ? AND on_date >= ? AND on_date < ? "
        "ORDER BY moved_at, notification_id",
        [school, start, end],
    )
    names = _names(r, rows, school)
    entries = []
    for row in rows:
        change = _change(row)
        batch_balance[row["code"]] = batch_balance.get(row["code"], Decimal(0)) + change
        product = (row["product"], row["unit"])
        product_balance[product] = product_balance.get(product, Decimal(0)) + change
        entry = plain(row, r.zone)
        entry.pop("batch_id")
        entry.pop("notification_id")
        approver, reason = entry.pop("late_approver"), entry.pop("late_reason")
        entry.update(
            late=is_late(_moment(entry["moved_at"]), _moment(entry["recorded_at"]), r.profile),
            late_approval={"approver": approver, "reason": reason} if approver else None,
            batch_balance=str(batch_balance[row["code"]]),
            product_balance=str(product_balance[product]),
            kind_zh=KIND_ZH[row["kind"]],
            colour=r.profile.colour(row["category"]),
            supplier_name=names.get(row["supplier"], row["supplier"]),
            given_by_name=_named(names, row["given_by"]),
            taken_by_name=_named(names, row["taken_by"]),
        )
        entries.append(entry)
    expired_stock = _expired_stock(r, entries, min(today, end - timedelta(days=1)))
    for entry in entries:
        entry["expired"] = entry["code"] in expired_stock
    return {
        "school": school,
        "school_name": names.get(school, school),
        "month": month,
        "opening": opening,
        "rows": entries,
        "closing": _product_rows(product_balance),
    }


def stock_on_hand(views: Projections, school: str) -> dict[str, Any]:
    """库存: batches with stock left (reserved = set aside for a hand-off awaiting the taker), and per product."""
    view = views.view("warehouse")
    today = views.today()
    batches = []
    for row in view.select(
        "SELECT code, product, unit, category, supplier, lot, place, received_at, use_by_date, on_hand, reserved, "
        "on_hold FROM view_warehouse_batches WHERE school = ? AND in_stock = ? ORDER BY product, use_by_date, code",
        [school, True],
    ):
        batch = plain(row, views.zone)
        batch["available"] = str(Decimal(row["on_hand"]) - Decimal(row["reserved"]))
        batch["colour"] = views.profile.colour(row["category"])
        batch["expired"] = expired(batch["use_by_date"], today)
        batches.append(batch)
    products = [
        plain(row, views.zone)
        for row in view.select(
            "SELECT product, unit, on_hand FROM view_warehouse_products WHERE school = ? ORDER BY product, unit",
            [school],
        )
        if Decimal(row["on_hand"]) != 0
    ]
    return {"school": school, "batches": batches, "products": products}


def expiring(views: Projections, school: str, within_days: int, today: date | None = None) -> dict[str, Any]:
    """Batches still in stock whose use-by date falls within ``within_days`` days (or has passed: 已过期)."""
    today = today or views.today()
    until = today + timedelta(days=within_days)
    rows = views.view("warehouse").select(
        "SELECT code, product, unit, category, place, use_by_date, on_hand, on_hold FROM view_warehouse_batches "
        "WHERE school = ? AND in_stock = ? AND use_by_date <= ? ORDER BY use_by_date, code",
        [school, True, until],
    )
    batches = [
        {**row, "colour": views.profile.colour(row["category"]), "expired": expired(row["use_by_date"], today)}
        for row in plain_rows(rows, views.zone)
    ]
    return {"school": school, "today": today.isoformat(), "until": until.isoformat(), "batches": batches}


def _expired_stock(r: Reader, rows: list[Row], day: date) -> set[str]:
    """The book's batches that still held stock on ``day`` (its last day, or today) and were past use-by then."""
    balance = {row["code"]: Decimal(row["batch_balance"]) for row in rows}  # the last row of each batch wins
    use_by = r.select_in("SELECT code, use_by_date FROM view_warehouse_batches WHERE code IN", sorted(balance))
    return {
        row["code"]
        for row in plain_rows(use_by, r.zone)
        if balance[row["code"]] > 0 and expired(row["use_by_date"], day)
    }


def _change(row: Row) -> Decimal:
    """What a movement did to the stock: in is positive, out negative (a move neither; red ink its own sign)."""
    quantity_in, quantity_out = row["quantity_in"], row["quantity_out"]
    return Decimal(quantity_in if quantity_in is not None else 0) - Decimal(
        quantity_out if quantity_out is not None else 0
    )


def _balances_before(r: Reader, school: str, day: date) -> tuple[dict[str, Decimal], dict[tuple[str, str], Decimal]]:
    """Each batch's and each product's balance (结存) from every movement before ``day``, whatever order they
    were recorded in."""
    batches: dict[str, Decimal] = {}
    products: dict[tuple[str, str], Decimal] = {}
    for row in r.select(
        "SELECT code, product, unit, quantity_in, quantity_out FROM view_warehouse_movements "
        "WHERE school = ? AND on_date < ?",
        [school, day],
    ):
        change = _change(row)
        batches[row["code"]] = batches.get(row["code"], Decimal(0)) + change
        products[(row["product"], row["unit"])] = products.get((row["product"], row["unit"]), Decimal(0)) + change
    return batches, products


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _product_rows(balances: dict[tuple[str, str], Decimal]) -> list[Row]:
    return [{"product": p, "unit": u, "product_balance": str(b)} for (p, u), b in sorted(balances.items())]


def _names(r: Reader, rows: list[Row], school: str) -> dict[str, str]:
    codes = {school} | {r["supplier"] for r in rows}
    for row in rows:
        codes |= set(people(row["given_by"])) | set(people(row["taken_by"]))
    found = r.select_in("SELECT code, name FROM view_warehouse_names WHERE code IN", sorted(codes))
    return {row["code"]: row["name"] for row in found}


def _named(names: dict[str, str], who: str) -> str:
    return "、".join(names.get(p, p) for p in people(who))
