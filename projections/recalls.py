"""The recall view (召回进度): which schools are done and which pending, what is accounted and what is outstanding.

The trace index keeps each recall and the batches it holds (view_trace_recalls, view_trace_recall_batches, both
backends). Where each batch's units went is the domain's one rule (domain.recall.accounting), asked of the batch
itself as handoffs.py asks it for its offers: a recall names dozens of batches, not thousands.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.errors import NotFound
from domain.recall import Accounting, Recall, accounting
from projections.rows import Row, plain
from projections.service import Projections

QUANTITIES = ("received", "served", "returned", "destroyed", "held")


def lot_candidates(views: Projections, recall: Recall) -> tuple[list[str], int]:
    """The batches the trace view knows that may be the recall's (the domain checks each), and the view's position:
    every receipt up to it is in the view (domain.recall.LotFinder). Read first, so no receipt falls between."""
    position = views.position("trace")
    params: list[Any] = [recall.supplier_id]
    if recall.lot is not None:
        where = "supplier = ? AND lot = ?"
        params.append(recall.lot)
    else:
        where = "supplier = ? AND production_date BETWEEN ? AND ?"
        params += [recall.produced_from, recall.produced_to]
    with views.reading("trace") as r:
        rows = r.select(f"SELECT code FROM view_trace_batches WHERE {where}", params)
    return [row["code"] for row in rows], position


def recalls(views: Projections, school: str | None = None, open_only: bool = False) -> list[Row]:
    """Every recall, newest first; with ``school``, only those that hold a batch there (the storekeeper's banner)."""
    where, params = [], []
    if school is not None:
        where.append("recall_id IN (SELECT recall_id FROM view_trace_recall_batches WHERE school = ?)")
        params.append(school)
    if open_only:
        where.append("closed_at IS NULL")
    sql = "SELECT * FROM view_trace_recalls" + (f" WHERE {' AND '.join(where)}" if where else "")
    with views.reading("trace") as r:
        rows = r.select(sql + " ORDER BY opened_at DESC, notice_number", params)
        return [{**plain(row, r.zone), "open": row["closed_at"] is None} for row in rows]


def recall_view(views: Projections, recall_id: UUID | str, school: str | None = None) -> dict[str, Any]:
    """One recall with its schools (only ``school``'s, when named), each with its batches and their accounting."""
    with views.reading("trace") as r:
        found = r.select("SELECT * FROM view_trace_recalls WHERE recall_id = ?", [_uuid(recall_id)])
        if not found:
            raise NotFound(zh="召回记录不存在", en="no such recall")
        recall = {**plain(found[0], r.zone), "open": found[0]["closed_at"] is None}
        sql = (
            "SELECT rb.school, rb.held_at, b.code, s.name AS school_name FROM view_trace_recall_batches rb "
            "JOIN view_trace_batches b ON b.batch_id = rb.batch_id "
            "LEFT JOIN view_trace_schools s ON s.code = rb.school "
            "WHERE rb.recall_id = ?" + (" AND rb.school = ?" if school else "") + " ORDER BY rb.school, b.code"
        )
        held = [plain(row, r.zone) for row in r.select(sql, [found[0]["recall_id"], *([school] if school else [])])]
    if school is not None and not held:  # a school reads only the recalls that hold a batch of its own
        raise NotFound(zh="召回记录不存在", en="no such recall")
    by_school: dict[str, list[Row]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in held:
        batch = views.ledger.batch(row["code"])
        counted = accounting(batch)
        by_school[row["school"]].append(_batch_row(row, batch.product, batch.unit, counted))
        names[row["school"]] = row["school_name"] or row["school"]
    schools = [_school_row(code, names[code], rows) for code, rows in by_school.items()]
    return {
        **recall,
        "schools": schools,
        "schools_done": sum(1 for s in schools if s["done"]),
        "schools_pending": sum(1 for s in schools if not s["done"]),
        "totals": _totals([b for s in schools for b in s["batches"]]),
    }


def _batch_row(row: Row, product: str, unit: str, counted: Accounting) -> Row:
    amounts = {name: str(getattr(counted, name)) for name in QUANTITIES}
    extra = {"accounted": str(counted.accounted), "outstanding": str(counted.outstanding)}
    return {"code": row["code"], "product": product, "unit": unit, "held_at": row["held_at"], **amounts, **extra}


def _school_row(code: str, name: str, batches: list[Row]) -> Row:
    """A school is done when none of its batches holds stock: nothing left to return or destroy."""
    done = all(Decimal(b["outstanding"]) == 0 for b in batches)
    return {"school": code, "school_name": name, "done": done, "batches": batches, "totals": _totals(batches)}


def _totals(batches: list[Row]) -> list[Row]:
    """Sums per unit (kilograms and boxes are never added together)."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for b in batches:
        for name in (*QUANTITIES, "accounted", "outstanding"):
            sums[b["unit"]][name] += Decimal(b[name])
    return [{"unit": unit, **{k: str(v) for k, v in amounts.items()}} for unit, amounts in sorted(sums.items())]


def _uuid(value: UUID | str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise NotFound(zh="召回记录不存在", en="no such recall") from None
