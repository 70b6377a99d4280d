"""Registry (登记): the schools, suppliers and staff the county works with, and their certificates.

A supplier delivers only within its licence and tender period (§3: 一年一招标); a food worker works only with
二证 (health and training certificates) and a passed 晨午检, and is moved off food work at once when ill (§12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from domain.command import Command, Outcome, handles
from domain.school import School, school_id
from domain.staff import StaffMember, staff_id
from domain.supplier import LICENCE_ZH, TENDER_ZH, Supplier, supplier_id
from domain.validity import check_period
from domain.values import Principal, note_text, optional_text, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class RegisterSchool(Command):
    code: str
    name: str
    district: str


@dataclass(frozen=True, kw_only=True)
class RegisterSupplier(Command):
    code: str
    name: str
    licence_number: str
    licence_valid_from: date
    licence_valid_until: date
    tender_start: date
    tender_end: date


@dataclass(frozen=True, kw_only=True)
class RenewSupplierLicence(Command):
    code: str
    number: str
    valid_from: date
    valid_until: date


@dataclass(frozen=True, kw_only=True)
class SuspendSupplier(Command):
    code: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class RegisterStaff(Command):
    person_id: str
    name: str
    school: str | None
    roles: list[str]


@dataclass(frozen=True, kw_only=True)
class RecordStaffCertificate(Command):
    person_id: str
    kind: str  # "health" (健康证) or "training" (培训合格证)
    number: str
    valid_from: date
    valid_until: date


@dataclass(frozen=True, kw_only=True)
class RecordHealthCheck(Command):
    person_id: str
    day: date
    passed: bool
    notes: str


@dataclass(frozen=True, kw_only=True)
class SuspendStaff(Command):
    person_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReinstateStaff(Command):
    person_id: str
    reason: str


def on_supplier(ledger: Ledger, code: str, step: Callable[[Supplier], object]) -> Outcome:
    """Find the supplier, record ``step`` on it, answer with its code."""
    supplier = ledger.supplier(code)
    step(supplier)
    return [supplier], {"supplier": code}


def on_staff(ledger: Ledger, person_id: str, step: Callable[[StaffMember], object]) -> Outcome:
    """Find the person, record ``step`` on them, answer with their id."""
    member = ledger.staff(person_id)
    step(member)
    return [member], {"person_id": person_id}


@handles(RegisterSchool)
def register_school(ledger: Ledger, c: RegisterSchool, by: Principal, at: datetime) -> Outcome:
    """学校登记: a school is registered once, under its code."""
    code = require_text(c.code, "code", "学校编号", 32)
    ledger.refuse_existing(school_id(code), f"学校{code}已登记", f"school {code} is already registered")
    district = optional_text(c.district, "district", "区县", 100)
    return [School(code, require_text(c.name, "name", "校名"), district, by, at)], {"school": code}


@handles(RegisterSupplier)
def register_supplier(ledger: Ledger, c: RegisterSupplier, by: Principal, at: datetime) -> Outcome:
    """§3 一年一招标: a supplier is registered with its licence (食品经营许可证) and its tender period."""
    code = require_text(c.code, "code", "供应商编号", 32)
    ledger.refuse_existing(supplier_id(code), f"供应商{code}已登记", f"supplier {code} is already registered")
    name = require_text(c.name, "name", "供应商名称")
    licence_number = require_text(c.licence_number, "licence_number", "许可证编号")
    check_period(c.licence_valid_from, c.licence_valid_until, "licence_valid_until", LICENCE_ZH, "the licence")
    check_period(c.tender_start, c.tender_end, "tender_end", TENDER_ZH, "the tender period")
    supplier = Supplier(
        code=code,
        name=name,
        licence_number=licence_number,
        licence_valid_from=c.licence_valid_from,
        licence_valid_until=c.licence_valid_until,
        tender_start=c.tender_start,
        tender_end=c.tender_end,
        by=by,
        at=at,
    )
    return [supplier], {"supplier": code}


@handles(RenewSupplierLicence)
def renew_supplier_licence(ledger: Ledger, c: RenewSupplierLicence, by: Principal, at: datetime) -> Outcome:
    """许可证换证: a renewed licence replaces the old one from its first day."""
    return on_supplier(
        ledger,
        c.code,
        lambda s: s.renew_licence(require_text(c.number, "number", "许可证编号"), c.valid_from, c.valid_until, by, at),
    )


@handles(SuspendSupplier)
def suspend_supplier(ledger: Ledger, c: SuspendSupplier, by: Principal, at: datetime) -> Outcome:
    """暂停供货: a suspended supplier's deliveries are refused, saying why."""
    return on_supplier(
        ledger, c.code, lambda supplier: supplier.suspend(require_text(c.reason, "reason", "暂停原因"), by, at)
    )


@handles(RegisterStaff)
def register_staff(ledger: Ledger, c: RegisterStaff, by: Principal, at: datetime) -> Outcome:
    """从业人员登记: a person with roles, at a school or (county staff) at none."""
    person_id = require_text(c.person_id, "person_id", "人员编号", 64)
    ledger.refuse_existing(staff_id(person_id), f"人员{person_id}已登记", f"{person_id} is already registered")
    if c.school is not None:
        ledger.school(c.school, read_only=True)
    member = StaffMember.register(person_id, require_text(c.name, "name", "姓名"), c.school, c.roles, by=by, at=at)
    return [member], {"person_id": person_id}


@handles(RecordStaffCertificate)
def record_staff_certificate(ledger: Ledger, c: RecordStaffCertificate, by: Principal, at: datetime) -> Outcome:
    """§12 二证: a food worker's health certificate (健康证) or training certificate (培训合格证)."""

    def step(member: StaffMember) -> None:
        member.record_certificate(
            c.kind, require_text(c.number, "number", "证件编号"), c.valid_from, c.valid_until, by=by, at=at
        )

    return on_staff(ledger, c.person_id, step)


@handles(RecordHealthCheck)
def record_health_check(ledger: Ledger, c: RecordHealthCheck, by: Principal, at: datetime) -> Outcome:
    """§12 晨午检: the daily health check a food worker passes before handling food."""

    def step(member: StaffMember) -> None:
        member.record_health_check(c.day, c.passed, note_text(c.notes, "notes", "晨检记录", 500), by, at)

    return on_staff(ledger, c.person_id, step)


@handles(SuspendStaff)
def suspend_staff(ledger: Ledger, c: SuspendStaff, by: Principal, at: datetime) -> Outcome:
    """§12 调岗停岗: a worker who may spread disease is moved off food work at once."""
    return on_staff(
        ledger, c.person_id, lambda member: member.suspend(require_text(c.reason, "reason", "停岗原因"), by, at)
    )


@handles(ReinstateStaff)
def reinstate_staff(ledger: Ledger, c: ReinstateStaff, by: Principal, at: datetime) -> Outcome:
    """复岗: a suspended worker returns to food work."""
    return on_staff(
        ledger, c.person_id, lambda member: member.reinstate(optional_text(c.reason, "reason", "复岗原因", 500), by, at)
    )
