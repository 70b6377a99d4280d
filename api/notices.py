"""What an event tells a supplier or the county office: the notices webhooks send (通知), by kind.

Each kind is read from the events the domain records:

- ``delivery.received``  IngredientBatch.Received: a delivery was accepted at a school (入库验收), announced or not.
- ``delivery.refused``   DeliveryAnnouncement.Rejected: turned away at the door (拒收), with the storekeeper's reason.
- ``certificate.missing`` derived, not recorded: at intake, the certificates the batch card calls missing (the
  rules profile's required kinds, less those valid on the day among the ones the delivery brought), read from the
  batch as its intake left it. Sent once per intake; certificates attached later do not send it again.
- ``certificate.rejected`` IngredientBatch.Corrected of a certificate: a storekeeper voided it, saying why.
- ``batch.held`` / ``batch.released``  IngredientBatch.PutOnHold / Released (封存 / 解封), with the reason.

- ``recall.opened``      Recall.Opened: the county recalls a lot (召回); the supplier of the lot and the county office
  hear it (no school: it concerns them all).

A new kind is a member of ``NoticeKind`` and a function registered with ``@reads`` for the event class that records
it; the webhooks feed then reads that event too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch, batch_id
from domain.clock import county_iso
from domain.glossary import CERTIFICATE_NAMES_ZH
from domain.ledger import Ledger
from domain.recall import Recall
from projections.projection import event_class


class NoticeKind(StrEnum):
    DELIVERY_RECEIVED = "delivery.received"
    DELIVERY_REFUSED = "delivery.refused"
    CERTIFICATE_MISSING = "certificate.missing"
    CERTIFICATE_REJECTED = "certificate.rejected"
    BATCH_HELD = "batch.held"
    BATCH_RELEASED = "batch.released"
    RECALL_OPENED = "recall.opened"


@dataclass(frozen=True)
class Notice:
    """One kind of news about one school's delivery from one supplier (or about every school's: ``school`` None);
    who may hear it follows from those two."""

    kind: NoticeKind
    school: str | None
    supplier: str
    data: dict[str, Any]


Reader = Callable[[Ledger, int, Any], Iterator[Notice]]
READERS: dict[type[Any], Reader] = {}
ANNOUNCEMENT_RECEIVED = event_class(DeliveryAnnouncement, "Received")
LOOK_AHEAD = 1000  # notifications after a batch's receipt in which the same intake's announcement receipt lies


def reads(aggregate: type, name: str) -> Callable[[Reader], Reader]:
    def register(reader: Reader) -> Reader:
        READERS[event_class(aggregate, name)] = reader
        return reader

    return register


def notices(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
    """The notices of the event at this log position (none for most events)."""
    reader = READERS.get(type(event))
    if reader is not None:
        yield from reader(ledger, position, event)


def topics() -> list[str]:
    """The stored topics of the events that make notices: the only ones the webhooks feed reads."""
    return [get_topic(cls) for cls in READERS]


def _batch_fields(batch: IngredientBatch) -> dict[str, Any]:
    return {"code": batch.code, "school": batch.school_id, "supplier": batch.supplier_id, "product": batch.product}


def _when(event: Any, ledger: Ledger) -> dict[str, Any]:
    return {"at": county_iso(event.at, ledger.profile.zone), "by": event.by.person_id}


@reads(IngredientBatch, "Received")
def _received(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
    receipt = _announcement_received(ledger, position, event.code)
    announcement = receipt[0] if receipt else None
    batch = _as_received(ledger, position, event.code, receipt[1] if receipt else None)
    data = {
        **_batch_fields(batch),
        "announcement_id": str(announcement.id) if announcement else None,
        "reference": announcement.reference if announcement else None,
        "lot": event.lot,
        "supplier_lot": event.supplier_lot,
        "quantity": str(event.quantity),
        "unit": event.unit,
        **_when(event, ledger),
    }
    yield Notice(NoticeKind.DELIVERY_RECEIVED, event.school_id, event.supplier_id, data)
    required = ledger.profile.certificates_required(batch.category, batch.pork)
    missing = batch.missing_certificates(required, ledger.profile.local_date(event.at))
    if missing:
        names = {"missing": [str(kind) for kind in missing], "missing_zh": [CERTIFICATE_NAMES_ZH[k] for k in missing]}
        yield Notice(NoticeKind.CERTIFICATE_MISSING, event.school_id, event.supplier_id, {**data, **names})


def _announcement_received(ledger: Ledger, position: int, code: str) -> tuple[DeliveryAnnouncement, int] | None:
    """The announcement this batch was received from, if any, and the log position of its receipt.

    An announced intake saves the batch's events and then the announcement's Received, in one transaction, so
    the first announcement receipt after the batch's in the log is this intake's, if it names this batch.
    """
    found = ledger.recorder.select_notifications(
        start=position + 1, limit=1, stop=position + LOOK_AHEAD, topics=[get_topic(ANNOUNCEMENT_RECEIVED)]
    )
    if not found:
        return None
    receipt: Any = ledger.mapper.to_domain_event(found[0])
    return (ledger.announcement(receipt.originator_id), found[0].id) if receipt.batch_code == code else None


def _as_received(ledger: Ledger, position: int, code: str, receipt_position: int | None) -> IngredientBatch:
    """The batch as its intake left it: received, with the certificates its announcement brought (and whatever
    else the intake recorded on it, e.g. the co-signers awaited): its events logged up to the announcement's receipt.
    A delivery typed at the door brings no certificates: its receipt is enough."""
    stream = batch_id(code)
    if receipt_position is None:
        return _batch(ledger, stream, 1)
    intake = ledger.recorder.select_notifications(start=position, limit=receipt_position - position)
    return _batch(ledger, stream, sum(1 for n in intake if n.originator_id == stream))


def _batch(ledger: Ledger, stream: UUID, version: int) -> IngredientBatch:
    """The batch as it stood at this version of its stream: what the notice says does not change later."""
    batch: Aggregate = ledger.repository.get(stream, version=version)
    assert isinstance(batch, IngredientBatch)
    return batch


@reads(DeliveryAnnouncement, "Rejected")
def _refused(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
    found = ledger.announcement(event.originator_id)
    data = {
        "announcement_id": str(found.id),
        "reference": found.reference,
        "school": found.goods.school_id,
        "supplier": found.goods.supplier_id,
        "product": found.goods.product,
        "reason": event.reason,
        **_when(event, ledger),
    }
    yield Notice(NoticeKind.DELIVERY_REFUSED, found.goods.school_id, found.goods.supplier_id, data)


@reads(IngredientBatch, "Corrected")
def _certificate_voided(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
    if event.kind != "certificate":
        return
    batch = _batch(ledger, event.originator_id, event.originator_version)
    certificate = batch.certificates[event.corrects_version]
    data = {
        **_batch_fields(batch),
        "certificate": {"kind": str(certificate.kind), "number": certificate.number, "issuer": certificate.issuer},
        "reason": event.reason,
        **_when(event, ledger),
    }
    yield Notice(NoticeKind.CERTIFICATE_REJECTED, batch.school_id, batch.supplier_id, data)


def _hold(kind: NoticeKind) -> Reader:
    def read(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
        batch = _batch(ledger, event.originator_id, event.originator_version)
        data = {**_batch_fields(batch), "lot": batch.lot, "reason": event.reason, **_when(event, ledger)}
        yield Notice(kind, batch.school_id, batch.supplier_id, data)

    return read


reads(IngredientBatch, "PutOnHold")(_hold(NoticeKind.BATCH_HELD))
reads(IngredientBatch, "Released")(_hold(NoticeKind.BATCH_RELEASED))


@reads(Recall, "Opened")
def _recall_opened(ledger: Ledger, position: int, event: Any) -> Iterator[Notice]:
    produced = {name: getattr(event, name) for name in ("produced_from", "produced_to")}
    data = {
        "recall_id": str(event.originator_id),
        "notice_number": event.notice_number,
        "school": None,
        "supplier": event.supplier_id,
        "product": event.product,
        "lot": event.lot,
        **{name: day.isoformat() if day else None for name, day in produced.items()},
        "reason": event.reason,
        **_when(event, ledger),
    }
    yield Notice(NoticeKind.RECALL_OPENED, None, event.supplier_id, data)
