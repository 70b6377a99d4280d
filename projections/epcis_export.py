"""EPCIS 2.0 documents of what the ledger holds: a batch, a lot, a school's days, an incident's trace; and the
query (``GET /api/v1/epcis/events``). The trace index says which batches; their own events say what happened
(projections/epcis.py maps them), so an export equals a replay of the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from domain.batch import batch_id
from domain.codes import InvalidBatchCode, normalise_batch_code
from domain.gs1 import normalise_lot
from domain.ledger import Ledger, utc_now
from projections.epcis import Json, Naming, batch_epcis_events, epcis_document
from projections.service import Projections, Reader
from projections.tracing import trace_backward, trace_forward

BATCHES = "SELECT code, received_at FROM view_trace_batches"
MOVED_CHUNK = 500  # codes per query: well under either database's limit on parameters
# What a batch received before a query's time range did within it shows in one of these, or in a move (_moved_since).
ACTIVE_SINCE = " UNION ".join(
    f"SELECT batch_id FROM {table} WHERE {column} >= ?"
    for table, column in (
        ("view_trace_issues", "issued_at"),
        ("view_trace_returns", "returned_at"),
        ("view_trace_write_offs", "written_off_at"),
        ("view_trace_holds", "acted_at"),
        ("view_trace_inspections", "inspected_at"),
        ("view_trace_certificates", "attached_at"),
    )
)


def naming(views: Projections, base: str) -> Naming:
    return Naming(base=base, zone=views.zone)


def batches_document(views: Projections, base: str, codes: Sequence[str]) -> Json:
    """The EPCIS document of these batches' events, in the order they happened."""
    names = naming(views, base)
    return epcis_document(_events(views.ledger, codes, names), utc_now(), names)


def batch_codes_of_lot(views: Projections, supplier: str, product: str, lot: str) -> list[str]:
    """A lot is (supplier, product, lot): every batch of it, in every school."""
    found = trace_forward(views, lot=lot, supplier=supplier, product=product)
    return [b["code"] for b in found["batches"]]


def batch_codes_of_incident(views: Projections, school: str, meal_date: date, meal: str) -> list[str]:
    """An incident's backward trace: the meal's batches and every other batch of the same lots, here or elsewhere."""
    found = trace_backward(views, school, meal_date, meal)
    elsewhere = [b["code"] for s in found["other_schools"] for b in s["batches"]]
    here = [b["code"] for b in found["batches"] + found["voided_batches"] + found["same_lots_at_school"]]
    return list(dict.fromkeys(here + elsewhere))


def school_document(views: Projections, base: str, school: str, first: date, last: date) -> Json:
    """A school's days: its batches' events that happened from ``first`` to ``last`` (county days, both included)."""
    names = naming(views, base)
    since = datetime.combine(first, time(), views.zone)
    query = EventQuery(biz_location=school, since=since, before=since + timedelta(days=(last - first).days + 1))
    return epcis_document(_selected(views, names, query), utc_now(), names)


@dataclass(frozen=True)
class EventQuery:
    """The subset of EPCIS's SimpleEventQuery we answer, plus the caller's own scope (a school or a supplier)."""

    epc: str | None = None  # MATCH_epc: a batch's URI (its label's address) or code
    epc_class: str | None = None  # MATCH_epcClass: a lot's URI (GS1 Digital Link or ours)
    biz_location: str | None = None  # EQ_bizLocation: a school's URI or code
    biz_step: str | None = None  # EQ_bizStep
    since: datetime | None = None  # GE_eventTime
    before: datetime | None = None  # LT_eventTime
    school_scope: str | None = None
    supplier_scope: str | None = None


def query_events(views: Projections, base: str, query: EventQuery, offset: int, limit: int) -> tuple[Json, int | None]:
    """One page of the events the query matches, in the order they happened, and the offset of the next page."""
    names = naming(views, base)
    found = _selected(views, names, query)
    page = found[offset : offset + limit]
    document = {
        **epcis_document([], utc_now(), names),
        "type": "EPCISQueryDocument",
        "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": page}}},
    }
    return document, offset + limit if len(found) > offset + limit else None


