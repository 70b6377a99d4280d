"""DeliveryAnnouncement (送货预告): a supplier says what is coming before it arrives.

Intake of an announced delivery is then a scan and a check rather than typing: the announcement keeps the goods as
one Delivery value, which intake receives as is, and the supplier's certificates travel with it onto the batch. Its id
follows from the supplier and its delivery note number, so announcing the same delivery twice is refused rather than
duplicated.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.batch_state import Certificate, CertificateAttachedEvent
from domain.delivery import Delivery
from domain.errors import RuleViolation
from domain.glossary import CERTIFICATE_NAMES_ZH
from domain.ids import stream_id
from domain.values import Principal


def announcement_id(supplier_id: str, reference: str) -> UUID:
    return stream_id("announcement", supplier_id, reference)


class DeliveryAnnouncement(Aggregate):
    create_id = staticmethod(announcement_id)

    @event("Announced")
    def __init__(
        self,
        supplier_id: str,
        reference: str,
        school_id: str,
        product: str,
        category: str,
        pork: bool,
        quantity: Decimal,
        unit: str,
        supplier_lot: str,
        lot: str,
        gtin: str | None,
        production_date: date,
        use_by_date: date,
        invoice_number: str,
        unit_price: Decimal | None,
        expected_on: date,
        by: Principal,
        at: datetime,
    ) -> None:
        self.goods = Delivery(
            school_id=school_id,
            supplier_id=supplier_id,
            product=product,
            category=category,
            pork=pork,
            quantity=quantity,
            unit=unit,
            supplier_lot=supplier_lot,
            lot=lot,
            gtin=gtin,
            production_date=production_date,
            use_by_date=use_by_date,
            invoice_number=invoice_number,
            unit_price=unit_price,
        )
        self.reference = reference
        self.expected_on = expected_on
        self.certificates: list[Certificate] = []
        self.status = "announced"  # announced / received / rejected / withdrawn
        self.batch_code = ""
        self.closed_reason = ""

    def delivery(self) -> Delivery:
        """The goods as announced, for intake to check and receive."""
        return self.goods

    @property
    def school_id(self) -> str:
        """The school the goods are for: its principal approves a late entry on this delivery."""
        return self.goods.school_id

    def attach_certificate(self, certificate: Certificate, at: datetime) -> None:
        """索证 ahead of the goods: the certificate travels with the announcement onto the batch."""
        self.check_open()
        kind, number = certificate.kind, certificate.number
        certificate.check_joins(
            self.certificates,
            zh=f"已附{CERTIFICATE_NAMES_ZH[kind]}（编号{number}）",
            en=f"{kind} number {number} is already attached",
        )
        self.trigger_event(self.CertificateAttached, **certificate.event_fields(), by=certificate.attached_by, at=at)

    class CertificateAttached(CertificateAttachedEvent):
        """索证 ahead of the goods."""

    def keep_certificate(self, version: int, certificate: Certificate) -> None:
        self.certificates.append(certificate)

    @event("Received")
    def mark_received(self, batch_code: str, by: Principal, at: datetime) -> None:
        self._close("received")
        self.batch_code = batch_code

    @event("Rejected")
    def reject(self, reason: str, by: Principal, at: datetime) -> None:
        """拒收 at the door: the storekeeper says why."""
        self._close("rejected", reason)

    @event("Withdrawn")
    def withdraw(self, reason: str, by: Principal, at: datetime) -> None:
        self._close("withdrawn", reason)

    def _close(self, status: str, reason: str = "") -> None:
        # An event body may check the announcement's own state: it is the same again on every replay.
        self.check_open()
        self.status = status
        self.closed_reason = reason

    def check_open(self) -> None:
        if self.status != "announced":
            raise RuleViolation(
                zh=f"该送货预告已结束（{self.status}）", en=f"this delivery announcement is already {self.status}"
            )
