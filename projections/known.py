"""An unknown school, supplier or lot is an error, not an empty answer: a typo must never read as "nothing happened".

Schools and suppliers are looked up in the ledger itself (their registration is never behind); a lot in the trace
index, so a reader who must see a lot just received asks with ``after=`` (the API) or after a catch-up (the CLI).
"""

from __future__ import annotations

from domain.errors import NotFound
from domain.gs1 import normalise_lot
from projections.service import Projections


def require_known(
    views: Projections, *, school: str | None = None, supplier: str | None = None, lot: str | None = None
) -> None:
    """Raise NotFound (zh/en, naming the field) for whichever of these the county has never seen."""
    # Read only: whether it exists is all that is asked, so the cached record itself, not a deep copy of it.
    if school is not None:
        try:
            views.ledger.school(school, read_only=True)
        except NotFound as unknown:
            raise NotFound(zh=unknown.zh, en=unknown.en, field="school") from None
    if supplier is not None:
        try:
            views.ledger.supplier(supplier, read_only=True)
        except NotFound as unknown:
            raise NotFound(zh=unknown.zh, en=unknown.en, field="supplier") from None
    if lot is not None and not lot_recorded(views, lot):
        raise NotFound(zh=f"没有任何批次的批号为{lot}", en=f"no batch carries the lot {lot}", field="lot")


def lot_recorded(views: Projections, lot: str) -> bool:
    """Whether any batch, at any school and from any supplier, carries this lot (as printed or normalised)."""
    found = views.view("trace").select(
        "SELECT 1 AS found FROM view_trace_batches WHERE lot = ? OR supplier_lot = ? LIMIT 1",
        [normalise_lot(lot), lot.strip()],
    )
    return bool(found)


def county_schools(views: Projections) -> list[dict[str, str]]:
    """The schools the trace index knows, by code."""
    rows = views.view("trace").select("SELECT code, name, district FROM view_trace_schools ORDER BY code")
    return [{"code": r["code"], "name": r["name"], "district": r["district"]} for r in rows]
