"""EPCIS 2.0 (GS1) from a batch's events: pure functions, events in, JSON-LD out; reading them is epcis_export.py.

Each stored batch event becomes one EPCIS event with a stable ``eventID`` (a UUID of its stream and version), so a
receiver that gets it twice keeps it once:

| ledger event | EPCIS event | bizStep | disposition |
|---|---|---|---|
| Received (入库验收) | ObjectEvent ADD, the lot's dates in ``ilmd`` | receiving | in_progress |
| CertificateAttached (附证明) | ObjectEvent OBSERVE, the document in ``certificationInfo`` | inspecting | – |
| Inspected (查验) | ObjectEvent OBSERVE | inspecting | conformant / non_conformant |
| PutOnHold (封存) / Released (解封) | ObjectEvent OBSERVE | holding / storing | non_sellable_other / active |
| Moved (移库) | ObjectEvent OBSERVE | storing | active |
| IssuedToKitchen (出库) | TransformationEvent: the batch in, the meal out | dispensing | – |
| ReturnedToStore (退库) | ObjectEvent OBSERVE | receiving | returned |
| WrittenOff (报损销毁) | ObjectEvent OBSERVE | destroying | destroyed |
| Corrected (更正) | the voided event again, with ``errorDeclaration`` (EPCIS's own way to void an event) | | |

An issue offer (出库待确认) and its cancellation change no goods and are not exported.

Identifiers: a lot with a GTIN is the GS1 Digital Link class ``https://id.gs1.org/01/GTIN/10/LOT``; everything else
is the ledger's own URI under FOODTRACE_RESOLVER_BASE: the batch (its label's address ``/b/CODE``), a lot without a
GTIN, schools, store places, suppliers, meals. Times: ``eventTime`` is when it happened (the event's ``at``),
``recordTime`` when it was recorded (``recorded_time``), both on the county's clock.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from domain.clock import county_iso, county_time, offset_label
from domain.gs1 import normalise_product

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# Our own fields beside EPCIS's (the product's name, the batch code, who did it): a fixed namespace, so a receiver
# reads them alike whatever address a county serves on.
FOODTRACE_NS = "https://foodtrace.example/epcis/"
CONTEXT: list[Any] = [EPCIS_CONTEXT, {"foodtrace": FOODTRACE_NS}]
# UN/ECE Recommendation 20 codes, as EPCIS's ``uom`` wants them.
UOM = {"kg": "KGM", "g": "GRM", "L": "LTR", "mL": "MLT", "piece": "H87", "box": "BX", "bag": "BG", "bottle": "BO"}
# Events that move no goods and say nothing a receiver needs (a co-signature completes a receipt that already
# names its signers).
SKIPPED = frozenset({"IssueOffered", "IssueOfferCancelled", "CoSignersAwaited", "CoSigned"})
Json = dict[str, Any]


def recorded_time(event: Any) -> datetime:
    """When an event was recorded: its ``recorded_at`` where it carries one, else when it happened (``at``)."""
    recorded = getattr(event, "recorded_at", None)
    return recorded if isinstance(recorded, datetime) else event.at


def event_id(stream: UUID, version: int) -> str:
    """The EPCIS eventID of one stored event: the same on every export, push and query."""
    return f"urn:uuid:{uuid5(NAMESPACE_URL, f'foodtrace:{stream}:{version}')}"


@dataclass(frozen=True)
class Naming:
    """The ledger's URIs for what has no GS1 key, under the county's resolver address, and its clock."""

    base: str
    zone: ZoneInfo

    def _own(self, *parts: str) -> str:
        return "/".join([self.base.rstrip("/"), "epcis", *(quote(p, safe="") for p in parts)])

    def batch(self, code: str) -> str:
        return f"{self.base.rstrip('/')}/b/{code}"

    def lot(self, supplier: str, gtin: str | None, product: str, lot: str) -> str:
        if gtin:
            return f"https://id.gs1.org/01/{gtin}/10/{quote(lot, safe='')}"
        return self._own("lot", supplier, normalise_product(product), lot)

    def school(self, code: str) -> str:
        return self._own("school", code)

    def place(self, school: str, place: str) -> str:
        return self._own("school", school, "place", place)

    def supplier(self, code: str) -> str:
        return self._own("supplier", code)

    def meal(self, school: str, day: date, meal: str) -> str:
        return self._own("meal", school, day.isoformat(), meal)

    def invoice(self, supplier: str, number: str) -> str:
        return self._own("invoice", supplier, number)

    def time(self, moment: datetime) -> str:
        return county_iso(moment, self.zone)

    def offset(self, moment: datetime) -> str:
        return offset_label(county_time(moment, self.zone))


@dataclass
class _Batch:
    """What later events of a batch need from its receipt, and where it is now."""

    code: str
    school: str
    supplier: str
    lot_uri: str
    unit: str
    place: str


def batch_epcis_events(events: Sequence[Any], naming: Naming) -> list[Json]:
    """A batch's stored events (in order, from its receipt) as EPCIS events; voided ones carry their correction."""
    batch: _Batch | None = None
    mapped: dict[int, Json] = {}
    for e in events:
        kind = type(e).__name__
        if kind == "Received":
            batch = _batch(e, naming)
            mapped[e.originator_version] = _received(e, batch, naming)
        elif batch is None or kind in SKIPPED:
            continue
        elif kind == "Corrected" and e.corrects_version in mapped:
            mapped[e.corrects_version]["errorDeclaration"] = _error_declaration(e, naming)
        elif kind in MAPPERS:
            mapped[e.originator_version] = MAPPERS[kind](e, batch, naming)
    return list(mapped.values())