def _selected(views: Projections, names: Naming, query: EventQuery) -> list[Json]:
    moved = _moved_since(views, query.since) if query.since else []
    with views.reading("trace") as r:
        codes = _query_batches(r, query, moved)
    return [e for e in _events(views.ledger, codes, names) if _matches(e, query)]


def _query_batches(r: Reader, query: EventQuery, moved: Sequence[str] = ()) -> list[str]:
    """The batches whose events may match: received in the range, or active in it (``moved``: codes moved since)."""
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if query.epc:
        where.append("code = ?")
        params.append(_batch_code(_last_segment(query.epc)))
    if query.epc_class:
        lot_where, lot_params = _lot_clauses(query.epc_class)
        where += lot_where
        params += lot_params
    school = query.school_scope or (_last_segment(query.biz_location) if query.biz_location else None)
    if query.biz_location and _last_segment(query.biz_location) != school:
        return []  # a school asked about another school's location: nothing to see
    if school:
        where.append("school = ?")
        params.append(school)
    if query.supplier_scope:
        where.append("supplier = ?")
        params.append(query.supplier_scope)
    if query.before:
        where.append("received_at < ?")
        params.append(query.before)
    wanted = [(where, params)]
    if query.since:
        clause = f"(received_at >= ? OR batch_id IN ({ACTIVE_SINCE}))"
        wanted = [([*where, clause], [*params, *[query.since] * (1 + ACTIVE_SINCE.count("?"))])]
        for start in range(0, len(moved), MOVED_CHUNK):
            chunk = moved[start : start + MOVED_CHUNK]
            wanted.append(([*where, f"code IN ({', '.join('?' * len(chunk))})"], [*params, *chunk]))
    found = {
        row["code"]: row["received_at"]
        for clauses, values in wanted
        for row in r.select(f"{BATCHES} WHERE {' AND '.join(clauses)}", values)
    }
    return sorted(found, key=lambda code: (found[code], code))


def _moved_since(views: Projections, since: datetime) -> list[str]:
    """Codes of the batches moved between store places (移库) since ``since``: the warehouse view keeps moves."""
    with views.reading("warehouse") as r:
        rows = r.select(
            "SELECT DISTINCT code FROM view_warehouse_movements WHERE kind = 'move' AND moved_at >= ?", [since]
        )
    return [row["code"] for row in rows]


def _lot_clauses(uri: str) -> tuple[list[str], list[Any]]:
    """``https://id.gs1.org/01/GTIN/10/LOT`` or ``…/epcis/lot/SUPPLIER/PRODUCT/LOT`` as conditions on the batches."""
    parts = [unquote(p) for p in urlsplit(uri).path.split("/")]
    if len(parts) >= 5 and parts[-4] == "01" and parts[-2] == "10":
        return ["gtin = ?", "lot = ?"], [parts[-3], normalise_lot(parts[-1])]
    if len(parts) >= 5 and parts[-4] == "lot":
        return ["supplier = ?", "product_folded = ?", "gtin IS NULL", "lot = ?"], [parts[-3], parts[-2], parts[-1]]
    return ["lot = ?"], [normalise_lot(_last_segment(uri))]


def _batch_code(typed: str) -> str:
    """A batch code as typed (lower case, no hyphen, O for 0) in its canonical form; a mistyped one matches none."""
    try:
        return normalise_batch_code(typed)
    except InvalidBatchCode:
        return typed


def _last_segment(text: str) -> str:
    return unquote(text.rstrip("/").rsplit("/", 1)[-1])


def _matches(event: Json, query: EventQuery) -> bool:
    if query.biz_step and event.get("bizStep") != query.biz_step:
        return False
    moment = datetime.fromisoformat(event["eventTime"])
    if query.since and moment < query.since:
        return False
    return not (query.before and moment >= query.before)


def _events(ledger: Ledger, codes: Sequence[str], names: Naming) -> list[Json]:
    events = [e for code in codes for e in batch_epcis_events(list(ledger.events.get(batch_id(code))), names)]
    return sorted(events, key=lambda e: (datetime.fromisoformat(e["eventTime"]), e["eventID"]))
