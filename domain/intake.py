"""Intake (入库验收): deliveries announced, certified, received, or turned away at the door.

§13 索证索票: every delivery brings its invoice and same-batch certificates, and the people who accept it sign
(签字背书); §16 查验: a sensory check at intake; the 2025 guideline: bulk food is accepted by two or more people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.announcement import DeliveryAnnouncement, announcement_id
from domain.batch import IngredientBatch
from domain.batch_state import Certificate
from domain.checks import check_date, check_delivery_dates, check_handler
from domain.codes import new_batch_code
from domain.command import Command, Outcome, handles
from domain.delivery import Delivery, DeliveryDetails, optional_decimal
from domain.errors import RuleViolation, ValidationError
from domain.recalling import hold_if_recalled
from domain.rules import CertificateKind
from domain.validity import past_use_by
from domain.values import Principal, note_text, parse_choice, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class Acceptance:
    """What the people at the door record when they accept a delivery.

    ``co_signed`` names the co-signers who signed with their own credential in this command (the API checks their
    PINs); any other co-signer signs later (CoSign), and until then the batch may not be issued.
    """

    added_later: ClassVar[tuple[str, ...]] = ("co_signed",)

    place: str
    co_signers: list[str]
    sensory_ok: bool
    sensory_notes: str
    arrival_temperature: Decimal | str | None = None
    co_signed: list[str] | None = None


@dataclass(frozen=True, kw_only=True)
class CertificateDetails:
    kind: CertificateKind | str
    number: str
    issuer: str
    issue_date: date
    sha256: str
    expiry_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class ReceiveBatch(Acceptance, DeliveryDetails, Command):
    """入库验收 of a delivery typed at the door; the receiving storekeeper (``by``) and co-signers sign."""


@dataclass(frozen=True, kw_only=True)
class AttachCertificate(CertificateDetails, Command):
    code: str


@dataclass(frozen=True, kw_only=True)
class AnnounceDelivery(DeliveryDetails, Command):
    reference: str
    expected_on: date


@dataclass(frozen=True, kw_only=True)
class AttachCertificateToDelivery(CertificateDetails, Command):
    announcement: UUID | str


@dataclass(frozen=True, kw_only=True)
class ReceiveAnnounced(Acceptance, Command):
    announcement: UUID | str
    quantity: Decimal | str | None = None  # what arrived, when it differs from what was announced


@dataclass(frozen=True, kw_only=True)
class RejectDelivery(Command):
    announcement: UUID | str
    reason: str


@dataclass(frozen=True, kw_only=True)
class CoSign(Command):
    """签字背书 after intake: a co-signer named at intake signs with their own credential (``by``)."""

    code: str


@dataclass(frozen=True, kw_only=True)
class WithdrawDelivery(Command):
    announcement: UUID | str
    reason: str


@handles(ReceiveBatch)
def receive_batch(ledger: Ledger, c: ReceiveBatch, by: Principal, at: datetime) -> Outcome:
    """入库验收: the storekeeper (``by``) and co-signers accept a delivery together; a new batch begins."""
    batch = accept(ledger, Delivery.checked(c), c, by, at)
    return [batch], {"code": batch.code, "batch_id": str(batch.id), "status": received_status(batch)}


def accept(ledger: Ledger, delivery: Delivery, c: Acceptance, by: Principal, at: datetime) -> IngredientBatch:
    """The checks every intake makes, announced or not (§16 感官查验, 签字背书); returns the new batch, unsaved."""
    day = ledger.profile.local_date(at)
    check_delivery_dates(ledger.profile, delivery, day)
    delivery.check_on(day)
    sensory_notes = note_text(c.sensory_notes, "sensory_notes", "感官查验记录", 500)
    if not c.sensory_ok:
        raise RuleViolation(
            zh=f"感官查验不合格（{sensory_notes or '未写明'}），拒收",
            en=f"the sensory check failed ({sensory_notes or 'no notes'}); delivery refused",
        )
    ledger.school(delivery.school_id, read_only=True)
    ledger.supplier(delivery.supplier_id, read_only=True).check_may_deliver(day)
    signers = [by.person_id, *[s for s in c.co_signers if s != by.person_id]]
    if len(set(signers)) < ledger.profile.intake_signers:
        raise RuleViolation(
            zh=f"入库验收须{ledger.profile.intake_signers}人共同签字",
            en=f"intake must be signed by {ledger.profile.intake_signers} people together",
        )
    for person in signers:
        check_handler(ledger, person, delivery.school_id, day)
    signed = set(c.co_signed or ())
    if not signed <= set(signers[1:]):
        raise ValidationError(
            zh="只有被列为共同验收人的人员可以签字",
            en="only a co-signer named for this intake can sign it",
            field="co_signed",
        )
    batch = IngredientBatch(
        code=new_batch_code(),  # 40 random bits; a clash fails the save as a conflict, never overwrites
        **delivery.fields(),
        place=require_text(c.place, "place", "存放位置"),
        signers=signers,
        sensory_check=sensory_notes or "合格",
        arrival_temperature=optional_decimal(c.arrival_temperature, "arrival_temperature"),
        by=by,
        at=at,
    )
    awaiting = [person for person in signers[1:] if person not in signed]
    if awaiting:
        batch.await_co_signers(awaiting, by, at)
    hold_if_recalled(ledger, batch, by, at)
    return batch


@handles(CoSign)
def co_sign(ledger: Ledger, c: CoSign, by: Principal, at: datetime) -> Outcome:
    """签字背书: a co-signer the intake awaits signs with their own credential, fit for food work that day."""
    batch = ledger.batch(c.code)
    check_handler(ledger, by.person_id, batch.school_id, ledger.profile.local_date(at))
    batch.co_sign(by, at)
    return [batch], {**ledger.batch_result(batch), "status": received_status(batch)}


def received_status(batch: IngredientBatch) -> str:
    """What an intake or a co-signature answers: whether the intake still awaits a co-signer."""
    return "awaiting_co_signer" if batch.awaiting_co_signers else "received"


@handles(AttachCertificate)
def attach_certificate(ledger: Ledger, c: AttachCertificate, by: Principal, at: datetime) -> Outcome:
    """§13 索证: a same-batch certificate (quality report, quarantine certificate, …) joins the batch."""
    batch = ledger.batch(c.code)
    batch.attach_certificate(checked_certificate(ledger, c, by, at), at)
    return [batch], ledger.batch_result(batch)


def checked_certificate(ledger: Ledger, c: CertificateDetails, by: Principal, at: datetime) -> Certificate:
    """§13 索证: a certificate issued by now, with its file's digest; the batch or announcement checks the rest."""
    today = ledger.profile.local_date(at)
    check_date(ledger.profile, c.issue_date, "issue_date", "签发日期", today)
    check_date(ledger.profile, c.expiry_date, "expiry_date", "有效期", today, shelf_life=True)
    if c.issue_date > today:
        raise ValidationError(
            zh="签发日期晚于今天", en="the certificate's issue date is in the future", field="issue_date"
        )
    if len(c.sha256) != 64 or any(ch not in "0123456789abcdefABCDEF" for ch in c.sha256):
        raise ValidationError(zh="文件摘要格式错误", en="sha256 must be 64 hexadecimal digits", field="sha256")
    return Certificate(
        kind=parse_choice(CertificateKind, c.kind, "kind", "证明类型"),
        number=require_text(c.number, "number", "证明编号"),
        issuer=require_text(c.issuer, "issuer", "签发单位"),
        issue_date=c.issue_date,
        expiry_date=c.expiry_date,
        sha256=c.sha256,
        attached_by=by,
    )


