"""Deliveries: suppliers announce them and attach their certificates; the store room receives or rejects them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.auth import SCHOOL_ROLES, Reader, Storekeeper, Supplier, check_school, check_supplier, visible_announcement
from api.commands import command
from api.contract import Group
from api.deps import DocumentsDep, LedgerDep, PinCheckDep, Record
from api.errors import ApiError
from api.results import DeliveryCertificateAttached, DeliveryChanged, DeliveryReceived
from api.routing import Route
from api.schemas import (
    AnnouncementOut,
    AnnouncementRequest,
    Page,
    ReasonRequest,
    ReceiveAnnouncedRequest,
)
from api.signing import co_signed
from api.uploads import CertificateForm
from domain.announcement import DeliveryAnnouncement
from domain.intake import (
    AnnounceDelivery,
    AttachCertificateToDelivery,
    ReceiveAnnounced,
    RejectDelivery,
    WithdrawDelivery,
)
from domain.values import Role

router = APIRouter(prefix="/api/v1", tags=[Group.SUPPLIERS], route_class=Route)
# receiving or refusing at the door
store_room_router = APIRouter(prefix="/api/v1", tags=[Group.STOREKEEPERS], route_class=Route)


@router.post("/deliveries", response_model=DeliveryChanged, status_code=201, summary="送货预告: announce a delivery")
def announce_delivery(body: AnnouncementRequest, caller: Supplier, record: Record) -> DeliveryChanged:
    supplier = caller.scope if caller.role is Role.SUPPLIER else body.supplier
    if caller.role is Role.SUPPLIER and body.supplier not in (None, caller.scope):
        raise ApiError(403, "forbidden", "只能为本公司预告送货", f"you act for supplier {caller.scope}")
    if not supplier:
        raise ApiError(422, "invalid_input", "请填写供应商", "supplier is required", "supplier")
    return record(command(AnnounceDelivery, body, supplier=supplier), caller, DeliveryChanged, body)


@router.post(
    "/deliveries/{announcement_id}/certificates",
    response_model=DeliveryCertificateAttached,
    status_code=201,
    summary="Attach a certificate file to an announced delivery",
)
def attach_delivery_certificate(
    announcement_id: UUID,
    form: CertificateForm,
    ledger: LedgerDep,
    documents: DocumentsDep,
    caller: Supplier,
    record: Record,
) -> DeliveryCertificateAttached:
    announcement = visible_announcement(ledger, caller, announcement_id)
    check_supplier(caller, announcement.goods.supplier_id)
    attach, document = form.attach(AttachCertificateToDelivery, documents, announcement=announcement_id)
    return record(attach, caller, DeliveryCertificateAttached, form.when, document=document)


@router.get("/deliveries/{announcement_id}", response_model=AnnouncementOut, summary="One announced delivery")
def get_delivery(announcement_id: UUID, ledger: LedgerDep, caller: Reader) -> AnnouncementOut:
    return announcement_out(visible_announcement(ledger, caller, announcement_id))


@router.get("/deliveries", response_model=Page[AnnouncementOut], summary="Announced deliveries and their status")
def list_deliveries(
    ledger: LedgerDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,12}$")] = None,
    status: Annotated[str | None, Query(pattern=r"^(announced|received|rejected|withdrawn)$")] = None,
) -> dict[str, Any]:
    supplier = caller.scope if caller.role is Role.SUPPLIER else None
    school = caller.scope if caller.role in SCHOOL_ROLES else None
    found, next_cursor = ledger.announcements(supplier, school, int(cursor or 0), limit)
    items = [announcement_out(a) for a in found if status in (None, a.status)]
    return {"items": items, "next_cursor": str(next_cursor) if next_cursor else None}


@store_room_router.post(
    "/deliveries/{announcement_id}/receive",
    response_model=DeliveryReceived,
    status_code=201,
    summary="入库验收 of an announced delivery: scan, check, confirm",
)
def receive_delivery(
    announcement_id: UUID,
    body: ReceiveAnnouncedRequest,
    ledger: LedgerDep,
    pins: PinCheckDep,
    caller: Storekeeper,
    record: Record,
) -> DeliveryReceived:
    announcement = ledger.announcement(announcement_id)
    check_school(caller, announcement.goods.school_id)
    signed = co_signed(ledger, caller, pins, body)
    received = command(ReceiveAnnounced, body, {"co_signer_pin"}, announcement=announcement_id, co_signed=signed)
    return record(received, caller, DeliveryReceived, body)


@store_room_router.post(
    "/deliveries/{announcement_id}/reject",
    response_model=DeliveryChanged,
    summary="拒收 at the door",
)
def reject_delivery(
    announcement_id: UUID, body: ReasonRequest, ledger: LedgerDep, caller: Storekeeper, record: Record
) -> DeliveryChanged:
    check_school(caller, ledger.announcement(announcement_id).goods.school_id)
    return record(RejectDelivery(announcement=announcement_id, reason=body.reason), caller, DeliveryChanged, body)


@router.post("/deliveries/{announcement_id}/withdraw", response_model=DeliveryChanged, summary="撤回: withdraw it")
def withdraw_delivery(
    announcement_id: UUID, body: ReasonRequest, ledger: LedgerDep, caller: Supplier, record: Record
) -> DeliveryChanged:
    visible_announcement(ledger, caller, announcement_id)  # another supplier's delivery answers 404
    return record(WithdrawDelivery(announcement=announcement_id, reason=body.reason), caller, DeliveryChanged, body)


def announcement_out(a: DeliveryAnnouncement) -> AnnouncementOut:
    g = a.goods
    return AnnouncementOut(
        announcement_id=str(a.id),
        reference=a.reference,
        supplier=g.supplier_id,
        school=g.school_id,
        product=g.product,
        category=g.category,
        quantity=str(g.quantity),
        unit=g.unit,
        supplier_lot=g.supplier_lot,
        lot=g.lot,
        gtin=g.gtin,
        production_date=g.production_date,
        use_by_date=g.use_by_date,
        expected_on=a.expected_on,
        status=a.status,
        batch_code=a.batch_code or None,
        closed_reason=a.closed_reason,
        certificates=[c.kind.value for c in a.certificates],
    )
