"""Suppliers announce deliveries before they arrive and follow their status."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.auth import SCHOOL_ROLES, Allow, not_found_unless
from api.deps import IdempotencyKey, LedgerDep
from api.errors import ApiError
from api.schemas import AnnouncementOut, AnnouncementRequest, CommandResult, Page
from api.tokens import Caller
from domain.announcement import DeliveryAnnouncement
from domain.intake import AnnounceDelivery
from domain.values import Role

router = APIRouter(prefix="/api/v1", tags=["deliveries"])
Supplier = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.ADMIN))]
Reader = Annotated[Caller, Depends(Allow(Role.SUPPLIER, *SCHOOL_ROLES, Role.INVESTIGATOR, Role.ADMIN))]


@router.post("/deliveries", response_model=CommandResult, status_code=201, summary="送货预告: announce a delivery")
def announce(
    body: AnnouncementRequest, ledger: LedgerDep, caller: Supplier, key: IdempotencyKey = None
) -> CommandResult:
    supplier = caller.scope if caller.role is Role.SUPPLIER else body.supplier
    if caller.role is Role.SUPPLIER and body.supplier not in (None, caller.scope):
        raise ApiError(403, "forbidden", "只能为本公司预告送货", f"you act for supplier {caller.scope}")
    if not supplier:
        raise ApiError(422, "invalid_input", "请填写供应商", "supplier is required", "supplier")
    result = ledger.execute(
        AnnounceDelivery(
            supplier=supplier,
            reference=body.reference,
            school=body.school,
            product=body.product,
            category=body.category,
            quantity=body.quantity,
            unit=body.unit,
            supplier_lot=body.supplier_lot,
            production_date=body.production_date,
            use_by_date=body.use_by_date,
            invoice_number=body.invoice_number,
            expected_on=body.expected_on,
            gtin=body.gtin,
            unit_price=body.unit_price,
            pork=body.pork,
        ),
        by=caller.principal,
        idempotency_key=key,
    )
    return CommandResult(**result)


@router.get("/deliveries/{announcement_id}", response_model=AnnouncementOut, summary="One announced delivery")
def get_delivery(announcement_id: UUID, ledger: LedgerDep, caller: Reader) -> AnnouncementOut:
    announcement = ledger.announcement(announcement_id)
    not_found_unless(_may_see(caller, announcement))
    return announcement_out(announcement)


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


def _may_see(caller: Caller, announcement: DeliveryAnnouncement) -> bool:
    if caller.role is Role.SUPPLIER:
        return announcement.supplier_id == caller.scope
    if caller.role in SCHOOL_ROLES:
        return announcement.school_id == caller.scope
    return True


def announcement_out(a: DeliveryAnnouncement) -> AnnouncementOut:
    return AnnouncementOut(
        announcement_id=str(a.id),
        reference=a.reference,
        supplier=a.supplier_id,
        school=a.school_id,
        product=a.product,
        category=a.category,
        quantity=str(a.quantity),
        unit=a.unit,
        supplier_lot=a.supplier_lot,
        lot=a.lot,
        gtin=a.gtin,
        production_date=a.production_date,
        use_by_date=a.use_by_date,
        expected_on=a.expected_on,
        status=a.status,
        batch_code=a.batch_code or None,
        closed_reason=a.closed_reason,
        certificates=[c.kind.value for c in a.certificates],
    )
