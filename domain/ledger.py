"""The Ledger (台账): the one eventsourcing Application the outside world calls, one method per command.

Every write names who did it (a Principal) and when (``at``, default now), may carry an idempotency
key, and saves all it changed in one transaction. Rules that depend on the profile, the clock or on
other records are checked here, before an aggregate records its event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain.announcement import DeliveryAnnouncement, announcement_id
from domain.batch import IngredientBatch, batch_id
from domain.codes import InvalidBatchCode, new_batch_code, normalise_batch_code
from domain.delivery import Delivery, optional_decimal
from domain.errors import (
    AlreadyExists,
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    RuleViolation,
    ValidationError,
)
from domain.history import HistoryEntry, history_entries
from domain.idempotency import IdempotencyRecord, idempotency_id
from domain.rules import DEFAULT_PROFILE, Category, CertificateKind, RulesProfile
from domain.sample import FoodSample
from domain.school import School, school_id
from domain.staff import StaffMember, staff_id
from domain.supplier import Supplier, supplier_id
from domain.validity import past_use_by
from domain.values import (
    DateAsISO,
    Meal,
    Principal,
    PrincipalAsDict,
    Stage,
    note_text,
    optional_text,
    refuse_control_characters,
    require_aware,
    require_quantity,
    require_text,
)

Result = dict[str, Any]
Work = Callable[[], tuple[list[Aggregate], Result]]
A = TypeVar("A", bound=Aggregate)
_NOT_FINGERPRINTED = {"self", "work", "by", "at", "idempotency_key"}


def utc_now() -> datetime:
    return datetime.now(UTC)


class Ledger(Application[UUID]):
    name = "Ledger"  # fixes the PostgreSQL table names (ledger_events) and the LEDGER_ env prefix

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        profile: RulesProfile = DEFAULT_PROFILE,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env)
        self.profile = profile
        self.clock = clock

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(PrincipalAsDict())

    # --- schools, suppliers, staff ----------------------------------------------------------------

    def register_school(
        self,
        code: str,
        name: str,
        district: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            code_ = require_text(code, "code", "学校编号", 32)
            self._refuse_existing(school_id(code_), f"学校{code_}已登记", f"school {code_} is already registered")
            name_ = require_text(name, "name", "校名")
            district_ = optional_text(district, "district", "区县", 100)
            return [School(code_, name_, district_, by, self._at(at))], {"school": code_}

        return self._execute("register_school", locals(), by, idempotency_key, work)

    def register_supplier(
        self,
        code: str,
        name: str,
        licence_number: str,
        licence_valid_from: date,
        licence_valid_until: date,
        tender_start: date,
        tender_end: date,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            code_ = require_text(code, "code", "供应商编号", 32)
            self._refuse_existing(supplier_id(code_), f"供应商{code_}已登记", f"supplier {code_} is already registered")
            supplier = Supplier.register(
                code_,
                require_text(name, "name", "供应商名称"),
                require_text(licence_number, "licence_number", "许可证编号"),
                licence_valid_from,
                licence_valid_until,
                tender_start,
                tender_end,
                by,
                self._at(at),
            )
            return [supplier], {"supplier": code_}

        return self._execute("register_supplier", locals(), by, idempotency_key, work)

    def renew_supplier_licence(
        self,
        code: str,
        number: str,
        valid_from: date,
        valid_until: date,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            supplier = self._supplier(code)
            supplier.renew_licence(
                require_text(number, "number", "许可证编号"), valid_from, valid_until, by, self._at(at)
            )
            return [supplier], {"supplier": code}

        return self._execute("renew_supplier_licence", locals(), by, idempotency_key, work)

    def suspend_supplier(
        self,
        code: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            supplier = self._supplier(code)
            supplier.suspend(require_text(reason, "reason", "暂停原因"), by, self._at(at))
            return [supplier], {"supplier": code}

        return self._execute("suspend_supplier", locals(), by, idempotency_key, work)

    def register_staff(
        self,
        person_id: str,
        name: str,
        school: str | None,
        roles: list[str],
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            pid = require_text(person_id, "person_id", "人员编号", 64)
            self._refuse_existing(staff_id(pid), f"人员{pid}已登记", f"{pid} is already registered")
            if school is not None:
                self._school(school)
            member = StaffMember.register(pid, require_text(name, "name", "姓名"), school, roles, by, self._at(at))
            return [member], {"person_id": pid}

        return self._execute("register_staff", locals(), by, idempotency_key, work)

    def record_staff_certificate(
        self,
        person_id: str,
        kind: str,
        number: str,
        valid_from: date,
        valid_until: date,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """kind is "health" (健康证) or "training" (培训合格证)."""

        def work() -> tuple[list[Aggregate], Result]:
            member = self._staff(person_id)
            number_ = require_text(number, "number", "证件编号")
            if kind == "health":
                member.record_health_certificate(number_, valid_from, valid_until, by, self._at(at))
            elif kind == "training":
                member.record_training_certificate(number_, valid_from, valid_until, by, self._at(at))
            else:
                raise ValidationError(
                    zh="证件类型应为健康证或培训合格证", en="kind must be health or training", field="kind"
                )
            return [member], {"person_id": person_id}

        return self._execute("record_staff_certificate", locals(), by, idempotency_key, work)

    def record_health_check(
        self,
        person_id: str,
        day: date,
        passed: bool,
        notes: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            member = self._staff(person_id)
            member.record_health_check(day, passed, note_text(notes, "notes", "晨检记录", 500), by, self._at(at))
            return [member], {"person_id": person_id}

        return self._execute("record_health_check", locals(), by, idempotency_key, work)

    def suspend_staff(
        self,
        person_id: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            member = self._staff(person_id)
            member.suspend(require_text(reason, "reason", "停岗原因"), by, self._at(at))
            return [member], {"person_id": person_id}

        return self._execute("suspend_staff", locals(), by, idempotency_key, work)

    def reinstate_staff(
        self,
        person_id: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            member = self._staff(person_id)
            member.reinstate(optional_text(reason, "reason", "复岗原因", 500), by, self._at(at))
            return [member], {"person_id": person_id}

        return self._execute("reinstate_staff", locals(), by, idempotency_key, work)

    # --- batches: intake ----------------------------------------------------------------------------

    def receive_batch(
        self,
        school: str,
        supplier: str,
        product: str,
        category: Category | str,
        quantity: Decimal | str,
        unit: str,
        supplier_lot: str,
        production_date: date,
        use_by_date: date,
        invoice_number: str,
        place: str,
        co_signers: list[str],
        sensory_ok: bool,
        sensory_notes: str,
        by: Principal,
        gtin: str | None = None,
        unit_price: Decimal | str | None = None,
        arrival_temperature: Decimal | str | None = None,
        pork: bool | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """入库验收: the receiving storekeeper (``by``) and co-signers accept a delivery together."""

        def work() -> tuple[list[Aggregate], Result]:
            delivery = Delivery.checked(
                school, supplier, product, str(category), quantity, unit, supplier_lot, production_date,
                use_by_date, invoice_number, gtin, unit_price, pork,
            )  # fmt: skip
            batch = self._accept(delivery, place, co_signers, sensory_ok, sensory_notes, arrival_temperature, by, at)
            return [batch], {"code": batch.code, "batch_id": str(batch.id)}

        return self._execute("receive_batch", locals(), by, idempotency_key, work)

    def _accept(
        self,
        delivery: Delivery,
        place: str,
        co_signers: list[str],
        sensory_ok: bool,
        sensory_notes: str,
        arrival_temperature: Decimal | str | None,
        by: Principal,
        at: datetime | None,
    ) -> IngredientBatch:
        """The checks every intake makes, announced or not; returns the new batch (unsaved)."""
        moment = self._at(at)
        day = self.profile.local_date(moment)
        self._check_delivery_dates(delivery, day)
        delivery.check_on(day)
        sensory_notes = note_text(sensory_notes, "sensory_notes", "感官查验记录", 500)
        if not sensory_ok:
            raise RuleViolation(
                zh=f"感官查验不合格（{sensory_notes or '未写明'}），拒收",
                en=f"the sensory check failed ({sensory_notes or 'no notes'}); delivery refused",
            )
        self._school(delivery.school_id)
        self._supplier(delivery.supplier_id).check_may_deliver(day)
        signers = [by.person_id, *[s for s in co_signers if s != by.person_id]]
        if len(set(signers)) < self.profile.intake_signers:
            raise RuleViolation(
                zh=f"入库验收须{self.profile.intake_signers}人共同签字",
                en=f"intake must be signed by {self.profile.intake_signers} people together",
            )
        for person in signers:
            self._check_handler(person, delivery.school_id, day)
        return IngredientBatch(
            code=new_batch_code(),  # 40 random bits; a clash fails the save as a conflict, never overwrites
            **delivery.fields(),
            place=require_text(place, "place", "存放位置"),
            signers=signers,
            sensory_check=sensory_notes or "合格",
            arrival_temperature=optional_decimal(arrival_temperature, "arrival_temperature"),
            by=by,
            at=moment,
        )

    def attach_certificate(
        self,
        code: str,
        kind: CertificateKind | str,
        number: str,
        issuer: str,
        issue_date: date,
        sha256: str,
        by: Principal,
        expiry_date: date | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            moment = self._at(at)
            batch.attach_certificate(
                *self._certificate_fields(kind, number, issuer, issue_date, expiry_date, sha256, moment), by, moment
            )
            return [batch], self._batch_result(batch)

        return self._execute("attach_certificate", locals(), by, idempotency_key, work)

    def _certificate_fields(
        self,
        kind: CertificateKind | str,
        number: str,
        issuer: str,
        issue_date: date,
        expiry_date: date | None,
        sha256: str,
        moment: datetime,
    ) -> tuple[CertificateKind, str, str, date, date | None, str]:
        self._check_date(issue_date, "issue_date", "签发日期", self.profile.local_date(moment))
        self._check_date(expiry_date, "expiry_date", "有效期", self.profile.local_date(moment), shelf_life=True)
        if issue_date > self.profile.local_date(moment):
            raise ValidationError(
                zh="签发日期晚于今天", en="the certificate's issue date is in the future", field="issue_date"
            )
        if len(sha256) != 64 or any(c not in "0123456789abcdefABCDEF" for c in sha256):
            raise ValidationError(zh="文件摘要格式错误", en="sha256 must be 64 hexadecimal digits", field="sha256")
        return (
            _certificate_kind(kind),
            require_text(number, "number", "证明编号"),
            require_text(issuer, "issuer", "签发单位"),
            issue_date,
            expiry_date,
            sha256,
        )

    def inspect(
        self,
        code: str,
        stage: Stage | str,
        passed: bool,
        notes: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            notes_ = note_text(notes, "notes", "查验记录", 500)
            batch.inspect(
                parse_choice(Stage, stage, "stage", "查验环节"), passed, notes_, by.person_id, by, self._at(at)
            )
            return [batch], self._batch_result(batch)

        return self._execute("inspect", locals(), by, idempotency_key, work)

    # --- batches: in the store room ---------------------------------------------------------------

    def put_on_hold(
        self,
        code: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """封存: quarantine a batch; nothing of it may be issued until it is released."""

        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            batch.put_on_hold(require_text(reason, "reason", "封存原因"), by, self._at(at))
            return [batch], self._batch_result(batch)

        return self._execute("put_on_hold", locals(), by, idempotency_key, work)

    def release(
        self,
        code: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            batch.release(require_text(reason, "reason", "解封原因"), by, self._at(at))
            return [batch], self._batch_result(batch)

        return self._execute("release", locals(), by, idempotency_key, work)

    def move(
        self,
        code: str,
        place: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            batch.move(require_text(place, "place", "存放位置"), by, self._at(at))
            return [batch], self._batch_result(batch)

        return self._execute("move", locals(), by, idempotency_key, work)

    def issue_to_kitchen(
        self,
        code: str,
        quantity: Decimal | str,
        unit: str,
        meal_date: date,
        meal: Meal | str,
        taken_by: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """出库: the storekeeper (``by``) gives, the kitchen lead (``taken_by``) takes; both fit that day."""

        def work() -> tuple[list[Aggregate], Result]:
            batch, moment, day = self._issue_checks(code, meal_date, (by.person_id, taken_by), at)
            batch.issue_to_kitchen(
                require_quantity(quantity),
                unit,
                meal_date,
                parse_choice(Meal, meal, "meal", "餐次"),
                by.person_id,
                taken_by,
                self.profile.certificates_required(batch.category, batch.pork),
                day,
                by,
                moment,
            )
            return [batch], self._batch_result(batch)

        return self._execute("issue_to_kitchen", locals(), by, idempotency_key, work)

    def offer_issue(
        self,
        code: str,
        quantity: Decimal | str,
        unit: str,
        meal_date: date,
        meal: Meal | str,
        taken_by: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """出库, first signature: the storekeeper sets the stock aside for the named kitchen lead."""

        def work() -> tuple[list[Aggregate], Result]:
            batch, moment, day = self._issue_checks(code, meal_date, (by.person_id, taken_by), at)
            offer = batch.offer_issue(
                require_quantity(quantity), unit, meal_date, parse_choice(Meal, meal, "meal", "餐次"), by.person_id,
                taken_by, self.profile.certificates_required(batch.category, batch.pork), day, by, moment,
            )  # fmt: skip
            return [batch], {**self._batch_result(batch), "offer": offer, "status": "awaiting_taker"}

        return self._execute("offer_issue", locals(), by, idempotency_key, work)

    def confirm_issue(
        self, code: str, offer: int, by: Principal, at: datetime | None = None, idempotency_key: str | None = None
    ) -> Result:
        """出库, second signature: the kitchen lead confirms with their own credential; the hand-off completes."""

        def work() -> tuple[list[Aggregate], Result]:
            batch, moment, day = self._issue_checks(code, None, (by.person_id,), at)
            batch.confirm_issue(offer, self.profile.certificates_required(batch.category, batch.pork), day, by, moment)
            return [batch], {**self._batch_result(batch), "offer": offer, "status": "issued"}

        return self._execute("confirm_issue", locals(), by, idempotency_key, work)

    def cancel_issue_offer(
        self,
        code: str,
        offer: int,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            batch.cancel_issue_offer(offer, optional_text(reason, "reason", "取消原因", 500), by, self._at(at))
            return [batch], {**self._batch_result(batch), "offer": offer, "status": "cancelled"}

        return self._execute("cancel_issue_offer", locals(), by, idempotency_key, work)

    def _issue_checks(
        self, code: str, meal_date: date | None, handlers: tuple[str, ...], at: datetime | None
    ) -> tuple[IngredientBatch, datetime, date]:
        """What every hand-off checks outside the batch: the meal's date, and that each person may handle food."""
        batch = self._batch(code)
        moment = self._at(at)
        day = self.profile.local_date(moment)
        self._check_date(meal_date, "meal_date", "用餐日期", day)
        if meal_date is not None and meal_date < self.profile.local_date(batch.received_at):
            raise ValidationError(
                zh="用餐日期早于入库日期", en="the meal date is before the batch was received", field="meal_date"
            )
        for person in handlers:
            self._check_handler(person, batch.school_id, day)
        return batch, moment, day

    def return_to_store(
        self,
        code: str,
        quantity: Decimal | str,
        unit: str,
        returned_by: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
        issue: int | None = None,
    ) -> Result:
        """退库: the kitchen hands back what it did not use; the storekeeper (``by``) takes it in.

        ``issue`` names the issue (its version) it comes back from; omitted, the latest that still has that much out.
        """

        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            moment = self._at(at)
            self._staff(returned_by)
            reason_ = optional_text(reason, "reason", "退库原因", 500)
            batch.return_to_store(
                require_quantity(quantity), unit, returned_by, by.person_id, reason_, by, moment, issue=issue
            )
            return [batch], self._batch_result(batch)

        # Without an issue the request fingerprints as before one could be named, so retries across upgrades match.
        arguments = {k: v for k, v in locals().items() if k != "issue" or v is not None}
        return self._execute("return_to_store", arguments, by, idempotency_key, work)

    def write_off(
        self,
        code: str,
        reason: str,
        witness: str,
        by: Principal,
        quantity: Decimal | str | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """报损/销毁, with a witness; the whole remainder unless a quantity is given."""

        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            self._staff(witness)
            amount = require_quantity(quantity) if quantity is not None else None
            batch.write_off(amount, require_text(reason, "reason", "报损原因"), witness, by, self._at(at))
            return [batch], self._batch_result(batch)

        return self._execute("write_off", locals(), by, idempotency_key, work)

    def correct(
        self,
        code: str,
        corrects_version: int,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """更正: void an earlier event of the batch (a wrong certificate, inspection or movement)."""

        def work() -> tuple[list[Aggregate], Result]:
            batch = self._batch(code)
            batch.correct(corrects_version, require_text(reason, "reason", "更正原因"), by, self._at(at))
            return [batch], self._batch_result(batch)

        return self._execute("correct", locals(), by, idempotency_key, work)

    # --- deliveries announced by suppliers (送货预告) ------------------------------------------------

    def announce_delivery(
        self,
        supplier: str,
        reference: str,
        school: str,
        product: str,
        category: Category | str,
        quantity: Decimal | str,
        unit: str,
        supplier_lot: str,
        production_date: date,
        use_by_date: date,
        invoice_number: str,
        expected_on: date,
        by: Principal,
        gtin: str | None = None,
        unit_price: Decimal | str | None = None,
        pork: bool | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """A supplier says what it will deliver, so that intake is a scan and a check rather than typing."""

        def work() -> tuple[list[Aggregate], Result]:
            ref = require_text(reference, "reference", "送货单号", 64)
            self._refuse_existing(
                announcement_id(supplier, ref), f"送货单{ref}已预告", f"delivery {ref} was already announced"
            )
            delivery = Delivery.checked(
                school, supplier, product, str(category), quantity, unit, supplier_lot, production_date,
                use_by_date, invoice_number, gtin, unit_price, pork,
            )  # fmt: skip
            today = self.profile.local_date(self._at(at))
            self._check_delivery_dates(delivery, today)
            self._check_date(expected_on, "expected_on", "预计送达日期", today)
            self._school(school)
            self._supplier(supplier).check_may_deliver(expected_on)
            if past_use_by(use_by_date, expected_on):
                raise ValidationError(
                    zh="预计送达日期晚于保质期",
                    en="the delivery would arrive after its use-by date",
                    field="expected_on",
                )
            announcement = DeliveryAnnouncement(
                reference=ref, **delivery.fields(), expected_on=expected_on, by=by, at=self._at(at)
            )
            return [announcement], {"announcement_id": str(announcement.id), "status": announcement.status}

        return self._execute("announce_delivery", locals(), by, idempotency_key, work)

    def attach_certificate_to_delivery(
        self,
        announcement: UUID | str,
        kind: CertificateKind | str,
        number: str,
        issuer: str,
        issue_date: date,
        sha256: str,
        by: Principal,
        expiry_date: date | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            found = self.announcement(announcement)
            moment = self._at(at)
            found.attach_certificate(
                *self._certificate_fields(kind, number, issuer, issue_date, expiry_date, sha256, moment), by, moment
            )
            return [found], {"announcement_id": str(found.id), "certificates": len(found.certificates)}

        return self._execute("attach_certificate_to_delivery", locals(), by, idempotency_key, work)

    def receive_announced(
        self,
        announcement: UUID | str,
        place: str,
        co_signers: list[str],
        sensory_ok: bool,
        sensory_notes: str,
        by: Principal,
        quantity: Decimal | str | None = None,
        arrival_temperature: Decimal | str | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """入库验收 of an announced delivery: the batch takes the announced data and certificates."""

        def work() -> tuple[list[Aggregate], Result]:
            found = self.announcement(announcement)
            found.check_open()
            delivery = Delivery(
                found.school_id, found.supplier_id, found.product, found.category, found.pork, found.quantity,
                found.unit, found.supplier_lot, found.lot, found.gtin, found.production_date, found.use_by_date,
                found.invoice_number, found.unit_price,
            ).with_quantity(quantity)  # fmt: skip
            batch = self._accept(delivery, place, co_signers, sensory_ok, sensory_notes, arrival_temperature, by, at)
            for c in found.certificates:
                batch.attach_certificate(
                    c.kind, c.number, c.issuer, c.issue_date, c.expiry_date, c.sha256, c.attached_by, batch.received_at
                )
            found.mark_received(batch.code, by, batch.received_at)
            return [batch, found], {"code": batch.code, "batch_id": str(batch.id), "announcement_id": str(found.id)}

        return self._execute("receive_announced", locals(), by, idempotency_key, work)

    def reject_delivery(
        self,
        announcement: UUID | str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        """拒收: the storekeeper turns an announced delivery away at the door, saying why."""

        def work() -> tuple[list[Aggregate], Result]:
            found = self.announcement(announcement)
            found.reject(require_text(reason, "reason", "拒收原因"), by, self._at(at))
            return [found], {"announcement_id": str(found.id), "status": found.status}

        return self._execute("reject_delivery", locals(), by, idempotency_key, work)

    def withdraw_delivery(
        self,
        announcement: UUID | str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            found = self.announcement(announcement)
            found.withdraw(require_text(reason, "reason", "撤回原因"), by, self._at(at))
            return [found], {"announcement_id": str(found.id), "status": found.status}

        return self._execute("withdraw_delivery", locals(), by, idempotency_key, work)

    # --- food samples (留样) ------------------------------------------------------------------------

    def retain_sample(
        self,
        school: str,
        meal_date: date,
        meal: Meal | str,
        dish: str,
        grams: int,
        fridge: str,
        batch_codes: list[str],
        by: Principal,
        sealed_at: datetime | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            moment = self._at(at)
            self._check_date(meal_date, "meal_date", "用餐日期", self.profile.local_date(moment))
            sealed = require_aware(sealed_at, "sealed_at") if sealed_at is not None else moment
            if sealed > moment + timedelta(minutes=5):
                raise ValidationError(zh="封存时间晚于现在", en="the sample is sealed in the future", field="sealed_at")
            if grams < self.profile.sample_grams:
                raise RuleViolation(
                    zh=f"留样不少于{self.profile.sample_grams}克，现为{grams}克",
                    en=f"a sample must weigh at least {self.profile.sample_grams} g, this one is {grams} g",
                    field="grams",
                )
            self._school(school)
            self._check_handler(by.person_id, school, self.profile.local_date(sealed))
            codes = []
            for code in batch_codes:
                batch = self._batch(code)
                if batch.school_id != school:  # as if unknown: another school's batches do not show
                    raise NotFound(zh=f"批次{batch.code}不存在", en=f"no batch {batch.code}")
                codes.append(batch.code)
            sample = FoodSample(
                school_id=school,
                meal_date=meal_date,
                meal=parse_choice(Meal, meal, "meal", "餐次").value,
                dish=require_text(dish, "dish", "菜品"),
                grams=grams,
                sealed_at=sealed,
                keep_until=sealed + timedelta(hours=self.profile.sample_hours),
                fridge=require_text(fridge, "fridge", "留样柜"),
                sealed_by=by.person_id,
                batch_codes=codes,
                by=by,
                at=moment,
            )
            return [sample], {"sample_id": str(sample.id), "keep_until": sample.keep_until.isoformat()}

        return self._execute("retain_sample", locals(), by, idempotency_key, work)

    def dispose_sample(
        self,
        sample_id: UUID | str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            sample = self._get(FoodSample, _uuid(sample_id), "留样记录不存在", "no such food sample")
            sample.dispose(optional_text(reason, "reason", "处理原因", 500), by, self._at(at))
            return [sample], {"sample_id": str(sample.id)}

        return self._execute("dispose_sample", locals(), by, idempotency_key, work)

    def send_sample_to_laboratory(
        self,
        sample_id: UUID | str,
        laboratory: str,
        reason: str,
        by: Principal,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Result:
        def work() -> tuple[list[Aggregate], Result]:
            sample = self._get(FoodSample, _uuid(sample_id), "留样记录不存在", "no such food sample")
            laboratory_ = require_text(laboratory, "laboratory", "检测机构")
            reason_ = optional_text(reason, "reason", "送检原因", 500)
            sample.send_to_laboratory(laboratory_, reason_, by, self._at(at))
            return [sample], {"sample_id": str(sample.id)}

        return self._execute("send_sample_to_laboratory", locals(), by, idempotency_key, work)

    # --- queries ------------------------------------------------------------------------------------

    def batch(self, code: str) -> IngredientBatch:
        return self._batch(code)

    def announcement(self, announcement: UUID | str) -> DeliveryAnnouncement:
        return self._get(DeliveryAnnouncement, _uuid(announcement), "送货预告不存在", "no such delivery announcement")

    def announcements(
        self, supplier: str | None = None, school: str | None = None, after: int = 0, limit: int = 50
    ) -> tuple[list[DeliveryAnnouncement], int | None]:
        """Announced deliveries in the order they were announced, filtered; returns a page and the next cursor.

        Reads the log's Announced events (a supplier has few); a projection can take over when that grows.
        """
        topic = f"{DeliveryAnnouncement.__module__}:DeliveryAnnouncement.Announced"
        found: list[DeliveryAnnouncement] = []
        start = after + 1
        while len(found) < limit:
            page = self.recorder.select_notifications(start=start, limit=500, topics=[topic])
            for notification in page:
                announced = self.mapper.to_domain_event(notification)
                if supplier not in (None, getattr(announced, "supplier_id", None)):
                    continue
                if school not in (None, getattr(announced, "school_id", None)):
                    continue
                found.append(self.announcement(notification.originator_id))
                if len(found) == limit:
                    more = notification.id < (self.recorder.max_notification_id() or 0)
                    return found, notification.id if more else None
            if len(page) < 500:
                return found, None
            start = page[-1].id + 1
        return found, None

    def sample(self, sample_id: UUID | str) -> FoodSample:
        return self._get(FoodSample, _uuid(sample_id), "留样记录不存在", "no such food sample")

    def staff(self, person_id: str) -> StaffMember:
        return self._staff(person_id)

    def school(self, code: str) -> School:
        return self._school(code)

    def supplier(self, code: str) -> Supplier:
        return self._supplier(code)

    def history(self, code: str) -> list[HistoryEntry]:
        """A batch's events in order: what happened, who did it, when."""
        entries = history_entries(self.events.get(batch_id(self._canonical_code(code))))
        if not entries:
            self._batch(code)  # raises NotFound with the storekeeper's message
        return entries

    def batch_as_of(self, code: str, moment: datetime) -> IngredientBatch | None:
        """The batch as it stood at ``moment`` (by when things happened), or None before its receipt."""
        batch = self._batch(code)
        version = None
        for entry in history_entries(self.events.get(batch.id)):
            if entry.at <= moment:
                version = entry.version
        if version is None:
            return None
        found: Aggregate = self.repository.get(batch.id, version=version)
        assert isinstance(found, IngredientBatch)
        return found

    # --- internals ----------------------------------------------------------------------------------

    def _execute(self, command: str, arguments: dict[str, Any], by: Principal, key: str | None, work: Work) -> Result:
        """Run a command once: a retry with the same key returns the first result and records nothing.

        The result carries ``position``: the notification id of the last event the save recorded, so a reader can
        ask a view for an answer that includes this write (``after=position``). A retry answers with the log's head
        then, which includes the first write (the first save's own position is not stored with its result).
        """
        refuse_control_characters({k: v for k, v in arguments.items() if k not in _NOT_FINGERPRINTED})
        fingerprint = _fingerprint(command, arguments)
        if key is not None:
            first = self._first_result(by, key, fingerprint)
            if first is not None:
                return self._replayed(first)
        aggregates, result = work()
        if key is not None:
            aggregates.append(IdempotencyRecord(by.person_id, key, fingerprint, result))
        read_versions = {a.id: a.version - len(a.pending_events) for a in aggregates}
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            first = self._first_result(by, key, fingerprint) if key is not None else None
            if first is not None:
                return self._replayed(first)
            raise Conflict(
                zh="记录刚被他人修改，请刷新后重试",
                en="someone else changed this record at the same moment; reload and try again",
                changed=self._changed_meanwhile(read_versions),
            ) from None
        if not recordings:  # nothing changed: the head includes everything this command read
            return self._replayed(result)
        return {**result, "position": recordings[-1].notification.id}

    def _replayed(self, first: Result) -> Result:
        return {**first, "position": self.recorder.max_notification_id() or 0}

    def _changed_meanwhile(self, read_versions: dict[UUID, int]) -> list[dict[str, Any]]:
        """What others recorded on these streams since this command read them: the 409's "what changed"."""
        changed = []
        for aggregate_id, read_version in read_versions.items():
            if read_version == 0:
                continue
            for entry in history_entries(self.events.get(aggregate_id, gt=read_version)):
                changed.append({"record": str(aggregate_id), **entry.as_json()})
        return changed

    def _first_result(self, by: Principal, key: str, fingerprint: str) -> Result | None:
        try:
            record: Aggregate = self.repository.get(idempotency_id(by.person_id, key))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, IdempotencyRecord)
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                zh="该幂等键已用于另一项操作",
                en="this idempotency key was already used for a different command",
            )
        return dict(record.result)

    def _at(self, at: datetime | None) -> datetime:
        return require_aware(at) if at is not None else self.clock()

    def _get(self, kind: type[A], aggregate_id: UUID, zh: str, en: str) -> A:
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(zh=zh, en=en) from None
        if not isinstance(found, kind):
            raise NotFound(zh=zh, en=en)
        return found

    def _refuse_existing(self, aggregate_id: UUID, zh: str, en: str) -> None:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return
        raise AlreadyExists(zh=zh, en=en)

    def _canonical_code(self, code: str) -> str:
        try:
            return normalise_batch_code(code)
        except InvalidBatchCode as error:
            raise ValidationError(zh=f"批次码{code!r}无效，请重新扫描或核对", en=str(error), field="code") from None

    def _batch(self, code: str) -> IngredientBatch:
        canonical = self._canonical_code(code)
        return self._get(IngredientBatch, batch_id(canonical), f"批次{canonical}不存在", f"no batch {canonical}")

    def _school(self, code: str) -> School:
        return self._get(School, school_id(code), f"学校{code}未登记", f"school {code} is not registered")

    def _supplier(self, code: str) -> Supplier:
        return self._get(Supplier, supplier_id(code), f"供应商{code}未登记", f"supplier {code} is not registered")

    def _staff(self, person_id: str) -> StaffMember:
        return self._get(
            StaffMember, staff_id(person_id), f"人员{person_id}未登记", f"{person_id} is not registered staff"
        )

    def _check_date(self, value: date | None, field: str, zh: str, today: date, *, shelf_life: bool = False) -> None:
        """A typed date lies within the profile's window around the county's today (9999-12-31 does not)."""
        earliest, latest = self.profile.date_window(today, shelf_life=shelf_life)
        if value is not None and not earliest <= value <= latest:
            raise ValidationError(
                zh=f"{zh}{value}不在合理范围内（{earliest}至{latest}）",
                en=f"{field} {value} is outside {earliest} to {latest}, the dates allowed around today",
                field=field,
            )

    def _check_delivery_dates(self, delivery: Delivery, today: date) -> None:
        self._check_date(delivery.production_date, "production_date", "生产日期", today)
        self._check_date(delivery.use_by_date, "use_by_date", "保质期", today, shelf_life=True)

    def _check_handler(self, person_id: str, school: str, day: date) -> None:
        """Whoever receives, gives or takes food must belong to the school and be fit that day (§12)."""
        member = self._staff(person_id)
        if member.school_id is not None and member.school_id != school:
            # As if unknown: a school learns nothing about another school's staff, not even a name.
            raise NotFound(zh=f"人员{person_id}未登记", en=f"{person_id} is not registered staff")
        member.check_fit_for_food_work(day, self.profile.require_daily_health_check)

    def _batch_result(self, batch: IngredientBatch) -> Result:
        return {
            "code": batch.code,
            "version": batch.version,
            "on_hand": str(batch.on_hand),
            "unit": batch.unit,
        }


def parse_choice(kind: type[Any], value: Any, field: str, zh: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationError(zh=f"{zh}无效：{value}", en=f"{field} must be one of {allowed}", field=field) from None


def _certificate_kind(value: CertificateKind | str) -> CertificateKind:
    kind: CertificateKind = parse_choice(CertificateKind, value, "kind", "证明类型")
    return kind


def _uuid(value: UUID | str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise ValidationError(zh="编号格式错误", en=f"{value!r} is not a valid id", field="id") from None


def _fingerprint(command: str, arguments: dict[str, Any]) -> str:
    kept = {k: v for k, v in arguments.items() if k not in _NOT_FINGERPRINTED and not callable(v)}
    text = json.dumps([command, kept], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
