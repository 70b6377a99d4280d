"""Suppliers attach certificates as files: checked by their bytes, stored by their SHA-256, recorded as events."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, UploadFile

from api.auth import Allow, check_school, check_supplier, not_found_unless
from api.deps import DocumentsDep, IdempotencyKey, LedgerDep, visible_batch
from api.documents import MAX_BYTES, inspect_upload
from api.errors import ApiError
from api.schemas import CertificateKindName, CommandResult
from api.tokens import Caller
from domain.intake import AttachCertificate, AttachCertificateToDelivery
from domain.values import Role

router = APIRouter(prefix="/api/v1", tags=["certificates"])
Attacher = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.STOREKEEPER, Role.ADMIN))]
Supplier = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.ADMIN))]

KindField = Annotated[CertificateKindName, Form(description="what the document is")]
NumberField = Annotated[str, Form(min_length=1, max_length=100, description="the certificate's own number")]
IssuerField = Annotated[str, Form(min_length=1, max_length=200)]
FileField = Annotated[UploadFile, File(description=f"PDF, JPEG or PNG, at most {MAX_BYTES // 1024 // 1024} MB")]


@router.post(
    "/batches/{code}/certificates",
    response_model=CommandResult,
    status_code=201,
    summary="Attach a certificate file to a received batch",
)
def attach_to_batch(
    code: str,
    kind: KindField,
    number: NumberField,
    issuer: IssuerField,
    issue_date: Annotated[date, Form()],
    file: FileField,
    ledger: LedgerDep,
    documents: DocumentsDep,
    caller: Attacher,
    expiry_date: Annotated[date | None, Form()] = None,
    key: IdempotencyKey = None,
) -> CommandResult:
    batch = visible_batch(ledger, caller, code)
    if caller.role is Role.STOREKEEPER:
        check_school(caller, batch.school_id)
    content = _read(file)
    document = inspect_upload(content)
    documents.put(content, document)  # kept even if refused: the sweep removes files no event names
    result = ledger.execute(
        AttachCertificate(
            code=batch.code,
            kind=kind,
            number=number,
            issuer=issuer,
            issue_date=issue_date,
            sha256=document.sha256,
            expiry_date=expiry_date,
        ),
        by=caller.principal,
        idempotency_key=key,
    )
    return CommandResult(**result, document=document.sha256)


@router.post(
    "/deliveries/{announcement_id}/certificates",
    response_model=CommandResult,
    status_code=201,
    summary="Attach a certificate file to an announced delivery",
    tags=["deliveries"],
)
def attach_to_delivery(
    announcement_id: UUID,
    kind: KindField,
    number: NumberField,
    issuer: IssuerField,
    issue_date: Annotated[date, Form()],
    file: FileField,
    ledger: LedgerDep,
    documents: DocumentsDep,
    caller: Supplier,
    expiry_date: Annotated[date | None, Form()] = None,
    key: IdempotencyKey = None,
) -> CommandResult:
    announcement = ledger.announcement(announcement_id)
    not_found_unless(caller.role is Role.ADMIN or announcement.supplier_id == caller.scope)
    check_supplier(caller, announcement.supplier_id)
    content = _read(file)
    document = inspect_upload(content)
    documents.put(content, document)
    result = ledger.execute(
        AttachCertificateToDelivery(
            announcement=announcement_id,
            kind=kind,
            number=number,
            issuer=issuer,
            issue_date=issue_date,
            sha256=document.sha256,
            expiry_date=expiry_date,
        ),
        by=caller.principal,
        idempotency_key=key,
    )
    return CommandResult(**result, document=document.sha256)


def _read(file: UploadFile) -> bytes:
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ApiError(
            413,
            "file_too_large",
            f"文件过大（上限{MAX_BYTES // 1024 // 1024} MB）",
            f"the file is larger than {MAX_BYTES // 1024 // 1024} MB",
            "file",
        )
    return content