def epcis_event_at(events: Sequence[Any], naming: Naming) -> Json | None:
    """The EPCIS event the last of ``events`` (a batch's stream up to it) makes: for a correction, the voided event
    declared in error; None for events that are not exported."""
    last = events[-1]
    wanted = last.corrects_version if type(last).__name__ == "Corrected" else last.originator_version
    for mapped in batch_epcis_events(events, naming):
        if mapped["eventID"] == event_id(last.originator_id, wanted):
            return mapped
    return None


def epcis_document(events: Iterable[Json], created: datetime, naming: Naming) -> Json:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": naming.time(created),
        "epcisBody": {"eventList": list(events)},
    }


def _batch(e: Any, naming: Naming) -> _Batch:
    lot_uri = naming.lot(e.supplier_id, e.gtin, e.product, e.lot)
    return _Batch(code=e.code, school=e.school_id, supplier=e.supplier_id, lot_uri=lot_uri, unit=e.unit, place=e.place)


def _quantity(batch: _Batch, quantity: Decimal) -> Json:
    element: Json = {"epcClass": batch.lot_uri, "quantity": float(quantity)}
    if batch.unit in UOM:
        element["uom"] = UOM[batch.unit]
    return element


def _common(e: Any, batch: _Batch, naming: Naming, kind: str = "ObjectEvent") -> Json:
    return {
        "eventID": event_id(e.originator_id, e.originator_version),
        "type": kind,
        "eventTime": naming.time(e.at),
        "recordTime": naming.time(recorded_time(e)),
        "eventTimeZoneOffset": naming.offset(e.at),
        "readPoint": {"id": naming.place(batch.school, batch.place)},
        "bizLocation": {"id": naming.school(batch.school)},
        "foodtrace:batch": batch.code,
        "foodtrace:by": {"foodtrace:person": e.by.person_id, "foodtrace:role": e.by.role},
    }


def _observed(
    e: Any, batch: _Batch, naming: Naming, step: str, disposition: str | None, *, quantity: Decimal | None = None
) -> Json:
    observed = {**_common(e, batch, naming), "action": "OBSERVE", "epcList": [naming.batch(batch.code)]}
    if quantity is not None:
        observed["quantityList"] = [_quantity(batch, quantity)]
    observed["bizStep"] = step
    if disposition:
        observed["disposition"] = disposition
    return observed


