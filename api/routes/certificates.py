"""Certificates attached to a received batch as files: checked by their bytes, stored by their SHA-256, recorded.

A delivery's certificates, attached before it arrives, are in deliveries.py.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import CertificateAttacher, check_school, visible_batch
from api.contract import Group
from api.deps import DocumentsDep, LedgerDep, Record
from api.results import BatchCertificateAttached
from api.routing import Route
from api.uploads import CertificateForm
from domain.intake import AttachCertificate
from domain.values import Role

router = APIRouter(prefix="/api/v1", tags=[Group.SUPPLIERS, Group.STOREKEEPERS], route_class=Route)


@router.post(
    "/batches/{code}/certificates",
    response_model=BatchCertificateAttached,
    status_code=201,
    summary="Attach a certificate file to a received batch",
)
def attach_batch_certificate(
    code: str,
    form: CertificateForm,
    ledger: LedgerDep,
    documents: DocumentsDep,
    caller: CertificateAttacher,
    record: Record,
) -> BatchCertificateAttached:
    batch = visible_batch(ledger, caller, code)
    if caller.role is Role.STOREKEEPER:
        check_school(caller, batch.school_id)
    attach, document = form.attach(AttachCertificate, documents, code=batch.code)
    return record(attach, caller, BatchCertificateAttached, form.when, document=document)