@handles(AnnounceDelivery)
def announce_delivery(ledger: Ledger, c: AnnounceDelivery, by: Principal, at: datetime) -> Outcome:
    """送货预告: a supplier says what it will deliver, so that intake is a scan and a check rather than typing."""
    reference = require_text(c.reference, "reference", "送货单号", 64)
    ledger.refuse_existing(
        announcement_id(c.supplier, reference),
        f"送货单{reference}已预告",
        f"delivery {reference} was already announced",
    )
    delivery = Delivery.checked(c)
    today = ledger.profile.local_date(at)
    check_delivery_dates(ledger.profile, delivery, today)
    check_date(ledger.profile, c.expected_on, "expected_on", "预计送达日期", today)
    ledger.school(c.school, read_only=True)
    ledger.supplier(c.supplier, read_only=True).check_may_deliver(c.expected_on)
    if past_use_by(c.use_by_date, c.expected_on):
        raise ValidationError(
            zh="预计送达日期晚于保质期", en="the delivery would arrive after its use-by date", field="expected_on"
        )
    announced = DeliveryAnnouncement(reference=reference, **delivery.fields(), expected_on=c.expected_on, by=by, at=at)
    return [announced], {"announcement_id": str(announced.id), "status": announced.status}


@handles(AttachCertificateToDelivery)
def attach_certificate_to_delivery(
    ledger: Ledger, c: AttachCertificateToDelivery, by: Principal, at: datetime
) -> Outcome:
    """§13 索证 ahead of the goods: the certificates travel with the announcement onto the batch."""
    found = ledger.announcement(c.announcement)
    found.attach_certificate(checked_certificate(ledger, c, by, at), at)
    return [found], {"announcement_id": str(found.id), "certificates": len(found.certificates)}


@handles(ReceiveAnnounced)
def receive_announced(ledger: Ledger, c: ReceiveAnnounced, by: Principal, at: datetime) -> Outcome:
    """入库验收 of an announced delivery: the batch takes the announced data and certificates."""
    found = ledger.announcement(c.announcement)
    found.check_open()
    batch = accept(ledger, found.delivery().with_quantity(c.quantity), c, by, at)
    for certificate in found.certificates:  # each signed by the supplier who attached it, at intake's time
        batch.attach_certificate(certificate, batch.received_at)
    found.mark_received(batch.code, by, batch.received_at)
    result = {"code": batch.code, "batch_id": str(batch.id), "status": received_status(batch)}
    return [batch, found], {**result, "announcement_id": str(found.id)}


@handles(RejectDelivery)
def reject_delivery(ledger: Ledger, c: RejectDelivery, by: Principal, at: datetime) -> Outcome:
    """拒收: the storekeeper turns an announced delivery away at the door, saying why."""
    found = ledger.announcement(c.announcement)
    found.reject(require_text(c.reason, "reason", "拒收原因"), by, at)
    return [found], {"announcement_id": str(found.id), "status": found.status}


@handles(WithdrawDelivery)
def withdraw_delivery(ledger: Ledger, c: WithdrawDelivery, by: Principal, at: datetime) -> Outcome:
    """撤回: the supplier withdraws a delivery it announced, saying why."""
    found = ledger.announcement(c.announcement)
    found.withdraw(require_text(c.reason, "reason", "撤回原因"), by, at)
    return [found], {"announcement_id": str(found.id), "status": found.status}