def _received(e: Any, batch: _Batch, naming: Naming) -> Json:
    return {
        **_observed(e, batch, naming, "receiving", "in_progress", quantity=e.quantity),
        "action": "ADD",
        "bizTransactionList": [{"type": "inv", "bizTransaction": naming.invoice(e.supplier_id, e.invoice_number)}],
        "sourceList": [{"type": "owning_party", "source": naming.supplier(e.supplier_id)}],
        "destinationList": [{"type": "owning_party", "destination": naming.school(e.school_id)}],
        "ilmd": {
            "cbvmda:lotNumber": e.supplier_lot,
            "cbvmda:itemExpirationDate": e.use_by_date.isoformat(),
            "foodtrace:productionDate": e.production_date.isoformat(),
            "foodtrace:product": e.product,
            "foodtrace:category": e.category,
        },
        "foodtrace:signers": list(e.signers),
    }


def _certificate(e: Any, batch: _Batch, naming: Naming) -> Json:
    return {
        **_observed(e, batch, naming, "inspecting", None),
        "certificationInfo": [document_uri(e.sha256)],
        "foodtrace:certificate": {
            "foodtrace:kind": e.kind,
            "foodtrace:number": e.number,
            "foodtrace:issuer": e.issuer,
            "foodtrace:issueDate": e.issue_date.isoformat(),
        },
    }


def document_uri(sha256: str) -> str:
    """A certificate file by its bytes (RFC 6920 ni URI), as it is kept in FOODTRACE_DOCUMENTS."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode().rstrip("=")
    return f"ni:///sha-256;{digest}"


def _inspected(e: Any, batch: _Batch, naming: Naming) -> Json:
    disposition = "conformant" if e.passed else "non_conformant"
    return {**_observed(e, batch, naming, "inspecting", disposition), "foodtrace:stage": e.stage}


def _held(e: Any, batch: _Batch, naming: Naming) -> Json:
    return {**_observed(e, batch, naming, "holding", "non_sellable_other"), "foodtrace:reason": e.reason}


def _released(e: Any, batch: _Batch, naming: Naming) -> Json:
    return {**_observed(e, batch, naming, "storing", "active"), "foodtrace:reason": e.reason}


def _moved(e: Any, batch: _Batch, naming: Naming) -> Json:
    batch.place = e.to_place
    return _observed(e, batch, naming, "storing", "active")


def _issued(e: Any, batch: _Batch, naming: Naming) -> Json:
    meal = naming.meal(batch.school, e.meal_date, e.meal)
    return {
        **_common(e, batch, naming, "TransformationEvent"),
        "inputEPCList": [naming.batch(batch.code)],
        "inputQuantityList": [_quantity(batch, e.quantity)],
        "outputEPCList": [meal],
        "transformationID": meal,
        "bizStep": "dispensing",
        "foodtrace:givenBy": e.given_by,
        "foodtrace:takenBy": e.taken_by,
    }


def _returned(e: Any, batch: _Batch, naming: Naming) -> Json:
    return {**_observed(e, batch, naming, "receiving", "returned", quantity=e.quantity), "foodtrace:reason": e.reason}


def _written_off(e: Any, batch: _Batch, naming: Naming) -> Json:
    written_off = _observed(e, batch, naming, "destroying", "destroyed", quantity=e.quantity)
    return {**written_off, "foodtrace:reason": e.reason, "foodtrace:witness": e.witness}


def _error_declaration(e: Any, naming: Naming) -> Json:
    return {"declarationTime": naming.time(e.at), "reason": "incorrect_data", "foodtrace:reason": e.reason}


MAPPERS = {
    "CertificateAttached": _certificate,
    "Inspected": _inspected,
    "PutOnHold": _held,
    "Released": _released,
    "Moved": _moved,
    "IssuedToKitchen": _issued,
    "ReturnedToStore": _returned,
    "WrittenOff": _written_off,
}
