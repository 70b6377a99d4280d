"""Recalling (召回) a lot county-wide: open a recall, hold its batches wherever they are, close it when all is counted.

The county's logistics office (物资/后勤管理) opens a recall on the authority's notice; one command holds every
batch of the lot in every school, one PutOnHold each naming the recall. A batch of it received while the recall is
open is held on receipt (domain/intake.py asks ``hold_if_recalled``). The recall closes only when no batch of it
holds stock: each school returns it to the supplier or destroys it (a write-off with a witness).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.batch import IngredientBatch
from domain.command import Command, Outcome, handles
from domain.errors import ValidationError
from domain.gs1 import normalise_lot
from domain.recall import Recall, RecallRegister, accounting, recall_id
from domain.validity import check_period
from domain.values import Principal, note_text, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class OpenRecall(Command):
    """召回: a supplier's product, one lot or a production-date range, on the authority's notice."""

    notice_number: str
    reason: str
    supplier: str
    product: str
    lot: str | None = None
    produced_from: date | None = None
    produced_to: date | None = None


@dataclass(frozen=True, kw_only=True)
class CloseRecall(Command):
    """结案: every unit of every batch is accounted for."""

    recall: UUID | str
    note: str = ""


@handles(OpenRecall)
def open_recall(ledger: Ledger, c: OpenRecall, by: Principal, at: datetime) -> Outcome:
    """One command holds every batch of the lot in every school, each by an event naming the recall."""
    notice = require_text(c.notice_number, "notice_number", "召回通告编号", 64)
    ledger.refuse_existing(recall_id(notice), f"召回通告{notice}已登记", f"recall notice {notice} is already open")
    ledger.supplier(c.supplier)
    if (c.lot is None) == (c.produced_from is None and c.produced_to is None):
        raise ValidationError(
            zh="请填写批号，或生产日期范围（二选一）",
            en="name either the lot or a production-date range (produced_from and produced_to), not both",
            field="lot",
        )
    if c.lot is None:
        if c.produced_from is None or c.produced_to is None:
            raise ValidationError(
                zh="生产日期范围须有起止日期", en="a range needs produced_from and produced_to", field="produced_to"
            )
        check_period(c.produced_from, c.produced_to, "produced_to", "生产日期范围", "the production-date range")
    recall = Recall(
        notice_number=notice,
        reason=require_text(c.reason, "reason", "召回原因", 500),
        supplier_id=c.supplier,
        product=require_text(c.product, "product", "品名"),
        lot=normalise_lot(c.lot) if c.lot is not None else None,
        produced_from=c.produced_from,
        produced_to=c.produced_to,
        by=by,
        at=at,
    )
    register = ledger.recall_register() or RecallRegister()
    register.list(recall.id)
    held = batches_of(ledger, recall)
    for batch in held:
        batch.hold_for_recall(recall.id, recall.hold_reason, by, at)
    schools = sorted({batch.school_id for batch in held})
    return [recall, register, *held], {**recall_result(recall), "held": len(held), "schools": schools}


@handles(CloseRecall)
def close_recall(ledger: Ledger, c: CloseRecall, by: Principal, at: datetime) -> Outcome:
    """结案, refused while any batch of the recall still holds stock."""
    recall = ledger.recall(c.recall)
    outstanding = sum(1 for batch in batches_of(ledger, recall) if accounting(batch).outstanding > 0)
    recall.close(note_text(c.note, "note", "结案说明", 500), outstanding, by, at)
    register = ledger.recall_register()
    if register is not None and recall.id in register.open:
        register.delist(recall.id)
    return [recall, *([register] if register is not None else [])], recall_result(recall)


def recall_result(recall: Recall) -> dict[str, Any]:
    return {"recall_id": str(recall.id), "notice_number": recall.notice_number, "open": recall.is_open}


def hold_if_recalled(ledger: Ledger, batch: IngredientBatch, by: Principal, at: datetime) -> None:
    """A batch received while a recall of it is open is held on receipt, in the recall's name."""
    for recall in open_recalls(ledger):
        if recall.matches(batch.supplier_id, batch.product, batch.lot, batch.production_date):
            batch.hold_for_recall(recall.id, recall.hold_reason, by, at)


def open_recalls(ledger: Ledger) -> list[Recall]:
    """The recalls not yet closed, from the county's register (one small record, cached: no read of the log)."""
    register = ledger.recall_register(read_only=True)
    return [ledger.recall(found) for found in register.open] if register is not None else []


def batches_of(ledger: Ledger, recall: Recall) -> list[IngredientBatch]:
    """Every batch the recall names, in every school: those the lot index knows (``Ledger.lot_finder``), and the
    receipts the log holds after the index's position (all of them, without an index), in the order received."""
    codes, position = ledger.lot_finder(recall) if ledger.lot_finder is not None else ([], 0)
    found = {code: ledger.batch(code) for code in codes}
    needles, received_topic = _needles(ledger, recall), get_topic(_RECEIVED)
    # A receipt recorded after this read (an intake not yet committed when it began) would escape the hold: the
    # save checks there is none, else the recall is decided again. Later intakes see the recall in the register.
    ledger.scanned(received_topic, ledger.recorder.max_notification_id() or 0)
    for notification in _notifications(ledger, received_topic, start=position + 1):
        if not all(needle in notification.state for needle in needles):
            continue  # not this lot: its stored text does not even name it
        received: Any = ledger.mapper.to_domain_event(notification)
        if received.code not in found:
            found[received.code] = ledger.batch(received.code)
    matching = [b for b in found.values() if recall.matches(b.supplier_id, b.product, b.lot, b.production_date)]
    return sorted(matching, key=lambda batch: (batch.received_at, batch.code))


def _needles(ledger: Ledger, recall: Recall) -> list[bytes]:
    """What a receipt of the recalled lot must hold as stored JSON text, to pass over the others without decoding
    them; nothing when the log is compressed or encrypted (then every receipt is decoded)."""
    if ledger.mapper.compressor is not None or ledger.mapper.cipher is not None:
        return []
    named = [recall.supplier_id, recall.product, *([recall.lot] if recall.lot is not None else [])]
    return [json.dumps(text, ensure_ascii=False).encode("utf-8") for text in named]


def _notifications(ledger: Ledger, topic: str, start: int = 1) -> Iterator[Any]:
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=500, topics=[topic])
        yield from page
        if len(page) < 500:
            return
        start = page[-1].id + 1


_RECEIVED = vars(IngredientBatch)["Received"]
