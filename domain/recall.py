"""Recall (召回): the county stops a lot in every school at once and counts every unit of it back.

A recall names what it stops: a supplier's product, either one lot or everything produced in a date range, the
reason and the authority's notice number (召回通告编号). Each batch it stops is held by a PutOnHold naming it
(domain/recalling.py); ``accounting`` says where every unit of such a batch went. Nothing is outstanding once no
unit is left in the store room: served before the hold, returned to the supplier, or destroyed before a witness.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.batch_state import BatchState
from domain.errors import RuleViolation
from domain.ids import stream_id
from domain.values import Principal


class Disposal(StrEnum):
    """Where a write-off's goods went."""

    DESTROYED = "destroyed"  # 销毁, before a witness
    RETURNED_TO_SUPPLIER = "returned_to_supplier"  # 退货: back to the supplier, e.g. in a recall


def recall_id(notice_number: str) -> UUID:
    """One recall per notice of the authority: its number names the stream."""
    return stream_id("recall", notice_number)


@dataclass(frozen=True)
class Accounting:
    """Where one batch's units are (in its unit): the recall's per-school sums add these up."""

    received: Decimal
    served: Decimal  # issued to meals and not returned to store (from the trace of its hand-offs)
    returned: Decimal  # written off as returned to the supplier
    destroyed: Decimal  # written off otherwise, each with a witness
    held: Decimal  # still in the store room, held

    @property
    def outstanding(self) -> Decimal:
        return self.held

    @property
    def accounted(self) -> Decimal:
        return self.served + self.returned + self.destroyed


def accounting(batch: BatchState) -> Accounting:
    """The one rule of where a recalled batch's units are; the close, the view and the export all ask it."""
    written = [m for m in batch.live_movements if m.kind == "write_off"]
    returned = sum((m.quantity for m in written if m.disposal == Disposal.RETURNED_TO_SUPPLIER), Decimal(0))
    destroyed = sum((m.quantity for m in written if m.disposal != Disposal.RETURNED_TO_SUPPLIER), Decimal(0))
    return Accounting(batch.received_quantity, batch.issued_net, returned, destroyed, batch.on_hand)


class Recall(Aggregate):
    create_id = staticmethod(recall_id)

    @event("Opened")
    def __init__(
        self,
        notice_number: str,
        reason: str,
        supplier_id: str,
        product: str,
        lot: str | None,
        produced_from: date | None,
        produced_to: date | None,
        by: Principal,
        at: datetime,
    ) -> None:
        self.notice_number = notice_number
        self.reason = reason
        self.supplier_id = supplier_id
        self.product = product
        self.lot = lot
        self.produced_from = produced_from
        self.produced_to = produced_to
        self.opened_by = by
        self.opened_at = at
        self.closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def hold_reason(self) -> str:
        """What the batch card says of a batch this recall holds."""
        return f"召回（{self.notice_number}）：{self.reason}"

    def matches(self, supplier_id: str, product: str, lot: str, production_date: date) -> bool:
        """A batch of this supplier's product, of the lot named or produced in the range named."""
        if (supplier_id, product) != (self.supplier_id, self.product):
            return False
        if self.lot is not None:
            return lot == self.lot
        assert self.produced_from is not None and self.produced_to is not None
        return self.produced_from <= production_date <= self.produced_to

    def close(self, note: str, outstanding: int, by: Principal, at: datetime) -> None:
        """结案: only once nothing of any batch is left (``outstanding`` counts the batches still holding some)."""
        if not self.is_open:
            raise RuleViolation(zh=f"召回{self.notice_number}已结案", en=f"recall {self.notice_number} is closed")
        if outstanding:
            raise RuleViolation(
                zh=f"尚有{outstanding}个批次仍有库存未退回供应商或销毁，不能结案",
                en=f"{outstanding} batches still hold stock not returned to the supplier or destroyed; "
                "the recall cannot be closed",
                outstanding=outstanding,
            )
        self._closed(note, by=by, at=at)

    @event("Closed")
    def _closed(self, note: str, by: Principal, at: datetime) -> None:
        self.closed_at = at


REGISTER_ID = stream_id("recalls", "county")


class RecallRegister(Aggregate):
    """The county's open recalls, in one small record: every intake asks it, so it must not read the log.

    Opening a recall lists it here and closing it takes it off, in the same transaction. An intake that decided
    on the register as it was before a recall opened is decided again (its save checks what it read), so a batch
    of the lot received from then on is held on receipt.
    """

    @staticmethod
    def create_id() -> UUID:
        return REGISTER_ID

    @event("Started")
    def __init__(self) -> None:
        self.open: list[UUID] = []

    @event("Listed")
    def list(self, recall_id: UUID) -> None:
        self.open.append(recall_id)

    @event("Delisted")
    def delist(self, recall_id: UUID) -> None:
        self.open.remove(recall_id)


# Where a recall's batches may be, from an index kept outside the domain (the trace view: projections/recalls.py):
# the codes of every batch that may match, and the log position up to which the index holds every receipt. The
# receipts after that position are read from the log itself.
LotFinder = Callable[[Recall], tuple[list[str], int]]
