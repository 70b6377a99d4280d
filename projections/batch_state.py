"""A batch from its own events (not from a view): a page of its history, and the batch as it stood at a past moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.clock import county_iso
from domain.errors import NotFound
from domain.ledger import Ledger
from domain.validity import past_use_by


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else (str(value) if value is not None else None)


def history_page(ledger: Ledger, code: str, after: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """The batch's events past version ``after``, at most ``limit``, each naming who recorded it; and the version
    to continue after, when there is more."""
    entries = [e for e in ledger.history(code) if e.version > after]
    page = entries[:limit]
    names = staff_names(ledger, {e.by.person_id for e in page})
    items = [e.as_json(ledger.profile.zone) for e in page]
    for item in items:
        item["by"]["name"] = names.get(item["by"]["person_id"])
    return items, page[-1].version if len(entries) > limit else None


def staff_names(ledger: Ledger, people: set[str]) -> dict[str, str]:
    """Names of the registered staff among ``people`` (suppliers and office users have none)."""
    names = {}
    for person in people:
        try:
            names[person] = ledger.staff(person, read_only=True).name
        except NotFound:
            continue
    return names


def batch_as_of(ledger: Ledger, code: str, moment: datetime) -> dict[str, Any]:
    """The batch's state at ``moment`` (by when things happened) and the events that made it.

    The one builder of this state: the CLI (``foodtrace batch --as-of``) and the API (``/batches/{code}/as-of``)
    both answer with it.
    """
    zone = ledger.profile.zone  # asked in any offset, answered on the county's clock
    batch = ledger.batch_as_of(code, moment)
    history = [entry.as_json(zone) for entry in ledger.history(code) if entry.at <= moment]
    if batch is None:
        return {"code": code, "as_of": county_iso(moment, zone), "exists": False, "events": history}
    return {
        "code": batch.code,
        "as_of": county_iso(moment, zone),
        "exists": True,
        "version": batch.version,
        "school": batch.school_id,
        "supplier": batch.supplier_id,
        "product": batch.product,
        "category": str(batch.category),
        "colour": ledger.profile.colour(batch.category),
        "lot": batch.lot,
        "supplier_lot": batch.supplier_lot,
        "received_quantity": str(batch.received_quantity),
        "on_hand": str(batch.on_hand),
        "reserved": str(batch.reserved),
        "unit": batch.unit,
        "place": batch.place,
        "on_hold": batch.on_hold,
        "hold_reason": batch.hold_reason,
        "use_by_date": batch.use_by_date.isoformat(),
        "expired": past_use_by(batch.use_by_date, ledger.profile.local_date(moment)),
        "certificates": [
            {
                "kind": str(c.kind),
                "number": c.number,
                "issuer": c.issuer,
                "issue_date": c.issue_date.isoformat(),
                "expiry_date": _plain(c.expiry_date),
                "sha256": c.sha256,
            }
            for c in batch.live_certificates
        ],
        "movements": [
            {
                "kind": m.kind,
                "quantity": str(m.quantity),
                "at": county_iso(m.at, zone),
                "given_by": m.given_by,
                "taken_by": m.taken_by,
                "meal_date": _plain(m.meal_date),
                "meal": _plain(m.meal),
                "reason": m.reason,
            }
            for m in batch.live_movements
        ],
        "failed_inspections": len(batch.failed_inspections),
        "events": history,
    }
