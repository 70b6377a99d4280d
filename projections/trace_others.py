"""The other schools that received a meal's lots (同批号的其他学校), read at county scale.

A county's tendered distributor delivers one lot to every school that orders the product that day, so a lunch's
lots reach hundreds of other batches. A backward trace names each other school with one row per lot it received
(``lots``: how many batches, first and last receipt day), counted in SQL; the batches themselves, with their
meals, come a page at a time (``other_batches``) when an investigator opens a school. Exports still list every
batch (projections.tracing, ``others_in_full``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from operator import itemgetter
from typing import Any

from projections.rows import Row, plain
from projections.service import Reader
from projections.store import Select
from projections.trace_quantities import attach_movements, movement_selects

Lot = tuple[str, str, str]  # (supplier, product_key, lot)
BATCH_COLUMNS = (
    "batch_id, code, school, supplier, product, product_key, category, pork, quantity, unit, supplier_lot, lot, gtin, "
    "production_date, use_by_date, invoice_number, place, signers, sensory_check, received_by, received_at, "
    "received_on, on_hold, hold_reason, recorded_at, late"
)
ORDER = "ORDER BY school, received_at, code"


def of_lots(lots: set[Lot]) -> tuple[str, list[Any]]:
    """A WHERE condition matching these lots exactly (lot first: the index view_trace_batches_identity)."""
    condition = " OR ".join("(lot = ? AND supplier = ? AND product_key = ?)" for _ in lots)
    return f"({condition})", [value for supplier, key, lot in sorted(lots) for value in (lot, supplier, key)]


def meal_lots(r: Reader, school: str, meal_date: date, meal: str) -> set[Lot]:
    """The lots of the batches that went into a meal (an issue for it not voided)."""
    rows = r.select(
        "SELECT DISTINCT b.supplier, b.product_key, b.lot FROM view_trace_issues i "
        "JOIN view_trace_batches b ON b.batch_id = i.batch_id "
        "WHERE i.school = ? AND i.meal_date = ? AND i.meal = ? AND i.voided = ?",
        [school, meal_date, meal, False],
    )
    return {(row["supplier"], row["product_key"], row["lot"]) for row in rows}


def other_schools_select(lots: set[Lot], school: str) -> Select:
    """The query of ``other_schools``: the lots' batches at other schools, counted by school and lot, with the
    school's name and district joined (``known`` is NULL for a school the index has no row for).
    """
    return Select(
        "SELECT c.school, s.code AS known, s.name, s.district, c.supplier, c.product_key, c.lot, c.batches, "
        "c.first_received, c.last_received FROM ("
        "SELECT school, supplier, product_key, lot, COUNT(*) AS batches, MIN(received_on) AS first_received, "
        "MAX(received_on) AS last_received FROM view_trace_batches WHERE school <> ? AND lot IN "
        "GROUP BY school, supplier, product_key, lot) c LEFT JOIN view_trace_schools s ON s.code = c.school",
        [school],
        keys=sorted({lot for _, _, lot in lots}),
    )


def other_schools(r: Reader, lots: set[Lot], school: str, rows: list[Row] | None = None) -> list[Row]:
    """Each other school that received these lots, with one row per lot: its batches counted in SQL.

    The lot numbers select (one plain index scan, quick to plan); the grouping keeps supplier and product, so a
    product of another supplier or another product that shares a lot number is left out here, row by row.
    ``rows``: the answer to ``other_schools_select`` when the caller already read it.
    """
    if rows is None:
        rows = r.select_many([other_schools_select(lots, school)])[0]
    schools: dict[str, Row] = {}
    days: dict[Any, str] = {}  # a few receipt days recur across hundreds of rows: each turned into text once
    for row in sorted(rows, key=itemgetter("school", "supplier", "product_key", "lot")):
        supplier, key, lot, code = row["supplier"], row["product_key"], row["lot"], row["school"]
        if (supplier, key, lot) not in lots:
            continue
        found = schools.get(code)
        if found is None:  # a school the index does not know is named by its code alone
            known = {"name": row["name"], "district": row["district"]} if row["known"] is not None else {}
            found = schools[code] = {"code": code, **known, "batch_count": 0, "lots": []}
        first, last, batches = row["first_received"], row["last_received"], int(row["batches"])
        found["batch_count"] += batches
        found["lots"].append({
            "supplier": supplier, "product_key": key, "lot": lot, "batches": batches,
            "first_received": days.get(first) or days.setdefault(first, _day(first)),
            "last_received": days.get(last) or days.setdefault(last, _day(last)),
        })  # fmt: skip
    return list(schools.values())


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def other_batch_rows(
    r: Reader, lots: set[Lot], school: str, at: str | None = None, limit: int | None = None, offset: int = 0
) -> list[Row]:
    """Batches of these lots outside ``school`` (only at ``at`` when given), by school, receipt and code."""
    if not lots:
        return []
    query = other_batches_select(lots, school, at=at, limit=limit, offset=offset)
    return r.select(query.sql, query.params)


def other_batches_select(
    lots: set[Lot], school: str, at: str | None = None, limit: int | None = None, offset: int = 0
) -> Select:
    """The query of ``other_batch_rows`` (lots: at least one), to send with others in one round trip."""
    condition, params = of_lots(lots)
    where, params = f"{condition} AND school <> ?", [*params, school]
    if at:
        where, params = f"{where} AND school = ?", [*params, at]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return Select(f"SELECT {BATCH_COLUMNS} FROM view_trace_batches WHERE {where} {ORDER}{page}", params)


def other_batches(
    r: Reader, school: str, meal_date: date, meal: str, *, at: str | None, page: int, page_size: int
) -> dict[str, Any]:
    """One page of the batches of a meal's lots at other schools (at one school: ``at``), with their meals."""
    lots = meal_lots(r, school, meal_date, meal)
    rows = other_batch_rows(r, lots, school, at=at, limit=page_size + 1, offset=(page - 1) * page_size)
    query = {"school": school, "meal_date": meal_date.isoformat(), "meal": meal, "at": at}
    return {"query": query, "batches": batch_summaries(r, rows[:page_size]), "has_more": len(rows) > page_size}


def batch_summaries(r: Reader, rows: list[Row]) -> list[Row]:
    """Batch summaries with their issues, returns, write-offs, holds and the meals each went into."""
    issues: dict[str, list[Row]] = defaultdict(list)
    sql = "SELECT batch_id, version, school, meal_date, meal, quantity, voided FROM view_trace_issues WHERE batch_id IN"
    ids = [row["batch_id"] for row in rows]
    found, *movements = r.select_many([Select(sql, keys=ids), *movement_selects(ids)])  # one round trip
    for row in sorted(found, key=lambda row: int(row["version"])):
        issues[str(row.pop("batch_id"))].append(plain(row, r.zone))
    summaries: dict[str, Row] = {}
    for row in rows:
        batch = plain(row, r.zone)
        batch_id = str(batch.pop("batch_id"))
        summaries[batch_id] = {**batch, "issues": issues[batch_id], "colour": r.profile.colour(row["category"])}
    attach_movements(r, summaries, movements)
    return list(summaries.values())
