"""Schools, suppliers and staff: registered by admins, staff looked after by their school."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Admin, HealthChecker, SchoolAdmin, SchoolReader, check_school, visible_staff
from api.commands import command
from api.contract import Group
from api.deps import CredentialsDep, LedgerDep, Record
from api.errors import ApiError
from api.results import PinSet, SchoolRegistered, StaffChanged, SupplierChanged
from api.routing import Route
from api.schemas import (
    HealthCheckRequest,
    LicenceRequest,
    PinRequest,
    ReasonRequest,
    SchoolRequest,
    StaffCertificateRequest,
    StaffOut,
    StaffRequest,
    SupplierRequest,
)
from api.tokens import Caller
from domain.ledger import Ledger
from domain.registry import (
    RecordHealthCheck,
    RecordStaffCertificate,
    RegisterSchool,
    RegisterStaff,
    RegisterSupplier,
    ReinstateStaff,
    RenewSupplierLicence,
    SuspendStaff,
    SuspendSupplier,
)
from domain.staff import StaffMember
from domain.values import Role

router = APIRouter(prefix="/api/v1", tags=[Group.ADMIN], route_class=Route)
# a school looks after its own staff
staff_router = APIRouter(prefix="/api/v1", tags=[Group.SCHOOL_OFFICE], route_class=Route)


@router.post("/schools", response_model=SchoolRegistered, status_code=201, summary="Register a school")
def register_school(body: SchoolRequest, caller: Admin, record: Record) -> SchoolRegistered:
    return record(command(RegisterSchool, body), caller, SchoolRegistered, body)


@router.post("/suppliers", response_model=SupplierChanged, status_code=201, summary="Register a supplier")
def register_supplier(body: SupplierRequest, caller: Admin, record: Record) -> SupplierChanged:
    return record(command(RegisterSupplier, body), caller, SupplierChanged, body)


@router.post("/suppliers/{code}/licence", response_model=SupplierChanged, summary="Renew a supplier's licence")
def renew_supplier_licence(code: str, body: LicenceRequest, caller: Admin, record: Record) -> SupplierChanged:
    return record(command(RenewSupplierLicence, body, code=code), caller, SupplierChanged, body)


@router.post("/suppliers/{code}/suspension", response_model=SupplierChanged, summary="Suspend a supplier")
def suspend_supplier(code: str, body: ReasonRequest, caller: Admin, record: Record) -> SupplierChanged:
    return record(SuspendSupplier(code=code, reason=body.reason), caller, SupplierChanged, body)


@staff_router.post("/staff", response_model=StaffChanged, status_code=201, summary="Register a staff member")
def register_staff(body: StaffRequest, caller: SchoolAdmin, record: Record) -> StaffChanged:
    if caller.role is not Role.ADMIN:
        check_school(caller, body.school or "")
        if set(body.roles) & {"investigator", "admin", "logistics"}:
            raise ApiError(
                403, "forbidden", "学校只能登记本校岗位人员", "a school registers only its own canteen roles"
            )
    return record(command(RegisterStaff, body), caller, StaffChanged, body)


@staff_router.get(
    "/staff/{person_id}", response_model=StaffOut, summary="A staff member and whether they may handle food today"
)
def get_staff(person_id: str, ledger: LedgerDep, caller: SchoolReader) -> StaffOut:
    return staff_out(ledger, visible_staff(ledger, caller, person_id))


@staff_router.post(
    "/staff/{person_id}/certificates",
    response_model=StaffChanged,
    summary="Record a health (健康证) or training (培训合格证) certificate",
)
def record_staff_certificate(
    person_id: str, body: StaffCertificateRequest, ledger: LedgerDep, caller: SchoolAdmin, record: Record
) -> StaffChanged:
    _own_school(ledger, caller, person_id)
    return record(command(RecordStaffCertificate, body, person_id=person_id), caller, StaffChanged, body)


@staff_router.post(
    "/staff/{person_id}/health-checks", response_model=StaffChanged, summary="晨午检: a daily health check"
)
def record_health_check(
    person_id: str, body: HealthCheckRequest, ledger: LedgerDep, caller: HealthChecker, record: Record
) -> StaffChanged:
    _own_school(ledger, caller, person_id)
    return record(command(RecordHealthCheck, body, person_id=person_id), caller, StaffChanged, body)


@staff_router.post(
    "/staff/{person_id}/suspension", response_model=StaffChanged, summary="调岗停岗: suspend from food work"
)
def suspend_staff(
    person_id: str, body: ReasonRequest, ledger: LedgerDep, caller: SchoolAdmin, record: Record
) -> StaffChanged:
    _own_school(ledger, caller, person_id)
    return record(SuspendStaff(person_id=person_id, reason=body.reason), caller, StaffChanged, body)


@staff_router.post("/staff/{person_id}/reinstatement", response_model=StaffChanged, summary="Return to food work")
def reinstate_staff(
    person_id: str, body: ReasonRequest, ledger: LedgerDep, caller: SchoolAdmin, record: Record
) -> StaffChanged:
    _own_school(ledger, caller, person_id)
    return record(ReinstateStaff(person_id=person_id, reason=body.reason), caller, StaffChanged, body)


@staff_router.post(
    "/staff/{person_id}/pin",
    response_model=PinSet,
    summary="Set the PIN a kitchen lead signs hand-offs with on the storekeeper's phone",
)
def set_staff_pin(
    person_id: str, body: PinRequest, ledger: LedgerDep, credentials: CredentialsDep, caller: SchoolAdmin
) -> PinSet:
    _own_school(ledger, caller, person_id)
    position = credentials.set_pin(person_id, body.pin, by=caller.principal)
    return PinSet(person_id=person_id, status="pin_set", position=position)


def _own_school(ledger: Ledger, caller: Caller, person_id: str) -> StaffMember:
    member = visible_staff(ledger, caller, person_id)
    if caller.role is not Role.ADMIN:
        check_school(caller, member.school_id or "")
    return member


def staff_out(ledger: Ledger, member: StaffMember) -> StaffOut:
    today = ledger.profile.local_date(ledger.clock())
    refusals = member.fitness_refusals(today, ledger.profile.require_daily_health_check)
    health, training = member.health_certificate, member.training_certificate
    return StaffOut(
        person_id=member.person_id,
        name=member.name,
        school=member.school_id,
        roles=member.roles,
        health_certificate_until=health.valid_until if health else None,
        training_certificate_until=training.valid_until if training else None,
        suspended=bool(member.suspended_reason),
        fit_today=not refusals,
        reason="；".join(r.zh for r in refusals),
    )
